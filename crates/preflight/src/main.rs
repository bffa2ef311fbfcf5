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
        // The reader of standard output went away (`preflight rules list | head`): end quietly,
        // as other command-line tools do.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            #[allow(clippy::print_stderr)]
            {
                // An error may quote input (a URL, a line); it is scrubbed as messages are.
                let error = preflight_findings::SafeText::from(format!("{err:#}"));
                eprintln!("preflight: error: {error}");
            }
            ExitCode::from(2)
        }
    }
}

/// Whether `err` comes from writing to a pipe whose reader has closed it.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let broken = Some(std::io::ErrorKind::BrokenPipe);
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().map(|e| e.kind()) == broken
            // JSON written straight to standard output fails with serde_json's error.
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == broken
    })
}
