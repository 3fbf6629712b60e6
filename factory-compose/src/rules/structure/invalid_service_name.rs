use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a service name with characters other than letters, digits, `.`, `_` and `-`.
    ///
    /// ## Why is this bad?
    /// Compose refuses the project (`services additional properties 'my app' not allowed`); the
    /// name is also the host name other services use to reach this one.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   "my app":
    ///     image: app:1.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   my_app:
    ///     image: app:1.0
    /// ```
    pub(crate) struct InvalidServiceName {
        code: "FC035",
        name: "invalid-service-name",
        severity: Error,
        summary: "invalid service name",
    }
}

impl Rule for InvalidServiceName {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for svc in &cx.project.services {
            let name = &svc.name.value;
            if !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            {
                continue;
            }
            let fixed: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "._-".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let help = if fixed.is_empty() {
                "give the service a name of letters, digits, `.`, `_` and `-`".to_owned()
            } else {
                format!("use only letters, digits, `.`, `_` and `-`, e.g. `{fixed}`")
            };
            out.push(
                svc.name
                    .point(registry::diagnostic(
                        "FC035",
                        format!("`{name}` is not a valid service name"),
                    ))
                    .with_help(help),
            );
        }
    }
}
