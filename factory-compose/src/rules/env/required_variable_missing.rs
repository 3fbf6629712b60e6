use crate::rules::{declare_rule, reported_elsewhere};

declare_rule! {
    /// ## What it does
    /// Reports a `${VAR:?message}` or `${VAR?message}` whose variable is missing (`:?` also
    /// fails when it is empty), with the message the author wrote.
    ///
    /// ## Why is this bad?
    /// Compose stops with `required variable VAR is missing a value`: nothing starts.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       SECRET_KEY: ${SECRET_KEY:?set SECRET_KEY in .env}
    /// ```
    ///
    /// Use instead: set the variable (in `.env` for development, as `SV_<ENV>_SECRET_KEY` for a
    /// deployed environment).
    /// ```yaml
    /// # .env
    /// SECRET_KEY=dev-only-secret
    /// ```
    pub(crate) struct RequiredVariableMissing {
        code: "FE003",
        name: "required-variable-missing",
        severity: Error,
        summary: "`${VAR:?msg}` / `${VAR?msg}` fails",
    }
}
reported_elsewhere!(RequiredVariableMissing);
