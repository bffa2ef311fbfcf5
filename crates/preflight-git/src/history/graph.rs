//! The commits a history scan covers, in topological order (parents before children).
//!
//! Roots are every reference (branches, tags, remote branches, the stash, notes) and `HEAD`, or,
//! for an incremental scan, the tip of a range. References that point straight at a tree or a
//! blob (possible with tags) are kept as loose roots. The order is git's `--topo-order` reversed:
//! a commit comes after all its parents, ties broken by commit time, so the first commit of the
//! order that holds a blob is the one that introduced it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use gix::ObjectId;
use gix::hashtable::{HashMap, HashSet};
use gix::objs::{Find, FindHeader, Kind};
use preflight_findings::Warning;

use super::Selection;
use crate::GitError;

/// One commit of the scan.
pub(crate) struct CommitNode {
    /// The commit id.
    pub id: ObjectId,
    /// Its root tree.
    pub tree: ObjectId,
}

/// A reference that names a tree or a blob directly rather than a commit.
pub(crate) struct LooseRoot {
    /// The reference name.
    pub name: String,
    /// The tree or blob.
    pub id: ObjectId,
    /// Whether `id` is a tree (otherwise a blob).
    pub is_tree: bool,
}

/// The commits to scan and what surrounds them.
pub(crate) struct Graph {
    /// The commits, parents first.
    pub commits: Vec<CommitNode>,
    /// Trees and blobs named directly by references.
    pub loose: Vec<LooseRoot>,
    /// Trees of the commits just outside an incremental range: their blobs count as already
    /// seen.
    pub boundary_trees: Vec<ObjectId>,
    /// `HEAD`'s first-parent line within the scan, newest first.
    pub head_chain: Vec<u32>,
    /// The tree of `HEAD`, when there is a `HEAD` commit.
    pub head_tree: Option<ObjectId>,
}

/// A commit as read from the object database.
struct RawCommit {
    tree: ObjectId,
    parents: Vec<ObjectId>,
    time: i64,
}

fn read_commit(
    repo: &gix::Repository,
    id: &ObjectId,
    buf: &mut Vec<u8>,
) -> Result<Option<RawCommit>, String> {
    let data = match repo.objects.try_find(id, buf) {
        Ok(Some(data)) => data,
        Ok(None) => return Ok(None),
        Err(err) => return Err(err.to_string()),
    };
    if data.kind != Kind::Commit {
        return Err(format!("expected a commit, found a {}", data.kind));
    }
    let commit =
        gix::objs::CommitRef::from_bytes(data.data, id.kind()).map_err(|e| e.to_string())?;
    let tree = commit.tree();
    let parents = commit.parents().collect();
    let time = commit.committer().map(|sig| sig.seconds()).unwrap_or(0);
    Ok(Some(RawCommit {
        tree,
        parents,
        time,
    }))
}

/// Resolves a revision to a commit id.
fn resolve(repo: &gix::Repository, revision: &str) -> Result<ObjectId, GitError> {
    let revision_error = |message: String| GitError::Revision {
        revision: revision.to_string(),
        message,
    };
    let id = repo
        .rev_parse_single(revision)
        .map_err(|e| revision_error(e.to_string()))?;
    let object = id
        .object()
        .map_err(|e| revision_error(e.to_string()))?
        .peel_to_commit()
        .map_err(|e| revision_error(e.to_string()))?;
    Ok(object.id)
}

/// The commit `HEAD` points to, if any (an unborn branch has none).
pub(crate) fn head_commit(repo: &gix::Repository) -> Option<ObjectId> {
    repo.head_id().ok().map(|id| id.detach())
}

/// Where a commit walk starts and stops.
struct Roots {
    include: Vec<ObjectId>,
    exclude: Vec<ObjectId>,
    loose: Vec<LooseRoot>,
}

/// The tips to include and to exclude for a selection, plus loose roots.
fn roots(
    repo: &gix::Repository,
    selection: &Selection,
    warnings: &mut Vec<Warning>,
) -> Result<Roots, GitError> {
    match selection {
        Selection::All => {
            let mut include = Vec::new();
            let mut loose = Vec::new();
            include.extend(head_commit(repo));
            let platform = repo
                .references()
                .map_err(|e| GitError::read("the references", e))?;
            let refs = platform
                .all()
                .map_err(|e| GitError::read("the references", e))?;
            for reference in refs {
                let mut reference = match reference {
                    Ok(reference) => reference,
                    Err(err) => {
                        warnings.push(Warning::general(format!(
                            "a reference could not be read and was skipped: {err}"
                        )));
                        continue;
                    }
                };
                let name = reference.name().as_bstr().to_string();
                let id = match reference.peel_to_id() {
                    Ok(id) => id.detach(),
                    Err(err) => {
                        warnings.push(Warning::at(
                            name,
                            format!("reference could not be resolved and was skipped: {err}"),
                        ));
                        continue;
                    }
                };
                match repo.objects.try_header(&id) {
                    Ok(Some(header)) => match header.kind {
                        Kind::Commit => include.push(id),
                        Kind::Tree | Kind::Blob => loose.push(LooseRoot {
                            name,
                            id,
                            is_tree: header.kind == Kind::Tree,
                        }),
                        Kind::Tag => {}
                    },
                    Ok(None) => warnings.push(Warning::at(
                        name,
                        format!(
                            "reference points to missing object {}; skipped",
                            crate::blob::short(&id)
                        ),
                    )),
                    Err(err) => warnings.push(Warning::at(
                        name,
                        format!(
                            "object {} could not be read: {err}; skipped",
                            crate::blob::short(&id)
                        ),
                    )),
                }
            }
            Ok(Roots {
                include,
                exclude: Vec::new(),
                loose,
            })
        }
        Selection::Since(revision) => {
            let exclude = resolve(repo, revision)?;
            let head = head_commit(repo).ok_or_else(|| GitError::Revision {
                revision: "HEAD".into(),
                message: "HEAD has no commit yet".into(),
            })?;
            Ok(Roots {
                include: vec![head],
                exclude: vec![exclude],
                loose: Vec::new(),
            })
        }
        Selection::Range(range) => {
            let (from, to) = range.split_once("..").ok_or_else(|| GitError::Revision {
                revision: range.clone(),
                message: "a range is written `A..B`".into(),
            })?;
            let to = if to.is_empty() { "HEAD" } else { to };
            let exclude = resolve(repo, from)?;
            let include = resolve(repo, to)?;
            Ok(Roots {
                include: vec![include],
                exclude: vec![exclude],
                loose: Vec::new(),
            })
        }
    }
}

/// Every commit reachable from `tips`, without reading trees.
fn ancestors(repo: &gix::Repository, tips: &[ObjectId]) -> HashSet<ObjectId> {
    let mut seen: HashSet<ObjectId> = HashSet::default();
    let mut stack: Vec<ObjectId> = tips.to_vec();
    let mut buf = Vec::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Ok(Some(commit)) = read_commit(repo, &id, &mut buf) {
            stack.extend(commit.parents);
        }
    }
    seen
}

/// Builds the graph of the commits `selection` covers.
pub(crate) fn build(
    repo: &gix::Repository,
    selection: &Selection,
    warnings: &mut Vec<Warning>,
) -> Result<Graph, GitError> {
    let Roots {
        include,
        exclude,
        loose,
    } = roots(repo, selection, warnings)?;
    let excluded = ancestors(repo, &exclude);
    let shallow: HashSet<ObjectId> = repo
        .shallow_commits()
        .ok()
        .flatten()
        .map(|commits| commits.iter().copied().collect())
        .unwrap_or_default();
    if !shallow.is_empty() {
        warnings.push(Warning::general(format!(
            "shallow clone: history before {} boundary commit(s) is not in this repository and was \
             not scanned; run `git fetch --unshallow` to scan all of it",
            shallow.len()
        )));
    }

    let mut raw: HashMap<ObjectId, RawCommit> = HashMap::default();
    let mut boundary: HashSet<ObjectId> = HashSet::default();
    let mut stack: Vec<(ObjectId, Option<ObjectId>)> =
        include.iter().map(|id| (*id, None)).collect();
    let mut buf = Vec::new();
    while let Some((id, child)) = stack.pop() {
        if raw.contains_key(&id) {
            continue;
        }
        if excluded.contains(&id) {
            boundary.insert(id);
            continue;
        }
        match read_commit(repo, &id, &mut buf) {
            Ok(Some(commit)) => {
                if !shallow.contains(&id) {
                    stack.extend(commit.parents.iter().map(|p| (*p, Some(id))));
                }
                raw.insert(id, commit);
            }
            Ok(None) => warnings.push(Warning::at(
                id.to_string(),
                match child {
                    Some(child) => format!(
                        "commit missing from the repository (parent of {child}); history \
                         behind it was not scanned"
                    ),
                    None => "commit missing from the repository; not scanned".to_string(),
                },
            )),
            Err(err) => warnings.push(Warning::at(
                id.to_string(),
                format!("commit could not be read: {err}; history behind it was not scanned"),
            )),
        }
    }

    let commits = topological(raw);
    let index: HashMap<ObjectId, u32> = commits
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i as u32))
        .collect();
    let mut head_chain = Vec::new();
    let head = head_commit(repo);
    let mut cursor = head.and_then(|id| index.get(&id).copied());
    while let Some(i) = cursor {
        head_chain.push(i);
        cursor = first_parent(repo, &commits[i as usize].id, &index);
    }
    let head_tree = head.and_then(|id| {
        read_commit(repo, &id, &mut buf)
            .ok()
            .flatten()
            .map(|c| c.tree)
    });
    let mut boundary: Vec<ObjectId> = boundary.into_iter().collect();
    boundary.sort();
    let boundary_trees = boundary
        .iter()
        .filter_map(|id| {
            read_commit(repo, id, &mut buf)
                .ok()
                .flatten()
                .map(|c| c.tree)
        })
        .collect();
    Ok(Graph {
        commits,
        loose,
        boundary_trees,
        head_chain,
        head_tree,
    })
}

fn first_parent(
    repo: &gix::Repository,
    id: &ObjectId,
    index: &HashMap<ObjectId, u32>,
) -> Option<u32> {
    let mut buf = Vec::new();
    let commit = read_commit(repo, id, &mut buf).ok().flatten()?;
    commit.parents.first().and_then(|p| index.get(p).copied())
}

/// Orders commits parents first; among commits ready at the same time, the oldest first.
fn topological(raw: HashMap<ObjectId, RawCommit>) -> Vec<CommitNode> {
    let mut ids: Vec<ObjectId> = raw.keys().copied().collect();
    ids.sort();
    let position: HashMap<ObjectId, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut pending = vec![0usize; ids.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); ids.len()];
    for (i, id) in ids.iter().enumerate() {
        for parent in &raw[id].parents {
            if let Some(&p) = position.get(parent) {
                pending[i] += 1;
                children[p].push(i);
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<(i64, usize)>> = pending
        .iter()
        .enumerate()
        .filter(|(_, n)| **n == 0)
        .map(|(i, _)| Reverse((raw[&ids[i]].time, i)))
        .collect();
    let mut order = Vec::with_capacity(ids.len());
    while let Some(Reverse((_, i))) = ready.pop() {
        order.push(i);
        for &child in &children[i] {
            pending[child] -= 1;
            if pending[child] == 0 {
                ready.push(Reverse((raw[&ids[child]].time, child)));
            }
        }
    }
    let mut raw = raw;
    order
        .iter()
        .map(|&i| {
            let id = ids[i];
            let commit = raw.remove(&id).expect("every ordered commit was read");
            CommitNode {
                id,
                tree: commit.tree,
            }
        })
        .collect()
}
