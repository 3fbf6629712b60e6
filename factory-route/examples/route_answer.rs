//! For the differential check against Traefik v1.7.34 (`tests/differential/traefik/`): reads
//! JSON lines and prints, for each, a JSON line in the format of the Go harness built from
//! Traefik's `rules/rules.go`:
//! - `{"rule", "request"?, "keep_trailing_slash"?}`: the fields of `traefik_v1.jsonl` (parse
//!   error and message, domains or their error, default priority, match, redirect, forwarded
//!   path, raw path and headers, a strip modifier's 404);
//! - `{"rules": [{"rule", "priority"}], "request", "keep_trailing_slash"?}`: which route of the
//!   table answers, and how.
#![allow(clippy::print_stdout, clippy::disallowed_methods)]

use std::io::{BufRead, Write};

use serde_json::{Value, json};

#[path = "../tests/support/answer.rs"]
mod answer;

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(input) if input.get("rules").is_some() => answer::table(&input),
            Ok(input) => answer::answer(&input),
            Err(_) => json!({"bad_input": true}),
        };
        if writeln!(out, "{answer}")
            .and_then(|()| out.flush())
            .is_err()
        {
            break;
        }
    }
}
