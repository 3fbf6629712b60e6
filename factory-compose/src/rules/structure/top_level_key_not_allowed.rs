use crate::diagnostic::Diagnostics;
use crate::platform::{COMPOSE_TOP_LEVEL_KEYS, TOP_LEVEL_KEYS, did_you_mean};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a top-level key other than `services` and `version` (and the `x-*` extension
    /// fields, which FC011 covers): `networks`, `volumes`, `secrets`, `configs`, `name`, … A
    /// service written at the top level, as Compose's version 1 format had them, is told to
    /// move under `services:`.
    ///
    /// ## Why is this bad?
    /// The platform deploys only `services` and `version`. Everything else is dropped at deploy
    /// time, so a project that relies on a named volume or a custom network works locally and
    /// breaks in production.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    ///     volumes: [data:/data]
    /// volumes:
    ///   data:
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    ///     volumes: [./data:/data]
    /// ```
    pub(crate) struct TopLevelKeyNotAllowed {
        code: "FC010",
        name: "top-level-key-not-allowed",
        severity: Error,
        summary: "top-level key not allowed (only `services`, `version`)",
    }
}

impl Rule for TopLevelKeyNotAllowed {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for other in &cx.project.other_keys {
            let key = other.key.value.as_str();
            if key.starts_with("x-") {
                continue;
            }
            let help = match key {
                "volumes" => "mount host folders instead (`./data:/data`); the platform backs up bind mounts, not named volumes".to_owned(),
                "networks" => "remove it: services of a project reach each other by service name".to_owned(),
                "secrets" | "configs" => "provide the value as an `SV_<ENV>_<NAME>` secret variable and read it from `environment`".to_owned(),
                "name" => "remove it: the platform names the project after its GitLab path".to_owned(),
                "include" => "merge the files with `-f` in development; deploy one `docker-compose.yml`".to_owned(),
                // Compose's version 1 format: services at the top level.
                _ if ["image", "build"]
                    .iter()
                    .any(|k| cx.project.tree.get(other.value, k).is_some()) =>
                {
                    format!(
                        "`{key}` is written as a service of Compose's version 1 format: move it under `services:` (Compose v2 reads services there only)"
                    )
                }
                _ => match did_you_mean(key, COMPOSE_TOP_LEVEL_KEYS) {
                    Some(s) if TOP_LEVEL_KEYS.contains(&s) => format!("did you mean `{s}`?"),
                    _ => "only `services` and `version` are deployed; remove this key".to_owned(),
                },
            };
            out.push(
                registry::diagnostic(
                    "FC010",
                    format!("top-level key `{key}` is not deployed by the platform"),
                )
                .at(other.key.primary())
                .with_help(help),
            );
        }
    }
}
