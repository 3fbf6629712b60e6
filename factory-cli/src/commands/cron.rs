//! `factory cron` (not implemented yet: its issue is open).

use std::process::ExitCode;

use clap::Args;

/// Arguments of `factory cron`.
#[derive(Debug, Args)]
pub(crate) struct CronArgs {
    #[command(flatten)]
    pub(crate) project: crate::args::ProjectArgs,
}

pub(crate) fn run(_args: &CronArgs) -> Result<ExitCode, String> {
    Err("`factory cron` is not implemented yet".to_owned())
}
