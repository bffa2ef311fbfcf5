//! `preflight rules` (being built).

use std::process::ExitCode;

use crate::cli::GlobalArgs;

/// The `rules` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the rules.
    List,
}

/// Runs a `rules` subcommand.
pub fn run(_global: &GlobalArgs, _command: &Command) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`preflight rules` is not built yet")
}
