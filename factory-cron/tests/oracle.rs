//! Every line of `shared/cases/cron.jsonl`, evaluated in UTC.
#![allow(clippy::disallowed_methods)]

use factory_cron::Schedule;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    expr: String,
    start: String,
    #[serde(default)]
    next: Option<Vec<String>>,
    #[serde(default)]
    never_fires: Option<bool>,
    #[serde(default)]
    error: Option<String>,
}

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/cases/cron.jsonl");

fn check(case: &Case) -> Result<(), String> {
    let parsed = Schedule::parse(&case.expr);
    if let Some(note) = &case.error {
        return match parsed {
            Err(e) => {
                if e.span.end > case.expr.len()
                    || !case.expr.is_char_boundary(e.span.start)
                    || !case.expr.is_char_boundary(e.span.end)
                {
                    return Err(format!("bad span {:?}", e.span));
                }
                Ok(())
            }
            Ok(s) => Err(format!("expected an error ({note}), parsed as {s:?}")),
        };
    }
    let schedule = parsed.map_err(|e| format!("unexpected error: {e} at {:?}", e.span))?;
    let start: Timestamp = case.start.parse().map_err(|e| format!("bad start: {e}"))?;
    if case.never_fires == Some(true) {
        if !schedule.never_fires() {
            return Err("never_fires() is false".to_string());
        }
        if let Some(z) = schedule.next_after(start, &TimeZone::UTC) {
            return Err(format!("never fires, but next_after gave {z}"));
        }
        return Ok(());
    }
    let expected = case.next.as_ref().ok_or("case has no `next`")?;
    if schedule.never_fires() {
        return Err("never_fires() is true".to_string());
    }
    let got: Vec<String> = schedule
        .upcoming(start, &TimeZone::UTC, expected.len())
        .iter()
        .map(|z| z.timestamp().to_string())
        .collect();
    if &got != expected {
        return Err(format!("expected {expected:?}, got {got:?}"));
    }
    Ok(())
}

/// Checks every case of a JSON-lines file; at least `min` of them.
fn check_file(path: &str, min: usize) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let mut failures = Vec::new();
    let mut count = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        count += 1;
        let result = serde_json::from_str::<Case>(line)
            .map_err(|e| format!("bad json: {e}"))
            .and_then(|case| check(&case));
        if let Err(why) = result {
            failures.push(format!("line {}: {line}\n    {why}", i + 1));
        }
    }
    assert!(count >= min, "only {count} cases in {path}");
    assert!(
        failures.is_empty(),
        "{} of {count} cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn oracle_cases() {
    check_file(CASES, 54);
}

/// Random expressions answered by cronie's own `entry.c` (`load_entry`) and `cron.c`'s match,
/// compiled by `tests/differential/cronie/random_cron.py --write`: runs, never-firing
/// schedules and refusals.
#[test]
fn cronie_cases() {
    check_file(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/differential/cronie/cases.jsonl"
        ),
        200,
    );
}
