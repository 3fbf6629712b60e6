//! The answers of `factory-route` to the JSON lines of the Traefik harness
//! (`tests/differential/traefik/`), in the harness's format. Shared by the `route_answer`
//! example, which prints them, and `tests/oracle.rs`, which compares them with the cases.
#![allow(dead_code)]

use factory_route::{
    Match, MatchOptions, ParseErrorKind, Request, Route, RouteTable, Rule, default_priority,
    parse_domains, parse_query,
};
use serde_json::{Map, Value, json};

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

pub(crate) fn request(req: &Value) -> Request {
    let method = match text(req, "method") {
        m if m.is_empty() => "GET".to_owned(),
        m => m,
    };
    Request {
        host: text(req, "host"),
        path: text(req, "path"),
        method,
        headers: req
            .get("headers")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default(),
        query: parse_query(&text(req, "query")),
        raw_query: Some(text(req, "query")).filter(|q| !q.is_empty()),
        scheme: None,
    }
}

pub(crate) fn options(input: &Value) -> MatchOptions {
    MatchOptions {
        keep_trailing_slash: input
            .get("keep_trailing_slash")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}

/// Which route of the table answers (a refused rule leaves its route out), as the harness's
/// table mode; a redirect names no route.
pub(crate) fn table(input: &Value) -> Value {
    // The rules borrow their texts.
    let texts: Vec<(usize, String, i64)> = input["rules"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                i,
                text(r, "rule"),
                r.get("priority").and_then(Value::as_i64).unwrap_or(0),
            )
        })
        .collect();
    let entries: Vec<(usize, Rule<'_>, i64)> = texts
        .iter()
        .filter_map(|(i, text, priority)| Some((*i, Rule::parse(text).ok()?, *priority)))
        .collect();
    let routes = entries
        .iter()
        .map(|(_, rule, priority)| Route::new("s", None, rule, Some(*priority), None))
        .collect();
    let table = RouteTable::with_options(routes, options(input));
    let mut out = Map::new();
    let Some((i, m)) = table.resolve(&request(&input["request"])) else {
        out.insert("match".into(), json!(false));
        return Value::Object(out);
    };
    out.insert("match".into(), json!(true));
    let route = entries.get(i).map(|(index, _, _)| *index);
    match m {
        Match::Redirect { status, location } => {
            out.insert("redirect".into(), json!(format!("{status} {location}")));
        }
        Match::Forward(f) => {
            out.insert("route".into(), json!(route));
            out.insert("forwarded_path".into(), json!(f.path));
        }
        Match::NotFound => {
            out.insert("route".into(), json!(route));
            out.insert("not_found".into(), json!(true));
        }
        Match::NoMatch => {}
    }
    Value::Object(out)
}

pub(crate) fn answer(input: &Value) -> Value {
    let rule_text = text(input, "rule");
    let mut out = Map::new();
    out.insert("priority".into(), json!(default_priority(&rule_text)));
    match parse_domains(&rule_text) {
        Ok(domains) => out.insert("domains".into(), json!(domains)),
        Err(e) => out.insert("domains_error".into(), json!(e.traefik_message())),
    };
    let rule = match Rule::parse(&rule_text) {
        Ok(rule) => rule,
        Err(e) => {
            out.insert("parse_error".into(), json!(true));
            out.insert("error".into(), json!(e.traefik_message()));
            if e.kind == ParseErrorKind::RegexTooBig {
                // factory's own budget, not Traefik's: the harness skips it.
                out.insert("budget".into(), json!(true));
            }
            return Value::Object(out);
        }
    };
    out.insert("parse_error".into(), json!(false));
    let Some(req) = input.get("request").filter(|r| r.is_object()) else {
        return Value::Object(out);
    };
    match rule.matches_with(&request(req), options(input)) {
        Match::Redirect { status, location } => {
            out.insert("match".into(), json!(true));
            out.insert("redirect".into(), json!(format!("{status} {location}")));
        }
        Match::Forward(f) => {
            out.insert("match".into(), json!(true));
            out.insert("forwarded_path".into(), json!(f.path));
            for (key, value) in [
                ("forwarded_raw_path", f.raw_path),
                ("x_forwarded_prefix", f.x_forwarded_prefix),
                ("x_replaced_path", f.x_replaced_path),
            ] {
                if let Some(v) = value {
                    out.insert(key.into(), json!(v));
                }
            }
        }
        Match::NotFound => {
            out.insert("match".into(), json!(true));
            out.insert("not_found".into(), json!(true));
        }
        Match::NoMatch => {
            out.insert("match".into(), json!(false));
        }
    }
    Value::Object(out)
}
