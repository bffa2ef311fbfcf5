//! Installing the pre-commit hook that runs `preflight scan --staged`.
//!
//! The hook goes where git looks for hooks: `core.hooksPath` when set (relative to the work
//! tree, like git), else `hooks/` in the git directory. A hook preflight did not write is never
//! replaced without `force`; one it wrote (recognised by its marker line) is updated in place.

use std::path::{Path, PathBuf};

use crate::GitError;

/// The line that marks a hook as written by preflight.
const MARKER: &str = "# installed by preflight hook install";

/// The hook script.
fn script() -> String {
    format!(
        "#!/bin/sh\n{MARKER}\n# Blocks the commit when the staged changes add a secret.\n\
         exec preflight scan --staged \"$@\"\n"
    )
}

/// What installing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// No hook was there; it was written.
    Created(PathBuf),
    /// A preflight hook was there and was rewritten.
    Updated(PathBuf),
    /// A foreign hook was there and was replaced because `force` was given.
    Replaced(PathBuf),
}

/// Writes the pre-commit hook of the repository containing `path`.
pub fn install(path: &Path, force: bool) -> Result<Installed, GitError> {
    let repo = crate::repo::open(path)?;
    let configured = repo
        .config_snapshot()
        .trusted_path("core.hooksPath")
        .ok()
        .flatten();
    let dir = match configured {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => repo.workdir().unwrap_or(repo.git_dir()).join(dir),
        None => repo.git_dir().join("hooks"),
    };
    let hook = dir.join("pre-commit");
    let io = |source| GitError::Io {
        path: hook.clone(),
        source,
    };
    let installed = match std::fs::read(&hook) {
        Ok(existing) => {
            if String::from_utf8_lossy(&existing).contains(MARKER) {
                Installed::Updated(hook.clone())
            } else if force {
                Installed::Replaced(hook.clone())
            } else {
                return Err(GitError::ForeignHook { path: hook });
            }
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Installed::Created(hook.clone()),
        Err(err) => return Err(io(err)),
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    std::fs::write(&hook, script()).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).map_err(io)?;
    }
    Ok(installed)
}
