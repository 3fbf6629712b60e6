//! `factory config`: the resolved project as `docker compose config` prints it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use factory_compose::render::{Format, Options, render};
use factory_compose::resolve_refs::RefKind;
use factory_compose::{FileKind, SourceFile, load};

/// Arguments of `factory config`.
#[derive(Debug, Args)]
pub(crate) struct ConfigArgs {
    /// The project directory (same as --project-directory).
    #[arg(value_name = "PATH")]
    pub(crate) path: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) project: crate::args::ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ConfigFormat::Yaml)]
    pub(crate) format: ConfigFormat,
}

/// `--format` of `factory config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ConfigFormat {
    /// What `docker compose config` prints.
    Yaml,
    /// What `docker compose config --format json` prints.
    Json,
}

pub(crate) fn run(args: &ConfigArgs) -> Result<ExitCode, String> {
    let mut files = crate::project::read(args.path.as_deref(), &args.project)?;
    let mut loaded = load(&files.sources, &files.process, &files.settings);
    // Step two of the loader's API: read the files the project refers to, then load again.
    let refs = loaded.referenced_files();
    if !refs.is_empty() {
        let base = files
            .settings
            .project_dir
            .clone()
            .map_or_else(|| files.dir.clone(), PathBuf::from);
        let mut added: Vec<String> = Vec::new();
        for r in refs {
            if r.kind != RefKind::EnvFile || added.contains(&r.path) {
                continue;
            }
            let on_disk = if Path::new(&r.path).is_absolute() {
                PathBuf::from(&r.path)
            } else {
                base.join(&r.path)
            };
            if !on_disk.is_file() {
                if r.required {
                    let shown = on_disk.to_string_lossy();
                    return Err(format!(
                        "env file {shown} not found: stat {shown}: no such file or directory"
                    ));
                }
                continue;
            }
            let text = crate::project::read_text(&on_disk, &r.path)?;
            files
                .sources
                .add(SourceFile::new(r.path.clone(), text, FileKind::Other));
            added.push(r.path);
        }
        loaded = load(&files.sources, &files.process, &files.settings);
    }
    // Loading errors that leave nothing to print stop here (a file that is not YAML).
    if loaded.project.root.is_none() {
        let first = loaded
            .diagnostics
            .iter()
            .find(|d| d.severity == factory_compose::Severity::Error);
        if let Some(d) = first {
            return Err(d.message.clone());
        }
    }
    let options = Options {
        home: files.process.get("HOME").map(str::to_owned),
        show_secrets: args.project.show_secrets,
    };
    let format = match args.format {
        ConfigFormat::Yaml => Format::Yaml,
        ConfigFormat::Json => Format::Json,
    };
    let text = render(&loaded, &files.settings, &options, format);
    crate::output::emit(&text, args.project.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
