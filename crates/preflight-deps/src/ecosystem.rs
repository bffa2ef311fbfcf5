//! The package ecosystems the audit knows, their OSV names, and how each spells a package name.

use serde::{Deserialize, Serialize};

/// A package ecosystem whose lockfiles are read and whose advisories are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Ecosystem {
    /// Python packages (PEP 440 versions).
    PyPI,
    /// JavaScript packages (npm semver).
    Npm,
    /// Rust crates (Cargo semver).
    Crates,
}

impl Ecosystem {
    /// Every ecosystem, in report order.
    pub const ALL: [Ecosystem; 3] = [Ecosystem::PyPI, Ecosystem::Npm, Ecosystem::Crates];

    /// The ecosystem's name in OSV records and in the export's path (`PyPI/all.zip`).
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Npm => "npm",
            Ecosystem::Crates => "crates.io",
        }
    }

    /// The ecosystem an OSV `ecosystem` field names, if the audit knows it. OSV may add a
    /// suffix after a colon (`PyPI:...`), which names the same ecosystem.
    pub fn from_osv(name: &str) -> Option<Ecosystem> {
        let base = name.split(':').next().unwrap_or(name);
        Ecosystem::ALL.into_iter().find(|e| e.osv_name() == base)
    }

    /// The name as the ecosystem compares names: PEP 503 for Python (lowercase, each run of
    /// `-`, `_` and `.` one `-`), lowercase with `_` as `-` for crates (the registry refuses
    /// names that differ only so), and npm names as they are (they are case-sensitive).
    pub fn normalize(self, name: &str) -> String {
        let name = name.trim();
        match self {
            Ecosystem::PyPI => {
                let mut out = String::with_capacity(name.len());
                let mut in_separator = false;
                for c in name.chars() {
                    if matches!(c, '-' | '_' | '.') {
                        if !in_separator {
                            out.push('-');
                        }
                        in_separator = true;
                    } else {
                        out.extend(c.to_lowercase());
                        in_separator = false;
                    }
                }
                out
            }
            Ecosystem::Npm => name.to_string(),
            Ecosystem::Crates => name.to_ascii_lowercase().replace('_', "-"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_names_follow_pep_503() {
        assert_eq!(Ecosystem::PyPI.normalize("Django"), "django");
        assert_eq!(
            Ecosystem::PyPI.normalize("zope.interface"),
            "zope-interface"
        );
        assert_eq!(Ecosystem::PyPI.normalize("Foo__Bar-.baz"), "foo-bar-baz");
        assert_ne!(Ecosystem::PyPI.normalize("foobar"), "foo-bar");
    }

    #[test]
    fn crate_and_npm_names() {
        assert_eq!(Ecosystem::Crates.normalize("tokio_util"), "tokio-util");
        assert_eq!(Ecosystem::Npm.normalize("@babel/core"), "@babel/core");
        assert_eq!(Ecosystem::Npm.normalize("JSONStream"), "JSONStream");
    }

    #[test]
    fn osv_names_with_and_without_suffix() {
        assert_eq!(Ecosystem::from_osv("crates.io"), Some(Ecosystem::Crates));
        assert_eq!(Ecosystem::from_osv("npm"), Some(Ecosystem::Npm));
        assert_eq!(Ecosystem::from_osv("PyPI"), Some(Ecosystem::PyPI));
        assert_eq!(Ecosystem::from_osv("Debian:11"), None);
        assert_eq!(Ecosystem::from_osv("pypi"), None);
    }
}
