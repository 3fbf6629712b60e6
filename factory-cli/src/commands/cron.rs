//! `factory cron [PATH]`: the cron jobs, their schedule in words and their next runs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use factory_compose::Report;
use factory_compose::cron_jobs;
use factory_compose::report::human;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::output::{color, emit};
use crate::project;

/// The most runs `--next` may ask for per job.
const MAX_NEXT: usize = 1000;

/// The most runs listed in all (`--next` × jobs): the table or document is built before it is
/// written, and 40 000 jobs × 1 000 runs asked 4.4 GB at once and aborted.
const MAX_RUNS: usize = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CronFormat {
    /// A table: service, schedule, schedule in words, command, next runs.
    Human,
    /// The stable JSON document of SPEC §5.
    Json,
}

/// Arguments of `factory cron`.
#[derive(Debug, Args)]
pub(crate) struct CronArgs {
    /// The project directory (same as --project-directory).
    #[arg(value_name = "PATH")]
    pub(crate) path: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) project: crate::args::ProjectArgs,
    /// Count the runs from this instant (RFC 3339, e.g. 2026-01-01T00:00:00Z); default: now.
    #[arg(long, value_name = "RFC3339")]
    pub(crate) from: Option<String>,
    /// How many runs to show for each job.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub(crate) next: usize,
    /// The cron daemon's time zone (IANA name such as Europe/Paris).
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub(crate) tz: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CronFormat::Human)]
    pub(crate) format: CronFormat,
}

pub(crate) fn run(args: &CronArgs) -> Result<ExitCode, String> {
    let from = match &args.from {
        Some(text) => parse_from(text)?,
        None => Timestamp::now(),
    };
    let tz = TimeZone::get(&args.tz).map_err(|_| {
        format!(
            "unknown time zone `{}` for --tz: use an IANA name such as UTC or Europe/Paris",
            args.tz
        )
    })?;
    if args.next > MAX_NEXT {
        return Err(format!(
            "--next {} is too many: show at most {MAX_NEXT} runs per job",
            args.next
        ));
    }
    let p = &args.project;
    let mut files = project::read_configured(args.path.as_deref(), p)?;
    let loaded = files.load();
    if let Some(code) = blocking_errors(&loaded.diagnostics, &files, p) {
        return Ok(code);
    }
    unset_variables(&loaded, &files, p);
    let jobs = cron_jobs::jobs(&loaded.project)
        .iter()
        .filter(|j| j.is_complete())
        .count();
    let asked = jobs.saturating_mul(args.next);
    if asked > MAX_RUNS {
        return Err(format!(
            "--next {} for {jobs} jobs would list {asked} runs: factory lists at most {MAX_RUNS} in all (ask for --next {} or fewer)",
            args.next,
            MAX_RUNS / jobs
        ));
    }
    let runs = cron_jobs::runs(&loaded, p.show_secrets, from, &tz, args.next);
    let text = match args.format {
        CronFormat::Human => cron_jobs::render_table(&runs, tz.iana_name().unwrap_or(&args.tz)),
        CronFormat::Json => cron_jobs::render_json(&runs),
    };
    emit(&text, p.output.as_deref())?;
    if let Some(code) = stopping_errors(&loaded.diagnostics, &files, p) {
        return Ok(code);
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_from(text: &str) -> Result<Timestamp, String> {
    text.parse::<Timestamp>().map_err(|e| {
        // A well-formed instant past the years jiff handles: say so, not its internal words.
        if e.to_string().contains("not in the required range") {
            return format!(
                "invalid --from `{text}`: out of the range of instants factory handles (years -9999 to 9999, the last day excepted)"
            );
        }
        format!(
            "invalid --from `{text}`: expected an RFC 3339 instant with its offset, such as 2026-01-01T00:00:00Z or 2026-01-01T09:30:00+01:00 ({e})"
        )
    })
}

/// The loading errors that leave no model to show (invalid YAML, a document that is not a
/// mapping, limits exceeded).
pub(crate) const BLOCKING: &[&str] = &["FC001", "FC002", "FC004"];

/// The loading errors that leave values Compose would not have: an interpolation that fails, a
/// `.env` Compose cannot read, an include cycle. Compose stops on them; `env`, `routes` and
/// `cron` still show what factory read, then say why on standard error and exit 1.
pub(crate) const STOPPING: &[&str] = &["FC030", "FE001", "FE003", "FE004"];

/// The [`BLOCKING`] errors of a load: printed to standard error, exit 1.
pub(crate) fn blocking_errors(
    diagnostics: &[factory_compose::Diagnostic],
    files: &project::ProjectFiles,
    p: &crate::args::ProjectArgs,
) -> Option<ExitCode> {
    errors_of(BLOCKING, diagnostics, files, p, "")
}

/// The [`STOPPING`] errors of a load, after the output: printed to standard error, exit 1.
pub(crate) fn stopping_errors(
    diagnostics: &[factory_compose::Diagnostic],
    files: &project::ProjectFiles,
    p: &crate::args::ProjectArgs,
) -> Option<ExitCode> {
    errors_of(
        STOPPING,
        diagnostics,
        files,
        p,
        "docker compose would stop on these: what is shown above is what factory could read\n",
    )
}

/// The variables the load found unset and without a default (FE002; FE007 in deploy mode),
/// each at its first use, on standard error: what a command shows reads them as empty
/// strings, as Compose does (and Compose warns of each in the same way, on standard error).
/// Nothing when every variable is set.
pub(crate) fn unset_variables(
    loaded: &factory_compose::Loaded,
    files: &project::ProjectFiles,
    p: &crate::args::ProjectArgs,
) {
    // The message names the variable: one diagnostic a message is one a variable.
    let mut seen = std::collections::HashSet::new();
    let unset: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code, "FE002" | "FE007"))
        .cloned()
        .collect();
    if unset.is_empty() {
        return;
    }
    // What `lint` does not report (an inline `# factory: ignore=FE002`, `factory.toml`'s
    // `ignore`, `FACTORY_IGNORE` …) is not said either. The FC901 of a suppression that
    // silences nothing here is `lint`'s to say.
    let report = factory_compose::suppress::apply_inline_outside_values(
        Report::new(unset),
        &files.sources,
        &loaded.project.tree,
    );
    let report = files.filter.apply(report, &files.sources);
    let color = color(p.no_color, true);
    let firsts: Vec<&factory_compose::Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code, "FE002" | "FE007") && seen.insert(d.message.as_str()))
        .collect();
    let shown: String = (firsts.iter().take(UNSET_SHOWN))
        .map(|d| human::render_diagnostic(d, &files.sources, color) + "\n\n")
        .collect();
    let these = match firsts.len() {
        0 => return,
        1 => "this variable is read as an empty string, as Compose reads it (shown at its first use"
            .to_owned(),
        n if n <= UNSET_SHOWN => "these variables are read as empty strings, as Compose reads them (each shown at its first use".to_owned(),
        n => format!(
            "these variables and {} more are read as empty strings, as Compose reads them (each shown at its first use",
            n - UNSET_SHOWN
        ),
    };
    crate::output::to_stderr(&format!(
        "{shown}{these}; `factory lint` lists every use)\n"
    ));
}

/// How many unset variables [`unset_variables`] shows, each at its first use: thousands would
/// bury the command's own output.
const UNSET_SHOWN: usize = 10;

fn errors_of(
    codes: &[&str],
    diagnostics: &[factory_compose::Diagnostic],
    files: &project::ProjectFiles,
    p: &crate::args::ProjectArgs,
    then: &str,
) -> Option<ExitCode> {
    let blocking: Vec<_> = diagnostics
        .iter()
        .filter(|d| codes.contains(&d.code))
        .cloned()
        .collect();
    if blocking.is_empty() {
        return None;
    }
    let report = Report::new(blocking);
    let text = human::render(
        &report,
        &files.sources,
        color(p.no_color, true),
        files.sources.len(),
    );
    crate::output::to_stderr(&format!("{text}{then}"));
    Some(ExitCode::from(1))
}
