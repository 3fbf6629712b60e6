use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::Diagnostics;
use crate::model::{Form, KeyValue};
use crate::rules::{Context, Rule, declare_rule, registry};
use crate::span::Location;

declare_rule! {
    /// ## What it does
    /// Reports a variable set twice in an `environment` list (`- KEY=a` … `- KEY=b`). It points
    /// at the later item, with a label on the earlier one. (A key given twice in the mapping
    /// form is a duplicate YAML key: FC003 reports it.)
    ///
    /// ## Why is this bad?
    /// Compose silently keeps the last value: whoever edits the first item sees no effect. It is
    /// usually a copy-paste leftover or a merge that kept both sides.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       - DEBUG=1
    ///       - ENV=production
    ///       - DEBUG=0
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
    pub(crate) struct DuplicateEnvironmentVariable {
        code: "FE010",
        name: "duplicate-environment-variable",
        severity: Warning,
        summary: "environment key given twice in list form (a duplicate map key is FC003)",
    }
}

impl Rule for DuplicateEnvironmentVariable {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        let mut reported = BTreeSet::new();
        for svc in &cx.project.services {
            let mut first: BTreeMap<&str, &KeyValue> = BTreeMap::new();
            for kv in svc
                .env_entries(cx.project)
                .iter()
                .filter(|kv| kv.form == Form::List)
            {
                let name = kv.key(tree);
                if name.trim().is_empty() {
                    continue; // FE009
                }
                let Some(earlier) = first.get(name).copied() else {
                    first.insert(name, kv);
                    continue;
                };
                // The same list inherited by several services is reported once.
                if !reported.insert(kv.node) {
                    continue;
                }
                out.push(repeated(
                    name,
                    svc.name(&cx.project.tree),
                    (kv.key_at(tree), svc.environment.and_then(|e| e.via(tree))),
                    earlier.key_at(tree),
                ));
            }
        }
    }
}

/// FE010 for `name`, repeated in the `environment` list of `service`: at the later item (or the
/// `<<` line it comes through), the first one as a secondary label. The rule reports what the
/// model keeps; loading reports what a merge of several files drops.
pub(crate) fn repeated(
    name: &str,
    service: &str,
    (at, via): (Location, Option<Location>),
    first: Location,
) -> crate::Diagnostic {
    registry::diagnostic(
        "FE010",
        format!(
            "`{name}` is set twice in the `environment` of service `{service}`: Compose keeps the later value"
        ),
    )
    .at_inherited(at, via)
    .with_secondary(first, "first set here")
    .with_help(format!("remove one of the two `{name}` items"))
}
