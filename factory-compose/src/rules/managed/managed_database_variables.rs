use factory_env::ManagedService;

use crate::diagnostic::Diagnostics;
use crate::rules::managed::{list, product};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a managed database container that does not set the variables its image needs to
    /// create the database the application connects to: `mysql` needs `MYSQL_DATABASE`,
    /// `MYSQL_USER` and `MYSQL_PASSWORD`; `postgresql` needs `POSTGRES_PASSWORD`.
    ///
    /// ## Why is this bad?
    /// Locally (and in CI's functional tests) the container stands in for the managed database.
    /// Without these variables the image starts with no application database or user (MySQL),
    /// or refuses to start (PostgreSQL without a password), so the application cannot connect
    /// with the credentials the platform gives it in production.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   mysql:
    ///     image: mariadb:10.1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # the manual's example
    /// services:
    ///   mysql:
    ///     image: mariadb:10.1
    ///     environment:
    ///       MYSQL_ROOT_PASSWORD: ${MYSQL_PASSWORD}
    ///       MYSQL_DATABASE: ${MYSQL_DATABASE}
    ///       MYSQL_USER: ${MYSQL_USER}
    ///       MYSQL_PASSWORD: ${MYSQL_PASSWORD}
    /// ```
    pub(crate) struct ManagedDatabaseVariables {
        code: "FM002",
        name: "managed-database-variables",
        severity: Warning,
        summary: "managed database container without the variables it needs (`mysql`: `MYSQL_DATABASE`, `MYSQL_USER`, `MYSQL_PASSWORD`; `postgresql`: `POSTGRES_PASSWORD`)",
    }
}

/// The variables a managed database container must set.
fn required(managed: ManagedService) -> &'static [&'static str] {
    match managed {
        ManagedService::Mysql => &["MYSQL_DATABASE", "MYSQL_USER", "MYSQL_PASSWORD"],
        ManagedService::Postgresql => &["POSTGRES_PASSWORD"],
        ManagedService::Mongodb | ManagedService::Redis => &[],
    }
}

impl Rule for ManagedDatabaseVariables {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for svc in &cx.project.services {
            let Some(managed) = ManagedService::from_service_name(svc.name(&cx.project.tree))
            else {
                continue;
            };
            let missing: Vec<&str> = required(managed)
                .iter()
                .copied()
                .filter(|v| svc.env(cx.project, v).is_none())
                .collect();
            if missing.is_empty() {
                continue;
            }
            let name = svc.name(&cx.project.tree);
            let example = missing
                .iter()
                .map(|v| format!("{v}: ${{{v}}}"))
                .collect::<Vec<_>>()
                .join(", ");
            let d = registry::diagnostic(
                "FM002",
                format!(
                    "the `{name}` container does not set {}: the local {} will not match the credentials the platform gives the application",
                    list(&missing),
                    product(managed)
                ),
            );
            let d = match svc.key(&cx.project.tree, "environment") {
                Some(key) => key.point(d),
                None => d.at(svc.located_name(&cx.project.tree).primary()),
            };
            out.push(d.with_help(format!(
                "set them from the platform's variables in `environment:` ({example})"
            )));
        }
    }
}
