//! Structure-aware: mutate valid compose documents (seeded from `fuzz/corpus/`, copied from
//! `shared/corpus`) by splicing fuzzer-chosen YAML fragments into them at line boundaries, so
//! the pipeline past the parser (merge keys, interpolation, model, every rule) gets exercised.
//! The invariants live in `fuzz/checks.rs`, shared with the regression replay test.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::lint_structured(data));
