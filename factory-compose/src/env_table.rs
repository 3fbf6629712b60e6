//! `factory env`: each service's final environment, with where each value comes from (SPEC §5).
//!
//! [`EnvTable::build`] reads a loaded project; [`EnvTable::render_human`] and
//! [`EnvTable::render_json`] print it. Values that carry a secret (an `SV_` variable, a
//! platform credential, or a compose value interpolated from one) are kept as
//! [`factory_env::Secret`]s, so neither `Debug` nor the renderers show them unless asked
//! (`show_secrets`).
//!
//! ```
//! use factory_compose::env_table::EnvTable;
//! use factory_compose::{FileKind, Mode, ProcessEnv, Settings, SourceFile, SourceMap, load};
//!
//! let mut sources = SourceMap::new();
//! sources.add(SourceFile::new(
//!     "docker-compose.yml",
//!     "services:\n  app:\n    image: app:1.0\n    environment:\n      - API_KEY\n      - ENV=${CI_ENVIRONMENT_NAME}\n",
//!     FileKind::Compose,
//! ));
//! let process = ProcessEnv { vars: vec![("SV_PRODUCTION_API_KEY".into(), "k3y".into())] };
//! let settings = Settings {
//!     mode: Mode::Deploy { environment: "production".into(), url: None },
//!     ..Settings::default()
//! };
//! let loaded = load(&sources, &process, &settings);
//! let table = EnvTable::build(&loaded);
//! let json = table.render_json(false);
//! assert!(json.contains(r#""value": "********""#));
//! assert!(json.contains(r#""source": "secret""#));
//! assert!(!json.contains("k3y"));
//! assert!(table.render_json(true).contains("k3y"));
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use factory_env::{MASK, Secret, Source, Value, Variables};

use crate::Loaded;
use crate::interpolate::Interpolation;
use crate::model::{KeyValue, Project, Service};
use crate::yaml::Tree;

/// One variable of a service's final environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    /// The variable's name.
    pub name: String,
    /// Its value (`None`: set nowhere). Secret values are [`Value::Secret`].
    pub value: Option<Value>,
    /// Where the value comes from.
    pub source: Source,
    /// Whether the value is masked unless `--show-secrets`.
    pub secret: bool,
}

impl EnvVar {
    /// The value as printed: `********` for a secret unless `show_secrets`, `None` when unset.
    #[must_use]
    pub fn display(&self, show_secrets: bool) -> Option<&str> {
        let value = self.value.as_ref()?;
        Some(if self.secret && !show_secrets {
            MASK
        } else {
            value.unmasked()
        })
    }
}

/// One service's final environment, sorted by variable name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceEnv {
    /// The service's name.
    pub service: String,
    /// Its variables, by name (the later of two items with one name wins, as in Compose).
    pub vars: Vec<EnvVar>,
}

/// Every service's final environment, services in file order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnvTable {
    /// The services.
    pub services: Vec<ServiceEnv>,
}

impl EnvTable {
    /// The final environment of every service of `loaded`.
    #[must_use]
    pub fn build(loaded: &Loaded) -> Self {
        // A value read from an env file may be interpolated from a secret: masked when it
        // holds one.
        let secrets = crate::redact::secret_values(&loaded.variables);
        let services = loaded
            .project
            .services
            .iter()
            .map(|svc| {
                let env_file = loaded
                    .env_files
                    .iter()
                    .find(|f| f.service == svc.name(&loaded.project.tree))
                    .map_or(&[][..], |f| f.entries.as_slice());
                service_env(
                    &loaded.project,
                    svc,
                    (env_file, &secrets),
                    &loaded.variables,
                    &loaded.interpolation,
                )
            })
            .collect();
        EnvTable { services }
    }

    /// The service names, in file order.
    #[must_use]
    pub fn service_names(&self) -> Vec<&str> {
        self.services.iter().map(|s| s.service.as_str()).collect()
    }

    /// Only the service `name`, or `None` when the project has no such service.
    #[must_use]
    pub fn only(&self, name: &str) -> Option<Self> {
        let service = self.services.iter().find(|s| s.service == name)?;
        Some(EnvTable {
            services: vec![service.clone()],
        })
    }

    /// A table for people: one row per variable, `SERVICE VARIABLE VALUE SOURCE` (a secret value
    /// from another source says so: `compose (secret)`); control characters in values are
    /// escaped so a row stays on one line.
    #[must_use]
    pub fn render_human(&self, show_secrets: bool) -> String {
        let mut rows: Vec<[String; 4]> = vec![[
            "SERVICE".to_owned(),
            "VARIABLE".to_owned(),
            "VALUE".to_owned(),
            "SOURCE".to_owned(),
        ]];
        for svc in &self.services {
            if svc.vars.is_empty() {
                rows.push([
                    svc.service.clone(),
                    "(no environment)".to_owned(),
                    String::new(),
                    String::new(),
                ]);
            }
            for var in &svc.vars {
                rows.push([
                    svc.service.clone(),
                    var.name.clone(),
                    var.display(show_secrets).map(escape).unwrap_or_default(),
                    if var.secret && var.source != Source::Secret {
                        format!("{} (secret)", var.source)
                    } else {
                        var.source.as_str().to_owned()
                    },
                ]);
            }
        }
        let mut widths = [0usize; 3];
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row.iter()) {
                *w = (*w).max(cell.chars().count().min(crate::TABLE_COLUMN_MAX));
            }
        }
        let mut out = String::new();
        for row in &rows {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                line.push_str(cell);
                if let Some(w) = widths.get(i) {
                    let pad = w.saturating_sub(cell.chars().count()) + 2;
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        out
    }

    /// The JSON document of SPEC §5: `{"SERVICE": {"VAR": {"value", "source", "secret"}}}`,
    /// pretty-printed, with a trailing newline.
    #[must_use]
    pub fn render_json(&self, show_secrets: bool) -> String {
        let mut doc = serde_json::Map::new();
        for svc in &self.services {
            let mut vars = serde_json::Map::new();
            for var in &svc.vars {
                let mut entry = serde_json::Map::new();
                entry.insert(
                    "value".to_owned(),
                    var.display(show_secrets)
                        .map_or(serde_json::Value::Null, |v| v.into()),
                );
                entry.insert("source".to_owned(), var.source.as_str().into());
                entry.insert("secret".to_owned(), var.secret.into());
                vars.insert(var.name.clone(), entry.into());
            }
            doc.insert(svc.service.clone(), vars.into());
        }
        let mut out = serde_json::to_string_pretty(&serde_json::Value::Object(doc))
            .unwrap_or_else(|_| "{}".to_owned());
        out.push('\n');
        out
    }
}

/// The service's environment as Compose builds it: its `env_file` entries (source `dotenv`: a
/// file of the `.env` grammar), then its `environment`, which wins, even with no value. An env
/// file's value that holds one of `secrets` (the run's secret values) is masked.
fn service_env(
    project: &Project,
    svc: &Service,
    (env_file, secrets): (&[(String, String)], &[&str]),
    variables: &Variables,
    interpolation: &Interpolation,
) -> ServiceEnv {
    let mut vars: BTreeMap<&str, EnvVar> = BTreeMap::new();
    for (name, value) in env_file {
        let secret = secrets.iter().any(|s| value.contains(s));
        vars.insert(
            name,
            EnvVar {
                name: name.clone(),
                value: Some(if secret {
                    Value::Secret(Secret::new(value.clone()))
                } else {
                    Value::Text(value.clone())
                }),
                source: Source::Dotenv,
                secret,
            },
        );
    }
    let tree = &project.tree;
    for kv in svc.env_entries(project) {
        vars.insert(kv.key(tree), env_var(tree, kv, variables, interpolation));
    }
    ServiceEnv {
        service: svc.name(tree).to_string(),
        vars: vars.into_values().collect(),
    }
}

fn env_var(
    tree: &Tree,
    kv: &KeyValue,
    variables: &Variables,
    interpolation: &Interpolation,
) -> EnvVar {
    let name = kv.key(tree).to_owned();
    match kv.value(tree) {
        Some(value) => {
            // Written in compose; secret when interpolated from a secret variable.
            let secret = interpolation.uses_of(kv.node).iter().any(|u| {
                let name = interpolation.name(u);
                variables.variable(name).is_some_and(|v| v.secret)
            });
            let value = if secret {
                Value::Secret(Secret::new(value))
            } else {
                Value::Text(value.to_owned())
            };
            EnvVar {
                name,
                value: Some(value),
                source: Source::Compose,
                secret,
            }
        }
        None => match variables.variable(kv.key(tree)) {
            Some(var) => EnvVar {
                name,
                value: Some(var.value.clone()),
                source: var.source,
                secret: var.secret,
            },
            None => EnvVar {
                name,
                value: None,
                source: Source::Unset,
                secret: false,
            },
        },
    }
}

/// Escapes control characters (`\n`, `\t` …) so a value stays on its row.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FileKind, Mode, ProcessEnv, Settings, SourceFile, SourceMap, load};

    fn table(compose: &str, dotenv: &str, process: &[(&str, &str)], env: Option<&str>) -> EnvTable {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("c.yml", compose, FileKind::Compose));
        sources.add(SourceFile::new(".env", dotenv, FileKind::Dotenv));
        let process = ProcessEnv {
            vars: process
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        };
        let settings = Settings {
            mode: env.map_or(Mode::Dev, |e| Mode::Deploy {
                environment: e.to_owned(),
                url: None,
            }),
            ..Settings::default()
        };
        EnvTable::build(&load(&sources, &process, &settings))
    }

    fn sources_of(t: &EnvTable, service: &str) -> Vec<(String, Option<String>, Source, bool)> {
        t.services
            .iter()
            .find(|s| s.service == service)
            .map(|s| {
                s.vars
                    .iter()
                    .map(|v| {
                        (
                            v.name.clone(),
                            v.display(false).map(str::to_owned),
                            v.source,
                            v.secret,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    const COMPOSE: &str = "services:
  app:
    image: app:1.0
    environment:
      - FROM_DOTENV
      - FROM_PROCESS
      - NOWHERE
      - WRITTEN=${FROM_DOTENV}-x
      - SV_PROD_TOKEN
      - TOKEN
      - DB_PASSWORD
      - WITH_SECRET=key:${TOKEN}
      - DUP=1
      - DUP=2
  postgresql:
    image: postgres:9.6
";

    #[test]
    fn dev_sources() {
        let t = table(
            COMPOSE,
            "FROM_DOTENV=d\nFROM_PROCESS=ignored\n",
            &[("FROM_PROCESS", "p"), ("SV_PROD_TOKEN", "hush")],
            None,
        );
        let s = |n: &str, v: Option<&str>, src, secret| {
            (n.to_owned(), v.map(str::to_owned), src, secret)
        };
        assert_eq!(
            sources_of(&t, "app"),
            [
                s("DB_PASSWORD", None, Source::Unset, false),
                s("DUP", Some("2"), Source::Compose, false),
                s("FROM_DOTENV", Some("d"), Source::Dotenv, false),
                s("FROM_PROCESS", Some("p"), Source::Process, false),
                s("NOWHERE", None, Source::Unset, false),
                s("SV_PROD_TOKEN", Some(MASK), Source::Process, true),
                s("TOKEN", None, Source::Unset, false),
                s("WITH_SECRET", Some("key:"), Source::Compose, false),
                s("WRITTEN", Some("d-x"), Source::Compose, false),
            ]
        );
        assert_eq!(sources_of(&t, "postgresql"), []);
        assert!(!format!("{t:?}").contains("hush"));
        assert!(t.render_json(true).contains("hush"));
        assert!(!t.render_json(false).contains("hush"));
        assert!(!t.render_human(false).contains("hush"));
    }

    #[test]
    fn deploy_sources() {
        let t = table(
            COMPOSE,
            "FROM_DOTENV=d\n",
            &[("SV_PROD_TOKEN", "hush"), ("FROM_PROCESS", "p")],
            Some("prod"),
        );
        let rows = sources_of(&t, "app");
        let find = |n: &str| rows.iter().find(|r| r.0 == n).cloned();
        assert_eq!(
            find("TOKEN"),
            Some(("TOKEN".into(), Some(MASK.into()), Source::Secret, true))
        );
        assert_eq!(
            find("WITH_SECRET"),
            Some((
                "WITH_SECRET".into(),
                Some(MASK.into()),
                Source::Compose,
                true
            ))
        );
        assert_eq!(
            find("DB_PASSWORD"),
            Some(("DB_PASSWORD".into(), None, Source::Unset, false))
        );
        assert_eq!(find("FROM_DOTENV").map(|r| r.2), Some(Source::Unset));
        assert_eq!(find("FROM_PROCESS").map(|r| r.2), Some(Source::Unset));
        let app = t.only("app").expect("app");
        let shown = app.render_human(true);
        assert!(shown.contains("key:hush"), "{shown}");
        assert!(!app.render_human(false).contains("hush"));
        assert!(t.only("nope").is_none());
    }

    #[test]
    fn platform_placeholders() {
        let compose = "services:
  app:
    image: app:1.0
    environment:
      - POSTGRES_PASSWORD
      - POSTGRES_USER
      - URL=postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db
  postgresql:
    image: postgres:9.6
";
        let t = table(compose, "", &[], Some("production"));
        let json = t.render_json(false);
        assert!(
            json.contains(r#""value": "<platform:POSTGRES_USER>""#),
            "{json}"
        );
        assert!(!json.contains("<platform:POSTGRES_PASSWORD>"), "{json}");
        let shown = t.render_json(true);
        assert!(
            shown.contains("postgres://<platform:POSTGRES_USER>:<platform:POSTGRES_PASSWORD>@db"),
            "{shown}"
        );
    }

    #[test]
    fn human_rows_stay_on_one_line() {
        assert_eq!(escape("a\nb\tc\u{1}"), "a\\nb\\tc\\u{1}");
    }
}
