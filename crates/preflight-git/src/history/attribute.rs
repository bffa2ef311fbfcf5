//! The second pass: for the few secrets the scan found, which commits and paths hold them.
//!
//! For each distinct tree we compute, once, the list of `(secret, path below this tree, blob)`
//! it holds (memoised by tree index, so shared subtrees cost nothing more), from the tree graph
//! and entry names the walk recorded: no tree is read again, and a tree holding no secret is
//! dismissed once. Walking the commits parents first
//! then gives, per secret: the first commit holding it (where it entered), the number of commits
//! holding it, the distinct paths, whether `HEAD` holds it, and, on `HEAD`'s first-parent line,
//! the commit after which it is gone for good.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::graph::Graph;
use super::walk::{Entry, Walker};

/// Deeper trees than this are not followed (the first pass warned about them).
const MAX_DEPTH: usize = 1024;

/// Where one secret is in the scanned history.
#[derive(Debug, Default)]
pub(crate) struct SecretHistory {
    /// The first commit (index in the graph) holding it, the path there and the blob (index).
    pub first: Option<(u32, String, u32)>,
    /// How many commits hold it.
    pub commits: usize,
    /// How many distinct paths held it.
    pub paths: usize,
    /// Whether `HEAD`'s tree holds it.
    pub in_head: bool,
    /// The commit on `HEAD`'s first-parent line that removed it, when it is not in `HEAD`, and
    /// the path it had just before.
    pub removed: Option<(u32, String)>,
}

/// What a tree holds: `(secret, path below the tree, blob index)`, paths as [`Paths`] ids.
type Contents = Rc<Vec<(u32, u32, u32)>>;

/// No further component: the end of a path.
const END: u32 = u32::MAX;

/// Relative paths, interned as (first component's name, rest of the path): the same file below
/// thousands of versions of a directory is one small id, not thousands of strings.
#[derive(Default)]
struct Paths {
    nodes: Vec<(u32, u32)>,
    index: HashMap<(u32, u32), u32>,
}

impl Paths {
    fn intern(&mut self, name: u32, rest: u32) -> u32 {
        if let Some(&id) = self.index.get(&(name, rest)) {
            return id;
        }
        let id = u32::try_from(self.nodes.len()).expect("fewer than 2^32 distinct paths");
        self.nodes.push((name, rest));
        self.index.insert((name, rest), id);
        id
    }

    fn text(&self, walker: &Walker<'_>, mut id: u32) -> String {
        let mut path = Vec::new();
        while id != END {
            let (name, rest) = self.nodes[id as usize];
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(walker.name(name));
            id = rest;
        }
        crate::repo::path_text(&path)
    }
}

/// Whether a tree holds a secret: not yet known, no, yes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Holds {
    Unknown,
    No,
    Yes,
}

struct Attributor<'a> {
    walker: &'a Walker<'a>,
    secrets_of_blob: &'a HashMap<u32, Vec<u32>>,
    holds: Vec<Holds>,
    memo: HashMap<u32, Contents>,
    paths: Paths,
    empty: Contents,
}

impl Attributor<'_> {
    /// Whether tree `index` holds a blob with a secret.
    fn holds(&mut self, index: u32, depth: usize) -> bool {
        match self.holds[index as usize] {
            Holds::Yes => return true,
            Holds::No => return false,
            Holds::Unknown => {}
        }
        let walker = self.walker;
        let found = walker.tree_entries(index).any(|(entry, _)| match entry {
            Entry::Blob(blob) => self.secrets_of_blob.contains_key(&blob),
            Entry::Tree(tree) => depth < MAX_DEPTH && self.holds(tree, depth + 1),
        });
        self.holds[index as usize] = if found { Holds::Yes } else { Holds::No };
        found
    }

    /// The secrets held below tree `index`, with their paths relative to it.
    fn contents(&mut self, index: u32, depth: usize) -> Contents {
        if !self.holds(index, depth) {
            return Rc::clone(&self.empty);
        }
        if let Some(found) = self.memo.get(&index) {
            return Rc::clone(found);
        }
        let walker = self.walker;
        let mut held = Vec::new();
        for (entry, name) in walker.tree_entries(index) {
            match entry {
                Entry::Tree(child) => {
                    if depth >= MAX_DEPTH || !self.holds(child, depth + 1) {
                        continue;
                    }
                    for (secret, below, blob) in self.contents(child, depth + 1).iter() {
                        held.push((*secret, self.paths.intern(name, *below), *blob));
                    }
                }
                Entry::Blob(blob) => {
                    if let Some(secrets) = self.secrets_of_blob.get(&blob) {
                        let path = self.paths.intern(name, END);
                        held.extend(secrets.iter().map(|secret| (*secret, path, blob)));
                    }
                }
            }
        }
        held.shrink_to_fit();
        let held = Rc::new(held);
        self.memo.insert(index, Rc::clone(&held));
        held
    }

    /// The contents of the tree with id `tree`, if the walk met it.
    fn contents_of(&mut self, tree: &gix::ObjectId) -> Contents {
        match self.walker.tree_index(tree) {
            Some(index) => self.contents(index, 0),
            None => Rc::clone(&self.empty),
        }
    }
}

/// The history of each of `secret_count` secrets, given which blobs hold which secrets.
pub(crate) fn attribute(
    graph: &Graph,
    walker: &Walker<'_>,
    secrets_of_blob: &HashMap<u32, Vec<u32>>,
    secret_count: usize,
) -> Vec<SecretHistory> {
    let mut result: Vec<SecretHistory> = (0..secret_count)
        .map(|_| SecretHistory::default())
        .collect();
    if secret_count == 0 {
        return result;
    }
    let mut attributor = Attributor {
        walker,
        secrets_of_blob,
        holds: vec![Holds::Unknown; walker.tree_count()],
        memo: HashMap::new(),
        paths: Paths::default(),
        empty: Rc::new(Vec::new()),
    };
    let mut last_commit = vec![u32::MAX; secret_count];
    let mut paths_seen: Vec<HashSet<u32>> = vec![HashSet::new(); secret_count];
    for (index, commit) in graph.commits.iter().enumerate() {
        let index = index as u32;
        let held = attributor.contents_of(&commit.tree);
        for (secret, path, blob) in held.iter() {
            let s = *secret as usize;
            let history = &mut result[s];
            if last_commit[s] != index {
                last_commit[s] = index;
                history.commits += 1;
            }
            if history.first.is_none() {
                history.first = Some((index, attributor.paths.text(walker, *path), *blob));
            }
            paths_seen[s].insert(*path);
        }
    }
    for (history, paths) in result.iter_mut().zip(&paths_seen) {
        history.paths = paths.len();
    }
    if let Some(tree) = graph.head_tree {
        for (secret, _, _) in attributor.contents_of(&tree).iter() {
            result[*secret as usize].in_head = true;
        }
    }
    // Walk HEAD's first-parent line from HEAD back; the newest commit still holding a secret that
    // HEAD no longer holds is the parent of the commit that removed it.
    let mut pending: Vec<bool> = result.iter().map(|h| !h.in_head).collect();
    let mut newer: Option<u32> = None;
    for &index in &graph.head_chain {
        if !pending.iter().any(|p| *p) {
            break;
        }
        let held = attributor.contents_of(&graph.commits[index as usize].tree);
        for (secret, path, _) in held.iter() {
            let s = *secret as usize;
            if pending[s] {
                pending[s] = false;
                result[s].removed =
                    newer.map(|newer| (newer, attributor.paths.text(walker, *path)));
            }
        }
        newer = Some(index);
    }
    result
}
