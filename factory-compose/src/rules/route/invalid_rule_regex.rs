use crate::diagnostic::Diagnostics;
use crate::rules::route::warn_rules;
use crate::rules::{Context, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a regular expression Traefik cannot compile in a `{name:regex}` template of
    /// `Path`, `PathPrefix`, `HostRegexp`, `PathStrip*`, or in `ReplacePathRegex`, pointing at
    /// the template inside the label. It also reports a regex whose compiled program exceeds
    /// factory's budget of 1 MiB (`{x:\pL{25}}` in a `HostRegexp`, which is case-insensitive),
    /// in a template or in `ReplacePathRegex`: Traefik compiles it but factory cannot check
    /// it, so that finding is a warning, not an error.
    ///
    /// In a rule using a variable that is not set and has no default (FE002, FE007), only the
    /// `;`-segments written out, without the variable in or next to them, are checked: Traefik
    /// splits the rule on every `;` first, so those read the same whatever the variable holds
    /// where the project is deployed. In a segment with the variable, the arguments written out
    /// before it and ended by a `,` are checked one by one (`Host:a.com:8080,${UNSET}`: the
    /// variable starts the next argument whatever it holds); not those after it, which a `;` in
    /// its value would move to a segment of their own. A `ReplacePathRegex` followed by the
    /// variable is not judged: Traefik applies the last one, and the variable may hold another.
    ///
    /// ## Why is this bad?
    /// Traefik v1 accepts the rule but silently drops that alternative (mux builds it on a
    /// sub-router whose error is ignored): requests that should match answer 404.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN};Path:/user/{id:[0-9+}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN};Path:/user/{id:[0-9]+}
    /// ```
    pub(crate) struct InvalidRuleRegex {
        code: "FR011",
        name: "invalid-rule-regex",
        severity: Error,
        summary: "invalid regular expression in `HostRegexp`/`Path` templates",
    }
}

impl Rule for InvalidRuleRegex {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        warn_rules(cx, "FR011", out);
    }
}
