//! Compose's consistency refusals: each case of `tests/fixtures/consistency/` is a small
//! project with the verdict `docker compose config` v2.40.3 gave it (`record.py` ran the real
//! binary and wrote `NAME.verdict`). A case Compose refuses must get at least one refusal from
//! `compose_refusals`, an accepted one none; every diagnostic points inside the file; and
//! `lint` finds an error in every case Compose refuses.
//! (That no corpus file Compose accepts gets a refusal is `refusals_corpus.rs`.)
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use factory_compose::{
    FileKind, ProcessEnv, Settings, SourceFile, SourceMap, compose_refusals, lint, load,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/consistency")
}

fn refusals(name: &str, text: &str, process: &ProcessEnv) -> Vec<factory_compose::Diagnostic> {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(name, text, FileKind::Compose));
    let settings = Settings::default();
    let loaded = load(&sources, process, &settings);
    compose_refusals(&loaded, &sources, &settings)
}

/// Whether `factory lint` finds an error in the case.
fn lint_fails(name: &str, text: &str, process: &ProcessEnv) -> bool {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(name, text, FileKind::Compose));
    let report = lint(&sources, process, &Settings::default());
    report
        .diagnostics
        .iter()
        .any(|d| d.severity == factory_compose::Severity::Error)
}

#[test]
fn recorded_verdicts_match() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    names.sort();
    let mut failures = Vec::new();
    let (mut refused, mut accepted) = (0, 0);
    for path in &names {
        let text = std::fs::read_to_string(path).expect("case");
        let verdict = std::fs::read_to_string(path.with_extension("verdict")).expect("verdict");
        let verdict = verdict.trim();
        let mut process = ProcessEnv::default();
        if let Some(env) = text.lines().next().and_then(|l| l.strip_prefix("# env:")) {
            for kv in env.split_whitespace() {
                let (k, v) = kv.split_once('=').expect("K=V");
                process.vars.push((k.to_owned(), v.to_owned()));
            }
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let diags = refusals(&name, &text, &process);
        let compose_refuses = verdict.starts_with("refused");
        if compose_refuses {
            refused += 1;
        } else {
            accepted += 1;
        }
        // What Compose refuses, `lint` fails (exit 1): through the same finding, a rule's own,
        // or the platform's refusal of the key involved (FC012 …).
        if compose_refuses && !lint_fails(&name, &text, &process) {
            failures.push(format!(
                "{name}: Compose {verdict}; factory lint finds no error"
            ));
        }
        if compose_refuses == diags.is_empty() {
            failures.push(format!(
                "{name}: Compose {verdict}; factory: {:?}",
                diags
                    .iter()
                    .map(|d| (d.code, &d.message))
                    .collect::<Vec<_>>()
            ));
        }
        for d in &diags {
            let Some(p) = &d.primary else {
                failures.push(format!("{name}: {} has no location", d.message));
                continue;
            };
            let span = p.location.span;
            if span.end as usize > text.len() || !text.is_char_boundary(span.start as usize) {
                failures.push(format!("{name}: {} points outside the file", d.message));
            }
            if d.help.is_none() {
                failures.push(format!("{name}: {} has no help", d.message));
            }
        }
    }
    assert!(
        refused >= 25 && accepted >= 15,
        "{refused} refused, {accepted} accepted cases"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// One problem, one diagnostic: a service extending a service that does not exist has no
/// image, but the loading diagnostic (FC029 on `extends`) is the only refusal.
#[test]
fn loading_problems_are_not_reported_twice() {
    let path = fixtures().join("extends_missing_no_image.yml");
    let text = std::fs::read_to_string(&path).expect("case");
    let verdict = std::fs::read_to_string(path.with_extension("verdict")).expect("verdict");
    assert!(verdict.starts_with("refused"), "{verdict}");
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("compose.yml", text, FileKind::Compose));
    let (process, settings) = (ProcessEnv::default(), Settings::default());
    let loaded = load(&sources, &process, &settings);
    let refusals = compose_refusals(&loaded, &sources, &settings);
    let codes: Vec<_> = refusals.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["FC029"], "{refusals:#?}");
    assert!(loaded.diagnostics.contains(&refusals[0]));
}
