use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reads `.gitlab-ci.yml` and reports a job deploying to an environment whose name starts
    /// with `prod` (`production`, `prod`, `prod-eu` …) that can start without a click (no
    /// `when: manual`) or on another branch than the default one (no `only: [master]` /
    /// `only: [main]`, or `rules:` whose `if:` does not require
    /// `$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH`, nor follow an
    /// `if: $CI_COMMIT_BRANCH != $CI_DEFAULT_BRANCH` rule with `when: never`; GitLab takes the
    /// first rule that matches). `extends:` is followed; jobs that stop an environment are
    /// skipped. The diagnostic points at the job's key.
    ///
    /// ## Why is this bad?
    /// The platform's workflow deploys to integration automatically and to pre-production and
    /// production by hand, from the default branch only. An automatic production job ships
    /// every push — from any branch, unless limited — before anyone checked the staging deploy.
    ///
    /// ## Example
    /// ```yaml
    /// production:
    ///   stage: production
    ///   environment:
    ///     name: production
    ///   script:
    ///     - deploy-master production-server
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// production:
    ///   stage: production
    ///   environment:
    ///     name: production
    ///   script:
    ///     - deploy-master production-server
    ///   when: manual
    ///   only:
    ///     - master
    /// ```
    pub(crate) struct AutomaticProductionDeploy {
        code: "FP003",
        name: "automatic-production-deploy",
        severity: Warning,
        summary: "`.gitlab-ci.yml` deploys production automatically: a job whose `environment.name` starts with `prod` lacks `when: manual` or is not limited to the default branch",
    }
}

impl Rule for AutomaticProductionDeploy {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for (_, ci) in cx.gitlab_ci() {
            for job in ci.jobs() {
                let Some((env, env_at)) = ci.environment(job) else {
                    continue;
                };
                if !env.to_ascii_lowercase().starts_with("prod") {
                    continue;
                }
                let t = ci.trigger(job);
                if t.never || (t.manual && t.default_branch_only) {
                    continue;
                }
                let how = match (t.manual, t.default_branch_only) {
                    // Not limited: any branch, or other refs (`only: [tags]`).
                    (false, false) => "automatically, and not only from the default branch",
                    (false, true) => "automatically (no `when: manual`)",
                    _ => "from other refs than the default branch too (not limited to it)",
                };
                let help = match (t.manual, t.default_branch_only) {
                    (false, false) => {
                        "add `when: manual` and `only: [master]` (or `rules: [{if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', when: manual}]`)"
                    }
                    (false, true) => {
                        "add `when: manual` (in each rule, when the job uses `rules:`)"
                    }
                    _ => {
                        "add `only: [master]` (or an `if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH` to each rule)"
                    }
                };
                out.push(
                    registry::diagnostic(
                        "FP003",
                        format!("job `{}` deploys to `{env}` {how}", job.name),
                    )
                    .at(job.key)
                    .with_secondary(env_at, "the production environment")
                    .with_help(help),
                );
            }
        }
    }
}
