//! The second pass: for the few secrets the scan found, which commits and paths hold them.
//!
//! For each distinct tree we compute, once, the list of `(secret, path below this tree)` it holds
//! (memoised by tree id, so shared subtrees cost nothing more). Walking the commits parents first
//! then gives, per secret: the first commit holding it (where it entered), the number of commits
//! holding it, the distinct paths, whether `HEAD` holds it, and, on `HEAD`'s first-parent line,
//! the commit after which it is gone for good.

use std::collections::BTreeSet;
use std::rc::Rc;

use gix::ObjectId;
use gix::hashtable::HashMap;
use gix::objs::{Find, Kind, TreeRefIter};

use super::graph::Graph;

/// Deeper trees than this are not followed (the first pass warned about them).
const MAX_DEPTH: usize = 1024;

/// Where one secret is in the scanned history.
#[derive(Debug, Default)]
pub(crate) struct SecretHistory {
    /// The first commit (index in the graph) holding it, and the path there.
    pub first: Option<(u32, String)>,
    /// How many commits hold it.
    pub commits: usize,
    /// Every path that held it.
    pub paths: BTreeSet<String>,
    /// Whether `HEAD`'s tree holds it.
    pub in_head: bool,
    /// The commit on `HEAD`'s first-parent line that removed it, when it is not in `HEAD`, and
    /// the path it had just before.
    pub removed: Option<(u32, String)>,
}

type Contents = Rc<Vec<(u32, String)>>;

struct Attributor<'a> {
    repo: &'a gix::Repository,
    secrets_of_blob: &'a HashMap<ObjectId, Vec<u32>>,
    memo: HashMap<ObjectId, Contents>,
    buf: Vec<u8>,
}

impl Attributor<'_> {
    /// The secrets held below `tree`, with their paths relative to it.
    fn contents(&mut self, tree: ObjectId, depth: usize) -> Contents {
        if let Some(found) = self.memo.get(&tree) {
            return Rc::clone(found);
        }
        let mut entries: Vec<(ObjectId, Vec<u8>, bool)> = Vec::new();
        if let Ok(Some(data)) = self.repo.objects.try_find(&tree, &mut self.buf)
            && data.kind == Kind::Tree
        {
            for entry in TreeRefIter::from_bytes(data.data, tree.kind()) {
                let Ok(entry) = entry else { break };
                if entry.mode.is_tree() {
                    entries.push((entry.oid.to_owned(), entry.filename.to_vec(), true));
                } else if !entry.mode.is_commit() && self.secrets_of_blob.contains_key(entry.oid) {
                    entries.push((entry.oid.to_owned(), entry.filename.to_vec(), false));
                }
            }
        }
        let mut held = Vec::new();
        for (id, name, is_tree) in entries {
            let name = crate::repo::path_text(&name);
            if is_tree {
                if depth >= MAX_DEPTH {
                    continue;
                }
                for (secret, below) in self.contents(id, depth + 1).iter() {
                    held.push((*secret, format!("{name}/{below}")));
                }
            } else {
                for secret in &self.secrets_of_blob[&id] {
                    held.push((*secret, name.clone()));
                }
            }
        }
        let held = Rc::new(held);
        self.memo.insert(tree, Rc::clone(&held));
        held
    }
}

/// The history of each of `secret_count` secrets, given which blobs hold which secrets.
pub(crate) fn attribute(
    repo: &gix::Repository,
    graph: &Graph,
    secrets_of_blob: &HashMap<ObjectId, Vec<u32>>,
    secret_count: usize,
) -> Vec<SecretHistory> {
    let mut result: Vec<SecretHistory> = (0..secret_count)
        .map(|_| SecretHistory::default())
        .collect();
    if secret_count == 0 {
        return result;
    }
    let mut attributor = Attributor {
        repo,
        secrets_of_blob,
        memo: HashMap::default(),
        buf: Vec::new(),
    };
    let mut last_commit = vec![u32::MAX; secret_count];
    for (index, commit) in graph.commits.iter().enumerate() {
        let index = index as u32;
        let held = attributor.contents(commit.tree, 0);
        for (secret, path) in held.iter() {
            let history = &mut result[*secret as usize];
            if last_commit[*secret as usize] != index {
                last_commit[*secret as usize] = index;
                history.commits += 1;
            }
            if history.first.is_none() {
                history.first = Some((index, path.clone()));
            }
            history.paths.insert(path.clone());
        }
    }
    if let Some(tree) = graph.head_tree {
        for (secret, _) in attributor.contents(tree, 0).iter() {
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
        let held = attributor.contents(graph.commits[index as usize].tree, 0);
        for (secret, path) in held.iter() {
            let s = *secret as usize;
            if pending[s] {
                pending[s] = false;
                result[s].removed = newer.map(|newer| (newer, path.clone()));
            }
        }
        newer = Some(index);
    }
    result
}
