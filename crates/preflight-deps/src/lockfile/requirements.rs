//! pip requirement files: `requirements*.txt` and the files they include with `-r` and `-c`.
//!
//! A requirement is audited when it is pinned to one version (`==` or `===`, no wildcard),
//! directly or by a constraints file; any other requirement (a range, no version, a URL or a
//! path) is reported as unpinned: no one version can be audited, and what is installed may
//! change under you. Comments, line continuations, per-requirement options (`--hash`),
//! extras and environment markers are read as pip reads them; the markers are not evaluated,
//! so a package pinned for another platform is audited too. Editable installs (`-e`) are the
//! project's own code and are left out. Included files are followed inside the project only.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use preflight_findings::Warning;

use super::{Lockfile, Package, Unpinned, read_text};
use crate::Ecosystem;

/// How deep `-r` and `-c` includes are followed.
const MAX_DEPTH: usize = 16;

/// A requirement line, before constraints are applied.
struct Requirement {
    name: String,
    text: String,
    pin: Option<String>,
    reason: &'static str,
    path: String,
    line: u32,
}

#[derive(Default)]
struct Reader {
    visited: HashSet<String>,
    requirements: Vec<Requirement>,
    /// Pins from constraints files, by normalised name.
    constraints: HashMap<String, (String, String, u32)>,
    warnings: Vec<Warning>,
}

/// Reads `rel` under `root` and everything it includes.
pub fn read(root: &Path, rel: &str) -> Lockfile {
    let mut reader = Reader::default();
    reader.file(root, rel, false, 0);
    let mut out = Lockfile {
        warnings: reader.warnings,
        ..Lockfile::default()
    };
    for req in reader.requirements {
        let key = Ecosystem::PyPI.normalize(&req.name);
        match (req.pin, reader.constraints.get(&key)) {
            (Some(version), _) => out.packages.push(Package {
                ecosystem: Ecosystem::PyPI,
                name: req.name,
                version,
                path: req.path,
                line: req.line,
            }),
            (None, Some((version, path, line))) if req.reason != URL => {
                out.packages.push(Package {
                    ecosystem: Ecosystem::PyPI,
                    name: req.name,
                    version: version.clone(),
                    path: path.clone(),
                    line: *line,
                });
            }
            (None, _) => out.unpinned.push(Unpinned {
                name: req.name,
                requirement: req.text,
                path: req.path,
                line: req.line,
                reason: req.reason,
            }),
        }
    }
    out
}

const URL: &str = "it is installed from a URL or a path, not from a package index";

impl Reader {
    fn file(&mut self, root: &Path, rel: &str, constraint: bool, depth: usize) {
        if !self.visited.insert(rel.to_string()) {
            return;
        }
        let text = match read_text(&root.join(rel)) {
            Ok(text) => text,
            Err(problem) => {
                self.warnings.push(Warning::at(rel, problem));
                return;
            }
        };
        for (line, logical) in logical_lines(&text) {
            let mut words = logical.split_whitespace();
            let Some(first) = words.next() else {
                continue;
            };
            if let Some((include_constraint, target)) = include(first, words.next()) {
                self.include(
                    root,
                    rel,
                    line,
                    target,
                    constraint || include_constraint,
                    depth,
                );
                continue;
            }
            if first.starts_with('-') {
                continue; // -e, --index-url, --pre and the other options
            }
            if let Some(req) = parse(&logical, rel, line) {
                if constraint {
                    if let Some(pin) = req.pin {
                        self.constraints.insert(
                            Ecosystem::PyPI.normalize(&req.name),
                            (pin, req.path, req.line),
                        );
                    }
                } else {
                    self.requirements.push(req);
                }
            } else {
                self.warnings.push(Warning::at_line(
                    rel,
                    line,
                    "not a requirement pip understands; the line is not audited",
                ));
            }
        }
    }

    fn include(
        &mut self,
        root: &Path,
        rel: &str,
        line: u32,
        target: Option<&str>,
        constraint: bool,
        depth: usize,
    ) {
        let Some(target) = target.filter(|t| !t.is_empty()) else {
            self.warnings
                .push(Warning::at_line(rel, line, "an include names no file"));
            return;
        };
        if depth >= MAX_DEPTH {
            self.warnings.push(Warning::at_line(
                rel,
                line,
                format!("includes nest more than {MAX_DEPTH} deep; `{target}` is not read"),
            ));
            return;
        }
        let base = Path::new(rel).parent().unwrap_or(Path::new(""));
        match inside(&base.join(target)) {
            Some(included) if !target.contains("://") => {
                self.file(root, &included, constraint, depth + 1);
            }
            _ => self.warnings.push(Warning::at_line(
                rel,
                line,
                format!("includes `{target}`, outside the project; it is not read"),
            )),
        }
    }
}

/// `-r FILE`, `--requirement FILE`, `-rFILE`, `--requirement=FILE` and the same for `-c`:
/// whether it is a constraint, and the file.
fn include<'a>(first: &'a str, next: Option<&'a str>) -> Option<(bool, Option<&'a str>)> {
    for (flag, constraint) in [
        ("--requirement", false),
        ("--constraint", true),
        ("-r", false),
        ("-c", true),
    ] {
        if let Some(rest) = first.strip_prefix(flag) {
            if rest.is_empty() {
                return Some((constraint, next));
            }
            if flag.len() == 2 || rest.starts_with('=') {
                return Some((constraint, Some(rest.trim_start_matches('='))));
            }
        }
    }
    None
}

/// A relative path with `..` resolved, if it stays inside the project.
fn inside(path: &Path) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    let joined: PathBuf = parts.iter().collect();
    Some(joined.to_str()?.replace('\\', "/"))
}

/// The file's logical lines (continuations joined, comments removed) with their first line.
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    for (index, raw) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if current.is_empty() {
            start = number;
        }
        let without_comment = strip_comment(raw);
        match without_comment.strip_suffix('\\') {
            Some(continued) => {
                current.push_str(continued);
                current.push(' ');
            }
            None => {
                current.push_str(without_comment);
                let done = std::mem::take(&mut current);
                if !done.trim().is_empty() {
                    out.push((start, done));
                }
            }
        }
    }
    if !current.trim().is_empty() {
        out.push((start, current));
    }
    out
}

/// The line up to a `#` that starts it or follows whitespace.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return line[..i].trim_end();
        }
    }
    line.trim_end()
}

/// One requirement: `name[extras] specifiers ; markers  --hash=...`, or `name @ url`.
fn parse(logical: &str, rel: &str, line: u32) -> Option<Requirement> {
    // Per-requirement options (`--hash`, `--config-settings`) follow the requirement.
    let requirement = match logical.find(" --") {
        Some(at) => &logical[..at],
        None => logical,
    };
    let requirement = requirement.trim();
    let (spec, _markers) = requirement.split_once(';').unwrap_or((requirement, ""));
    let spec = spec.trim();
    let text = spec.to_string();
    let url = |name: &str| Requirement {
        name: name.to_string(),
        text: text.clone(),
        pin: None,
        reason: URL,
        path: rel.to_string(),
        line,
    };
    if spec.contains("://") || spec.starts_with(['.', '/']) {
        let name = spec
            .split_once(" @")
            .map(|(n, _)| n.trim())
            .filter(|n| is_name(n.split('[').next().unwrap_or(n)))
            .or_else(|| spec.split("#egg=").nth(1))
            .unwrap_or(spec);
        let name = name.split('[').next().unwrap_or(name);
        return Some(url(name));
    }
    let name_end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    let name = &spec[..name_end];
    if !is_name(name) {
        return None;
    }
    let mut rest = spec[name_end..].trim_start();
    if let Some(extras) = rest.strip_prefix('[') {
        rest = extras.split_once(']')?.1.trim_start();
    }
    if rest.starts_with('@') {
        return Some(url(name));
    }
    let rest = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(rest)
        .trim();
    let clauses: Vec<&str> = rest
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let (pin, reason) = match clauses.as_slice() {
        [] => (None, "it has no version"),
        [only] => {
            let exact = only
                .strip_prefix("===")
                .or_else(|| only.strip_prefix("=="))
                .map(str::trim)
                .filter(|v| !v.is_empty() && !v.contains('*'));
            match exact {
                Some(v) => (Some(v.to_string()), ""),
                None => (None, "it allows a range of versions"),
            }
        }
        _ => (None, "it allows a range of versions"),
    };
    Some(Requirement {
        name: name.to_string(),
        text,
        pin,
        reason,
        path: rel.to_string(),
        line,
    })
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn pins_hashes_markers_extras_and_continuations() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "requirements.txt",
            "# production\n--index-url https://example.com/simple\nDjango==3.2.0 \\\n    --hash=sha256:0123456789abcdef\nrequests[socks]==2.19.0 ; python_version >= \"3.6\"  # pinned\nurllib3>=1.26,<2\nsix\nflask===2.0.1\nnumpy==1.*\n-e .\nmylib @ https://example.com/mylib-1.0.tar.gz\n",
        );
        let read = read(dir.path(), "requirements.txt");
        let packages: Vec<_> = read
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
            .collect();
        assert_eq!(
            packages,
            [
                ("Django", "3.2.0", 3),
                ("requests", "2.19.0", 5),
                ("flask", "2.0.1", 8)
            ]
        );
        let unpinned: Vec<_> = read
            .unpinned
            .iter()
            .map(|u| (u.name.as_str(), u.line, u.reason))
            .collect();
        assert_eq!(
            unpinned,
            [
                ("urllib3", 6, "it allows a range of versions"),
                ("six", 7, "it has no version"),
                ("numpy", 9, "it allows a range of versions"),
                ("mylib", 11, URL),
            ]
        );
        assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    }

    #[test]
    fn includes_and_constraints() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "requirements-dev.txt",
            "-r requirements/base.txt\n--constraint=constraints.txt\npytest\n-r ../../etc/passwd\n-r requirements-dev.txt\n",
        );
        write(
            dir.path(),
            "requirements/base.txt",
            "jinja2==2.10\n-c ../constraints.txt\n",
        );
        write(
            dir.path(),
            "constraints.txt",
            "pytest==6.2.0\nunused==1.0\n",
        );
        let read = read(dir.path(), "requirements-dev.txt");
        let packages: Vec<_> = read
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.path.as_str(), p.line))
            .collect();
        assert_eq!(
            packages,
            [
                ("jinja2", "2.10", "requirements/base.txt", 1),
                ("pytest", "6.2.0", "constraints.txt", 1),
            ]
        );
        assert!(read.unpinned.is_empty());
        assert_eq!(read.warnings.len(), 1, "{:?}", read.warnings);
        assert_eq!(read.warnings[0].line, Some(4));
    }

    #[test]
    fn bad_lines_and_missing_includes_are_warnings() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "requirements.txt",
            "!!!\n-r missing.txt\nok==1.0\n",
        );
        let read = read(dir.path(), "requirements.txt");
        assert_eq!(read.packages.len(), 1);
        assert_eq!(read.warnings.len(), 2, "{:?}", read.warnings);
        assert_eq!(read.warnings[1].path.as_deref(), Some("missing.txt"));
    }
}
