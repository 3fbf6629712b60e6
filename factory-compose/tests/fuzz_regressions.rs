//! Replays every input kept under `fuzz/regressions/<target>/` through the same invariant checks
//! the fuzz targets run (`fuzz/checks.rs`), without libFuzzer, so a fixed crash stays fixed.
#![allow(clippy::disallowed_methods)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

#[path = "../../fuzz/checks.rs"]
mod checks;

#[test]
fn every_kept_fuzz_input_passes_its_target_checks() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/regressions"));
    let mut failures = Vec::new();
    let mut replayed = 0;
    for entry in std::fs::read_dir(root).expect("fuzz/regressions exists") {
        let dir = entry.expect("dir entry").path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let Some((_, check)) = checks::TARGETS.iter().find(|(t, _)| *t == name) else {
            failures.push(format!("{}: no fuzz target of that name", dir.display()));
            continue;
        };
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("read dir")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).expect("read input");
            replayed += 1;
            if let Err(e) = catch_unwind(AssertUnwindSafe(|| check(&data))) {
                let why = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failures.push(format!("{}: {why}", file.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {replayed} kept fuzz inputs fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(replayed > 0, "no kept fuzz input under {}", root.display());
}
