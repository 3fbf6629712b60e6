use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a service that publishes `ports`.
    ///
    /// ## Why is this bad?
    /// On the platform, HTTP reaches services through Traefik, which routes to the container's
    /// *exposed* port. Published host ports are deprecated there: they collide between projects
    /// on one server and bypass TLS.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1.0
    ///     ports: ["8080:9000"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1.0
    ///     expose: ["9000"]
    /// ```
    pub(crate) struct PortsDeprecated {
        code: "FC015",
        name: "ports-deprecated",
        severity: Warning,
        summary: "`ports` is deprecated: use `expose` (Traefik routes HTTP)",
    }
}

impl Rule for PortsDeprecated {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for svc in &cx.project.services {
            if let Some(key) = svc.key(&cx.project.tree, "ports") {
                out.push(
                    key.point(registry::diagnostic(
                        "FC015",
                        format!(
                            "service `{}` publishes `ports`, which the platform deprecates",
                            svc.name(&cx.project.tree)
                        ),
                    ))
                    .with_help(
                        "use `expose:` with the container port and route HTTP with Traefik labels",
                    ),
                );
            }
        }
    }
}
