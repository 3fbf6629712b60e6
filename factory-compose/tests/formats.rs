//! The machine formats: SARIF validates against the official 2.1.0 schema, GitLab fingerprints
//! survive line moves, GitHub commands are well-formed — with and without a place.
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use factory_compose::report::{github, gitlab, sarif};
use factory_compose::rules::registry;
use factory_compose::{
    Diagnostic, FileKind, ProcessEnv, Report, Settings, SourceFile, SourceMap, lint,
};
use serde_json::Value;

fn broken() -> (Report, SourceMap) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/broken/docker-compose.yml");
    let text = std::fs::read_to_string(path).expect("examples/broken");
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "examples/broken/docker-compose.yml",
        text,
        FileKind::Compose,
    ));
    let mut report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    // A project-level finding (no place) must be valid in every format too.
    report.diagnostics.push(Diagnostic::new(
        "FC014",
        factory_compose::Severity::Info,
        "a finding without a place, 100% odd: a, b\nsecond line",
    ));
    (report, sources)
}

fn validate_sarif(doc: &Value) {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).expect("schema"))
            .expect("schema JSON");
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_of_examples_broken_validates_against_the_official_schema() {
    let (report, sources) = broken();
    assert!(report.diagnostics.len() > 15);
    let doc: Value = serde_json::from_str(&sarif::render(&report, &sources)).expect("JSON");
    validate_sarif(&doc);
    let run = &doc["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), registry::all().count());
    for r in rules {
        for key in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "helpUri",
        ] {
            assert!(!r[key].is_null(), "rule {} lacks {key}", r["id"]);
        }
        assert!(
            r["helpUri"].as_str().is_some_and(|u| u.ends_with(&format!(
                "/docs/rules/{}.md",
                r["id"].as_str().unwrap_or("")
            ))),
            "{}",
            r["helpUri"]
        );
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), report.diagnostics.len());
    // The first result is at a known place: `version: 3` (FC011) on line 2.
    let first = &results[0];
    assert_eq!(
        first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "examples/broken/docker-compose.yml"
    );
    let region = &first["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 2);
    assert!(results.last().is_some_and(|r| r["locations"].is_null()));
    for r in results {
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap_or("")));
    }
    // Fixes are carried along: FC014's rename of `links` on line 23.
    let fix = results
        .iter()
        .find_map(|r| (r["ruleId"] == "FC014").then(|| &r["fixes"][0]))
        .expect("FC014 result");
    assert_eq!(fix["description"]["text"], "rename `links` to `depends_on`");
    let replacement = &fix["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["deletedRegion"]["startLine"], 23);
    assert_eq!(replacement["insertedContent"]["text"], "depends_on");
}

#[test]
fn sarif_validation_can_fail() {
    // The validator is not vacuous: a result without a message is rejected.
    let (report, sources) = broken();
    let mut doc: Value = serde_json::from_str(&sarif::render(&report, &sources)).expect("JSON");
    doc["runs"][0]["results"][0]
        .as_object_mut()
        .expect("result")
        .remove("message");
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).expect("schema"))
            .expect("schema JSON");
    let validator = jsonschema::draft4::new(&schema).expect("schema");
    assert!(!validator.is_valid(&doc));
}

fn fingerprints(text: &str) -> Vec<(String, String, u64)> {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        text,
        FileKind::Compose,
    ));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let doc: Value = serde_json::from_str(&gitlab::render(&report, &sources)).expect("JSON");
    doc.as_array()
        .expect("array")
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap_or("").to_owned(),
                i["fingerprint"].as_str().unwrap_or("").to_owned(),
                i["location"]["lines"]["begin"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn gitlab_fingerprints_survive_an_inserted_line() {
    let text = "services:\n  app:\n    image: app\n    links: [db]\n  db:\n    image: db\n    links: [app]\n";
    let moved = format!("# a new comment above everything\n{text}");
    let before = fingerprints(text);
    let after = fingerprints(&moved);
    assert!(before.len() >= 4, "{before:?}");
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.0, a.0);
        assert_eq!(b.1, a.1, "fingerprint of {} changed", b.0);
        assert_eq!(b.2 + 1, a.2, "the line moved");
    }
    let mut unique: Vec<_> = before.iter().map(|f| &f.1).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), before.len(), "fingerprints are unique");
}

#[test]
fn gitlab_report_shape() {
    let (report, sources) = broken();
    let doc: Value = serde_json::from_str(&gitlab::render(&report, &sources)).expect("JSON");
    let issues = doc.as_array().expect("array");
    assert_eq!(issues.len(), report.diagnostics.len());
    for i in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[key].is_string(), "{key} in {i}");
        }
        assert!(["major", "minor", "info"].contains(&i["severity"].as_str().unwrap_or("")));
        assert!(i["location"]["path"].is_string());
        assert!(
            i["location"]["lines"]["begin"]
                .as_u64()
                .is_some_and(|l| l >= 1)
        );
    }
    let last = issues.last().expect("project-level");
    assert_eq!(
        last["location"]["path"],
        "examples/broken/docker-compose.yml"
    );
    assert_eq!(last["location"]["lines"]["begin"], 1);
}

#[test]
fn github_commands_are_one_line_each_and_escaped() {
    let (report, sources) = broken();
    let out = github::render(&report, &sources);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), report.diagnostics.len());
    let first = lines[0];
    assert!(
        first.starts_with("::error file=examples/broken/docker-compose.yml,line=2,col=")
            || first.starts_with("::warning file=examples/broken/docker-compose.yml,line=2,col="),
        "{first}"
    );
    assert!(first.contains(",endLine=2,endColumn="), "{first}");
    assert_eq!(
        *lines.last().expect("last"),
        "::notice title=FC014::a finding without a place, 100%25 odd: a, b%0Asecond line"
    );
}

/// The parser reports a syntax error at a point: the finding covers the character there, so
/// SARIF regions and GitHub annotations are never empty (at the end of a line it stays a point).
#[test]
fn a_yaml_syntax_error_covers_a_character() {
    for (text, expected) in [
        ("services:\n  a:\n    image: nginx:\n", ":"),
        ("services:\n  a: [x\n  b: é: 1\n", ":"),
    ] {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("c.yml", text, FileKind::Compose));
        let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.code == "FC001")
            .expect("FC001");
        let span = d.primary.as_ref().expect("a place").location.span;
        assert_eq!(&text[span.range()], expected, "{text:?}: {}", d.message);
    }
}
