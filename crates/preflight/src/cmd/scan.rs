//! `preflight scan` (being built).

use std::process::ExitCode;

use crate::cli::GlobalArgs;

/// Arguments of `preflight scan`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `preflight scan`.
pub fn run(_global: &GlobalArgs, _args: &Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`preflight scan` is not built yet")
}
