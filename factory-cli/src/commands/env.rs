//! `factory env [SERVICE]`: each service's final environment and where each value comes from.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use factory_compose::env_table::EnvTable;
use factory_compose::report::human;
use factory_compose::{Report, Severity};

use crate::output::emit;
use crate::project;

/// Output format of `factory env`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum EnvFormat {
    /// A table: service, variable, value, source.
    Human,
    /// `{"SERVICE": {"VAR": {"value", "source", "secret"}}}` (SPEC §5).
    Json,
}

/// Arguments of `factory env`.
#[derive(Debug, Args)]
pub(crate) struct EnvArgs {
    /// Only this service.
    #[arg(value_name = "SERVICE")]
    pub(crate) service: Option<String>,
    #[command(flatten)]
    pub(crate) project: crate::args::ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EnvFormat::Human)]
    pub(crate) format: EnvFormat,
}

pub(crate) fn run(args: &EnvArgs) -> Result<ExitCode, String> {
    let p = &args.project;
    let mut files = project::read_configured(None, p)?;
    let loaded = files.load();
    // A broken file still gives the environment of the services that could be read; only when
    // nothing could be read are the loading errors worth showing instead.
    if loaded.project.services.is_empty() {
        let errors: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect();
        if !errors.is_empty() {
            let report = Report::new(errors);
            let text = human::render(
                &report,
                &files.sources,
                human::Color::Never,
                files.sources.len(),
            );
            crate::output::to_stderr(&text);
            return Ok(ExitCode::from(1));
        }
    }
    crate::commands::cron::unset_variables(&loaded, &files, p);
    let mut table = EnvTable::build(&loaded);
    if let Some(name) = &args.service {
        table = table.only(name).ok_or_else(|| {
            let names = table.service_names();
            if names.is_empty() {
                format!("no service `{name}`: the project has no services")
            } else {
                format!(
                    "no service `{name}` in this project; the services are: {}",
                    names.join(", ")
                )
            }
        })?;
    }
    let text = match args.format {
        EnvFormat::Human => table.render_human(p.show_secrets),
        EnvFormat::Json => table.render_json(p.show_secrets),
    };
    emit(&text, p.output.as_deref())?;
    // What keeps Compose from computing the environment (an interpolation that fails, a `.env`
    // it cannot read …): the table shows what factory could read, standard error says why.
    if let Some(code) = crate::commands::cron::stopping_errors(&loaded.diagnostics, &files, p) {
        return Ok(code);
    }
    Ok(ExitCode::SUCCESS)
}
