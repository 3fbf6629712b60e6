use crate::diagnostic::Diagnostics;
use crate::routes::exposed_ports;
use crate::rules::dockerfile::link::{self, ContainerPorts};
use crate::rules::route::defs;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a routed service that exposes several ports without saying which one Traefik
    /// must use (`traefik.port`): its `expose` and `ports`, and the `EXPOSE` of the project's
    /// Dockerfile that builds its image (of the stage built: the final one, or the one a
    /// `docker build --target` names, and the stages it is built on). The diagnostic points
    /// at the rule label.
    ///
    /// ## Why is this bad?
    /// Traefik v1 then takes the lowest port of the container (its provider sorts the
    /// container's ports, those of `expose` and those its image declares with `EXPOSE`), which
    /// is not necessarily the HTTP one: the route may end on a metrics or debug port, and
    /// changes when the image exposes a new port.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     expose: ["9000", "9100"]
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     expose: ["9000", "9100"]
    ///     labels:
    ///       traefik.frontend.rule: Host:${CI_ENVIRONMENT_DOMAIN}
    ///       traefik.port: "9000"
    /// ```
    pub(crate) struct AmbiguousRoutePort {
        code: "FR003",
        name: "ambiguous-route-port",
        severity: Warning,
        summary: "several exposed ports and no `traefik.port`",
    }
}

impl Rule for AmbiguousRoutePort {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        // One finding a service: a bit per service (a list searched per route was quadratic).
        let mut seen = vec![false; cx.project.services.len()];
        // The Dockerfiles whose `EXPOSE` ranges passed factory's budget said once each (FC004).
        let mut cut = std::collections::HashSet::new();
        for d in defs(cx) {
            let Some(svc) = cx.project.services.get(d.service_index()) else {
                continue;
            };
            if d.transient || d.port().is_some() || seen.get(d.service_index()).is_none_or(|&s| s) {
                continue;
            }
            // The container also exposes what the project's Dockerfile of its image does.
            let image = link::link(cx, svc);
            if let Some(f) = image.as_ref().map(|l| l.dockerfile)
                && cut.insert(f.id)
            {
                out.extend(f.exposed_over_budget());
            }
            let ports = ContainerPorts::new(&exposed_ports(cx.project, svc), image.as_ref());
            if ports.count < 2 {
                continue;
            }
            if let Some(s) = seen.get_mut(d.service_index()) {
                *s = true;
            }
            let list: Vec<String> = ports.first.iter().map(u16::to_string).collect();
            let more = if ports.count > list.len() {
                ", …"
            } else {
                ""
            };
            let lowest = ports.lowest.unwrap_or_default();
            out.push(
                d.rule().located_key(tree).point(registry::diagnostic(
                    "FR003",
                    format!(
                        "`{}` exposes {} ports ({}{more}) and sets no `traefik.port`: Traefik takes the lowest port of the container ({lowest}, or a lower one its image exposes), which may not serve HTTP",
                        d.service(),
                        ports.count,
                        list.join(", ")
                    ),
                ))
                .with_help(format!(
                    "say which port serves HTTP: `traefik.port: \"{}\"`",
                    ports.first.first().copied().unwrap_or(80)
                )),
            );
        }
    }
}
