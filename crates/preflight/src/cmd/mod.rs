//! One module per subcommand, each with its `Args` and a `run` that returns the exit status.

pub mod check;
pub mod codes;
pub mod db;
pub mod deps;
pub mod env;
pub mod r#gen;
pub mod hook;
pub mod incident;
pub mod init;
pub mod redact;
pub mod rules;
pub mod scan;
pub mod web;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Runs the subcommand the user asked for.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = &cli.global;
    match &cli.command {
        Command::Check(args) => check::run(global, args),
        Command::Scan(args) => scan::run(global, args),
        Command::Redact(args) => redact::run(global, args),
        Command::Rules(command) => rules::run(global, command),
        Command::Codes(args) => codes::run(global, args),
        Command::Env(args) => env::run(global, args),
        Command::Init(args) => init::run(global, args),
        Command::Gen(command) => r#gen::run(global, command),
        Command::Web(args) => web::run(global, args),
        Command::Db(args) => db::run(global, args),
        Command::Deps(args) => deps::run(global, args),
        Command::Incident(args) => incident::run(global, args),
        Command::Hook(command) => hook::run(global, command),
    }
}
