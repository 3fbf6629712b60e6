//! `factory config`: the resolved project as `docker compose config` prints it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use factory_compose::render::{Format, Options, document, to_json, to_yaml};
use factory_compose::report::human;
use factory_compose::resolve_refs::RefKind;

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
    let mut files = crate::project::read_configured(args.path.as_deref(), &args.project)?;
    let loaded = files.load();
    // A missing env or label file stops Compose (not of a service its profiles leave out);
    // other missing files are loading diagnostics.
    if let Some(r) = files.missing.iter().find(|r| {
        matches!(r.kind, RefKind::EnvFile | RefKind::LabelFile)
            && r.required
            && loaded.is_enabled(&r.service)
    }) {
        let what = if r.kind == RefKind::EnvFile {
            "env"
        } else {
            "label"
        };
        let base = files
            .settings
            .project_dir
            .clone()
            .map_or_else(|| files.dir.clone(), PathBuf::from);
        let on_disk = crate::project::on_disk(&r.path, &base, &files.process);
        let shown = on_disk.to_string_lossy();
        // Compose's words: a folder is read and fails; a device or a pipe is no file to read.
        return Err(if on_disk.is_dir() {
            format!("failed to read {shown}: read {shown}: is a directory")
        } else if on_disk.exists() {
            format!("{what} file {shown} is not a regular file: factory reads only files")
        } else {
            format!("{what} file {shown} not found: stat {shown}: no such file or directory")
        });
    }
    // Compose refuses the project: say why, where, and print no model (as Compose prints none).
    let refusals = factory_compose::compose_refusals(&loaded, &files.sources, &files.settings);
    if !refusals.is_empty() {
        // FC004 is factory's own budget, not a refusal of Compose's.
        let why = if refusals.iter().all(|d| d.code == "FC004") {
            "factory stops at its limits (FC004)"
        } else {
            "docker compose would refuse this project"
        };
        let report = factory_compose::Report::new(refusals);
        let color = crate::output::stderr_color(args.project.no_color);
        let text = human::render(&report, &files.sources, color, files.sources.len());
        crate::output::to_stderr(&format!("{text}{why}: nothing printed\n"));
        return Ok(ExitCode::from(1));
    }
    // Loading errors that leave nothing to print and are not refusals stop here.
    if loaded.project.root.is_none() {
        let first = loaded
            .diagnostics
            .iter()
            .find(|d| d.severity == factory_compose::Severity::Error);
        if let Some(d) = first {
            return Err(d.message.clone());
        }
    }
    crate::commands::cron::unset_variables(&loaded, &files, &args.project);
    let options = Options {
        home: files.process.get("HOME").map(str::to_owned),
        show_secrets: args.project.show_secrets,
    };
    let format = match args.format {
        ConfigFormat::Yaml => Format::Yaml,
        ConfigFormat::Json => Format::Json,
    };
    let doc = document(&loaded, &files.settings, &options, format);
    let text = match format {
        Format::Yaml => to_yaml(&doc),
        // Compose's JSON encoder fails on an infinite or NaN float (`x-e: .inf`): so does this.
        Format::Json => match doc.first_non_finite() {
            Some(f) => {
                let go = if f.is_nan() {
                    "NaN"
                } else if f > 0.0 {
                    "+Inf"
                } else {
                    "-Inf"
                };
                crate::output::to_stderr(&format!(
                    "error: json: unsupported value: {go} (JSON has no infinity or NaN; the YAML output prints it)\n\
                     docker compose would fail to print this project: nothing printed\n"
                ));
                return Ok(ExitCode::from(1));
            }
            None => to_json(&doc),
        },
    };
    // The process exits after printing: freeing the project value by value would only delay it.
    std::mem::forget(loaded);
    crate::output::emit(&text, args.project.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
