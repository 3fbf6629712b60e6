use crate::diagnostic::Diagnostics;
use crate::rules::route::warn_rules;
use crate::rules::{Context, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a frontend rule Traefik v1 accepts but that can never match, or not the way it
    /// reads: a port in `Host` (`Host:example.com:443`), a space where `;` was meant
    /// (`Host:a.com Path:/x`), a `,` cutting a regex in two (`{id:[0-9]{1,3}}`), a broken
    /// template, a path without a leading `/`, two `Host` matchers AND-ed, a literal strip of a
    /// `{template}`, a `$` or `{` in `Host` (`Host:$${CI_ENVIRONMENT_DOMAIN}`: the `$$` wrote a
    /// literal `$`).
    ///
    /// In a rule using a variable that is not set and has no default (FE002, FE007), only the
    /// `;`-segments written out, without the variable in or next to them, are checked: Traefik
    /// splits the rule on every `;` first, so those read the same whatever the variable holds
    /// where the project is deployed. In a segment with the variable, the arguments written out
    /// before it and ended by a `,` are checked one by one (`Host:a.com:8080,${UNSET}`: the
    /// variable starts the next argument whatever it holds); not those after it, which a `;` in
    /// its value would move to a segment of their own. Two `Host` (or `Path`) segments written
    /// out that share no host still never match together, whatever the variable adds. A
    /// `ReplacePathRegex` followed by the variable is not judged: Traefik applies the last one,
    /// and the variable may hold another.
    ///
    /// ## Why is this bad?
    /// Traefik loads the rule without a word, and the route answers 404 to the requests it was
    /// written for.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN} PathPrefix:/api
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN};PathPrefix:/api
    /// ```
    pub(crate) struct RuleNeverMatches {
        code: "FR014",
        name: "rule-never-matches",
        severity: Warning,
        summary: "a rule Traefik accepts but that can never match (port in `Host`, broken template, a space where `;` was meant, a comma cutting a regex, two `Host` matchers AND-ed)",
    }
}

impl Rule for RuleNeverMatches {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        warn_rules(cx, "FR014", out);
    }
}
