//! `--format json` for `lint` (SPEC §5): stable across versions.

use serde::Serialize;

use super::{Report, Summary};
use crate::diagnostic::Severity;
use crate::source::SourceMap;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
}

/// The JSON document for `report`, pretty-printed, with a trailing newline.
#[must_use]
pub fn render(report: &Report, sources: &SourceMap) -> String {
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| {
            let mut j = JsonDiagnostic {
                code: d.code,
                severity: d.severity,
                message: &d.message,
                help: d.help.as_deref(),
                file: None,
                line: None,
                column: None,
                end_line: None,
                end_column: None,
            };
            if let Some(label) = &d.primary {
                let file = sources.get(label.location.file);
                let start = file.line_col(label.location.span.start);
                let end = file.line_col(label.location.span.end);
                j.file = Some(&file.name);
                j.line = Some(start.line);
                j.column = Some(start.column);
                j.end_line = Some(end.line);
                j.end_column = Some(end.column);
            }
            j
        })
        .collect();
    let doc = JsonReport {
        version: 1,
        diagnostics,
        summary: report.summary(),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
