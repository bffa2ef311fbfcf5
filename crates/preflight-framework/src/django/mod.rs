//! The `django` check: finds the settings modules, decides which of them run in production, and
//! judges each production module with everything it inherits.
//!
//! Settings modules are files named `settings.py` or `*settings*.py`, every module of a
//! `settings/` package, and the modules `DJANGO_SETTINGS_MODULE` names in `manage.py`,
//! `wsgi.py`, `asgi.py`, compose files and env files. A module counts as Django settings when
//! it (with its star imports) defines `INSTALLED_APPS`, `MIDDLEWARE`, `ROOT_URLCONF` or
//! `DATABASES`, or `DJANGO_SETTINGS_MODULE` names it.
//!
//! Which modules are judged as production:
//! - not a module another settings module star-imports (`base.py`, `common.py`: they are
//!   judged through the modules that import them, so a finding in `base.py` is reported once,
//!   at its line, when a production module inherits it);
//! - not named for development, tests or CI (`dev.py`, `local.py`, `test_settings.py`,
//!   `settings_ci.py`...; see [`crate::python::module::is_development_module`]);
//! - not under a `tests/`, `docs/`, `examples/`, `demo/` or `sandbox/` directory (a library's
//!   test or demo project);
//! - not a module that star-imports a development module, directly or not (`docker.py` built
//!   on `dev.py` is development settings too);
//! - but a base module is judged after all when `wsgi.py`, `asgi.py` or a production env or
//!   compose file names it.
//!
//! So a single-file `settings.py` is judged, and in a `base.py` + `production.py` + `local.py`
//! package only `production.py` is, with `base.py`'s assignments.
//!
//! Each production module is evaluated twice: with every environment read at its default in
//! the code, and, when the project has production env files, with their values
//! ([`crate::envfiles`]). A finding from both is reported once.
//!
//! The settings that pass are kept as facts (the checklist's evidence), each once, and only
//! for a code that no pass reported for that module: a value that is safe by its default in
//! the code but not as the env files set it is a finding, not evidence.

mod rules;

pub(crate) use rules::matches_anything;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use preflight_findings::{Check, Fact, Finding, Outcome, Project};

use crate::envfiles::{self, EnvView};
use crate::python::module::{Loader, is_development_module, resolve};
use crate::walk::{self, read_limited, relative};

/// Names whose presence makes a module Django settings.
const DJANGO_NAMES: &[&str] = &["INSTALLED_APPS", "MIDDLEWARE", "ROOT_URLCONF", "DATABASES"];

/// Directories whose settings are for a test or example project, not a deployment.
const NON_DEPLOY_DIRS: &[&str] = &[
    "tests",
    "test",
    "testing",
    "docs",
    "doc",
    "example",
    "examples",
    "sample",
    "samples",
    "fixtures",
    "testproject",
    "test_project",
    "demo",
    "sandbox",
    "playground",
];

/// The Django settings check of `preflight check`.
#[derive(Debug, Clone, Default)]
pub struct DjangoCheck;

impl DjangoCheck {
    /// A Django settings check.
    pub fn new() -> Self {
        DjangoCheck
    }
}

/// A module `DJANGO_SETTINGS_MODULE` names, and whether a deployment file names it.
struct Reference {
    path: PathBuf,
    deployed: bool,
}

impl Check for DjangoCheck {
    fn name(&self) -> &'static str {
        "django"
    }

    fn run(&self, project: &Project) -> Outcome {
        let root = &project.root;
        let mut outcome = Outcome::default();
        let (references, mut warnings) = settings_references(root);
        let mut files: BTreeSet<PathBuf> = walk::files(root, |name| name.ends_with(".py"))
            .into_iter()
            .filter(|p| is_settings_file(p))
            .collect();
        files.extend(references.iter().map(|r| r.path.clone()));
        if files.is_empty() {
            outcome.warnings = warnings;
            return outcome;
        }
        let deployed: HashSet<&PathBuf> = references
            .iter()
            .filter(|r| r.deployed)
            .map(|r| &r.path)
            .collect();
        let referenced: HashSet<&PathBuf> = references.iter().map(|r| &r.path).collect();

        let defaults = EnvView::defaults();
        let (production_env, env_warnings) = EnvView::production(root);
        warnings.extend(env_warnings);

        let mut loader = Loader::new(root, &defaults);
        let mut django: Vec<PathBuf> = Vec::new();
        for file in &files {
            let module = loader.load(file);
            outcome.stats.scanned += 1;
            outcome.stats.bytes += module.source.len() as u64;
            if DJANGO_NAMES.iter().any(|n| module.names.contains_key(*n))
                || referenced.contains(file)
            {
                django.push(file.clone());
            }
        }
        // A module is for development when its name or directory says so, or when it
        // star-imports (directly or not) a module whose name says so (`docker.py` importing
        // `dev.py`). Only the star imports of the other modules make a module a base.
        let mut development: HashSet<PathBuf> = HashSet::new();
        let mut imported: HashSet<PathBuf> = HashSet::new();
        for file in &django {
            let closure = star_closure(&mut loader, file);
            if is_development_module(file)
                || in_non_deploy_dir(root, file)
                || closure.iter().any(|p| is_development_module(p))
            {
                development.insert(file.clone());
            } else {
                imported.extend(closure);
            }
        }
        let candidates: Vec<PathBuf> = django
            .into_iter()
            .filter(|file| {
                !development.contains(file) && (deployed.contains(file) || !imported.contains(file))
            })
            .collect();

        let mut judged = Judged::default();
        judged.run(&mut loader, &candidates);
        warnings.append(&mut loader.warnings);
        if !production_env.is_empty() {
            let mut loader = Loader::new(root, &production_env);
            judged.run(&mut loader, &candidates);
            warnings.append(&mut loader.warnings);
        }
        let mut unique = HashSet::new();
        warnings.retain(|w| unique.insert(w.to_string()));
        outcome.facts = judged.facts();
        outcome.findings = judged.findings;
        outcome.warnings = warnings;
        outcome
    }
}

/// Every module `file` star-imports, directly or through other modules.
fn star_closure(loader: &mut Loader<'_>, file: &Path) -> Vec<PathBuf> {
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut queue = vec![file.to_path_buf()];
    while let Some(next) = queue.pop() {
        for target in &loader.load(&next).star_imports {
            if target != file && !seen.contains(target) {
                seen.push(target.clone());
                queue.push(target.clone());
            }
        }
    }
    seen
}

/// The findings of every pass, each reported once, and the facts of every pass with the
/// module each is about.
#[derive(Default)]
struct Judged {
    seen: HashSet<(String, preflight_findings::Location, Option<String>)>,
    findings: Vec<Finding>,
    facts: Vec<(String, Fact)>,
    /// Each code some pass reported for a module, with the module.
    failed: HashSet<(String, String)>,
}

impl Judged {
    fn run(&mut self, loader: &mut Loader<'_>, candidates: &[PathBuf]) {
        for file in candidates {
            let module = loader.load(file);
            let (findings, facts) =
                rules::judge(&module.rel, &module.names, module.incomplete.is_some());
            self.facts
                .extend(facts.into_iter().map(|f| (module.rel.clone(), f)));
            for finding in findings {
                self.failed.insert((finding.id.clone(), module.rel.clone()));
                let key = (
                    finding.id.clone(),
                    finding.location.clone(),
                    finding.details.get("setting").cloned(),
                );
                if self.seen.insert(key) {
                    self.findings
                        .push(finding.with_detail("module", module.rel.clone()));
                }
            }
        }
    }
}

impl Judged {
    /// The facts of every pass, each once, without those whose code some pass reported for
    /// the same module.
    fn facts(&self) -> Vec<Fact> {
        let mut unique = HashSet::new();
        self.facts
            .iter()
            .filter(|(module, fact)| !self.failed.contains(&(fact.id.clone(), module.clone())))
            .filter(|(_, fact)| {
                unique.insert((fact.id.clone(), fact.location.clone(), fact.message.clone()))
            })
            .map(|(_, fact)| fact.clone())
            .collect()
    }
}

/// Whether a Python file's name or directory makes it a settings module.
fn is_settings_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let in_settings_package = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == "settings");
    name.ends_with(".py") && (name.contains("settings") || in_settings_package)
}

fn in_non_deploy_dir(root: &Path, path: &Path) -> bool {
    let shown = path.strip_prefix(root).unwrap_or(path);
    shown.parent().is_some_and(|dir| {
        dir.components().any(|c| {
            let part = c.as_os_str().to_string_lossy().to_ascii_lowercase();
            NON_DEPLOY_DIRS.contains(&part.as_str())
        })
    })
}

/// The modules `DJANGO_SETTINGS_MODULE` names in the project's entry points, compose files and
/// env files, resolved to files.
fn settings_references(root: &Path) -> (Vec<Reference>, Vec<preflight_findings::Warning>) {
    let mut warnings = Vec::new();
    let mut sources: Vec<(PathBuf, bool)> = walk::files(root, |name| {
        matches!(name, "manage.py" | "wsgi.py" | "asgi.py") || is_compose_name(name)
    })
    .into_iter()
    .map(|p| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let deployed = match name.as_str() {
            "manage.py" => false,
            "wsgi.py" | "asgi.py" => true,
            compose => !compose_is_development(compose),
        };
        (p, deployed)
    })
    .collect();
    for env in envfiles::discover(root) {
        let profile = envfiles::profile_of(root, &env);
        let deployed = matches!(profile, None | Some(preflight_env::Profile::Production));
        sources.push((env, deployed));
    }
    let mut found: BTreeMap<PathBuf, bool> = BTreeMap::new();
    for (file, deployed) in sources {
        let bytes = match read_limited(&file) {
            Ok(bytes) => bytes,
            Err(message) => {
                warnings.push(preflight_findings::Warning::at(
                    relative(root, &file),
                    message,
                ));
                continue;
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        for module in module_names(&text) {
            let parts: Vec<String> = module.split('.').map(str::to_string).collect();
            if let Some(path) = resolve(root, &file, 0, &parts) {
                *found.entry(path).or_insert(false) |= deployed;
            }
        }
    }
    let references = found
        .into_iter()
        .map(|(path, deployed)| Reference { path, deployed })
        .collect();
    (references, warnings)
}

/// Whether a file name is a compose file.
pub(crate) fn is_compose_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.starts_with("docker-compose") || lower.starts_with("compose"))
        && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
}

/// Whether a compose file's name says it is for development or tests (`docker-compose.dev.yml`,
/// `compose.override.yaml`, `local.yml`).
pub(crate) fn compose_is_development(name: &str) -> bool {
    name.to_ascii_lowercase().split(['.', '-', '_']).any(|w| {
        matches!(
            w,
            "override" | "dev" | "development" | "local" | "test" | "tests" | "ci"
        )
    })
}

/// The dotted module names assigned to `DJANGO_SETTINGS_MODULE` in `text`: Python
/// (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.settings")`), YAML (`KEY: x.settings`,
/// `- KEY=x.settings`) and dotenv (`KEY=x.settings`).
fn module_names(text: &str) -> Vec<String> {
    const KEY: &str = "DJANGO_SETTINGS_MODULE";
    let mut out = Vec::new();
    for (at, _) in text.match_indices(KEY) {
        let rest = &text[at + KEY.len()..];
        let rest = rest.trim_start_matches(['"', '\'']);
        let rest = rest.trim_start();
        let Some(rest) = rest.strip_prefix([',', ':', '=']) else {
            continue;
        };
        let rest = rest.trim_start().trim_start_matches(['"', '\'']);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
            .take(200)
            .collect();
        let name = name.trim_matches('.').to_string();
        if !name.is_empty() && name.contains('.') || name.ends_with("settings") {
            out.push(name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_module_names_are_read_from_python_yaml_and_dotenv() {
        assert_eq!(
            module_names(
                "os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"config.settings.production\")"
            ),
            vec!["config.settings.production"]
        );
        assert_eq!(
            module_names("  - DJANGO_SETTINGS_MODULE=mysite.settings\n"),
            vec!["mysite.settings"]
        );
        assert_eq!(
            module_names("DJANGO_SETTINGS_MODULE: app.settings.prod\n"),
            vec!["app.settings.prod"]
        );
        assert!(module_names("DJANGO_SETTINGS_MODULE").is_empty());
    }

    #[test]
    fn settings_files_are_recognised_by_name_and_package() {
        assert!(is_settings_file(Path::new("mysite/settings.py")));
        assert!(is_settings_file(Path::new("config/settings/production.py")));
        assert!(is_settings_file(Path::new("settings_prod.py")));
        assert!(!is_settings_file(Path::new("app/views.py")));
    }

    #[test]
    fn compose_names() {
        assert!(is_compose_name("docker-compose.prod.yml"));
        assert!(is_compose_name("compose.yaml"));
        assert!(compose_is_development("docker-compose.override.yml"));
        assert!(compose_is_development("compose.dev.yaml"));
        assert!(!compose_is_development("docker-compose.production.yml"));
    }
}
