//! `--format sarif`: SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure DevOps).
//!
//! One run whose `tool.driver.rules` lists every rule (id, name, short and full description,
//! help URI, default level); one result per diagnostic. Columns count Unicode scalar values, as
//! everywhere in factory, so the run says `"columnKind": "unicodeCodePoints"`. A diagnostic
//! without a place (project-level) is a result without `locations`.
//!
//! Help URIs follow one scheme, `{repository}/blob/main/docs/rules/{CODE}.md`, where
//! `{repository}` is the crate's `repository` metadata: the generated rule pages in the
//! repository's `docs/rules/` directory.

use serde::Serialize;

use super::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{RuleInfo, registry};
use crate::source::SourceMap;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The documentation page of a rule: `{repository}/blob/main/docs/rules/{CODE}.md`.
#[must_use]
pub fn help_uri(code: &str) -> String {
    format!(
        "{}/blob/main/docs/rules/{code}.md",
        env!("CARGO_PKG_REPOSITORY").trim_end_matches('/')
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help_uri: String,
    help: Markdown,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Markdown {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    partial_fingerprints: Fingerprints,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "factory/v1")]
    factory: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: Artifact,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: Physical,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    region: Region,
}

#[derive(Serialize)]
struct Artifact {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// The SARIF level of a severity: `error`, `warning`, `note`.
#[must_use]
pub const fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file name as a relative URI reference: `/` separators, everything but RFC 3986 unreserved
/// characters and `/` percent-encoded.
#[must_use]
pub fn file_uri(name: &str) -> String {
    let mut out = String::new();
    for b in name.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The first paragraph of the rule's `## What it does` section.
fn what_it_does(rule: &RuleInfo) -> String {
    let docs = rule.documentation();
    let body = docs
        .split_once("## What it does")
        .map_or(docs.as_str(), |(_, rest)| rest);
    let para: Vec<&str> = body
        .trim_start()
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("##"))
        .map(str::trim)
        .collect();
    if para.is_empty() {
        rule.summary.to_owned()
    } else {
        para.join(" ")
    }
}

fn region(sources: &SourceMap, location: crate::span::Location) -> Region {
    let file = sources.get(location.file);
    let start = file.line_col(location.span.start);
    let end = file.line_col(location.span.end.max(location.span.start));
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// A fix as SARIF `fixes`: one artifact change per file, in edit order.
fn fixes(d: &Diagnostic, sources: &SourceMap) -> Vec<SarifFix> {
    let Some(fix) = &d.fix else {
        return Vec::new();
    };
    let mut changes: Vec<(crate::span::FileId, ArtifactChange)> = Vec::new();
    for e in &fix.edits {
        let replacement = Replacement {
            deleted_region: region(sources, e.location),
            inserted_content: Text {
                text: e.replacement.clone(),
            },
        };
        match changes.iter_mut().find(|(f, _)| *f == e.location.file) {
            Some((_, c)) => c.replacements.push(replacement),
            None => changes.push((
                e.location.file,
                ArtifactChange {
                    artifact_location: Artifact {
                        uri: file_uri(&sources.get(e.location.file).name),
                    },
                    replacements: vec![replacement],
                },
            )),
        }
    }
    vec![SarifFix {
        description: Text {
            text: fix.title.clone(),
        },
        artifact_changes: changes.into_iter().map(|(_, c)| c).collect(),
    }]
}

fn location(
    sources: &SourceMap,
    label: &crate::diagnostic::Label,
    id: Option<usize>,
) -> SarifLocation {
    SarifLocation {
        id,
        physical_location: Physical {
            artifact_location: Artifact {
                uri: file_uri(&sources.get(label.location.file).name),
            },
            region: region(sources, label.location),
        },
        message: label.text.clone().map(|text| Text { text }),
    }
}

fn result(
    d: &Diagnostic,
    sources: &SourceMap,
    rules: &[&RuleInfo],
    fingerprint: String,
) -> SarifResult {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    SarifResult {
        rule_id: d.code,
        rule_index: rules.iter().position(|r| r.code == d.code),
        level: level(d.severity),
        message: Text { text },
        locations: d
            .primary
            .iter()
            .map(|l| location(sources, l, None))
            .collect(),
        related_locations: d
            .secondary
            .iter()
            .enumerate()
            .map(|(i, l)| location(sources, l, Some(i + 1)))
            .collect(),
        fixes: fixes(d, sources),
        partial_fingerprints: Fingerprints {
            factory: fingerprint,
        },
    }
}

/// The SARIF 2.1.0 log for `report`, pretty-printed, with a trailing newline.
#[must_use]
pub fn render(report: &Report, sources: &SourceMap) -> String {
    let rules: Vec<&RuleInfo> = registry::all().collect();
    let descriptors = rules
        .iter()
        .map(|r| Descriptor {
            id: r.code,
            name: r.name,
            short_description: Text {
                text: r.summary.to_owned(),
            },
            full_description: Text {
                text: what_it_does(r),
            },
            help_uri: help_uri(r.code),
            help: Markdown {
                text: r.summary.to_owned(),
                markdown: r.documentation(),
            },
            default_configuration: Configuration {
                level: level(r.severity),
            },
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "factory",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: descriptors,
                },
            },
            column_kind: "unicodeCodePoints",
            results: report
                .diagnostics
                .iter()
                .zip(super::gitlab::fingerprints(report, sources))
                .map(|(d, f)| result(d, sources, &rules, f))
                .collect(),
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(super::file_uri("a b/c.yml"), "a%20b/c.yml");
        assert_eq!(super::file_uri(r"dir\x.yml"), "dir/x.yml");
        assert_eq!(super::file_uri("é.yml"), "%C3%A9.yml");
    }
}
