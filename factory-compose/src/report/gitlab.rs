//! `--format gitlab`: GitLab Code Quality JSON (`artifacts: reports: codequality`).
//!
//! Each finding has a `fingerprint` GitLab uses to tell new findings from old ones in a merge
//! request. It is the MD5 of the code, the file, the message and the offending text — never the
//! line number — so that inserting an unrelated line above a finding keeps its fingerprint.
//! Identical findings get an occurrence number mixed in, so fingerprints stay unique. A
//! finding without a place is reported on line 1 of the first compose file.

use std::collections::HashMap;

use md5::{Digest, Md5};
use serde::Serialize;

use super::Report;
use crate::diagnostic::Severity;
use crate::source::{FileKind, SourceMap};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

/// GitLab's severity names: error → `major`, warning → `minor`, info → `info`.
#[must_use]
pub const fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stable fingerprint per diagnostic, in report order: the MD5 of the code, the file, the
/// message and the offending text (never the line), with an occurrence number mixed in for
/// repeats so that they stay unique. SARIF's `partialFingerprints` use the same values.
#[must_use]
pub fn fingerprints(report: &Report, sources: &SourceMap) -> Vec<String> {
    // How many times each first fingerprint was seen so far.
    let mut seen: HashMap<String, usize> = HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let (path, text) = match &d.primary {
                Some(l) => {
                    let file = sources.get(l.location.file);
                    (file.name.as_str(), file.slice(l.location.span))
                }
                None => ("", ""),
            };
            let mut hasher = Md5::new();
            for part in [d.code, path, &d.message, text] {
                hasher.update(part.as_bytes());
                hasher.update([0]);
            }
            let mut fingerprint = hex(&hasher.finalize());
            let count = seen.entry(fingerprint.clone()).or_insert(0);
            let repeats = *count;
            *count += 1;
            if repeats > 0 {
                let mut again = Md5::new();
                again.update(fingerprint.as_bytes());
                again.update(repeats.to_string().as_bytes());
                fingerprint = hex(&again.finalize());
            }
            fingerprint
        })
        .collect()
}

/// The Code Quality report for `report`: a JSON array, pretty-printed, with a trailing newline.
#[must_use]
pub fn render(report: &Report, sources: &SourceMap) -> String {
    let fallback = sources
        .of_kind(FileKind::Compose)
        .next()
        .or_else(|| sources.iter().next().map(|(id, _)| id))
        .map_or("docker-compose.yml", |id| sources.get(id).name.as_str());
    let fingerprints = fingerprints(report, sources);
    let issues: Vec<Issue<'_>> = report
        .diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(d, fingerprint)| {
            let (path, line) = match &d.primary {
                Some(l) => {
                    let file = sources.get(l.location.file);
                    (
                        file.name.as_str(),
                        file.line_col(l.location.span.start).line,
                    )
                }
                None => (fallback, 1),
            };
            let mut description = format!("{}: {}", d.code, d.message);
            if let Some(help) = &d.help {
                description.push_str(" (help: ");
                description.push_str(help);
                description.push(')');
            }
            Issue {
                description,
                check_name: d.code,
                fingerprint,
                severity: severity(d.severity),
                location: IssueLocation {
                    path,
                    lines: Lines { begin: line },
                },
            }
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::source::SourceFile;
    use crate::span::{Location, Span};

    /// Repeats of a finding get the MD5 of the first fingerprint and their occurrence number
    /// (1, 2, … in report order), counted apart for each fingerprint.
    #[test]
    fn repeated_findings_are_numbered_in_report_order() {
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new("f.yml", "a: b\n", FileKind::Compose));
        let finding = |message: &str| {
            Diagnostic::new("FC033", Severity::Error, message)
                .at(Location::new(file, Span::new(0, 1)))
        };
        let report = Report {
            diagnostics: vec![
                finding("x"),
                finding("y"),
                finding("x"),
                finding("x"),
                finding("y"),
            ],
        };
        let got = fingerprints(&report, &sources);
        let numbered = |first: &str, n: usize| {
            let mut again = Md5::new();
            again.update(first.as_bytes());
            again.update(n.to_string().as_bytes());
            hex(&again.finalize())
        };
        let (x, y) = (got[0].clone(), got[1].clone());
        assert_ne!(x, y);
        assert_eq!(
            got,
            [
                x.clone(),
                y.clone(),
                numbered(&x, 1),
                numbered(&x, 2),
                numbered(&y, 1)
            ]
        );
    }
}
