//! `factory routes [PATH]` and `factory routes match URL`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use factory_compose::report::human::{self, Color};
use factory_compose::{Report, Severity, routes};
use factory_route::Request;

use crate::output::emit;
use crate::project::{self, ProjectFiles};

/// Output formats of `factory routes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RoutesFormat {
    /// An aligned table.
    Human,
    /// The JSON document of SPEC §5.
    Json,
}

/// Arguments of `factory routes`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct RoutesArgs {
    #[command(subcommand)]
    pub(crate) command: Option<RoutesCommand>,
    /// The project directory (same as --project-directory).
    #[arg(value_name = "PATH")]
    pub(crate) path: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) project: crate::args::ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RoutesFormat::Human)]
    pub(crate) format: RoutesFormat,
}

/// Subcommands of `factory routes`.
#[derive(Debug, Subcommand)]
pub(crate) enum RoutesCommand {
    /// Say which service answers a URL, and the path it receives.
    Match(Box<MatchArgs>),
}

/// Arguments of `factory routes match`.
#[derive(Debug, Args)]
pub(crate) struct MatchArgs {
    /// The URL requested (`https://host/path?query`; `http://` too, or no scheme).
    #[arg(value_name = "URL", id = "request_url")]
    pub(crate) request_url: String,
    /// The request method.
    #[arg(long, value_name = "M", default_value = "GET")]
    pub(crate) method: String,
    /// A request header, `'Name: value'` (repeatable).
    #[arg(long = "header", short = 'H', value_name = "'K: V'")]
    pub(crate) headers: Vec<String>,
    #[command(flatten)]
    pub(crate) project: crate::args::ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RoutesFormat::Human)]
    pub(crate) format: RoutesFormat,
}

/// Loading errors that leave no model to show: printed to standard error.
fn loading_failed(files: &ProjectFiles, loaded: &factory_compose::Loaded) -> bool {
    if !loaded.project.services.is_empty() {
        return false;
    }
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    if errors.is_empty() {
        return false;
    }
    let report = Report::new(errors);
    crate::output::to_stderr(&human::render(
        &report,
        &files.sources,
        Color::Never,
        files.sources.len(),
    ));
    true
}

fn parse_header(h: &str) -> Result<(String, String), String> {
    match h.split_once(':') {
        Some((k, v)) if !k.trim().is_empty() && !k.trim().contains(char::is_whitespace) => {
            Ok((k.trim().to_owned(), v.trim().to_owned()))
        }
        _ => Err(format!("invalid header `{h}`: write it as `'Name: value'`")),
    }
}

/// Routes are rendered from interpolated labels: secrets print as `********` unless asked.
fn shown(text: String, loaded: &factory_compose::Loaded, show_secrets: bool) -> String {
    if show_secrets {
        text
    } else {
        factory_compose::redact::mask_text(&text, &loaded.variables)
    }
}

pub(crate) fn run(args: &RoutesArgs) -> Result<ExitCode, String> {
    if let Some(RoutesCommand::Match(m)) = &args.command {
        return run_match(m);
    }
    let mut files = project::read_configured(args.path.as_deref(), &args.project)?;
    let loaded = files.load();
    // A project that could not be read has no answer to print: its errors are on stderr
    // (`no routes` on stdout would read as one).
    if loading_failed(&files, &loaded) {
        return Ok(ExitCode::from(1));
    }
    if let Some(code) =
        crate::commands::cron::blocking_errors(&loaded.diagnostics, &files, &args.project)
    {
        return Ok(code);
    }
    crate::commands::cron::unset_variables(&loaded, &files, &args.project);
    let defs = routes::routes(&loaded.project);
    let images =
        routes::image_lowest_ports(&loaded, &files.sources, &files.settings, &files.process);
    let mut rows = routes::rows_with_images(&loaded.project, &defs, &images);
    // Masked before the table is laid out (so is every value the rows hold).
    if !args.project.show_secrets {
        factory_compose::redact::mask_route_rows(&mut rows, &loaded.variables);
    }
    let text = match args.format {
        RoutesFormat::Human => routes::render_human(&rows),
        RoutesFormat::Json => routes::render_json(&rows),
    };
    emit(&text, args.project.output.as_deref())?;
    // Labels that are not what Compose would give Traefik (an interpolation that fails …).
    if let Some(code) =
        crate::commands::cron::stopping_errors(&loaded.diagnostics, &files, &args.project)
    {
        return Ok(code);
    }
    Ok(ExitCode::SUCCESS)
}

fn run_match(args: &MatchArgs) -> Result<ExitCode, String> {
    let headers = args
        .headers
        .iter()
        .map(|h| parse_header(h))
        .collect::<Result<Vec<_>, _>>()?;
    let method = args.method.trim();
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!("invalid method `{}`", args.method));
    }
    let req = Request::from_url(&args.request_url, method, headers).map_err(|e| e.to_string())?;
    let mut files = project::read_configured(None, &args.project)?;
    let loaded = files.load();
    if loading_failed(&files, &loaded) {
        return Ok(ExitCode::from(1));
    }
    if let Some(code) =
        crate::commands::cron::blocking_errors(&loaded.diagnostics, &files, &args.project)
    {
        return Ok(code);
    }
    crate::commands::cron::unset_variables(&loaded, &files, &args.project);
    let defs = routes::routes(&loaded.project);
    let answer = routes::resolve(&loaded.project, &defs, &req);
    let text = match args.format {
        RoutesFormat::Human => routes::render_match_human(&answer),
        RoutesFormat::Json => routes::render_match_json(&answer),
    };
    let text = shown(text, &loaded, args.project.show_secrets);
    emit(&text, args.project.output.as_deref())?;
    // Labels that are not what Compose would give Traefik (an interpolation that fails …).
    if let Some(code) =
        crate::commands::cron::stopping_errors(&loaded.diagnostics, &files, &args.project)
    {
        return Ok(code);
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn arguments_are_consistent() {
        <crate::args::Cli as clap::CommandFactory>::command().debug_assert();
    }

    #[test]
    fn headers() {
        assert_eq!(
            super::parse_header("X-Api: 1").unwrap(),
            ("X-Api".to_owned(), "1".to_owned())
        );
        assert_eq!(
            super::parse_header("Accept:text/html").unwrap(),
            ("Accept".to_owned(), "text/html".to_owned())
        );
        assert!(super::parse_header("novalue").is_err());
        assert!(super::parse_header(": x").is_err());
        assert!(super::parse_header("Bad Name: x").is_err());
    }
}
