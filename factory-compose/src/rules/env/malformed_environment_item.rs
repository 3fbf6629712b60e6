use std::collections::BTreeSet;

use crate::diagnostic::Diagnostics;
use crate::model::Form;
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::span::Location;

declare_rule! {
    /// ## What it does
    /// Reports an `environment` list item that does not name a variable: `- =value`, an empty
    /// item, or a name with blanks (`- KEY = value`, whose name is `KEY ` and value ` value`).
    ///
    /// ## Why is this bad?
    /// Compose keeps the item as written (a variable with an empty name, or a name ending with a
    /// blank): Docker refuses to create the container (`invalid environment variable`), or the
    /// application looks for `KEY` and never finds `KEY `.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       - =production
    ///       - DEBUG = 0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       - ENV=production
    ///       - DEBUG=0
    /// ```
    pub(crate) struct MalformedEnvironmentItem {
        code: "FE009",
        name: "malformed-environment-item",
        severity: Error,
        summary: "malformed `environment` list item (`=value`, empty name)",
    }
}

impl Rule for MalformedEnvironmentItem {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        let mut reported = BTreeSet::new();
        for svc in &cx.project.services {
            for kv in svc
                .env_entries(cx.project)
                .iter()
                .filter(|kv| kv.form == Form::List)
            {
                let Some(problem) = problem(kv.key(tree), kv.has_value()) else {
                    continue;
                };
                if !reported.insert(kv.node) {
                    continue;
                }
                let node = cx.project.tree.node(kv.node);
                let item = Location::new(node.file, node.span);
                let (message, help) = match problem {
                    Problem::Empty => (
                        format!(
                            "an `environment` item of service `{}` is empty",
                            svc.name(&cx.project.tree)
                        ),
                        "remove the item, or write `- NAME=value`".to_owned(),
                    ),
                    Problem::NoName => (
                        format!(
                            "an `environment` item of service `{}` has no variable name before `=`",
                            svc.name(&cx.project.tree)
                        ),
                        "write the variable's name before `=`: `- NAME=value`".to_owned(),
                    ),
                    Problem::Blanks => {
                        let name = kv.key(tree).trim();
                        let value = kv.value(tree).map_or("", str::trim_start);
                        let help = if name.contains(char::is_whitespace) {
                            // `- MY KEY=1`: no trimming makes it a name.
                            let joined: String =
                                name.split_whitespace().collect::<Vec<_>>().join("_");
                            format!("a variable's name has no blanks: write `- {joined}={value}`")
                        } else {
                            format!(
                                "write `- {name}={value}`: Compose keeps blanks around `=` as part of the name and the value"
                            )
                        };
                        (
                            format!(
                                "the `environment` item `{}` of service `{}` has blanks in its name",
                                kv.key(tree),
                                svc.name(&cx.project.tree)
                            ),
                            help,
                        )
                    }
                };
                out.push(
                    registry::diagnostic("FE009", message)
                        .at_inherited(item, svc.environment.and_then(|e| e.via(tree)))
                        .with_help(help),
                );
            }
        }
    }
}

/// What is wrong with a list item's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    /// `- ""`, `- " "`
    Empty,
    /// `- =value`
    NoName,
    /// `- KEY = value`, `- " KEY=value"`
    Blanks,
}

fn problem(name: &str, has_value: bool) -> Option<Problem> {
    if name.trim().is_empty() {
        Some(if has_value {
            Problem::NoName
        } else {
            Problem::Empty
        })
    } else if name.contains(char::is_whitespace) {
        Some(Problem::Blanks)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{Problem, problem};

    #[test]
    fn names() {
        assert_eq!(problem("", true), Some(Problem::NoName));
        assert_eq!(problem(" ", true), Some(Problem::NoName));
        assert_eq!(problem("", false), Some(Problem::Empty));
        assert_eq!(problem("  ", false), Some(Problem::Empty));
        assert_eq!(problem("KEY ", true), Some(Problem::Blanks));
        assert_eq!(problem(" KEY", false), Some(Problem::Blanks));
        assert_eq!(problem("MY KEY", true), Some(Problem::Blanks));
        assert_eq!(problem("KEY", false), None);
        assert_eq!(problem("weird.name-1", true), None);
    }
}
