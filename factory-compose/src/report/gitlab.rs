//! `--format gitlab`: GitLab Code Quality JSON (`artifacts: reports: codequality`).
//!
//! Each finding has a `fingerprint` GitLab uses to tell new findings from old ones in a merge
//! request. It is the MD5 of the code, the file, the message and the offending text — never the
//! line number — so that inserting an unrelated line above a finding keeps its fingerprint.
//! Identical findings get an occurrence number mixed in, so fingerprints stay unique. A
//! finding without a place is reported on line 1 of the first compose file.

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
    let mut seen: Vec<String> = Vec::new();
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
            let repeats = seen.iter().filter(|f| **f == fingerprint).count();
            seen.push(fingerprint.clone());
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
