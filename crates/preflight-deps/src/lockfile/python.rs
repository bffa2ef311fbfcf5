//! Python lockfiles: `poetry.lock`, `uv.lock` and `pdm.lock` (TOML, one `[[package]]` table per
//! package) and `Pipfile.lock` (JSON). Packages that do not come from a package index (a git
//! checkout, a local directory, a URL, the project itself) have no index version to audit and
//! are left out.

use serde::Deserialize;
use toml::Spanned;

use super::{Package, find_object_key, line_at};
use crate::Ecosystem;

#[derive(Deserialize)]
struct TomlLock {
    #[serde(default)]
    package: Vec<TomlPackage>,
}

#[derive(Deserialize)]
struct TomlPackage {
    name: Spanned<String>,
    #[serde(default)]
    version: Option<String>,
    /// poetry: `[package.source] type = "git"`; uv: `source = { registry = "..." }`.
    #[serde(default)]
    source: Option<toml::Value>,
    /// pdm: where a package that is not from an index comes from.
    #[serde(default)]
    git: Option<toml::Value>,
    #[serde(default)]
    path: Option<toml::Value>,
    #[serde(default)]
    url: Option<toml::Value>,
}

fn packages(
    text: &str,
    rel: &str,
    from_index: impl Fn(&TomlPackage) -> bool,
) -> Result<Vec<Package>, String> {
    let lock: TomlLock = toml::from_str(text).map_err(|e| e.message().to_string())?;
    Ok(lock
        .package
        .into_iter()
        .filter(|p| from_index(p))
        .filter_map(|p| {
            let line = line_at(text, p.name.span().start);
            Some(Package {
                ecosystem: Ecosystem::PyPI,
                name: p.name.into_inner(),
                version: p.version?,
                path: rel.to_string(),
                line,
            })
        })
        .collect())
}

/// `poetry.lock`: packages whose `[package.source]` is a package index (or absent).
pub fn poetry(text: &str, rel: &str) -> Result<Vec<Package>, String> {
    packages(text, rel, |p| {
        let kind = p
            .source
            .as_ref()
            .and_then(|s| s.get("type"))
            .and_then(toml::Value::as_str);
        !matches!(kind, Some("git" | "directory" | "file" | "url"))
    })
}

/// `uv.lock`: packages whose `source` is a registry.
pub fn uv(text: &str, rel: &str) -> Result<Vec<Package>, String> {
    packages(text, rel, |p| {
        p.source
            .as_ref()
            .is_some_and(|s| s.get("registry").is_some())
    })
}

/// `pdm.lock`: packages without a `git`, `path` or `url` of their own.
pub fn pdm(text: &str, rel: &str) -> Result<Vec<Package>, String> {
    packages(text, rel, |p| {
        p.git.is_none() && p.path.is_none() && p.url.is_none()
    })
}

#[derive(Deserialize)]
struct PipfileLock {
    #[serde(default)]
    default: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    develop: serde_json::Map<String, serde_json::Value>,
}

/// `Pipfile.lock`: the `default` and `develop` sections; each pinned `"version": "==X"`.
pub fn pipfile(text: &str, rel: &str) -> Result<Vec<Package>, String> {
    let lock: PipfileLock = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (section, entries) in [("default", &lock.default), ("develop", &lock.develop)] {
        let start = find_object_key(text, section, 0).unwrap_or(0);
        for (name, entry) in entries {
            let Some(pin) = entry.get("version").and_then(|v| v.as_str()) else {
                continue;
            };
            let Some(version) = pin.strip_prefix("===").or_else(|| pin.strip_prefix("==")) else {
                continue;
            };
            let line = find_object_key(text, name, start).map_or(1, |at| line_at(text, at));
            out.push(Package {
                ecosystem: Ecosystem::PyPI,
                name: name.clone(),
                version: version.trim().to_string(),
                path: rel.to_string(),
                line,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(packages: &[Package]) -> Vec<(String, String, u32)> {
        packages
            .iter()
            .map(|p| (p.name.clone(), p.version.clone(), p.line))
            .collect()
    }

    #[test]
    fn poetry_skips_git_and_directory_sources() {
        let text = "[[package]]\nname = \"django\"\nversion = \"3.2.0\"\ndescription = \"\"\n\n[[package]]\nname = \"mylib\"\nversion = \"0.1.0\"\n\n[package.source]\ntype = \"git\"\nurl = \"https://example.com/x.git\"\nreference = \"main\"\n\n[metadata]\nlock-version = \"2.0\"\n";
        assert_eq!(
            pairs(&poetry(text, "poetry.lock").unwrap()),
            [("django".into(), "3.2.0".into(), 2)]
        );
        assert!(poetry("[[package]\nname=", "poetry.lock").is_err());
    }

    #[test]
    fn uv_keeps_registry_packages_only() {
        let text = "version = 1\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { editable = \".\" }\n\n[[package]]\nname = \"jinja2\"\nversion = \"3.1.2\"\nsource = { registry = \"https://example.com/simple\" }\n";
        assert_eq!(
            pairs(&uv(text, "uv.lock").unwrap()),
            [("jinja2".into(), "3.1.2".into(), 9)]
        );
    }

    #[test]
    fn pipfile_sections_and_lines() {
        let text = "{\n  \"_meta\": {\"hash\": {}},\n  \"default\": {\n    \"requests\": {\n      \"hashes\": [],\n      \"version\": \"==2.19.0\"\n    },\n    \"mylib\": {\"editable\": true, \"path\": \".\"}\n  },\n  \"develop\": {\n    \"pytest\": {\n      \"version\": \"==7.0.0\"\n    }\n  }\n}\n";
        assert_eq!(
            pairs(&pipfile(text, "Pipfile.lock").unwrap()),
            [
                ("requests".into(), "2.19.0".into(), 4),
                ("pytest".into(), "7.0.0".into(), 11)
            ]
        );
    }
}
