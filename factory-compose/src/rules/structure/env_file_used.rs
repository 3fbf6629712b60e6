use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a service that uses `env_file`.
    ///
    /// ## Why is this bad?
    /// The platform forbids `env_file`: in production the service must take its variables from
    /// a list or map of `environment`, which the platform fills from the CI, the managed
    /// services and the secret variables. A file that exists on a developer's machine does not
    /// exist on the server.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    ///     env_file: .env
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    ///     environment:
    ///       DATABASE_URL: ${DATABASE_URL}
    /// ```
    pub(crate) struct EnvFileUsed {
        code: "FC013",
        name: "env-file-used",
        severity: Error,
        summary: "`env_file` is forbidden: inline the variables in `environment`",
    }
}

impl Rule for EnvFileUsed {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for svc in &cx.project.services {
            if let Some(key) = svc.key(&cx.project.tree, "env_file") {
                out.push(
                    key.point(registry::diagnostic(
                        "FC013",
                        format!("service `{}` uses `env_file`, which the platform does not deploy", svc.name(&cx.project.tree)),
                    ))
                    .with_help("move these variables into `environment:` (values from `${VAR}` or secret `SV_` variables)"),
                );
            }
        }
    }
}
