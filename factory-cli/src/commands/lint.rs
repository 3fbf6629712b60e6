//! `factory lint [PATH]`.

use std::process::ExitCode;

use factory_compose::report::{human, json};
use factory_compose::{Severity, lint};

use crate::args::{LintArgs, LintFormat};
use crate::output::{color, emit};
use crate::project;

pub(crate) fn run(args: &LintArgs) -> Result<ExitCode, String> {
    let p = &args.project;
    let files = project::read(args.path.as_deref(), p)?;
    let report = lint(&files.sources, &files.process, &files.settings);
    let text = match args.format {
        LintFormat::Human => human::render(
            &report,
            &files.sources,
            color(p.no_color, p.output.is_some()),
            files.compose_files,
        ),
        LintFormat::Json => json::render(&report, &files.sources),
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
