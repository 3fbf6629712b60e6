use crate::diagnostic::Diagnostic;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a service that uses `links`.
    ///
    /// ## Why is this bad?
    /// `links` is deprecated by Docker and by the platform: services of a project reach each
    /// other by service name on the project's network anyway. What `links` still adds, a start
    /// order, is what `depends_on` says explicitly.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1.0
    ///     links: [mysql]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1.0
    ///     depends_on: [mysql]
    /// ```
    pub(crate) struct LinksDeprecated {
        code: "FC014",
        name: "links-deprecated",
        severity: Warning,
        summary: "`links` is deprecated: use `depends_on`",
    }
}

impl Rule for LinksDeprecated {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for svc in &cx.project.services {
            if let Some(key) = svc.key("links") {
                out.push(
                    key.point(registry::diagnostic(
                        "FC014",
                        format!("service `{}` uses `links`, which is deprecated", svc.name.value),
                    ))
                    .with_help("replace `links:` with `depends_on:`; services reach each other by name without links"),
                );
            }
        }
    }
}
