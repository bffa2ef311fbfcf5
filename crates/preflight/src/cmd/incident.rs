//! `preflight incident [REPO]`: the incident report for secrets found in git history, with a
//! private replacement file for `git filter-repo --replace-text` and the purge plan.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use preflight_git::history::{self, HistoryOptions};
use preflight_git::incident::{self, IncidentReport};

use crate::blobs::EngineBlobs;
use crate::cli::{FormatArg, GlobalArgs};
use crate::cmd::scan;
use crate::config::Config;
use crate::output;

/// Arguments of `preflight incident`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The repository (any directory inside it).
    #[arg(default_value = ".")]
    pub repo: PathBuf,
    /// Where to write the `git filter-repo --replace-text` file (mode 0600, never printed);
    /// by default inside the repository's git directory.
    #[arg(long, value_name = "FILE")]
    pub replacements: Option<PathBuf>,
    /// Also scan objects that no reference reaches.
    #[arg(long)]
    pub all_objects: bool,
}

/// Runs `preflight incident`.
pub fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(global.config.as_deref(), &args.repo)?;
    let scanner = EngineBlobs::history(Arc::new(scan::load_scanner(&config, &[])?));
    let options = HistoryOptions {
        all_objects: args.all_objects,
        ..HistoryOptions::default()
    };
    let mut outcome = history::scan(&args.repo, &scanner, &options)?;
    for warning in &outcome.warnings {
        output::notice(global, &warning.to_string());
    }
    let present = history::worktree_fingerprints(&args.repo, &scanner);
    history::mark_worktree(&mut outcome.findings, &present);

    let mut written = None;
    if !outcome.findings.is_empty() {
        let path = match &args.replacements {
            Some(path) => path.clone(),
            None => incident::default_replacements_path(&args.repo)?,
        };
        incident::write_replacements(&outcome.findings, &path)?;
        output::notice(
            global,
            &format!(
                "replacement file for git filter-repo written to {} (mode 0600; it holds the \
                 secrets: never share it)",
                path.display()
            ),
        );
        written = Some(path);
    }
    let remote = incident::origin_url(&args.repo);
    let report = IncidentReport::build(&outcome.findings, written.as_deref(), remote.as_deref());
    let text = match global.format {
        FormatArg::Json => report.to_json() + "\n",
        _ => report.to_markdown(),
    };
    match &global.output {
        Some(path) => output::write_private(path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?,
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .context("writing the report")?,
    }
    Ok(if report.secrets.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
