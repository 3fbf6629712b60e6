//! Every fix a rule offers, applied on its fixture until nothing changes, leaves a file that
//! parses and no longer has the fixed findings.
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use factory_compose::rules::registry;
use factory_compose::{
    FileKind, Mode, ProcessEnv, Report, Settings, SourceFile, SourceMap, fix, lint,
};

const MAX_ROUNDS: usize = 10;
/// Codes that mean the file no longer parses or has the wrong shape.
const BROKEN: &[&str] = &["FC001", "FC002", "FC003", "FC004"];

fn settings_for(text: &str) -> Settings {
    let mut settings = Settings::default();
    if let Some(env) = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# factory-test: environment="))
    {
        settings.mode = Mode::Deploy {
            environment: env.trim().to_owned(),
            url: None,
        };
    }
    settings
}

fn sources_for(code: &str, text: &str) -> SourceMap {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        format!("{code}.yml"),
        text,
        FileKind::Compose,
    ));
    let env = dir.join(format!("{code}.env"));
    if env.is_file() {
        let t = std::fs::read_to_string(env).expect(".env");
        sources.add(SourceFile::new(format!("{code}.env"), t, FileKind::Dotenv));
    }
    sources
}

fn count(report: &Report, code: &str) -> usize {
    report.diagnostics.iter().filter(|d| d.code == code).count()
}

#[test]
fn every_fix_applies_and_relints_clean_for_its_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut fixed_codes = Vec::new();
    for rule in registry::all() {
        let Ok(text) = std::fs::read_to_string(dir.join(format!("{}.yml", rule.code))) else {
            continue;
        };
        let settings = settings_for(&text);
        let mut sources = sources_for(rule.code, &text);
        let report = lint(&sources, &ProcessEnv::default(), &settings);
        let fixable = report
            .diagnostics
            .iter()
            .filter(|d| d.code == rule.code && d.fix.is_some())
            .count();
        if fixable == 0 {
            continue;
        }
        fixed_codes.push(rule.code);
        let before = count(&report, rule.code);
        let broken_before: usize = BROKEN.iter().map(|c| count(&report, c)).sum();
        let mut report = report;
        let mut rounds = 0;
        loop {
            let fixed = fix::apply(&report, &sources);
            if fixed.is_empty() {
                break;
            }
            rounds += 1;
            assert!(rounds <= MAX_ROUNDS, "{}: fixes do not converge", rule.code);
            sources = fix::replaced(&sources, &fixed);
            report = lint(&sources, &ProcessEnv::default(), &settings);
        }
        assert_eq!(
            count(&report, rule.code),
            before - fixable,
            "{}: after fixing, the fixed findings remain:\n{}",
            rule.code,
            sources.get(factory_compose::FileId(0)).text
        );
        let broken_after: usize = BROKEN.iter().map(|c| count(&report, c)).sum();
        assert_eq!(
            broken_after, broken_before,
            "{}: a fix broke the file",
            rule.code
        );
    }
    for expected in ["FC014", "FC022", "FE005", "FJ003", "FJ004", "FR008"] {
        assert!(
            fixed_codes.contains(&expected),
            "{expected} offers no fix on its fixture"
        );
    }
}

#[test]
fn fixes_keep_comments_and_untouched_lines() {
    let text = "# top\nservices:\n  app:\n    image: app:1.0 # pinned\n    restart: no   # keep\n    environment:\n      UMASK: 0755\n    links:\n      - db # the database\n  db:\n    image: db:1.0\n";
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("c.yml", text, FileKind::Compose));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let fixed = fix::apply(&report, &sources);
    assert_eq!(
        fixed[0].text,
        "# top\nservices:\n  app:\n    image: app:1.0 # pinned\n    restart: \"no\"   # keep\n    environment:\n      UMASK: \"0755\"\n    depends_on:\n      - db # the database\n  db:\n    image: db:1.0\n"
    );
    let diff = fix::unified_diff("c.yml", text, &fixed[0].text);
    assert!(diff.starts_with("--- a/c.yml\n+++ b/c.yml\n@@"), "{diff}");
    assert!(
        diff.contains("\n-    links:\n") && diff.contains("\n+    depends_on:\n"),
        "{diff}"
    );
}

#[test]
fn links_with_aliases_or_depends_on_are_not_fixed() {
    for text in [
        "services:\n  app:\n    image: a:1\n    links: [\"db:database\"]\n  db:\n    image: d:1\n",
        "services:\n  app:\n    image: a:1\n    links: [db]\n    depends_on: [db]\n  db:\n    image: d:1\n",
    ] {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("c.yml", text, FileKind::Compose));
        let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
        let fc014: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == "FC014")
            .collect();
        assert_eq!(fc014.len(), 1, "{text}");
        assert!(fc014[0].fix.is_none(), "{text}");
    }
}

/// Every fix over the real-world corpus converges and never breaks a file Compose accepts.
#[test]
fn fixes_over_the_corpus_converge_and_keep_files_valid() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let index =
        std::fs::read_to_string(corpus.join("INDEX.tsv")).expect("../shared/corpus/INDEX.tsv");
    let mut fixed_files = 0;
    let mut failures = Vec::new();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.get(2).copied() != Some("yes") {
            continue;
        }
        let path = cols[0];
        let Ok(bytes) = std::fs::read(corpus.join(path)) else {
            continue;
        };
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            path,
            String::from_utf8_lossy(&bytes),
            FileKind::Compose,
        ));
        let settings = Settings::default();
        let mut report = lint(&sources, &ProcessEnv::default(), &settings);
        let mut rounds = 0;
        loop {
            let fixed = fix::apply(&report, &sources);
            if fixed.is_empty() {
                break;
            }
            rounds += 1;
            if rounds > MAX_ROUNDS {
                failures.push(format!("{path}: fixes do not converge"));
                break;
            }
            sources = fix::replaced(&sources, &fixed);
            report = lint(&sources, &ProcessEnv::default(), &settings);
        }
        if rounds > 0 {
            fixed_files += 1;
            let before = String::from_utf8_lossy(&bytes).matches("${").count();
            let after = sources
                .get(factory_compose::FileId(0))
                .text
                .matches("${")
                .count();
            if after < before {
                failures.push(format!("{path}: a fix dropped a variable reference"));
            }
        }
        for d in &report.diagnostics {
            if BROKEN.contains(&d.code) {
                failures.push(format!("{path}: after fixing, {}: {}", d.code, d.message));
            }
            if d.fix.is_some() {
                failures.push(format!(
                    "{path}: a fixable {} remains: {}",
                    d.code, d.message
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        fixed_files > 10,
        "only {fixed_files} corpus files had fixes"
    );
}

/// A quoted `.env` value followed by more than a comment (`E='it''s'`, a line Compose refuses)
/// gets no fix: removing its quotes would make the rest of the line part of the value.
#[test]
fn quotes_are_removed_only_when_the_line_ends_after_them() {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        "docker-compose.yml",
        "services:\n  app:\n    image: registry.example/app:1.0\n",
        FileKind::Compose,
    ));
    sources.add(SourceFile::new(
        ".env",
        "E='it''s'\nF=\"x\" # a comment\nG='y'\nT='x y'\t# a tab starts no comment\n",
        FileKind::Dotenv,
    ));
    let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
    let fixed: Vec<(String, bool)> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "FE005")
        .map(|d| {
            let key = d.message.split('`').nth(1).unwrap_or_default().to_owned();
            (key, d.fix.is_some())
        })
        .collect();
    assert_eq!(
        fixed,
        [
            ("E".to_owned(), false),
            ("F".to_owned(), true),
            ("G".to_owned(), true),
            ("T".to_owned(), false)
        ],
        "{:?}",
        report.diagnostics
    );
}
