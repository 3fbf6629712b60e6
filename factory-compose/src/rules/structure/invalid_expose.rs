use crate::diagnostic::Diagnostics;
use crate::model::convert::scalar_kind;
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::yaml::PlainValue;

declare_rule! {
    /// ## What it does
    /// Reports an `expose` entry that is not a port (1–65535) or a range of ports (`8000-8010`),
    /// optionally followed by `/tcp` or `/udp`. An unquoted number is checked as YAML reads it:
    /// `0x50` is port 80, and a float (`0080`, `80.0`) is reported, as Compose refuses it.
    ///
    /// ## Why is this bad?
    /// Compose copies `expose` entries without checking them; Docker refuses the container when
    /// it starts (`invalid containerPort`), so the mistake shows only at deploy time. Traefik
    /// also needs the exposed port to route HTTP to the service.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     expose: ["http", "70000"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     expose: ["9000"]
    /// ```
    pub(crate) struct InvalidExpose {
        code: "FC023",
        name: "invalid-expose",
        severity: Error,
        summary: "invalid `expose` entry (port or range 1–65535, optional `/tcp` `/udp`)",
    }
}

impl Rule for InvalidExpose {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for svc in &cx.project.services {
            let Some(expose) = &svc.expose else { continue };
            // Most items are a port in decimal (`9000`, `"9000/udp"`): read as written.
            let nodes = if expose
                .items(cx.project)
                .iter()
                .all(|i| is_decimal_port(i.text(tree)))
            {
                &[][..]
            } else {
                svc.entry(tree, "expose")
                    .and_then(|e| tree.sequence(e.value))
                    .unwrap_or_default()
            };
            // By place: each item finds its node in one lookup (a scan per item was quadratic).
            let by_place: std::collections::HashMap<_, _> = nodes
                .iter()
                .map(|&n| {
                    let node = tree.node(n);
                    ((node.file, node.span), n)
                })
                .collect();
            for item in expose.items(cx.project).iter().map(|i| i.located(tree)) {
                if item.value.contains('$') {
                    continue;
                }
                // An unquoted number is the number YAML reads (`010` is 8, `0x50` is 80: FC022
                // says so); a float (`0080`, `80.0`) Compose refuses.
                let node = by_place.get(&(item.at.file, item.at.span)).copied();
                let read = match node.map(|n| scalar_kind(tree, n)) {
                    Some(PlainValue::Int(i)) => i.to_string(),
                    Some(PlainValue::Float(f)) => {
                        #[allow(clippy::cast_possible_truncation)]
                        let port = if f.fract() == 0.0 && (1.0..=65535.0).contains(&f) {
                            format!("{}", f as u32)
                        } else {
                            item.value.to_string()
                        };
                        out.push(
                            item.point(registry::diagnostic(
                                "FC023",
                                format!(
                                    "`{}` is not a valid `expose` entry: YAML reads it as the float {}, and Compose refuses a float there",
                                    item.value,
                                    crate::yaml::go_format_float(f)
                                ),
                            ))
                            .with_help(format!("write the port as a string: `\"{port}\"`")),
                        );
                        continue;
                    }
                    _ => item.value.to_string(),
                };
                if let Err(why) = check_expose(&read) {
                    out.push(
                        item.point(registry::diagnostic("FC023", format!("`{}` is not a valid `expose` entry: {why}", item.value)))
                            .with_help("write a container port such as `\"9000\"`, a range `\"9000-9010\"`, or `\"9000/udp\"`"),
                    );
                }
            }
        }
    }
}

/// `PORT[-PORT][/tcp|/udp]`, each port 1–65535, the range not reversed.
/// Whether `text` is a number YAML reads as itself (digits, no leading `0`), or no number at
/// all (it has a `/` or a `-`): an expose item Compose takes as written, whatever its quotes.
pub(crate) fn is_decimal_port(text: &str) -> bool {
    text.contains(['/', '-'])
        || (!text.starts_with('0') && !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
}

pub(crate) fn check_expose(entry: &str) -> Result<(), String> {
    let (ports, proto) = match entry.split_once('/') {
        Some((p, proto)) => (p, Some(proto)),
        None => (entry, None),
    };
    if let Some(proto) = proto
        && !matches!(proto, "tcp" | "udp")
    {
        return Err(format!(
            "the protocol must be `tcp` or `udp`, not `{proto}`"
        ));
    }
    let port = |p: &str| -> Result<u32, String> {
        let n: u32 = p
            .parse()
            .ok()
            .filter(|_| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| format!("`{p}` is not a port number"))?;
        if (1..=65535).contains(&n) {
            Ok(n)
        } else {
            Err(format!("port {n} is outside 1–65535"))
        }
    };
    match ports.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (port(a)?, port(b)?);
            if a > b {
                return Err(format!("the range {a}-{b} is reversed"));
            }
        }
        None => {
            port(ports)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn entries() {
        for ok in ["80", "9000/tcp", "53/udp", "8000-8010", "1", "65535"] {
            assert!(super::check_expose(ok).is_ok(), "{ok}");
        }
        for bad in [
            "0", "65536", "http", "80/sctp", "90-80", "", "-1", "80-", "+80",
        ] {
            assert!(super::check_expose(bad).is_err(), "{bad}");
        }
    }
}
