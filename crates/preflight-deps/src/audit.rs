//! Packages matched against the index: one finding per vulnerable package version, with the
//! advisories that share an alias merged into one and the lowest version that fixes them all.

use std::collections::{BTreeSet, HashMap};

use preflight_findings::{Finding, Location, Severity};

use crate::advisory::Advisory;
use crate::codes;
use crate::index::{Index, IndexError};
use crate::lockfile::Package;
use crate::matcher::{self, Prepared};
use crate::{Ecosystem, Version};

/// How many vulnerabilities a finding's message names.
const LISTED: usize = 5;

/// How many lockfile packages were matched, and how many could not be (not an index version).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Packages whose version was matched against the advisories.
    pub audited: usize,
    /// Packages whose version is not one the ecosystem can order (a URL, a git reference).
    pub unversioned: usize,
}

/// One vulnerability: the advisories that name it (sharing an id or alias), merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vulnerability {
    /// Every id and alias, the advisories' own ids first.
    pub ids: Vec<String>,
    /// The summary of the first advisory that has one.
    pub summary: String,
    /// The highest severity of the merged advisories.
    pub severity: Severity,
    /// RustSec's informational kind when every merged advisory is one.
    pub informational: Option<String>,
}

/// What applies to one package version.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The package as the lockfile has it.
    pub package: Package,
    /// The vulnerabilities, most severe first.
    pub vulnerabilities: Vec<Vulnerability>,
    /// The lowest version that fixes them all, when one is known.
    pub fixed: Option<String>,
}

/// Matches `packages` against `index`.
pub fn audit(index: &Index, packages: &[Package]) -> Result<(Vec<Hit>, Tally), IndexError> {
    let mut tally = Tally::default();
    let mut by_package: HashMap<(Ecosystem, String), Vec<Prepared>> = HashMap::new();
    let mut hits = Vec::new();
    for package in packages {
        let Some(version) = Version::parse(package.ecosystem, &package.version) else {
            tally.unversioned += 1;
            continue;
        };
        tally.audited += 1;
        let key = (
            package.ecosystem,
            package.ecosystem.normalize(&package.name),
        );
        if !by_package.contains_key(&key) {
            let advisories = index.lookup(key.0, &key.1)?;
            let prepared = advisories
                .into_iter()
                .map(|a| Prepared::new(a, package.ecosystem))
                .collect();
            by_package.insert(key.clone(), prepared);
        }
        let applying: Vec<&Prepared> = by_package[&key]
            .iter()
            .filter(|a| a.affects(&version))
            .collect();
        if applying.is_empty() {
            continue;
        }
        let advisories: Vec<&Advisory> = applying.iter().map(|p| &p.advisory).collect();
        hits.push(Hit {
            package: package.clone(),
            fixed: matcher::lowest_fix(&applying, &version),
            vulnerabilities: merge(&advisories),
        });
    }
    Ok((hits, tally))
}

/// Groups advisories that share an id or alias (transitively), each group one vulnerability.
fn merge(advisories: &[&Advisory]) -> Vec<Vulnerability> {
    let mut groups: Vec<(BTreeSet<String>, Vec<&Advisory>)> = Vec::new();
    for advisory in advisories {
        let names: BTreeSet<String> = std::iter::once(advisory.id.clone())
            .chain(advisory.aliases.iter().cloned())
            .collect();
        let mut merged = (names, vec![*advisory]);
        let mut rest = Vec::new();
        for group in groups {
            if group.0.is_disjoint(&merged.0) {
                rest.push(group);
            } else {
                merged.0.extend(group.0);
                merged.1.extend(group.1);
            }
        }
        rest.push(merged);
        groups = rest;
    }
    let mut out: Vec<Vulnerability> = groups
        .into_iter()
        .map(|(names, members)| {
            let mut ids: Vec<String> = members.iter().map(|a| a.id.clone()).collect();
            ids.sort_by_key(|id| rank(id));
            ids.dedup();
            let mut aliases: Vec<String> = names.into_iter().filter(|n| !ids.contains(n)).collect();
            aliases.sort_by_key(|id| rank(id));
            ids.extend(aliases);
            Vulnerability {
                summary: members
                    .iter()
                    .map(|a| a.summary.as_str())
                    .find(|s| !s.is_empty())
                    .unwrap_or("")
                    .to_string(),
                severity: members
                    .iter()
                    .filter_map(|a| severity_of(a))
                    .max()
                    .unwrap_or(Severity::Medium),
                informational: members
                    .iter()
                    .map(|a| a.informational.clone())
                    .reduce(|a, b| if a == b { a } else { None })
                    .flatten(),
                ids,
            }
        })
        .collect();
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.ids.cmp(&b.ids)));
    out
}

/// The advisory's rating; an informational notice (a crate left unmaintained, an unsound API)
/// is not a vulnerability and is rated low at most.
fn severity_of(advisory: &Advisory) -> Option<Severity> {
    match advisory.informational {
        Some(_) => Some(
            advisory
                .severity
                .unwrap_or(Severity::Low)
                .min(Severity::Low),
        ),
        None => advisory.severity,
    }
}

/// The order ids are listed in: the databases' own ids, then GHSA, then CVE and the rest.
fn rank(id: &str) -> (u8, String) {
    let order = match id.split('-').next().unwrap_or("") {
        "PYSEC" | "RUSTSEC" => 0,
        "GHSA" => 1,
        "CVE" => 2,
        _ => 3,
    };
    (order, id.to_string())
}

impl Hit {
    /// Every id and alias, in report order, each once.
    pub fn ids(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for id in self.vulnerabilities.iter().flat_map(|v| &v.ids) {
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }

    /// The finding.
    pub fn finding(&self) -> Finding {
        let p = &self.package;
        let count = self.vulnerabilities.len();
        let worst = &self.vulnerabilities[0];
        let kind = match &worst.informational {
            Some(kind) if count == 1 => format!("an advisory ({kind})"),
            _ if count == 1 => "a known vulnerability".to_string(),
            _ => format!("{count} known vulnerabilities"),
        };
        // The message names the first few; the `advisories` detail lists every id.
        let mut listed: Vec<String> = self
            .vulnerabilities
            .iter()
            .take(LISTED)
            .map(|v| v.ids.join(" / "))
            .collect();
        if count > LISTED {
            listed.push(format!("and {} more", count - LISTED));
        }
        let mut message = format!("{} {} has {kind}: {}", p.name, p.version, listed.join("; "));
        if !worst.summary.is_empty() {
            message.push_str(&format!(" ({})", worst.summary));
        }
        let help = match &self.fixed {
            Some(fixed) => format!("upgrade {} {} -> {fixed}", p.name, p.version),
            None => format!(
                "no fixed version of {} is known; remove or replace it, or record the accepted risk in the baseline",
                p.name
            ),
        };
        let ids = self.ids();
        let mut finding = Finding::new(
            codes::VULNERABLE,
            self.vulnerabilities
                .iter()
                .map(|v| v.severity)
                .max()
                .unwrap_or(Severity::Medium),
            message,
            Location::file(p.path.clone(), p.line, 1),
            &format!("{}:{}@{}", p.ecosystem.osv_name(), p.name, p.version),
        )
        .with_help(help)
        .with_reference(format!("https://osv.dev/vulnerability/{}", worst.ids[0]))
        .with_detail("ecosystem", p.ecosystem.osv_name())
        .with_detail("package", p.name.clone())
        .with_detail("version", p.version.clone())
        .with_detail("advisories", ids.join(", "));
        if let Some(fixed) = &self.fixed {
            finding = finding.with_detail("fixed", fixed.clone());
        }
        finding
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::advisory::Event;

    fn advisory(id: &str, aliases: &[&str], severity: Severity, fixed: &str) -> Advisory {
        let severity = Some(severity);
        Advisory {
            id: id.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            summary: format!("summary of {id}"),
            severity,
            informational: None,
            ranges: vec![vec![
                Event::Introduced("0".into()),
                Event::Fixed(fixed.into()),
            ]],
            versions: Vec::new(),
        }
    }

    #[test]
    fn advisories_sharing_an_alias_are_one_vulnerability() {
        let ghsa = advisory("GHSA-aaaa", &["CVE-2024-1"], Severity::High, "3.2.25");
        let pysec = advisory(
            "PYSEC-2024-1",
            &["CVE-2024-1", "GHSA-aaaa"],
            Severity::Medium,
            "3.2.25",
        );
        let other = advisory("GHSA-bbbb", &["CVE-2024-2"], Severity::Critical, "3.2.20");
        let merged = merge(&[&ghsa, &pysec, &other]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].ids, ["GHSA-bbbb", "CVE-2024-2"]);
        assert_eq!(merged[1].ids, ["PYSEC-2024-1", "GHSA-aaaa", "CVE-2024-1"]);
        assert_eq!(merged[1].severity, Severity::High);
    }

    #[test]
    fn an_unrated_record_takes_its_alias_rating_else_medium() {
        let mut pysec = advisory("PYSEC-1", &["CVE-1"], Severity::Low, "2");
        pysec.severity = None;
        let ghsa = advisory("GHSA-1", &["CVE-1"], Severity::Low, "2");
        assert_eq!(merge(&[&pysec, &ghsa])[0].severity, Severity::Low);
        assert_eq!(merge(&[&pysec])[0].severity, Severity::Medium);
        let mut notice = advisory("RUSTSEC-1", &[], Severity::Critical, "2");
        notice.informational = Some("unmaintained".into());
        assert_eq!(merge(&[&notice])[0].severity, Severity::Low);
    }

    #[test]
    fn the_message_names_five_vulnerabilities_and_the_details_every_id() {
        let advisories: Vec<Advisory> = (0..7)
            .map(|n| advisory(&format!("PYSEC-{n}"), &[], Severity::Low, "2.0"))
            .collect();
        let refs: Vec<&Advisory> = advisories.iter().collect();
        let hit = Hit {
            package: Package {
                ecosystem: Ecosystem::PyPI,
                name: "pkg".into(),
                version: "1.0".into(),
                path: "requirements.txt".into(),
                line: 3,
            },
            vulnerabilities: merge(&refs),
            fixed: Some("2.0".into()),
        };
        let finding = hit.finding();
        assert!(
            finding.message.contains("PYSEC-4; and 2 more"),
            "{}",
            finding.message
        );
        assert!(!finding.message.contains("PYSEC-5"), "{}", finding.message);
        assert_eq!(finding.details["advisories"].matches("PYSEC-").count(), 7);
        assert_eq!(finding.help.as_deref(), Some("upgrade pkg 1.0 -> 2.0"));
        assert_eq!(finding.location.to_string(), "requirements.txt:3:1");
    }

    #[test]
    fn a_chain_of_aliases_joins_groups_seen_apart() {
        let a = advisory("GHSA-a", &["CVE-1"], Severity::Low, "1");
        let b = advisory("GHSA-b", &["CVE-2"], Severity::Low, "1");
        let c = advisory("PYSEC-c", &["CVE-1", "CVE-2"], Severity::Low, "1");
        assert_eq!(merge(&[&a, &b, &c]).len(), 1);
    }
}
