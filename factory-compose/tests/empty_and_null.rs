//! Empty files, null documents and null top-level keys: what Compose v2.40.3 refuses
//! (`docker compose -f … config`, its error quoted) must be an FC002, what it accepts must not.

use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, lint};

/// (compose files in `-f` order, the FC002 message expected or `None`, Compose's answer)
const CASES: &[(&[&str], Option<&str>, &str)] = &[
    (
        &[""],
        Some("the compose file is empty"),
        "empty compose file",
    ),
    (
        &["# only a comment\n"],
        Some("the compose file is empty"),
        "empty compose file",
    ),
    (
        &["{}\n"],
        Some("the compose file is empty"),
        "empty compose file",
    ),
    (
        &["", "# c\n"],
        Some("the compose file is empty"),
        "empty compose file",
    ),
    (&["", "services:\n  a:\n    image: x:1\n"], None, "accepted"),
    (&["services:\n  a:\n    image: x:1\n", ""], None, "accepted"),
    (&["x-a: 1\n"], None, "accepted"),
    (&["services: {}\n"], None, "accepted"),
    (
        &["---\n"],
        Some("a compose document must be a mapping, not null"),
        "top-level object must be a mapping",
    ),
    (
        &["~\n"],
        Some("a compose document must be a mapping, not null"),
        "top-level object must be a mapping",
    ),
    (
        &["services:\n  a:\n    image: x:1\n---\n# nothing\n"],
        Some("a compose document must be a mapping, not null"),
        "top-level object must be a mapping",
    ),
    (
        &["services:\n  a:\n    image: x:1\n", "---\n"],
        Some("a compose document must be a mapping, not null"),
        "top-level object must be a mapping",
    ),
    (
        &["services:\n"],
        Some("`services` must be a mapping, not null"),
        "services must be a mapping",
    ),
    (
        &["services:\n  a:\n    image: x:1\n", "services:\n"],
        Some("`services` must be a mapping, not null"),
        "services must be a mapping",
    ),
    (
        &["services:\n  a:\n    image: x:1\nnetworks:\n"],
        Some("`networks` must be a mapping, not null"),
        "validating …: networks must be a mapping",
    ),
];

/// `lint` of compose files `f0.yml`, `f1.yml` … in that order.
fn lint_files(files: &[&str]) -> factory_compose::Report {
    let mut sources = SourceMap::new();
    for (i, text) in files.iter().enumerate() {
        sources.add(SourceFile::new(
            format!("f{i}.yml"),
            *text,
            FileKind::Compose,
        ));
    }
    lint(&sources, &ProcessEnv::default(), &Settings::default())
}

#[test]
fn compose_refuses_what_fc002_reports() {
    let mut failures = Vec::new();
    for (files, expected, compose) in CASES {
        let report = lint_files(files);
        let fc002: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == "FC002")
            .map(|d| d.message.as_str())
            .collect();
        let ok = match expected {
            Some(m) => fc002 == [*m],
            None => fc002.is_empty(),
        };
        if !ok {
            failures.push(format!(
                "{files:?} (Compose: {compose}): expected {expected:?}, got {fc002:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A later document or file whose top level is a sequence is FC002 alone: not also an FC020
/// about overriding the earlier mapping at an empty path (Compose v2.40.3: `top-level object
/// must be a mapping`, and `cannot unmarshal !!seq` for a second file).
#[test]
fn a_sequence_after_a_mapping_is_fc002_alone() {
    for files in [
        &["services:\n  a:\n    image: x:1\n---\n- a\n- b\n"][..],
        &["services:\n  a:\n    image: x:1\n", "- x\n"][..],
    ] {
        let report = lint_files(files);
        let codes: Vec<&str> = report
            .diagnostics
            .iter()
            .map(|d| d.code)
            .filter(|c| c.starts_with("FC0"))
            .collect();
        assert_eq!(codes, ["FC002"], "{files:?}: {:?}", report.diagnostics);
    }
}
