use crate::diagnostic::Diagnostics;
use crate::routes::{parse_port, parse_priority};
use crate::rules::route::{labels_with, point_in};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a `traefik.frontend.priority` that is not a non-negative integer, and a
    /// `traefik.port` that is not a port number (1–65535), segment labels included
    /// (`traefik.<segment>.port`).
    ///
    /// ## Why is this bad?
    /// Traefik v1 silently replaces a priority it cannot read (or a negative one) with the
    /// rule's length, so the route order is not the one written. A bad `traefik.port` gives
    /// the backend a broken URL: every request fails with 502.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
    ///       traefik.frontend.priority: high
    ///       traefik.port: "http"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
    ///       traefik.frontend.priority: "10"
    ///       traefik.port: "9000"
    /// ```
    pub(crate) struct InvalidRouteNumber {
        code: "FR005",
        name: "invalid-route-number",
        severity: Error,
        summary: "`traefik.frontend.priority` / `traefik.port` not an integer in range",
    }
}

impl Rule for InvalidRouteNumber {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for svc in &cx.project.services {
            for kv in labels_with(cx.project, svc, &["frontend.priority", "port"]) {
                let Some(value) = kv.value(tree) else {
                    continue;
                };
                let is_port = kv.key(tree).ends_with(".port");
                let (result, help) = if is_port {
                    (
                        parse_port(value).map(|_| ()),
                        "write the container port the application listens on, e.g. `\"9000\"`",
                    )
                } else {
                    (
                        parse_priority(value).map(|_| ()),
                        "write a positive integer, e.g. `\"10\"`: the higher priority is tried first",
                    )
                };
                let Err(why) = result else { continue };
                out.push(
                    point_in(
                        cx,
                        kv,
                        0..value.len(),
                        registry::diagnostic(
                            "FR005",
                            format!(
                                "`{}` of `{}`: {why}",
                                kv.key(tree),
                                svc.name(&cx.project.tree)
                            ),
                        ),
                    )
                    .with_help(help),
                );
            }
        }
    }
}
