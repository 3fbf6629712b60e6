//! `factory routes` (not implemented yet: its issue is open).

use std::process::ExitCode;

use clap::Args;

/// Arguments of `factory routes`.
#[derive(Debug, Args)]
pub(crate) struct RoutesArgs {
    #[command(flatten)]
    pub(crate) project: crate::args::ProjectArgs,
}

pub(crate) fn run(_args: &RoutesArgs) -> Result<ExitCode, String> {
    Err("`factory routes` is not implemented yet".to_owned())
}
