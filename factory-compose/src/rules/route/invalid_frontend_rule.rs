use factory_route::ParseErrorKind;

use crate::diagnostic::Diagnostics;
use crate::rules::route::{distinct_rules, in_value, rule_error};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a `traefik.frontend.rule` (or `traefik.<segment>.frontend.rule`) that Traefik v1
    /// refuses to parse: an unknown or misspelt matcher (names are case-sensitive), a matcher
    /// without `:` or without a value, an odd number of `Headers` parameters, an empty rule.
    /// The column points inside the label value. A `HeadersRegexp` value past factory's 1 MiB
    /// regex budget is reported as a warning instead: Traefik loads it, factory cannot check it.
    ///
    /// A rule using a variable that is not set and has no default (FE002, FE007) may get
    /// another value where it is deployed, so only what no value can change is checked:
    /// Traefik splits the rule on every `;` before anything else, so a `;`-segment written
    /// out, with the variable in another one, is read as written
    /// (`Bogus:/x;Path:/${UNSET}` is refused whatever `UNSET` holds), and so is a matcher
    /// name written with its `:` before the variable (`Pathprefix:/${VERSION}`). Nothing is
    /// said of a segment the variable is in or next to (`Path:/${UNSET}`, `Host:${UNSET}`,
    /// `${M}:/x`).
    ///
    /// ## Why is this bad?
    /// Traefik logs an error and drops the frontend: the service is deployed but no request
    /// reaches it. Nothing fails in CI, the site just answers 404.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN};Pathprefix:/api
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN};PathPrefix:/api
    /// ```
    pub(crate) struct InvalidFrontendRule {
        code: "FR001",
        name: "invalid-frontend-rule",
        severity: Error,
        summary: "`traefik.frontend.rule` syntax error: unknown matcher, missing `:`, empty value (column inside the label)",
    }
}

impl Rule for InvalidFrontendRule {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for d in distinct_rules(cx) {
            // With an unset variable (FE002/FE007 report it), the error of the segments known
            // whatever it holds.
            let Some(e) = rule_error(cx, d) else { continue };
            let too_big = e.kind == ParseErrorKind::RegexTooBig;
            let verdict = if too_big {
                "cannot be checked by factory (Traefik loads it)"
            } else {
                "is refused by Traefik"
            };
            let mut diag = registry::diagnostic(
                "FR001",
                format!(
                    "`{}` of `{}` {verdict}: {}",
                    d.rule().key(tree),
                    d.service(),
                    e.message
                ),
            )
            .at(in_value(cx, d.rule(), e.span.clone()));
            if too_big {
                diag.severity = crate::diagnostic::Severity::Warning;
            }
            diag = diag.with_inherited_from(d.rule().value_inherited_from(&cx.project.tree));
            let mut help = e.help.clone().unwrap_or_else(|| {
                "write `Matcher:value` pairs joined by `;`, e.g. `Host:${CI_ENVIRONMENT_DOMAIN};PathPrefix:/api`".to_owned()
            });
            if too_big {
                help.push_str(
                    "; until then factory leaves this route out of `factory routes` and of the conflict and shadowing checks",
                );
            }
            diag = diag.with_help(help);
            out.push(diag);
        }
    }
}
