//! Pre-commit scanning: only the lines the index adds relative to `HEAD`.
//!
//! This runs on every commit, so it must cost next to nothing on a repository of any size. It
//! never walks history: it compares the index with `HEAD`'s tree, and uses the index's
//! cache-tree extension (which records, per directory, the tree id the staged content would
//! have) to skip every directory whose staged content is exactly `HEAD`'s, without reading its
//! tree. Only the files that differ are read; each is diffed by lines against its `HEAD`
//! version, scanned whole (so multi-line context still works), and only findings on added lines
//! are kept. In a repository with no commit yet, everything staged is new.

use std::collections::HashMap;
use std::path::Path;

use gix::ObjectId;
use gix::index::entry::Mode;
use gix::objs::{Find, Kind, TreeRefIter};
use imara_diff::{Algorithm, Diff, InternedInput};
use preflight_findings::{LocationKind, Outcome, Warning};

use crate::{BlobScanner, GitError, blob};

/// How to scan staged changes.
#[derive(Debug, Clone)]
pub struct StagedOptions {
    /// Staged files larger than this many bytes are not scanned (a warning names each one).
    pub max_blob_size: u64,
}

impl Default for StagedOptions {
    fn default() -> Self {
        StagedOptions {
            max_blob_size: 50 * 1024 * 1024,
        }
    }
}

/// Scans what the index of the repository containing `path` adds relative to `HEAD`, reporting
/// findings at the staged path and line ([`LocationKind::Staged`]).
pub fn scan<S: BlobScanner>(
    path: &Path,
    scanner: &S,
    options: &StagedOptions,
) -> Result<Outcome, GitError> {
    let repo = crate::repo::open(path)?;
    let index = repo
        .index_or_empty()
        .map_err(|e| GitError::read("the index", e))?;
    let head_tree = repo.head_tree_id().ok().map(|id| id.detach());
    let mut outcome = Outcome::default();
    let head = match head_tree {
        Some(tree) => HeadFiles::collect(&repo, tree, index.tree(), &mut outcome.warnings),
        None => HeadFiles::default(),
    };
    if head_tree.is_some() && head.unchanged_root {
        return Ok(outcome);
    }
    let mut scratch = scanner.scratch();
    let mut new_buf = Vec::new();
    let mut old_buf = Vec::new();
    let mut clean = Cleanliness::default();
    for entry in index.entries() {
        if entry.stage_raw() != 0
            || !(entry.mode == Mode::FILE || entry.mode == Mode::FILE_EXECUTABLE)
        {
            continue;
        }
        let rela = entry.path(&index);
        if head_tree.is_some() && clean.covers(rela, &head.clean_dirs) {
            continue;
        }
        let old_id = head.files.get(rela.as_ref() as &[u8]);
        if old_id == Some(&entry.id) {
            continue;
        }
        let shown = crate::repo::path_text(rela);
        let new = match blob::read(
            &repo,
            &entry.id,
            &shown,
            options.max_blob_size,
            &mut new_buf,
        ) {
            Ok(bytes) => bytes,
            Err(warning) => {
                outcome.stats.skipped += 1;
                outcome.warnings.push(warning);
                continue;
            }
        };
        let old: &[u8] = match old_id {
            Some(id) => {
                blob::read(&repo, id, &shown, options.max_blob_size, &mut old_buf).unwrap_or(&[])
            }
            None => &[],
        };
        let added = added_lines(old, new);
        outcome.stats.scanned += 1;
        outcome.stats.bytes += new.len() as u64;
        for mut finding in scanner.scan(new, &shown, &mut scratch) {
            let line = finding.location.line.unwrap_or(1);
            if added
                .get((line as usize).saturating_sub(1))
                .copied()
                .unwrap_or(true)
            {
                finding.location.kind = LocationKind::Staged;
                finding.location.path = shown.clone();
                outcome.findings.push(finding);
            }
        }
    }
    Ok(outcome)
}

/// For each line of `new` (0-based), whether the diff from `old` adds it.
fn added_lines(old: &[u8], new: &[u8]) -> Vec<bool> {
    let input = InternedInput::new(old, new);
    let diff = Diff::compute(Algorithm::Histogram, &input);
    (0..input.after.len() as u32)
        .map(|i| diff.is_added(i))
        .collect()
}

/// Remembers the last clean directory that matched, since index entries come sorted by path.
#[derive(Default)]
struct Cleanliness {
    last: Option<Vec<u8>>,
}

impl Cleanliness {
    /// Whether `path` lies in a directory whose staged content equals `HEAD`'s.
    fn covers(&mut self, path: &[u8], clean_dirs: &std::collections::HashSet<Vec<u8>>) -> bool {
        if let Some(last) = &self.last
            && path.len() > last.len()
            && path.starts_with(last)
            && path[last.len()] == b'/'
        {
            return true;
        }
        let mut end = path.len();
        while let Some(slash) = path[..end].iter().rposition(|b| *b == b'/') {
            if clean_dirs.contains(&path[..slash]) {
                self.last = Some(path[..slash].to_vec());
                return true;
            }
            end = slash;
        }
        false
    }
}

/// The files of `HEAD`'s tree outside the directories the index left untouched.
#[derive(Default)]
struct HeadFiles {
    /// Path to blob id, for files in directories that may have changed.
    files: HashMap<Vec<u8>, ObjectId>,
    /// Directories whose staged content is exactly `HEAD`'s.
    clean_dirs: std::collections::HashSet<Vec<u8>>,
    /// Whether nothing at all is staged.
    unchanged_root: bool,
}

impl HeadFiles {
    fn collect(
        repo: &gix::Repository,
        root: ObjectId,
        cache: Option<&gix::index::extension::Tree>,
        warnings: &mut Vec<Warning>,
    ) -> Self {
        let mut head = HeadFiles::default();
        let valid = |node: &gix::index::extension::Tree, id: &ObjectId| {
            node.num_entries.is_some() && node.id == *id
        };
        if cache.is_some_and(|node| valid(node, &root)) {
            head.unchanged_root = true;
            return head;
        }
        let mut buf = Vec::new();
        let mut stack: Vec<(ObjectId, Vec<u8>, Option<&gix::index::extension::Tree>)> =
            vec![(root, Vec::new(), cache)];
        while let Some((tree, prefix, node)) = stack.pop() {
            let data = match repo.objects.try_find(&tree, &mut buf) {
                Ok(Some(data)) if data.kind == Kind::Tree => data,
                _ => {
                    warnings.push(Warning::at(
                        crate::repo::path_text(&prefix),
                        format!("tree {tree} of HEAD could not be read; files below it are scanned whole"),
                    ));
                    continue;
                }
            };
            for entry in TreeRefIter::from_bytes(data.data, tree.kind()).flatten() {
                let mut path = prefix.clone();
                if !path.is_empty() {
                    path.push(b'/');
                }
                path.extend_from_slice(entry.filename);
                let id = entry.oid.to_owned();
                if entry.mode.is_tree() {
                    let child = node.and_then(|n| {
                        n.children
                            .iter()
                            .find(|c| c.name.as_slice() == entry.filename.as_ref() as &[u8])
                    });
                    if child.is_some_and(|c| valid(c, &id)) {
                        head.clean_dirs.insert(path);
                    } else {
                        stack.push((id, path, child));
                    }
                } else if entry.mode.is_blob() {
                    head.files.insert(path, id);
                }
            }
        }
        head
    }
}
