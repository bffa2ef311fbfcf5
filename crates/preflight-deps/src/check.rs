//! The dependency audit as `preflight check` and `preflight deps` run it: find the lockfiles,
//! read their packages, report unpinned requirements, open the advisory database and report
//! every package version it says is vulnerable.
//!
//! Without a database (none given, none downloaded) the packages are not audited and a warning
//! says how to get one; the check then records no fact, so a checklist does not count the
//! audit as done. A database that cannot be read is a warning naming the file, and the rest of
//! `preflight check` goes on.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use preflight_findings::{
    Check, Fact, Finding, Location, LocationKind, Outcome, Project, Severity, Warning,
};

use crate::audit::{self, Tally};
use crate::cache::Cache;
use crate::codes;
use crate::db::Database;
use crate::lockfile::{self, Kind, Package, Unpinned};

/// A database older than this is a warning.
pub const WARN_AGE: Duration = Duration::from_secs(7 * 24 * 3600);
/// A database older than this (the guides' monthly rhythm) is a finding.
pub const FINDING_AGE: Duration = Duration::from_secs(31 * 24 * 3600);

/// Unreadable records named one by one before the rest are counted.
const NAMED_UNREADABLE: usize = 10;

/// Directories never searched for lockfiles: installed packages and build output hold
/// lockfiles of other projects.
const SKIPPED_DIRS: [&str; 6] = [
    "node_modules",
    "site-packages",
    ".venv",
    "venv",
    "bower_components",
    "target",
];

/// Where the advisories come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbSource {
    /// Directories or zip files given by the user (`--db`).
    Paths(Vec<PathBuf>),
    /// The exports `preflight deps update` downloaded into a cache; `None` when there is no
    /// cache directory at all.
    Cache(Option<Cache>),
}

/// The dependency audit.
#[derive(Debug, Clone)]
pub struct DepsCheck {
    source: DbSource,
    index_dir: Option<PathBuf>,
    reindex: bool,
}

impl DepsCheck {
    /// The audit against the downloaded exports of the default cache.
    pub fn new() -> Self {
        DepsCheck::with_source(DbSource::Cache(Cache::default_location()))
    }

    /// The audit against `source`; indexes go to the source's cache, else the default one.
    pub fn with_source(source: DbSource) -> Self {
        let index_dir = match &source {
            DbSource::Cache(Some(cache)) => Some(cache.index_dir()),
            _ => Cache::default_location().map(|c| c.index_dir()),
        };
        DepsCheck {
            source,
            index_dir,
            reindex: false,
        }
    }

    /// Keeps indexes in `dir`.
    pub fn with_index_dir(mut self, dir: PathBuf) -> Self {
        self.index_dir = Some(dir);
        self
    }

    /// Rebuilds the index even when the sources look unchanged.
    pub fn reindex(mut self, reindex: bool) -> Self {
        self.reindex = reindex;
        self
    }
}

impl Default for DepsCheck {
    fn default() -> Self {
        DepsCheck::new()
    }
}

impl Check for DepsCheck {
    fn name(&self) -> &'static str {
        "deps"
    }

    fn run(&self, project: &Project) -> Outcome {
        let mut outcome = Outcome::default();
        let files = lockfiles(&project.root, &mut outcome);
        if files.is_empty() {
            return outcome;
        }
        let (packages, unpinned) = read_all(&project.root, &files, &mut outcome);
        outcome
            .findings
            .extend(unpinned.iter().map(unpinned_finding));
        let opened = match self.open() {
            Ok(opened) => opened,
            Err(problem) => {
                outcome.warnings.push(Warning::general(format!(
                    "{problem}; dependencies are not audited"
                )));
                return outcome;
            }
        };
        let Opened {
            db,
            sources,
            downloaded,
        } = opened;
        let summary = db.index().summary();
        for (file, problem) in summary.unreadable.iter().take(NAMED_UNREADABLE) {
            outcome.warnings.push(Warning::at(
                file.clone(),
                format!("advisory record skipped: {problem}"),
            ));
        }
        if summary.unreadable.len() > NAMED_UNREADABLE {
            outcome.warnings.push(Warning::general(format!(
                "{} more advisory records could not be read and were skipped",
                summary.unreadable.len() - NAMED_UNREADABLE
            )));
        }
        let age_basis = downloaded.or_else(|| {
            summary
                .newest
                .as_deref()
                .and_then(|n| n.parse::<jiff::Timestamp>().ok())
                .map(SystemTime::from)
        });
        judge_age(age_basis, &sources, &mut outcome);
        match audit::audit(db.index(), &packages) {
            Ok((hits, tally)) => {
                outcome
                    .findings
                    .extend(hits.iter().map(audit::Hit::finding));
                record_facts(&files, &packages, tally, summary.records, &mut outcome);
            }
            Err(error) => outcome.warnings.push(Warning::general(format!(
                "the advisory index cannot be read ({error}); run again with --reindex"
            ))),
        }
        outcome
    }
}

/// An open database and where it came from.
pub struct Opened {
    /// The database.
    pub db: Database,
    /// Its files.
    pub sources: Vec<PathBuf>,
    /// When the oldest downloaded export was fetched (for the cache's exports).
    pub downloaded: Option<SystemTime>,
}

impl DepsCheck {
    /// Opens the database, building its index if needed; the error says which file is wrong
    /// or that there is no database.
    pub fn open(&self) -> Result<Opened, String> {
        let (sources, downloaded) = match &self.source {
            DbSource::Paths(paths) => (paths.clone(), None),
            DbSource::Cache(cache) => {
                let exports = cache.as_ref().map(Cache::exports).unwrap_or_default();
                if exports.is_empty() {
                    return Err("no advisory database: run `preflight deps update`, or pass --db with a directory or zip of OSV records".into());
                }
                let oldest = exports.iter().map(|e| e.downloaded).min();
                (exports.into_iter().map(|e| e.path).collect(), oldest)
            }
        };
        let db = Database::open(&sources, self.index_dir.as_deref(), self.reindex)
            .map_err(|e| e.to_string())?;
        Ok(Opened {
            db,
            sources,
            downloaded,
        })
    }
}

/// The lockfiles under `root`, relative, sorted; `.gitignore` is honoured.
fn lockfiles(root: &Path, outcome: &mut Outcome) -> Vec<(String, Kind)> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && e.file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n)))
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                outcome.warnings.push(Warning::general(format!(
                    "while looking for lockfiles: {error}"
                )));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let name = entry.file_name().to_str().unwrap_or("");
        let in_requirements_dir = entry
            .path()
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|d| d == "requirements");
        let kind = match Kind::of(name) {
            Some(kind) => kind,
            // pip-tools layouts keep `requirements/base.txt`, `requirements/dev.txt`.
            None if in_requirements_dir && name.ends_with(".txt") => Kind::Requirements,
            None => continue,
        };
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        out.push((rel.join("/"), kind));
    }
    out.sort();
    out
}

/// Every file's packages and unpinned requirements, each once (requirement files include one
/// another).
fn read_all(
    root: &Path,
    files: &[(String, Kind)],
    outcome: &mut Outcome,
) -> (Vec<Package>, Vec<Unpinned>) {
    let mut packages = BTreeSet::new();
    let mut unpinned = Vec::new();
    let mut seen_unpinned = BTreeSet::new();
    let mut warned = BTreeSet::new();
    for (rel, kind) in files {
        let read = lockfile::read(root, rel, *kind);
        packages.extend(read.packages);
        for u in read.unpinned {
            if seen_unpinned.insert((u.path.clone(), u.line)) {
                unpinned.push(u);
            }
        }
        for warning in read.warnings {
            if warned.insert(warning.to_string()) {
                outcome.warnings.push(warning);
            }
        }
    }
    (packages.into_iter().collect(), unpinned)
}

/// A requirement not pinned to one version, at `low`: projects keep ranges on purpose (a library's
/// base list beside a pinned one, development tools), so it is advice, not a deploy blocker.
fn unpinned_finding(u: &Unpinned) -> Finding {
    Finding::new(
        codes::UNPINNED,
        Severity::Low,
        format!(
            "`{}` is not pinned to one version: {}; it cannot be audited and may change under you",
            u.requirement, u.reason
        ),
        Location::file(u.path.clone(), u.line, 1),
        &u.name,
    )
    .with_help(format!(
        "pin it as `{}==VERSION` (pip-compile or `pip freeze` write the whole set), or pin it in a constraints file",
        u.name
    ))
    .with_detail("package", u.name.clone())
}

fn judge_age(basis: Option<SystemTime>, sources: &[PathBuf], outcome: &mut Outcome) {
    let Some(age) = basis.and_then(|b| SystemTime::now().duration_since(b).ok()) else {
        return;
    };
    let days = age.as_secs() / (24 * 3600);
    let names: Vec<String> = sources.iter().map(|s| s.display().to_string()).collect();
    let target = names.join(", ");
    if age > FINDING_AGE {
        outcome.findings.push(
            Finding::new(
                codes::DATABASE_OUTDATED,
                Severity::Medium,
                format!(
                    "the advisory database is {days} days old, so advisories published since are not checked"
                ),
                Location::whole(LocationKind::Project, target.clone()),
                &target,
            )
            .with_help("run `preflight deps update` (or refresh the --db copy) at least every month")
            .with_detail("age-days", days.to_string()),
        );
    } else if age > WARN_AGE {
        outcome.warnings.push(Warning::at(
            target,
            format!("the advisory database is {days} days old; run `preflight deps update`"),
        ));
    }
}

fn record_facts(
    files: &[(String, Kind)],
    packages: &[Package],
    tally: Tally,
    records: u64,
    outcome: &mut Outcome,
) {
    for (rel, _) in files {
        let count = packages.iter().filter(|p| &p.path == rel).count();
        outcome.facts.push(Fact::new(
            codes::VULNERABLE,
            Location::whole(LocationKind::File, rel.clone()),
            format!("{count} packages read"),
        ));
    }
    let mut summary = format!(
        "{} package versions audited against {records} advisory records",
        tally.audited
    );
    if tally.unversioned > 0 {
        summary.push_str(&format!(
            "; {} come from URLs, git or local paths and have no index version to audit",
            tally.unversioned
        ));
    }
    outcome.facts.push(Fact::new(
        "deps",
        Location::whole(LocationKind::Project, "."),
        summary,
    ));
}
