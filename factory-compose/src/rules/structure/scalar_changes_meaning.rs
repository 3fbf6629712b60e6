use crate::diagnostic::{Diagnostics, Edit, Fix};
use crate::model::convert::{compose_string, scalar_kind};
use crate::model::{Form, KeyValue};
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::span::Location;
use crate::yaml::{NodeId, PlainValue, ScalarStyle, View};

declare_rule! {
    /// ## What it does
    /// Reports an unquoted environment value, label value or `restart` value that Compose reads
    /// as something other than what is written: `0755` becomes `493` (octal), `1e3` becomes
    /// `1000`, `0x1F` becomes `31`, `1.0` becomes `1`; and for YAML 1.1 readers (the Compose v1
    /// of the platform's era) `yes`, `no`, `on`, `off`, `y`, `n` become booleans and numbers
    /// with colons are read in base 60 (`12:30` becomes `750`). Short `ports` items are checked
    /// for base 60 too (`22:22` becomes `1342`), and `expose` items for the number YAML reads
    /// (`010` is port 8, `0x50` port 80).
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
    ///       BACKUP_AT: 12:30
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       UMASK: "0755"
    ///       DEBUG: "no"
    ///       BACKUP_AT: "12:30"
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

/// What a YAML 1.1 reader (PyYAML, Compose v1) makes of a plain scalar with colons that YAML
/// 1.2 keeps as a string: a base-60 integer (`[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`, `12:30` is 750)
/// or float (`[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`, `1:30.5` is 90.5), printed as Python
/// prints it. `None` for anything else (and past `i128`).
fn yaml11_base60(raw: &str) -> Option<String> {
    // Most values with a `:` are URLs or rules: one pass over the bytes sets them aside.
    if !raw
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b':' | b'_' | b'.' | b'-' | b'+'))
    {
        return None;
    }
    let (negative, body) = match raw.as_bytes().first()? {
        b'-' => (true, &raw[1..]),
        b'+' => (false, &raw[1..]),
        _ => (false, raw),
    };
    let (sexagesimal, fraction) = match body.split_once('.') {
        Some((s, f)) if f.bytes().all(|b| b.is_ascii_digit() || b == b'_') => (s, Some(f)),
        Some(_) => return None,
        None => (body, None),
    };
    let mut parts = sexagesimal.split(':');
    let first = parts.next()?;
    let first_ok = match first.as_bytes() {
        [b'1'..=b'9', rest @ ..] => rest.iter().all(|b| b.is_ascii_digit() || *b == b'_'),
        [b'0', rest @ ..] => {
            fraction.is_some() && rest.iter().all(|b| b.is_ascii_digit() || *b == b'_')
        }
        _ => false,
    };
    let later: Vec<&str> = parts.collect();
    let later_ok = |p: &&str| match p.as_bytes() {
        [d] => d.is_ascii_digit(),
        [a, b] => (b'0'..=b'5').contains(a) && b.is_ascii_digit(),
        _ => false,
    };
    if !first_ok || later.is_empty() || !later.iter().all(later_ok) {
        return None;
    }
    let mut whole: i128 = first.replace('_', "").parse().ok()?;
    for p in &later {
        whole = whole.checked_mul(60)?.checked_add(p.parse().ok()?)?;
    }
    let sign = if negative { "-" } else { "" };
    match fraction {
        None => Some(format!("{sign}{whole}")),
        Some(f) => {
            let digits = f.replace('_', "");
            let digits = digits.trim_end_matches('0');
            Some(format!(
                "{sign}{whole}.{}",
                if digits.is_empty() { "0" } else { digits }
            ))
        }
    }
}

/// How a checked scalar is written, shown in the message, and mended.
#[derive(Clone, Copy)]
enum Written<'a> {
    /// `key: value`: quoting the value keeps it as written.
    Entry(&'a str),
    /// An `environment` or `labels` entry `key: value` (its key read only for a message).
    KeyValue(&'a KeyValue),
    /// A list item (`- 22:22`): quoting it keeps it as written.
    Item,
    /// An `expose` item: a port is a number whatever its quotes (`"0x50"` is no port), so no
    /// quoting mends it, and which port was meant is the author's call.
    Port,
}

impl Rule for ScalarChangesMeaning {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        let check_value = |what: &str,
                           written: Written<'_>,
                           // Where the value is (`None`: the node's place), and the `<<` line.
                           (at, via): (Option<Location>, Option<Location>),
                           node: NodeId,
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
            // YAML 1.1 boolean or base-60 number: nothing to report, whatever the tests below
            // say (all are pure, the cheapest first).
            let kind = scalar_kind(tree, node);
            let base60 = if raw.contains(':') {
                yaml11_base60(raw)
            } else {
                None
            };
            if !yaml11_bool
                && base60.is_none()
                && matches!(kind, PlainValue::Str | PlainValue::Timestamp)
            {
                return;
            }
            // A YAML boolean (`True`) is FC021's: one problem, one diagnostic.
            if matches!(kind, PlainValue::Bool(_)) {
                return;
            }
            // An interpolated value (`${X:-off}`) is substituted after YAML is read: neither
            // Compose reads the result as a number or a boolean, and quoting the substituted
            // text would drop the variable.
            let at = at.unwrap_or_else(|| tree.location(node));
            if cx.interpolation.raw_of(tree, node).is_some()
                || cx.sources.get(at.file).slice(at.span) != raw
            {
                return;
            }
            let read = compose_string(tree, node);
            let shown = match written {
                Written::Entry(key) => format!("`{key}: {raw}`"),
                Written::KeyValue(kv) => format!("`{}: {raw}`", kv.key(tree)),
                Written::Item | Written::Port => format!("`{raw}`"),
            };
            let message = if let Some(number) = base60 {
                format!(
                    "{what} {shown} is the string `{raw}` for Compose v2 but the number `{number}` (base 60) for YAML 1.1 readers"
                )
            } else if yaml11_bool {
                format!(
                    "{what} {shown} is the string `{raw}` for Compose v2 but the boolean `{}` for YAML 1.1 readers",
                    !matches!(raw.chars().next(), Some('n' | 'N'))
                        && !raw.eq_ignore_ascii_case("off")
                )
            } else {
                match &read {
                    Some(r) if r != raw => {
                        format!("{what} {shown} is read by Compose as `{r}`")
                    }
                    _ => return,
                }
            };
            let diagnostic = registry::diagnostic("FC022", message).at_inherited(at, via);
            // No quoting mends a port (see `Written::Port`): no fix.
            if matches!(written, Written::Port) {
                out.push(diagnostic.with_help(format!(
                    "write the port in decimal: Compose exposes `{}`",
                    read.as_deref().unwrap_or(raw)
                )));
                return;
            }
            out.push(
                diagnostic
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
                ("the environment value", svc.env_entries(cx.project)),
                ("the label", svc.label_entries(cx.project)),
            ] {
                for kv in list {
                    if kv.form == Form::Map && kv.has_value() {
                        check_value(
                            what,
                            Written::KeyValue(kv),
                            (None, kv.via(&cx.project.tree)),
                            kv.node,
                            out,
                        );
                    }
                }
            }
            // Only `no` is both a restart policy and a value YAML reads otherwise: any other
            // (`off`, `0755`) is no policy quoted or not, and FC024 says so alone.
            if let Some(restart) = &svc.restart
                && restart.text(tree) == "no"
                && let Some(entry) = svc.entry(&cx.project.tree, "restart")
            {
                check_value(
                    "the value",
                    Written::Entry("restart"),
                    (Some(restart.at(tree)), restart.via(tree)),
                    entry.value,
                    out,
                );
            }
            // The scalar items of a list key, read from the tree (the model keeps their text
            // only); `only_integers` leaves the others to another rule.
            let check_items = |key: &str,
                               what: &str,
                               written,
                               via,
                               only_integers: bool,
                               out: &mut Diagnostics| {
                let items = svc
                    .entry(tree, key)
                    .and_then(|e| tree.sequence(e.value))
                    .unwrap_or_default();
                for &item in items {
                    if only_integers && !matches!(scalar_kind(tree, item), PlainValue::Int(_)) {
                        continue;
                    }
                    check_value(what, written, (None, via), item, out);
                }
            };
            // `expose: [010]`: Compose exposes port 8 (a float it refuses: FC023's).
            if let Some(expose) = &svc.expose
                && !expose
                    .items(cx.project)
                    .iter()
                    .all(|i| super::invalid_expose::is_decimal_port(i.text(tree)))
            {
                check_items(
                    "expose",
                    "the `expose` item",
                    Written::Port,
                    expose.via(tree),
                    true,
                    out,
                );
            }
            // `- 22:22`: Compose v1 published port 1342. Long-syntax items are mappings.
            if let Some(ports) = &svc.ports {
                check_items(
                    "ports",
                    "the `ports` item",
                    Written::Item,
                    ports.via(tree),
                    false,
                    out,
                );
            }
        }
    }
}
