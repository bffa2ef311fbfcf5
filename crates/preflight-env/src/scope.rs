//! Which code each dotenv file serves.
//!
//! A dotenv file serves the code of its own directory, except the subdirectories that hold a
//! dotenv file of their own: the nearest file wins, so in a monorepo `frontend/.env` serves
//! `frontend/` and the root `.env` the rest. A file that something names explicitly also serves
//! the code that names it, wherever the file lives:
//! - a compose service's `env_file:` (the service's build context, for example
//!   `.envs/.production/.django` serving the whole project);
//! - code that loads it: `load_dotenv(path)`, django-environ's `read_env(path)`, pydantic's
//!   `env_file=`, dotenv's `config({ path })`, Vite's `envDir` (the project of the source that
//!   names it: the nearest directory holding `manage.py`, `pyproject.toml`, `package.json`, ...);
//! - `--env-file` in a shell script, Makefile, Dockerfile, Procfile or `package.json` (the
//!   project of that file).
//!
//! A compose file's services split the directory it shares with a dotenv file: the build
//! context of a service that neither names the file in `env_file:` nor takes variables from it
//! through `environment:` (`KEY: ${KEY}`) is not served by it, and one that only takes some
//! variables is served for those alone.
//!
//! A variable is only required in a file when code that file serves requires it, and not when
//! a file named together with it (a service's `env_file:` list, the files one module loads) sets
//! it.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use preflight_containers::yaml;
use regex::Regex;

use crate::usage::{self, CodeUsage, Reference};

/// Compose files larger than this are not read for `env_file:` (the containers check reports them).
const MAX_COMPOSE_BYTES: u64 = 2 * 1024 * 1024;

/// Scripts and build files larger than this are not read for `--env-file`.
const MAX_SCRIPT_BYTES: u64 = 512 * 1024;

/// Directories never searched for compose files and scripts.
const SKIPPED_DIRS: &[&str] = &["node_modules", "venv", ".venv", "target", "dist", "build"];

/// Files whose presence makes a directory a project's root, for the code that names a dotenv
/// file.
const PROJECT_MARKERS: &[&str] = &[
    "manage.py",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "requirements.txt",
    "Pipfile",
    "package.json",
];

static ENV_FILE_FLAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"--env-file(?:=|\s+)['"]?([^\s'"]+)"#).expect("--env-file pattern is valid")
});

/// A dotenv file named explicitly: by a compose service, by code that loads it, or by
/// `--env-file`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The dotenv file, relative to the root, `/`-separated.
    pub file: String,
    /// What names it: `<compose file>#<service>`, or the source file (with its line) that loads
    /// it. Files one namer names are read together.
    pub service: String,
    /// The code it serves, relative to the root: the service's build context, the project of
    /// the code that loads it; `None` when the service runs an image and builds nothing from
    /// this project.
    pub context: Option<String>,
    /// Projects of their own inside the context (a `worker/` with its own
    /// `requirements.txt` under a Node project), which a file one project loads does not serve.
    pub excluded: Vec<String>,
}

/// A compose service with a build context, and what it takes from the dotenv files beside its
/// compose file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// The compose file's directory, relative to the root.
    pub dir: String,
    /// The build context, relative to the root.
    pub context: String,
    /// The dotenv files its `env_file:` names.
    pub env_files: Vec<String>,
    /// The variables its `environment:` takes from the `.env` beside the compose file
    /// (`KEY: ${KEY}`, `- KEY=${OTHER:-x}` takes `OTHER`).
    pub interpolated: Vec<String>,
}

/// Everything that names dotenv files, and the compose services that split directories.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// The dotenv files named explicitly.
    pub named: Vec<Named>,
    /// Compose services that build from this project.
    pub services: Vec<Service>,
}

impl Links {
    /// The links of the project at `root`: its compose files, the dotenv files its `code` loads
    /// ([`CodeUsage::references`]) and the `--env-file` flags of its scripts and build files.
    pub fn find(root: &Path, code: &CodeUsage) -> Links {
        let mut links = Links::default();
        let mut scripts = Vec::new();
        let mut projects = Vec::new();
        // A project template's compose files and scripts name the template's own files.
        let walker = ignore::WalkBuilder::new(root)
            .max_depth(Some(3))
            .filter_entry(|entry| {
                !(entry.file_type().is_some_and(|t| t.is_dir())
                    && (SKIPPED_DIRS.iter().any(|d| entry.file_name() == *d)
                        || usage::is_template_path(&entry.file_name().to_string_lossy())))
            })
            .build();
        for entry in walker.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy();
            if PROJECT_MARKERS.contains(&name.as_ref())
                && let Some(dir) = entry.path().parent()
            {
                projects.push(crate::relative(root, dir));
            }
            let compose = is_compose_name(&name);
            if !entry.file_type().is_some_and(|t| t.is_file())
                || !(compose || is_script_name(&name))
            {
                continue;
            }
            let limit = if compose {
                MAX_COMPOSE_BYTES
            } else {
                MAX_SCRIPT_BYTES
            };
            if entry.metadata().map_or(true, |m| m.len() > limit) {
                continue;
            }
            let Ok(bytes) = std::fs::read(entry.path()) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            let dir = entry
                .path()
                .parent()
                .map(|d| crate::relative(root, d))
                .unwrap_or_default();
            let shown = crate::relative(root, entry.path());
            if compose {
                let (named, services) = read_compose_services(&text, &dir, &shown);
                links.named.extend(named);
                links.services.extend(services);
            } else {
                scripts.extend(env_file_flags(root, &text, &dir, &shown));
            }
        }
        for reference in code
            .references
            .iter()
            .filter(|r| !usage::is_template_path(&r.from))
        {
            scripts.extend(loaded(root, reference));
        }
        for mut named in scripts {
            if let Some(context) = &named.context {
                named.excluded = projects
                    .iter()
                    .filter(|p| p.len() > context.len() && within(p, context))
                    .cloned()
                    .collect();
            }
            links.named.push(named);
        }
        links
    }
}

/// Whether a file may hold `--env-file`: shell scripts, Makefiles, Dockerfiles, Procfiles,
/// justfiles and `package.json` (its scripts).
fn is_script_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".sh")
        || lower.ends_with(".bash")
        || lower == "makefile"
        || lower.ends_with(".mk")
        || lower == "justfile"
        || lower == "procfile"
        || lower == "package.json"
        || lower == "dockerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
}

/// The dotenv files that `--env-file` names in the script `shown` of directory `dir`.
fn env_file_flags(root: &Path, text: &str, dir: &str, shown: &str) -> Vec<Named> {
    let context = project_of(root, dir);
    let mut named = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        for caps in ENV_FILE_FLAG.captures_iter(line) {
            if let Some(file) = locate(root, dir, &caps[1], false) {
                named.push(Named {
                    file,
                    service: format!("{shown}:{}", index + 1),
                    context: Some(context.clone()),
                    excluded: Vec::new(),
                });
            }
        }
    }
    named
}

/// The dotenv files a code [`Reference`] names: the file itself, or for Vite's `envDir` the
/// `.env` files of that directory.
fn loaded(root: &Path, reference: &Reference) -> Vec<Named> {
    let dir = parent(&reference.from);
    let context = Some(project_of(root, dir));
    let service = format!("{}:{}", reference.from, reference.line);
    let Some(target) = locate(root, dir, &reference.path, reference.directory) else {
        return Vec::new();
    };
    let files = if reference.directory {
        let Ok(entries) = std::fs::read_dir(root.join(&target)) else {
            return Vec::new();
        };
        let mut files: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name == ".env" || name.starts_with(".env."))
            .map(|name| join(&target, &name).unwrap_or(name))
            .collect();
        files.sort();
        files
    } else {
        vec![target]
    };
    files
        .into_iter()
        .map(|file| Named {
            file,
            service: service.clone(),
            context: context.clone(),
            excluded: Vec::new(),
        })
        .collect()
}

/// Where a path a file in `dir` names lies: relative to `dir`, else to one of its ancestors
/// (python-dotenv's `find_dotenv` searches upwards, and code often joins the path to a base
/// directory defined elsewhere); `None` when nothing there exists. A file must not be source
/// code or a data format (`settings.py`, `config.json`): those are not dotenv files.
fn locate(root: &Path, dir: &str, path: &str, directory: bool) -> Option<String> {
    if path.contains("{{") || path.contains("{%") {
        return None;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let data = [
        ".py", ".js", ".ts", ".json", ".toml", ".yml", ".yaml", ".ini", ".cfg",
    ];
    if !directory && data.iter().any(|ext| name.ends_with(ext)) {
        return None;
    }
    let mut base = Some(dir);
    while let Some(current) = base {
        if let Some(candidate) = join(current, path) {
            let full = root.join(&candidate);
            let exists = if directory {
                full.is_dir()
            } else {
                full.is_file()
            };
            if exists {
                return Some(candidate);
            }
        }
        base = (!current.is_empty()).then(|| parent(current));
    }
    None
}

/// The project a file in `dir` belongs to: the nearest directory, `dir` or above, that holds
/// a project marker ([`PROJECT_MARKERS`]); the root when none does.
fn project_of(root: &Path, dir: &str) -> String {
    let mut current = dir;
    loop {
        if PROJECT_MARKERS
            .iter()
            .any(|marker| root.join(current).join(marker).is_file())
            || current.is_empty()
        {
            return current.to_string();
        }
        current = parent(current);
    }
}

/// Whether a file name is a compose file's: `compose.yaml`, `docker-compose.prod.yml`, ...
pub fn is_compose_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.starts_with("compose") || lower.starts_with("docker-compose"))
        && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
}

/// `${NAME}`, `${NAME:-default}`, `$NAME` in a compose value.
static INTERPOLATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))")
        .expect("interpolation pattern is valid")
});

/// The `env_file:` entries of the compose file `shown` in directory `dir` (both relative to
/// the root), and its services that build from the project. A file that does not parse gives
/// nothing: the containers check reports it.
pub fn read_compose_services(text: &str, dir: &str, shown: &str) -> (Vec<Named>, Vec<Service>) {
    let Ok(doc) = yaml::parse(text) else {
        return (Vec::new(), Vec::new());
    };
    let mut named = Vec::new();
    let mut services = Vec::new();
    for &root in &doc.roots {
        let Some(entries) = doc.get(root, "services") else {
            continue;
        };
        for (service_name, service) in doc.entries(entries) {
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
            let paths: Vec<&str> = match doc.get(service, "env_file") {
                Some(env_file) => match doc.items(env_file) {
                    Some(items) => items
                        .iter()
                        .filter_map(|&item| {
                            doc.scalar(item)
                                .or_else(|| doc.get(item, "path").and_then(|p| doc.scalar(p)))
                        })
                        .collect(),
                    None => doc.scalar(env_file).into_iter().collect(),
                },
                None => Vec::new(),
            };
            let env_files: Vec<String> = paths.iter().filter_map(|p| join(dir, p)).collect();
            for file in &env_files {
                named.push(Named {
                    file: file.clone(),
                    service: format!("{shown}#{service_name}"),
                    context: context.clone(),
                    excluded: Vec::new(),
                });
            }
            if let Some(context) = context {
                let mut interpolated = Vec::new();
                if let Some(environment) = doc.get(service, "environment") {
                    let values: Vec<&str> = match doc.items(environment) {
                        Some(items) => items.iter().filter_map(|&i| doc.scalar(i)).collect(),
                        None => doc
                            .entries(environment)
                            .into_iter()
                            .filter_map(|(_, value)| doc.scalar(value))
                            .collect(),
                    };
                    for value in values {
                        interpolated.extend(INTERPOLATION.captures_iter(value).filter_map(
                            |caps| caps.get(1).or(caps.get(2)).map(|m| m.as_str().to_string()),
                        ));
                    }
                }
                services.push(Service {
                    dir: dir.to_string(),
                    context,
                    env_files,
                    interpolated,
                });
            }
        }
    }
    (named, services)
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
    /// The directories of the other checked dotenv files.
    others: Vec<String>,
    /// The code that names the file, without the projects of their own inside it.
    contexts: Vec<(String, Vec<String>)>,
    companions: Vec<String>,
    /// Build contexts inside `own` of compose services that do not take this file whole, with
    /// the variables they take from it.
    splits: Vec<(String, Vec<String>)>,
}

impl Scope {
    /// The scope of `file` among the checked dotenv `files` and the explicit `links` (all
    /// relative to the root).
    pub fn of(file: &str, files: &[String], links: &Links) -> Scope {
        let own = parent(file).to_string();
        let mut others: Vec<String> = files
            .iter()
            .map(|f| parent(f).to_string())
            .filter(|d| d != &own)
            .collect();
        others.sort();
        others.dedup();
        let nested = others.iter().filter(|d| within(d, &own)).cloned().collect();
        let mine: Vec<&Named> = links.named.iter().filter(|n| n.file == file).collect();
        let contexts = mine
            .iter()
            .filter_map(|n| Some((n.context.clone()?, n.excluded.clone())))
            .collect();
        let mut companions: Vec<String> = links
            .named
            .iter()
            .filter(|n| n.file != file && mine.iter().any(|m| m.service == n.service))
            .map(|n| n.file.clone())
            .collect();
        companions.sort();
        companions.dedup();
        // Compose reads only the `.env` beside it for `${...}` in the compose file.
        let interpolation = file.rsplit('/').next() == Some(".env");
        let splits = links
            .services
            .iter()
            .filter(|s| s.dir == own && s.context != own && within(&s.context, &own))
            .filter(|s| !s.env_files.iter().any(|f| f == file))
            .map(|s| {
                let names = if interpolation {
                    s.interpolated.clone()
                } else {
                    Vec::new()
                };
                (s.context.clone(), names)
            })
            .collect();
        Scope {
            own,
            nested,
            others,
            contexts,
            companions,
            splits,
        }
    }

    /// The other dotenv files (relative to the root) that are named together with this one;
    /// what they set, the code that names them has.
    pub fn companions(&self) -> &[String] {
        &self.companions
    }

    /// Whether the file serves the read of variable `name` in the source file at `path`
    /// (relative to the root).
    pub fn serves(&self, path: &str, name: &str) -> bool {
        // Named explicitly, the file serves the code that names it, except the directories
        // inside that code with a dotenv file of their own (a frontend's `.env`).
        let claimed = |context: &String| {
            self.others
                .iter()
                .any(|d| d.len() > context.len() && within(d, context) && within(path, d))
        };
        if self.contexts.iter().any(|(c, excluded)| {
            within(path, c) && !claimed(c) && !excluded.iter().any(|e| within(path, e))
        }) {
            return true;
        }
        if !within(path, &self.own) || self.nested.iter().any(|d| within(path, d)) {
            return false;
        }
        // The service that builds this code takes only some variables, or none, from the file.
        let split: Vec<&(String, Vec<String>)> = self
            .splits
            .iter()
            .filter(|(context, _)| within(path, context))
            .collect();
        split.is_empty()
            || split
                .iter()
                .any(|(_, names)| names.iter().any(|n| n == name))
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
            read_compose_services(text, "deploy/..", "compose.yml").0,
            [
                Named {
                    file: ".env".into(),
                    service: "compose.yml#api".into(),
                    context: Some("backend".into()),
                    excluded: Vec::new()
                },
                Named {
                    file: "frontend/.env".into(),
                    service: "compose.yml#web".into(),
                    context: Some("frontend".into()),
                    excluded: Vec::new()
                },
                Named {
                    file: ".envs/.production/.postgres".into(),
                    service: "compose.yml#db".into(),
                    context: None,
                    excluded: Vec::new()
                },
            ]
        );
        assert!(
            read_compose_services("services: [unclosed", "", "c.yml")
                .0
                .is_empty()
        );
        assert!(
            read_compose_services(
                "services:\n  a:\n    env_file: ../../x.env\n",
                "one",
                "c.yml"
            )
            .0
            .is_empty()
        );
    }

    #[test]
    fn nearest_file_wins_and_compose_adds_its_context() {
        let files = vec![".env".to_string(), "frontend/.env".to_string()];
        let root = Scope::of(".env", &files, &Links::default());
        assert!(root.serves("backend/app/config.py", "X"));
        assert!(root.serves("manage.py", "X"));
        assert!(!root.serves("frontend/src/main.ts", "X"));
        assert!(!root.serves("frontend/x.py", "X"));
        assert!(root.serves("frontend-old/x.py", "X"));
        let front = Scope::of("frontend/.env", &files, &Links::default());
        assert!(front.serves("frontend/src/main.ts", "X"));
        assert!(!front.serves("backend/app/config.py", "X"));

        let text = "services:\n  django:\n    build: .\n    env_file:\n      - ./.envs/.production/.django\n      - ./.envs/.production/.postgres\n  postgres:\n    image: postgres:16\n    env_file: ./.envs/.production/.postgres\n";
        let (named, services) = read_compose_services(text, "", "docker-compose.production.yml");
        let links = Links { named, services };
        let django = Scope::of(".envs/.production/.django", &[], &links);
        assert!(django.serves("config/settings/production.py", "X"));
        assert_eq!(django.companions(), [".envs/.production/.postgres"]);
        let postgres = Scope::of(".envs/.production/.postgres", &[], &links);
        assert!(postgres.serves("config/settings/production.py", "X"));
        assert_eq!(postgres.companions(), [".envs/.production/.django"]);
        let alone = Scope::of(".envs/.production/.django", &[], &Links::default());
        assert!(!alone.serves("config/settings/production.py", "X"));
    }
}
