use crate::diagnostic::Diagnostics;
use crate::model::convert::{compose_bool, describe, scalar_kind};
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::span::Location;
use std::collections::HashMap;

use crate::yaml::{Entry, NodeId, PlainValue, Tree, View};

declare_rule! {
    /// ## What it does
    /// Checks `healthcheck`: it must be a mapping; `test` a string or a list of strings whose
    /// first item is `NONE`, `CMD` or `CMD-SHELL`; `interval`, `timeout`, `start_period` and
    /// `start_interval` durations such as `30s`, `1m30s` or `1d` (Compose reads days `d` and
    /// weeks `w` too) of at least 1ms, or 0; `retries` a whole number of 0 or more and
    /// `disable` a boolean (a string Compose casts, like `"3"` or `"false"`, is fine); no
    /// other keys.
    ///
    /// ## Why is this bad?
    /// Compose refuses a malformed healthcheck (`time: unknown unit "x" in duration`,
    /// `healthcheck.timeout must be a string`, `healthcheck.test.4 must be a string`), and
    /// Docker refuses, when the container is created, a `test` list that does not start with
    /// `CMD`/`CMD-SHELL` and a duration under a millisecond (`Interval in Healthcheck cannot
    /// be less than 1ms`).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     healthcheck:
    ///       test: [curl, -f, http://localhost:9000/]
    ///       interval: 30
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     healthcheck:
    ///       test: [CMD, curl, -f, http://localhost:9000/]
    ///       interval: 30s
    /// ```
    pub(crate) struct InvalidHealthcheck {
        code: "FC025",
        name: "invalid-healthcheck",
        severity: Error,
        summary: "invalid `healthcheck` (mapping; `test` string or list starting `NONE`/`CMD`/`CMD-SHELL`; durations; integer `retries`)",
    }
}

impl Rule for InvalidHealthcheck {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        let mut judged: HashMap<NodeId, Vec<Finding>> = HashMap::new();
        for svc in &cx.project.services {
            let Some(hc) = &svc.healthcheck else { continue };
            let report = |out: &mut Diagnostics,
                          at: Location,
                          via: Option<Location>,
                          message: String,
                          help: &str| {
                let d = registry::diagnostic("FC025", message).with_help(help);
                out.push(d.at_inherited(at, via.or(hc.via(tree))));
            };
            let View::Mapping(entries) = tree.view(hc.node) else {
                report(
                    out,
                    hc.at(tree),
                    None,
                    format!(
                        "`healthcheck` must be a mapping, not {}",
                        describe(tree, hc.node)
                    ),
                    "write `healthcheck:` with `test:`, `interval:`, `timeout:` and `retries:` under it",
                );
                continue;
            };
            // Services that inherit one healthcheck through `<<` share its node: judge it once.
            let found = judged
                .entry(hc.node)
                .or_insert_with(|| mapping_findings(tree, entries));
            for (at, via, message, help) in found.iter() {
                report(out, *at, *via, message.clone(), help);
            }
        }
    }
}

/// A finding in a healthcheck mapping: where, the `<<` line when the key was inherited through
/// a merge key of the mapping (`healthcheck: {<<: *hc}`), the message and the help.
type Finding = (Location, Option<Location>, String, &'static str);

/// What is wrong in a healthcheck mapping.
fn mapping_findings(tree: &Tree, entries: &[Entry]) -> Vec<Finding> {
    let loc = |id| tree.location(id);
    let mut found = Vec::new();
    let via = std::cell::Cell::new(None);
    let mut report = |at: Location, message: String, help: &'static str| {
        found.push((at, via.get(), message, help));
    };
    for e in entries {
        via.set(
            tree.merged_from(e)
                .map(|s| Location::new(loc(e.key).file, s)),
        );
        let View::Scalar(k) = tree.view(e.key) else {
            continue;
        };
        let v = e.value;
        let scalar = match tree.view(v) {
            View::Scalar(s) => Some((s, scalar_kind(tree, v))),
            _ => None,
        };
        match k {
            "test" => match tree.view(v) {
                View::Scalar(_) if matches!(scalar_kind(tree, v), PlainValue::Str) => {}
                View::Sequence(items) => {
                    // Compose's schema wants every item a string (`test.4 must be a string`).
                    for &item in items {
                        let string = matches!(tree.view(item), View::Scalar(_))
                            && matches!(scalar_kind(tree, item), PlainValue::Str);
                        if !string {
                            report(
                                loc(item),
                                format!(
                                    "a healthcheck `test` item must be a string, not {}",
                                    describe(tree, item)
                                ),
                                "quote the item (`\"5\"`): Compose refuses a `test` list item that is not a string",
                            );
                        }
                    }
                    let first = items.first().and_then(|&i| match tree.view(i) {
                        View::Scalar(s) => Some(s),
                        _ => None,
                    });
                    match first {
                        Some("NONE" | "CMD" | "CMD-SHELL") => {}
                        Some(f) if f.contains('$') => {}
                        Some(f) => report(
                            loc(items[0]),
                            format!(
                                "a healthcheck `test` list must start with `CMD`, `CMD-SHELL` or `NONE`, not `{f}`"
                            ),
                            "put `CMD` first to run the command directly, or `CMD-SHELL` to run it with `sh -c`",
                        ),
                        // `test: []` is no test: Compose leaves it out and the container
                        // runs the image's own, with the other keys given (v2.40.3).
                        None => {}
                    }
                }
                _ => report(
                    loc(v),
                    format!(
                        "healthcheck `test` must be a string or a list, not {}",
                        describe(tree, v)
                    ),
                    "write `test: curl -f http://localhost/` or `test: [CMD, curl, -f, http://localhost/]`",
                ),
            },
            "interval" | "timeout" | "start_period" | "start_interval" => match scalar {
                Some((s, PlainValue::Str)) if !s.contains('$') => match compose_duration(s) {
                    None => report(
                        loc(v),
                        format!("healthcheck `{k}: {s}` is not a duration"),
                        "write a duration with a unit, such as `30s`, `1m30s` or `500ms`",
                    ),
                    // Docker refuses a duration under a millisecond (`Interval in Healthcheck
                    // cannot be less than 1ms`); 0 is the default.
                    Some(nanos) if nanos != 0.0 && nanos < 1e6 => report(
                        loc(v),
                        format!("healthcheck `{k}: {s}` is less than 1ms: Docker refuses it"),
                        "write a duration of 1ms or more, such as `30s`, or 0 for Docker's default",
                    ),
                    Some(_) => {}
                },
                Some((_, PlainValue::Str)) => {}
                _ => report(
                    loc(v),
                    format!(
                        "healthcheck `{k}` must be a duration string, not {}",
                        describe(tree, v)
                    ),
                    "write a duration with a unit, such as `30s` or `1m30s`",
                ),
            },
            "retries" => {
                // Compose casts a string with Go's `strconv.Atoi` (`"3"` is 3), then decodes
                // the count into an unsigned integer (`-2 overflows uint`).
                let int = |(s, kind): &(&str, PlainValue)| match kind {
                    PlainValue::Int(i) => *i >= 0,
                    PlainValue::Str => s.parse::<i64>().is_ok_and(|i| i >= 0),
                    _ => false,
                };
                if !scalar.as_ref().is_some_and(int) {
                    let what = match scalar {
                        Some((s, _)) => format!("`{s}`"),
                        None => describe(tree, v).to_owned(),
                    };
                    report(
                        loc(v),
                        format!(
                            "healthcheck `retries` must be a whole number of 0 or more, not {what}"
                        ),
                        "write the number of retries, such as `retries: 3`",
                    );
                }
            }
            "disable" => {
                // Compose casts a string as `toBoolean` does (`"false"` is false).
                let boolean = |(s, kind): &(&str, PlainValue)| match kind {
                    PlainValue::Bool(_) => true,
                    PlainValue::Str => compose_bool(s).is_some(),
                    _ => false,
                };
                if !scalar.as_ref().is_some_and(boolean) {
                    report(
                        loc(v),
                        format!(
                            "healthcheck `disable` must be a boolean, not {}",
                            describe(tree, v)
                        ),
                        "write `disable: true`",
                    );
                }
            }
            other => report(
                loc(e.key),
                format!("`{other}` is not a healthcheck key"),
                "the keys are test, interval, timeout, retries, start_period, start_interval and disable",
            ),
        }
    }
    found
}

/// A duration as compose-go decodes one (`str2duration.ParseDuration`: Go's
/// `time.ParseDuration` with days `d` and weeks `w`): `[+-]` then one or more `number unit`,
/// or `0`. Its length in nanoseconds (`None`: not a duration).
pub(crate) fn compose_duration(s: &str) -> Option<f64> {
    let (sign, s) = match s.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, s.strip_prefix('+').unwrap_or(s)),
    };
    if s == "0" {
        return Some(0.0);
    }
    if s.is_empty() {
        return None;
    }
    let mut rest = s;
    let mut total = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let num = &rest[..num_len];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return None;
        }
        let value: f64 = num.parse().ok()?;
        rest = &rest[num_len..];
        let (unit, nanos) = [
            ("ns", 1.0),
            ("us", 1e3),
            ("µs", 1e3),
            ("μs", 1e3),
            ("ms", 1e6),
            ("s", 1e9),
            ("m", 60e9),
            ("h", 3600e9),
            ("d", 86_400e9),
            ("w", 604_800e9),
        ]
        .into_iter()
        .filter(|(u, _)| rest.starts_with(u))
        .max_by_key(|(u, _)| u.len())?;
        rest = &rest[unit.len()..];
        total += value * nanos;
    }
    Some(sign * total)
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        // Each checked with Compose v2.40.3 (`healthcheck.interval`).
        for (ok, nanos) in [
            ("30s", 30e9),
            ("1m30s", 90e9),
            ("500ms", 5e8),
            ("1.5h", 5400e9),
            ("0", 0.0),
            ("2h45m", 9900e9),
            ("10us", 1e4),
            ("1µs", 1e3),
            ("1d", 86_400e9),
            ("1.5d", 129_600e9),
            ("1d2h", 93_600e9),
            ("0.5w", 302_400e9),
            ("-1d", -86_400e9),
        ] {
            assert_eq!(super::compose_duration(ok), Some(nanos), "{ok}");
        }
        for bad in [
            "30", "5x", "", "s", "1m30", ".s", "1..2s", "1y", "1D", "1W", "1dd", "1d 2h", "d",
        ] {
            assert_eq!(super::compose_duration(bad), None, "{bad}");
        }
    }
}
