use crate::diagnostic::Diagnostics;
use crate::routes::exposed_ports;
use crate::rules::dockerfile::link;
use crate::rules::route::defs;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a routed service (it has a `traefik.frontend.rule`) that exposes no port
    /// (`expose`, `ports`) and sets no `traefik.port`, and whose image is not built by a
    /// Dockerfile of the project with an `EXPOSE` in the stage built (the final one, or the one a
    /// `docker build --target` names) or a stage it is built on (Traefik sees the image's
    /// exposed ports too).
    /// The diagnostic points at the rule label.
    ///
    /// ## Why is this bad?
    /// Traefik v1 forwards to the port given by `traefik.port`, else to the port the container
    /// exposes. With neither, it does not know where to send the requests: the frontend has no
    /// server and answers 404 or 502.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: ${CI_REGISTRY_IMAGE}/web:${CI_COMMIT_SHA}
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: ${CI_REGISTRY_IMAGE}/web:${CI_COMMIT_SHA}
    ///     expose: ["9000"]
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
    /// ```
    pub(crate) struct RouteWithoutPort {
        code: "FR002",
        name: "route-without-port",
        severity: Error,
        summary: "routed service exposes no port and sets no `traefik.port`",
    }
}

impl Rule for RouteWithoutPort {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        // One finding a service: a bit per service (a list searched per route was quadratic).
        let mut seen = vec![false; cx.project.services.len()];
        for d in defs(cx) {
            let Some(svc) = cx.project.services.get(d.service_index()) else {
                continue;
            };
            if d.transient
                || d.port().is_some()
                || !exposed_ports(cx.project, svc).is_empty()
                || !svc.ports_long().is_empty()
                || seen.get(d.service_index()).is_none_or(|&s| s)
            {
                continue;
            }
            if let Some(s) = seen.get_mut(d.service_index()) {
                *s = true;
            }
            // The project's Dockerfile that builds the image may expose the port: Traefik
            // sees the container's exposed ports, the image's included.
            if link::link(cx, svc).is_some_and(|l| l.image_exposes_any()) {
                continue;
            }
            out.push(
                d.rule().located_key(tree).point(registry::diagnostic(
                    "FR002",
                    format!(
                        "`{}` is routed by Traefik but its compose file exposes no port and sets no `traefik.port`",
                        d.service()
                    ),
                ))
                .with_help("add the port the application listens on: `expose: [\"9000\"]`, or the label `traefik.port: \"9000\"` (factory sees the `EXPOSE` of the project's own Dockerfiles, not those of other images)"),
            );
        }
    }
}
