//! `preflight hook install`: a pre-commit hook running `preflight scan --staged`.

use std::path::PathBuf;
use std::process::ExitCode;

use preflight_git::hook::{self, Installed};

use crate::cli::GlobalArgs;
use crate::output;

/// The `hook` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write the pre-commit hook (where `core.hooksPath` says, else `.git/hooks`).
    Install(InstallArgs),
}

/// Arguments of `preflight hook install`.
#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// The repository (any directory inside it).
    #[arg(default_value = ".")]
    pub repo: PathBuf,
    /// Replace an existing pre-commit hook that preflight did not write.
    #[arg(long)]
    pub force: bool,
}

/// Runs `preflight hook`.
pub fn run(global: &GlobalArgs, command: &Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Install(args) => {
            let message = match hook::install(&args.repo, args.force)? {
                Installed::Created(path) => format!("installed {}", path.display()),
                Installed::Updated(path) => format!("updated {}", path.display()),
                Installed::Replaced(path) => {
                    format!("replaced the existing hook {}", path.display())
                }
            };
            output::notice(global, &message);
            Ok(ExitCode::SUCCESS)
        }
    }
}
