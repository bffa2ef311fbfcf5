//! Whether an advisory affects a version, and the lowest version that fixes a set of them.
//!
//! A range is evaluated as the OSV format defines it: its events sorted by version (`0` lowest),
//! walked from the lowest; each `introduced` at or below the version makes it affected, each
//! `fixed` at or below it (or `last_affected` below it) makes it unaffected again, and a version
//! at or above a `limit` is outside the range. A version is affected when a range says so or
//! when it is in the explicit `versions` list. An event whose version the ecosystem cannot parse
//! makes its range unusable; the range is then not applied rather than guessed.

use std::cmp::Ordering;

use crate::advisory::{Advisory, Event};
use crate::{Ecosystem, Version};

/// What an event does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

/// An event with its version parsed (`None` stands for `0`) and as written.
#[derive(Debug, Clone)]
struct Parsed {
    kind: Kind,
    version: Option<Version>,
    text: String,
}

/// An advisory with its versions parsed once, so that matching is comparisons only: the
/// explicit versions sorted for a binary search, each usable range's events sorted.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The advisory.
    pub advisory: Advisory,
    versions: Vec<Version>,
    ranges: Vec<Vec<Parsed>>,
}

impl Prepared {
    /// Parses `advisory`'s versions as `ecosystem` orders them.
    pub fn new(advisory: Advisory, ecosystem: Ecosystem) -> Prepared {
        let mut versions: Vec<Version> = advisory
            .versions
            .iter()
            .filter_map(|v| Version::parse(ecosystem, v))
            .collect();
        versions.sort();
        let ranges = advisory
            .ranges
            .iter()
            .filter_map(|range| prepare_range(range, ecosystem))
            .collect();
        Prepared {
            advisory,
            versions,
            ranges,
        }
    }

    /// Whether the advisory affects `version`.
    pub fn affects(&self, version: &Version) -> bool {
        self.versions.binary_search(version).is_ok()
            || self.ranges.iter().any(|range| in_range(range, version))
    }
}

/// The range's events parsed and sorted; `None` if one cannot be parsed.
fn prepare_range(range: &[Event], ecosystem: Ecosystem) -> Option<Vec<Parsed>> {
    let mut events = Vec::with_capacity(range.len());
    for event in range {
        let (kind, text) = match event {
            Event::Introduced(v) => (Kind::Introduced, v),
            Event::Fixed(v) => (Kind::Fixed, v),
            Event::LastAffected(v) => (Kind::LastAffected, v),
            Event::Limit(v) => (Kind::Limit, v),
        };
        let version = if kind == Kind::Introduced && text.trim() == "0" {
            None
        } else {
            Some(Version::parse(ecosystem, text)?)
        };
        events.push(Parsed {
            kind,
            version,
            text: text.clone(),
        });
    }
    // Stable: events at the same version keep the record's order.
    events.sort_by(|a, b| a.version.cmp(&b.version));
    Some(events)
}

fn in_range(events: &[Parsed], version: &Version) -> bool {
    let mut affected = false;
    for event in events {
        let order = event
            .version
            .as_ref()
            .map_or(Ordering::Less, |at| at.cmp(version));
        match event.kind {
            Kind::Introduced if order != Ordering::Greater => affected = true,
            Kind::Fixed if order != Ordering::Greater => affected = false,
            Kind::LastAffected if order == Ordering::Less => affected = false,
            Kind::Limit if order != Ordering::Greater => return false,
            _ => {}
        }
    }
    affected
}

/// The lowest version above `version` that none of `advisories` affects, among the versions
/// their ranges name as fixed; `None` when no fixed version is known.
pub fn lowest_fix(advisories: &[&Prepared], version: &Version) -> Option<String> {
    let mut candidates: Vec<(&Version, &str)> = advisories
        .iter()
        .flat_map(|a| a.ranges.iter().flatten())
        .filter(|e| e.kind == Kind::Fixed)
        .filter_map(|e| e.version.as_ref().map(|v| (v, e.text.as_str())))
        .filter(|(v, _)| *v > version)
        .collect();
    candidates.sort_by(|a, b| a.0.cmp(b.0));
    candidates
        .into_iter()
        .find(|(candidate, _)| !advisories.iter().any(|a| a.affects(candidate)))
        .map(|(_, text)| text.to_string())
}

#[cfg(test)]
mod tests {
    use preflight_findings::Severity;

    use super::*;

    fn advisory(ranges: Vec<Vec<Event>>, versions: &[&str]) -> Advisory {
        Advisory {
            id: "TEST-1".into(),
            aliases: Vec::new(),
            summary: String::new(),
            severity: Some(Severity::High),
            informational: None,
            ranges,
            versions: versions.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn i(v: &str) -> Event {
        Event::Introduced(v.into())
    }
    fn f(v: &str) -> Event {
        Event::Fixed(v.into())
    }

    fn hit(a: &Advisory, ecosystem: Ecosystem, v: &str) -> bool {
        Prepared::new(a.clone(), ecosystem).affects(&Version::parse(ecosystem, v).unwrap())
    }

    #[test]
    fn introduced_and_fixed_bound_each_interval() {
        let a = advisory(vec![vec![i("1.0"), f("1.5"), i("2.0"), f("2.2.1")]], &[]);
        for (v, expected) in [
            ("0.9", false),
            ("1.0", true),
            ("1.4.9", true),
            ("1.5", false),
            ("1.9", false),
            ("2.0", true),
            ("2.2.1rc1", true),
            ("2.2.1", false),
            ("3.0", false),
        ] {
            assert_eq!(hit(&a, Ecosystem::PyPI, v), expected, "{v}");
        }
    }

    #[test]
    fn events_in_any_order_and_zero() {
        let a = advisory(vec![vec![f("3.2.25"), i("0")]], &[]);
        assert!(hit(&a, Ecosystem::PyPI, "3.2.0"));
        assert!(hit(&a, Ecosystem::PyPI, "0.1"));
        assert!(!hit(&a, Ecosystem::PyPI, "3.2.25"));
        assert!(!hit(&a, Ecosystem::PyPI, "4.0"));
    }

    #[test]
    fn last_affected_includes_its_version() {
        let a = advisory(
            vec![vec![i("0"), Event::LastAffected("4.17.20".into())]],
            &[],
        );
        assert!(hit(&a, Ecosystem::Npm, "4.17.20"));
        assert!(!hit(&a, Ecosystem::Npm, "4.17.21"));
    }

    #[test]
    fn limit_ends_the_range() {
        let a = advisory(vec![vec![i("1.0.0"), Event::Limit("2.0.0".into())]], &[]);
        assert!(hit(&a, Ecosystem::Crates, "1.9.0"));
        assert!(!hit(&a, Ecosystem::Crates, "2.0.0"));
    }

    #[test]
    fn explicit_versions_and_unparseable_ranges() {
        let a = advisory(vec![vec![i("0"), f("not-a-version!")]], &["1.0.1", "1.0.3"]);
        assert!(hit(&a, Ecosystem::PyPI, "1.0.1"));
        assert!(
            hit(&a, Ecosystem::PyPI, "1.0.1.0"),
            "PEP 440 pads with zeros"
        );
        assert!(!hit(&a, Ecosystem::PyPI, "1.0.2"));
    }

    #[test]
    fn prereleases_sit_below_their_release() {
        let a = advisory(vec![vec![i("0.0.0-0"), f("0.9.0")]], &[]);
        assert!(hit(&a, Ecosystem::Crates, "0.9.0-rc.1"));
        assert!(!hit(&a, Ecosystem::Crates, "0.9.0"));
        let b = advisory(vec![vec![i("0"), f("5.0.0")]], &[]);
        assert!(hit(&b, Ecosystem::Npm, "5.0.0-beta.3"));
    }

    #[test]
    fn the_lowest_fix_clears_every_advisory() {
        let one = advisory(
            vec![vec![i("3.2"), f("3.2.20")], vec![i("4.0"), f("4.0.5")]],
            &[],
        );
        let two = advisory(vec![vec![i("3.2.10"), f("3.2.25")]], &[]);
        let [one, two, unfixed] = [one, two, advisory(vec![vec![i("0")]], &[])]
            .map(|a| Prepared::new(a, Ecosystem::PyPI));
        let v = Version::parse(Ecosystem::PyPI, "3.2.0").unwrap();
        assert_eq!(lowest_fix(&[&one, &two], &v).as_deref(), Some("3.2.25"));
        assert_eq!(lowest_fix(&[&one], &v).as_deref(), Some("3.2.20"));
        assert_eq!(lowest_fix(&[&unfixed], &v), None);
    }
}
