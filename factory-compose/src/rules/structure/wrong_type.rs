use crate::rules::{declare_rule, reported_elsewhere};

declare_rule! {
    /// ## What it does
    /// Reports a key of the platform's allow-list whose value has the wrong type for Compose's
    /// schema: `image: 1.0` (a number), `environment: FOO` (a string), `tty: 1` … It also
    /// reports a repeated item in the lists whose items Compose wants unique (`depends_on`,
    /// `networks`, `security_opt`, `volumes_from`: "items at 0 and 1 are equal").
    ///
    /// ## Why is this bad?
    /// Compose validates the file against its schema and refuses it with
    /// `services.app.image must be a string`: nothing deploys.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: 1.0
    ///     expose: 9000
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: "1.0"
    ///     expose: ["9000"]
    /// ```
    pub(crate) struct WrongType {
        code: "FC020",
        name: "wrong-type",
        severity: Error,
        summary: "a key has the wrong type (Compose's schema)",
    }
}
reported_elsewhere!(WrongType);
