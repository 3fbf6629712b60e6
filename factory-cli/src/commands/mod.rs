//! One module per subcommand.

mod lint;
mod rule;

use std::process::ExitCode;

use crate::args::{Cli, Command};

/// Exit code for usage and I/O errors.
pub(crate) const EXIT_USAGE: u8 = 2;

/// Run the parsed command.
pub(crate) fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Lint(args) => lint::run(&args),
        Command::Rule(args) => rule::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
