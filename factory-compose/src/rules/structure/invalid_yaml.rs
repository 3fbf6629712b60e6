use crate::rules::{declare_rule, reported_elsewhere};

declare_rule! {
    /// ## What it does
    /// Reports a compose file that is not valid YAML, at the position where the YAML parser
    /// stopped, with the parser's own message. Also a scalar whose standard tag its text does
    /// not decode to (`!!int abc`) and a `!!binary` value that is not base64, which Compose's
    /// YAML library fails to decode.
    ///
    /// A `.gitlab-ci.yml` that is not valid YAML is reported too: GitLab refuses the pipeline,
    /// and factory cannot check the file's deploy jobs (FP003) or `docker build` lines until
    /// it parses.
    ///
    /// ## Why is this bad?
    /// Compose refuses the whole file, so nothing deploys. A tab used for indentation, an
    /// unclosed quote or a missing space after `:` are the usual causes.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: "registry/app:1.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: "registry/app:1.0"
    /// ```
    pub(crate) struct InvalidYaml {
        code: "FC001",
        name: "invalid-yaml",
        severity: Error,
        summary: "not valid YAML (message and position from the parser)",
    }
}
reported_elsewhere!(InvalidYaml, and_gitlab_ci);
