//! The `.env` parser: no panic, spans inside the text, errors with a sane line and column.
//! The invariants live in `fuzz/checks.rs`, shared with the regression replay test.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::dotenv(data));
