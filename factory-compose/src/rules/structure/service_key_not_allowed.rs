use crate::diagnostic::Diagnostics;
use crate::platform::{COMPOSE_SERVICE_KEYS, SERVICE_KEYS, did_you_mean};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a service key outside the platform's allow-list (`command depends_on entrypoint
    /// environment expose extra_hosts healthcheck image labels links logging ports read_only
    /// restart tty volumes`): `build`, `deploy`, `networks`, `container_name`, … A key that is not
    /// a Compose key at all gets a "did you mean".
    ///
    /// ## Why is this bad?
    /// The platform drops every other key at deploy time. `build:` in particular works locally
    /// but there is no build at deploy time: CI builds and pushes the image.
    /// (`env_file` has its own rule, FC013.)
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     build: .
    ///     container_name: app
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    /// ```
    pub(crate) struct ServiceKeyNotAllowed {
        code: "FC012",
        name: "service-key-not-allowed",
        severity: Error,
        summary: "service key not allowed (`build`, `deploy`, `networks`, `container_name`, …)",
    }
}

impl Rule for ServiceKeyNotAllowed {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for svc in &cx.project.services {
            for other in svc.other_keys(cx.project) {
                let key = other.key.value.as_str();
                if key == "env_file" {
                    continue; // FC013
                }
                let known = COMPOSE_SERVICE_KEYS.contains(&key) || key.starts_with("x-");
                let (message, help) = if known {
                    let help = match key {
                        "build" => "CI builds the image; reference it as `image: ${CI_REGISTRY_IMAGE}/NAME:${CI_COMMIT_SHA}`".to_owned(),
                        "networks" | "network_mode" => "remove it: services of a project reach each other by service name".to_owned(),
                        "container_name" | "hostname" => "remove it: the platform names containers; other services reach this one by its service name".to_owned(),
                        "deploy" => "remove it: the platform decides placement and resources".to_owned(),
                        "extends" => "use a YAML anchor and `<<: *anchor` instead".to_owned(),
                        "user" => "set the user in the image's Dockerfile (`USER app`, with uid 1001 to write to the project's volumes): the platform does not deploy `user`".to_owned(),
                        "working_dir" => "set it in the image's Dockerfile (`WORKDIR /app`): the platform does not deploy `working_dir`".to_owned(),
                        _ => format!("remove `{key}`; the platform deploys only: {}", SERVICE_KEYS.join(", ")),
                    };
                    (
                        format!("service key `{key}` is not deployed by the platform"),
                        help,
                    )
                } else {
                    let help = match did_you_mean(key, COMPOSE_SERVICE_KEYS) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("the platform deploys only: {}", SERVICE_KEYS.join(", ")),
                    };
                    (format!("`{key}` is not a Compose service key"), help)
                };
                out.push(
                    other
                        .key
                        .point(registry::diagnostic("FC012", message))
                        .with_help(help),
                );
            }
        }
    }
}
