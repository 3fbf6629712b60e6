use crate::diagnostic::{Diagnostics, Edit, Fix};
use crate::model::convert::{compose_string, scalar_kind};
use crate::model::{Form, KeyValue, Spanned};
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::span::Location;
use crate::yaml::{PlainValue, ScalarStyle, View};

declare_rule! {
    /// ## What it does
    /// Reports an unquoted environment value, label value or `restart` value that Compose reads
    /// as something other than what is written: `0755` becomes `493` (octal), `1e3` becomes
    /// `1000`, `0x1F` becomes `31`, `1.0` becomes `1`, and `yes`, `no`, `on`, `off`, `y`, `n`
    /// become booleans for YAML 1.1 readers (the Compose v1 of the platform's era).
    ///
    /// ## Why is this bad?
    /// The container receives a different string from the one in the file. File modes, version
    /// numbers and feature flags are the usual victims, and the difference only shows at run
    /// time.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       UMASK: 0755
    ///       DEBUG: no
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       UMASK: "0755"
    ///       DEBUG: "no"
    /// ```
    ///
    /// ## Fix safety
    /// The fix quotes the value as written, which is what the author meant.
    pub(crate) struct ScalarChangesMeaning {
        code: "FC022",
        name: "scalar-changes-meaning",
        severity: Warning,
        summary: "an unquoted scalar changes when Compose reads it (`0755` → `493`, `1e3` → `1000`, `no` → `false`)",
    }
}

/// YAML 1.1 booleans that YAML 1.2 (Compose v2) keeps as strings.
const YAML11_BOOLS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
    "OFF",
];

impl Rule for ScalarChangesMeaning {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        let check_value = |what: &str,
                           key: &str,
                           value: &Spanned<crate::model::Text>,
                           node,
                           out: &mut Diagnostics| {
            let View::Scalar(s) = tree.view(node) else {
                return;
            };
            if tree.node(node).style != ScalarStyle::Plain {
                return;
            }
            let raw = s;
            let yaml11_bool = raw.len() <= 3 && YAML11_BOOLS.contains(&raw);
            // A string Compose keeps as written (`compose_string` returns it unchanged) and no
            // YAML 1.1 boolean: nothing to report, whatever the tests below say (all are pure,
            // the cheapest first).
            let kind = scalar_kind(tree, tree.node(node));
            if !yaml11_bool && matches!(kind, PlainValue::Str | PlainValue::Timestamp) {
                return;
            }
            // A YAML boolean (`True`) is FC021's: one problem, one diagnostic.
            if matches!(kind, PlainValue::Bool(_)) {
                return;
            }
            // An interpolated value (`${X:-off}`) is substituted after YAML is read: neither
            // Compose reads the result as a number or a boolean, and quoting the substituted
            // text would drop the variable.
            if cx.interpolation.raw_of(node).is_some()
                || cx.sources.get(value.at.file).slice(value.at.span) != raw
            {
                return;
            }
            let read = compose_string(tree, tree.node(node));
            let message = if yaml11_bool {
                format!(
                    "{what} `{key}: {raw}` is the string `{raw}` for Compose v2 but the boolean `{}` for YAML 1.1 readers",
                    !matches!(raw.chars().next(), Some('n' | 'N'))
                        && !raw.eq_ignore_ascii_case("off")
                )
            } else {
                match read {
                    Some(r) if r != raw => {
                        format!("{what} `{key}: {raw}` is read by Compose as `{r}`")
                    }
                    _ => return,
                }
            };
            let at: Location = value.at;
            out.push(
                value
                    .point(registry::diagnostic("FC022", message))
                    .with_help(format!("quote it to keep it as written: `\"{raw}\"`"))
                    .with_fix(Fix {
                        title: "quote the value".to_owned(),
                        edits: vec![Edit {
                            location: at,
                            replacement: format!("\"{raw}\""),
                        }],
                    }),
            );
        };
        for svc in &cx.project.services {
            for (what, list) in [
                ("the environment value", &svc.environment),
                ("the label", &svc.labels),
            ] {
                let Some(list) = list else { continue };
                for KeyValue {
                    key,
                    value,
                    node,
                    form,
                } in &list.value
                {
                    if *form == Form::Map
                        && let Some(v) = value
                    {
                        check_value(what, &key.value, v, *node, out);
                    }
                }
            }
            if let Some(restart) = &svc.restart
                && let Some(entry) = svc.entry(&cx.project.tree, "restart")
            {
                check_value("the value", "restart", restart, entry.value, out);
            }
        }
    }
}
