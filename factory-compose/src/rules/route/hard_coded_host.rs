use factory_route::{MatcherName, Rule as TraefikRule};

use crate::diagnostic::Diagnostics;
use crate::rules::route::{distinct_rules, in_raw, raw_value};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a `Host` matcher whose domain is written in the compose file instead of coming
    /// from `${CI_ENVIRONMENT_DOMAIN}` (the host of the GitLab environment's URL). The label is
    /// read as written, before interpolation: `Host:${CI_ENVIRONMENT_DOMAIN}` and
    /// `Host:api.${CI_ENVIRONMENT_DOMAIN}` are fine, `Host:www.example.com` is not.
    ///
    /// ## Why is this bad?
    /// The same compose file is deployed to staging and production. A hard-coded domain makes
    /// staging answer on the production domain (or not at all), and moving the project to
    /// another domain means editing the file instead of the environment's URL.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.rule: Host:www.example.com
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
    /// ```
    pub(crate) struct HardCodedHost {
        code: "FR009",
        name: "hard-coded-host",
        severity: Warning,
        summary: "`Host` is hard-coded instead of using `${CI_ENVIRONMENT_DOMAIN}`",
    }
}

impl Rule for HardCodedHost {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for d in distinct_rules(cx) {
            let Some(raw) = raw_value(cx, d.rule) else {
                continue;
            };
            if !may_hard_code_host(raw) {
                continue; // no parse needed: nothing below could be reported
            }
            let Ok(rule) = TraefikRule::parse(raw) else {
                continue;
            };
            for seg in rule.segments() {
                if seg.name() != MatcherName::Host {
                    continue;
                }
                for arg in seg.args() {
                    let host = arg.text.trim();
                    if host.is_empty() || host.contains('$') {
                        continue;
                    }
                    out.push(
                        registry::diagnostic(
                            "FR009",
                            format!(
                                "`Host:{host}` of `{}` is hard-coded: every environment answers on that domain",
                                d.service
                            ),
                        )
                        .at(in_raw(cx, d.rule, arg.span.clone()))
                        .with_help(
                            "use the environment's domain: `Host:${CI_ENVIRONMENT_DOMAIN}`, or a subdomain of it such as `Host:api.${CI_ENVIRONMENT_DOMAIN}`",
                        ),
                    );
                }
            }
        }
    }
}

/// Whether `raw` may have a `Host` argument that is neither empty nor uses a variable, without
/// parsing it: a cheap superset of what the loop above finds. Traefik's split (`parseRules`)
/// takes `;`-fields, names each by its first non-empty `:`-field (trimmed), re-joins the other
/// `:`-fields with `:` and splits that on `,`. The re-join only drops `:` characters, so each
/// argument is a `,`-piece of the text after the name with some `:` removed: an argument
/// without `$` and with a non-space character comes from such a piece.
fn may_hard_code_host(raw: &str) -> bool {
    // Byte scans (every separator is ASCII, so each piece is on char boundaries); a non-ASCII
    // byte counts as a non-space character, which only widens the superset.
    raw.split(';').any(|segment| {
        let bytes = segment.as_bytes();
        let start = bytes.iter().position(|&b| b != b':').unwrap_or(bytes.len());
        let end = bytes
            .get(start..)
            .and_then(|after| after.iter().position(|&b| b == b':'))
            .map_or(bytes.len(), |i| start + i);
        let name = segment.get(start..end).unwrap_or("");
        name.trim() == "Host"
            && bytes.get(end + 1..).is_some_and(|rest| {
                rest.split(|&b| b == b',').any(|piece| {
                    !piece.contains(&b'$')
                        && piece
                            .iter()
                            .any(|&b| !b.is_ascii_whitespace() || !b.is_ascii())
                })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::may_hard_code_host;
    use factory_route::{MatcherName, Rule};
    use proptest::prelude::*;

    /// What the rule's loop reports: a `Host` argument, trimmed, not empty, without `$`.
    fn hard_coded(raw: &str) -> bool {
        Rule::parse(raw).is_ok_and(|rule| {
            rule.segments().any(|seg| {
                seg.name() == MatcherName::Host
                    && seg.args().any(|a| {
                        let host = a.text.trim();
                        !host.is_empty() && !host.contains('$')
                    })
            })
        })
    }

    #[test]
    fn the_prefilter_keeps_every_hard_coded_host() {
        for raw in [
            "Host:example.com",
            "Host:${D},example.com",
            " Host :a.${D},::b.com",
            "::Host:::x",
            "Host: : ,${D}",
            "PathPrefix:/a;Host:example.com",
        ] {
            assert!(hard_coded(raw), "{raw}");
            assert!(may_hard_code_host(raw), "{raw}");
        }
        for raw in [
            "Host:${D}",
            "Host:svc.${CI_ENVIRONMENT_DOMAIN};PathPrefix:/api",
            "Host:a.${D},b.${D}",
            "HostRegexp:example.com",
            "Host:",
            "PathPrefix:/example.com",
        ] {
            assert!(!hard_coded(raw), "{raw}");
            assert!(!may_hard_code_host(raw), "{raw}");
        }
    }

    proptest! {
        #[test]
        fn the_prefilter_is_a_superset(parts in prop::collection::vec(
            prop::sample::select(vec![
                "Host", "HostRegexp", "Path", ":", "::", ";", ",", " ", "\t", "$", "${D}", "a.b",
                "{", "\u{a0}",
            ]),
            0..12,
        )) {
            let raw = parts.concat();
            prop_assert!(!hard_coded(&raw) || may_hard_code_host(&raw), "{raw:?}");
        }

        #[test]
        fn the_prefilter_is_a_superset_on_any_text(raw in "\\PC{0,32}") {
            prop_assert!(!hard_coded(&raw) || may_hard_code_host(&raw), "{raw:?}");
        }
    }
}
