//! `factory completions SHELL` and `factory manpage`.

use std::process::ExitCode;

use clap::CommandFactory;

use crate::args::{Cli, CompletionsArgs};
use crate::output::emit;

/// Print the completion script for a shell.
pub(crate) fn completions(args: &CompletionsArgs) -> Result<ExitCode, String> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "factory", &mut out);
    emit(&String::from_utf8_lossy(&out), None)?;
    Ok(ExitCode::SUCCESS)
}

/// Print the manual page (roff).
pub(crate) fn manpage() -> Result<ExitCode, String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| e.to_string())?;
    emit(&String::from_utf8_lossy(&out), None)?;
    Ok(ExitCode::SUCCESS)
}
