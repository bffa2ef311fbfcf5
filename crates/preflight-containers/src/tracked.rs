//! The files git tracks, read from the index as `git ls-files` lists them.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// The tracked files of the repository that holds a project.
#[derive(Debug)]
pub struct Tracked {
    workdir: PathBuf,
    paths: HashSet<String>,
}

impl Tracked {
    /// The tracked files of the repository containing `root`; `Ok(None)` when `root` is not in
    /// a repository (or the repository has no working tree), `Err` when the index is unreadable.
    pub fn load(root: &Path) -> Result<Option<Self>, String> {
        let Ok(repo) = gix::discover(root) else {
            return Ok(None);
        };
        let Some(workdir) = repo.workdir() else {
            return Ok(None);
        };
        let workdir = workdir
            .canonicalize()
            .unwrap_or_else(|_| workdir.to_path_buf());
        let index = repo
            .index_or_empty()
            .map_err(|e| format!("cannot read the git index: {e}"))?;
        let paths = index
            .entries()
            .iter()
            .filter(|e| e.stage_raw() == 0)
            .map(|e| String::from_utf8_lossy(e.path(&index)).into_owned())
            .collect();
        Ok(Some(Tracked { workdir, paths }))
    }

    /// Whether the file at `path` (absolute, or relative to the current directory) is tracked.
    /// The path need not exist on disk.
    pub fn contains(&self, path: &Path) -> bool {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let normal = normalize(&absolute);
        // The working directory is canonical; the file's parent may be reached through a link.
        let normal = normal
            .parent()
            .and_then(|p| p.canonicalize().ok())
            .zip(normal.file_name())
            .map(|(dir, name)| dir.join(name))
            .unwrap_or(normal);
        normal
            .strip_prefix(&self.workdir)
            .ok()
            .map(|rel| rel.to_string_lossy().replace('\\', "/"))
            .is_some_and(|rel| self.paths.contains(&rel))
    }
}

/// `path` with `.` and `..` components resolved lexically.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
