//! Dockerfiles: no panic, spans inside the text and on char boundaries, stages and the final user sane.
//! The invariants live in `fuzz/checks.rs`, shared with the regression replay test.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::dockerfile(data));
