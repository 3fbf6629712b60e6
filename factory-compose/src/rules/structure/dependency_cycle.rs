use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a cycle in `depends_on` (`a` → `b` → `a`), pointing at the entry that closes it.
    /// A `links` item is a dependency too (Compose starts the linked service first), so a cycle
    /// may go through links. A cycle of more than twelve services is shown by its first eight and last four, with
    /// the number of the others between them
    /// (`a0 → a1 → … → a7 → … 19 more … → a28 → a29 → a0`).
    ///
    /// ## Why is this bad?
    /// Compose cannot order the services and refuses the project
    /// (`dependency cycle detected`).
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

impl Rule for DependencyCycle {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let services = &cx.project.services;
        // Services by name (first occurrence), so the walk is linear in services + edges.
        let index = |name: &str| cx.service_index(name);
        // Each service's dependencies: `depends_on`, then the services its `links` name that
        // `depends_on` does not (`service` or `service:alias`, as compose-go reads them).
        let deps: Vec<Vec<Dep<'_>>> = services
            .iter()
            .map(|svc| {
                let mut deps: Vec<Dep<'_>> = svc
                    .depends_on
                    .iter()
                    .flat_map(|d| {
                        d.value
                            .iter()
                            .map(move |e| (e.value.as_str(), e.at, d.via, false))
                    })
                    .collect();
                for l in svc
                    .links
                    .iter()
                    .flat_map(|l| l.value.iter().map(move |e| (e, l.via)))
                {
                    let (link, via) = l;
                    let parts: Vec<&str> = link.value.split(':').collect();
                    let name = if parts.len() == 2 {
                        parts[0]
                    } else {
                        link.value.as_str()
                    };
                    if !deps.iter().any(|d| d.0 == name) {
                        deps.push((name, link.at, via, true));
                    }
                }
                deps
            })
            .collect();
        // Iterative DFS in file order; a grey → grey edge closes a cycle.
        let mut state = vec![0u8; services.len()]; // 0 white, 1 grey, 2 black
        for start in 0..services.len() {
            if state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let Some(&(name, at, via, link)) = deps[node].get(*next) else {
                    state[node] = 2;
                    stack.pop();
                    continue;
                };
                *next += 1;
                let Some(target) = index(name) else {
                    continue;
                };
                match state[target] {
                    0 => {
                        state[target] = 1;
                        stack.push((target, 0));
                    }
                    1 => {
                        let from = stack.iter().position(|&(n, _)| n == target).unwrap_or(0);
                        let mut path: Vec<&str> = stack[from..]
                            .iter()
                            .map(|&(n, _)| services[n].name.value.as_str())
                            .collect();
                        path.push(&services[target].name.value);
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
                                .with_secondary(services[target].name.at, "the cycle starts here")
                                .with_help(help),
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}
