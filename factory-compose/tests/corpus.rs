//! Every compose file of `../shared/corpus` goes through `lint` without a panic or a hang, and
//! every file Compose accepts (`compose_config_ok` = `yes` in INDEX.tsv) gets no FC001–FC004.
#![allow(clippy::disallowed_methods)]

mod support;

use std::time::{Duration, Instant};

use factory_compose::{ProcessEnv, Settings, lint};
use support::{corpus, corpus_sources};

#[test]
fn every_corpus_file_lints_without_panic_and_accepted_files_parse() {
    let index =
        std::fs::read_to_string(corpus().join("INDEX.tsv")).expect("../shared/corpus/INDEX.tsv");
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (path, ok) = (cols[0], cols.get(2).copied() == Some("yes"));
        let Some(sources) = corpus_sources(path) else {
            failures.push(format!("{path}: listed in INDEX.tsv but unreadable"));
            continue;
        };
        let started = Instant::now();
        let report = lint(&sources, &ProcessEnv::default(), &Settings::default());
        let took = started.elapsed();
        // Not a timing assertion: a generous bound that only a hang or a blow-up would cross.
        assert!(took < Duration::from_secs(20), "{path}: lint took {took:?}");
        if ok {
            for d in report
                .diagnostics
                .iter()
                .filter(|d| matches!(d.code, "FC001" | "FC002" | "FC003" | "FC004"))
            {
                failures.push(format!("{path}: {} {}", d.code, d.message));
            }
        }
        checked += 1;
    }
    assert!(checked >= 300, "only {checked} corpus files were checked");
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
