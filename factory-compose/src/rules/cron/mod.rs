//! FJ: cron jobs (services with the `sh.factory.cronjob.*` labels, see [`crate::cron_jobs`]).

pub(crate) mod cron_does_not_fail_fast;
pub(crate) mod cron_service_restarts;
pub(crate) mod entrypoint_cannot_run_bash;
pub(crate) mod invalid_job_command;
pub(crate) mod invalid_schedule;
pub(crate) mod missing_cron_label;
pub(crate) mod schedule_never_fires;

use crate::rules::Rule;

/// The rules of this family, sorted by code.
pub(crate) static RULES: &[&dyn Rule] = &[
    &missing_cron_label::MissingCronLabel,
    &invalid_schedule::InvalidSchedule,
    &cron_does_not_fail_fast::CronDoesNotFailFast,
    &cron_service_restarts::CronServiceRestarts,
    &invalid_job_command::InvalidJobCommand,
    &entrypoint_cannot_run_bash::EntrypointCannotRunBash,
    &schedule_never_fires::ScheduleNeverFires,
];
