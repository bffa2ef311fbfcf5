use std::path::PathBuf;

/// The errors that stop a git operation as a whole (per-object problems are warnings instead).
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The path is not inside a git repository, or the repository cannot be opened.
    #[error("cannot open a git repository at {path}: {message}")]
    Open {
        /// The path given.
        path: PathBuf,
        /// Why it could not be opened.
        message: String,
    },
    /// A revision given by the user does not name a commit.
    #[error("cannot resolve revision `{revision}`: {message}")]
    Revision {
        /// The revision as given.
        revision: String,
        /// Why it did not resolve.
        message: String,
    },
    /// The references, the index or the `HEAD` commit could not be read.
    #[error("cannot read {what}: {message}")]
    Read {
        /// What was being read.
        what: String,
        /// The underlying error.
        message: String,
    },
    /// A file could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A hook file exists and was not written by preflight.
    #[error("{path} already exists and was not written by preflight; pass --force to replace it")]
    ForeignHook {
        /// The existing hook.
        path: PathBuf,
    },
}

impl GitError {
    pub(crate) fn read(what: impl Into<String>, err: impl std::fmt::Display) -> Self {
        GitError::Read {
            what: what.into(),
            message: err.to_string(),
        }
    }
}
