//! The containers check as `preflight check` runs it: find the compose files and Dockerfiles,
//! check the compose files first (they say which context each Dockerfile is built with), then
//! the Dockerfiles.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use preflight_findings::{Check, Finding, Outcome, Project, Warning};

use crate::codes::COMPOSE_ENV_FILE_TRACKED;
use crate::compose::{self, ENV_FILE_DETAIL, Source};
use crate::dockerfile::{self, Context};
use crate::names;
use crate::tracked::{Tracked, normalize};

/// Files larger than this are reported and skipped: no real compose file or Dockerfile is.
const MAX_BYTES: u64 = 4 * 1024 * 1024;

/// Bytes looked at for a NUL to tell a binary file.
const BINARY_PROBE: usize = 8 * 1024;

/// Compose files, Dockerfiles and `.dockerignore` files of a project.
#[derive(Debug, Default, Clone, Copy)]
pub struct ContainersCheck;

impl ContainersCheck {
    /// The containers check.
    pub fn new() -> Self {
        ContainersCheck
    }
}

/// What kind of container file a file name is, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    /// `docker-compose*.yml`, `compose.yaml`, `compose.prod.yml`, ...
    Compose,
    /// `Dockerfile`, `Dockerfile.*`, `*.dockerfile`, `Containerfile`.
    Dockerfile,
}

/// The kind of container file `name` is.
pub fn file_kind(name: &str) -> Option<FileKind> {
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if yaml
        && (lower.starts_with("docker-compose")
            || lower.starts_with("compose.")
            || lower.starts_with("compose-"))
    {
        return Some(FileKind::Compose);
    }
    if lower.ends_with(".dockerignore") {
        return None;
    }
    let dockerfile = ["dockerfile", "containerfile"]
        .iter()
        .any(|base| lower == *base || lower.starts_with(&format!("{base}.")));
    (dockerfile || lower.ends_with(".dockerfile")).then_some(FileKind::Dockerfile)
}

/// The compose files and Dockerfiles under `root`, honouring .gitignore, sorted.
pub fn discover(root: &Path) -> (Vec<(PathBuf, FileKind)>, Vec<Warning>) {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let walk = ignore::WalkBuilder::new(root)
        .hidden(false)
        .filter_entry(|e| {
            let name = e.file_name();
            name != ".git" && name != "node_modules"
        })
        .build();
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                warnings.push(Warning::general(format!(
                    "while looking for container files: {err}"
                )));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        if let Some(kind) = file_kind(&entry.file_name().to_string_lossy()) {
            files.push((entry.into_path(), kind));
        }
    }
    files.sort();
    (files, warnings)
}

impl Check for ContainersCheck {
    fn name(&self) -> &'static str {
        "containers"
    }

    fn run(&self, project: &Project) -> Outcome {
        let mut outcome = Outcome::default();
        let root = normalize(&std::path::absolute(&project.root).unwrap_or(project.root.clone()));
        let (files, warnings) = discover(&root);
        outcome.warnings.extend(warnings);
        let has_compose = files.iter().any(|(_, k)| *k == FileKind::Compose);
        let tracked = if has_compose {
            match Tracked::load(&root) {
                Ok(tracked) => tracked,
                Err(message) => {
                    outcome.warnings.push(Warning::at(
                        root.display().to_string(),
                        format!("{message}; `env_file:` entries were not checked against git"),
                    ));
                    None
                }
            }
        } else {
            None
        };
        let mut contexts: HashMap<PathBuf, (PathBuf, Option<String>)> = HashMap::new();
        for (path, kind) in files.iter().filter(|(_, k)| *k == FileKind::Compose) {
            let shown = shown(&root, path);
            let Some(bytes) = read(path, &shown, &mut outcome) else {
                continue;
            };
            let text = match std::str::from_utf8(&bytes) {
                Ok(text) => text,
                Err(err) => {
                    let line = bytes[..err.valid_up_to()]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count()
                        + 1;
                    outcome.warnings.push(Warning::at_line(
                        &shown,
                        u32::try_from(line).unwrap_or(u32::MAX),
                        "not valid UTF-8; the file was not checked",
                    ));
                    outcome.stats.skipped += 1;
                    continue;
                }
            };
            debug_assert_eq!(*kind, FileKind::Compose);
            let dir = path.parent().unwrap_or(&root);
            let source = Source {
                shown: &shown,
                dir,
                development: names::is_development(&shown),
            };
            let result = compose::check(text, &source, tracked.as_ref());
            outcome.findings.extend(result.findings);
            outcome.facts.extend(result.facts);
            outcome.warnings.extend(result.warnings);
            for build in result.builds {
                contexts
                    .entry(build.dockerfile)
                    .or_insert((build.context, build.target));
            }
        }
        once_per_env_file(&mut outcome.findings);
        for (path, _) in files.iter().filter(|(_, k)| *k == FileKind::Dockerfile) {
            let shown = shown(&root, path);
            let Some(bytes) = read(path, &shown, &mut outcome) else {
                continue;
            };
            let parsed = dockerfile::parse(&bytes);
            let (context, target) = contexts
                .get(path)
                .cloned()
                .unwrap_or_else(|| (guess_context(&root, path), None));
            let ctx = Context {
                shown: &shown,
                dockerfile: path,
                context: &context,
                development: names::is_development(&shown),
                target: target.as_deref(),
            };
            let checked = dockerfile::check(&parsed, &ctx);
            outcome.findings.extend(checked.findings);
            outcome.facts.extend(checked.facts);
            outcome.warnings.extend(checked.warnings);
        }
        outcome
    }
}

/// Keeps one `container.compose-env-file-tracked` finding per tracked env file: a template
/// such as `docker-compose.env` that six compose variants all name is one file to untrack, not
/// six. The one kept (the first compose file's) lists the others in its `named-by` detail.
fn once_per_env_file(findings: &mut Vec<Finding>) {
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut others: HashMap<usize, Vec<String>> = HashMap::new();
    let mut keep = Vec::with_capacity(findings.len());
    for (index, finding) in findings.iter().enumerate() {
        let file = (finding.id == COMPOSE_ENV_FILE_TRACKED)
            .then(|| finding.details.get(ENV_FILE_DETAIL))
            .flatten();
        match file {
            Some(file) => match first.get(file) {
                Some(&kept) => {
                    others
                        .entry(kept)
                        .or_default()
                        .push(finding.location.path.clone());
                    keep.push(false);
                }
                None => {
                    first.insert(file.clone(), index);
                    keep.push(true);
                }
            },
            None => keep.push(true),
        }
    }
    for (index, mut paths) in others {
        paths.dedup();
        findings[index].details.insert(
            "named-by".to_string(),
            format!("also named by {}", paths.join(", ")),
        );
    }
    let mut keep = keep.into_iter();
    findings.retain(|_| keep.next().unwrap_or(true));
}

/// The build context of a Dockerfile no compose file builds: the nearest directory from the
/// Dockerfile's up to the project root that holds a `.dockerignore` (a Dockerfile kept in
/// `docker/api/` is usually built from the directory whose `.dockerignore` serves it), else the
/// Dockerfile's own directory.
fn guess_context(root: &Path, dockerfile: &Path) -> PathBuf {
    let own = dockerfile.parent().unwrap_or(root);
    own.ancestors()
        .take_while(|dir| dir.starts_with(root))
        .find(|dir| dir.join(".dockerignore").is_file())
        .unwrap_or(own)
        .to_path_buf()
}

/// `path` relative to `root`, `/`-separated.
fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The bytes of a file, or a warning when it is too large, binary or unreadable.
fn read(path: &Path, shown: &str, outcome: &mut Outcome) -> Option<Vec<u8>> {
    let skip = |outcome: &mut Outcome, message: String| {
        outcome.warnings.push(Warning::at(shown, message));
        outcome.stats.skipped += 1;
        None
    };
    let len = match std::fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(err) => return skip(outcome, format!("cannot read: {err}")),
    };
    if len > MAX_BYTES {
        return skip(
            outcome,
            format!(
                "{len} bytes, larger than the {MAX_BYTES}-byte limit for container files; skipped"
            ),
        );
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => return skip(outcome, format!("cannot read: {err}")),
    };
    if bytes[..bytes.len().min(BINARY_PROBE)].contains(&0) {
        return skip(
            outcome,
            "a binary file, not a container file; skipped".to_string(),
        );
    }
    outcome.stats.scanned += 1;
    outcome.stats.bytes += bytes.len() as u64;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_kinds() {
        for name in [
            "docker-compose.yml",
            "docker-compose.prod.yaml",
            "compose.yaml",
            "compose.override.yml",
            "compose-dev.yml",
        ] {
            assert_eq!(file_kind(name), Some(FileKind::Compose), "{name}");
        }
        for name in [
            "Dockerfile",
            "Dockerfile.prod",
            "api.dockerfile",
            "Containerfile",
            "dockerfile",
        ] {
            assert_eq!(file_kind(name), Some(FileKind::Dockerfile), "{name}");
        }
        for name in [
            "composer.yaml",
            "Dockerfile.dockerignore",
            ".dockerignore",
            "compose.json",
            "docker-compose.md",
        ] {
            assert_eq!(file_kind(name), None, "{name}");
        }
    }
}
