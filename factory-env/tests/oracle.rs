//! The oracle cases of `shared/cases/`, recorded from `docker compose` v2.40.3: every line must pass.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;

use factory_env::{InterpolateError, Template, dotenv, interpolate};
use serde_json::Value;

fn cases(file: &str) -> Vec<(usize, String, Value)> {
    let path = format!("{}/../../shared/cases/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let value: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{file}:{}: {e}", i + 1));
            (i + 1, line.to_owned(), value)
        })
        .collect()
}

fn env_of(case: &Value) -> BTreeMap<String, String> {
    case["env"]
        .as_object()
        .map(|env| {
            env.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn check_interpolation(case: &Value) -> Result<(), String> {
    let template = case["template"].as_str().ok_or("no template")?;
    let env = env_of(case);
    let outcome = interpolate(template, &env);
    if case["expect_error"].as_bool() == Some(true) {
        let contains = case["error_contains"].as_str().unwrap_or_default();
        return match outcome {
            Ok(rendered) => Err(format!("expected an error, got {:?}", rendered.value)),
            Err(InterpolateError::Syntax(error)) => {
                if !contains.contains("invalid interpolation format") {
                    return Err(format!("expected {contains:?}, got syntax error {error}"));
                }
                if Template::parse(template).is_ok() {
                    return Err("Template::parse accepted it".to_owned());
                }
                if !template.is_char_boundary(error.span.start)
                    || !template.is_char_boundary(error.span.end)
                    || error.span.end > template.len()
                {
                    return Err(format!("bad span {:?}", error.span));
                }
                Ok(())
            }
            Err(InterpolateError::Required(error)) => {
                if error.to_string() != contains {
                    return Err(format!(
                        "expected {contains:?}, got {:?}",
                        error.to_string()
                    ));
                }
                let parsed = Template::parse(template).map_err(|e| format!("parse: {e}"))?;
                match parsed.render(&env) {
                    Err(again) if again == error => Ok(()),
                    other => Err(format!("render disagrees with interpolate: {other:?}")),
                }
            }
        };
    }
    let expect = case["expect"].as_str().ok_or("no expect")?;
    let rendered = outcome.map_err(|e| format!("unexpected error: {e}"))?;
    if rendered.value != expect {
        return Err(format!("expected {expect:?}, got {:?}", rendered.value));
    }
    let parsed = Template::parse(template).map_err(|e| format!("parse: {e}"))?;
    let again = parsed.render(&env).map_err(|e| format!("render: {e}"))?;
    if again != rendered {
        return Err("render disagrees with interpolate".to_owned());
    }
    let unset: Vec<&str> = rendered.unset.iter().map(|u| u.name.as_str()).collect();
    let expected_unset: Vec<&str> = case["warns_unset"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if unset != expected_unset {
        return Err(format!(
            "unset {unset:?}, Compose warns about {expected_unset:?}"
        ));
    }
    Ok(())
}

fn check_dotenv(case: &Value) -> Result<(), String> {
    let file = case["file"].as_str().ok_or("no file")?;
    let env = env_of(case);
    let outcome = dotenv::parse(file, &env);
    let (entries, errors) = dotenv::parse_recovering(file, &env);
    if case["expect_error"].as_bool() == Some(true) {
        let contains = case["error_contains"].as_str().unwrap_or_default();
        let error = match outcome {
            Ok(entries) => return Err(format!("expected an error, got {entries:?}")),
            Err(error) => error,
        };
        if !error.compose_message().contains(contains) {
            return Err(format!(
                "expected {contains:?}, got {:?}",
                error.compose_message()
            ));
        }
        if errors.first() != Some(&error) {
            return Err(format!("parse_recovering disagrees: {errors:?}"));
        }
        if !file.is_char_boundary(error.span.start) || !file.is_char_boundary(error.span.end) {
            return Err(format!("bad span {:?}", error.span));
        }
        return Ok(());
    }
    let parsed = outcome.map_err(|e| format!("unexpected error: {e} / {}", e.compose_message()))?;
    if !errors.is_empty() || entries != parsed {
        return Err(format!("parse_recovering disagrees: {errors:?}"));
    }
    let got: BTreeMap<String, String> = parsed.into_iter().map(|e| (e.key, e.value)).collect();
    let expect: BTreeMap<String, String> = case["expect"]
        .as_object()
        .ok_or("no expect")?
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    if got != expect {
        return Err(format!("expected {expect:?}, got {got:?}"));
    }
    Ok(())
}

fn run(file: &str, check: fn(&Value) -> Result<(), String>) {
    let cases = cases(file);
    assert!(!cases.is_empty(), "{file} has no cases");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(line, text, case)| {
            check(case)
                .err()
                .map(|why| format!("{file}:{line}: {why}\n    {text}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn interpolation_oracle() {
    run("interpolation.jsonl", check_interpolation);
}

#[test]
fn dotenv_oracle() {
    run("dotenv.jsonl", check_dotenv);
}

/// Every template whose Compose v1 outcome differs from v2 is flagged by FE011, and the v2
/// outcome recorded there is ours too.
#[test]
fn compose_v1_differences_are_flagged() {
    run("compose_v1_interpolation_diffs.jsonl", |case| {
        let template = case["template"].as_str().ok_or("no template")?;
        let v2 = case["compose_v2"].as_str().ok_or("no compose_v2")?;
        let ours = match interpolate(template, &env_of(case)) {
            Ok(rendered) => rendered.value,
            Err(error) => format!("ERROR: {error}"),
        };
        if ours != v2 {
            return Err(format!("v2 gives {v2:?}, we give {ours:?}"));
        }
        let v1 = &case["compose_v1_1_29_2"];
        let differs = v1.get("error").is_some() || v1["value"].as_str() != Some(v2);
        let flagged = Template::parse(template)
            .map(|t| !t.v1_incompatibilities().is_empty())
            .unwrap_or(true);
        if differs && !flagged {
            return Err("v1 differs but nothing is flagged".to_owned());
        }
        Ok(())
    });
}
