//! `factory config` (not implemented yet: its issue is open).

use std::process::ExitCode;

use clap::Args;

/// Arguments of `factory config`.
#[derive(Debug, Args)]
pub(crate) struct ConfigArgs {
    #[command(flatten)]
    pub(crate) project: crate::args::ProjectArgs,
}

pub(crate) fn run(_args: &ConfigArgs) -> Result<ExitCode, String> {
    Err("`factory config` is not implemented yet".to_owned())
}
