//! The whole pipeline on arbitrary bytes as a compose file: no panic, every diagnostic inside
//! the input and on char boundaries, the same report twice.
//! The invariants live in `fuzz/checks.rs`, shared with the regression replay test.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::lint_bytes(data));
