//! The first pass: every distinct blob of the scanned commits, found by reading each distinct
//! tree once, each handed on as a scan job.
//!
//! Trees are memoised by id: a tree already read contributes nothing new, because every blob
//! below it was already met. A history of N commits therefore costs the number of *distinct*
//! trees, not N times the size of a checkout.
//!
//! The walk also keeps a compact record of the tree graph: per tree entry, the index of the
//! subtree or blob and of its (interned) file name, 8 bytes an entry (about 20 MB for the 160k
//! trees and 2.5M entries of a 27k-commit history). Attribution afterwards works from that
//! record alone instead of reading and inflating every tree of history a second time. Full
//! paths are not kept: each blob's path travels with its scan job, and comes back only for the
//! blobs that produced findings.

use gix::ObjectId;
use gix::hashtable::{HashMap, HashSet};
use gix::objs::{Find, Kind, TreeRefIter};
use preflight_findings::Warning;

/// Deeper trees than this are not followed (no real repository comes close; a crafted one could).
const MAX_DEPTH: usize = 1024;

/// A blob to scan.
pub(crate) struct Job {
    /// Its index among the blobs of the walk, in the order met.
    pub index: u32,
    /// The blob id.
    pub id: ObjectId,
    /// A path it has where it was met first.
    pub path: String,
}

/// Marks a tree-graph entry as a tree index (otherwise it is a blob index).
const TREE_BIT: u32 = 1 << 31;

/// Reads trees once each, collects the blobs they hold once each, and records the tree graph.
pub(crate) struct Walker<'r> {
    repo: &'r gix::Repository,
    trees: HashMap<ObjectId, u32>,
    blobs: HashMap<ObjectId, u32>,
    /// Where each tree's entries are in `entries` (start, length); empty for trees not read.
    spans: Vec<(u32, u32)>,
    /// The entries of every tree read: blob indices, and tree indices with [`TREE_BIT`], each
    /// with its name's index in `names`.
    entries: Vec<(u32, u32)>,
    /// Entry names, each once (file names repeat across the versions of a directory).
    names: Vec<Box<[u8]>>,
    name_index: std::collections::HashMap<Box<[u8]>, u32>,
    /// How many distinct blobs were met.
    blob_count: u32,
    /// Problems met on the way.
    pub warnings: Vec<Warning>,
    noted: HashSet<ObjectId>,
    noted_paths: std::collections::HashSet<Vec<u8>>,
    buf: Vec<u8>,
}

/// An entry of a tree as recorded by the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entry {
    /// A subtree, by tree index.
    Tree(u32),
    /// A blob, by blob index.
    Blob(u32),
}

impl<'r> Walker<'r> {
    /// A walker reading from `repo`.
    pub fn new(repo: &'r gix::Repository) -> Self {
        Walker {
            repo,
            trees: HashMap::default(),
            blobs: HashMap::default(),
            spans: Vec::new(),
            entries: Vec::new(),
            names: Vec::new(),
            name_index: std::collections::HashMap::new(),
            blob_count: 0,
            warnings: Vec::new(),
            noted: HashSet::default(),
            noted_paths: Default::default(),
            buf: Vec::new(),
        }
    }

    /// Whether `id` was already met as a blob.
    pub fn has_blob(&self, id: &ObjectId) -> bool {
        self.blobs.contains_key(id)
    }

    /// How many distinct trees were met.
    pub fn tree_count(&self) -> usize {
        self.spans.len()
    }

    /// The index of tree `id`, if the walk met it.
    pub fn tree_index(&self, id: &ObjectId) -> Option<u32> {
        self.trees.get(id).copied()
    }

    /// The entries recorded for tree `index` (none for a tree that could not be read), each
    /// with the index of its file name (see [`Walker::name`]).
    pub fn tree_entries(&self, index: u32) -> impl Iterator<Item = (Entry, u32)> + '_ {
        let (start, len) = self.spans[index as usize];
        self.entries[start as usize..(start + len) as usize]
            .iter()
            .map(|&(e, name)| {
                let entry = if e & TREE_BIT != 0 {
                    Entry::Tree(e & !TREE_BIT)
                } else {
                    Entry::Blob(e)
                };
                (entry, name)
            })
    }

    /// The file name with index `index`.
    pub fn name(&self, index: u32) -> &[u8] {
        &self.names[index as usize]
    }

    /// Frees the walk's spare capacity once it is over (the entry list grew by doubling).
    pub fn shrink(&mut self) {
        self.entries.shrink_to_fit();
        self.name_index = Default::default();
    }

    fn intern_name(&mut self, name: &[u8]) -> u32 {
        if let Some(&index) = self.name_index.get(name) {
            return index;
        }
        let index = u32::try_from(self.names.len()).expect("fewer than 2^32 distinct names");
        self.names.push(name.into());
        self.name_index.insert(name.into(), index);
        index
    }

    /// Marks everything below `tree` as seen without scanning it (the parents of an incremental
    /// range).
    pub fn seed(&mut self, tree: ObjectId) {
        self.walk(tree, "", None);
    }

    /// Walks `tree`, handing each new blob to `emit`.
    pub fn walk_tree(&mut self, tree: ObjectId, prefix: &str, emit: &mut dyn FnMut(Job)) {
        self.walk(tree, prefix, Some(emit));
    }

    /// Records one blob met outside any tree (a reference to a blob, an unreachable object).
    pub fn add_blob(&mut self, id: ObjectId, path: String, emit: &mut dyn FnMut(Job)) {
        let (index, new) = self.intern_blob(id);
        if new {
            emit(Job { index, id, path });
        }
    }

    fn intern_blob(&mut self, id: ObjectId) -> (u32, bool) {
        let next = self.blob_count;
        assert!(next & TREE_BIT == 0, "fewer than 2^31 distinct blobs");
        if let Some(&index) = self.blobs.get(&id) {
            return (index, false);
        }
        self.blobs.insert(id, next);
        self.blob_count += 1;
        (next, true)
    }

    fn intern_tree(&mut self, id: ObjectId) -> (u32, bool) {
        let next = u32::try_from(self.spans.len())
            .ok()
            .filter(|n| n & TREE_BIT == 0)
            .expect("fewer than 2^31 distinct trees");
        if let Some(&index) = self.trees.get(&id) {
            return (index, false);
        }
        self.trees.insert(id, next);
        self.spans.push((0, 0));
        (next, true)
    }

    fn walk(&mut self, root: ObjectId, prefix: &str, mut emit: Option<&mut dyn FnMut(Job)>) {
        let (root_index, new) = self.intern_tree(root);
        if !new {
            return;
        }
        let mut stack: Vec<(ObjectId, u32, Vec<u8>, usize)> =
            vec![(root, root_index, prefix.as_bytes().to_vec(), 0)];
        while let Some((tree, tree_index, path, depth)) = stack.pop() {
            let shown = super::super::repo::path_text(&path);
            // The tree's bytes stay in `buf` while its entries are recorded in `self`.
            let mut buf = std::mem::take(&mut self.buf);
            let data = match self.repo.objects.try_find(&tree, &mut buf) {
                Ok(Some(data)) if data.kind == Kind::Tree => data,
                Ok(Some(data)) => {
                    self.warnings.push(Warning::at(
                        shown_or_root(&shown),
                        format!(
                            "object {tree} should be a tree but is a {}; skipped",
                            data.kind
                        ),
                    ));
                    self.buf = buf;
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
                    self.buf = buf;
                    continue;
                }
                Err(err) => {
                    self.warnings.push(Warning::at(
                        shown_or_root(&shown),
                        format!("tree {tree} could not be read ({err}); the files below it were not scanned"),
                    ));
                    self.buf = buf;
                    continue;
                }
            };
            let start = u32::try_from(self.entries.len()).expect("fewer than 2^32 tree entries");
            let mut subtrees = Vec::new();
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
                    let (index, new) = self.intern_tree(id);
                    let name = self.intern_name(entry.filename);
                    self.entries.push((index | TREE_BIT, name));
                    if new {
                        subtrees.push((id, index, child()));
                    }
                } else if entry.mode.is_commit() {
                    if emit.is_some() && self.noted_paths.insert(child()) {
                        self.warnings.push(Warning::at(
                            super::super::repo::path_text(&child()),
                            format!(
                                "submodule (commit {}) skipped: scan its repository on its own",
                                crate::blob::short(&id)
                            ),
                        ));
                    }
                } else {
                    let (index, new) = self.intern_blob(id);
                    let name = self.intern_name(entry.filename);
                    self.entries.push((index, name));
                    if let (true, Some(emit)) = (new, emit.as_mut()) {
                        let child = child();
                        let text = super::super::repo::path_text(&child);
                        if std::str::from_utf8(&child).is_err() && self.noted.insert(id) {
                            self.warnings.push(Warning::at(
                                text.clone(),
                                format!(
                                    "path is not valid UTF-8 (blob {id}); shown with replacement characters"
                                ),
                            ));
                        }
                        emit(Job {
                            index,
                            id,
                            path: text,
                        });
                    }
                }
            }
            self.buf = buf;
            let len = self.entries.len() as u32 - start;
            self.spans[tree_index as usize] = (start, len);
            if depth >= MAX_DEPTH && !subtrees.is_empty() {
                self.warnings.push(Warning::at(
                    shown,
                    format!("trees nested deeper than {MAX_DEPTH} levels were not followed"),
                ));
                subtrees.clear();
            }
            stack.extend(
                subtrees
                    .into_iter()
                    .rev()
                    .map(|(id, index, child)| (id, index, child, depth + 1)),
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
