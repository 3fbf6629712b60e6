//! Cron jobs: the services the platform schedules, their next runs, and the command that runs
//! one by hand.
//!
//! A service is a cron job when it carries the labels [`SCHEDULE_LABEL`] (a 5-field cron
//! expression, or a macro such as `@daily`) and [`COMMAND_LABEL`] (run with `bash -c` inside the
//! container). [`jobs`] also returns services that carry only one of the two (the FJ rules
//! report them); [`runs`] and the renderers only use complete jobs.
//!
//! Everything here is pure: the caller passes the instant to count from and the time zone.
//!
//! ```
//! use factory_compose::{FileKind, ProcessEnv, Settings, SourceFile, SourceMap, cron_jobs, load};
//! use jiff::{Timestamp, tz::TimeZone};
//!
//! let mut sources = SourceMap::new();
//! sources.add(SourceFile::new(
//!     "docker-compose.yml",
//!     "services:\n  job:\n    image: app:1\n    command: /bin/false\n    restart: \"no\"\n    labels:\n      sh.factory.cronjob.schedule: \"30 4 * * *\"\n      sh.factory.cronjob.command: ./purge --days 30\n",
//!     FileKind::Compose,
//! ));
//! let loaded = load(&sources, &ProcessEnv::default(), &Settings::default());
//! let from: Timestamp = "2026-01-01T00:00:00Z".parse()?;
//! let runs = cron_jobs::runs(&loaded, false, from, &TimeZone::UTC, 2);
//! assert_eq!(runs[0].description, "at 04:30 every day");
//! assert_eq!(cron_jobs::rfc3339(&runs[0].next[1]), "2026-01-02T04:30:00Z");
//! assert_eq!(
//!     cron_jobs::runjob_line(None, &[], "job", "./purge --days 30"),
//!     "docker compose run --rm job bash -c './purge --days 30'"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write as _;
use std::ops::Range;

use factory_cron::{CronError, Schedule};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use serde::Serialize;

use crate::model::{Form, KeyValue, Project, Service};
use crate::rules::Context;
use crate::rules::route::ValueLocator;
use crate::span::Location;
use crate::yaml::Tree;

/// The label that holds a cron job's schedule.
pub const SCHEDULE_LABEL: &str = "sh.factory.cronjob.schedule";
/// The label that holds a cron job's command (run with `bash -c`).
pub const COMMAND_LABEL: &str = "sh.factory.cronjob.command";

/// A service that carries at least one of the two cron labels.
#[derive(Debug, Clone)]
pub struct CronJob<'a> {
    /// The service.
    pub service: &'a Service,
    /// The `sh.factory.cronjob.schedule` label, if set.
    pub schedule_label: Option<&'a KeyValue>,
    /// The `sh.factory.cronjob.command` label, if set.
    pub command_label: Option<&'a KeyValue>,
    /// The parsed schedule (`None` when the schedule label is missing).
    pub schedule: Option<Result<Schedule, CronError>>,
    /// The schedule label's value, read from the project's tree ([`CronJob::schedule_text`]).
    schedule_text: Option<&'a str>,
    /// The command label's value ([`CronJob::command`]).
    command_text: Option<&'a str>,
    /// The service name, read from the project's tree ([`CronJob::name`]).
    name: &'a str,
}

impl CronJob<'_> {
    /// The service name.
    #[must_use]
    pub fn name(&self) -> &str {
        self.name
    }

    /// The schedule as written (after interpolation; a null value is empty).
    #[must_use]
    pub fn schedule_text(&self) -> Option<&str> {
        self.schedule_text
    }

    /// The command (after interpolation; a null value is empty).
    #[must_use]
    pub fn command(&self) -> Option<&str> {
        self.command_text
    }

    /// Whether both labels are set: the platform schedules only such services.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.schedule_label.is_some() && self.command_label.is_some()
    }
}

fn label_value<'a>(tree: &'a Tree, kv: &'a KeyValue) -> &'a str {
    kv.value(tree).unwrap_or("")
}

/// Every service that carries a cron label, in file order.
#[must_use]
pub fn jobs(project: &Project) -> Vec<CronJob<'_>> {
    let tree = &project.tree;
    // `service.label` of each, in one pass over the labels (the last of a name wins).
    let cron_labels = |service: &Service| {
        let (mut schedule_label, mut command_label) = (None, None);
        for kv in service.label_entries(project) {
            match kv.key(tree) {
                SCHEDULE_LABEL => schedule_label = Some(kv),
                COMMAND_LABEL => command_label = Some(kv),
                _ => {}
            }
        }
        (schedule_label, command_label)
    };
    // Counted first: a job is large (224 bytes with its parsed schedule), and the table grown
    // by doubling left its old buffers to the allocator at the rules' peak (224 KB on 10 000
    // services with 1 000 jobs).
    let count = project
        .services
        .iter()
        .filter(|service| !matches!(cron_labels(service), (None, None)))
        .count();
    let mut jobs = Vec::with_capacity(count);
    jobs.extend(project.services.iter().filter_map(|service| {
        let (schedule_label, command_label) = cron_labels(service);
        if schedule_label.is_none() && command_label.is_none() {
            return None;
        }
        let schedule_text = schedule_label.map(|kv| label_value(tree, kv));
        Some(CronJob {
            service,
            schedule_label,
            command_label,
            schedule: schedule_text.map(Schedule::parse),
            schedule_text,
            command_text: command_label.map(|kv| label_value(tree, kv)),
            name: service.name(tree),
        })
    }));
    jobs
}

/// A label's value as printed: the interpolated value, with the value of every secret
/// variable it uses (SPEC §4: `SV_` variables, platform credentials) replaced by `********`
/// unless `show_secrets`.
#[must_use]
pub fn shown_value(loaded: &crate::Loaded, kv: &KeyValue, show_secrets: bool) -> String {
    let value = label_value(&loaded.project.tree, kv).to_owned();
    if show_secrets {
        return value;
    }
    let uses_secret = loaded.interpolation.uses_of(kv.node).iter().any(|u| {
        let name = loaded.interpolation.name(u);
        loaded.variables.variable(name).is_some_and(|v| v.secret)
    });
    let Some(raw) = loaded
        .interpolation
        .raw_of(&loaded.project.tree, kv.node)
        .filter(|_| uses_secret)
    else {
        return value;
    };
    let masked = factory_env::Template::parse(raw)
        .ok()
        .and_then(|t| t.render(&loaded.variables.masked()).ok())
        .map(|r| r.value);
    match (masked, kv.form) {
        (Some(m), Form::Map) => m,
        (Some(m), Form::List) => m
            .split_once('=')
            .map_or_else(String::new, |(_, v)| v.to_owned()),
        (None, _) => factory_env::MASK.to_owned(),
    }
}

/// Where a byte range of a label's interpolated value is in its file, and the `<<` key it was
/// inherited through, if any. Exact where the range's text was written as is; a piece a
/// variable gave is placed at its `${…}` (the route rules' placing, [`ValueLocator`]).
pub(crate) fn label_value_location(
    cx: &Context<'_>,
    service: &Service,
    kv: &KeyValue,
    range: Range<usize>,
) -> (Location, Option<Location>) {
    let at = ValueLocator::in_place(cx, kv).at(range);
    (at, label_via(&cx.project.tree, service, kv))
}

/// The `<<` key a label was inherited through, if any (`tree`: the project's).
pub(crate) fn label_via(tree: &Tree, service: &Service, kv: &KeyValue) -> Option<Location> {
    kv.via(tree)
        .or_else(|| service.labels.and_then(|l| l.via(tree)))
}

/// A complete cron job and its next runs, as `factory cron` shows it (SPEC §5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobRuns {
    /// The service name.
    pub service: String,
    /// The schedule as written.
    pub schedule: String,
    /// The command run with `bash -c`.
    pub command: String,
    /// The schedule in words (`invalid schedule: …` when cron would reject it).
    pub description: String,
    /// The next runs, in the evaluation zone.
    #[serde(serialize_with = "serialize_runs")]
    pub next: Vec<Zoned>,
    /// The schedule never fires (or is invalid, so cron never runs it).
    pub never_fires: bool,
    /// `@reboot`: runs when the cron daemon starts, never on the calendar.
    pub at_reboot: bool,
}

fn serialize_runs<S: serde::Serializer>(runs: &[Zoned], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(runs.iter().map(rfc3339))
}

/// The complete cron jobs of a loaded project (in file order) with their next `n` runs strictly
/// after `from`, the cron daemon running in `tz`. Schedules and commands are shown with secret
/// values masked unless `show_secrets` (see [`shown_value`]).
#[must_use]
pub fn runs(
    loaded: &crate::Loaded,
    show_secrets: bool,
    from: Timestamp,
    tz: &TimeZone,
    n: usize,
) -> Vec<JobRuns> {
    let shown = |kv: Option<&KeyValue>| kv.map(|kv| shown_value(loaded, kv, show_secrets));
    jobs(&loaded.project)
        .into_iter()
        .filter(CronJob::is_complete)
        .map(|job| {
            let (description, next, never_fires, at_reboot) = match &job.schedule {
                Some(Ok(s)) => (
                    s.describe(),
                    s.upcoming(from, tz, n),
                    s.never_fires(),
                    s.is_reboot(),
                ),
                Some(Err(e)) => (
                    format!("invalid schedule: {}", e.message),
                    Vec::new(),
                    true,
                    false,
                ),
                None => (String::new(), Vec::new(), true, false),
            };
            let schedule = shown(job.schedule_label).unwrap_or_default();
            // A schedule that holds a secret is masked, and so is what would give it away: its
            // description in words and its runs (`--show-secrets` shows them).
            let secret = !show_secrets && schedule.contains(factory_env::MASK);
            let (description, next) = if secret {
                (
                    "the schedule holds a secret: --show-secrets shows it in words and its next runs"
                        .to_owned(),
                    Vec::new(),
                )
            } else {
                (description, next)
            };
            JobRuns {
                service: job.name().to_owned(),
                schedule,
                command: shown(job.command_label).unwrap_or_default(),
                description,
                next,
                never_fires,
                at_reboot,
            }
        })
        .collect()
}

/// An instant as RFC 3339 with its zone's offset, `Z` when the offset is zero
/// (`2026-03-29T03:00:00+02:00`, `2026-01-01T01:00:00Z`).
#[must_use]
pub fn rfc3339(z: &Zoned) -> String {
    if z.offset().seconds() == 0 {
        z.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

/// The `factory cron --format json` document (SPEC §5), pretty-printed, with a final newline.
#[must_use]
pub fn render_json(runs: &[JobRuns]) -> String {
    let mut out = serde_json::to_string_pretty(runs).unwrap_or_else(|_| "[]".to_owned());
    out.push('\n');
    out
}

/// The `factory cron` table: one row per job, its next runs stacked in the last column.
/// `zone` names the evaluation zone in the header.
#[must_use]
pub fn render_table(runs: &[JobRuns], zone: &str) -> String {
    if runs.is_empty() {
        return format!(
            "no cron jobs: a cron job is a service with the labels `{SCHEDULE_LABEL}` and `{COMMAND_LABEL}`\n"
        );
    }
    let show_offset = !["UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu"]
        .iter()
        .any(|z| z.eq_ignore_ascii_case(zone));
    let header = [
        "SERVICE".to_owned(),
        "SCHEDULE".to_owned(),
        "WHEN".to_owned(),
        "COMMAND".to_owned(),
        format!("NEXT RUNS ({zone})"),
    ];
    let rows: Vec<[String; 5]> = runs
        .iter()
        .map(|r| {
            let next = if r.at_reboot {
                "when the cron daemon starts".to_owned()
            } else if r.next.is_empty() && r.never_fires {
                "never".to_owned()
            } else if r.next.is_empty() {
                // None asked (`--next 0`), or none within the search's horizon.
                "-".to_owned()
            } else {
                r.next
                    .iter()
                    .map(|z| {
                        if show_offset {
                            z.strftime("%a %Y-%m-%d %H:%M %:z").to_string()
                        } else {
                            z.strftime("%a %Y-%m-%d %H:%M").to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            [
                printable(&r.service),
                printable(&r.schedule),
                printable(&r.description),
                printable(&r.command),
                next,
            ]
        })
        .collect();
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            let longest = cell.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            *w = (*w).max(longest.min(crate::TABLE_COLUMN_MAX));
        }
    }
    let mut out = String::new();
    write_row(&mut out, &header.each_ref().map(String::as_str), &widths);
    for row in &rows {
        let mut next_lines = row[4].lines();
        let first = next_lines.next().unwrap_or("");
        write_row(
            &mut out,
            &[&row[0], &row[1], &row[2], &row[3], first],
            &widths,
        );
        for line in next_lines {
            write_row(&mut out, &["", "", "", "", line], &widths);
        }
    }
    out
}

fn write_row(out: &mut String, cells: &[&str; 5], widths: &[usize; 5]) {
    let mut line = String::new();
    for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        line.push_str(cell);
        if i + 1 < cells.len() {
            let pad = w.saturating_sub(cell.chars().count());
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    let _ = writeln!(out, "{}", line.trim_end());
}

/// A cell on one line: control characters (a folded command's newlines) escaped.
fn printable(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// The shell command line that runs a cron job by hand, as the platform runs it:
/// `COMPOSE run --rm SERVICE bash -c 'COMMAND'`.
///
/// `compose` is the user's Compose command, the `COMPOSE` environment variable the platform's
/// Makefile and `factory-runjob` tool use (e.g. `docker-compose -f docker-compose.yml -f
/// tools.yml`); like that tool, it is split into words at spaces. When absent (or blank) it is
/// `docker compose` followed by `options`, the global options that locate the project, one word
/// each (`--project-directory`, `DIR`, `-f`, `FILE`…). Every word is quoted with POSIX
/// single quotes where needed (the command always), a `'` inside becoming `'\''`, so the line
/// can be pasted into `sh` and gives `bash -c` the command exactly.
#[must_use]
pub fn runjob_line(
    compose: Option<&str>,
    options: &[&str],
    service: &str,
    command: &str,
) -> String {
    let argv = runjob_argv(compose, options, service, command);
    let last = argv.len().saturating_sub(1);
    let words: Vec<String> = argv
        .iter()
        .enumerate()
        .map(|(i, w)| if i == last { single_quote(w) } else { quote(w) })
        .collect();
    words.join(" ")
}

/// The words of [`runjob_line`], unquoted (what the shell hands the compose binary): the
/// compose command (`compose` cut at spaces, else `docker compose` and `options`), then `run
/// --rm SERVICE bash -c COMMAND`.
#[must_use]
pub fn runjob_argv(
    compose: Option<&str>,
    options: &[&str],
    service: &str,
    command: &str,
) -> Vec<String> {
    let mut words: Vec<String> = compose
        .map(|c| {
            c.split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if words.is_empty() {
        words = vec!["docker".to_owned(), "compose".to_owned()];
        words.extend(options.iter().map(|o| (*o).to_owned()));
    }
    words.extend(["run", "--rm", service, "bash", "-c", command].map(str::to_owned));
    words
}

/// `s` as one shell word: unchanged when it holds only characters no POSIX shell treats
/// specially, else single-quoted.
#[must_use]
pub fn quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'_' | b'-' | b'.' | b'/' | b':' | b',' | b'+' | b'@' | b'%' | b'='
                )
        })
        && !s.starts_with('=');
    if safe { s.to_owned() } else { single_quote(s) }
}

/// `s` in POSIX single quotes; each `'` becomes `'\''`.
#[must_use]
pub fn single_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// "never" is for a schedule that never fires; no run shown for another reason (`--next 0`,
    /// a masked schedule) is `-`.
    #[test]
    fn no_runs_shown_is_never_only_when_it_never_fires() {
        let job = |never_fires: bool| JobRuns {
            service: "job".to_owned(),
            schedule: "0 0 * * *".to_owned(),
            command: "true".to_owned(),
            description: String::new(),
            next: Vec::new(),
            never_fires,
            at_reboot: false,
        };
        let last_cell = |table: String| {
            let row = table.lines().nth(1).unwrap_or_default().to_owned();
            row.split_whitespace().last().unwrap_or_default().to_owned()
        };
        assert_eq!(last_cell(render_table(&[job(true)], "UTC")), "never");
        assert_eq!(last_cell(render_table(&[job(false)], "UTC")), "-");
    }

    #[test]
    fn quoting_round_trips_through_shell_words() {
        for cmd in [
            "echo time to run",
            "echo 'it''s' \"$HOME\" `date` $(id -u) \\ ; | & > <",
            "",
            "'",
            "a'b'c",
            "multi\nline\tcommand",
            "été ☃",
        ] {
            let line = runjob_line(
                None,
                &["-f", "docker-compose.yml", "-f", "my tools.yml"],
                "job",
                cmd,
            );
            let words = shell_words::split(&line).unwrap();
            assert_eq!(
                words,
                [
                    "docker",
                    "compose",
                    "-f",
                    "docker-compose.yml",
                    "-f",
                    "my tools.yml",
                    "run",
                    "--rm",
                    "job",
                    "bash",
                    "-c",
                    cmd
                ],
                "{line}"
            );
        }
    }

    #[test]
    fn compose_variable_is_split_at_spaces() {
        assert_eq!(
            runjob_line(
                Some("docker-compose -f docker-compose.yml -f tools.yml -f dev.yml"),
                &["ignored.yml"],
                "run_hourly",
                "echo time to run"
            ),
            "docker-compose -f docker-compose.yml -f tools.yml -f dev.yml run --rm run_hourly bash -c 'echo time to run'"
        );
        assert_eq!(
            runjob_line(Some("  docker  compose -f 'x y'.yml "), &[], "job", "it's"),
            r"docker compose -f ''\''x' 'y'\''.yml' run --rm job bash -c 'it'\''s'"
        );
        assert_eq!(
            runjob_line(Some(" "), &["-f", "a.yml"], "job", "x"),
            "docker compose -f a.yml run --rm job bash -c 'x'"
        );
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("x.yml"), "x.yml");
        assert_eq!(quote(""), "''");
        assert_eq!(single_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn offsets_and_z() {
        let t: Timestamp = "2026-07-01T10:00:00Z".parse().unwrap();
        let paris = TimeZone::get("Europe/Paris").unwrap();
        assert_eq!(rfc3339(&t.to_zoned(paris)), "2026-07-01T12:00:00+02:00");
        assert_eq!(rfc3339(&t.to_zoned(TimeZone::UTC)), "2026-07-01T10:00:00Z");
        let kolkata = TimeZone::get("Asia/Kolkata").unwrap();
        assert_eq!(rfc3339(&t.to_zoned(kolkata)), "2026-07-01T15:30:00+05:30");
    }

    #[test]
    fn secrets_are_masked() {
        use crate::{FileKind, Mode, ProcessEnv, Settings, SourceFile, SourceMap};
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new(
            "docker-compose.yml",
            "services:\n  job:\n    image: app:1\n    labels:\n      sh.factory.cronjob.schedule: \"0 * * * *\"\n      sh.factory.cronjob.command: curl -u \"bot:${TOKEN}\" $${HOME}\n  list:\n    image: app:1\n    labels:\n      - sh.factory.cronjob.schedule=@daily\n      - sh.factory.cronjob.command=echo ${TOKEN}=${CI_ENVIRONMENT_NAME}\n",
            FileKind::Compose,
        ));
        let process = ProcessEnv {
            vars: vec![("SV_PROD_TOKEN".to_owned(), "s3cr=t".to_owned())],
        };
        let settings = Settings {
            mode: Mode::Deploy {
                environment: "prod".to_owned(),
                url: None,
            },
            ..Settings::default()
        };
        let loaded = crate::load(&sources, &process, &settings);
        let from: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let masked = runs(&loaded, false, from, &TimeZone::UTC, 1);
        assert_eq!(masked[0].command, "curl -u \"bot:********\" ${HOME}");
        assert_eq!(masked[1].command, "echo ********=prod");
        let shown = runs(&loaded, true, from, &TimeZone::UTC, 1);
        assert_eq!(shown[0].command, "curl -u \"bot:s3cr=t\" ${HOME}");
        assert_eq!(shown[1].command, "echo s3cr=t=prod");
    }

    proptest! {
        #[test]
        fn any_command_round_trips(cmd in any::<String>(), service in "[a-z_]{1,8}") {
            let line = runjob_line(None, &[], &service, &cmd);
            let words = shell_words::split(&line).unwrap();
            prop_assert_eq!(words.len(), 8);
            prop_assert_eq!(&words[7], &cmd);
        }
    }
}
