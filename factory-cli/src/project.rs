//! Reading a project from disk: compose files (Compose's discovery), `.env`, the process
//! environment, and the settings every command shares.

use std::path::{Path, PathBuf};

use factory_compose::{FileKind, Mode, ProcessEnv, Settings, SourceFile, SourceMap};

use crate::args::ProjectArgs;
use crate::discover;

/// A project's sources and the settings to load them with.
pub(crate) struct ProjectFiles {
    pub(crate) sources: SourceMap,
    pub(crate) process: ProcessEnv,
    pub(crate) settings: Settings,
    pub(crate) compose_files: usize,
    /// The path on disk of each source, in `sources` order (`lint --fix` writes there).
    pub(crate) paths: Vec<PathBuf>,
    #[allow(dead_code)] // read by commands that render paths (config)
    pub(crate) dir: PathBuf,
}

/// Read a text file; a non-UTF-8 file is an error that names its line and column.
pub(crate) fn read_text(path: &Path, display: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {display}: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(valid);
        let line = text.matches('\n').count() + 1;
        let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{display}:{line}:{column}: the file is not UTF-8 text")
    })
}

/// Compose's project name normalisation: lower-case, only `[a-z0-9_-]`.
pub(crate) fn normalize_project_name(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect()
}

/// Read everything a command needs.
pub(crate) fn read(path: Option<&Path>, p: &ProjectArgs) -> Result<ProjectFiles, String> {
    let dir = discover::project_dir(path, p.project_directory.as_deref());
    let compose_file_env = std::env::var("COMPOSE_FILE").ok().map(|v| {
        (
            v,
            std::env::var("COMPOSE_PATH_SEPARATOR").unwrap_or_else(|_| ":".to_owned()),
        )
    });
    let files = discover::compose_files(
        &dir,
        &p.files,
        compose_file_env,
        path.is_some() && p.project_directory.is_none(),
    )?;
    let mut sources = SourceMap::new();
    let mut paths = Vec::new();
    for f in &files {
        paths.push(f.path.clone());
        let text = read_text(&f.path, &f.display)?;
        sources.add(SourceFile::new(f.display.clone(), text, FileKind::Compose));
    }
    if p.env_file.is_empty() {
        let env = dir.join(".env");
        if env.is_file() {
            let display = discover::display_in(&dir, ".env");
            paths.push(env.clone());
            sources.add(SourceFile::new(
                display.clone(),
                read_text(&env, &display)?,
                FileKind::Dotenv,
            ));
        }
    } else {
        for f in &p.env_file {
            let display = f.to_string_lossy().into_owned();
            paths.push(f.clone());
            sources.add(SourceFile::new(
                display.clone(),
                read_text(f, &display)?,
                FileKind::Dotenv,
            ));
        }
    }
    let process = if p.no_process_env {
        ProcessEnv::default()
    } else {
        ProcessEnv {
            vars: std::env::vars().collect(),
        }
    };
    let project_path = std::env::var("CI_PROJECT_PATH")
        .ok()
        .filter(|s| !s.is_empty());
    let dir_name = std::fs::canonicalize(&dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let raw_name = p
        .project_name
        .clone()
        .or_else(|| {
            project_path
                .as_deref()
                .map(|pp| pp.rsplit('/').next().unwrap_or(pp).to_owned())
        })
        .unwrap_or(dir_name);
    let settings = Settings {
        mode: p
            .environment
            .clone()
            .map_or(Mode::Dev, |environment| Mode::Deploy {
                environment,
                url: p.url.clone(),
            }),
        project_path,
        project_name: Some(normalize_project_name(&raw_name)),
        ..Settings::default()
    };
    if p.url.is_some() && p.environment.is_none() {
        return Err(
            "--url needs -e/--environment (the URL belongs to a deployed environment)".to_owned(),
        );
    }
    Ok(ProjectFiles {
        sources,
        process,
        settings,
        compose_files: files.len(),
        paths,
        dir,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn project_names_are_normalised_like_compose() {
        assert_eq!(super::normalize_project_name("My.Project 2"), "myproject2");
        assert_eq!(
            super::normalize_project_name("factory_hello-1"),
            "factory_hello-1"
        );
    }
}
