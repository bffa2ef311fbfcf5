//! The first pass: every distinct blob of the scanned commits, found by reading each distinct
//! tree once.
//!
//! Trees are memoised by id: a tree already read contributes nothing new, because every blob
//! below it was already met (and attributed to an earlier commit, since commits are visited
//! parents first). A history of N commits therefore costs the number of *distinct* trees, not
//! N times the size of a checkout. Reading trees is cheap next to reading blobs (about a fifth of
//! the time on a long history), so the walk completes before scanning starts, which lets the
//! blobs be read in pack order.

use gix::ObjectId;
use gix::hashtable::HashSet;
use gix::objs::{Find, Kind, TreeRefIter};
use preflight_findings::Warning;

/// Deeper trees than this are not followed (no real repository comes close; a crafted one could).
const MAX_DEPTH: usize = 1024;

/// A blob to scan.
pub(crate) struct Job {
    /// Its index in [`Walker::blobs`].
    pub index: u32,
    /// The blob id.
    pub id: ObjectId,
    /// The path it had where it was first met.
    pub path: String,
}

/// A distinct blob and where it was first met.
pub(crate) struct BlobEntry {
    /// The blob id.
    pub id: ObjectId,
    /// The path where it was first met.
    pub path: String,
    /// The commit (index in the graph) whose tree first held it; `None` for blobs reached
    /// without a commit (a reference to a tree or blob, or an unreachable object).
    pub commit: Option<u32>,
}

/// Reads trees once each and collects the blobs they hold once each.
pub(crate) struct Walker<'r> {
    repo: &'r gix::Repository,
    seen_trees: HashSet<ObjectId>,
    seen_blobs: HashSet<ObjectId>,
    /// The blobs found, in the order met.
    pub blobs: Vec<BlobEntry>,
    /// Problems met on the way.
    pub warnings: Vec<Warning>,
    noted: HashSet<ObjectId>,
    noted_paths: std::collections::HashSet<Vec<u8>>,
    buf: Vec<u8>,
}

impl<'r> Walker<'r> {
    /// A walker reading from `repo`.
    pub fn new(repo: &'r gix::Repository) -> Self {
        Walker {
            repo,
            seen_trees: HashSet::default(),
            seen_blobs: HashSet::default(),
            blobs: Vec::new(),
            warnings: Vec::new(),
            noted: HashSet::default(),
            noted_paths: Default::default(),
            buf: Vec::new(),
        }
    }

    /// Whether `id` was already met as a blob.
    pub fn has_blob(&self, id: &ObjectId) -> bool {
        self.seen_blobs.contains(id)
    }

    /// Marks everything below `tree` as seen without scanning it (the parents of an incremental
    /// range).
    pub fn seed(&mut self, tree: ObjectId) {
        self.walk(tree, "", None, None);
    }

    /// Walks `tree` (met first in `commit`), handing each new blob to `emit`.
    pub fn walk_tree(
        &mut self,
        tree: ObjectId,
        prefix: &str,
        commit: Option<u32>,
        emit: &mut dyn FnMut(Job),
    ) {
        self.walk(tree, prefix, commit, Some(emit));
    }

    /// Records one blob met outside any tree (a reference to a blob, an unreachable object).
    pub fn add_blob(&mut self, id: ObjectId, path: String, emit: &mut dyn FnMut(Job)) {
        if self.seen_blobs.insert(id) {
            self.push_blob(id, path, None, emit);
        }
    }

    fn push_blob(
        &mut self,
        id: ObjectId,
        path: String,
        commit: Option<u32>,
        emit: &mut dyn FnMut(Job),
    ) {
        let index = u32::try_from(self.blobs.len()).expect("fewer than 2^32 distinct blobs");
        self.blobs.push(BlobEntry {
            id,
            path: path.clone(),
            commit,
        });
        emit(Job { index, id, path });
    }

    fn walk(
        &mut self,
        root: ObjectId,
        prefix: &str,
        commit: Option<u32>,
        mut emit: Option<&mut dyn FnMut(Job)>,
    ) {
        if !self.seen_trees.insert(root) {
            return;
        }
        let mut stack: Vec<(ObjectId, Vec<u8>, usize)> =
            vec![(root, prefix.as_bytes().to_vec(), 0)];
        while let Some((tree, path, depth)) = stack.pop() {
            let shown = super::super::repo::path_text(&path);
            let data = match self.repo.objects.try_find(&tree, &mut self.buf) {
                Ok(Some(data)) if data.kind == Kind::Tree => data,
                Ok(Some(data)) => {
                    self.warnings.push(Warning::at(
                        shown_or_root(&shown),
                        format!(
                            "object {tree} should be a tree but is a {}; skipped",
                            data.kind
                        ),
                    ));
                    continue;
                }
                Ok(None) => {
                    self.warnings.push(Warning::at(
                        shown_or_root(&shown),
                        format!(
                            "tree {tree} is missing from the repository; the files below it were \
                             not scanned"
                        ),
                    ));
                    continue;
                }
                Err(err) => {
                    self.warnings.push(Warning::at(
                        shown_or_root(&shown),
                        format!("tree {tree} could not be read ({err}); the files below it were not scanned"),
                    ));
                    continue;
                }
            };
            let mut subtrees = Vec::new();
            let mut new_blobs = Vec::new();
            for entry in TreeRefIter::from_bytes(data.data, tree.kind()) {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(err) => {
                        self.warnings.push(Warning::at(
                            shown_or_root(&shown),
                            format!("tree {tree} is corrupt ({err}); the rest of it was skipped"),
                        ));
                        break;
                    }
                };
                let child = || {
                    let mut child = path.clone();
                    if !child.is_empty() {
                        child.push(b'/');
                    }
                    child.extend_from_slice(entry.filename);
                    child
                };
                let id = entry.oid.to_owned();
                if entry.mode.is_tree() {
                    if self.seen_trees.insert(id) {
                        subtrees.push((id, child()));
                    }
                } else if entry.mode.is_commit() {
                    if emit.is_some() && self.noted_paths.insert(child()) {
                        self.warnings.push(Warning::at(
                            super::super::repo::path_text(&child()),
                            format!(
                                "submodule (commit {id}) skipped: scan its repository on its own"
                            ),
                        ));
                    }
                } else if self.seen_blobs.insert(id) {
                    new_blobs.push((id, child()));
                }
            }
            if depth >= MAX_DEPTH && !subtrees.is_empty() {
                self.warnings.push(Warning::at(
                    shown,
                    format!("trees nested deeper than {MAX_DEPTH} levels were not followed"),
                ));
                subtrees.clear();
            }
            if let Some(emit) = emit.as_mut() {
                for (id, child) in new_blobs {
                    let text = super::super::repo::path_text(&child);
                    if std::str::from_utf8(&child).is_err() && self.noted.insert(id) {
                        self.warnings.push(Warning::at(
                            text.clone(),
                            format!(
                                "path is not valid UTF-8 (blob {id}); shown with replacement characters"
                            ),
                        ));
                    }
                    self.push_blob(id, text, commit, &mut **emit);
                }
            }
            stack.extend(
                subtrees
                    .into_iter()
                    .rev()
                    .map(|(id, child)| (id, child, depth + 1)),
            );
        }
    }
}

fn shown_or_root(path: &str) -> String {
    if path.is_empty() {
        "/".to_string()
    } else {
        path.to_string()
    }
}

/// Every object id in the object database that is a blob, for `--all-objects`.
pub(crate) fn all_blob_ids(repo: &gix::Repository, warnings: &mut Vec<Warning>) -> Vec<ObjectId> {
    use gix::objs::FindHeader;
    let iter = match repo.objects.iter() {
        Ok(iter) => iter,
        Err(err) => {
            warnings.push(Warning::general(format!(
                "the object database could not be listed ({err}); unreachable objects were not scanned"
            )));
            return Vec::new();
        }
    };
    let mut ids: Vec<ObjectId> = Vec::new();
    let mut seen: HashSet<ObjectId> = HashSet::default();
    for id in iter {
        let id = match id {
            Ok(id) => id,
            Err(err) => {
                warnings.push(Warning::general(format!(
                    "part of the object database could not be listed: {err}"
                )));
                continue;
            }
        };
        if !seen.insert(id) {
            continue;
        }
        match repo.objects.try_header(&id) {
            Ok(Some(header)) if header.kind == Kind::Blob => ids.push(id),
            Ok(_) => {}
            Err(err) => warnings.push(Warning::at(
                id.to_string(),
                format!("object could not be read: {err}; skipped"),
            )),
        }
    }
    ids
}
