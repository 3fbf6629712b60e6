use std::collections::HashMap;

use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a `depends_on` or `links` entry that names a service the project does not define.
    ///
    /// ## Why is this bad?
    /// Compose refuses the project (`service "app" depends on undefined service "db"`). Often the
    /// service was renamed (`db` → `postgresql`, the managed-service name) and one reference was
    /// left behind.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1.0
    ///     depends_on: [db]
    ///   postgresql:
    ///     image: postgres:9.6
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1.0
    ///     depends_on: [postgresql]
    ///   postgresql:
    ///     image: postgres:9.6
    /// ```
    pub(crate) struct UnknownService {
        code: "FC029",
        name: "unknown-service",
        severity: Error,
        summary: "`depends_on`/`links` names an unknown service",
    }
}

impl Rule for UnknownService {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        // The names for the help, listed only when something is reported.
        let mut names: Option<Vec<&str>> = None;
        // Each name looked up once; past SUGGESTION_BUDGET comparisons in all, no more
        // suggestions (a project of 40 000 services naming 40 000 unknown ones took two minutes).
        let mut suggested: HashMap<&str, Option<&str>> = HashMap::new();
        let mut budget = SUGGESTION_BUDGET;
        for svc in &cx.project.services {
            for (key, list) in [
                ("depends_on", svc.depends_on.as_ref()),
                ("links", svc.links()),
            ] {
                let Some(list) = list else { continue };
                for item in list.items(cx.project) {
                    let text = item.text(&cx.project.tree);
                    let target = if key == "links" {
                        crate::model::link_target(text)
                    } else {
                        text
                    };
                    // A map for the membership test: a scan per item is quadratic in services.
                    if target.contains('$') || cx.service_index(target).is_some() {
                        continue;
                    }
                    let names = names.get_or_insert_with(|| {
                        cx.project
                            .services
                            .iter()
                            .map(|s| s.name(&cx.project.tree))
                            .collect()
                    });
                    let suggestion = *suggested.entry(target).or_insert_with(|| {
                        budget = budget.checked_sub(names.len())?;
                        crate::platform::did_you_mean(target, names)
                    });
                    let help = match suggestion {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => services_help(names),
                    };
                    out.push(
                        registry::diagnostic("FC029", format!("`{key}` of `{}` names `{target}`, which is not a service of this project", svc.name(&cx.project.tree)))
                            .at_inherited(item.at(&cx.project.tree), list.via(&cx.project.tree))
                            .with_help(help),
                    );
                }
            }
        }
    }
}

/// How many name comparisons FC029's suggestions may cost in a run.
const SUGGESTION_BUDGET: usize = 2_000_000;

/// How many service names FC029's help lists: the help repeats on each unknown name, and a
/// project of thousands of services would repeat them all.
const LISTED: usize = 10;

/// "the services are: a, b", the first [`LISTED`] names and how many more.
fn services_help(names: &[&str]) -> String {
    let shown = names.get(..LISTED).unwrap_or(names).join(", ");
    match names.len().saturating_sub(LISTED) {
        0 => format!("the services are: {shown}"),
        more => format!("the services are: {shown} and {more} more"),
    }
}
