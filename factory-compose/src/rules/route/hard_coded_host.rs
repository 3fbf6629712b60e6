use factory_route::{MatcherName, Rule as TraefikRule};

use crate::diagnostic::Diagnostics;
use crate::rules::route::{RawLocator, distinct_rules, raw_value};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a `Host` matcher whose domain is written in the compose file instead of coming
    /// from `${CI_ENVIRONMENT_DOMAIN}` (the host of the GitLab environment's URL). The label is
    /// read as written, before interpolation: `Host:${CI_ENVIRONMENT_DOMAIN}` and
    /// `Host:api.${CI_ENVIRONMENT_DOMAIN}` are fine, `Host:www.example.com` is not. A
    /// `HostRegexp` is reported when its domain, the text after its last `{name:regexp}`
    /// template, is written out (`HostRegexp:{sub:[a-z]+}.example.com`); one that takes any
    /// domain (`HostRegexp:{host:.+}`) is not.
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
            let Some(raw) = raw_value(cx, d.rule()) else {
                continue;
            };
            if !may_hard_code_host(raw) {
                continue; // no parse needed: nothing below could be reported
            }
            // A label without variables is the rule the route table and the other rules read,
            // already parsed: parsing it again doubled the time of a rule of thousands of
            // templates (80 000 `Query` parameters `k={v:[0-9]+}`: 2.8 s).
            let reparsed;
            let rule = if raw == d.rule_text() {
                d.parsed_rule().ok()
            } else {
                reparsed = TraefikRule::parse(raw);
                reparsed.as_ref().ok()
            };
            let Some(rule) = rule else {
                continue;
            };
            let place = RawLocator::new(cx, d.rule());
            for seg in rule.segments() {
                let (matcher, help) = match seg.name() {
                    MatcherName::Host => (
                        "Host",
                        "use the environment's domain: `Host:${CI_ENVIRONMENT_DOMAIN}`, or a subdomain of it such as `Host:api.${CI_ENVIRONMENT_DOMAIN}`",
                    ),
                    MatcherName::HostRegexp => (
                        "HostRegexp",
                        "use the environment's domain after the template: `HostRegexp:{sub:[a-z]+}.${CI_ENVIRONMENT_DOMAIN}`",
                    ),
                    _ => continue,
                };
                for arg in seg.args() {
                    let host = arg.text.trim();
                    if !is_hard_coded(seg.name(), host) {
                        continue;
                    }
                    out.push(
                        registry::diagnostic(
                            "FR009",
                            format!(
                                "`{matcher}:{host}` of `{}` is hard-coded: every environment answers on that domain",
                                d.service()
                            ),
                        )
                        .at(place.at(arg.span.clone()))
                        .with_help(help),
                    );
                }
            }
        }
    }
}

/// Whether a trimmed `Host` or `HostRegexp` argument writes its domain out: not empty, without
/// a variable (`$$` is none), and for `HostRegexp` with a letter or digit after its last template (gorilla/mux's
/// `{name:regexp}`, braces nested inside counted as its `braceIndices` counts them).
fn is_hard_coded(matcher: MatcherName, host: &str) -> bool {
    if host.is_empty() || uses_variable(host.as_bytes()) {
        return false;
    }
    if matcher != MatcherName::HostRegexp {
        return true;
    }
    let mut level = 0usize;
    let mut after_last_template = 0;
    for (i, b) in host.bytes().enumerate() {
        match b {
            b'{' => level += 1,
            b'}' => {
                level = level.saturating_sub(1);
                if level == 0 {
                    after_last_template = i + 1;
                }
            }
            _ => {}
        }
    }
    // An unclosed template runs to the end: no domain is written after it.
    level == 0
        && host.get(after_last_template..).is_some_and(|domain| {
            domain
                .bytes()
                .any(|b| b.is_ascii_alphanumeric() || !b.is_ascii())
        })
}

/// Whether the text has a `$` that is not written `$$` (an escaped dollar, a regexp's `$`
/// anchor in a `HostRegexp`): a variable.
fn uses_variable(text: &[u8]) -> bool {
    let mut i = 0;
    while let Some(k) = text
        .get(i..)
        .and_then(|t| t.iter().position(|&b| b == b'$'))
    {
        if text.get(i + k + 1) != Some(&b'$') {
            return true;
        }
        i += k + 2;
    }
    false
}

/// Whether `raw` may have a `Host` or `HostRegexp` argument that is neither empty nor uses a variable, without
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
        matches!(name.trim(), "Host" | "HostRegexp")
            && bytes.get(end + 1..).is_some_and(|rest| {
                rest.split(|&b| b == b',').any(|piece| {
                    !uses_variable(piece)
                        && piece
                            .iter()
                            .any(|&b| !b.is_ascii_whitespace() || !b.is_ascii())
                })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::{is_hard_coded, may_hard_code_host};
    use factory_route::{MatcherName, Rule};
    use proptest::prelude::*;

    /// What the rule's loop reports.
    fn hard_coded(raw: &str) -> bool {
        Rule::parse(raw).is_ok_and(|rule| {
            rule.segments().any(|seg| {
                matches!(seg.name(), MatcherName::Host | MatcherName::HostRegexp)
                    && seg.args().any(|a| is_hard_coded(seg.name(), a.text.trim()))
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
            "HostRegexp:{sub:[a-z]+}.example.com",
            "HostRegexp:{sub:[a-z]{2,5}}.example.com",
            "HostRegexp:example.com",
            "HostRegexp:{sub:^[a-z]+$$}.example.com",
            "Host:pay$$.example.com",
        ] {
            assert!(hard_coded(raw), "{raw}");
            assert!(may_hard_code_host(raw), "{raw}");
        }
        for raw in [
            "Host:${D}",
            "Host:svc.${CI_ENVIRONMENT_DOMAIN};PathPrefix:/api",
            "Host:a.${D},b.${D}",
            "Host:",
            "PathPrefix:/example.com",
        ] {
            assert!(!hard_coded(raw), "{raw}");
            assert!(!may_hard_code_host(raw), "{raw}");
        }
        // A domain taken by the template: the prefilter keeps these, the rule does not report.
        for raw in [
            "HostRegexp:{host:.+}",
            "HostRegexp:{sub:[a-z]+}.${D}",
            "HostRegexp:api.{domain:.+}",
            "HostRegexp:{sub:[a-z]{2,5}}.{d:.+}",
        ] {
            assert!(!hard_coded(raw), "{raw}");
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
