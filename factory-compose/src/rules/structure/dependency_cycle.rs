use crate::diagnostic::Diagnostics;
use crate::model::{Project, Service};
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a cycle in `depends_on` (`a` → `b` → `a`), pointing at the entry that closes it.
    /// A `links` item is a dependency too (Compose starts the linked service first), so a cycle
    /// may go through links. A cycle of more than twelve services is shown by its first eight
    /// and last four, with the number of the others between them
    /// (`a0 → a1 → … → a7 → … 19 more … → a28 → a29 → a0`).
    ///
    /// In `.gitlab-ci.yml`, it reports an `extends` name that names a template (or the job)
    /// it was reached through (`.a` extends `.b`, which extends `.a`), at the name that closes
    /// the circle: following each job's templates, then the templates no job reaches (GitLab
    /// resolves them too).
    ///
    /// ## Why is this bad?
    /// Compose cannot order the services and refuses the project
    /// (`dependency cycle detected`). GitLab refuses a pipeline whose `extends` go round in a
    /// circle (`circular dependency detected in \`extends\``).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1.0
    ///     depends_on: [worker]
    ///   worker:
    ///     image: app:1.0
    ///     depends_on: [app]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1.0
    ///     depends_on: [worker]
    ///   worker:
    ///     image: app:1.0
    /// ```
    pub(crate) struct DependencyCycle {
        code: "FC030",
        name: "dependency-cycle",
        severity: Error,
        summary: "`depends_on` cycle",
    }
}

/// A dependency: the service it names, where, through which `<<` line, and whether it is a
/// `links` item.
type Dep<'a> = (
    &'a str,
    crate::span::Location,
    Option<crate::span::Location>,
    bool,
);

/// The dependency edges of `svc`, in order: its `depends_on` entries, then the services its
/// `links` items name (`service` or `service:alias`, as compose-go reads it; Compose starts a
/// linked service first). A link to a service `depends_on` or an earlier link already names is
/// left out: one edge per service, so a cycle is reported once.
fn dependencies<'a>(project: &'a Project, svc: &'a Service) -> Vec<Dep<'a>> {
    let tree = &project.tree;
    let depends_on = svc.depends_on.as_ref();
    let on = depends_on.map_or(&[][..], |d| d.items(project));
    let via = depends_on.and_then(|d| d.via(tree));
    let mut deps: Vec<Dep<'a>> = on
        .iter()
        .map(|e| (e.text(tree), e.at(tree), via, false))
        .collect();
    let Some(links) = svc.links() else {
        return deps;
    };
    // The names already depended on, so that a service with many links skips a repeated
    // target in constant time instead of comparing it with every earlier entry.
    let mut named: std::collections::HashSet<&'a str> = deps.iter().map(|d| d.0).collect();
    let links_via = links.via(tree);
    for item in links.items(project) {
        let name = crate::model::link_target(item.text(tree));
        if named.insert(name) {
            deps.push((name, item.at(tree), links_via, true));
        }
    }
    deps
}

impl Rule for DependencyCycle {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let services = &cx.project.services;
        // Services by name (first occurrence), so the walk is linear in services + edges.
        let index = |name: &str| cx.service_index(name);
        // Iterative DFS in file order; a grey → grey edge closes a cycle.
        let mut state = vec![0u8; services.len()]; // 0 white, 1 grey, 2 black
        for start in 0..services.len() {
            if state[start] != 0 {
                continue;
            }
            // Each service's edges are listed once, when it turns grey, and walked from there.
            let mut stack: Vec<(usize, std::vec::IntoIter<Dep<'_>>)> = vec![(
                start,
                dependencies(cx.project, &services[start]).into_iter(),
            )];
            state[start] = 1;
            while let Some((node, edges)) = stack.last_mut() {
                let node = *node;
                let Some((name, at, via, link)) = edges.next() else {
                    state[node] = 2;
                    stack.pop();
                    continue;
                };
                let Some(target) = index(name) else {
                    continue;
                };
                match state[target] {
                    0 => {
                        state[target] = 1;
                        stack.push((
                            target,
                            dependencies(cx.project, &services[target]).into_iter(),
                        ));
                    }
                    1 => {
                        let from = stack.iter().position(|(n, _)| *n == target).unwrap_or(0);
                        let mut path: Vec<&str> = stack[from..]
                            .iter()
                            .map(|(n, _)| services[*n].name(&cx.project.tree))
                            .collect();
                        path.push(services[target].name(&cx.project.tree));
                        let chain = crate::diagnostic::chain_text(&path, " → ");
                        let (message, help) = if link {
                            (
                                format!("`links` forms a dependency cycle: {chain}"),
                                "remove one of these dependencies: Compose starts a linked service first, and cannot order services that wait for each other",
                            )
                        } else {
                            (
                                format!("`depends_on` forms a cycle: {chain}"),
                                "remove one of these dependencies; Compose cannot order services that wait for each other",
                            )
                        };
                        out.push(
                            registry::diagnostic("FC030", message)
                                .at_inherited(at, via)
                                .with_secondary(
                                    services[target].name_at(&cx.project.tree),
                                    "the cycle starts here",
                                )
                                .with_help(help),
                        );
                    }
                    _ => {}
                }
            }
        }
        for (_, ci) in cx.gitlab_ci() {
            for cycle in ci.extends_cycles() {
                let names: Vec<&str> = cycle.chain.iter().map(String::as_str).collect();
                out.push(
                    registry::diagnostic(
                        "FC030",
                        format!(
                            "`extends` goes round in a circle: {}: GitLab refuses the pipeline (circular dependency detected in `extends`)",
                            crate::diagnostic::chain_text(&names, " → ")
                        ),
                    )
                    .at_labelled(cycle.name, "names a template it is extended from")
                    .with_secondary(
                        cycle.job_key,
                        if cycle.from_job {
                            format!("job `{}` reads these templates", cycle.job)
                        } else {
                            format!(
                                "no job reads `{}`, but GitLab resolves the `extends` of every template",
                                cycle.job
                            )
                        },
                    )
                    .with_help("break the circle: a job or template cannot extend itself, directly or through others; until then GitLab runs no pipeline, and factory reads each template once"),
                );
            }
        }
    }
}
