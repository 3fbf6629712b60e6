use crate::diagnostic::Diagnostics;
use crate::routes::{expose_entries, parse_port};
use crate::rules::route::labels_with;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a `traefik.port` (or `traefik.<segment>.port`) that is not one of the ports the
    /// service lists in `expose`, when it lists some. (`ports` entries are not considered: they
    /// usually publish another port, such as a VNC or debug port.)
    ///
    /// ## Why is this bad?
    /// Usually one of the two was changed and not the other: Traefik forwards to a port the
    /// application does not listen on, and every request fails with 502.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     expose: ["9000"]
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
    ///       traefik.port: "8080"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     expose: ["9000"]
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
    ///       traefik.port: "9000"
    /// ```
    pub(crate) struct RoutePortNotExposed {
        code: "FR010",
        name: "route-port-not-exposed",
        severity: Warning,
        summary: "`traefik.port` is not one of the exposed ports",
    }
}

impl Rule for RoutePortNotExposed {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for svc in &cx.project.services {
            // Only services with a `port` label and an `expose` list can be reported.
            if svc.expose.is_none() {
                continue;
            }
            let mut ports = labels_with(cx.project, svc, &["port"]).peekable();
            if ports.peek().is_none() {
                continue;
            }
            let exposed = expose_entries(cx.project, svc);
            if exposed.is_empty() {
                continue;
            }
            for kv in ports {
                let Some(text) = kv.value(tree) else {
                    continue;
                };
                let Ok(port) = parse_port(text) else {
                    continue;
                };
                if exposed.contains(&port) {
                    continue;
                }
                let Some(value) = kv.located_value(&cx.project.tree) else {
                    continue;
                };
                let list: Vec<String> = exposed.iter().take(8).map(u16::to_string).collect();
                let mut d = value
                    .point(registry::diagnostic(
                        "FR010",
                        format!(
                            "`{}` of `{}` is {port}, which is not in its `expose` list ({})",
                            kv.key(tree),
                            svc.name(&cx.project.tree),
                            list.join(", ")
                        ),
                    ))
                    .with_help(format!(
                        "set `{}` to the port the application listens on, or add {port} to `expose`",
                        kv.key(tree)
                    ));
                if let Some(expose) = &svc.expose {
                    d = d.with_secondary(expose.primary(tree), "exposed ports");
                }
                out.push(d);
            }
        }
    }
}
