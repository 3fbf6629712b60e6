//! `factory lint [PATH]`.

use std::process::ExitCode;

use factory_compose::report::{human, json};
use factory_compose::{FileKind, Mode, Settings, Severity, SourceFile, SourceMap, lint};

use crate::args::{LintArgs, LintFormat};
use crate::discover;
use crate::output::{color, emit};

pub(crate) fn run(args: &LintArgs) -> Result<ExitCode, String> {
    let p = &args.project;
    let dir = discover::project_dir(args.path.as_deref(), p.project_directory.as_deref());
    let compose_file_env = std::env::var("COMPOSE_FILE").ok().map(|v| {
        (
            v,
            std::env::var("COMPOSE_PATH_SEPARATOR").unwrap_or_else(|_| ":".to_owned()),
        )
    });
    let files = discover::compose_files(&dir, &p.files, compose_file_env)?;
    let mut sources = SourceMap::new();
    for f in &files {
        let bytes =
            std::fs::read(&f.path).map_err(|e| format!("cannot read {}: {e}", f.display))?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                return Err(format!(
                    "{} is not UTF-8 text (invalid byte at offset {valid})",
                    f.display
                ));
            }
        };
        sources.add(SourceFile::new(f.display.clone(), text, FileKind::Compose));
    }
    let settings = Settings {
        mode: p
            .environment
            .clone()
            .map_or(Mode::Dev, |environment| Mode::Deploy { environment }),
        ..Settings::default()
    };
    let report = lint(&sources, &settings);
    let text = match args.format {
        LintFormat::Human => human::render(
            &report,
            &sources,
            color(p.no_color, p.output.is_some()),
            files.len(),
        ),
        LintFormat::Json => json::render(&report, &sources),
    };
    emit(&text, p.output.as_deref())?;
    let failing = report.diagnostics.iter().any(|d| {
        d.severity == Severity::Error || (args.deny_warnings && d.severity == Severity::Warning)
    });
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
