//! `preflight rules`: list the secret rules, or check rules against their examples.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use preflight_rules::RuleSet;
use preflight_secrets::{ScanConfig, Scanner, check_rule};

use crate::cli::{FormatArg, GlobalArgs};
use crate::cmd::scan;
use crate::config::Config;

/// The `rules` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the rules: id, provider, severity, keywords (`--format json` for JSON).
    List(ListArgs),
    /// Check every example of the built-in rules, the configuration's rules and FILE's rules
    /// through the full engine.
    Test(TestArgs),
}

/// Arguments of `preflight rules list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Also list the rules of this file.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
}

/// Arguments of `preflight rules test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// A custom rules file whose rules are checked along with the built-in ones.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// Runs a `rules` subcommand.
pub fn run(global: &GlobalArgs, command: &Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::List(args) => list(global, &load(global, &args.rules)?),
        Command::Test(args) => test(&load(global, args.file.as_slice())?),
    }
}

/// The built-in rules, the configuration's `[[rules]]` and the rules of `files`.
fn load(global: &GlobalArgs, files: &[PathBuf]) -> anyhow::Result<RuleSet> {
    let config = Config::load(global.config.as_deref(), Path::new("."))?;
    scan::load_rules(&config, files)
}

fn list(global: &GlobalArgs, rules: &RuleSet) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if global.format == FormatArg::Json {
        let list: Vec<serde_json::Value> = rules
            .rules()
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "name": r.name,
                    "provider": r.provider,
                    "severity": r.severity,
                    "keywords": r.keywords,
                    "reference": r.reference,
                    "public": r.public,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let id_width = rules.rules().iter().map(|r| r.id.len()).max().unwrap_or(0);
    let provider_width = rules
        .rules()
        .iter()
        .map(|r| r.provider.len())
        .max()
        .unwrap_or(0);
    for rule in rules.rules() {
        writeln!(
            out,
            "{:<id_width$}  {:<provider_width$}  {:<8}  {}",
            rule.id,
            rule.provider,
            rule.severity,
            rule.keywords.join(", ")
        )?;
    }
    writeln!(out, "{} rules", rules.len())?;
    Ok(ExitCode::SUCCESS)
}

fn test(rules: &RuleSet) -> anyhow::Result<ExitCode> {
    let scanner = Scanner::new(rules, &ScanConfig::default());
    let mut scratch = preflight_secrets::Scratch::default();
    let mut out = std::io::stdout().lock();
    let mut failures = 0;
    let mut examples = 0;
    for rule in rules.rules() {
        examples += rule.examples.len() + rule.negative_examples.len();
        if let Err(e) = preflight_rules::compile_pattern(&rule.pattern) {
            writeln!(out, "FAIL {} pattern: {e}", rule.id)?;
            failures += 1;
            continue;
        }
        for failure in check_rule(&scanner, rule, &mut scratch) {
            writeln!(out, "FAIL {failure}")?;
            failures += 1;
        }
    }
    writeln!(
        out,
        "{} rules, {examples} examples: {}",
        rules.len(),
        if failures == 0 {
            "all pass".to_string()
        } else {
            format!("{failures} failed")
        }
    )?;
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
