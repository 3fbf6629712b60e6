//! Command-line arguments (clap derive).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Check a Docker Compose project for the Factory platform before it is deployed.
#[derive(Debug, Parser)]
#[command(name = "factory", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run every rule over the project; exit 0 clean, 1 findings at the failure threshold, 2 usage, configuration or I/O error.
    Lint(LintArgs),
    /// Print the merged, interpolated model as Compose does (YAML, or JSON with --format json); exit 1 with the reasons when Compose would refuse the project.
    Config(crate::commands::config::ConfigArgs),
    /// Show each service's final environment and where each value comes from.
    Env(crate::commands::env::EnvArgs),
    /// Show the Traefik routes; `routes match URL` says which service answers a request.
    Routes(crate::commands::routes::RoutesArgs),
    /// Show the cron jobs, their schedule in words and their next runs.
    Cron(crate::commands::cron::CronArgs),
    /// Print the compose command that runs a cron job by hand (never runs Docker).
    Runjob(crate::commands::runjob::RunjobArgs),
    /// Print the documentation of a rule (every rule's summary without CODE).
    Rule(RuleArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `factory manpage > factory.1`.
    Manpage,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum, value_name = "SHELL")]
    pub(crate) shell: clap_complete::Shell,
}

/// Options every project command shares.
#[derive(Debug, Args, Clone)]
pub(crate) struct ProjectArgs {
    /// Compose file (repeatable; merged in order like `docker compose -f a -f b`; `-` reads
    /// standard input).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// The project directory (default: PATH, else the first `-f` file's folder, else `.`).
    #[arg(long, value_name = "DIR")]
    pub(crate) project_directory: Option<PathBuf>,
    /// Project name (default: CI_PROJECT_PATH, else COMPOSE_PROJECT_NAME from the environment, then
    /// from .env, else the compose files' `name:`, else the directory name).
    #[arg(short = 'p', long, value_name = "NAME")]
    pub(crate) project_name: Option<String>,
    /// An alternative `.env` file (repeatable).
    #[arg(long, value_name = "FILE")]
    pub(crate) env_file: Vec<PathBuf>,
    /// Lint as deployed to this environment (`staging`, `production`); default: development.
    #[arg(short = 'e', long, value_name = "NAME")]
    pub(crate) environment: Option<String>,
    /// The environment's URL (its host becomes CI_ENVIRONMENT_DOMAIN).
    #[arg(long, value_name = "URL")]
    pub(crate) url: Option<String>,
    /// Do not read variables from the process environment.
    #[arg(long)]
    pub(crate) no_process_env: bool,
    /// Show secret values instead of `********`.
    #[arg(long)]
    pub(crate) show_secrets: bool,
    /// Write the output to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Never colour the output.
    #[arg(long)]
    pub(crate) no_color: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LintFormat {
    /// Source frames with carets, for people.
    Human,
    /// The stable JSON document of SPEC §5.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// GitLab Code Quality JSON (`artifacts: reports: codequality`).
    Gitlab,
    /// GitHub Actions workflow commands (pull-request annotations).
    Github,
}

#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    /// The project directory (same as --project-directory).
    #[arg(value_name = "PATH")]
    pub(crate) path: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) project: ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    pub(crate) format: LintFormat,
    /// Exit 1 on warnings too (same as --failure-threshold warning).
    #[arg(long)]
    pub(crate) deny_warnings: bool,
    /// The least severe finding that makes lint exit 1 [default: error].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub(crate) failure_threshold: Option<crate::config::Threshold>,
    /// Never report these codes or prefixes (comma-separated, repeatable).
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub(crate) ignore: Vec<String>,
    /// Report CODE with LEVEL (error, warning, info); repeatable.
    #[arg(long, value_name = "CODE=LEVEL")]
    pub(crate) severity: Vec<String>,
    /// Read this configuration file instead of discovering `factory.toml`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub(crate) config: Option<PathBuf>,
    /// Read no configuration file.
    #[arg(long)]
    pub(crate) no_config: bool,
    /// Apply the safe fixes to the files, then report what remains.
    #[arg(long, conflicts_with = "diff")]
    pub(crate) fix: bool,
    /// Print the safe fixes as a unified diff; write nothing.
    #[arg(long)]
    pub(crate) diff: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RuleFormat {
    /// Markdown text.
    Human,
    /// JSON.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct RuleArgs {
    /// A rule code (`FC013`) or name (`env-file-used`).
    #[arg(value_name = "CODE")]
    pub(crate) code: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RuleFormat::Human)]
    pub(crate) format: RuleFormat,
}

/// Parse the process arguments; on `--help`/`--version` or a usage error, print and return the
/// exit code (0 for help, 2 for usage errors).
pub(crate) fn parse() -> Result<Cli, ExitCode> {
    Cli::try_parse().map_err(|e| {
        let _ = e.print();
        if e.use_stderr() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        }
    })
}
