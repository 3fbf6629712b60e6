use crate::diagnostic::Diagnostics;
use crate::model::convert::{describe, is_null, scalar_kind};
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::span::Location;
use std::collections::HashMap;

use crate::yaml::{Entry, NodeId, PlainValue, Tree, View};

declare_rule! {
    /// ## What it does
    /// Checks `logging`: a mapping with an optional `driver` string and an optional `options`
    /// mapping of strings (numbers are accepted and kept as text); no other keys.
    ///
    /// ## Why is this bad?
    /// Compose refuses other shapes (`logging.options.max-size must be a string`, `additional
    /// properties not allowed`), so nothing deploys.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     logging:
    ///       driver: json-file
    ///       max-size: 10m
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     logging:
    ///       driver: json-file
    ///       options:
    ///         max-size: 10m
    /// ```
    pub(crate) struct InvalidLogging {
        code: "FC031",
        name: "invalid-logging",
        severity: Error,
        summary: "invalid `logging` (`driver` string, `options` string map)",
    }
}

impl Rule for InvalidLogging {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        let mut judged: HashMap<NodeId, Vec<Finding>> = HashMap::new();
        for svc in &cx.project.services {
            let Some(logging) = &svc.logging else {
                continue;
            };
            let mut report = |at: Location, via: Option<Location>, message: String, help: &str| {
                out.push(
                    registry::diagnostic("FC031", message)
                        .at_inherited(at, via.or(logging.via(tree)))
                        .with_help(help),
                );
            };
            // A null too: Compose's schema refuses `logging:` left empty (v2.40.3).
            let View::Mapping(entries) = tree.view(logging.node) else {
                report(
                    logging.at(tree),
                    None,
                    format!(
                        "`logging` must be a mapping, not {}",
                        describe(tree, logging.node)
                    ),
                    "write `logging:` with `driver:` and `options:` under it, or remove it",
                );
                continue;
            };
            // Services that inherit one `logging` through `<<` share its node: judge it once.
            let found = judged
                .entry(logging.node)
                .or_insert_with(|| mapping_findings(tree, entries));
            for (at, via, message, help) in found.iter() {
                report(*at, *via, message.clone(), help);
            }
        }
    }
}

/// A finding in a `logging` mapping: where, the `<<` line when the key was inherited through a
/// merge key of the mapping (`logging: {<<: *log}`), the message and the help.
type Finding = (Location, Option<Location>, String, &'static str);

/// What is wrong in a `logging` mapping.
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
        match k {
            "driver" => {
                let ok = matches!(tree.view(e.value), View::Scalar(_) if matches!(scalar_kind(tree, e.value), PlainValue::Str));
                if !ok {
                    report(
                        loc(e.value),
                        format!(
                            "logging `driver` must be a string, not {}",
                            describe(tree, e.value)
                        ),
                        "name a log driver, such as `json-file` or `syslog`",
                    );
                }
            }
            "options" => match tree.view(e.value) {
                View::Mapping(opts) => {
                    for o in opts {
                        let ok = matches!(tree.view(o.value), View::Scalar(_)
                            if !matches!(scalar_kind(tree, o.value), PlainValue::Bool(_)));
                        if !ok {
                            let name = match tree.view(o.key) {
                                View::Scalar(s) => s.to_owned(),
                                _ => "?".to_owned(),
                            };
                            report(
                                loc(o.value),
                                format!(
                                    "logging option `{name}` must be a string, not {}",
                                    describe(tree, o.value)
                                ),
                                "quote the option's value",
                            );
                        }
                    }
                }
                View::Scalar(_) if is_null(tree, e.value) => {}
                _ => report(
                    loc(e.value),
                    format!(
                        "logging `options` must be a mapping, not {}",
                        describe(tree, e.value)
                    ),
                    "write each option as `name: value` under `options:`",
                ),
            },
            // An extension: Compose's schema allows `x-*` keys in `logging`.
            other if other.starts_with("x-") => {}
            other => report(
                loc(e.key),
                format!("`{other}` is not a logging key"),
                "`logging` has only `driver` and `options`; driver settings go under `options:`",
            ),
        }
    }
    found
}
