use crate::rules::{declare_rule, reported_elsewhere};

declare_rule! {
    /// ## What it does
    /// In deploy mode (`-e NAME`), reports each use of a variable the platform will not provide
    /// in that environment (a `${NAME}`, or a bare `- NAME` environment item, which takes the
    /// variable as it is), and says why: it is only in the local `.env` (which is not
    /// deployed), it is a CI variable without the `X_` prefix, or it is a secret set for other
    /// environments (`SV_STAGING_X`) but not this one.
    ///
    /// ## Why is this bad?
    /// The deployed service gets an empty string where it worked locally. Only `CI_*` basics,
    /// `X_*` variables, `SV_<ENV>_*` secrets and the managed-service, metrics and mail variables
    /// reach a deployed project.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       API_KEY: ${API_KEY}   # only in .env
    /// ```
    ///
    /// Use instead: define the secret in GitLab as `SV_PRODUCTION_API_KEY` (and
    /// `SV_STAGING_API_KEY` …), or define a plain CI variable `X_API_KEY` and write
    /// `${X_API_KEY}` (an `X_` variable keeps its prefix).
    /// ```yaml
    /// services:
    ///   app:
    ///     environment:
    ///       API_KEY: ${API_KEY}   # provided by SV_PRODUCTION_API_KEY
    /// ```
    pub(crate) struct VariableNotProvided {
        code: "FE007",
        name: "variable-not-provided",
        severity: Error,
        summary: "in deploy mode, a variable that the platform will not provide",
    }
}
reported_elsewhere!(VariableNotProvided);
