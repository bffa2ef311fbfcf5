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

/// Declares a check's finding codes: a `pub const NAME: &str` per code, documented by its
/// description, and `pub const CODES: &[CodeInfo]` listing them all (for `preflight codes`),
/// documented by the first string.
///
/// ```
/// preflight_findings::finding_codes! {
///     "Every code the example check can emit.";
///     LOUD = "example.loud", Medium, "Something is too loud.";
/// }
/// assert_eq!(LOUD, "example.loud");
/// assert_eq!(CODES[0].severity, preflight_findings::Severity::Medium);
/// ```
#[macro_export]
macro_rules! finding_codes {
    ($doc:literal; $($name:ident = $id:literal, $severity:ident, $description:literal;)*) => {
        $(
            #[doc = $description]
            pub const $name: &str = $id;
        )*
        #[doc = $doc]
        pub const CODES: &[$crate::CodeInfo] = &[
            $($crate::CodeInfo {
                id: $id,
                severity: $crate::Severity::$severity,
                description: $description,
            },)*
        ];
    };
}
