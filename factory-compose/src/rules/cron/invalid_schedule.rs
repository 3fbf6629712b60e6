use crate::cron_jobs::label_value_location;
use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Checks the `sh.factory.cronjob.schedule` label with the cron daemon's own grammar
    /// (cronie): five fields `minute hour day-of-month month day-of-week` made of numbers,
    /// 3-letter names, `*`, ranges, steps and lists, or one of the macros `@hourly`, `@daily`,
    /// `@midnight`, `@weekly`, `@monthly`, `@yearly`, `@annually`, `@reboot`. The diagnostic
    /// points at the bad field.
    ///
    /// ## Why is this bad?
    /// The cron daemon rejects the line, so the job never runs; nothing tells you at deploy time.
    /// Extensions of other schedulers (Quartz `L`, `W`, `#`, `?`, a seconds field, full day
    /// names) are not cron.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   report:
    ///     image: registry.example/app:1.0
    ///     command: /bin/false
    ///     restart: "no"
    ///     labels:
    ///       sh.factory.cronjob.schedule: "0 18 * * 5L"
    ///       sh.factory.cronjob.command: ./report
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   report:
    ///     image: registry.example/app:1.0
    ///     command: /bin/false
    ///     restart: "no"
    ///     labels:
    ///       sh.factory.cronjob.schedule: "0 18 * * fri"
    ///       sh.factory.cronjob.command: ./report
    /// ```
    pub(crate) struct InvalidSchedule {
        code: "FJ002",
        name: "invalid-schedule",
        severity: Error,
        summary: "invalid schedule (column of the bad field)",
    }
}

impl Rule for InvalidSchedule {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        let tree = &cx.project.tree;
        for job in cx.jobs() {
            let (Some(kv), Some(Err(e))) = (job.schedule_label, &job.schedule) else {
                continue;
            };
            let (mut at, via) = label_value_location(cx, job.service, kv, e.span.clone());
            if at.span.start == at.span.end {
                // An empty schedule: point at the whole (empty) value, or the key for a null one.
                at = kv
                    .value(tree)
                    .map_or(kv.key_at(tree), |_| kv.value_at(tree));
            }
            let mut d = registry::diagnostic(
                "FJ002",
                format!(
                    "the schedule of `{}` is not valid cron: {}",
                    job.name(),
                    e.message
                ),
            )
            .at_inherited(at, via);
            d = d.with_help(e.help.clone().unwrap_or_else(|| {
                "cron takes five fields: minute (0-59), hour (0-23), day-of-month (1-31), month (1-12 or jan-dec), day-of-week (0-7 or sun-sat), e.g. `30 3 * * *`, or a macro such as `@daily`".to_owned()
            }));
            out.push(d);
        }
    }
}
