use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::volume::{VolumeSource, valid_entries};

declare_rule! {
    /// ## What it does
    /// Reports a bind mount whose host path is absolute (`/srv/data:/data`), or in the home
    /// folder (`~/data:/data`, which Compose expands to an absolute path).
    ///
    /// ## Why is this bad?
    /// The project is deployed into its own folder on a shared server: an absolute host path
    /// points outside it, to something that may not exist there, or that belongs to another
    /// project. Paths relative to the project (`./data`) are what the platform keeps and backs
    /// up. (Mounting the Docker socket in a deployed service is FC037.)
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     volumes:
    ///       - /srv/app/uploads:/uploads
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     volumes:
    ///       - ./uploads:/uploads
    /// ```
    pub(crate) struct AbsoluteBindMount {
        code: "FC027",
        name: "absolute-bind-mount",
        severity: Warning,
        summary: "bind mount of an absolute host path",
    }
}

/// The Docker socket paths (FC037 reports them in deploy mode).
pub(crate) fn is_docker_socket(path: &str) -> bool {
    matches!(
        path.trim_end_matches('/'),
        "/var/run/docker.sock" | "/run/docker.sock"
    )
}

impl Rule for AbsoluteBindMount {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for svc in &cx.project.services {
            for v in valid_entries(cx.project, svc) {
                let VolumeSource::Bind(src) = &v.source else {
                    continue;
                };
                // Compose replaces a leading `~` by the home folder of whoever runs it (`~x/y`
                // too: `$HOME/x/y`).
                let home = src.starts_with('~');
                if !(src.starts_with('/') || home)
                    || (cx.settings.is_deploy() && is_docker_socket(src))
                {
                    continue;
                }
                let message = if home {
                    format!(
                        "`{src}` is an absolute host path once Compose expands `~` (the home folder of whoever runs it)"
                    )
                } else {
                    format!("`{src}` is an absolute host path")
                };
                let d = registry::diagnostic("FC027", message)
                    .with_help("mount a folder of the project with a relative path (`./data:/data`); absolute paths point outside the deployed project");
                out.push(d.at_inherited(v.at, v.via));
            }
        }
    }
}
