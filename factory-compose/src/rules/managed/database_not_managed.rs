use crate::diagnostic::Diagnostics;
use crate::rules::managed::{database_of, product};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a service running a database image (`postgres`, `mysql`, `mariadb`, `mongo`,
    /// `redis`, whatever the registry: `bearstech/redis` counts) under a name that is not the
    /// platform's managed-service name for it: `postgresql`, `mysql`, `mongodb`, `redis`.
    ///
    /// ## Why is this bad?
    /// The platform recognises managed services **by service name**. In production a service
    /// named `postgresql` is replaced by a managed PostgreSQL (backups, tuning, on-call) and the
    /// application receives its credentials; a `db:` service running `postgres` is deployed as
    /// a plain container: its data lives in a volume nobody backs up or watches.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:9.6
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   postgresql:
    ///     image: postgres:9.6
    /// ```
    pub(crate) struct DatabaseNotManaged {
        code: "FM001",
        name: "database-not-managed",
        severity: Warning,
        summary: "a database image under a non-managed service name (`db: image: postgres` → name it `postgresql`)",
    }
}

impl Rule for DatabaseNotManaged {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for (index, svc) in cx.project.services.iter().enumerate() {
            let Some((managed, image)) = database_of(cx, index, svc) else {
                continue;
            };
            let name = svc.name(&cx.project.tree);
            let wanted = managed.service_name();
            if name == wanted {
                continue;
            }
            let claimed = factory_env::ManagedService::from_service_name(name);
            let message = match claimed {
                Some(other) => format!(
                    "service `{name}` runs a `{image}` image, but the platform replaces a service named `{name}` with a managed {}",
                    product(other)
                ),
                None => format!(
                    "service `{name}` runs a `{image}` image under a name the platform does not manage: in production it stays a plain container (no backup, no on-call)"
                ),
            };
            let taken = cx.service_index(wanted).is_some();
            // Several services of the same database: only one can take the managed name.
            let others: Vec<&str> = cx
                .project
                .services
                .iter()
                .enumerate()
                .filter(|&(i, s)| {
                    i != index
                        && s.name(&cx.project.tree) != wanted
                        && database_of(cx, i, s).is_some_and(|(m, _)| m == managed)
                })
                .map(|(_, s)| s.name(&cx.project.tree))
                .collect();
            let help = if !taken && !others.is_empty() {
                format!(
                    "{} run{} a {} too, and the platform manages one per project, named `{wanted}`: rename the one the application needs most to `{wanted}` (and the `depends_on`/`links` entries that name it); the others stay plain containers, or share it",
                    others
                        .iter()
                        .map(|o| format!("`{o}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if others.len() == 1 { "s" } else { "" },
                    product(managed)
                )
            } else if taken {
                format!(
                    "the project already has a `{wanted}` service: this one is an unmanaged container; remove it if the application can share the managed {}",
                    product(managed)
                )
            } else {
                format!(
                    "rename the service to `{wanted}` (and the `depends_on`/`links` entries that name it) to get the managed {}",
                    product(managed)
                )
            };
            let mut d = registry::diagnostic("FM001", message)
                .at(svc.located_name(&cx.project.tree).primary())
                .with_help(help);
            if let Some(img) = &svc.image {
                d = d.with_secondary(img.primary(tree), "a database image");
            }
            out.push(d);
        }
    }
}
