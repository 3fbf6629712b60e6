//! Differential-testing helper: reads JSON lines `{"kind": "template"|"dotenv", "text": ..., "env": {...}}`
//! on stdin and writes one JSON line per case with factory-env's outcome, in the shape
//! `benches/`-style scripts compare with `docker compose config`.
#![allow(clippy::print_stdout, clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use factory_env::{InterpolateError, dotenv, interpolate};
use serde_json::{Value, json};

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let Ok(case) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let text = case["text"].as_str().unwrap_or_default();
        let env: BTreeMap<String, String> = case["env"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let result = if case["kind"] == "dotenv" {
            match dotenv::parse(text, &env) {
                Ok(entries) => {
                    let unset: Vec<String> = entries
                        .iter()
                        .flat_map(|e| e.unset.iter().map(|u| u.name.clone()))
                        .collect();
                    let map: BTreeMap<String, String> =
                        entries.into_iter().map(|e| (e.key, e.value)).collect();
                    json!({"ok": map, "unset": unset})
                }
                Err(e) => json!({"err": e.compose_message(), "line": e.line, "column": e.column}),
            }
        } else {
            match interpolate(text, &env) {
                Ok(r) => {
                    json!({"ok": r.value, "unset": r.unset.iter().map(|u| u.name.clone()).collect::<Vec<_>>()})
                }
                Err(InterpolateError::Syntax(e)) => json!({
                    "syntax": e.to_string(),
                    "template": text.get(e.template_span.clone()).unwrap_or_default(),
                    "span": [e.span.start, e.span.end],
                }),
                Err(InterpolateError::Required(e)) => json!({"required": e.to_string()}),
            }
        };
        let _ = writeln!(out, "{result}");
    }
}
