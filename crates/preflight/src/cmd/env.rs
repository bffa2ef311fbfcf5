//! `preflight env`: dotenv files or the process environment checked against the `[env]` policy.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use preflight_env::{EnvCheck, PolicyError, Profile};
use preflight_report::RuleDoc;

use crate::cli::GlobalArgs;
use crate::config::Config;
use crate::output;

/// Arguments of `preflight env`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Dotenv files to check (default: the project's `.env*` files, except examples and
    /// templates).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Check the variables of this process's environment instead of files (for a container's
    /// start-up).
    #[arg(long, conflicts_with = "files")]
    pub from_env: bool,
    /// Judge as this profile: production, staging or development (default: the file name's, then
    /// the policy's, then production).
    #[arg(long, value_name = "PROFILE", value_parser = parse_profile)]
    pub profile: Option<Profile>,
    /// The project root: where the policy, `.env.example` and the code are.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}

fn parse_profile(text: &str) -> Result<Profile, String> {
    text.parse()
}

/// Runs `preflight env`.
pub fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    let root = args
        .root
        .canonicalize()
        .with_context(|| format!("cannot open the project root {}", args.root.display()))?;
    let config = Config::load(global.config.as_deref(), &root)?;
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let files = args
        .files
        .iter()
        .map(|f| {
            let path = cwd.join(f);
            path.canonicalize().unwrap_or(path)
        })
        .collect();
    let check = build(&config)?.with_profile(args.profile).with_files(files);
    let outcome = if args.from_env {
        check.check_environment(&root, std::env::vars_os())
    } else {
        check.check_files(&root)
    };
    let context = output::Context {
        rules: rule_docs(),
        checks_run: vec!["env".to_string()],
        root: Some(root.display().to_string()),
    };
    output::report(global, &config, outcome, context)
}

/// The env check of `config`, or an error naming the file, line, variable and key of every
/// mistake in the policy.
pub fn build(config: &Config) -> anyhow::Result<EnvCheck> {
    EnvCheck::new(&config.env).map_err(|errors| policy_errors(config.source.as_deref(), errors))
}

fn policy_errors(source: Option<&Path>, errors: Vec<PolicyError>) -> anyhow::Error {
    let text = source
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    let file = source.map_or_else(|| "configuration".to_string(), |p| p.display().to_string());
    let lines: Vec<String> = errors
        .into_iter()
        .map(|e| {
            let e = e.locate(&text);
            let line = e.line.unwrap_or(1);
            let PolicyError {
                var, key, message, ..
            } = e;
            let place = match var {
                Some(var) => format!("[env.vars.{var}] {key}"),
                None => format!("[env] {key}"),
            };
            format!("{file}:{line}: {place}: {message}")
        })
        .collect();
    anyhow::anyhow!("invalid env policy:\n{}", lines.join("\n"))
}

/// The env codes, for SARIF's rule table.
pub fn rule_docs() -> Vec<RuleDoc> {
    preflight_env::CODES
        .iter()
        .map(|code| RuleDoc {
            id: code.id.to_string(),
            name: code.id.trim_start_matches("env.").replace('-', " "),
            description: code.description.to_string(),
            help_uri: None,
            severity: code.severity,
        })
        .collect()
}
