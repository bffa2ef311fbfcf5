//! `preflight redact` (being built).

use std::process::ExitCode;

use crate::cli::GlobalArgs;

/// Arguments of `preflight redact`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `preflight redact`.
pub fn run(_global: &GlobalArgs, _args: &Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`preflight redact` is not built yet")
}
