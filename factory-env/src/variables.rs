//! The variables a Factory project's compose file is interpolated with, per environment.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::dotenv::DotenvEntry;
use crate::lookup::Lookup;
use crate::secret::{MASK, Secret};

/// Where a value comes from (the `source` of `factory env --format json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// The process environment (development mode).
    Process,
    /// The project's `.env` (development mode).
    Dotenv,
    /// Provided by the platform in deploy mode: CI, `X_`, managed-service, metrics, mail.
    Platform,
    /// A `SV_<ENV>_<NAME>` secret.
    Secret,
    /// Written in the compose file.
    Compose,
    /// Set nowhere.
    Unset,
}

impl Source {
    /// The lower-case name used in JSON output: `process`, `dotenv`, `platform`, `secret`,
    /// `compose` or `unset`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Process => "process",
            Source::Dotenv => "dotenv",
            Source::Platform => "platform",
            Source::Secret => "secret",
            Source::Compose => "compose",
            Source::Unset => "unset",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A variable's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A known value that may be shown.
    Text(String),
    /// A known value that is masked unless asked (`SV_` secrets).
    Secret(Secret),
    /// A value only the platform knows at deploy time; holds its placeholder `<platform:NAME>`.
    Platform(String),
}

impl Value {
    /// The value used for interpolation: the text, the exposed secret, or the placeholder.
    pub fn unmasked(&self) -> &str {
        match self {
            Value::Text(text) | Value::Platform(text) => text,
            Value::Secret(secret) => secret.expose(),
        }
    }
}

/// One variable: its value, where it comes from and whether it is secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// The value.
    pub value: Value,
    /// Where it comes from.
    pub source: Source,
    /// Whether its source is secret (masked in every output unless `--show-secrets`).
    pub secret: bool,
}

impl Variable {
    /// The value as printed: `********` for a secret unless `show_secrets`.
    pub fn display(&self, show_secrets: bool) -> &str {
        if self.secret && !show_secrets {
            MASK
        } else {
            self.value.unmasked()
        }
    }
}

/// A database the platform manages when the project declares a service of that name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ManagedService {
    /// `mysql` (image `mariadb` or `mysql`).
    Mysql,
    /// `postgresql` (image `postgres`).
    Postgresql,
    /// `mongodb` (image `mongo`).
    Mongodb,
    /// `redis` (no variables).
    Redis,
}

impl ManagedService {
    /// All managed services.
    pub const ALL: [ManagedService; 4] = [
        ManagedService::Mysql,
        ManagedService::Postgresql,
        ManagedService::Mongodb,
        ManagedService::Redis,
    ];

    /// The managed service a compose service of this name is.
    pub fn from_service_name(name: &str) -> Option<ManagedService> {
        ManagedService::ALL
            .into_iter()
            .find(|service| service.service_name() == name)
    }

    /// The compose service name: `mysql`, `postgresql`, `mongodb` or `redis`.
    pub fn service_name(self) -> &'static str {
        match self {
            ManagedService::Mysql => "mysql",
            ManagedService::Postgresql => "postgresql",
            ManagedService::Mongodb => "mongodb",
            ManagedService::Redis => "redis",
        }
    }

    /// The variables the platform writes for it.
    pub fn variables(self) -> &'static [&'static str] {
        match self {
            ManagedService::Mysql => &[
                "MYSQL_DATABASE",
                "MYSQL_USER",
                "MYSQL_PASSWORD",
                "MYSQL_SSL",
            ],
            ManagedService::Postgresql => &[
                "POSTGRES_DB",
                "POSTGRES_USER",
                "POSTGRES_PASSWORD",
                "POSTGRES_SSL",
            ],
            ManagedService::Mongodb => &[
                "MONGODB_DB",
                "MONGODB_USER",
                "MONGODB_PASSWORD",
                "MONGODB_SSL",
            ],
            ManagedService::Redis => &[],
        }
    }
}

/// Metrics variables the platform provides.
pub const METRICS_VARIABLES: [&str; 4] = [
    "INFLUXDB_DOMAIN",
    "INFLUXDB_DATABASE",
    "INFLUXDB_USERNAME",
    "INFLUXDB_PASSWORD",
];

/// Mail variables the platform provides.
pub const MAIL_VARIABLES: [&str; 4] = ["MAILS_TOKEN", "MAILS_USER", "MAILS_DOMAIN", "MAILS_PORT"];

/// Platform-provided credentials, secret in deploy mode.
pub const PLATFORM_SECRETS: [&str; 5] = [
    "MYSQL_PASSWORD",
    "POSTGRES_PASSWORD",
    "MONGODB_PASSWORD",
    "INFLUXDB_PASSWORD",
    "MAILS_TOKEN",
];

/// The deployment a [`Variables::deploy`] set is built for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeployContext {
    /// The environment name (`-e NAME`), e.g. `production`.
    pub environment: String,
    /// The environment's url (`--url`); its host is `CI_ENVIRONMENT_DOMAIN`.
    pub url: Option<String>,
    /// The GitLab project path, `group/project`.
    pub project_path: String,
    /// The process environment (the CI variables).
    pub process: Vec<(String, String)>,
    /// The managed services the project declares.
    pub managed: Vec<ManagedService>,
    /// Whether the project uses the platform's metrics (`INFLUXDB_*`).
    pub uses_metrics: bool,
    /// Whether the project uses the platform's mail service (`MAILS_*`).
    pub uses_mail: bool,
    /// Names the local `.env` defines (not deployed; used to explain a missing variable).
    pub local_dotenv: Vec<String>,
}

/// What is wrong with a `SV_` variable name (FE006).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SvProblem {
    /// The name does not start with `SV_`.
    #[error("`{0}` is not a secret variable name (no `SV_` prefix)")]
    NotSecret(String),
    /// `SV_` is not followed by an environment name.
    #[error("secret variable `{0}` has no environment part (`SV_<ENVIRONMENT>_<NAME>`)")]
    MissingEnvironment(String),
    /// The environment part is not upper-case, so it never matches an environment.
    #[error(
        "secret variable `{name}` has a lower-case environment part `{environment}`: the platform looks for `SV_{upper}_...`",
        upper = environment.to_uppercase()
    )]
    LowercaseEnvironment {
        /// The whole name.
        name: String,
        /// The environment part as written.
        environment: String,
    },
    /// No variable name after the environment.
    #[error(
        "secret variable `{0}` has no name part after the environment (`SV_<ENVIRONMENT>_<NAME>`)"
    )]
    MissingName(String),
}

/// Splits `SV_<ENVIRONMENT>_<NAME>` into the environment and the name the application sees.
/// The environment is the part up to the next `_`.
///
/// ```
/// use factory_env::{parse_secret_name, SvProblem};
/// assert_eq!(parse_secret_name("SV_PROD_API_KEY"), Ok(("PROD".to_owned(), "API_KEY".to_owned())));
/// assert!(matches!(parse_secret_name("SV_prod_API_KEY"), Err(SvProblem::LowercaseEnvironment { .. })));
/// assert!(matches!(parse_secret_name("SV_PROD"), Err(SvProblem::MissingName(_))));
/// ```
pub fn parse_secret_name(name: &str) -> Result<(String, String), SvProblem> {
    let Some(rest) = name.strip_prefix("SV_") else {
        return Err(SvProblem::NotSecret(name.to_owned()));
    };
    let (environment, var) = rest.split_once('_').unwrap_or((rest, ""));
    if environment.is_empty() {
        return Err(SvProblem::MissingEnvironment(name.to_owned()));
    }
    if var.is_empty() {
        return Err(SvProblem::MissingName(name.to_owned()));
    }
    if environment.chars().any(char::is_lowercase) {
        return Err(SvProblem::LowercaseEnvironment {
            name: name.to_owned(),
            environment: environment.to_owned(),
        });
    }
    Ok((environment.to_owned(), var.to_owned()))
}

/// Whether a variable name looks like it holds a secret (FE008): it contains `PASSWORD`,
/// `SECRET` or `TOKEN`, or ends with `_KEY`, ignoring case.
pub fn looks_secret(name: &str) -> bool {
    // ASCII case-insensitive byte comparisons: what `name.to_ascii_uppercase()` compared with
    // upper-case ASCII gives, without allocating (FE008 asks this of every variable).
    let bytes = name.as_bytes();
    let contains = |needle: &[u8]| {
        bytes
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    contains(b"PASSWORD")
        || contains(b"SECRET")
        || contains(b"TOKEN")
        || bytes
            .len()
            .checked_sub(4)
            .and_then(|start| bytes.get(start..))
            .is_some_and(|tail| tail.eq_ignore_ascii_case(b"_KEY"))
}

/// A `SV_` secret that exists for other environments but not the deployed one (FE006).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingSecret {
    /// The name the application sees.
    pub name: String,
    /// The environments (as written in the `SV_` names) that have it.
    pub set_for: Vec<String>,
}

/// Variables by name, with where each comes from; a [`Lookup`] for interpolation.
///
/// ```
/// use factory_env::{DeployContext, Source, Variables, Lookup};
/// let vars = Variables::deploy(&DeployContext {
///     environment: "production".into(),
///     project_path: "team/shop".into(),
///     process: vec![("SV_PRODUCTION_API_KEY".into(), "k3y".into())],
///     ..Default::default()
/// });
/// assert_eq!(vars.get("CI_ENVIRONMENT_DOMAIN"), Some("production.example"));
/// assert_eq!(vars.get("API_KEY"), Some("k3y"));
/// assert_eq!(vars.variable("API_KEY").map(|v| v.source), Some(Source::Secret));
/// assert_eq!(vars.display_value("API_KEY", false).as_deref(), Some("********"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variables {
    vars: BTreeMap<String, Variable>,
    environment: Option<String>,
    dotenv_names: BTreeSet<String>,
    process_names: BTreeSet<String>,
    /// Every well-formed-enough `SV_<ENV>_<NAME>` of the process: name → environments.
    secret_environments: BTreeMap<String, BTreeSet<String>>,
    managed: Vec<ManagedService>,
    uses_metrics: bool,
    uses_mail: bool,
}

impl Variables {
    /// An empty set (development mode).
    pub fn new() -> Self {
        Variables::default()
    }

    /// Development mode: the process environment and the `.env` entries, the process winning
    /// (Compose's precedence); a later `.env` entry replaces an earlier one.
    pub fn dev<'e>(
        process: impl IntoIterator<Item = (String, String)>,
        dotenv: impl IntoIterator<Item = &'e DotenvEntry>,
    ) -> Self {
        let mut vars = Variables::new();
        for (name, value) in process {
            vars.process_names.insert(name.clone());
            if let Some((environment, var)) = loose_secret_split(&name) {
                vars.secret_environments
                    .entry(var)
                    .or_default()
                    .insert(environment);
            }
            let variable = if name.starts_with("SV_") {
                Variable {
                    value: Value::Secret(Secret::new(value)),
                    source: Source::Process,
                    secret: true,
                }
            } else {
                Variable {
                    value: Value::Text(value),
                    source: Source::Process,
                    secret: false,
                }
            };
            vars.vars.insert(name, variable);
        }
        for entry in dotenv {
            vars.dotenv_names.insert(entry.key.clone());
            if vars
                .vars
                .get(&entry.key)
                .is_some_and(|v| v.source == Source::Process)
            {
                continue;
            }
            vars.vars.insert(
                entry.key.clone(),
                Variable {
                    value: Value::Text(entry.value.clone()),
                    source: Source::Dotenv,
                    secret: false,
                },
            );
        }
        vars
    }

    /// Deploy mode: exactly the platform's set for `context` (SPEC §4); the local `.env` is not
    /// used.
    pub fn deploy(context: &DeployContext) -> Self {
        let mut vars = Variables {
            environment: Some(context.environment.clone()),
            dotenv_names: context.local_dotenv.iter().cloned().collect(),
            managed: context.managed.clone(),
            uses_metrics: context.uses_metrics,
            uses_mail: context.uses_mail,
            ..Variables::default()
        };
        let process = |name: &str| Lookup::get(context.process.as_slice(), name).map(str::to_owned);
        let platform_text = |value: String| Variable {
            value: Value::Text(value),
            source: Source::Platform,
            secret: false,
        };
        let registry = process("CI_REGISTRY_IMAGE")
            .unwrap_or_else(|| format!("registry.example/{}", context.project_path.to_lowercase()));
        let sha = process("CI_COMMIT_SHA").unwrap_or_else(|| "HEAD".to_owned());
        let domain = context
            .url
            .as_deref()
            .and_then(url_host)
            .unwrap_or_else(|| format!("{}.example", context.environment));
        vars.vars
            .insert("CI_REGISTRY_IMAGE".to_owned(), platform_text(registry));
        vars.vars
            .insert("CI_COMMIT_SHA".to_owned(), platform_text(sha));
        vars.vars.insert(
            "CI_ENVIRONMENT_NAME".to_owned(),
            platform_text(context.environment.clone()),
        );
        vars.vars
            .insert("CI_ENVIRONMENT_DOMAIN".to_owned(), platform_text(domain));

        let mut provided: Vec<&str> = Vec::new();
        for service in &context.managed {
            provided.extend(service.variables());
        }
        if context.uses_metrics {
            provided.extend(METRICS_VARIABLES);
        }
        if context.uses_mail {
            provided.extend(MAIL_VARIABLES);
        }
        for name in provided {
            vars.vars.insert(
                name.to_owned(),
                Variable {
                    value: Value::Platform(format!("<platform:{name}>")),
                    source: Source::Platform,
                    secret: PLATFORM_SECRETS.contains(&name),
                },
            );
        }

        let prefix = format!("SV_{}_", context.environment.to_uppercase());
        for (name, value) in &context.process {
            vars.process_names.insert(name.clone());
            if name.starts_with("X_") {
                vars.vars.insert(name.clone(), platform_text(value.clone()));
            }
            if let Some((environment, var)) = loose_secret_split(name) {
                vars.secret_environments
                    .entry(var)
                    .or_default()
                    .insert(environment);
            }
        }
        for (name, value) in &context.process {
            if let Some(var) = name.strip_prefix(&prefix).filter(|v| !v.is_empty()) {
                vars.vars.insert(
                    var.to_owned(),
                    Variable {
                        value: Value::Secret(Secret::new(value.clone())),
                        source: Source::Secret,
                        secret: true,
                    },
                );
            }
        }
        vars
    }

    /// Adds or replaces a variable.
    pub fn insert(&mut self, name: impl Into<String>, variable: Variable) {
        self.vars.insert(name.into(), variable);
    }

    /// The variable called `name`.
    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.vars.get(name)
    }

    /// All variables, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Variable)> {
        self.vars.iter().map(|(name, var)| (name.as_str(), var))
    }

    /// How many variables are set.
    pub fn len(&self) -> usize {
        self.vars.len()
    }

    /// Whether no variable is set.
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    /// The deploy environment's name, `None` in development mode.
    pub fn environment(&self) -> Option<&str> {
        self.environment.as_deref()
    }

    /// The value of `name` as printed: secrets masked as `********` unless `show_secrets`;
    /// `None` when it is not set.
    pub fn display_value(&self, name: &str, show_secrets: bool) -> Option<String> {
        self.vars
            .get(name)
            .map(|var| var.display(show_secrets).to_owned())
    }

    /// A lookup that gives `********` for secrets: interpolate with it to render output.
    pub fn masked(&self) -> Masked<'_> {
        Masked(self)
    }

    /// In deploy mode, why the platform will not provide `name` (FE007); `None` when it is
    /// provided, or in development mode.
    pub fn why_missing(&self, name: &str) -> Option<String> {
        let environment = self.environment.as_deref()?;
        if self.vars.contains_key(name) {
            return None;
        }
        let upper = environment.to_uppercase();
        if let Some(envs) = self.secret_environments.get(name) {
            if let Some(miscased) = envs
                .iter()
                .find(|e| e.to_uppercase() == upper && **e != upper)
            {
                return Some(format!(
                    "SV_{miscased}_{name} is set, but the platform looks for SV_{upper}_{name} (the environment part is upper-case)"
                ));
            }
            let others: Vec<String> = envs.iter().map(|e| format!("SV_{e}_{name}")).collect();
            return Some(format!(
                "{} {} set but not SV_{upper}_{name}",
                others.join(", "),
                if others.len() == 1 { "is" } else { "are" }
            ));
        }
        if self.process_names.contains(name) {
            return Some(format!(
                "{name} is a CI variable without the X_ prefix: only X_* variables and SV_{upper}_* secrets reach the deployed services"
            ));
        }
        if self.dotenv_names.contains(name) {
            return Some(format!(
                "{name} is only in the local .env, which is not deployed: the platform generates its own .env"
            ));
        }
        if let Some(service) = ManagedService::ALL
            .into_iter()
            .find(|s| s.variables().contains(&name))
        {
            return Some(format!(
                "{name} is provided only when the project declares a `{}` service",
                service.service_name()
            ));
        }
        if METRICS_VARIABLES.contains(&name) {
            return Some(format!(
                "{name} is provided only to projects that use the platform's metrics"
            ));
        }
        if MAIL_VARIABLES.contains(&name) {
            return Some(format!(
                "{name} is provided only to projects that use the platform's mail service"
            ));
        }
        // An `X_` variable reaches the project under its own name (`X_A` is `${X_A}`).
        Some(if name.starts_with("X_") {
            format!(
                "{name} is not provided by the platform in `{environment}`: define the CI variable {name}, or the secret SV_{upper}_{name}"
            )
        } else {
            format!(
                "{name} is not provided by the platform in `{environment}`: only X_* CI variables (under their own name) and SV_{upper}_* secrets reach the project"
            )
        })
    }

    /// In deploy mode, the `SV_` secrets set for other environments but not the deployed one.
    pub fn missing_secrets(&self) -> Vec<MissingSecret> {
        let Some(environment) = self.environment.as_deref() else {
            return Vec::new();
        };
        let upper = environment.to_uppercase();
        self.secret_environments
            .iter()
            .filter(|(_, envs)| !envs.contains(&upper))
            .map(|(name, envs)| MissingSecret {
                name: name.clone(),
                set_for: envs.iter().cloned().collect(),
            })
            .collect()
    }
}

impl Lookup for Variables {
    fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|var| var.value.unmasked())
    }
}

/// A [`Lookup`] over [`Variables`] that gives `********` for secrets.
#[derive(Debug, Clone, Copy)]
pub struct Masked<'a>(&'a Variables);

impl Lookup for Masked<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.vars.get(name).map(|var| var.display(false))
    }
}

/// `SV_<ENV>_<NAME>` split at the first `_` after the environment, whatever its case.
fn loose_secret_split(name: &str) -> Option<(String, String)> {
    let rest = name.strip_prefix("SV_")?;
    let (environment, var) = rest.split_once('_')?;
    if environment.is_empty() || var.is_empty() {
        return None;
    }
    Some((environment.to_owned(), var.to_owned()))
}

/// The host of a url (`https://user@www.example.com:8443/x` → `www.example.com`), lower-cased:
/// the `CI_ENVIRONMENT_DOMAIN` of an environment's url. `None` when it has none.
#[must_use]
pub fn url_host(url: &str) -> Option<String> {
    let url = url.trim();
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    (!host.is_empty()).then(|| host.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn entry(key: &str, value: &str) -> DotenvEntry {
        DotenvEntry::pair(key, value)
    }

    #[test]
    fn dev_process_wins_over_dotenv() {
        let vars = Variables::dev(
            pairs(&[("A", "proc")]),
            &[entry("A", "dot"), entry("B", "1"), entry("B", "2")],
        );
        assert_eq!(vars.get("A"), Some("proc"));
        assert_eq!(vars.variable("A").map(|v| v.source), Some(Source::Process));
        assert_eq!(vars.get("B"), Some("2"));
        assert_eq!(vars.variable("B").map(|v| v.source), Some(Source::Dotenv));
        assert_eq!(vars.get("C"), None);
        assert_eq!(vars.why_missing("C"), None, "dev mode explains nothing");
    }

    fn production() -> DeployContext {
        DeployContext {
            environment: "production".into(),
            url: Some("https://www.shop.example.com:8443/app".into()),
            project_path: "Team/Shop".into(),
            process: pairs(&[
                ("X_CONFIG_FILE", "prod.yml"),
                ("CONFIG_FILE", "ci.yml"),
                ("SV_PRODUCTION_API_KEY", "k3y"),
                ("SV_STAGING_API_KEY", "other"),
                ("SV_STAGING_ONLY", "s"),
                ("SV_production_TYPO", "t"),
                ("HOME", "/root"),
            ]),
            managed: vec![ManagedService::Postgresql, ManagedService::Redis],
            uses_metrics: false,
            uses_mail: true,
            local_dotenv: vec!["DEBUG".into()],
        }
    }

    #[test]
    fn deploy_has_exactly_the_platform_set() {
        let vars = Variables::deploy(&production());
        let names: Vec<&str> = vars.iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "API_KEY",
                "CI_COMMIT_SHA",
                "CI_ENVIRONMENT_DOMAIN",
                "CI_ENVIRONMENT_NAME",
                "CI_REGISTRY_IMAGE",
                "MAILS_DOMAIN",
                "MAILS_PORT",
                "MAILS_TOKEN",
                "MAILS_USER",
                "POSTGRES_DB",
                "POSTGRES_PASSWORD",
                "POSTGRES_SSL",
                "POSTGRES_USER",
                "X_CONFIG_FILE",
            ]
        );
        assert_eq!(
            vars.get("CI_REGISTRY_IMAGE"),
            Some("registry.example/team/shop")
        );
        assert_eq!(vars.get("CI_COMMIT_SHA"), Some("HEAD"));
        assert_eq!(vars.get("CI_ENVIRONMENT_NAME"), Some("production"));
        assert_eq!(
            vars.get("CI_ENVIRONMENT_DOMAIN"),
            Some("www.shop.example.com")
        );
        assert_eq!(vars.get("POSTGRES_USER"), Some("<platform:POSTGRES_USER>"));
        assert_eq!(vars.get("API_KEY"), Some("k3y"));
        assert!(vars.variable("POSTGRES_PASSWORD").is_some_and(|v| v.secret));
        assert!(vars.variable("MAILS_TOKEN").is_some_and(|v| v.secret));
        assert!(vars.variable("POSTGRES_USER").is_some_and(|v| !v.secret));
        assert_eq!(
            vars.display_value("POSTGRES_PASSWORD", false).as_deref(),
            Some(MASK)
        );
        assert_eq!(
            vars.display_value("POSTGRES_PASSWORD", true).as_deref(),
            Some("<platform:POSTGRES_PASSWORD>")
        );
        assert_eq!(
            vars.display_value("X_CONFIG_FILE", false).as_deref(),
            Some("prod.yml")
        );
        assert_eq!(vars.masked().get("API_KEY"), Some(MASK));
    }

    #[test]
    fn deploy_defaults_without_url_and_ci_values_from_process() {
        let vars = Variables::deploy(&DeployContext {
            environment: "staging".into(),
            project_path: "g/p".into(),
            process: pairs(&[("CI_COMMIT_SHA", "abc123")]),
            ..Default::default()
        });
        assert_eq!(vars.get("CI_ENVIRONMENT_DOMAIN"), Some("staging.example"));
        assert_eq!(vars.get("CI_COMMIT_SHA"), Some("abc123"));
        assert_eq!(vars.get("MYSQL_PASSWORD"), None);
    }

    #[test]
    fn why_missing_explains() {
        let vars = Variables::deploy(&production());
        let why = |n| vars.why_missing(n).unwrap_or_default();
        assert!(why("ONLY").contains("SV_STAGING_ONLY is set but not SV_PRODUCTION_ONLY"));
        assert!(why("TYPO").contains("upper-case"), "{}", why("TYPO"));
        assert!(why("CONFIG_FILE").contains("without the X_ prefix"));
        assert!(why("DEBUG").contains("only in the local .env"));
        assert!(why("MYSQL_USER").contains("`mysql` service"));
        assert!(why("INFLUXDB_DOMAIN").contains("metrics"));
        // An `X_` variable keeps its prefix: `ANYTHING` cannot come from `X_ANYTHING`.
        assert!(why("ANYTHING").contains("only X_* CI variables (under their own name)"));
        assert!(why("X_MISSING").contains("define the CI variable X_MISSING"));
        assert_eq!(vars.why_missing("API_KEY"), None);
        let missing = vars.missing_secrets();
        assert!(missing.iter().any(|m| m.name == "ONLY"));
        assert!(!missing.iter().any(|m| m.name == "API_KEY"));
    }

    #[test]
    fn secrets_never_print() {
        let vars = Variables::deploy(&production());
        let debug = format!("{vars:?}");
        assert!(!debug.contains("k3y"), "{debug}");
        assert!(!debug.contains("other"), "{debug}");
        let dev = Variables::dev(pairs(&[("SV_PROD_X", "hush")]), &[]);
        assert!(!format!("{dev:?}").contains("hush"));
        assert_eq!(dev.display_value("SV_PROD_X", false).as_deref(), Some(MASK));
        assert_eq!(
            dev.display_value("SV_PROD_X", true).as_deref(),
            Some("hush")
        );
        let secret = Secret::new("hush");
        assert_eq!(
            format!("{secret}|{secret:?}|{secret:#?}"),
            "********|********|********"
        );
    }

    #[test]
    fn secret_names() {
        assert_eq!(
            parse_secret_name("SV_PROD_API_KEY"),
            Ok(("PROD".into(), "API_KEY".into()))
        );
        assert!(matches!(
            parse_secret_name("SV_"),
            Err(SvProblem::MissingEnvironment(_))
        ));
        assert!(matches!(
            parse_secret_name("SV__X"),
            Err(SvProblem::MissingEnvironment(_))
        ));
        assert!(matches!(
            parse_secret_name("SV_PROD_"),
            Err(SvProblem::MissingName(_))
        ));
        assert!(matches!(
            parse_secret_name("SV_Prod_X"),
            Err(SvProblem::LowercaseEnvironment { .. })
        ));
        assert!(matches!(
            parse_secret_name("API_KEY"),
            Err(SvProblem::NotSecret(_))
        ));
    }

    #[test]
    fn secret_looking_names() {
        for name in [
            "DB_PASSWORD",
            "password",
            "SECRET_X",
            "gitlab_token",
            "API_KEY",
            "x_key",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in ["KEYBOARD", "KEY", "USER", "MONKEY"] {
            assert!(!looks_secret(name), "{name}");
        }
    }

    proptest::proptest! {
        /// The allocation-free test gives what upper-casing the name and searching gave.
        #[test]
        fn secret_names_as_upper_casing_reads_them(name in "(?i)[a-z_éK]{0,6}(password|secret|token|_key)?[a-z_]{0,3}|\\PC{0,12}") {
            let upper = name.to_ascii_uppercase();
            let expected = upper.contains("PASSWORD")
                || upper.contains("SECRET")
                || upper.contains("TOKEN")
                || upper.ends_with("_KEY");
            proptest::prop_assert_eq!(looks_secret(&name), expected, "{:?}", name);
        }
    }

    #[test]
    fn hosts() {
        assert_eq!(url_host("https://a.b.c/x").as_deref(), Some("a.b.c"));
        assert_eq!(
            url_host("http://u:p@Host.COM:80").as_deref(),
            Some("host.com")
        );
        assert_eq!(url_host("plain.example").as_deref(), Some("plain.example"));
        assert_eq!(url_host("https://[::1]:8080/").as_deref(), Some("::1"));
        assert_eq!(url_host(""), None);
    }
}
