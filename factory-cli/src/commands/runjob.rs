//! `factory runjob` (not implemented yet: its issue is open).

use std::process::ExitCode;

use clap::Args;

/// Arguments of `factory runjob`.
#[derive(Debug, Args)]
pub(crate) struct RunjobArgs {
    #[command(flatten)]
    pub(crate) project: crate::args::ProjectArgs,
}

pub(crate) fn run(_args: &RunjobArgs) -> Result<ExitCode, String> {
    Err("`factory runjob` is not implemented yet".to_owned())
}
