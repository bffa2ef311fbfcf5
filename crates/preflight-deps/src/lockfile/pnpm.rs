//! `pnpm-lock.yaml`: the keys of its `packages` section, which name every installed package
//! and version.
//!
//! The key spelling changed with the lockfile version: `/name/1.2.3_peer@1.0.0` (5.x),
//! `/name@1.2.3(peer@1.0.0)` (6.x) and `name@1.2.3(peer@1.0.0)` (9.x). The section is read line
//! by line: only its keys and their lines are needed, and pnpm writes them one per line at a
//! two-space indent.

use super::Package;
use crate::Ecosystem;

/// The packages of a pnpm-lock.yaml.
pub fn read(text: &str, rel: &str) -> Vec<Package> {
    let mut out = Vec::new();
    let mut slash_form = false;
    let mut in_packages = false;
    for (index, raw) in text.lines().enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if !raw.starts_with(' ') && !raw.trim().is_empty() {
            if let Some(version) = raw.strip_prefix("lockfileVersion:") {
                let version = version.trim().trim_matches(['\'', '"']);
                slash_form = version.starts_with('5') || version.starts_with('4');
            }
            in_packages = raw.trim_end() == "packages:";
            continue;
        }
        if !in_packages {
            continue;
        }
        let Some(key) = raw
            .strip_prefix("  ")
            .filter(|k| !k.starts_with(' '))
            .and_then(|k| k.trim_end().strip_suffix(':'))
        else {
            continue;
        };
        let key = key.trim_matches(['\'', '"']);
        let parsed = if slash_form {
            slash_key(key)
        } else {
            at_key(key)
        };
        if let Some((name, version)) = parsed {
            out.push(Package {
                ecosystem: Ecosystem::Npm,
                name: name.to_string(),
                version: version.to_string(),
                path: rel.to_string(),
                line,
            });
        }
    }
    out
}

/// `/name@1.2.3(peer@1)` or `name@1.2.3(peer@1)`.
fn at_key(key: &str) -> Option<(&str, &str)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    let key = key.split('(').next()?;
    let at = key.get(1..)?.find('@')? + 1;
    Some((&key[..at], &key[at + 1..]))
}

/// `/name/1.2.3_peer@1` or `/@scope/name/1.2.3`.
fn slash_key(key: &str) -> Option<(&str, &str)> {
    let key = key.strip_prefix('/')?;
    let (name, version) = key.rsplit_once('/')?;
    let version = version.split('_').next()?;
    if name.is_empty() || (name.starts_with('@') && !name.contains('/')) {
        return None;
    }
    Some((name, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(packages: &[Package]) -> Vec<(&str, &str, u32)> {
        packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
            .collect()
    }

    #[test]
    fn version_9() {
        let text = "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      lodash:\n        specifier: ^4.17.20\n        version: 4.17.20\n\npackages:\n\n  '@babel/core@7.23.0':\n    resolution: {integrity: sha512-AAAA}\n\n  lodash@4.17.20:\n    resolution: {integrity: sha512-BBBB}\n\nsnapshots:\n\n  '@babel/core@7.23.0(supports-color@8.1.1)':\n    dependencies: {}\n";
        assert_eq!(
            pairs(&read(text, "pnpm-lock.yaml")),
            [("@babel/core", "7.23.0", 13), ("lodash", "4.17.20", 16)]
        );
    }

    #[test]
    fn version_6_and_5() {
        let six = "lockfileVersion: '6.0'\n\npackages:\n\n  /@types/node@18.11.9:\n    resolution: {integrity: sha512-A}\n    dev: true\n\n  /react-dom@18.2.0(react@18.2.0):\n    resolution: {integrity: sha512-B}\n";
        assert_eq!(
            pairs(&read(six, "pnpm-lock.yaml")),
            [("@types/node", "18.11.9", 5), ("react-dom", "18.2.0", 9)]
        );
        let five = "lockfileVersion: 5.4\n\nspecifiers:\n  minimist: ^1.2.5\n\npackages:\n\n  /@babel/core/7.12.3_supports-color@8.1.1:\n    resolution: {integrity: sha512-A}\n\n  /minimist/1.2.5:\n    resolution: {integrity: sha512-B}\n";
        assert_eq!(
            pairs(&read(five, "pnpm-lock.yaml")),
            [("@babel/core", "7.12.3", 8), ("minimist", "1.2.5", 11)]
        );
    }
}
