//! One module per subcommand.

mod completions;
pub(crate) mod config;
pub(crate) mod cron;
pub(crate) mod env;
mod lint;
pub(crate) mod routes;
mod rule;
pub(crate) mod runjob;

use std::process::ExitCode;

use crate::args::{Cli, Command};

/// Exit code for usage and I/O errors.
pub(crate) const EXIT_USAGE: u8 = 2;

/// Run the parsed command.
pub(crate) fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Lint(args) => lint::run(&args),
        Command::Config(args) => config::run(&args),
        Command::Env(args) => env::run(&args),
        Command::Routes(args) => routes::run(&args),
        Command::Cron(args) => cron::run(&args),
        Command::Runjob(args) => runjob::run(&args),
        Command::Rule(args) => rule::run(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Manpage => completions::manpage(),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            crate::output::to_stderr(&format!("error: {message}\n"));
            ExitCode::from(EXIT_USAGE)
        }
    }
}
