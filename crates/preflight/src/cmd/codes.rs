//! `preflight codes` (being built).

use std::process::ExitCode;

use crate::cli::GlobalArgs;

/// Arguments of `preflight codes`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `preflight codes`.
pub fn run(_global: &GlobalArgs, _args: &Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`preflight codes` is not built yet")
}
