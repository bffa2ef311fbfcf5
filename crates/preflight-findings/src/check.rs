use std::path::PathBuf;

use crate::{Outcome, Severity};

/// The project a check looks at.
#[derive(Debug, Clone)]
pub struct Project {
    /// The project's root directory.
    pub root: PathBuf,
}

/// One kind of check that `preflight check` runs: secret scanning, git hygiene, configuration,
/// live checks. A check is built from its own configuration, looks at the project and yields an
/// [`Outcome`]; it never prints.
pub trait Check: Send + Sync {
    /// A short name for progress messages and `--skip` (`secrets`, `git`, `env`, `web`, `db`).
    fn name(&self) -> &'static str;

    /// Runs the check.
    fn run(&self, project: &Project) -> Outcome;
}

/// A finding code and what it means, for `preflight codes` and the documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// The stable code, such as `env.placeholder`.
    pub id: &'static str,
    /// The severity it is reported at unless the check says otherwise.
    pub severity: Severity,
    /// One line saying what it means.
    pub description: &'static str,
}
