//! `preflight db [URL]`: checks a PostgreSQL server through the application's connection URL.
//!
//! The URL comes from the argument, else from the variable named by `url-env` in `[db]`
//! (default `DATABASE_URL`) in the environment, else from the project's `.env`. It is held
//! redacted from the moment it is parsed off the command line: it carries the password.
//! A connection that cannot be made is an error (exit status 2) with a message that names the
//! target without its password.

use std::process::ExitCode;

use anyhow::Context as _;
use preflight_findings::Redacted;
use preflight_report::RuleDoc;

use crate::cli::{FormatArg, GlobalArgs};
use crate::config::Config;
use crate::output;

/// Arguments of `preflight db`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The connection URL (`postgresql://user:password@host/db?sslmode=verify-full`, or libpq's
    /// `key=value` form); default: DATABASE_URL from the environment or the project's .env.
    #[arg(value_name = "URL", value_parser = redacted)]
    pub url: Option<Redacted>,
    /// The shortest acceptable password, in characters (default 20, or `min-password-length`).
    #[arg(long, value_name = "N")]
    pub min_password_length: Option<usize>,
    /// The application's schema; objects the role owns elsewhere are reported.
    #[arg(long, value_name = "SCHEMA")]
    pub app_schema: Option<String>,
    /// Seconds to wait for the connection (default 10).
    #[arg(long, value_name = "SECONDS")]
    pub connect_timeout: Option<u64>,
}

fn redacted(value: &str) -> Result<Redacted, String> {
    Ok(Redacted::new(value))
}

/// Runs `preflight db`.
pub fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let config = Config::load(global.config.as_deref(), &cwd)?;
    let mut db = config.db.clone();
    if let Some(length) = args.min_password_length {
        db.min_password_length = length;
    }
    if let Some(schema) = &args.app_schema {
        db.app_schema = Some(schema.clone());
    }
    if let Some(seconds) = args.connect_timeout {
        db.connect_timeout_secs = seconds;
    }
    let url = preflight_db::resolve_url(args.url.as_ref().map(Redacted::expose), &db, &cwd)?;
    let target = preflight_db::target_of(url.expose());
    if global.format == FormatArg::Human
        && let Some(target) = &target
    {
        output::notice(global, &format!("checking {target}"));
    }
    let outcome = preflight_db::inspect(url.expose(), &db)?;
    let context = output::Context {
        rules: preflight_db::CODES.iter().map(RuleDoc::from_code).collect(),
        checks_run: vec!["db".to_string()],
        root: target,
    };
    output::report(global, &config, outcome, context)
}
