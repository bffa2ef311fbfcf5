//! An advisory as the index keeps it for one package: ids, summary, severity and the version
//! ranges and lists that say which versions it affects.

use std::str::FromStr;

use preflight_findings::Severity;
use serde::{Deserialize, Serialize};

use crate::Ecosystem;
use crate::osv::{self, Record};

/// How long a summary is kept; longer ones (a `details` text used in place of a summary) are cut.
const SUMMARY_CHARS: usize = 160;

/// What an advisory says about one package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advisory {
    /// The record's id.
    pub id: String,
    /// Its aliases (CVE, GHSA, PYSEC, RUSTSEC ids).
    pub aliases: Vec<String>,
    /// A one-line summary.
    pub summary: String,
    /// From the CVSS vector, else the database's own rating; `None` when the record has
    /// neither (it is then reported as medium, unless an alias says more).
    pub severity: Option<Severity>,
    /// RustSec's informational kind (`unmaintained`, `unsound`, `notice`), when it is one.
    pub informational: Option<String>,
    /// The ranges of `ECOSYSTEM` and `SEMVER` type.
    pub ranges: Vec<Vec<Event>>,
    /// Versions listed one by one.
    pub versions: Vec<String>,
}

/// One event of a range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// Affected from this version (`0`: from the first).
    Introduced(String),
    /// Not affected from this version.
    Fixed(String),
    /// Affected up to and including this version.
    LastAffected(String),
    /// The range ends before this version.
    Limit(String),
}

impl Advisory {
    /// Each package of a record that the audit knows, with what the record says about it.
    /// Withdrawn records yield nothing.
    pub fn from_record(record: &Record) -> Vec<(Ecosystem, String, Advisory)> {
        if record.withdrawn.is_some() {
            return Vec::new();
        }
        let summary = summary(record);
        let mut out: Vec<(Ecosystem, String, Advisory)> = Vec::new();
        for affected in record.affected() {
            let Some(package) = &affected.package else {
                continue;
            };
            let Some(ecosystem) = Ecosystem::from_osv(&package.ecosystem) else {
                continue;
            };
            let ranges: Vec<Vec<Event>> = affected
                .ranges
                .iter()
                .filter(|r| r.kind == "ECOSYSTEM" || r.kind == "SEMVER")
                .map(|r| r.events.iter().filter_map(event).collect())
                .collect();
            let informational = affected
                .database_specific
                .as_ref()
                .and_then(|d| d.get("informational"))
                .and_then(|i| i.as_str())
                .map(str::to_string);
            let name = ecosystem.normalize(&package.name);
            let severity = severity(record, affected);
            // A record may list one package several times (one range each): one advisory.
            if let Some((_, _, same)) = out
                .iter_mut()
                .find(|(e, n, _)| *e == ecosystem && *n == name)
            {
                same.ranges.extend(ranges);
                same.versions.extend(affected.versions.iter().cloned());
                same.severity = same.severity.max(severity);
                continue;
            }
            out.push((
                ecosystem,
                name,
                Advisory {
                    id: record.id.clone(),
                    aliases: record.aliases.clone(),
                    summary: summary.clone(),
                    severity,
                    informational,
                    ranges,
                    versions: affected.versions.clone(),
                },
            ));
        }
        out
    }
}

fn event(e: &osv::Event) -> Option<Event> {
    if let Some(v) = &e.introduced {
        Some(Event::Introduced(v.clone()))
    } else if let Some(v) = &e.fixed {
        Some(Event::Fixed(v.clone()))
    } else if let Some(v) = &e.last_affected {
        Some(Event::LastAffected(v.clone()))
    } else {
        e.limit.clone().map(Event::Limit)
    }
}

/// The summary, else the first line of the details, cut to [`SUMMARY_CHARS`].
fn summary(record: &Record) -> String {
    let text = record
        .summary
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .or(record.details.as_deref())
        .unwrap_or("");
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() > SUMMARY_CHARS {
        let cut: String = line.chars().take(SUMMARY_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        line.to_string()
    }
}

/// The highest severity of the CVSS v3 or v4 vectors (the package's own, else the record's);
/// else the database's rating (GitHub's `database_specific.severity`); else none. CVSS v2
/// vectors carry no band of their own and are left to the database's rating.
fn severity(record: &Record, affected: &osv::Affected) -> Option<Severity> {
    let scores = if affected.severity.is_empty() {
        &record.severity
    } else {
        &affected.severity
    };
    let from_cvss = scores
        .iter()
        .filter_map(|s| cvss::Cvss::from_str(s.score.trim()).ok())
        .map(|c| match c.severity() {
            cvss::Severity::None => Severity::Info,
            cvss::Severity::Low => Severity::Low,
            cvss::Severity::Medium => Severity::Medium,
            cvss::Severity::High => Severity::High,
            cvss::Severity::Critical => Severity::Critical,
        })
        .max();
    if from_cvss.is_some() {
        return from_cvss;
    }
    [&affected.ecosystem_specific, &record.database_specific]
        .into_iter()
        .flatten()
        .filter_map(|d| d.get("severity").and_then(|s| s.as_str()))
        .find_map(|s| match s.to_ascii_uppercase().as_str() {
            "CRITICAL" => Some(Severity::Critical),
            "HIGH" => Some(Severity::High),
            "MODERATE" | "MEDIUM" => Some(Severity::Medium),
            "LOW" => Some(Severity::Low),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osv::{Syntax, parse};

    fn record(json: &str) -> Record {
        parse(json.as_bytes(), Syntax::Json).unwrap().unwrap()
    }

    #[test]
    fn severity_from_cvss_then_database_then_none() {
        let with_vector = record(
            r#"{"id":"A","affected":[{"package":{"ecosystem":"PyPI","name":"Django"}}],
            "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "database_specific":{"severity":"LOW"}}"#,
        );
        let packages = Advisory::from_record(&with_vector);
        assert_eq!(packages[0].0, Ecosystem::PyPI);
        assert_eq!(packages[0].1, "django");
        assert_eq!(packages[0].2.severity, Some(Severity::Critical));
        let rated = record(
            r#"{"id":"B","affected":[{"package":{"ecosystem":"npm","name":"x"}}],
            "severity":[{"type":"CVSS_V2","score":"AV:N/AC:L/Au:N/C:P/I:P/A:P"}],
            "database_specific":{"severity":"MODERATE"}}"#,
        );
        assert_eq!(
            Advisory::from_record(&rated)[0].2.severity,
            Some(Severity::Medium)
        );
        let v4 = record(
            r#"{"id":"C","affected":[{"package":{"ecosystem":"npm","name":"x"}}],
            "severity":[{"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}]}"#,
        );
        assert_eq!(
            Advisory::from_record(&v4)[0].2.severity,
            Some(Severity::Critical)
        );
        let bare =
            record(r#"{"id":"D","affected":[{"package":{"ecosystem":"crates.io","name":"x"}}]}"#);
        assert_eq!(Advisory::from_record(&bare)[0].2.severity, None);
    }

    #[test]
    fn withdrawn_records_and_unknown_ecosystems_yield_nothing() {
        let withdrawn = record(
            r#"{"id":"A","withdrawn":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"x"}}]}"#,
        );
        assert!(Advisory::from_record(&withdrawn).is_empty());
        let other =
            record(r#"{"id":"B","affected":[{"package":{"ecosystem":"Debian:12","name":"x"}}]}"#);
        assert!(Advisory::from_record(&other).is_empty());
    }

    #[test]
    fn a_package_listed_twice_in_one_record_is_one_advisory() {
        let r = record(
            r#"{"id":"GHSA-xvch-5gv4-984h","affected":[
            {"package":{"ecosystem":"npm","name":"minimist"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0.0"},{"fixed":"1.2.6"}]}]},
            {"package":{"ecosystem":"npm","name":"minimist"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"0.2.4"}]}]},
            {"package":{"ecosystem":"npm","name":"other"},"versions":["1.0.0"]}]}"#,
        );
        let packages = Advisory::from_record(&r);
        assert_eq!(packages.len(), 2);
        assert_eq!(packages[0].2.ranges.len(), 2);
        assert_eq!(packages[1].2.versions, ["1.0.0"]);
    }

    #[test]
    fn summary_falls_back_to_the_first_line_of_details() {
        let r = record(
            r#"{"id":"A","details":"\n  First line.\nSecond.","affected":[{"package":{"ecosystem":"PyPI","name":"x"}}]}"#,
        );
        assert_eq!(Advisory::from_record(&r)[0].2.summary, "First line.");
    }
}
