use crate::rules::{declare_rule, reported_elsewhere};

declare_rule! {
    /// ## What it does
    /// Reports a label or environment value written as a YAML boolean (`true`, `false`), a list
    /// or a mapping.
    ///
    /// ## Why is this bad?
    /// Labels and environment values are strings. The Compose of the platform's era (file format
    /// 3.x, Compose v1) refuses a boolean there (`contains true, which is an invalid type, it
    /// should be a string, number, or a null`), and `traefik.enable: true` is the classic way to
    /// break a deployment that worked locally. Lists and maps are refused by every Compose.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     labels:
    ///       traefik.enable: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     labels:
    ///       traefik.enable: 'true'
    /// ```
    pub(crate) struct NonStringValue {
        code: "FC021",
        name: "non-string-value",
        severity: Error,
        summary: "a label or environment value is a YAML boolean, list or map (quote it)",
    }
}
reported_elsewhere!(NonStringValue);
