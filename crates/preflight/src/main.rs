//! The `preflight` command: parses arguments, runs one subcommand, exits with its status.
//!
//! Exit status: 0 when no finding reaches `--fail-on`, 1 when one does, 2 on a usage or fatal
//! error.

mod blobs;
mod cli;
mod cmd;
mod output;

use preflight::config;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("preflight: error: {err:#}");
            }
            ExitCode::from(2)
        }
    }
}
