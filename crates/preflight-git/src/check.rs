//! The git checks as `preflight check` runs them.

use std::collections::HashSet;

use preflight_findings::{
    Check, DropReason, Dropped, Finding, Fingerprint, Outcome, Project, Severity, Warning,
};

use crate::history::{self, HistoryOptions};
use crate::{BlobScanner, GitError, hygiene};

/// Repository hygiene (tracked secrets files, unignored env files, example files with real
/// values). A project that is not a git repository yields nothing.
#[derive(Debug, Default)]
pub struct HygieneCheck;

impl HygieneCheck {
    /// The hygiene check.
    pub fn new() -> Self {
        HygieneCheck
    }
}

impl Check for HygieneCheck {
    fn name(&self) -> &'static str {
        "git"
    }

    fn run(&self, project: &Project) -> Outcome {
        match hygiene::check(&project.root) {
            Ok(outcome) => outcome,
            Err(GitError::Open { .. }) => Outcome::default(),
            Err(err) => Outcome {
                warnings: vec![Warning::at(
                    project.root.display().to_string(),
                    err.to_string(),
                )],
                ..Outcome::default()
            },
        }
    }
}

/// Secrets in git history. Each one still in the working tree is left to the working-tree scan
/// (recorded as dropped); each one only in history becomes `git.secret-in-history`.
pub struct HistoryCheck<S> {
    scanner: S,
    options: HistoryOptions,
    in_worktree: Option<HashSet<Fingerprint>>,
}

impl<S: BlobScanner + Send> HistoryCheck<S> {
    /// The history check, scanning with `scanner`.
    pub fn new(scanner: S, options: HistoryOptions) -> Self {
        HistoryCheck {
            scanner,
            options,
            in_worktree: None,
        }
    }

    /// Uses the fingerprints of a working-tree scan that already ran, instead of scanning the
    /// tracked files again to tell "still in the working tree" from "only in history".
    pub fn with_worktree(mut self, fingerprints: HashSet<Fingerprint>) -> Self {
        self.in_worktree = Some(fingerprints);
        self
    }
}

impl<S: BlobScanner + Send> Check for HistoryCheck<S> {
    fn name(&self) -> &'static str {
        "history"
    }

    fn run(&self, project: &Project) -> Outcome {
        let mut outcome = match history::scan(&project.root, &self.scanner, &self.options) {
            Ok(outcome) => outcome,
            Err(GitError::Open { .. }) => return Outcome::default(),
            Err(err) => {
                return Outcome {
                    warnings: vec![history::unavailable(&project.root, &err)],
                    ..Outcome::default()
                };
            }
        };
        let present = match &self.in_worktree {
            Some(fingerprints) => fingerprints.clone(),
            None => history::worktree_fingerprints(&project.root, &self.scanner),
        };
        history::mark_worktree(&mut outcome.findings, &present);
        let findings = std::mem::take(&mut outcome.findings);
        for finding in findings {
            if present.contains(&finding.fingerprint) {
                outcome.dropped.push(Dropped {
                    id: finding.id.clone(),
                    location: finding.location,
                    reason: DropReason::Superseded {
                        by: format!("{} in the working tree", finding.id),
                    },
                    secret: finding.secret,
                });
            } else {
                outcome.findings.push(history_only(finding));
            }
        }
        outcome
    }
}

/// The `git.secret-in-history` finding for a secret found only in history: at least `high`,
/// since every clone keeps it, unless the scan judged it `low` (a made-up token, the password
/// of a service on localhost), which history does not make more real.
pub fn history_only(finding: Finding) -> Finding {
    let Some(secret) = finding.secret.clone() else {
        return finding;
    };
    let severity = if finding.severity <= Severity::Low {
        finding.severity
    } else {
        finding.severity.max(Severity::High)
    };
    let mut converted = Finding::secret(
        "git.secret-in-history",
        severity,
        format!(
            "{} removed from the files but still in git history: rotate it",
            finding.message
        ),
        finding.location.clone(),
        secret,
    )
    .with_detail("rule-id", finding.id.clone());
    for (key, value) in finding.details {
        converted.details.entry(key).or_insert(value);
    }
    converted.help = finding.help;
    converted.reference = finding.reference;
    converted.history = finding.history;
    converted
}

#[cfg(test)]
mod tests {
    use preflight_findings::{Location, Redacted};

    use super::*;

    fn found(severity: Severity) -> Finding {
        Finding::secret(
            "postgres.connection-uri",
            severity,
            "PostgreSQL connection URI with a password",
            Location::file("settings.py", 3, 1),
            Redacted::new("Zr3mW7pTXk29vLq8"), // preflight:allow (synthetic test value)
        )
    }

    #[test]
    fn history_raises_a_secret_to_high_but_keeps_what_the_scan_judged_low() {
        assert_eq!(
            history_only(found(Severity::Medium)).severity,
            Severity::High
        );
        assert_eq!(
            history_only(found(Severity::Critical)).severity,
            Severity::Critical
        );
        let low = history_only(found(Severity::Low));
        assert_eq!(
            (low.id.as_str(), low.severity),
            ("git.secret-in-history", Severity::Low)
        );
    }
}
