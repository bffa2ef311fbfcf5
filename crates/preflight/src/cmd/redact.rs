//! `preflight redact`: standard input to standard output with every detected secret replaced
//! by `[REDACTED:<rule-id>]`, line by line and in bounded memory, so it can sit in a log pipe.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use preflight_secrets::redact_stream;

use crate::cli::GlobalArgs;
use crate::cmd::scan::load_scanner;
use crate::config::Config;
use crate::output::notice;

/// Arguments of `preflight redact`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also redact what the rules of this file detect.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
}

/// Runs `preflight redact`.
pub fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(global.config.as_deref(), &PathBuf::from("."))?;
    let scanner = load_scanner(&config, &args.rules)?;
    let stdout = io::stdout().lock();
    match redact_stream(&scanner, io::stdin().lock(), stdout) {
        Ok(stats) => {
            if stats.redacted > 0 {
                notice(
                    global,
                    &format!(
                        "redacted {} secrets in {} lines",
                        stats.redacted, stats.lines
                    ),
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        // The reader of the pipe went away (`| head`): nothing more to do.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => {
            let _ = io::stdout().flush();
            Err(anyhow::Error::new(e).context("redaction failed"))
        }
    }
}
