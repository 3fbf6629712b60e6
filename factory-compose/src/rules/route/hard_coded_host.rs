use factory_route::{MatcherName, Rule as TraefikRule};

use crate::diagnostic::Diagnostic;
use crate::rules::route::{defs, distinct_rules, in_raw, raw_value};
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

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let defs = defs(cx);
        for d in distinct_rules(defs) {
            let Some(raw) = raw_value(cx, &d.rule) else {
                continue;
            };
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
                        .at(in_raw(cx, &d.rule, arg.span.clone()))
                        .with_help(
                            "use the environment's domain: `Host:${CI_ENVIRONMENT_DOMAIN}`, or a subdomain of it such as `Host:api.${CI_ENVIRONMENT_DOMAIN}`",
                        ),
                    );
                }
            }
        }
    }
}
