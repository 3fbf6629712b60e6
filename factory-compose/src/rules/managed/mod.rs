//! FM: managed services.

pub(crate) mod blocked_mail_port;
pub(crate) mod database_not_managed;
pub(crate) mod managed_database_variables;
pub(crate) mod managed_variables_not_taken;

use factory_env::ManagedService;

use crate::model::Service;
use crate::rules::{Context, Rule};

/// The rules of this family, sorted by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &database_not_managed::DatabaseNotManaged,
    &managed_database_variables::ManagedDatabaseVariables,
    &managed_variables_not_taken::ManagedVariablesNotTaken,
    &blocked_mail_port::BlockedMailPort,
];

/// The managed service whose database an image runs (`postgres:9.6` → PostgreSQL,
/// `mariadb:10.1` → MySQL, `bearstech/redis` → Redis), judged by the image's last path
/// component. Images the project builds (`${CI_REGISTRY_IMAGE}/…`) are not databases.
pub(crate) fn database_of(
    cx: &Context<'_>,
    index: usize,
    svc: &Service,
) -> Option<(ManagedService, String)> {
    // The image name first: cheaper than `own_image_name`, and most images are no database.
    let parsed = cx.image(index)?.as_ref().ok()?;
    let name = parsed.name();
    let managed = database_image(name)?;
    if crate::rules::dockerfile::link::own_image_name(cx, svc).is_some() {
        return None;
    }
    Some((managed, name.to_owned()))
}

/// The managed service a database image name (last path component) stands for.
pub(crate) fn database_image(name: &str) -> Option<ManagedService> {
    match name {
        "postgres" | "postgresql" => Some(ManagedService::Postgresql),
        "mysql" | "mariadb" => Some(ManagedService::Mysql),
        "mongo" | "mongodb" => Some(ManagedService::Mongodb),
        "redis" => Some(ManagedService::Redis),
        _ => None,
    }
}

/// The variables a service connecting to `managed` needs (the `_SSL` flag is optional).
pub(crate) fn connection_variables(managed: ManagedService) -> &'static [&'static str] {
    let all = managed.variables();
    &all[..all.len().saturating_sub(1)]
}

/// Human name of a managed service.
pub(crate) fn product(managed: ManagedService) -> &'static str {
    match managed {
        ManagedService::Mysql => "MySQL",
        ManagedService::Postgresql => "PostgreSQL",
        ManagedService::Mongodb => "MongoDB",
        ManagedService::Redis => "Redis",
    }
}

/// `A`, `A and B`, `A, B and C`, each in backticks.
pub(crate) fn list(items: &[&str]) -> String {
    list_with(items, "and")
}

/// [`list`] with another conjunction (`A, B or C`).
pub(crate) fn list_with(items: &[&str], conjunction: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_images() {
        assert_eq!(database_image("postgres"), Some(ManagedService::Postgresql));
        assert_eq!(database_image("mariadb"), Some(ManagedService::Mysql));
        assert_eq!(database_image("mongo"), Some(ManagedService::Mongodb));
        assert_eq!(database_image("redis"), Some(ManagedService::Redis));
        assert_eq!(database_image("python"), None);
        assert_eq!(
            connection_variables(ManagedService::Mysql),
            ["MYSQL_DATABASE", "MYSQL_USER", "MYSQL_PASSWORD"]
        );
        assert!(connection_variables(ManagedService::Redis).is_empty());
        assert_eq!(list(&["A", "B", "C"]), "`A`, `B` and `C`");
    }
}
