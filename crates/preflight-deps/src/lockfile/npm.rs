//! `package-lock.json` and `npm-shrinkwrap.json`, lockfile versions 1 to 3.
//!
//! Versions 2 and 3 list every installed package under `packages`, keyed by its path
//! (`node_modules/a/node_modules/@s/b`); version 1 nests `dependencies`. Links to workspace
//! packages, and versions that are URLs, git references or local paths, are not index versions
//! and are left out. An aliased package (`npm:real@1.2.3`) is audited under its real name.

use serde_json::Value;

use super::{Package, find_object_key, line_at};
use crate::Ecosystem;

/// The packages of a package-lock.
pub fn read(text: &str, rel: &str) -> Result<Vec<Package>, String> {
    let lock: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    if let Some(packages) = lock.get("packages").and_then(Value::as_object) {
        for (key, entry) in packages {
            let Some(at) = key.rfind("node_modules/") else {
                continue; // the root project or a workspace folder
            };
            if entry.get("link").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let Some(version) = entry.get("version").and_then(Value::as_str) else {
                continue;
            };
            let installed_as = &key[at + "node_modules/".len()..];
            let name = entry
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(installed_as);
            let line = find_object_key(text, key, 0).map_or(1, |at| line_at(text, at));
            push(&mut out, name, version, rel, line);
        }
    } else if let Some(dependencies) = lock.get("dependencies").and_then(Value::as_object) {
        let root = text.find('{').unwrap_or(0);
        let open = members(text, root)
            .into_iter()
            .find(|(key, _, _)| key == "dependencies")
            .map(|(_, _, open)| open);
        nested(text, rel, dependencies, open, &mut out, 0);
    }
    Ok(out)
}

/// The members of the JSON object whose `{` is at `open` that hold objects: each key with the
/// offsets of the key and of its value's `{`. A small scanner that knows strings and nesting,
/// because version 1 repeats a name at every level and only the direct member is wanted.
fn members(text: &str, open: usize) -> Vec<(String, usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let end = (i + 1).min(bytes.len());
                if depth == 0 {
                    let after = text[end..].trim_start();
                    if let Some(value) = after.strip_prefix(':') {
                        let value = value.trim_start();
                        if value.starts_with('{')
                            && let Ok(key) = serde_json::from_str::<String>(&text[start..end])
                        {
                            out.push((key, start, text.len() - value.len()));
                        }
                    }
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Version 1's `dependencies`, each of which may hold its own.
fn nested(
    text: &str,
    rel: &str,
    dependencies: &serde_json::Map<String, Value>,
    open: Option<usize>,
    out: &mut Vec<Package>,
    depth: usize,
) {
    // Real trees are a few dozen levels deep at most; a deeper one is not followed further.
    if depth > 256 {
        return;
    }
    let written = open.map(|open| members(text, open)).unwrap_or_default();
    for (name, entry) in dependencies {
        let at = written.iter().find(|(key, _, _)| key == name);
        if let Some(version) = entry.get("version").and_then(Value::as_str) {
            let line = at.map_or(1, |(_, key, _)| line_at(text, *key));
            push(out, name, version, rel, line);
        }
        if let Some(children) = entry.get("dependencies").and_then(Value::as_object) {
            let children_open = at.and_then(|(_, _, entry_open)| {
                members(text, *entry_open)
                    .into_iter()
                    .find(|(key, _, _)| key == "dependencies")
                    .map(|(_, _, open)| open)
            });
            nested(text, rel, children, children_open, out, depth + 1);
        }
    }
}

fn push(out: &mut Vec<Package>, name: &str, version: &str, rel: &str, line: u32) {
    let (name, version) = match version.strip_prefix("npm:") {
        Some(aliased) => match aliased.rsplit_once('@') {
            Some((real, version)) if !real.is_empty() => (real, version),
            _ => return,
        },
        None => (name, version),
    };
    out.push(Package {
        ecosystem: Ecosystem::Npm,
        name: name.to_string(),
        version: version.to_string(),
        path: rel.to_string(),
        line,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triples(packages: &[Package]) -> Vec<(&str, &str, u32)> {
        let mut list: Vec<_> = packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
            .collect();
        list.sort();
        list
    }

    #[test]
    fn version_3_packages_by_path() {
        let text = r#"{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": {"name": "app", "version": "1.0.0"},
    "node_modules/@babel/core": {"version": "7.23.0"},
    "node_modules/lodash": {"version": "4.17.20", "resolved": "x"},
    "node_modules/a/node_modules/lodash": {"version": "4.17.4"},
    "node_modules/shared": {"resolved": "packages/shared", "link": true},
    "node_modules/old": {"name": "left-pad", "version": "1.1.0"},
    "packages/shared": {"version": "0.0.1"}
  }
}"#;
        assert_eq!(
            triples(&read(text, "package-lock.json").unwrap()),
            [
                ("@babel/core", "7.23.0", 6),
                ("left-pad", "1.1.0", 10),
                ("lodash", "4.17.20", 7),
                ("lodash", "4.17.4", 8),
            ]
        );
    }

    #[test]
    fn version_2_is_read_from_packages_once() {
        let text = r#"{
  "name": "app",
  "lockfileVersion": 2,
  "packages": {
    "": {"name": "app"},
    "node_modules/qs": {"version": "6.5.1"}
  },
  "dependencies": {
    "qs": {"version": "6.5.1"}
  }
}"#;
        assert_eq!(
            triples(&read(text, "package-lock.json").unwrap()),
            [("qs", "6.5.1", 6)]
        );
    }

    #[test]
    fn version_1_nested_dependencies_and_aliases() {
        let text = r#"{
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "express": {
      "version": "4.16.0",
      "requires": {"qs": "6.5.1"},
      "dependencies": {
        "qs": {
          "version": "6.5.1"
        }
      }
    },
    "qs": {"version": "6.11.0"},
    "strip": {"version": "npm:strip-ansi@6.0.0"},
    "local": {"version": "file:../local"}
  }
}"#;
        assert_eq!(
            triples(&read(text, "package-lock.json").unwrap()),
            [
                ("express", "4.16.0", 5),
                ("local", "file:../local", 16),
                ("qs", "6.11.0", 14),
                ("qs", "6.5.1", 9),
                ("strip-ansi", "6.0.0", 15),
            ]
        );
    }
}
