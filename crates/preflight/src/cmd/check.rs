//! `preflight check`: every check that applies to a project, in one report.
//!
//! The checks run one after another and their outcomes go into one sink: the secret scan of
//! the working tree, git hygiene and the secrets that live only in history (when the project is
//! a git repository), the environment policy, and with `--live` the web sites and the database
//! the configuration names. A check that does not apply (no repository, no dotenv file, no URL)
//! contributes nothing; one that cannot run says why in a warning.
//!
//! The working-tree scan runs first: its fingerprints tell the history check which secrets are
//! still in the working tree, so that tracked files are not scanned twice.
//!
//! The framework and container checks look for their own files (settings modules, FastAPI
//! apps, compose files, Dockerfiles); one that found none to judge, so recorded no finding, fact
//! or warning, is not listed among the checks run, so that the checklist does not count a
//! Django item as checked in a project without Django.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use preflight_findings::{Check, Fingerprint, Outcome, Project};
use preflight_git::history::HistoryOptions;
use preflight_git::{HistoryCheck, HygieneCheck};
use preflight_report::RuleDoc;

use crate::blobs::EngineBlobs;
use crate::cli::GlobalArgs;
use crate::cmd::{codes, env, scan};
use crate::config::Config;
use crate::output::{self, Context, Progress};

/// The names `--skip` accepts.
const CHECKS: [&str; 10] = [
    "secrets",
    "git",
    "history",
    "env",
    "containers",
    "django",
    "fastapi",
    "deps",
    "web",
    "db",
];

/// The checks that apply only when the project has their files.
const LOOK_FOR_FILES: [&str; 4] = ["containers", "django", "fastapi", "deps"];

/// Arguments of `preflight check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project's root directory.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Also run the live checks: the `[web]` sites and the database of `DATABASE_URL`.
    #[arg(long)]
    pub live: bool,
    /// Do not scan git history (the working tree and git hygiene are still checked).
    #[arg(long)]
    pub no_history: bool,
    /// Checks to skip: secrets, git, history, env, containers, django, fastapi, deps, web, db (comma-separated or repeated).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "CHECK",
        value_parser = clap::builder::PossibleValuesParser::new(CHECKS)
    )]
    pub skip: Vec<String>,
}

/// Runs `preflight check`.
pub fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.dir.is_dir(),
        "{} is not a directory",
        args.dir.display()
    );
    let config = Config::load(global.config.as_deref(), &args.dir)?;
    let scanner = Arc::new(scan::load_scanner(&config, &[])?);
    let wanted = |name: &str| !args.skip.iter().any(|s| s == name);
    let project = Project {
        root: args.dir.clone(),
    };
    let progress = Progress::start(global);
    let mut outcome = Outcome::default();
    let mut checks_run = Vec::new();
    let mut run_check = |check: &dyn Check, outcome: &mut Outcome| {
        progress.step(&format!("checking {}", check.name()));
        let result = check.run(&project);
        let found_nothing_to_judge =
            result.findings.is_empty() && result.facts.is_empty() && result.warnings.is_empty();
        // The dependency audit counts as run only when it audited (a database was there).
        let audited_nothing = check.name() == "deps" && result.facts.is_empty();
        let nothing_to_judge = LOOK_FOR_FILES.contains(&check.name()) && found_nothing_to_judge;
        if !(nothing_to_judge || audited_nothing) {
            checks_run.push(check.name().to_string());
        }
        outcome.merge(result);
    };

    let mut in_worktree = None;
    if wanted("secrets") {
        let mut secrets = Outcome::default();
        let check = scan::SecretsCheck::new(Arc::clone(&scanner), scan::walk_options(&config.scan));
        run_check(&check, &mut secrets);
        in_worktree = Some(fingerprints(&secrets));
        outcome.merge(secrets);
    }

    let mut checks: Vec<Box<dyn Check>> = Vec::new();
    if wanted("git") {
        checks.push(Box::new(HygieneCheck::new()));
    }
    if wanted("history") && !args.no_history {
        let history = HistoryCheck::new(
            EngineBlobs::history(Arc::clone(&scanner)),
            HistoryOptions::default(),
        );
        checks.push(Box::new(match in_worktree {
            Some(fingerprints) => history.with_worktree(fingerprints),
            None => history,
        }));
    }
    if wanted("env") {
        checks.push(Box::new(
            env::build(&config).context("in the [env] policy")?,
        ));
    }
    if wanted("containers") {
        checks.push(Box::new(preflight_containers::ContainersCheck::new()));
    }
    if wanted("django") {
        checks.push(Box::new(preflight_framework::DjangoCheck::new()));
    }
    if wanted("fastapi") {
        checks.push(Box::new(preflight_framework::FastApiCheck::new()));
    }
    if wanted("deps") {
        checks.push(Box::new(preflight_deps::DepsCheck::new()));
    }
    if args.live && wanted("web") {
        checks.push(Box::new(preflight_web::WebCheck::new(config.web.clone())));
    }
    if args.live && wanted("db") {
        checks.push(Box::new(preflight_db::DbCheck::new(config.db.clone())));
    }
    for check in &checks {
        run_check(check.as_ref(), &mut outcome);
    }
    // Generic values in tests, fixtures and documentation are examples: reported at low.
    preflight_secrets::placement::lower_examples(&mut outcome.findings);
    drop(progress);

    let mut rules = scan::rule_docs(&scanner);
    rules.extend(codes::all().into_iter().map(RuleDoc::from_code));
    let context = Context {
        rules,
        checks_run,
        root: Some(absolute(&args.dir)),
    };
    output::report(global, &config, outcome, context)
}

/// The fingerprints of every secret the working-tree scan saw, reported or dropped: a secret
/// that is still in a file (even an allowlisted one) is not "only in history".
fn fingerprints(outcome: &Outcome) -> HashSet<Fingerprint> {
    let reported = outcome.findings.iter().map(|f| f.fingerprint.clone());
    let dropped = outcome.dropped.iter().filter_map(|d| {
        d.secret
            .as_ref()
            .map(|s| Fingerprint::of_secret(&d.id, s.expose().as_bytes()))
    });
    reported.chain(dropped).collect()
}

fn absolute(dir: &Path) -> String {
    std::path::absolute(dir)
        .unwrap_or_else(|_| dir.to_path_buf())
        .display()
        .to_string()
}
