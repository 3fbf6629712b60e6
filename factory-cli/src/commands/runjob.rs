//! `factory runjob SERVICE`: the compose command that runs a cron job by hand (never runs it).

use std::process::ExitCode;

use clap::Args;
use factory_compose::cron_jobs::{self, COMMAND_LABEL, SCHEDULE_LABEL};

use crate::output::emit;
use crate::project;

/// Output formats of `factory runjob`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum RunjobFormat {
    /// The command line, quoted for `sh`.
    Human,
    /// `{"service", "command", "argv", "line"}`.
    Json,
}

/// `factory runjob --format json`.
#[derive(serde::Serialize)]
struct RunjobJson<'a> {
    service: &'a str,
    command: &'a str,
    argv: Vec<String>,
    line: &'a str,
}

/// Arguments of `factory runjob`.
#[derive(Debug, Args)]
pub(crate) struct RunjobArgs {
    /// The cron job's service name.
    #[arg(value_name = "SERVICE")]
    pub(crate) service: String,
    /// Output format: the line to paste into a shell, or JSON with its words (`argv`).
    #[arg(long, value_enum, default_value_t = RunjobFormat::Human)]
    pub(crate) format: RunjobFormat,
    #[command(flatten)]
    pub(crate) project: crate::args::ProjectArgs,
}

pub(crate) fn run(args: &RunjobArgs) -> Result<ExitCode, String> {
    let p = &args.project;
    let mut files = project::read_configured(None, p)?;
    let loaded = files.load();
    // The line must be the one Compose would run: nothing is printed when a value is not.
    if let Some(code) = crate::commands::cron::blocking_errors(&loaded.diagnostics, &files, p)
        .or_else(|| crate::commands::cron::stopping_errors(&loaded.diagnostics, &files, p))
    {
        return Ok(code);
    }
    crate::commands::cron::unset_variables(&loaded, &files, p);
    let jobs = cron_jobs::jobs(&loaded.project);
    let names: Vec<&str> = jobs
        .iter()
        .filter(|j| j.is_complete())
        .map(|j| j.name())
        .collect();
    let existing = if names.is_empty() {
        format!(
            "this project has no cron jobs (services with the labels `{SCHEDULE_LABEL}` and `{COMMAND_LABEL}`)"
        )
    } else {
        format!("the cron jobs are: {}", names.join(", "))
    };
    let name = args.service.as_str();
    let Some(job) = jobs.iter().find(|j| j.name() == name) else {
        return Err(if loaded.project.service(name).is_some() {
            format!(
                "`{name}` is not a cron job: it has no `{SCHEDULE_LABEL}` and `{COMMAND_LABEL}` labels; {existing}"
            )
        } else {
            format!("`{name}` is not a service of this project; {existing}")
        });
    };
    let Some(command) = job
        .command_label
        .filter(|_| job.is_complete())
        .map(|kv| cron_jobs::shown_value(&loaded, kv, p.show_secrets))
    else {
        let missing = if job.command_label.is_none() {
            COMMAND_LABEL
        } else {
            SCHEDULE_LABEL
        };
        return Err(format!(
            "`{name}` is not a cron job: it has no `{missing}` label (see `factory lint`, FJ001); {existing}"
        ));
    };
    let compose = std::env::var("COMPOSE").ok();
    // The options that locate the project, so the line works from where factory was run.
    let mut options: Vec<String> = Vec::new();
    if let Some(dir) = &p.project_directory {
        options.push("--project-directory".to_owned());
        options.push(dir.to_string_lossy().into_owned());
    }
    if let Some(name) = &p.project_name {
        options.push("-p".to_owned());
        options.push(name.clone());
    }
    for f in &p.env_file {
        options.push("--env-file".to_owned());
        options.push(f.to_string_lossy().into_owned());
    }
    for f in &p.files {
        options.push("-f".to_owned());
        options.push(f.to_string_lossy().into_owned());
    }
    let option_refs: Vec<&str> = options.iter().map(String::as_str).collect();
    let line = cron_jobs::runjob_line(compose.as_deref(), &option_refs, name, &command);
    let mut text = match args.format {
        RunjobFormat::Human => line,
        RunjobFormat::Json => {
            let json = RunjobJson {
                service: name,
                command: &command,
                argv: cron_jobs::runjob_argv(compose.as_deref(), &option_refs, name, &command),
                line: &line,
            };
            serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?
        }
    };
    text.push('\n');
    emit(&text, p.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
