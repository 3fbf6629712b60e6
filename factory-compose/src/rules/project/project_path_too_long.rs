use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

/// The longest `group/project` path the platform deploys.
const MAX: usize = 32;

declare_rule! {
    /// ## What it does
    /// Reports a GitLab `group/project` path (`CI_PROJECT_PATH`) longer than 32 characters.
    /// The diagnostic has no place in a file: the path comes from the environment.
    ///
    /// ## Why is this bad?
    /// The platform names UNIX accounts after the project's path, and account names are limited
    /// to 32 characters: a longer path cannot be deployed.
    ///
    /// ## Example
    /// ```yaml
    /// # CI_PROJECT_PATH=customer-websites/marketing-landing-pages
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # CI_PROJECT_PATH=websites/landing (rename the group or the project in GitLab)
    /// services:
    ///   app:
    ///     image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}
    /// ```
    pub(crate) struct ProjectPathTooLong {
        code: "FP001",
        name: "project-path-too-long",
        severity: Error,
        summary: "`group/project` longer than 32 characters",
    }
}

impl Rule for ProjectPathTooLong {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let Some(path) = cx.settings.project_path.as_deref() else {
            return;
        };
        let len = path.chars().count();
        if len <= MAX {
            return;
        }
        out.push(
            registry::diagnostic(
                "FP001",
                format!(
                    "the project path `{path}` is {len} characters long; the platform deploys paths of at most {MAX}"
                ),
            )
            .with_help(format!(
                "shorten the group or project name in GitLab by {} characters or more: the path names UNIX accounts, limited to {MAX} characters",
                len - MAX
            )),
        );
    }
}
