use crate::rules::{declare_rule, reported_elsewhere};

declare_rule! {
    /// ## What it does
    /// Reports a code in a `# factory: ignore=…` or `# factory: ignore-file=…` comment that
    /// silenced nothing: the rule does not fire on that line (or in that file), or the code is
    /// not a rule code at all. Also a comment meant as a suppression that factory cannot read
    /// (`# factory: ignore FC034` without `=`, `# factory: ignored=…`).
    ///
    /// A comment `# factory: ignore=CODE,…` at the end of a line silences those codes on that
    /// line; on a line of its own it silences them on the next line that is neither blank nor
    /// a comment. `# factory: ignore-file=CODE,…` anywhere in a file silences them in the whole
    /// file. This works in compose files, `.env` files and Dockerfiles (whole-line comments).
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real problem of that kind on that line, and tells
    /// readers about a problem that is no longer there.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1.0 # factory: ignore=FC034
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1.0
    /// ```
    pub(crate) struct UnusedSuppression {
        code: "FC901",
        name: "unused-suppression",
        severity: Warning,
        summary: "a `# factory: ignore=…` comment silences nothing",
    }
}

reported_elsewhere!(UnusedSuppression);
