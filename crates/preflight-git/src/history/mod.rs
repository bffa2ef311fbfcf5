//! Secrets in git history: every blob reachable from every reference, scanned once, each secret
//! reported once with where it entered, where it left and where it still is.
//!
//! The scan runs in three steps:
//! 1. [`graph`] lists the commits to cover (all references, or an incremental range) in
//!    topological order;
//! 2. [`walk`] reads each distinct tree once, meeting each distinct blob once; then [`scan`]
//!    reads those blobs on several threads, decoding whole packs where the scan wants much of
//!    them (each object once, from its already-decoded delta base) and looking up the rest;
//! 3. [`attribute`] takes the blobs that produced findings, groups findings by fingerprint (one
//!    secret may live in many blobs as a file is edited) and computes each secret's
//!    [`History`](preflight_findings::History).
//!
//! The walk visits commits newest first; the first commit holding a blob does not depend on
//! that order: attribution computes it, parents first.

mod attribute;
mod graph;
mod scan;
mod walk;

use std::collections::HashSet;
use std::path::Path;

use gix::ObjectId;
use preflight_findings::{
    CommitRef, Finding, Fingerprint, History, Location, LocationKind, Outcome, Warning,
};

use crate::{BlobScanner, GitError, blob};
use attribute::SecretHistory;
use walk::{Job, Walker};

/// Which part of history to scan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Selection {
    /// Everything reachable from every reference and `HEAD`.
    #[default]
    All,
    /// What the commits after this revision, up to `HEAD`, introduced (`REV..HEAD`).
    Since(String),
    /// What the commits of a range `A..B` introduced (`A..` means `A..HEAD`).
    Range(String),
}

/// How to scan history.
#[derive(Debug, Clone)]
pub struct HistoryOptions {
    /// Which commits to cover.
    pub selection: Selection,
    /// Also scan blobs no reference reaches (dangling or unreachable objects).
    pub all_objects: bool,
    /// Blobs larger than this many bytes are not scanned (a warning names each one).
    pub max_blob_size: u64,
    /// Scanning threads; 0 means one per CPU (at least two).
    pub threads: usize,
}

impl Default for HistoryOptions {
    fn default() -> Self {
        HistoryOptions {
            selection: Selection::All,
            all_objects: false,
            max_blob_size: 50 * 1024 * 1024,
            threads: 0,
        }
    }
}

/// Scans the history of the repository containing `path` with `scanner`.
///
/// Each secret (findings grouped by fingerprint) is reported once, located where it entered
/// history, with its [`History`]. Problems with single objects are warnings in the outcome.
pub fn scan<S: BlobScanner>(
    path: &Path,
    scanner: &S,
    options: &HistoryOptions,
) -> Result<Outcome, GitError> {
    let repo = crate::repo::open(path)?;
    let mut warnings = Vec::new();
    let graph = graph::build(&repo, &options.selection, &mut warnings)?;
    let threads = if options.threads == 0 {
        std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .max(2)
    } else {
        options.threads
    };
    let mut jobs = Vec::new();
    let mut walker = walk_all(&repo, &graph, options, &mut |job| jobs.push(job));
    walker.shrink();
    let scanned = scan::scan_all(&repo, scanner, &jobs, threads, options.max_blob_size);
    drop(jobs);

    let mut outcome = Outcome {
        warnings,
        ..Outcome::default()
    };
    outcome.warnings.extend(walker.warnings.iter().cloned());
    let mut skipped = scanned.warnings;
    // Threads finish in any order; sorted, the report is the same from run to run.
    skipped.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    outcome.warnings.extend(skipped);
    outcome.stats.add(scanned.stats);
    let mut hits = scanned.hits;
    let first = scanned.first;
    hits.sort_by_key(|hit| hit.index);
    let found = Found {
        repo: &repo,
        graph: &graph,
        walker: &walker,
        scanner,
        max_size: options.max_blob_size,
    };
    outcome.findings = found.report(hits, first);
    Ok(outcome)
}

/// Walks every tree the scan covers, newest commits first, handing new blobs to `emit`.
fn walk_all<'r>(
    repo: &'r gix::Repository,
    graph: &graph::Graph,
    options: &HistoryOptions,
    emit: &mut dyn FnMut(Job),
) -> Walker<'r> {
    let mut walker = Walker::new(repo);
    for tree in &graph.boundary_trees {
        walker.seed(*tree);
    }
    for commit in graph.commits.iter().rev() {
        walker.walk_tree(commit.tree, "", emit);
    }
    for root in &graph.loose {
        if root.is_tree {
            walker.walk_tree(root.id, "", emit);
        } else {
            walker.add_blob(root.id, root.name.clone(), emit);
        }
    }
    if options.all_objects {
        let mut warnings = Vec::new();
        for id in walk::all_blob_ids(repo, &mut warnings) {
            if !walker.has_blob(&id) {
                let path = format!("unreachable/{}", crate::blob::short(&id));
                walker.add_blob(id, path, emit);
            }
        }
        walker.warnings.extend(warnings);
    }
    walker
}

/// The ids (hex) of every blob the scan would cover, each once, in the order met. The same set
/// as the blobs `git rev-list --objects --all` lists (plus unreachable ones with `all_objects`).
pub fn blob_ids(path: &Path, options: &HistoryOptions) -> Result<Vec<String>, GitError> {
    let repo = crate::repo::open(path)?;
    let mut warnings = Vec::new();
    let graph = graph::build(&repo, &options.selection, &mut warnings)?;
    let mut ids = Vec::new();
    walk_all(&repo, &graph, options, &mut |job| {
        ids.push(job.id.to_string())
    });
    Ok(ids)
}

/// One blob holding a secret.
struct Sighting {
    blob: u32,
    id: ObjectId,
    path: String,
}

/// One secret and the blobs that hold it.
struct Secret {
    fingerprint: Fingerprint,
    sightings: Vec<Sighting>,
}

/// What the report of a history scan needs.
struct Found<'a, S> {
    repo: &'a gix::Repository,
    graph: &'a graph::Graph,
    walker: &'a Walker<'a>,
    scanner: &'a S,
    max_size: u64,
}

impl<S: BlobScanner> Found<'_, S> {
    /// Groups the blobs' secrets by fingerprint and turns each group into one finding with its
    /// history; `first` holds a finding of each secret for when its blob cannot be read again.
    fn report(
        &self,
        hits: Vec<scan::Hit>,
        mut first: std::collections::HashMap<Fingerprint, Finding>,
    ) -> Vec<Finding> {
        let mut secrets: Vec<Secret> = Vec::new();
        let mut by_fingerprint: std::collections::HashMap<Fingerprint, usize> = Default::default();
        let mut secrets_of_blob: std::collections::HashMap<u32, Vec<u32>> = Default::default();
        for hit in hits {
            for fingerprint in hit.secrets {
                let next = secrets.len();
                let s = *by_fingerprint.entry(fingerprint.clone()).or_insert(next);
                if s == next {
                    secrets.push(Secret {
                        fingerprint,
                        sightings: Vec::new(),
                    });
                }
                secrets_of_blob.entry(hit.index).or_default().push(s as u32);
                secrets[s].sightings.push(Sighting {
                    blob: hit.index,
                    id: hit.id,
                    path: hit.path.clone(),
                });
            }
        }
        let histories =
            attribute::attribute(self.graph, self.walker, &secrets_of_blob, secrets.len());
        let mut found: Vec<(Secret, SecretHistory)> = secrets.into_iter().zip(histories).collect();
        // Oldest first, in the order the secrets entered history; those no commit holds last.
        found.sort_by_key(|(_, history)| history.first.as_ref().map_or(u32::MAX, |f| f.0));
        let mut scratch = self.scanner.scratch();
        let mut buf = Vec::new();
        found
            .into_iter()
            .filter_map(|(secret, history)| {
                // The blob where the secret entered, at the path it entered by.
                let mut sightings = secret.sightings;
                let best = history
                    .first
                    .as_ref()
                    .and_then(|(_, _, blob)| sightings.iter().position(|s| s.blob == *blob));
                let sighting = sightings.swap_remove(best.unwrap_or(0));
                let finding = self
                    .rescan(&sighting, &secret.fingerprint, &mut scratch, &mut buf)
                    .or_else(|| first.remove(&secret.fingerprint))?;
                Some(self.locate(finding, sighting, history))
            })
            .collect()
    }

    /// The finding of `fingerprint` in the blob of `sighting`, scanned again.
    fn rescan(
        &self,
        sighting: &Sighting,
        fingerprint: &Fingerprint,
        scratch: &mut S::Scratch,
        buf: &mut Vec<u8>,
    ) -> Option<Finding> {
        let bytes = blob::read(self.repo, &sighting.id, &sighting.path, self.max_size, buf).ok()?;
        self.scanner
            .scan(bytes, &sighting.path, scratch)
            .into_iter()
            .find(|f| f.fingerprint == *fingerprint)
    }

    /// The finding for one secret, moved to the path where it entered history.
    fn locate(&self, mut finding: Finding, sighting: Sighting, history: SecretHistory) -> Finding {
        let (repo, graph) = (self.repo, self.graph);
        let path = history
            .first
            .as_ref()
            .map_or(sighting.path, |(_, path, _)| path.clone());
        finding.location = Location {
            kind: LocationKind::GitHistory,
            path,
            line: finding.location.line,
            column: finding.location.column,
        };
        finding = finding.with_detail("blob", sighting.id.to_string());
        if let Some((commit, _, _)) = &history.first {
            let introduced = commit_ref(
                repo,
                &graph.commits[*commit as usize].id,
                &finding.location.path,
            );
            let removed = history
                .removed
                .as_ref()
                .map(|(commit, path)| commit_ref(repo, &graph.commits[*commit as usize].id, path));
            finding.history = Some(History {
                introduced,
                removed,
                commits: history.commits,
                paths: history.paths,
                in_head: history.in_head,
                in_worktree: None,
            });
        } else {
            finding = finding.with_detail("reachable", "no commit of the scan holds this blob");
        }
        finding
    }
}

/// A commit as reported: id, author, date and summary, with the path the secret had there.
fn commit_ref(repo: &gix::Repository, id: &ObjectId, path: &str) -> CommitRef {
    let mut reference = CommitRef {
        id: id.to_string(),
        author: String::new().into(),
        date: String::new(),
        summary: String::new().into(),
        path: path.to_string(),
    };
    let Ok(commit) = repo.find_commit(*id) else {
        return reference;
    };
    let Ok(decoded) = commit.decode() else {
        return reference;
    };
    if let Ok(author) = decoded.author() {
        let author = author.trim();
        reference.author = format!("{} <{}>", author.name, author.email).into();
        if let Ok(time) = author.time() {
            reference.date = rfc3339(time.seconds, time.offset);
        }
    }
    reference.summary = decoded.message().summary().to_string().into();
    reference
}

/// Seconds since the epoch at a UTC offset, as RFC 3339.
pub(crate) fn rfc3339(seconds: i64, offset: i32) -> String {
    let offset = time::UtcOffset::from_whole_seconds(offset).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .map(|t| t.to_offset(offset))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| seconds.to_string())
}

/// Records, on each history finding, whether the working tree still holds the same secret
/// (`in_worktree` holds the fingerprints of the working-tree scan's findings). A secret only in
/// history is still exposed to anyone with a clone: its help says to rotate it and purge history.
pub fn mark_worktree(findings: &mut [Finding], in_worktree: &HashSet<Fingerprint>) {
    for finding in findings {
        let present = in_worktree.contains(&finding.fingerprint);
        if let Some(history) = finding.history.as_mut() {
            history.in_worktree = Some(present);
        }
        if !present {
            let help = "Removed from the working tree but still in git history, where every clone \
                        keeps it: rotate the credential now, then purge it from history \
                        (`preflight incident` writes the plan).";
            finding.help = Some(match finding.help.take() {
                Some(existing) => format!("{help} {existing}").into(),
                None => help.to_string().into(),
            });
        }
    }
}

/// The fingerprints of the secrets `scanner` finds in the files git tracks, as they are on disk
/// now (for [`mark_worktree`]). Files that cannot be read, or larger than 50 MiB, are skipped:
/// the working-tree scan reports them. A bare repository yields none.
pub fn worktree_fingerprints<S: BlobScanner>(root: &Path, scanner: &S) -> HashSet<Fingerprint> {
    tracked_fingerprints(root, scanner).unwrap_or_default()
}

/// Like [`worktree_fingerprints`], but `None` when there is no working tree to compare with (a
/// bare repository, or no repository at `root`), so that history findings are not all marked
/// "only in history" for want of one.
pub fn tracked_fingerprints<S: BlobScanner>(
    root: &Path,
    scanner: &S,
) -> Option<HashSet<Fingerprint>> {
    let mut found = HashSet::new();
    let repo = crate::repo::open(root).ok()?;
    let workdir = repo.workdir()?;
    let Ok(index) = repo.index_or_empty() else {
        return Some(found);
    };
    let mut scratch = scanner.scratch();
    for entry in index.entries() {
        if entry.stage_raw() != 0 || entry.mode == gix::index::entry::Mode::COMMIT {
            continue;
        }
        let rela = crate::repo::path_text(entry.path(&index));
        let path = workdir.join(&rela);
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() && meta.len() <= 50 * 1024 * 1024 => {}
            _ => continue,
        }
        if let Ok(bytes) = std::fs::read(&path) {
            for finding in scanner.scan(&bytes, &rela, &mut scratch) {
                found.insert(finding.fingerprint);
            }
        }
    }
    Some(found)
}

/// A warning for a history scan that could not run at all, for callers that go on without it.
pub fn unavailable(path: &Path, error: &GitError) -> Warning {
    Warning::at(
        path.display().to_string(),
        format!("git history not scanned: {error}"),
    )
}
