//! `preflight deps [DIR]`: the project's lockfiles audited against OSV advisories;
//! `preflight deps update`: the per-ecosystem exports downloaded into the cache.
//!
//! The audit reads the database given with `--db` (directories or zips of OSV records, fully
//! offline), else the exports `update` downloaded. Unlike `preflight check`, where a database
//! that cannot be used is a warning, here it is an error (exit status 2) naming the file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use preflight_deps::cache::Cache;
use preflight_deps::update::{self, DEFAULT_BASE_URL, Progress};
use preflight_deps::{DbSource, DepsCheck, Ecosystem};
use preflight_findings::{Check, Project};
use preflight_report::RuleDoc;

use crate::cli::GlobalArgs;
use crate::config::Config;
use crate::output::{self, Context};

/// Arguments of `preflight deps`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// Download the advisory database instead of auditing.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The project's root directory.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Audit against this directory tree of OSV JSON or YAML records, or zip of them (repeatable;
    /// default: the exports `preflight deps update` downloaded).
    #[arg(long, value_name = "PATH")]
    pub db: Vec<PathBuf>,
    #[command(flatten)]
    pub cache: CacheArgs,
    /// Rebuild the advisory index even if the database looks unchanged.
    #[arg(long)]
    pub reindex: bool,
}

/// Where the cache is.
#[derive(Debug, clap::Args)]
pub struct CacheArgs {
    /// The cache directory for downloaded exports and indexes (default: PREFLIGHT_CACHE_DIR,
    /// else the platform's cache directory).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

impl CacheArgs {
    fn cache(&self) -> anyhow::Result<Cache> {
        match &self.cache_dir {
            Some(dir) => Ok(Cache::at(dir)),
            None => Cache::default_location()
                .context("no cache directory: set PREFLIGHT_CACHE_DIR or pass --cache-dir"),
        }
    }
}

/// The `deps` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Download each ecosystem's OSV export into the cache and index it.
    Update(UpdateArgs),
}

/// Arguments of `preflight deps update`.
#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub cache: CacheArgs,
    /// Where the exports are published (`<URL>/<ecosystem>/all.zip`), for a mirror.
    #[arg(long, value_name = "URL", default_value = DEFAULT_BASE_URL)]
    pub base_url: String,
    /// The ecosystems to download: PyPI, npm, crates.io (comma-separated; default all three).
    #[arg(long, value_delimiter = ',', value_name = "ECOSYSTEM", value_parser = ecosystem)]
    pub ecosystem: Vec<Ecosystem>,
}

fn ecosystem(name: &str) -> Result<Ecosystem, String> {
    Ecosystem::from_osv(name).ok_or_else(|| {
        let known: Vec<&str> = Ecosystem::ALL.iter().map(|e| e.osv_name()).collect();
        format!("one of {}", known.join(", "))
    })
}

/// Runs `preflight deps` or `preflight deps update`.
pub fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Some(Command::Update(update)) => run_update(global, update),
        None => audit(global, args),
    }
}

fn audit(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.dir.is_dir(),
        "{} is not a directory",
        args.dir.display()
    );
    let config = Config::load(global.config.as_deref(), &args.dir)?;
    let cache = args.cache.cache()?;
    let source = if args.db.is_empty() {
        DbSource::Cache(Some(cache.clone()))
    } else {
        DbSource::Paths(args.db.clone())
    };
    let check = DepsCheck::with_source(source)
        .with_index_dir(cache.index_dir())
        .reindex(args.reindex);
    let progress = output::Progress::start(global);
    progress.step("indexing the advisory database");
    // Opening first makes a database that cannot be used an error; the check then reuses the
    // index it built.
    let opened = check.open().map_err(anyhow::Error::msg)?;
    drop(progress);
    if opened.db.built {
        output::notice(
            global,
            &format!(
                "indexed {} advisory records",
                opened.db.index().summary().records
            ),
        );
    }
    let progress = output::Progress::start(global);
    progress.step("auditing dependencies");
    let outcome = check.reindex(false).run(&Project {
        root: args.dir.clone(),
    });
    drop(progress);
    let context = Context {
        rules: preflight_deps::CODES
            .iter()
            .map(RuleDoc::from_code)
            .collect(),
        checks_run: vec!["deps".to_string()],
        root: Some(args.dir.display().to_string()),
    };
    output::report(global, &config, outcome, context)
}

fn run_update(global: &GlobalArgs, args: &UpdateArgs) -> anyhow::Result<ExitCode> {
    let cache = args.cache.cache()?;
    let ecosystems = if args.ecosystem.is_empty() {
        Ecosystem::ALL.to_vec()
    } else {
        args.ecosystem.clone()
    };
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if global.quiet {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let mut on_progress = |event: Progress| match event {
        Progress::Started { ecosystem, total } => {
            bar.reset();
            match total {
                Some(total) => {
                    bar.set_length(total);
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{prefix:>10} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
                        )
                        .expect("a valid template")
                        .progress_chars("=> "),
                    );
                }
                None => bar.set_style(
                    ProgressStyle::with_template("{prefix:>10} {spinner} {bytes} {bytes_per_sec}")
                        .expect("a valid template"),
                ),
            }
            bar.set_prefix(ecosystem.osv_name());
        }
        Progress::Received { bytes, .. } => bar.set_position(bytes),
        Progress::Finished { ecosystem, bytes } => {
            bar.suspend(|| {
                output::notice(
                    global,
                    &format!("{}: {} bytes downloaded", ecosystem.osv_name(), bytes),
                );
            });
        }
    };
    let result = update::download(&cache, &args.base_url, &ecosystems, &mut on_progress);
    bar.finish_and_clear();
    result?;
    let progress = output::Progress::start(global);
    progress.step("indexing the advisory database");
    let opened = DepsCheck::with_source(DbSource::Cache(Some(cache.clone())))
        .with_index_dir(cache.index_dir())
        .open()
        .map_err(anyhow::Error::msg)?;
    drop(progress);
    let summary = opened.db.index().summary();
    output::notice(
        global,
        &format!(
            "indexed {} advisory records (packages with advisories: {}) in {}",
            summary.records,
            opened.db.index().packages(),
            cache.root().display()
        ),
    );
    Ok(ExitCode::SUCCESS)
}
