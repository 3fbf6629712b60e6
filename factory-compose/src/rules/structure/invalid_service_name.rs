use crate::rules::{declare_rule, reported_elsewhere};

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

// Compose's schema refuses the name: the schema check reports it as the files load (and
// `config` refuses the project for it).
reported_elsewhere!(InvalidServiceName);

/// The help of FC035 for `name`: the characters allowed, and the name with the others made `_`.
pub(crate) fn service_name_help(name: &str) -> String {
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
    if fixed.is_empty() {
        "give the service a name of letters, digits, `.`, `_` and `-`".to_owned()
    } else {
        format!("use only letters, digits, `.`, `_` and `-`, e.g. `{fixed}`")
    }
}
