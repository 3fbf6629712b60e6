//! Traefik rules: no panic, spans inside the text, matching and lints never panic.
//! The invariants live in `fuzz/checks.rs`, shared with the regression replay test.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::route_rule(data));
