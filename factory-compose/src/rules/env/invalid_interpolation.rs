use crate::rules::{declare_rule, reported_elsewhere};

declare_rule! {
    /// ## What it does
    /// Reports a value Compose cannot interpolate: an unclosed `${`, a `${VAR` without `}`, a
    /// name that is not a variable name (`${1}`, `${A.B}`), or an operator Compose does not
    /// support (`${A:=x}`). It points at the exact column.
    ///
    /// ## Why is this bad?
    /// Compose refuses the whole file (`invalid interpolation format`). A literal `$` must be
    /// written `$$`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE/app:${CI_COMMIT_SHA}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    /// ```
    pub(crate) struct InvalidInterpolation {
        code: "FE001",
        name: "invalid-interpolation",
        severity: Error,
        summary: "interpolation syntax error (`${`, `${VAR`, bad name), pointing at the exact column",
    }
}
reported_elsewhere!(InvalidInterpolation);
