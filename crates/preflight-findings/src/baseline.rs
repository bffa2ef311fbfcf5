//! Baseline files: findings the team has reviewed and accepted, hidden from later runs.
//!
//! An entry is keyed by the finding's id, its path and its fingerprint (a hash of the rule and
//! the secret), never by line number, so that editing a file does not make the baseline churn.
//! Entries never store the secret. Each may carry a reason and an expiry date, after which the
//! finding shows again.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

use crate::{Finding, Fingerprint, scrub};

/// The errors of reading a baseline file.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file could not be read.
    #[error("cannot read baseline {path}: {source}")]
    Read {
        /// The baseline file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid baseline.
    #[error("invalid baseline {path}: {message}")]
    Invalid {
        /// The baseline file.
        path: String,
        /// What is wrong, with line and column.
        message: String,
    },
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// The rule id or check code.
    pub id: String,
    /// The path the finding was at.
    pub path: String,
    /// The finding's fingerprint (a hash; never the secret).
    pub fingerprint: Fingerprint,
    /// Why it was accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The last day (`YYYY-MM-DD`) on which the entry hides the finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl BaselineEntry {
    /// Whether the entry no longer applies on `today`. An unparsable date counts as expired, so
    /// that a typo never hides a finding forever.
    pub fn is_expired(&self, today: Date) -> bool {
        match &self.expires {
            None => false,
            Some(date) => parse_date(date).is_none_or(|expires| today > expires),
        }
    }
}

fn parse_date(date: &str) -> Option<Date> {
    Date::parse(date, format_description!("[year]-[month]-[day]")).ok()
}

type Key = (String, String, Fingerprint);

/// A set of accepted findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// The format version, currently 1.
    pub version: u32,
    /// The entries, sorted by path, id and fingerprint.
    pub entries: Vec<BaselineEntry>,
}

impl Baseline {
    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Self, BaselineError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: name.clone(),
            source,
        })?;
        Self::parse(&text).map_err(|message| BaselineError::Invalid {
            path: name,
            message,
        })
    }

    /// Parses a baseline from JSON text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if baseline.version != 1 {
            return Err(format!("unsupported version {}", baseline.version));
        }
        Ok(baseline)
    }

    /// A baseline recording `findings`, keeping the reason and expiry of entries of `previous`
    /// that still match.
    pub fn record<'a>(
        findings: impl IntoIterator<Item = &'a Finding>,
        previous: Option<&Baseline>,
    ) -> Self {
        let kept: BTreeMap<Key, &BaselineEntry> = previous
            .map(|b| b.entries.iter().map(|e| (key_of_entry(e), e)).collect())
            .unwrap_or_default();
        let mut entries: BTreeMap<Key, BaselineEntry> = BTreeMap::new();
        for finding in findings {
            let key = key_of_finding(finding);
            let old = kept.get(&key);
            entries.entry(key).or_insert_with(|| BaselineEntry {
                id: finding.id.clone(),
                path: scrub(&finding.location.path).into_owned(),
                fingerprint: finding.fingerprint.clone(),
                reason: old.and_then(|e| e.reason.clone()),
                expires: old.and_then(|e| e.expires.clone()),
            });
        }
        let mut entries: Vec<BaselineEntry> = entries.into_values().collect();
        entries.sort_by(|a, b| {
            (&a.path, &a.id, &a.fingerprint).cmp(&(&b.path, &b.id, &b.fingerprint))
        });
        Baseline {
            version: 1,
            entries,
        }
    }

    /// The JSON text of this baseline, stable from run to run.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a baseline always serialises");
        text.push('\n');
        text
    }

    /// The entry that hides `finding`, if any, including expired ones.
    pub fn entry_for(&self, finding: &Finding) -> Option<&BaselineEntry> {
        let key = key_of_finding(finding);
        self.entries.iter().find(|e| key_of_entry(e) == key)
    }
}

/// A finding's key; its path as reports show it, so that a file named with a credential is
/// recorded without it.
fn key_of_finding(finding: &Finding) -> Key {
    (
        finding.id.clone(),
        scrub(&finding.location.path).into_owned(),
        finding.fingerprint.clone(),
    )
}

fn key_of_entry(entry: &BaselineEntry) -> Key {
    (
        entry.id.clone(),
        entry.path.clone(),
        entry.fingerprint.clone(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Location, Redacted, Severity};
    use time::macros::date;

    fn finding(line: u32) -> Finding {
        Finding::secret(
            "stripe.secret-key",
            Severity::Critical,
            "Stripe live secret key",
            Location::file("settings.py", line, 5),
            Redacted::new("sk_live_51SECRETVALUE"),
        )
    }

    #[test]
    fn round_trips_without_the_secret_and_ignores_line_moves() {
        let baseline = Baseline::record([&finding(3)], None);
        let json = baseline.to_json();
        assert!(!json.contains("SECRETVALUE"), "{json}");
        let parsed = Baseline::parse(&json).unwrap();
        assert_eq!(parsed, baseline);
        assert!(parsed.entry_for(&finding(90)).is_some());
    }

    #[test]
    fn rewriting_keeps_reasons_and_expiry() {
        let mut first = Baseline::record([&finding(3)], None);
        first.entries[0].reason = Some("test fixture".into());
        first.entries[0].expires = Some("2030-01-31".into());
        let second = Baseline::record([&finding(7)], Some(&first));
        assert_eq!(second, first);
    }

    #[test]
    fn expiry_is_inclusive_and_bad_dates_expire() {
        let mut entry = Baseline::record([&finding(1)], None).entries.remove(0);
        entry.expires = Some("2026-05-01".into());
        assert!(!entry.is_expired(date!(2026 - 05 - 01)));
        assert!(entry.is_expired(date!(2026 - 05 - 02)));
        entry.expires = Some("soon".into());
        assert!(entry.is_expired(date!(2000 - 01 - 01)));
    }

    #[test]
    fn rejects_unknown_fields_and_versions() {
        assert!(Baseline::parse(r#"{"version":1,"entries":[],"extra":1}"#).is_err());
        assert!(Baseline::parse(r#"{"version":2,"entries":[]}"#).is_err());
    }
}
