//! Versions as each ecosystem orders them: PEP 440 for Python (epochs, pre-, post- and
//! dev-releases, local versions), npm's semver for JavaScript and Cargo's semver for Rust. Build
//! metadata never takes part in the order, as both semver flavours define.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::Ecosystem;

/// A version parsed with its ecosystem's rules.
#[derive(Debug, Clone)]
pub enum Version {
    /// A PEP 440 version.
    Pep440(pep440_rs::Version),
    /// An npm semver version.
    Npm(nodejs_semver::Version),
    /// A Cargo semver version.
    Cargo(semver::Version),
}

impl Version {
    /// Parses `text` as `ecosystem` spells versions; `None` if it is not one (a git URL, a tag).
    pub fn parse(ecosystem: Ecosystem, text: &str) -> Option<Version> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        match ecosystem {
            Ecosystem::PyPI => pep440_rs::Version::from_str(text).ok().map(Version::Pep440),
            Ecosystem::Npm => {
                // npm accepts a leading `v` or `=`; anything else with letters first is not a version.
                let bare = text.trim_start_matches(['v', '=']);
                if !bare.starts_with(|c: char| c.is_ascii_digit()) {
                    return None;
                }
                nodejs_semver::Version::parse(bare).ok().map(Version::Npm)
            }
            Ecosystem::Crates => semver::Version::parse(text).ok().map(Version::Cargo),
        }
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Version::Pep440(a), Version::Pep440(b)) => a.cmp(b),
            (Version::Npm(a), Version::Npm(b)) => a.cmp(b),
            (Version::Cargo(a), Version::Cargo(b)) => a.cmp_precedence(b),
            // Versions of different ecosystems are never compared; keep the order total anyway.
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl Version {
    fn rank(&self) -> u8 {
        match self {
            Version::Pep440(_) => 0,
            Version::Npm(_) => 1,
            Version::Cargo(_) => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(ecosystem: Ecosystem, text: &str) -> Version {
        Version::parse(ecosystem, text).unwrap_or_else(|| panic!("{text} parses"))
    }

    fn ascending(ecosystem: Ecosystem, list: &[&str]) {
        for pair in list.windows(2) {
            assert!(
                v(ecosystem, pair[0]) < v(ecosystem, pair[1]),
                "{} < {}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn pep_440_order() {
        ascending(
            Ecosystem::PyPI,
            &[
                "1.0.dev1",
                "1.0a1.dev1",
                "1.0a1",
                "1.0b2",
                "1.0rc1",
                "1.0",
                "1.0+local.1",
                "1.0.post1.dev1",
                "1.0.post1",
                "1.0.1",
                "1.10",
                "1!0.1",
            ],
        );
        assert_eq!(v(Ecosystem::PyPI, "1.0"), v(Ecosystem::PyPI, "1.0.0"));
        assert_eq!(v(Ecosystem::PyPI, "1.0RC1"), v(Ecosystem::PyPI, "1.0rc1"));
        assert!(Version::parse(Ecosystem::PyPI, "not a version").is_none());
    }

    #[test]
    fn npm_order() {
        ascending(
            Ecosystem::Npm,
            &[
                "1.0.0-alpha",
                "1.0.0-alpha.1",
                "1.0.0-alpha.beta",
                "1.0.0-beta.2",
                "1.0.0-beta.11",
                "1.0.0-rc.1",
                "1.0.0",
                "1.2.0",
                "1.10.0",
            ],
        );
        assert_eq!(
            v(Ecosystem::Npm, "1.0.0+build.5"),
            v(Ecosystem::Npm, "1.0.0")
        );
        assert_eq!(v(Ecosystem::Npm, "v2.1.0"), v(Ecosystem::Npm, "2.1.0"));
        assert!(Version::parse(Ecosystem::Npm, "github:user/repo#abc").is_none());
    }

    #[test]
    fn cargo_order() {
        ascending(
            Ecosystem::Crates,
            &[
                "0.0.0-0",
                "0.1.0-alpha.1",
                "0.1.0",
                "0.9.0",
                "0.10.0",
                "1.0.0",
            ],
        );
        assert_eq!(
            v(Ecosystem::Crates, "1.2.3+zstd.1.5.6"),
            v(Ecosystem::Crates, "1.2.3")
        );
        assert!(Version::parse(Ecosystem::Crates, "1.2").is_none());
    }
}
