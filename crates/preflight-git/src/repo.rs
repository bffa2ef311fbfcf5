//! Opening a repository the same way for every operation.

use std::path::Path;

use crate::GitError;

/// Opens the repository that contains `path` (searching upwards, like `git` does).
pub(crate) fn open(path: &Path) -> Result<gix::Repository, GitError> {
    let mut repo = gix::discover(path).map_err(|e| GitError::Open {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    // Trees are read once each and blobs once each; a small object cache still helps with
    // commits read twice (walk and attribution).
    repo.object_cache_size_if_unset(4 * 1024 * 1024);
    Ok(repo)
}

/// A repository-relative path as text: `/` separators, invalid UTF-8 replaced.
pub(crate) fn path_text(path: &[u8]) -> String {
    String::from_utf8_lossy(path).into_owned()
}
