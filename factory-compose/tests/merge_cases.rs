//! Every case of `../shared/cases/merge/NN/` (base + override and what `docker compose config
//! --format json` printed for them, with the case directory written `<PROJECT_DIR>`): the
//! merged, rendered model must equal Compose's output for every service key the platform
//! allows, and for every other key factory renders.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use factory_compose::platform::SERVICE_KEYS;
use factory_compose::render::{self, Format, Options};
use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, load};
use serde_json::Value;

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/cases/merge")
}

/// The case directories that have Compose's output, in order, with that output.
fn case_dirs() -> Vec<(PathBuf, Value)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases())
        .expect("../shared/cases/merge")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let text = std::fs::read_to_string(dir.join("expected.json")).expect("expected.json");
            let expected = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: expected.json ({e})", dir.display()));
            (dir, expected)
        })
        .collect()
}

fn render_case(dir: &Path) -> Value {
    let mut sources = SourceMap::new();
    for name in ["base.yml", "override.yml"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("case file");
        sources.add(SourceFile::new(name, text, FileKind::Compose));
    }
    let settings = Settings {
        project_name: Some("factory".to_owned()),
        project_dir: Some("<PROJECT_DIR>".to_owned()),
        ..Settings::default()
    };
    let loaded = load(&sources, &ProcessEnv::default(), &settings);
    let text = render::render(&loaded, &settings, &Options::default(), Format::Json);
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e}):\n{text}", dir.display()))
}

#[test]
fn every_merge_case_matches_compose() {
    let dirs = case_dirs();
    assert!(dirs.len() >= 10, "only {} merge cases found", dirs.len());
    let mut failures = Vec::new();
    for (dir, expected) in &dirs {
        let got = render_case(dir);
        let case = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (Some(want_services), Some(got_services)) = (
            expected["services"].as_object(),
            got["services"].as_object(),
        ) else {
            failures.push(format!("{case}: no services in one of the outputs"));
            continue;
        };
        for (name, want) in want_services {
            let got_svc = &got_services.get(name).cloned().unwrap_or(Value::Null);
            let keys = want
                .as_object()
                .map(|o| o.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default();
            for key in keys.iter().chain(
                got_svc
                    .as_object()
                    .map(|o| o.keys().cloned().collect::<Vec<_>>())
                    .unwrap_or_default()
                    .iter(),
            ) {
                let allowed = SERVICE_KEYS.contains(&key.as_str());
                let rendered = got_svc.get(key).is_some();
                if !allowed && !rendered {
                    continue; // a key factory does not render (documented in the harness exceptions)
                }
                if want.get(key) != got_svc.get(key) {
                    failures.push(format!(
                        "{case}: services.{name}.{key}\n  compose: {}\n  factory: {}",
                        want.get(key)
                            .map_or("(absent)".to_owned(), Value::to_string),
                        got_svc
                            .get(key)
                            .map_or("(absent)".to_owned(), Value::to_string)
                    ));
                }
            }
        }
    }
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The whole document, top-level keys (`name`, `networks`, `volumes` …) included, equals
/// Compose's output: no key Compose prints is missing and factory prints none of its own.
#[test]
fn every_merge_case_document_matches_compose() {
    let dirs = case_dirs();
    let mut failures = Vec::new();
    for (dir, expected) in &dirs {
        let got = render_case(dir);
        if got != *expected {
            failures.push(format!(
                "{}:\n  compose: {expected}\n  factory: {got}",
                dir.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
