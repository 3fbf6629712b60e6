use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a cycle in `depends_on` (`a` → `b` → `a`), pointing at the entry that closes it.
    /// A cycle of more than twelve services is shown by its first eight and last four, with
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
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let deps = services[node]
                    .depends_on
                    .as_ref()
                    .map_or(&[][..], |d| d.value.as_slice());
                if *next >= deps.len() {
                    state[node] = 2;
                    stack.pop();
                    continue;
                }
                let dep = &deps[*next];
                *next += 1;
                let Some(target) = index(&dep.value) else {
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
                        let via = services[node].depends_on.as_ref().and_then(|d| d.via);
                        out.push(
                            registry::diagnostic("FC030", format!("`depends_on` forms a cycle: {}", crate::diagnostic::chain_text(&path, " → ")))
                                .at_inherited(dep.at, via)
                                .with_secondary(services[target].name.at, "the cycle starts here")
                                .with_help("remove one of these dependencies; Compose cannot order services that wait for each other"),
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}
