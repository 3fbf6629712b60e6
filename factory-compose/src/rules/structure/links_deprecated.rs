use crate::diagnostic::{Diagnostics, Edit, Fix};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a service that uses `links`.
    ///
    /// ## Why is this bad?
    /// `links` is deprecated by Docker and by the platform: services of a project reach each
    /// other by service name on the project's network anyway. What `links` still adds, a start
    /// order, is what `depends_on` says explicitly.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1.0
    ///     links: [mysql]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1.0
    ///     depends_on: [mysql]
    /// ```
    ///
    /// ## Fix safety
    /// When the service has no `depends_on` and every link is a plain service name (no
    /// `service:alias`), the fix renames the `links` key to `depends_on`: the same start order,
    /// and the services still reach each other by name. With an alias or an existing
    /// `depends_on`, the change is left to the author.
    pub(crate) struct LinksDeprecated {
        code: "FC014",
        name: "links-deprecated",
        severity: Warning,
        summary: "`links` is deprecated: use `depends_on`",
    }
}

/// The help: with an alias (`db:database`), the service reached it by that name, which
/// `depends_on` does not give.
fn aliases_help(project: &crate::model::Project, svc: &crate::model::Service) -> String {
    let aliased: Vec<(&str, &str)> = svc
        .links()
        .iter()
        .flat_map(|l| l.items(project))
        .filter_map(|l| l.text(&project.tree).split_once(':'))
        .filter(|(name, alias)| name != alias && !alias.contains(':'))
        .collect();
    match aliased.as_slice() {
        [] => {
            "replace `links:` with `depends_on:`; services reach each other by name without links"
                .to_owned()
        }
        [(name, alias), ..] => format!(
            "replace `links:` with `depends_on:`, and make `{}` reach `{name}` by its service name instead of `{alias}`{}: without links there is no alias",
            svc.name(&project.tree),
            if aliased.len() > 1 {
                " (and the other aliases)"
            } else {
                ""
            }
        ),
    }
}

impl Rule for LinksDeprecated {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for svc in &cx.project.services {
            if let Some(key) = svc.key(&cx.project.tree, "links") {
                let mut d = key
                    .point(registry::diagnostic(
                        "FC014",
                        format!(
                            "service `{}` uses `links`, which is deprecated",
                            svc.name(&cx.project.tree)
                        ),
                    ))
                    .with_help(aliases_help(cx.project, svc));
                let plain = svc.links().is_some_and(|links| {
                    links.via(&cx.project.tree).is_none()
                        && links.items(cx.project).iter().all(|l| {
                            let text = l.text(&cx.project.tree);
                            !text.is_empty() && text.bytes().all(is_name_byte)
                        })
                });
                if plain
                    && svc.depends_on.is_none()
                    && key.via.is_none()
                    && cx.sources.get(key.at.file).slice(key.at.span) == "links"
                {
                    d = d.with_fix(Fix {
                        title: "rename `links` to `depends_on`".to_owned(),
                        edits: vec![Edit {
                            location: key.at,
                            replacement: "depends_on".to_owned(),
                        }],
                    });
                }
                out.push(d);
            }
        }
    }
}

/// A byte of a service name (Compose: `[a-zA-Z0-9._-]`).
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
}
