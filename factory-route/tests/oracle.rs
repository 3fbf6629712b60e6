//! Every line of `shared/cases/traefik_v1.jsonl` (facts read off Traefik v1.7.34).
#![allow(clippy::disallowed_methods)]

use factory_route::{Match, MatchOptions, Rule, default_priority, parse_domains};
use serde_json::Value;

const CASES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/cases/traefik_v1.jsonl"
);

fn opt_str(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

#[path = "support/answer.rs"]
mod answer;

/// A route table case: the answer of the table (`answer::table`) has every field of the case.
fn check_table(case: &Value) -> Result<(), String> {
    let got = answer::table(case);
    for key in ["match", "redirect", "route", "forwarded_path", "not_found"] {
        let want = case.get(key).filter(|v| !v.is_null());
        if got.get(key) != want {
            return Err(format!("{key}: {:?}, expected {want:?}", got.get(key)));
        }
    }
    Ok(())
}

fn check(case: &Value) -> Result<(), String> {
    if case.get("rules").is_some() {
        return check_table(case);
    }
    let text = case["rule"].as_str().ok_or("no rule")?;
    let parsed = Rule::parse(text);
    if let Some(pe) = case.get("parse_error").and_then(Value::as_bool) {
        match (&parsed, pe) {
            (Err(e), true) => {
                let want = case["error"].as_str().unwrap_or_default();
                if e.traefik_message() != want {
                    return Err(format!("error {:?} != {want:?}", e.traefik_message()));
                }
                if !text.is_char_boundary(e.span.start)
                    || !text.is_char_boundary(e.span.end)
                    || e.span.end > text.len()
                {
                    return Err(format!("bad span {:?}", e.span));
                }
            }
            (Ok(_), false) => {}
            (Ok(_), true) => return Err("parsed, expected an error".into()),
            (Err(e), false) => return Err(format!("unexpected parse error {e:?}")),
        }
    }
    if let Some(p) = case.get("priority").and_then(Value::as_i64) {
        if default_priority(text) != p {
            return Err(format!("priority {} != {p}", default_priority(text)));
        }
        if let Ok(r) = &parsed
            && (r.priority(None) != p || r.priority(Some(0)) != p || r.priority(Some(7)) != 7)
        {
            return Err("Rule::priority disagrees".into());
        }
    }
    let domains = parse_domains(text);
    if let Some(d) = case.get("domains") {
        let want: Option<Vec<String>> =
            serde_json::from_value(d.clone()).map_err(|e| e.to_string())?;
        match &domains {
            Ok(got) if *got == want => {}
            other => return Err(format!("domains {other:?} != {want:?}")),
        }
    }
    if let Some(want) = opt_str(case, "domains_error") {
        match &domains {
            Err(e) if e.traefik_message() == want => {}
            other => return Err(format!("domains {other:?}, expected error {want:?}")),
        }
    }
    let Some(req) = case.get("request") else {
        return Ok(());
    };
    let rule = parsed.map_err(|e| format!("request line but parse error {e:?}"))?;
    let request = answer::request(req);
    // `keep_trailing_slash`: the cases of tests/differential/traefik (Traefik's
    // `keepTrailingSlash = true`, so mux without StrictSlash).
    let m = rule.matches_with(&request, answer::options(case));
    if let Some(nf) = case.get("not_found").and_then(Value::as_bool)
        && nf != matches!(m, Match::NotFound)
    {
        return Err(format!("{m:?}, expected not_found {nf}"));
    }
    let want_match = case["match"].as_bool().ok_or("no match field")?;
    if m.is_match() != want_match {
        return Err(format!("match {m:?}, expected {want_match}"));
    }
    if let Some(redirect) = opt_str(case, "redirect") {
        match &m {
            Match::Redirect { status, location } if format!("{status} {location}") == redirect => {}
            other => return Err(format!("{other:?}, expected redirect {redirect}")),
        }
    } else if want_match && !matches!(m, Match::NotFound) {
        let Match::Forward(f) = &m else {
            return Err(format!("{m:?}, expected a forward"));
        };
        if let Some(p) = opt_str(case, "forwarded_path")
            && f.path != p
        {
            return Err(format!("forwarded path {:?} != {p:?}", f.path));
        }
        for (key, got) in [
            ("forwarded_raw_path", &f.raw_path),
            ("x_forwarded_prefix", &f.x_forwarded_prefix),
            ("x_replaced_path", &f.x_replaced_path),
        ] {
            if *got != opt_str(case, key) {
                return Err(format!("{key} {got:?} != {:?}", opt_str(case, key)));
            }
        }
    }
    if let Some(k) = case
        .get("match_keep_trailing_slash")
        .and_then(Value::as_bool)
    {
        let got = rule
            .matches_with(
                &request,
                MatchOptions {
                    keep_trailing_slash: true,
                },
            )
            .is_match();
        if got != k {
            return Err(format!("keep_trailing_slash match {got} != {k}"));
        }
    }
    Ok(())
}

/// Checks every line of a JSON-lines file of cases; returns how many there were.
fn check_file(path: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let mut failures = Vec::new();
    let mut count = 0;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        count += 1;
        let case: Value = serde_json::from_str(line).expect("valid json line");
        if let Err(e) = check(&case) {
            failures.push(format!("line {}: {e}\n  {line}", n + 1));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} lines of {path} fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    count
}

#[test]
fn traefik_v1_oracle() {
    assert_eq!(check_file(CASES), 142, "the oracle file changed size");
}

/// Random rules and requests answered by Traefik v1.7.34's own `rules/rules.go`, its
/// modifiers and containous/mux, compiled by `tests/differential/traefik/build.sh` (written
/// by `random_rules.py --write`).
#[test]
fn traefik_harness_cases() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/differential/traefik/cases.jsonl"
    );
    assert!(check_file(path) >= 200, "too few cases in {path}");
}
