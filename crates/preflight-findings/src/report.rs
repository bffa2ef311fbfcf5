use std::borrow::Cow;

use serde::Serialize;

use crate::{DropReason, Dropped, Fact, Finding, Score, Severity, Stats, Warning, scrub};

/// The result of a run: what renderers turn into text, JSON or SARIF.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The findings that passed the user's filters, in path, line, column, id order.
    pub findings: Vec<Finding>,
    /// Candidates not reported, and why.
    pub dropped: Vec<Dropped>,
    /// Problems with the input; the run went on.
    pub warnings: Vec<Warning>,
    /// What was looked at.
    pub stats: Stats,
    /// Grades of graded targets.
    pub scores: Vec<Score>,
    /// What the checks saw to be in order (evidence for the checklist).
    pub facts: Vec<Fact>,
}

impl Report {
    /// Sorts findings, dropped candidates, warnings and facts into their stable order.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (&a.location, &a.id, &a.fingerprint).cmp(&(&b.location, &b.id, &b.fingerprint))
        });
        self.dropped
            .sort_by(|a, b| (&a.location, &a.id).cmp(&(&b.location, &b.id)));
        self.warnings
            .sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
        self.facts.sort_by(|a, b| {
            (&a.location, &a.id, &a.message).cmp(&(&b.location, &b.id, &b.message))
        });
    }

    /// The number of findings at each severity, lowest first.
    pub fn counts(&self) -> [(Severity, usize); 5] {
        Severity::ALL.map(|s| (s, self.findings.iter().filter(|f| f.severity == s).count()))
    }

    /// Whether any finding is at or above `fail_on`: the run then exits with status 1.
    pub fn fails(&self, fail_on: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= fail_on)
    }

    /// Scrubs the paths, URLs, targets and details the report shows, as messages are scrubbed
    /// when they are made: a file named with a credential, a URL with a password or a token in
    /// its query, a cookie named with a token, is shown without it. Paths and details are kept
    /// raw until here because filters and tests match them; the `blob` detail is an object id
    /// git computed, never input, and stays whole so that it can be looked up.
    pub fn scrub_for_display(&mut self) {
        let clean = |path: &mut String| {
            if let Cow::Owned(scrubbed) = scrub(path) {
                *path = scrubbed;
            }
        };
        for finding in &mut self.findings {
            clean(&mut finding.location.path);
            for (key, value) in &mut finding.details {
                if key != "blob" {
                    clean(value);
                }
            }
            if let Some(history) = &mut finding.history {
                clean(&mut history.introduced.path);
                if let Some(removed) = &mut history.removed {
                    clean(&mut removed.path);
                }
            }
        }
        for dropped in &mut self.dropped {
            clean(&mut dropped.location.path);
            match &mut dropped.reason {
                DropReason::Placeholder { pattern: text }
                | DropReason::Malformed { problem: text }
                | DropReason::PathAllowlist { glob: text }
                | DropReason::ValueAllowlist { pattern: text } => clean(text),
                DropReason::Baseline { note: Some(text) } => clean(text),
                _ => {}
            }
        }
        for warning in &mut self.warnings {
            if let Some(path) = &mut warning.path {
                clean(path);
            }
        }
        for fact in &mut self.facts {
            clean(&mut fact.location.path);
        }
        for score in &mut self.scores {
            clean(&mut score.target);
            for modifier in &mut score.modifiers {
                clean(&mut modifier.reason);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Location, Redacted};

    #[test]
    fn counts_and_fails_on_threshold() {
        let mut report = Report::default();
        report.findings.push(Finding::secret(
            "x.key",
            Severity::Medium,
            "m",
            Location::file("b", 2, 1),
            Redacted::new("aaaaaaaaaa"),
        ));
        report.findings.push(Finding::secret(
            "x.key",
            Severity::Low,
            "m",
            Location::file("a", 9, 1),
            Redacted::new("bbbbbbbbbb"),
        ));
        report.sort();
        assert_eq!(report.findings[0].location.path, "a");
        assert_eq!(report.counts()[2], (Severity::Medium, 1));
        assert!(report.fails(Severity::Medium));
        assert!(!report.fails(Severity::High));
    }

    #[test]
    fn locations_are_scrubbed_for_showing() {
        let mut report = Report::default();
        report.findings.push(Finding::new(
            "web.x",
            Severity::Low,
            "m",
            Location::whole(
                crate::LocationKind::Url,
                "https://u:pw@site.test/?token=abc",
            ),
            "k",
        ));
        report
            .warnings
            .push(Warning::at("a/q8ZfT2mWx7LcR4vNp1KsY6dH.txt", "w"));
        report.scrub_for_display();
        assert_eq!(
            report.findings[0].location.path,
            "https://u:***@site.test/?token=***"
        );
        let path = report.warnings[0].path.as_deref().unwrap();
        assert!(!path.contains("q8ZfT2mW"), "{path}");
    }
}
