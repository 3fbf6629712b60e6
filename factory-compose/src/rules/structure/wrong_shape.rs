use crate::rules::{declare_rule, reported_elsewhere};

declare_rule! {
    /// ## What it does
    /// Reports a compose document, a `services` key or a service that is not a mapping.
    ///
    /// ## Why is this bad?
    /// Compose reads the file as a mapping of top-level keys, `services` as a mapping of service
    /// names, and each service as a mapping of keys. Anything else (a list, a string) is refused.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   - app
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    /// ```
    pub(crate) struct WrongShape {
        code: "FC002",
        name: "wrong-shape",
        severity: Error,
        summary: "wrong shape: document, `services` or a service is not a mapping",
    }
}
reported_elsewhere!(WrongShape);
