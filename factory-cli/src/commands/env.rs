//! `factory env` (not implemented yet: its issue is open).

use std::process::ExitCode;

use clap::Args;

/// Arguments of `factory env`.
#[derive(Debug, Args)]
pub(crate) struct EnvArgs {
    #[command(flatten)]
    pub(crate) project: crate::args::ProjectArgs,
}

pub(crate) fn run(_args: &EnvArgs) -> Result<ExitCode, String> {
    Err("`factory env` is not implemented yet".to_owned())
}
