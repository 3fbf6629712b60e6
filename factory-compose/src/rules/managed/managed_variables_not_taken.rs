use std::collections::{BTreeSet, HashMap};

use factory_env::ManagedService;

use crate::diagnostic::Diagnostics;
use crate::model::{Project, Service};
use crate::rules::managed::{connection_variables, list, list_with, product};
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::yaml::NodeId;

declare_rule! {
    /// ## What it does
    /// Reports a `depends_on` or `links` entry naming a managed database (`mysql`, `postgresql`,
    /// `mongodb`) when the service does not take the database's connection variables
    /// (`MYSQL_DATABASE`, `MYSQL_USER`, `MYSQL_PASSWORD`; `POSTGRES_DB`, `POSTGRES_USER`,
    /// `POSTGRES_PASSWORD`; `MONGODB_DB`, `MONGODB_USER`, `MONGODB_PASSWORD`). A variable is
    /// taken when the service's `environment` sets it or uses it in a value
    /// (`DATABASE_URL: mysql://${MYSQL_USER}:${MYSQL_PASSWORD}@mysql/${MYSQL_DATABASE}`).
    ///
    /// ## Why is this bad?
    /// In production the managed database's credentials exist only in the `.env` the platform
    /// generates; a container sees them only if its `environment` passes them in. A service
    /// that depends on the database without them cannot connect once deployed.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    ///     depends_on: [mysql]
    ///   mysql:
    ///     image: mariadb:10.1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    ///     depends_on: [mysql]
    ///     environment:
    ///       MYSQL_DATABASE: ${MYSQL_DATABASE}
    ///       MYSQL_USER: ${MYSQL_USER}
    ///       MYSQL_PASSWORD: ${MYSQL_PASSWORD}
    ///   mysql:
    ///     image: mariadb:10.1
    /// ```
    pub(crate) struct ManagedVariablesNotTaken {
        code: "FM003",
        name: "managed-variables-not-taken",
        severity: Warning,
        summary: "a service depends on a managed service but does not take its variables",
    }
}

/// The variables a service's `environment` sets or uses in its values.
fn taken<'a>(
    project: &'a Project,
    svc: &'a Service,
    uses: &HashMap<NodeId, Vec<&'a str>>,
) -> BTreeSet<&'a str> {
    let mut out = BTreeSet::new();
    for kv in svc.env_entries(project) {
        out.insert(kv.key(&project.tree));
        out.extend(uses.get(&kv.node).into_iter().flatten().copied());
    }
    out
}

impl Rule for ManagedVariablesNotTaken {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        // Built on first need: most projects depend on no managed service.
        let mut uses: Option<HashMap<NodeId, Vec<&str>>> = None;
        for svc in &cx.project.services {
            let mut vars = None;
            for (key, deps) in [
                ("depends_on", svc.depends_on.as_ref()),
                ("links", svc.links()),
            ] {
                let Some(deps) = deps else { continue };
                for item in deps.items(cx.project) {
                    let target = item.text(&cx.project.tree).split(':').next().unwrap_or("");
                    let Some(managed) = ManagedService::from_service_name(target) else {
                        continue;
                    };
                    if managed == ManagedService::Redis || cx.service_index(target).is_none() {
                        continue;
                    }
                    let vars = vars.get_or_insert_with(|| {
                        let uses = uses.get_or_insert_with(|| {
                            let mut uses: HashMap<NodeId, Vec<&str>> = HashMap::new();
                            for u in &cx.interpolation.uses {
                                uses.entry(u.node)
                                    .or_default()
                                    .push(cx.interpolation.name(u));
                            }
                            uses
                        });
                        taken(cx.project, svc, uses)
                    });
                    let missing: Vec<&str> = connection_variables(managed)
                        .iter()
                        .copied()
                        .filter(|v| !vars.contains(*v))
                        .collect();
                    if missing.is_empty() {
                        continue;
                    }
                    let name = svc.name(&cx.project.tree);
                    let what = if missing.len() == connection_variables(managed).len() {
                        format!("takes none of its variables ({})", list(&missing))
                    } else {
                        format!("does not take {}", list_with(&missing, "or"))
                    };
                    let example = missing
                        .iter()
                        .map(|v| format!("{v}: ${{{v}}}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    out.push(
                        registry::diagnostic(
                            "FM003",
                            format!(
                                "service `{name}` depends on the managed {} `{target}` (`{key}`) but {what}",
                                product(managed)
                            ),
                        )
                        .at_inherited(item.at(&cx.project.tree), deps.via(&cx.project.tree))
                        .with_help(format!(
                            "pass the platform's variables in `environment:` ({example}); in production they exist only in the `.env` the platform generates"
                        )),
                    );
                }
            }
        }
    }
}
