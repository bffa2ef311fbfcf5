//! The command line: global report options and one subcommand.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use preflight_findings::Severity;

use crate::cmd;

/// preflight: prove a web project is not about to ship a security mistake.
#[derive(Debug, Parser)]
#[command(name = "preflight", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options that every reporting subcommand understands.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Read configuration from FILE instead of preflight.toml or pyproject.toml in the root.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Write the report to FILE (mode 0600 when it may hold secrets) instead of standard output.
    #[arg(long, short = 'o', global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with status 1 when a finding is at or above this severity.
    #[arg(long, global = true, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// Report only findings at or above this severity.
    #[arg(long, global = true, value_name = "SEVERITY")]
    pub min_severity: Option<Severity>,
    /// Print secret values in full. Off by default: reports show a short prefix and the length.
    #[arg(long, global = true)]
    pub show_secrets: bool,
    /// Also list every candidate that was dropped, and why.
    #[arg(long, global = true)]
    pub explain: bool,
    /// Hide findings recorded in this baseline file.
    #[arg(long, global = true, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (keeping reasons and expiry dates).
    #[arg(long, global = true, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// When to use colour in human output (never when NO_COLOR is set).
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// No progress or warnings on standard error.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
}

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Readable terminal output, grouped by file.
    Human,
    /// One JSON object with a `findings` array.
    Json,
    /// SARIF 2.1.0 for code-scanning upload.
    Sarif,
    /// A Markdown checklist per security guide.
    Markdown,
    /// One self-contained HTML page: a summary, each guide's checklist with its findings and evidence.
    Html,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when standard output is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour (unless NO_COLOR is set).
    Always,
    /// Never colour.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every check that applies to a project and print one report.
    Check(cmd::check::Args),
    /// Scan files, directories or standard input (`-`) for secrets.
    Scan(cmd::scan::Args),
    /// Copy standard input to standard output with every detected secret replaced.
    Redact(cmd::redact::Args),
    /// List the secret rules or test their examples.
    #[command(subcommand)]
    Rules(cmd::rules::Command),
    /// List every finding code with its severity and meaning.
    Codes(cmd::codes::Args),
    /// Validate dotenv files or the process environment against the `[env]` policy.
    Env(cmd::env::Args),
    /// Write a starting preflight.toml from .env.example and the variables the code reads.
    Init(cmd::init::Args),
    /// Generate secrets, or a filled .env from an example.
    #[command(subcommand)]
    Gen(cmd::r#gen::Command),
    /// Check live sites: HTTPS redirect, security headers, cookies, CORS, TLS; grade each.
    Web(cmd::web::Args),
    /// Check a PostgreSQL server through DATABASE_URL: TLS, the role's privileges, settings, version.
    Db(cmd::db::Args),
    /// Audit the lockfiles against OSV advisories (`deps update` downloads the database).
    Deps(cmd::deps::Args),
    /// Report every secret in git history, with a purge plan and a filter-repo replacement file.
    Incident(cmd::incident::Args),
    /// Install the pre-commit hook that scans staged changes.
    #[command(subcommand)]
    Hook(cmd::hook::Command),
}
