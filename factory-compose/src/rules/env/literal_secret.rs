use std::collections::BTreeSet;

use factory_env::{Template, has_interpolation, looks_secret};

use crate::diagnostic::Diagnostics;
use crate::model::Form;
use crate::rules::{
    Context, Rule, contains_ignore_case, declare_rule, ends_with_ignore_case, registry,
};
use crate::span::{Location, Span};
use crate::yaml::scalar_text;

declare_rule! {
    /// ## What it does
    /// Reports a variable whose name looks secret (it contains `PASSWORD`, `SECRET` or `TOKEN`,
    /// or ends with `_KEY`) and whose value is written literally: in a service's `environment`
    /// without a `$` variable, or in `.env`. Names that say where a secret is or how it is used
    /// (`*_FILE`, `*_PATH`, `*_DIR`, `*_NAME`, `*_URL`, `*_URI`, `*_ENDPOINT`, `*_LENGTH`,
    /// `*_TTL`, `*_LIFETIME`, `*_EXPIRY`, `*_TIMEOUT`, `*_HEADER`), switches
    /// (`MYSQL_ALLOW_EMPTY_PASSWORD`) and empty or boolean values are not reported, nor a `.env`
    /// value of a variable the platform gives when deployed (a managed database's password for
    /// a `postgresql`, `mysql` or `mongodb` service, `MAILS_TOKEN`, `INFLUXDB_PASSWORD`).
    ///
    /// A credential of a known format is reported whatever the variable's name, also inside a
    /// default (`${GITLAB_TOKEN:-glpat-…}`) or a longer value (a URL): a GitLab token (`glpat-`,
    /// `glptt-`, `gldt-`, `glrt-`), a GitHub token (`ghp_`, `github_pat_` …), an AWS access key
    /// (`AKIA…`), a Slack token (`xoxb-` …), a Stripe secret key (`sk_live_`), a Google API key
    /// (`AIza…`) or a PEM private key. Each is recognised by its documented prefix and length, so
    /// a development value such as `${SECRET_KEY:-dev}` is not.
    ///
    /// ## Why is this bad?
    /// The compose file and `.env` are committed: the value is readable by everyone with access
    /// to the repository, stays in its history, and is the same in every environment. The
    /// platform provides secrets per environment as `SV_<ENVIRONMENT>_<NAME>` CI variables,
    /// which compose reads as `${NAME}`. Values that only serve local development may stay in
    /// `.env`, but never real credentials.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       DJANGO_SECRET_KEY: 3x4mpl3-k3y
    /// ```
    ///
    /// Use instead: take it from a variable, set in `.env` for development and as the secret
    /// `SV_PRODUCTION_DJANGO_SECRET_KEY` in CI.
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       DJANGO_SECRET_KEY: ${DJANGO_SECRET_KEY}
    /// ```
    pub(crate) struct LiteralSecret {
        code: "FE008",
        name: "literal-secret",
        severity: Warning,
        summary: "a secret-looking variable (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*_KEY`) has a literal value in compose or `.env`",
    }
}

impl Rule for LiteralSecret {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        let mut reported = BTreeSet::new();
        for svc in &cx.project.services {
            for kv in svc.env_entries(cx.project) {
                let Some(value) = kv.value(tree) else {
                    continue;
                };
                // The text as written: only a scalar the interpolation rendered has another.
                let written = if tree.node(kv.node).interpolated {
                    cx.interpolation.raw_of(tree, kv.node)
                } else {
                    None
                };
                let Some(raw) = written.or_else(|| scalar_text(tree, kv.node)) else {
                    continue;
                };
                let name = kv.key(tree);
                // Where the value starts in the scalar's written text.
                let value_start = match kv.form {
                    Form::List => name.len() + 1,
                    Form::Map => 0,
                };
                let raw_value = raw.get(value_start..).unwrap_or("");
                let inherited = svc.environment.and_then(|e| e.via(tree)).or(kv.via(tree));
                if holds_secret(name, value) && is_literal(raw_value) && reported.insert(kv.node) {
                    let at = match kv.form {
                        Form::Map => kv.value_at(tree),
                        Form::List => {
                            let len = scalar_text(tree, kv.node).map_or(value_start, str::len);
                            crate::locate::in_scalar(tree, cx.sources, kv.node, value_start..len)
                        }
                    };
                    let instead = match kv.form {
                        Form::Map => format!("`{name}: ${{{name}}}`"),
                        Form::List => format!("`- {name}=${{{name}}}`"),
                    };
                    out.push(
                        registry::diagnostic(
                            "FE008",
                            format!(
                                "`{name}` of service `{}` looks secret but its value is written in the compose file",
                                svc.name(&cx.project.tree)
                            ),
                        )
                        .at_inherited(at, inherited)
                        .with_help(format!(
                            "take it from a variable: {instead}, with a development value in `.env` and the secret `SV_<ENVIRONMENT>_{name}` in CI"
                        )),
                    );
                } else if let Some((range, kind)) = factory_env::find_credential(raw_value)
                    && reported.insert(kv.node)
                {
                    // Written in the file (as the value, or as a `${X:-…}` default): whatever
                    // the variable's name, the credential is in the repository.
                    let range = value_start + range.start..value_start + range.end;
                    let at = crate::locate::in_scalar_text(tree, cx.sources, kv.node, raw, range);
                    out.push(
                        registry::diagnostic(
                            "FE008",
                            format!(
                                "the value of `{name}` of service `{}` holds {kind} written in the compose file",
                                svc.name(&cx.project.tree)
                            ),
                        )
                        .at_inherited(at, inherited)
                        .with_help(format!(
                            "revoke it, and take it from a variable instead: `${{{name}}}`, with the secret `SV_<ENVIRONMENT>_{name}` in CI (a default in `${{{name}:-…}}` is written in the file too)"
                        )),
                    );
                }
            }
        }
        // Deployed, the platform gives these itself (SPEC §3.7): a development value in `.env`
        // (for the local database container) is no secret of the deployed project.
        // The managed services the project declares are found once, not per `.env` entry (a
        // project with many services and many entries walked one for the other), and only
        // when an entry asks (most runs have no secret-looking entry).
        let managed: std::cell::OnceCell<Vec<factory_env::ManagedService>> =
            std::cell::OnceCell::new();
        let managed = || {
            managed.get_or_init(|| {
                let mut found: Vec<factory_env::ManagedService> = Vec::new();
                for s in &cx.project.services {
                    if let Some(m) =
                        factory_env::ManagedService::from_service_name(s.name(&cx.project.tree))
                        && !found.contains(&m)
                    {
                        found.push(m);
                    }
                }
                found
            })
        };
        let given = |name: &str| {
            factory_env::MAIL_VARIABLES.contains(&name)
                || factory_env::METRICS_VARIABLES.contains(&name)
                || managed().iter().any(|m| m.variables().contains(&name))
        };
        for (file, entry) in &cx.dotenv.entries {
            if entry.inherited {
                continue;
            }
            let raw = cx
                .sources
                .get(*file)
                .text
                .get(entry.value_span.clone())
                .unwrap_or("");
            let literal = entry.quoted == Some('\'') || !has_interpolation(raw);
            if !(literal && holds_secret(&entry.key, &entry.value) && !given(&entry.key)) {
                // A credential of a known format is no development value, whatever the name.
                if let Some((range, kind)) = factory_env::find_credential(raw) {
                    let start = entry.value_span.start + range.start;
                    out.push(
                        registry::diagnostic(
                            "FE008",
                            format!(
                                "the value of `{}` in `.env` holds {kind}, and `.env` is committed",
                                entry.key
                            ),
                        )
                        .at(Location::new(
                            *file,
                            Span::of_range(start..entry.value_span.start + range.end),
                        ))
                        .with_help(format!(
                            "revoke it; keep only development values in `.env`, deployed environments get the secret `SV_<ENVIRONMENT>_{}` from CI",
                            entry.key
                        )),
                    );
                }
                continue;
            }
            let start = u32::try_from(entry.value_span.start).unwrap_or(u32::MAX);
            let end = u32::try_from(entry.value_span.end).unwrap_or(u32::MAX);
            out.push(
                registry::diagnostic(
                    "FE008",
                    format!(
                        "`{}` looks secret but its value is written in `.env`, which is committed",
                        entry.key
                    ),
                )
                .at(Location::new(*file, Span::new(start, end.max(start))))
                .with_help(format!(
                    "keep only development values in `.env`; deployed environments get the secret `SV_<ENVIRONMENT>_{}` from CI",
                    entry.key
                )),
            );
        }
    }
}

/// Whether `name=value` looks like a secret written down: a secret-looking name, but not one
/// that names where a secret is (`*_FILE`, `*_PATH`, `*_DIR`, `*_NAME`) or a switch about it
/// (`MYSQL_ALLOW_EMPTY_PASSWORD=yes`), and a value that is not empty or a boolean.
fn holds_secret(name: &str, value: &str) -> bool {
    // Cheapest first, no allocation: every test is pure, so the order does not change the result.
    let switch = ["", "true", "false", "yes", "no", "on", "off", "0", "1"]
        .iter()
        .any(|w| value.eq_ignore_ascii_case(w));
    if switch {
        return false;
    }
    // Settings about a secret, not the secret: where it is, how long, when it expires.
    let about_a_secret = [
        "_FILE",
        "_PATH",
        "_DIR",
        "_NAME",
        "_URL",
        "_URI",
        "_ENDPOINT",
        "_LENGTH",
        "_TTL",
        "_LIFETIME",
        "_EXPIRY",
        "_TIMEOUT",
        "_HEADER",
    ]
    .iter()
    .any(|s| ends_with_ignore_case(name, s))
        || contains_ignore_case(name, "ALLOW_EMPTY");
    !about_a_secret && looks_secret(name)
}

/// Whether a compose value (before interpolation) is written without any variable.
fn is_literal(raw: &str) -> bool {
    Template::parse(raw).is_ok_and(|t| t.variables().is_empty())
}

#[cfg(test)]
mod tests {
    use super::is_literal;

    #[test]
    fn secrets_written_down() {
        use super::holds_secret;
        for (name, value) in [
            ("DB_PASSWORD", "hunter2"),
            ("API_KEY", "k"),
            ("gitlab_token", "x"),
        ] {
            assert!(holds_secret(name, value), "{name}={value}");
        }
        for (name, value) in [
            ("MYSQL_ROOT_PASSWORD_FILE", "/run/secrets/db"),
            ("MYSQL_ALLOW_EMPTY_PASSWORD", "yes"),
            ("FLEET_TOKEN_POLICY_NAME", "policy"),
            ("SECRET_DIR", "/secrets"),
            ("DB_PASSWORD", ""),
            ("USE_TOKEN", "true"),
            ("USER", "bob"),
            ("PASSWORD_MIN_LENGTH", "12"),
            ("TOKEN_URL", "https://auth.example.com/oauth/token"),
            ("SESSION_TOKEN_TTL", "3600"),
        ] {
            assert!(!holds_secret(name, value), "{name}={value}");
        }
    }

    #[test]
    fn literal_values() {
        for raw in ["hunter2", "pa$$word", "", "a b"] {
            assert!(is_literal(raw), "{raw}");
        }
        for raw in ["${PASSWORD}", "$PASSWORD", "x-${A:-b}", "${", "${A.B}"] {
            assert!(!is_literal(raw), "{raw}");
        }
    }
}
