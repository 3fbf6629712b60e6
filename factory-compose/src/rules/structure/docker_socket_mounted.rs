use super::absolute_bind_mount::is_docker_socket;
use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::volume::{VolumeSource, valid_entries};

declare_rule! {
    /// ## What it does
    /// In deploy mode (`-e NAME`), reports a service that mounts the Docker socket
    /// (`/var/run/docker.sock` or `/run/docker.sock`).
    ///
    /// ## Why is this bad?
    /// Whoever controls the Docker socket controls the server: every project on it, and root.
    /// The platform's development tools (the local Traefik of `tools.yml`) need it, which is
    /// why development files may mount it; a deployed service must not.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   monitor:
    ///     image: registry/monitor:1.0
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock
    /// ```
    ///
    /// Use instead: keep such services in a development-only file (`tools.yml`) that is not
    /// deployed, and remove the mount from deployed services.
    /// ```yaml
    /// services:
    ///   monitor:
    ///     image: registry/monitor:1.0
    /// ```
    pub(crate) struct DockerSocketMounted {
        code: "FC037",
        name: "docker-socket-mounted",
        severity: Error,
        summary: "the Docker socket is mounted by a service that is deployed (deploy mode)",
    }
}

impl Rule for DockerSocketMounted {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        if !cx.settings.is_deploy() {
            return;
        }
        for svc in &cx.project.services {
            for v in valid_entries(cx.project, svc) {
                let VolumeSource::Bind(src) = &v.source else {
                    continue;
                };
                if !is_docker_socket(src) {
                    continue;
                }
                let d = registry::diagnostic(
                    "FC037",
                    format!("service `{}` mounts the Docker socket `{src}`, which gives it control of the server", svc.name(&cx.project.tree)),
                )
                .with_help("remove the mount from deployed services; keep tools that need the socket in a development-only file such as tools.yml");
                out.push(d.at_inherited(v.at, v.via));
            }
        }
    }
}
