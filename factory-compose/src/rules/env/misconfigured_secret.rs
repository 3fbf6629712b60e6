use std::collections::BTreeSet;

use factory_env::{Op, SvProblem, parse_secret_name};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::settings::Mode;
use crate::span::{Location, Span};

declare_rule! {
    /// ## What it does
    /// Checks the secret variables (`SV_<ENVIRONMENT>_<NAME>`) of the CI environment and of
    /// `.env`: a name whose environment part is not upper-case (`SV_prod_API_KEY`), or that has
    /// no environment or no name part (`SV_PRODUCTION`), and, when linting a deployed
    /// environment (`-e NAME`), a secret that is set for other environments but not this one.
    ///
    /// ## Why is this bad?
    /// The platform looks for `SV_` + the environment name upper-cased + `_`: a secret with a
    /// mis-cased or missing part never reaches any environment, and a secret defined for
    /// `staging` only leaves the production service without it. The application then runs with
    /// an empty value or a default meant for development.
    ///
    /// A malformed name that comes from the CI environment has no place in the project's files:
    /// the diagnostic points at the compose value that uses the variable when there is one.
    ///
    /// ## Example
    /// ```yaml
    /// # GitLab CI/CD variables
    /// SV_production_API_KEY=...
    /// SV_STAGING_SENTRY_DSN=...
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # GitLab CI/CD variables
    /// SV_PRODUCTION_API_KEY=...
    /// SV_STAGING_SENTRY_DSN=...
    /// SV_PRODUCTION_SENTRY_DSN=...
    /// ```
    pub(crate) struct MisconfiguredSecret {
        code: "FE006",
        name: "misconfigured-secret",
        severity: Warning,
        summary: "`SV_` name malformed (lower-case environment, no name part) or a secret set for some environments but not the deployed one",
    }
}

impl Rule for MisconfiguredSecret {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let deployed = match &cx.settings.mode {
            Mode::Deploy { environment, .. } => Some(environment.to_uppercase()),
            Mode::Dev => None,
        };
        // `.env` names have a place; process names point at a use in compose, if any.
        let mut seen = BTreeSet::new();
        for (file, entry) in &cx.dotenv.entries {
            if !entry.key.starts_with("SV_") || !seen.insert(entry.key.clone()) {
                continue;
            }
            if let Err(problem) = parse_secret_name(&entry.key) {
                let start = u32::try_from(entry.key_span.start).unwrap_or(u32::MAX);
                let end = u32::try_from(entry.key_span.end).unwrap_or(u32::MAX);
                let at = Location::new(*file, Span::new(start, end.max(start)));
                out.push(malformed(&problem).at(at));
            }
        }
        let mut seen = BTreeSet::new();
        for (name, _) in &cx.process.vars {
            if !name.starts_with("SV_") || !seen.insert(name.as_str()) {
                continue;
            }
            let Err(problem) = parse_secret_name(name) else {
                continue;
            };
            let applies_to = match &problem {
                SvProblem::LowercaseEnvironment { environment, .. } => name
                    .strip_prefix("SV_")
                    .and_then(|r| r.strip_prefix(environment.as_str()))
                    .and_then(|r| r.strip_prefix('_'))
                    .map(|var| (environment.to_uppercase(), var.to_owned())),
                _ => None,
            };
            let mut d = malformed(&problem);
            if let Some((environment, var)) = &applies_to {
                // FE007 already says why a use of `var` is empty in this environment.
                if deployed.as_deref() == Some(environment.as_str()) && reported_unset(cx, var) {
                    continue;
                }
                if let Some(at) = first_use(cx, var).or_else(|| first_use(cx, name)) {
                    d = d.at(at);
                }
            } else if let Some(at) = first_use(cx, name) {
                d = d.at(at);
            }
            out.push(d);
        }
        let Some(deployed) = deployed else { return };
        for missing in cx.variables.missing_secrets() {
            // A mis-cased `SV_production_X` is reported above as malformed.
            if missing.set_for.iter().any(|e| e.to_uppercase() == deployed)
                || reported_unset(cx, &missing.name)
            {
                continue;
            }
            let others: Vec<String> = missing
                .set_for
                .iter()
                .map(|e| format!("`SV_{e}_{}`", missing.name))
                .collect();
            let mut d = registry::diagnostic(
                "FE006",
                format!(
                    "the secret `{}` is set for other environments ({}) but not for `{}`",
                    missing.name,
                    others.join(", "),
                    deployed.to_lowercase()
                ),
            )
            .with_help(format!(
                "define `SV_{deployed}_{}` in the project's CI/CD variables, or remove the others if `{}` is no longer used",
                missing.name, missing.name
            ));
            if let Some(at) = first_use(cx, &missing.name) {
                d = d.at(at);
            }
            out.push(d);
        }
    }
}

fn malformed(problem: &SvProblem) -> Diagnostic {
    let help = match problem {
        SvProblem::LowercaseEnvironment { name, environment } => {
            let rest = name
                .strip_prefix("SV_")
                .and_then(|r| r.strip_prefix(environment.as_str()))
                .unwrap_or("");
            format!(
                "rename it `SV_{}{rest}`: the environment part is the environment name upper-cased",
                environment.to_uppercase()
            )
        }
        _ => "name secrets `SV_<ENVIRONMENT>_<NAME>`, e.g. `SV_PRODUCTION_API_KEY` for `API_KEY` in `production`".to_owned(),
    };
    registry::diagnostic("FE006", problem.to_string()).with_help(help)
}

/// Where compose uses `name`: a `${name}` in a value, else a bare `- name` environment item.
fn first_use(cx: &Context<'_>, name: &str) -> Option<Location> {
    if let Some(u) = cx
        .interpolation
        .uses
        .iter()
        .find(|u| cx.interpolation.name(u) == name)
    {
        return Some(u.location);
    }
    let tree = &cx.project.tree;
    cx.project.services.iter().find_map(|svc| {
        let env = svc.environment?;
        let kv = env
            .entries(cx.project)
            .iter()
            .find(|kv| !kv.has_value() && kv.key(tree) == name)?;
        Some(env.via(tree).unwrap_or(kv.key_at(tree)))
    })
}

/// Whether the loader reported a use of `name` as not provided (FE007): used without a default,
/// not as `${name?...}`, and the deployed environment does not set it.
fn reported_unset(cx: &Context<'_>, name: &str) -> bool {
    cx.settings.is_deploy()
        && cx.variables.variable(name).is_none()
        && (cx.interpolation.uses.iter().any(|u| {
            cx.interpolation.name(u) == name
                && !u.has_default
                && !matches!(u.op, Some(Op::RequireNonEmpty | Op::RequireSet))
        }) || bare_item(cx, name))
}

/// Whether a service takes `name` as a bare `- NAME` environment item (or `NAME:` with no
/// value): deployed, FE007 reports it when the platform does not set it.
fn bare_item(cx: &Context<'_>, name: &str) -> bool {
    let tree = &cx.project.tree;
    cx.project.services.iter().any(|svc| {
        svc.env_entries(cx.project)
            .iter()
            .any(|kv| !kv.has_value() && kv.key(tree) == name)
    })
}
