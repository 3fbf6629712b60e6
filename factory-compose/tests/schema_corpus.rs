//! No compose file of `../shared/corpus` that Compose accepts (`compose_config_ok` = `yes` in
//! INDEX.tsv, recorded with `docker compose config` v2.40.3) gets an FC020 (Compose's schema).
//! (The corpus files Compose refuses for its schema all have unknown top-level or service keys,
//! which are not FC020.)
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, load};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

#[test]
fn accepted_corpus_files_get_no_schema_error() {
    let index =
        std::fs::read_to_string(corpus().join("INDEX.tsv")).expect("../shared/corpus/INDEX.tsv");
    let mut accepted = 0;
    let mut failures = Vec::new();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let Some(&path) = cols.first() else { continue };
        if cols.get(2).copied() != Some("yes") {
            continue;
        }
        let file = corpus().join(path);
        let Ok(bytes) = std::fs::read(&file) else {
            failures.push(format!("{path}: listed in INDEX.tsv but unreadable"));
            continue;
        };
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            path,
            String::from_utf8_lossy(&bytes).into_owned(),
            FileKind::Compose,
        ));
        if let Some(dotenv) = file
            .parent()
            .map(|d| d.join(".env"))
            .filter(|p| p.is_file())
        {
            let env =
                String::from_utf8_lossy(&std::fs::read(dotenv).unwrap_or_default()).into_owned();
            sources.add(SourceFile::new(".env", env, FileKind::Dotenv));
        }
        let loaded = load(&sources, &ProcessEnv::default(), &Settings::default());
        let fc020: Vec<String> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == "FC020")
            .map(|d| d.message.clone())
            .collect();
        accepted += 1;
        for message in fc020 {
            failures.push(format!("{path} (accepted by Compose): FC020 {message}"));
        }
    }
    assert!(
        accepted >= 200,
        "only {accepted} accepted corpus files were checked"
    );
    assert!(
        failures.is_empty(),
        "{} problems in {accepted} accepted files:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
