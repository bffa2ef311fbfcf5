//! `preflight scan --git` and `preflight scan --staged`: the secret engine over git history or
//! over the staged changes, reported like a file scan.
//!
//! History findings say whether the working tree still holds each secret (a secret only in
//! history is still exposed and must be rotated), as `preflight check` does. The tracked files
//! are scanned for that only when history produced findings, so a clean history costs nothing
//! more. A staged scan that blocks a commit ends with a line saying so, for the hook's user.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use preflight_git::history::{self, HistoryOptions, Selection};
use preflight_git::staged::{self, StagedOptions};

use super::{Args, load_scanner, rule_docs};
use crate::blobs::EngineBlobs;
use crate::cli::GlobalArgs;
use crate::config::Config;
use crate::output::{self, Context};

/// Runs a history scan (`--git`, `--all-objects`, `--since`) or a staged scan (`--staged`).
pub fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    let repo = repository(args)?;
    let config = Config::load(global.config.as_deref(), &repo)?;
    let scanner = Arc::new(load_scanner(&config, &args.rules)?);
    let max_size = args
        .max_file_size
        .or(config.scan.max_file_size)
        .unwrap_or(HistoryOptions::default().max_blob_size);
    let (outcome, check) = if args.staged {
        let options = StagedOptions {
            max_blob_size: max_size,
        };
        let blobs = EngineBlobs::staged(Arc::clone(&scanner));
        (staged::scan(&repo, &blobs, &options)?, "staged")
    } else {
        let options = HistoryOptions {
            selection: selection(args.since.as_deref()),
            all_objects: args.all_objects,
            max_blob_size: max_size,
            threads: args.threads.unwrap_or(0),
        };
        let blobs = EngineBlobs::history(Arc::clone(&scanner));
        let progress = output::Progress::start(global);
        progress.step("scanning git history");
        let mut outcome = history::scan(&repo, &blobs, &options)?;
        drop(progress);
        if !outcome.findings.is_empty()
            && let Some(present) = history::tracked_fingerprints(&repo, &blobs)
        {
            history::mark_worktree(&mut outcome.findings, &present);
        }
        (outcome, "history")
    };
    let context = Context {
        rules: rule_docs(&scanner),
        checks_run: vec![check.to_string()],
        root: Some(repo.display().to_string()),
    };
    let code = output::report(global, &config, outcome, context)?;
    if args.staged && code != ExitCode::SUCCESS {
        output::notice(
            global,
            "commit blocked: the staged changes add the secrets above. Take them out of the \
             files (read them from the environment instead) and stage again; if one is not a \
             secret, allowlist it in preflight.toml.",
        );
    }
    Ok(code)
}

/// The repository to scan: the one PATH given, or the current directory.
fn repository(args: &Args) -> anyhow::Result<PathBuf> {
    match args.paths.as_slice() {
        [] => Ok(PathBuf::from(".")),
        [path] if path.as_os_str() == "-" => {
            anyhow::bail!("--git and --staged scan a repository, not standard input")
        }
        [path] => Ok(path.clone()),
        _ => anyhow::bail!("--git and --staged scan one repository; give at most one PATH"),
    }
}

/// `--since REV` covers `REV..HEAD`; `--since A..B` the range itself.
fn selection(since: Option<&str>) -> Selection {
    match since {
        None => Selection::All,
        Some(range) if range.contains("..") => Selection::Range(range.to_string()),
        Some(rev) => Selection::Since(rev.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_a_revision_or_a_range() {
        assert_eq!(selection(None), Selection::All);
        assert_eq!(
            selection(Some("v1.0")),
            Selection::Since("v1.0".to_string())
        );
        assert_eq!(
            selection(Some("v1.0..main")),
            Selection::Range("v1.0..main".to_string())
        );
    }
}
