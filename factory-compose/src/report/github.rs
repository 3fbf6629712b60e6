//! `--format github`: GitHub Actions workflow commands, one line per finding, which GitHub
//! shows as annotations on the pull request:
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=CODE::message`.
//!
//! Escaping follows GitHub's runner: in the message `%`, `\r`, `\n` become `%25`, `%0D`,
//! `%0A`; in property values `:` and `,` also become `%3A` and `%2C`. A finding without a
//! place has no `file` property.

use std::fmt::Write as _;

use super::Report;
use crate::diagnostic::Severity;
use crate::source::SourceMap;

/// Escape the message part of a workflow command.
#[must_use]
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value of a workflow command.
#[must_use]
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The workflow command for a severity: `error`, `warning`, `notice`.
#[must_use]
pub const fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// One workflow command per diagnostic, each ending with a newline.
#[must_use]
pub fn render(report: &Report, sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let mut props = Vec::new();
        if let Some(l) = &d.primary {
            let file = sources.get(l.location.file);
            let start = file.line_col(l.location.span.start);
            let end = file.line_col(l.location.span.end.max(l.location.span.start));
            props.push(format!("file={}", escape_property(&file.name)));
            props.push(format!("line={}", start.line));
            props.push(format!("col={}", start.column));
            props.push(format!("endLine={}", end.line));
            props.push(format!("endColumn={}", end.column));
        }
        props.push(format!("title={}", escape_property(d.code)));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{} {}::{}",
            command(d.severity),
            props.join(","),
            escape_data(&message)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("dir:a,b%\n.yml"), "dir%3Aa%2Cb%25%0A.yml");
    }
}
