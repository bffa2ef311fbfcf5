//! Which code each dotenv file serves.
//!
//! A dotenv file serves the code of its own directory, except the subdirectories that hold a
//! dotenv file of their own: the nearest file wins, so in a monorepo `frontend/.env` serves
//! `frontend/` and the root `.env` the rest. A file that a compose service names in `env_file:`
//! also serves the code of that service's build context, wherever the file lives (for example
//! `.envs/.production/.django` serving the whole project). A variable is only required in a
//! file when code that file serves requires it, and not when a file named together with it
//! (the service's environment is the union of its `env_file:` list) sets it.

use std::path::{Path, PathBuf};

use preflight_containers::yaml;

/// Compose files larger than this are not read for `env_file:` (the containers check reports them).
const MAX_COMPOSE_BYTES: u64 = 2 * 1024 * 1024;

/// Directories never searched for compose files.
const SKIPPED_DIRS: &[&str] = &["node_modules", "venv", ".venv", "target", "dist", "build"];

/// A dotenv file named by a compose service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The dotenv file, relative to the root, `/`-separated.
    pub file: String,
    /// The service that names it, as `<compose file>#<service>`.
    pub service: String,
    /// The service's build context, relative to the root; `None` when the service runs an
    /// image and builds nothing from this project.
    pub context: Option<String>,
}

/// The dotenv files the project's compose files name, with the build context of each service
/// that names one. Compose files that cannot be read or parsed are left out: the containers
/// check reports them.
pub fn compose_env_files(root: &Path) -> Vec<Named> {
    let walker = ignore::WalkBuilder::new(root)
        .max_depth(Some(3))
        .filter_entry(|entry| {
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRS.iter().any(|d| entry.file_name() == *d))
        })
        .build();
    let mut named = Vec::new();
    for entry in walker.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_some_and(|t| t.is_file()) || !is_compose_name(&name) {
            continue;
        }
        if entry
            .metadata()
            .map_or(true, |m| m.len() > MAX_COMPOSE_BYTES)
        {
            continue;
        }
        let Ok(bytes) = std::fs::read(entry.path()) else {
            continue;
        };
        let dir = entry
            .path()
            .parent()
            .map(|d| crate::relative(root, d))
            .unwrap_or_default();
        let shown = crate::relative(root, entry.path());
        named.extend(read_compose(&String::from_utf8_lossy(&bytes), &dir, &shown));
    }
    named
}

/// Whether a file name is a compose file's: `compose.yaml`, `docker-compose.prod.yml`, ...
pub fn is_compose_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.starts_with("compose") || lower.starts_with("docker-compose"))
        && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
}

/// The `env_file:` entries of the compose file `shown` in directory `dir` (both relative to
/// the root).
pub fn read_compose(text: &str, dir: &str, shown: &str) -> Vec<Named> {
    let Ok(doc) = yaml::parse(text) else {
        return Vec::new();
    };
    let mut named = Vec::new();
    for &root in &doc.roots {
        let Some(services) = doc.get(root, "services") else {
            continue;
        };
        for (service_name, service) in doc.entries(services) {
            if !doc.is_mapping(service) {
                continue;
            }
            let context = doc.get(service, "build").and_then(|build| {
                let context = match doc.scalar(build) {
                    Some(text) => text,
                    None => doc
                        .get(build, "context")
                        .and_then(|c| doc.scalar(c))
                        .unwrap_or("."),
                };
                join(dir, context)
            });
            let Some(env_file) = doc.get(service, "env_file") else {
                continue;
            };
            let paths: Vec<&str> = match doc.items(env_file) {
                Some(items) => items
                    .iter()
                    .filter_map(|&item| {
                        doc.scalar(item)
                            .or_else(|| doc.get(item, "path").and_then(|p| doc.scalar(p)))
                    })
                    .collect(),
                None => doc.scalar(env_file).into_iter().collect(),
            };
            for path in paths {
                if let Some(file) = join(dir, path) {
                    named.push(Named {
                        file,
                        service: format!("{shown}#{service_name}"),
                        context: context.clone(),
                    });
                }
            }
        }
    }
    named
}

/// `path` taken relative to `dir`, both relative to the root, with `.` and `..` resolved;
/// `None` when it is absolute, holds a variable, or leaves the root.
fn join(dir: &str, path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains('$') || path.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in dir.split('/').chain(path.split(['/', '\\'])) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Whether `path` is `dir` or inside it (`dir` empty for the root).
fn within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The code one dotenv file serves.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    own: String,
    nested: Vec<String>,
    contexts: Vec<String>,
    companions: Vec<String>,
}

impl Scope {
    /// The scope of `file` among the checked dotenv `files` and the compose-`named` ones (all
    /// relative to the root).
    pub fn of(file: &str, files: &[String], named: &[Named]) -> Scope {
        let own = parent(file).to_string();
        let mut nested: Vec<String> = files
            .iter()
            .map(|f| parent(f).to_string())
            .filter(|d| d != &own && within(d, &own))
            .collect();
        nested.sort();
        nested.dedup();
        let mine: Vec<&Named> = named.iter().filter(|n| n.file == file).collect();
        let contexts = mine.iter().filter_map(|n| n.context.clone()).collect();
        let mut companions: Vec<String> = named
            .iter()
            .filter(|n| n.file != file && mine.iter().any(|m| m.service == n.service))
            .map(|n| n.file.clone())
            .collect();
        companions.sort();
        companions.dedup();
        Scope {
            own,
            nested,
            contexts,
            companions,
        }
    }

    /// The other dotenv files (relative to the root) that a compose service names together with
    /// this one; what they set, the service has.
    pub fn companions(&self) -> &[String] {
        &self.companions
    }

    /// Whether the file serves the source file at `path` (relative to the root).
    pub fn serves(&self, path: &str) -> bool {
        (within(path, &self.own) && !self.nested.iter().any(|d| within(path, d)))
            || self.contexts.iter().any(|c| within(path, c))
    }
}

/// The directory part of a `/`-separated relative path (empty at the root).
fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The compose-named dotenv files that exist, as paths under `root`.
pub fn existing(root: &Path, named: &[Named]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = named
        .iter()
        .map(|n| root.join(&n.file))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files.dedup();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_env_files_and_build_contexts() {
        let text = "services:\n  api:\n    build: ./backend\n    env_file: .env\n  web:\n    build:\n      context: frontend\n    env_file:\n      - path: ./frontend/.env\n        required: false\n  db:\n    image: postgres:16\n    env_file: [./.envs/.production/.postgres]\n";
        assert_eq!(
            read_compose(text, "deploy/..", "compose.yml"),
            [
                Named {
                    file: ".env".into(),
                    service: "compose.yml#api".into(),
                    context: Some("backend".into())
                },
                Named {
                    file: "frontend/.env".into(),
                    service: "compose.yml#web".into(),
                    context: Some("frontend".into())
                },
                Named {
                    file: ".envs/.production/.postgres".into(),
                    service: "compose.yml#db".into(),
                    context: None
                },
            ]
        );
        assert!(read_compose("services: [unclosed", "", "c.yml").is_empty());
        assert!(
            read_compose(
                "services:\n  a:\n    env_file: ../../x.env\n",
                "one",
                "c.yml"
            )
            .is_empty()
        );
    }

    #[test]
    fn nearest_file_wins_and_compose_adds_its_context() {
        let files = vec![".env".to_string(), "frontend/.env".to_string()];
        let root = Scope::of(".env", &files, &[]);
        assert!(root.serves("backend/app/config.py"));
        assert!(root.serves("manage.py"));
        assert!(!root.serves("frontend/src/main.ts"));
        assert!(!root.serves("frontend/x.py"));
        assert!(root.serves("frontend-old/x.py"));
        let front = Scope::of("frontend/.env", &files, &[]);
        assert!(front.serves("frontend/src/main.ts"));
        assert!(!front.serves("backend/app/config.py"));

        let text = "services:\n  django:\n    build: .\n    env_file:\n      - ./.envs/.production/.django\n      - ./.envs/.production/.postgres\n  postgres:\n    image: postgres:16\n    env_file: ./.envs/.production/.postgres\n";
        let named = read_compose(text, "", "docker-compose.production.yml");
        let django = Scope::of(".envs/.production/.django", &[], &named);
        assert!(django.serves("config/settings/production.py"));
        assert_eq!(django.companions(), [".envs/.production/.postgres"]);
        let postgres = Scope::of(".envs/.production/.postgres", &[], &named);
        assert!(postgres.serves("config/settings/production.py"));
        assert_eq!(postgres.companions(), [".envs/.production/.django"]);
        let alone = Scope::of(".envs/.production/.django", &[], &[]);
        assert!(!alone.serves("config/settings/production.py"));
    }
}
