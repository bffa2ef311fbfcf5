//! The sink: where every check's [`Outcome`] goes. It applies the user's filters in a fixed order
//! (disabled ids, severity overrides, path allowlist, value allowlist, baseline, threshold) and
//! records each filtered finding as [`Dropped`] with its reason, so `--explain` can show it.

use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use time::Date;

use crate::{Baseline, DropReason, Dropped, Finding, Outcome, Report, Severity};

/// The errors of building [`Filters`] from user configuration.
#[derive(Debug, thiserror::Error)]
pub enum FiltersError {
    /// A path allowlist entry is not a valid glob.
    #[error("invalid path allowlist glob `{glob}`: {message}")]
    Glob {
        /// The glob.
        glob: String,
        /// What is wrong.
        message: String,
    },
    /// A value allowlist entry is not a valid regular expression.
    #[error("invalid value allowlist pattern `{pattern}`: {message}")]
    Regex {
        /// The pattern.
        pattern: String,
        /// What is wrong.
        message: String,
    },
}

/// What the user asked to hide or re-grade.
#[derive(Debug, Clone)]
pub struct Filters {
    disabled: Vec<String>,
    overrides: BTreeMap<String, Severity>,
    path_globs: Vec<String>,
    path_set: GlobSet,
    values: Vec<Regex>,
    baseline: Option<Baseline>,
    threshold: Severity,
    today: Date,
}

impl Default for Filters {
    fn default() -> Self {
        Filters {
            disabled: Vec::new(),
            overrides: BTreeMap::new(),
            path_globs: Vec::new(),
            path_set: GlobSet::empty(),
            values: Vec::new(),
            baseline: None,
            threshold: Severity::Info,
            today: today(),
        }
    }
}

fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

impl Filters {
    /// Hides findings whose id is `id`, or starts with `id.` (so `stripe` disables every Stripe
    /// rule), or matches `id` ending in `*` as a prefix.
    pub fn disable(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.disabled.extend(ids);
        self
    }

    /// Reports findings of `id` at `severity` instead of the check's own.
    pub fn override_severity(mut self, id: impl Into<String>, severity: Severity) -> Self {
        self.overrides.insert(id.into(), severity);
        self
    }

    /// Hides findings whose path matches one of these globs (`tests/fixtures/**`).
    pub fn allow_paths(mut self, globs: &[String]) -> Result<Self, FiltersError> {
        self.path_globs.extend(globs.iter().cloned());
        let mut builder = GlobSetBuilder::new();
        for glob in &self.path_globs {
            let compiled = Glob::new(glob).map_err(|e| FiltersError::Glob {
                glob: glob.clone(),
                message: e.kind().to_string(),
            })?;
            builder.add(compiled);
        }
        self.path_set = builder.build().map_err(|e| FiltersError::Glob {
            glob: self.path_globs.join(", "),
            message: e.to_string(),
        })?;
        Ok(self)
    }

    /// Hides secrets whose whole value matches one of these regular expressions.
    pub fn allow_values(mut self, patterns: &[String]) -> Result<Self, FiltersError> {
        for pattern in patterns {
            let regex =
                Regex::new(&format!("^(?:{pattern})$")).map_err(|e| FiltersError::Regex {
                    pattern: pattern.clone(),
                    message: e.to_string(),
                })?;
            self.values.push(regex);
        }
        Ok(self)
    }

    /// Hides findings recorded in `baseline` (until their entries expire).
    pub fn with_baseline(mut self, baseline: Baseline) -> Self {
        self.baseline = Some(baseline);
        self
    }

    /// Hides findings below `threshold`.
    pub fn threshold(mut self, threshold: Severity) -> Self {
        self.threshold = threshold;
        self
    }

    /// Uses `today` to decide which baseline entries have expired.
    pub fn on(mut self, today: Date) -> Self {
        self.today = today;
        self
    }

    fn is_disabled(&self, id: &str) -> bool {
        self.disabled.iter().any(|d| {
            if let Some(prefix) = d.strip_suffix('*') {
                id.starts_with(prefix)
            } else {
                id == d
                    || id
                        .strip_prefix(d.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            }
        })
    }

    /// Why `finding` is hidden, or `None` when it is reported; may re-grade it first.
    fn judge(&self, finding: &mut Finding) -> Option<DropReason> {
        if self.is_disabled(&finding.id) {
            return Some(DropReason::Disabled);
        }
        if let Some(severity) = self.overrides.get(&finding.id) {
            finding.severity = *severity;
        }
        if let Some(index) = self.path_set.matches(&finding.location.path).first() {
            return Some(DropReason::PathAllowlist {
                glob: self.path_globs[*index].clone(),
            });
        }
        if let Some(secret) = &finding.secret
            && let Some(regex) = self.values.iter().find(|r| r.is_match(secret.expose()))
        {
            let pattern = regex.as_str();
            return Some(DropReason::ValueAllowlist {
                pattern: pattern[4..pattern.len() - 2].to_string(),
            });
        }
        if let Some(entry) = self.baseline.as_ref().and_then(|b| b.entry_for(finding))
            && !entry.is_expired(self.today)
        {
            return Some(DropReason::Baseline {
                note: entry.reason.clone(),
            });
        }
        if finding.severity < self.threshold {
            return Some(DropReason::BelowThreshold);
        }
        None
    }
}

/// Whether the finding or rule id `id` is selected by `pattern`: the id itself, a prefix up to a
/// dot (`stripe` selects `stripe.secret-key`, not `stripe-like.key`), or any prefix written with
/// a trailing `*` (`aws.sec*`).
pub fn id_matches(pattern: &str, id: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None => {
            id == pattern
                || id
                    .strip_prefix(pattern)
                    .is_some_and(|rest| rest.starts_with('.'))
        }
    }
}

/// Collects outcomes into a report, applying [`Filters`].
#[derive(Debug, Default)]
pub struct Sink {
    filters: Filters,
    report: Report,
}

impl Sink {
    /// A sink applying `filters`.
    pub fn new(filters: Filters) -> Self {
        Sink {
            filters,
            report: Report::default(),
        }
    }

    /// Takes in one check's outcome.
    pub fn accept(&mut self, outcome: Outcome) {
        for mut finding in outcome.findings {
            match self.filters.judge(&mut finding) {
                None => self.report.findings.push(finding),
                Some(reason) => self.report.dropped.push(Dropped {
                    id: finding.id,
                    location: finding.location,
                    reason,
                    secret: finding.secret,
                }),
            }
        }
        self.report.dropped.extend(outcome.dropped);
        self.report.warnings.extend(outcome.warnings);
        self.report.stats.add(outcome.stats);
        self.report.scores.extend(outcome.scores);
        self.report.facts.extend(outcome.facts);
    }

    /// The report, with findings in a stable order (path, line, column, id).
    pub fn finish(mut self) -> Report {
        self.report.sort();
        self.report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Location, Redacted};
    use time::macros::date;

    fn secret(id: &str, path: &str, value: &str, severity: Severity) -> Finding {
        Finding::secret(
            id,
            severity,
            "a secret",
            Location::file(path, 1, 1),
            Redacted::new(value),
        )
    }

    fn run(filters: Filters, findings: Vec<Finding>) -> Report {
        let mut sink = Sink::new(filters);
        sink.accept(Outcome {
            findings,
            ..Outcome::default()
        });
        sink.finish()
    }

    #[test]
    fn disabled_ids_match_exactly_by_provider_or_by_prefix() {
        let filters = Filters::default().disable(["stripe".to_string(), "aws.sec*".to_string()]);
        let report = run(
            filters,
            vec![
                secret("stripe.secret-key", "a", "x1", Severity::High),
                secret("stripe-like.key", "a", "x2", Severity::High),
                secret("aws.secret-access-key", "a", "x3", Severity::High),
            ],
        );
        let kept: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(kept, ["stripe-like.key"]);
        assert!(
            report
                .dropped
                .iter()
                .all(|d| d.reason == DropReason::Disabled)
        );
    }

    #[test]
    fn allowlists_baseline_and_threshold_drop_with_reasons() {
        let kept = secret("a.key", "src/app.py", "real-secret-1", Severity::High);
        let by_path = secret(
            "a.key",
            "tests/fixtures/k.py",
            "real-secret-2",
            Severity::High,
        );
        let by_value = secret("a.key", "src/app.py", "EXAMPLE-123", Severity::High);
        let low = secret("a.key", "src/app.py", "real-secret-3", Severity::Low);
        let baselined = secret("a.key", "src/b.py", "real-secret-4", Severity::High);
        let mut baseline = Baseline::record([&baselined], None);
        baseline.entries[0].reason = Some("rotated".into());
        let filters = Filters::default()
            .allow_paths(&["tests/fixtures/**".to_string()])
            .unwrap()
            .allow_values(&["EXAMPLE-\\d+".to_string()])
            .unwrap()
            .with_baseline(baseline)
            .threshold(Severity::Medium);
        let report = run(filters, vec![kept, by_path, by_value, low, baselined]);
        assert_eq!(report.findings.len(), 1);
        let reasons: Vec<String> = report
            .dropped
            .iter()
            .map(|d| d.reason.to_string())
            .collect();
        assert_eq!(
            reasons,
            [
                "value allowlisted by `EXAMPLE-\\d+`",
                "below the severity threshold",
                "in the baseline (rotated)",
                "path allowlisted by `tests/fixtures/**`",
            ]
        );
    }

    #[test]
    fn expired_baseline_entries_hide_nothing() {
        let finding = secret("a.key", "src/b.py", "real-secret-4", Severity::High);
        let mut baseline = Baseline::record([&finding], None);
        baseline.entries[0].expires = Some("2026-01-01".into());
        let filters = Filters::default()
            .with_baseline(baseline)
            .on(date!(2026 - 02 - 01));
        assert_eq!(run(filters, vec![finding]).findings.len(), 1);
    }

    #[test]
    fn overrides_regrade_before_the_threshold() {
        let filters = Filters::default()
            .override_severity("a.key", Severity::Critical)
            .threshold(Severity::High);
        let report = run(filters, vec![secret("a.key", "x", "v", Severity::Low)]);
        assert_eq!(report.findings[0].severity, Severity::Critical);
    }

    #[test]
    fn bad_globs_and_patterns_are_errors() {
        assert!(
            Filters::default()
                .allow_paths(&["a/[".to_string()])
                .is_err()
        );
        assert!(Filters::default().allow_values(&["(".to_string()]).is_err());
    }

    #[test]
    fn facts_reach_the_report_in_location_order() {
        use crate::Fact;
        let mut sink = Sink::new(Filters::default());
        sink.accept(Outcome {
            facts: vec![Fact::new(
                "web.hsts-missing",
                Location::file("b.py", 3, 1),
                "HSTS sent",
            )],
            ..Outcome::default()
        });
        sink.accept(Outcome {
            facts: vec![Fact::new("env", Location::file("a.env", 1, 1), "read")],
            ..Outcome::default()
        });
        let report = sink.finish();
        let ids: Vec<&str> = report.facts.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["env", "web.hsts-missing"]);
        assert!(Report::default().facts.is_empty());
    }
}
