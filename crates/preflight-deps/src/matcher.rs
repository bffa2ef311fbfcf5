//! Whether an advisory affects a version, and the lowest version that fixes a set of them.
//!
//! A range is evaluated as the OSV format defines it: its events sorted by version (`0` lowest),
//! walked from the lowest; each `introduced` at or below the version makes it affected, each
//! `fixed` at or below it (or `last_affected` below it) makes it unaffected again, and a version
//! at or above a `limit` is outside the range. A version is affected when a range says so or
//! when it is in the explicit `versions` list. An event whose version the ecosystem cannot parse
//! makes its range unusable; the range is then not applied rather than guessed.

use crate::advisory::{Advisory, Event};
use crate::{Ecosystem, Version};

/// A range's event with its version parsed; `None` stands for `0`.
struct Parsed<'a> {
    event: &'a Event,
    version: Option<Version>,
}

/// Whether `advisory` affects `version` of a package of `ecosystem`.
pub fn affects(advisory: &Advisory, ecosystem: Ecosystem, version: &Version) -> bool {
    advisory
        .versions
        .iter()
        .filter_map(|v| Version::parse(ecosystem, v))
        .any(|v| &v == version)
        || advisory
            .ranges
            .iter()
            .any(|range| in_range(range, ecosystem, version))
}

fn in_range(range: &[Event], ecosystem: Ecosystem, version: &Version) -> bool {
    let mut events = Vec::with_capacity(range.len());
    for event in range {
        let text = match event {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        };
        let parsed = if matches!(event, Event::Introduced(_)) && text.trim() == "0" {
            None
        } else {
            match Version::parse(ecosystem, text) {
                Some(v) => Some(v),
                None => return false,
            }
        };
        events.push(Parsed {
            event,
            version: parsed,
        });
    }
    // Stable: events at the same version keep the record's order.
    events.sort_by(|a, b| a.version.cmp(&b.version));
    let mut affected = false;
    for Parsed { event, version: at } in &events {
        let reached = at.as_ref().is_none_or(|at| at <= version);
        match event {
            Event::Introduced(_) if reached => affected = true,
            Event::Fixed(_) if reached => affected = false,
            Event::LastAffected(_) if at.as_ref().is_some_and(|at| at < version) => {
                affected = false;
            }
            Event::Limit(_) if reached => return false,
            _ => {}
        }
    }
    affected
}

/// The lowest version above `version` that none of `advisories` affects, among the versions
/// their ranges name as fixed; `None` when no fixed version is known.
pub fn lowest_fix(
    advisories: &[&Advisory],
    ecosystem: Ecosystem,
    version: &Version,
) -> Option<String> {
    let mut candidates: Vec<(Version, &str)> = advisories
        .iter()
        .flat_map(|a| a.ranges.iter().flatten())
        .filter_map(|e| match e {
            Event::Fixed(v) => Some(v),
            _ => None,
        })
        .filter_map(|text| Version::parse(ecosystem, text).map(|v| (v, text.as_str())))
        .filter(|(v, _)| v > version)
        .collect();
    candidates.sort_by(|a, b| a.0.cmp(&b.0));
    candidates
        .into_iter()
        .find(|(candidate, _)| !advisories.iter().any(|a| affects(a, ecosystem, candidate)))
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
        affects(a, ecosystem, &Version::parse(ecosystem, v).unwrap())
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
        let v = Version::parse(Ecosystem::PyPI, "3.2.0").unwrap();
        assert_eq!(
            lowest_fix(&[&one, &two], Ecosystem::PyPI, &v).as_deref(),
            Some("3.2.25")
        );
        assert_eq!(
            lowest_fix(&[&one], Ecosystem::PyPI, &v).as_deref(),
            Some("3.2.20")
        );
        let unfixed = advisory(vec![vec![i("0")]], &[]);
        assert_eq!(lowest_fix(&[&unfixed], Ecosystem::PyPI, &v), None);
    }
}
