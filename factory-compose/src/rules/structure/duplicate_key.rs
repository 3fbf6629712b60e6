use crate::rules::{declare_rule, reported_elsewhere};

declare_rule! {
    /// ## What it does
    /// Reports a key written twice in the same mapping, pointing at the second occurrence with a
    /// label on the first.
    ///
    /// ## Why is this bad?
    /// Compose refuses the file (`mapping key "x" already defined`). Other YAML tools silently
    /// keep one of the two values, so the file means different things to different readers.
    /// A key that overrides one inherited through `<<: *anchor` is not a duplicate.
    ///
    /// In a `.gitlab-ci.yml` it is a warning: GitLab accepts the file and reads the last of the
    /// keys (factory's checks of the file read the last one too).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:1
    ///     image: app:2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: app:2
    /// ```
    pub(crate) struct DuplicateKey {
        code: "FC003",
        name: "duplicate-key",
        severity: Error,
        summary: "duplicate mapping key",
    }
}
reported_elsewhere!(DuplicateKey, and_gitlab_ci);
