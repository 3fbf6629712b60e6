use crate::cron_jobs::{COMMAND_LABEL, SCHEDULE_LABEL, label_via};
use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a service that carries only one of the two cron labels,
    /// `sh.factory.cronjob.schedule` and `sh.factory.cronjob.command`.
    ///
    /// ## Why is this bad?
    /// The platform treats a service as a cron job only when both labels are set. With one of
    /// them the service is deployed as an ordinary service and the job never runs, silently.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   purge:
    ///     image: registry.example/app:1.0
    ///     command: /bin/false
    ///     restart: "no"
    ///     labels:
    ///       sh.factory.cronjob.schedule: "0 3 * * *"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   purge:
    ///     image: registry.example/app:1.0
    ///     command: /bin/false
    ///     restart: "no"
    ///     labels:
    ///       sh.factory.cronjob.schedule: "0 3 * * *"
    ///       sh.factory.cronjob.command: ./purge --days 30
    /// ```
    pub(crate) struct MissingCronLabel {
        code: "FJ001",
        name: "missing-cron-label",
        severity: Error,
        summary: "only one of the two cron labels is set",
    }
}

impl Rule for MissingCronLabel {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for job in cx.jobs() {
            let (present, missing, help) = match (job.schedule_label, job.command_label) {
                (Some(kv), None) => (
                    kv,
                    COMMAND_LABEL,
                    format!(
                        "add the label `{COMMAND_LABEL}` with the command cron runs (with `bash -c`), or remove `{SCHEDULE_LABEL}` if `{}` is not a cron job",
                        job.name()
                    ),
                ),
                (None, Some(kv)) => (
                    kv,
                    SCHEDULE_LABEL,
                    format!(
                        "add the label `{SCHEDULE_LABEL}` with when to run it (5 cron fields, e.g. `0 3 * * *`), or remove `{COMMAND_LABEL}` if `{}` is not a cron job",
                        job.name()
                    ),
                ),
                _ => continue,
            };
            out.push(
                registry::diagnostic(
                    "FJ001",
                    format!(
                        "`{}` has the label `{}` but not `{missing}`, so the platform does not schedule it",
                        job.name(),
                        present.key(tree)
                    ),
                )
                .at_inherited(present.key_at(tree), label_via(tree, job.service, present))
                .with_help(help),
            );
        }
    }
}
