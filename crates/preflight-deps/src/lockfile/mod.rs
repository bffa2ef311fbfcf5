//! Lockfiles and requirement files, read into the packages they install.
//!
//! Each format has its own module; all yield [`Package`]s with the line where the package is
//! written, so a finding points at it. A file that cannot be read (not UTF-8, too large, not
//! the format its name says) is a warning naming it; the other files are still read.

pub mod cargo;
pub mod npm;
pub mod pnpm;
pub mod python;
pub mod requirements;
pub mod yarn;

use std::path::Path;

use preflight_findings::Warning;

use crate::Ecosystem;

/// The largest lockfile read, in bytes; real ones stay far below it.
const MAX_BYTES: u64 = 128 * 1024 * 1024;

/// The formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `requirements*.txt` (and `dev-requirements.txt`, any `.txt` in a `requirements/`
    /// directory) and the files they include.
    Requirements,
    /// `poetry.lock`
    Poetry,
    /// `uv.lock`
    Uv,
    /// `Pipfile.lock`
    Pipfile,
    /// `pdm.lock`
    Pdm,
    /// `package-lock.json` and `npm-shrinkwrap.json` (lockfile versions 1 to 3).
    Npm,
    /// `yarn.lock`, classic and berry.
    Yarn,
    /// `pnpm-lock.yaml`
    Pnpm,
    /// `Cargo.lock`
    Cargo,
}

impl Kind {
    /// The format a file name says, if it is one of them.
    pub fn of(file_name: &str) -> Option<Kind> {
        Some(match file_name {
            "poetry.lock" => Kind::Poetry,
            "uv.lock" => Kind::Uv,
            "Pipfile.lock" => Kind::Pipfile,
            "pdm.lock" => Kind::Pdm,
            "package-lock.json" | "npm-shrinkwrap.json" => Kind::Npm,
            "yarn.lock" => Kind::Yarn,
            "pnpm-lock.yaml" => Kind::Pnpm,
            "Cargo.lock" => Kind::Cargo,
            name if name.contains("requirements") && name.ends_with(".txt") => Kind::Requirements,
            _ => return None,
        })
    }
}

/// A package version a lockfile installs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Package {
    /// Its ecosystem.
    pub ecosystem: Ecosystem,
    /// Its name as the file spells it.
    pub name: String,
    /// Its version as the file spells it.
    pub version: String,
    /// The file, relative to the project root, with `/` separators.
    pub path: String,
    /// The 1-based line where it is written.
    pub line: u32,
}

/// A requirement that is not pinned to one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpinned {
    /// The package name.
    pub name: String,
    /// The requirement as written, without options and hashes.
    pub requirement: String,
    /// The file, relative to the project root.
    pub path: String,
    /// The 1-based line.
    pub line: u32,
    /// Why it is not pinned (a range, no version, a URL).
    pub reason: &'static str,
}

/// What a file yields.
#[derive(Debug, Default)]
pub struct Lockfile {
    /// The packages it installs.
    pub packages: Vec<Package>,
    /// Requirements not pinned to one version.
    pub unpinned: Vec<Unpinned>,
    /// Problems reading it.
    pub warnings: Vec<Warning>,
}

/// Reads the file `rel` under `root` as `kind`.
pub fn read(root: &Path, rel: &str, kind: Kind) -> Lockfile {
    if kind == Kind::Requirements {
        return requirements::read(root, rel);
    }
    let mut out = Lockfile::default();
    let text = match read_text(&root.join(rel)) {
        Ok(text) => text,
        Err(problem) => {
            out.warnings.push(Warning::at(rel, problem));
            return out;
        }
    };
    let result = match kind {
        Kind::Poetry => python::poetry(&text, rel),
        Kind::Uv => python::uv(&text, rel),
        Kind::Pdm => python::pdm(&text, rel),
        Kind::Pipfile => python::pipfile(&text, rel),
        Kind::Npm => npm::read(&text, rel),
        Kind::Yarn => Ok(yarn::read(&text, rel)),
        Kind::Pnpm => Ok(pnpm::read(&text, rel)),
        Kind::Cargo => cargo::read(&text, rel),
        Kind::Requirements => unreachable!("handled above"),
    };
    match result {
        Ok(packages) => out.packages = packages,
        Err(problem) => out.warnings.push(Warning::at(
            rel,
            format!("cannot read it as a lockfile, so its packages are not audited: {problem}"),
        )),
    }
    out
}

/// A file's text; an error message for one that is too large, unreadable or not UTF-8.
pub(crate) fn read_text(path: &Path) -> Result<String, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read it: {e}"))?
        .len();
    if size > MAX_BYTES {
        return Err(format!(
            "{size} bytes is more than a lockfile holds ({MAX_BYTES}); it is not read"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (byte {}), so its packages are not audited",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The 1-based line of byte `offset` in `text`.
pub(crate) fn line_at(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let newlines = text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// The byte offset of the JSON object key `key` (as `"key": {`) at or after `from`.
pub(crate) fn find_object_key(text: &str, key: &str, from: usize) -> Option<usize> {
    let quoted = serde_json::to_string(key).ok()?;
    let mut at = from.min(text.len());
    while let Some(found) = text[at..].find(&quoted) {
        let start = at + found;
        let rest = text[start + quoted.len()..].trim_start();
        if let Some(value) = rest.strip_prefix(':')
            && value.trim_start().starts_with('{')
        {
            return Some(start);
        }
        at = start + quoted.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        assert_eq!(Kind::of("requirements-dev.txt"), Some(Kind::Requirements));
        assert_eq!(Kind::of("requirements.txt"), Some(Kind::Requirements));
        assert_eq!(Kind::of("npm-shrinkwrap.json"), Some(Kind::Npm));
        assert_eq!(Kind::of("dev-requirements.txt"), Some(Kind::Requirements));
        assert_eq!(Kind::of("requirements.in"), None);
        assert_eq!(Kind::of("notes.txt"), None);
        assert_eq!(Kind::of("package.json"), None);
    }

    #[test]
    fn lines_and_json_keys() {
        let text = "{\n  \"a\": \"x\",\n  \"a\": {\n  }\n}";
        let at = find_object_key(text, "a", 0).unwrap();
        assert_eq!(line_at(text, at), 3);
        assert_eq!(find_object_key(text, "b", 0), None);
    }
}
