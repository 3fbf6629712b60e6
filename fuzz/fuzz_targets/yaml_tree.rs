//! The YAML span tree on arbitrary bytes: the fast front end gives saphyr-parser's tree exactly,
//! no panic, every span inside the input and on char boundaries, the same tree twice.
//! The invariants live in `fuzz/checks.rs`, shared with the regression replay test.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::yaml_tree(data));
