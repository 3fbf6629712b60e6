use factory_cron::{Field, Schedule};

use crate::cron_jobs::label_value_location;
use crate::diagnostic::Diagnostics;
use crate::rules::{Context, Rule, declare_rule, registry};

declare_rule! {
    /// ## What it does
    /// Reports a valid schedule that can never fire: a date that does not exist
    /// (`0 0 30 2 *`, `0 0 31 4,6 *`), or a reversed range (`NOV-FEB`, `5-1`), which cron
    /// expands to nothing instead of wrapping around. The help says why, in words.
    ///
    /// Day-of-month and day-of-week combine as cron combines them: when neither field starts
    /// with `*`, a job fires on either, so `0 0 30 2 mon` fires every Monday of February.
    ///
    /// ## Why is this bad?
    /// The cron daemon accepts the line and the job silently never runs.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   winter_report:
    ///     image: registry.example/app:1.0
    ///     command: /bin/false
    ///     restart: "no"
    ///     labels:
    ///       sh.factory.cronjob.schedule: "0 6 1 nov-feb *"
    ///       sh.factory.cronjob.command: ./report
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   winter_report:
    ///     image: registry.example/app:1.0
    ///     command: /bin/false
    ///     restart: "no"
    ///     labels:
    ///       sh.factory.cronjob.schedule: "0 6 1 nov-dec,jan-feb *"
    ///       sh.factory.cronjob.command: ./report
    /// ```
    pub(crate) struct ScheduleNeverFires {
        code: "FJ007",
        name: "schedule-never-fires",
        severity: Error,
        summary: "schedule never fires (`0 0 30 2 *`)",
    }
}

impl Rule for ScheduleNeverFires {
    fn info(&self) -> &'static crate::rules::RuleInfo {
        &Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Diagnostics) {
        for job in cx.jobs() {
            let (Some(kv), Some(Ok(schedule))) = (job.schedule_label, &job.schedule) else {
                continue;
            };
            if !schedule.never_fires() {
                continue;
            }
            let reversed = reversed_field(schedule);
            let range = reversed.map_or_else(
                || schedule.span(),
                |f| {
                    schedule
                        .field_spans()
                        .get(f as usize)
                        .cloned()
                        .unwrap_or_else(|| schedule.span())
                },
            );
            let (at, via) = label_value_location(cx, job.service, kv, range);
            out.push(
                registry::diagnostic(
                    "FJ007",
                    format!(
                        "the schedule `{}` of `{}` never fires",
                        job.schedule_text().unwrap_or_default().trim(),
                        job.name()
                    ),
                )
                .at_inherited(at, via)
                .with_help(help(schedule, reversed)),
            );
        }
    }
}

/// The field whose reversed range empties it, when that is why the schedule never fires.
fn reversed_field(s: &Schedule) -> Option<Field> {
    Field::ALL
        .into_iter()
        .find(|&f| s.has_reversed_range(f) && s.values(f).is_empty())
}

fn help(s: &Schedule, reversed: Option<Field>) -> String {
    let words = s.describe();
    let reason = words
        .strip_prefix("never (")
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(&words);
    match reversed {
        Some(f) => format!(
            "{reason}: cron does not wrap a range around, so a reversed range such as `5-1` or `nov-feb` matches nothing; write it as two ranges (`5-7,0-1`, `nov-dec,jan-feb`) in the {} field",
            f.name()
        ),
        None => format!(
            "{reason}, so no day of a whole 400-year Gregorian cycle (after which the calendar repeats) matches; choose a day that exists in the months of the schedule"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons() {
        let s = Schedule::parse("0 0 30 2 *").unwrap();
        assert_eq!(reversed_field(&s), None);
        assert_eq!(
            help(&s, None),
            "February has no day 30, so no day of a whole 400-year Gregorian cycle (after which the calendar repeats) matches; choose a day that exists in the months of the schedule"
        );
        let s = Schedule::parse("0 6 1 nov-feb *").unwrap();
        assert_eq!(reversed_field(&s), Some(Field::Month));
        assert!(help(&s, Some(Field::Month)).starts_with("the month field matches nothing: "));
        // A reversed range next to a valid item does not empty the field.
        let s = Schedule::parse("0 0 30 2,5-1 *").unwrap();
        assert_eq!(reversed_field(&s), None);
    }
}
