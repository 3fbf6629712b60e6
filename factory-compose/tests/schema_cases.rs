//! Compose's schema validation of one compose file (`validating FILE: services.app.user must be
//! a string`), against verdicts recorded from the real `docker compose config` v2.40.3.
//!
//! Each `tests/fixtures/schema/NAME.yml` is one small project; `verdicts.tsv` holds Compose's
//! verdict on it (`accepted`, or `refused: MESSAGE`), written by `record.py` in that folder,
//! never by hand. Factory must refuse (a non-empty [`compose_refusals`], with an FC020) exactly
//! the cases Compose refused, every diagnostic located inside the file.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use factory_compose::{
    FileKind, ProcessEnv, Settings, SourceFile, SourceMap, compose_refusals, load,
};

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema")
}

#[test]
fn every_recorded_case_gets_composes_verdict() {
    let verdicts = std::fs::read_to_string(folder().join("verdicts.tsv"))
        .expect("fixtures/schema/verdicts.tsv");
    let (mut checked, mut refused, mut failures) = (0, 0, Vec::new());
    for line in verdicts.lines().filter(|l| !l.trim().is_empty()) {
        let Some((name, verdict)) = line.split_once('\t') else {
            failures.push(format!("malformed line: {line}"));
            continue;
        };
        let text = std::fs::read_to_string(folder().join(format!("{name}.yml")))
            .unwrap_or_else(|e| panic!("{name}.yml: {e}"));
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            "compose.yml",
            text.clone(),
            FileKind::Compose,
        ));
        let settings = Settings {
            project_name: Some("t".to_owned()),
            ..Settings::default()
        };
        let loaded = load(&sources, &ProcessEnv::default(), &settings);
        let refusals = compose_refusals(&loaded, &sources, &settings);
        let want_refused = verdict.starts_with("refused");
        refused += usize::from(want_refused);
        checked += 1;
        if want_refused == refusals.is_empty() {
            failures.push(format!(
                "{line}\n    factory: {}",
                if refusals.is_empty() {
                    "accepted".to_owned()
                } else {
                    refusals
                        .iter()
                        .map(|d| format!("{} {}", d.code, d.message))
                        .collect::<Vec<_>>()
                        .join(" | ")
                }
            ));
            continue;
        }
        // The schema's refusals are FC020, but for a service name (FC035, its own rule).
        if want_refused && !refusals.iter().any(|d| matches!(d.code, "FC020" | "FC035")) {
            failures.push(format!(
                "{line}\n    factory refused without an FC020 or FC035"
            ));
        }
        for d in &refusals {
            let Some(primary) = &d.primary else {
                failures.push(format!("{line}\n    {} has no location", d.message));
                continue;
            };
            let span = primary.location.span.range();
            if span.end > text.len() || text.get(span.clone()).is_none() {
                failures.push(format!(
                    "{line}\n    {} located at {span:?}, outside the file",
                    d.message
                ));
            }
        }
    }
    assert!(checked >= 40, "only {checked} recorded cases");
    assert!(refused >= 20, "only {refused} refused cases");
    assert!(
        failures.is_empty(),
        "{} of {checked} cases differ from Compose:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
