//! The human output: a source frame with a caret under the exact span, the code, the message
//! and a `help:` line, then a summary line (annotate-snippets, plain or coloured).

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::Report;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::SourceMap;
use crate::span::FileId;

/// Plain text or ANSI colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Color {
    /// No escape codes.
    #[default]
    Never,
    /// ANSI colours.
    Always,
}

/// Render one diagnostic (no trailing newline).
#[must_use]
pub fn render_diagnostic(d: &Diagnostic, sources: &SourceMap, color: Color) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    };
    let title = level.primary_title(d.message.as_str()).id(d.code);
    let mut group = Group::with_title(title);

    // One snippet per file, in order: the primary's file first.
    let mut labels: Vec<(&Label, bool)> = Vec::new();
    if let Some(p) = &d.primary {
        labels.push((p, true));
    }
    labels.extend(d.secondary.iter().map(|l| (l, false)));
    let mut files: Vec<FileId> = Vec::new();
    for (l, _) in &labels {
        if !files.contains(&l.location.file) {
            files.push(l.location.file);
        }
    }
    for file_id in files {
        let file = sources.get(file_id);
        let in_file: Vec<&(&Label, bool)> = labels
            .iter()
            .filter(|(l, _)| l.location.file == file_id)
            .collect();
        let index = file.line_index();
        let first_line = in_file
            .iter()
            .map(|(l, _)| index.line_of(l.location.span.start))
            .min()
            .unwrap_or(0);
        let last_line = in_file
            .iter()
            .map(|(l, _)| index.line_of(l.location.span.end.max(l.location.span.start)))
            .max()
            .unwrap_or(0);
        let start = index.line_start(first_line) as usize;
        let end = if last_line + 1 < index.line_count() {
            (index.line_start(last_line + 1) as usize).saturating_sub(1)
        } else {
            file.text.len()
        };
        let window = file.text.get(start..end).unwrap_or("");
        let mut snippet = Snippet::source(window)
            .line_start(first_line + 1)
            .path(file.name.as_str());
        for (l, primary) in in_file {
            let s = (l.location.span.start as usize)
                .saturating_sub(start)
                .min(window.len());
            let e = (l.location.span.end as usize)
                .saturating_sub(start)
                .clamp(s, window.len());
            let kind = if *primary {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            let mut a = kind.span(s..e);
            if let Some(text) = &l.text {
                a = a.label(text.as_str());
            }
            snippet = snippet.annotation(a);
        }
        group = group.element(snippet);
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let renderer = match color {
        Color::Never => Renderer::plain(),
        Color::Always => Renderer::styled(),
    };
    renderer.render(&[group])
}

/// The summary line: `2 errors, 1 warning` or `no problems found`.
#[must_use]
pub fn summary_line(report: &Report, files: usize) -> String {
    let s = report.summary();
    if report.diagnostics.is_empty() {
        return format!("no problems found in {files} file{}", plural(files));
    }
    let mut parts = Vec::new();
    for (n, word) in [
        (s.errors, "error"),
        (s.warnings, "warning"),
        (s.infos, "info"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}{}", plural(n)));
        }
    }
    format!(
        "found {} in {files} file{}",
        parts.join(", "),
        plural(files)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The whole human report: each diagnostic followed by a blank line, then the summary line.
#[must_use]
pub fn render(report: &Report, sources: &SourceMap, color: Color, files: usize) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&render_diagnostic(d, sources, color));
        out.push_str("\n\n");
    }
    out.push_str(&summary_line(report, files));
    out.push('\n');
    out
}
