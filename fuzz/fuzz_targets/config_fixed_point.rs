//! `factory config` is a fixed point: render, reload the rendered YAML, render again: same text.
//! The invariants live in `fuzz/checks.rs`, shared with the regression replay test.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::config_fixed_point(data));
