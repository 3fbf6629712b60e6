use std::net::IpAddr;

use crate::diagnostic::Diagnostics;
use crate::model::convert::describe;
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::span::Location;
use crate::yaml::{NodeId, View};

declare_rule! {
    /// ## What it does
    /// Checks `extra_hosts`: a list of `host:ip` (or `host=ip`) strings, or a mapping of
    /// `host: ip`, where `ip` is an IPv4 or IPv6 address (or `host-gateway`).
    ///
    /// ## Why is this bad?
    /// Compose refuses an entry without an address (`invalid additional host, missing IP`) or a
    /// plain string instead of a list, and Docker refuses an address it cannot parse when the
    /// container is created. The platform manual's own example (`extra_hosts:
    /// my_external_server`) has this mistake.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     extra_hosts: my_external_server
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     extra_hosts:
    ///       - "my_external_server:192.0.2.10"
    /// ```
    pub(crate) struct InvalidExtraHosts {
        code: "FC028",
        name: "invalid-extra-hosts",
        severity: Error,
        summary: "invalid `extra_hosts` (mapping or list of `host:ip`)",
    }
}

impl Rule for InvalidExtraHosts {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for svc in &cx.project.services {
            let Some(hosts) = svc.extra_hosts() else {
                continue;
            };
            let report = |out: &mut Diagnostics, id, message: String| {
                let n = tree.node(id);
                out.push(
                    registry::diagnostic("FC028", message)
                        .at_inherited(Location::new(n.file, n.span), hosts.via)
                        .with_help("write each entry as `\"host:192.0.2.10\"` (a list) or `host: 192.0.2.10` (a mapping)"),
                );
            };
            match tree.view(hosts.value) {
                View::Sequence(items) => {
                    for &item in items {
                        let View::Scalar(s) = tree.view(item) else {
                            report(
                                out,
                                item,
                                format!(
                                    "an `extra_hosts` entry must be a `host:ip` string, not {}",
                                    describe(tree, item)
                                ),
                            );
                            continue;
                        };
                        if s.contains('$') {
                            continue;
                        }
                        let split = s.split_once('=').or_else(|| s.split_once(':'));
                        match split {
                            Some((host, ip)) => {
                                if let Err(why) = check(host, ip) {
                                    report(
                                        out,
                                        item,
                                        format!("invalid `extra_hosts` entry `{s}`: {why}"),
                                    );
                                }
                            }
                            None => report(
                                out,
                                item,
                                format!("the `extra_hosts` entry `{s}` has no IP address"),
                            ),
                        }
                    }
                }
                View::Mapping(entries) => {
                    for e in entries {
                        // An IP address, or a list of them (one host, several addresses:
                        // Compose accepts both).
                        let values: Option<Vec<NodeId>> = match tree.view(e.value) {
                            View::Scalar(_) => Some(vec![e.value]),
                            View::Sequence(items)
                                if items
                                    .iter()
                                    .all(|&i| matches!(tree.view(i), View::Scalar(_))) =>
                            {
                                Some(items.to_vec())
                            }
                            _ => None,
                        };
                        let (View::Scalar(k), Some(values)) = (tree.view(e.key), values) else {
                            report(
                                out,
                                e.value,
                                "an `extra_hosts` mapping value must be an IP address or a list of them"
                                    .to_owned(),
                            );
                            continue;
                        };
                        for id in values {
                            let View::Scalar(v) = tree.view(id) else {
                                continue;
                            };
                            if v.contains('$') {
                                continue;
                            }
                            if let Err(why) = check(k, v) {
                                report(
                                    out,
                                    id,
                                    format!("invalid `extra_hosts` entry `{k}: {v}`: {why}"),
                                );
                            }
                        }
                    }
                }
                View::Scalar(_) => report(
                    out,
                    hosts.value,
                    format!(
                        "`extra_hosts` must be a list or a mapping, not {}",
                        describe(tree, hosts.value)
                    ),
                ),
            }
        }
    }
}

fn check(host: &str, ip: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("the host name is empty".to_owned());
    }
    if !host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
    {
        return Err(format!("`{host}` is not a host name"));
    }
    let ip = ip.trim_start_matches('[').trim_end_matches(']');
    if ip == "host-gateway" || ip.parse::<IpAddr>().is_ok() {
        Ok(())
    } else {
        Err(format!("`{ip}` is not an IP address"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn entries() {
        assert!(super::check("db", "10.0.0.1").is_ok());
        assert!(super::check("db", "::1").is_ok());
        assert!(super::check("db", "[::1]").is_ok());
        assert!(super::check("gw", "host-gateway").is_ok());
        assert!(super::check("db", "notanip").is_err());
        assert!(super::check("", "10.0.0.1").is_err());
        assert!(super::check("a b", "10.0.0.1").is_err());
    }
}
