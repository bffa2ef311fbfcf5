//! The parts of an OSV record the audit uses, read from JSON or YAML.
//!
//! Unknown fields are ignored, as the format asks; a record without an id or without an
//! `affected` list is not an advisory the audit can use.

use serde::Deserialize;

/// One OSV record.
#[derive(Debug, Clone, Deserialize)]
pub struct Record {
    /// The record's id (`GHSA-...`, `PYSEC-...`, `RUSTSEC-...`); empty in a document that is
    /// not a record.
    #[serde(default)]
    pub id: String,
    /// Other ids of the same vulnerability.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// When the record was last changed (RFC 3339).
    #[serde(default)]
    pub modified: Option<String>,
    /// Set when the record was withdrawn: it no longer applies.
    #[serde(default)]
    pub withdrawn: Option<String>,
    /// A one-line summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// The longer description, used when there is no summary.
    #[serde(default)]
    pub details: Option<String>,
    /// Severity scores (CVSS vectors).
    #[serde(default)]
    pub severity: Vec<SeverityScore>,
    /// The packages and versions affected; `None` in a document that is not a record.
    #[serde(default)]
    pub affected: Option<Vec<Affected>>,
    /// Database-specific fields (GitHub's `severity`).
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

/// A severity score of a record or an affected package.
#[derive(Debug, Clone, Deserialize)]
pub struct SeverityScore {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// The vector.
    pub score: String,
}

/// One affected package.
#[derive(Debug, Clone, Deserialize)]
pub struct Affected {
    /// The package.
    pub package: Option<Package>,
    /// Version ranges.
    #[serde(default)]
    pub ranges: Vec<Range>,
    /// Versions listed one by one.
    #[serde(default)]
    pub versions: Vec<String>,
    /// Severity scores for this package alone.
    #[serde(default)]
    pub severity: Vec<SeverityScore>,
    /// Ecosystem-specific fields.
    #[serde(default)]
    pub ecosystem_specific: Option<serde_json::Value>,
    /// Database-specific fields (RustSec's `informational`).
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

/// A package as OSV names it.
#[derive(Debug, Clone, Deserialize)]
pub struct Package {
    /// The ecosystem (`PyPI`, `npm`, `crates.io`, ...).
    pub ecosystem: String,
    /// The package name as the ecosystem spells it.
    pub name: String,
}

/// A version range: events in order.
#[derive(Debug, Clone, Deserialize)]
pub struct Range {
    /// `ECOSYSTEM`, `SEMVER` or `GIT`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The events.
    #[serde(default)]
    pub events: Vec<Event>,
}

/// One event of a range; exactly one field is set.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Event {
    /// The version from which the package is affected (`0`: from the first).
    pub introduced: Option<String>,
    /// The first version that is no longer affected.
    #[serde(default)]
    pub fixed: Option<String>,
    /// The last version that is affected.
    #[serde(default)]
    pub last_affected: Option<String>,
    /// A version the range does not reach.
    #[serde(default)]
    pub limit: Option<String>,
}

/// Why a file could not be read as a record.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Not valid JSON, or not the shape of an OSV record.
    #[error("not a valid OSV JSON record: {0}")]
    Json(#[from] serde_json::Error),
    /// Not valid YAML, or not the shape of an OSV record.
    #[error("not a valid OSV YAML record: {0}")]
    Yaml(#[from] serde_yaml_ng::Error),
}

/// Whether a path names a file that may hold a record, and how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `.json`
    Json,
    /// `.yaml` or `.yml`
    Yaml,
}

impl Syntax {
    /// The syntax a file name says, if it is one of a record.
    pub fn of(name: &str) -> Option<Syntax> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Some(Syntax::Json)
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Some(Syntax::Yaml)
        } else {
            None
        }
    }
}

/// Reads a record. `Ok(None)` for a well-formed file that is not an advisory (no `id` or no
/// `affected`), such as a workflow or a package manifest kept beside the records.
pub fn parse(bytes: &[u8], syntax: Syntax) -> Result<Option<Record>, ParseError> {
    let record: Record = match syntax {
        Syntax::Json => serde_json::from_slice(bytes)?,
        Syntax::Yaml => serde_yaml_ng::from_slice(bytes)?,
    };
    Ok((!record.id.is_empty() && record.affected.is_some()).then_some(record))
}

impl Record {
    /// The affected packages.
    pub fn affected(&self) -> &[Affected] {
        self.affected.as_deref().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_and_yaml_and_skips_other_documents() {
        let json = br#"{"id":"GHSA-x","aliases":["CVE-1"],"affected":[{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}],"unknown":1}"#;
        let record = parse(json, Syntax::Json).unwrap().unwrap();
        assert_eq!(record.id, "GHSA-x");
        assert_eq!(
            record.affected()[0].ranges[0].events[1].fixed.as_deref(),
            Some("1.0.0")
        );
        // Plain YAML scalars that look like numbers keep their spelling as versions.
        let yaml = b"id: PYSEC-1\naffected:\n- package:\n    name: django\n    ecosystem: PyPI\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n    - fixed: 1.10\n  versions:\n  - 1.0.1\n  - 2.0\n  - 1.10\n";
        let record = parse(yaml, Syntax::Yaml).unwrap().unwrap();
        assert_eq!(record.affected()[0].versions, ["1.0.1", "2.0", "1.10"]);
        let events = &record.affected()[0].ranges[0].events;
        assert_eq!(events[0].introduced.as_deref(), Some("0"));
        assert_eq!(events[1].fixed.as_deref(), Some("1.10"));
        assert!(
            parse(b"name: ci\non: push\n", Syntax::Yaml)
                .unwrap()
                .is_none()
        );
        assert!(parse(b"{\"id\": \"X\", \"affected\": [", Syntax::Json).is_err());
        assert!(parse(b"\xff\xfe\x00", Syntax::Yaml).is_err());
    }
}
