//! Differences `tests/differential/random_config.py` found between `factory config --format
//! json` and `docker compose config --format json` v2.40.3, kept as regressions.
//!
//! Each folder of `tests/fixtures/differential/` holds the minimal project (`1.yml`, `2.yml` …,
//! merged in that order, and maybe a `.env`) and `expected.json` (and, for most, `expected.yaml`):
//! what the real Compose printed for it, written by
//! `tests/differential/make_regressions.py` (`docker compose -p t -f 1.yml … config --format
//! json`, the folder's path replaced by `<PROJECT_DIR>`), never by hand. The rendering must
//! equal it byte for byte (key order included).
#![allow(clippy::disallowed_methods)]

mod support;

use std::path::{Path, PathBuf};

use factory_compose::render::{self, Format, Options};
use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap};

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/differential");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/fixtures/differential")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Factory's rendering of the case, or the reasons it refuses it as Compose would not (every
/// case is one Compose accepted).
fn render_case(dir: &Path, format: Format) -> Result<String, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("case folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    let mut sources = SourceMap::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(f).expect("case file");
        sources.add(SourceFile::new(name, text, FileKind::Compose));
    }
    // A case's `.env` (read by Compose from the folder) is the project's dotenv file.
    if let Ok(text) = std::fs::read_to_string(dir.join(".env")) {
        sources.add(SourceFile::new(".env", text, FileKind::Dotenv));
    }
    let settings = Settings {
        project_name: Some("t".to_owned()),
        project_dir: Some("<PROJECT_DIR>".to_owned()),
        ..Settings::default()
    };
    // Files the project refers to (`label_file`, `env_file` …), read from the folder as the
    // CLI reads them.
    let loaded =
        support::load_with_references(&mut sources, dir, &ProcessEnv::default(), &settings);
    let refusals = factory_compose::compose_refusals(&loaded, &sources, &settings);
    if !refusals.is_empty() {
        let reasons: Vec<String> = refusals
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        return Err(reasons.join("; "));
    }
    // Go's encoding/json writes `<` and `>` as \u003c / \u003e; the real path has neither.
    Ok(
        render::render(&loaded, &settings, &Options::default(), format)
            .replace("\\u003cPROJECT_DIR\\u003e", "<PROJECT_DIR>"),
    )
}

#[test]
fn every_differential_regression_matches_compose() {
    let dirs = cases();
    assert!(
        dirs.len() >= 8,
        "only {} regression cases found",
        dirs.len()
    );
    let mut failures = Vec::new();
    // `expected.yaml` (Compose's YAML output) where the case has one.
    let outputs = dirs.iter().flat_map(|dir| {
        [
            ("expected.json", Format::Json),
            ("expected.yaml", Format::Yaml),
        ]
        .into_iter()
        .filter(|(name, _)| dir.join(name).is_file())
        .map(move |(name, format)| (dir, name, format))
    });
    for (dir, name, format) in outputs {
        let expected = std::fs::read_to_string(dir.join(name)).expect(name);
        let got = match render_case(dir, format) {
            Ok(got) => got,
            Err(reasons) => {
                failures.push(format!(
                    "{}: factory refuses what Compose accepts: {reasons}",
                    dir.file_name().unwrap().to_string_lossy()
                ));
                continue;
            }
        };
        if got.trim_end() != expected.trim_end() {
            let at = got
                .lines()
                .zip(expected.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            failures.push(format!(
                "{} ({name}): first different line {}\n  compose: {}\n  factory: {}",
                dir.file_name().unwrap().to_string_lossy(),
                at + 1,
                expected.lines().nth(at).unwrap_or("(end)"),
                got.lines().nth(at).unwrap_or("(end)"),
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}
