//! `preflight check` (being built).

use std::process::ExitCode;

use crate::cli::GlobalArgs;

/// Arguments of `preflight check`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `preflight check`.
pub fn run(_global: &GlobalArgs, _args: &Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`preflight check` is not built yet")
}
