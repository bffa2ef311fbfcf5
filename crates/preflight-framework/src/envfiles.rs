//! The values the project's env files give for production.
//!
//! Settings read from the environment are judged twice: once by the default written in the code
//! (what runs when the variable is unset) and once by the value the project's env files give for
//! production. The production files are the dotenv files whose name or directory says production
//! (`.env.production`, `.env.prod`, `.envs/.production/.django`); when there are none, the files
//! that name no profile (`.env`), as the env check reads an unnamed file with its default
//! profile. Files for development, staging or tests are never used. Entries whose value refers to
//! a variable the file does not define are skipped: their value is decided elsewhere.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use preflight_env::Profile;
use preflight_env::dotenv;
use preflight_findings::Warning;

use crate::walk::{read_limited, relative};

/// Where an environment variable's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvSource {
    /// The default written in the code; no env file sets the variable.
    Default,
    /// A project env file for production sets it.
    File {
        /// The file, relative to the project root.
        path: String,
        /// The 1-based line of the assignment.
        line: u32,
    },
    /// Neither a default nor an env file: the value is decided at deploy time.
    Unset,
}

/// One variable's value from an env file.
#[derive(Clone)]
pub struct EnvValue {
    /// The value.
    pub value: String,
    /// The file, relative to the project root.
    pub path: String,
    /// The 1-based line.
    pub line: u32,
}

impl std::fmt::Debug for EnvValue {
    // Values may be secrets: only where they are is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvValue")
            .field("path", &self.path)
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

/// The environment a settings module is evaluated in.
#[derive(Debug, Clone, Default)]
pub struct EnvView {
    vars: HashMap<String, EnvValue>,
}

impl EnvView {
    /// No env file values: every read falls back to its default.
    pub fn defaults() -> Self {
        EnvView::default()
    }

    /// The value a project env file gives `name`.
    pub fn get(&self, name: &str) -> Option<&EnvValue> {
        self.vars.get(name)
    }

    /// The value of `name` compared without case, as pydantic settings read names.
    pub fn get_ignore_case(&self, name: &str) -> Option<&EnvValue> {
        self.vars.get(name).or_else(|| {
            self.vars
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
    }

    /// Whether no file gives any value.
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    /// The production view of the project's env files, with a warning per unreadable file.
    pub fn production(root: &Path) -> (EnvView, Vec<Warning>) {
        let mut warnings = Vec::new();
        let files: Vec<PathBuf> = discover(root)
            .into_iter()
            .filter(|f| !in_tooling_dir(root, f))
            .collect();
        let production: Vec<&PathBuf> = files
            .iter()
            .filter(|f| profile_of(root, f) == Some(Profile::Production))
            .collect();
        let chosen: Vec<&PathBuf> = if production.is_empty() {
            files
                .iter()
                .filter(|f| profile_of(root, f).is_none())
                .collect()
        } else {
            production
        };
        let mut view = EnvView::default();
        for file in chosen {
            let shown = relative(root, file);
            let bytes = match read_limited(file) {
                Ok(bytes) => bytes,
                Err(message) => {
                    warnings.push(Warning::at(&shown, message));
                    continue;
                }
            };
            let document = dotenv::parse(&bytes);
            for entry in document.effective() {
                if entry.unresolved || entry.lossy {
                    continue;
                }
                view.vars.insert(
                    entry.key.clone(),
                    EnvValue {
                        value: entry.value.clone(),
                        path: shown.clone(),
                        line: entry.line,
                    },
                );
            }
        }
        (view, warnings)
    }

    /// A view holding exactly these values.
    #[cfg(test)]
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, EnvValue)>) -> Self {
        EnvView {
            vars: pairs.into_iter().collect(),
        }
    }
}

/// The project's dotenv files: the ones the env check finds, and the files under `.envs/`
/// (the layout cookiecutter-django uses: `.envs/.production/.django`).
pub fn discover(root: &Path) -> Vec<PathBuf> {
    let mut files = preflight_env::check::discover(root);
    let envs = root.join(".envs");
    if envs.is_dir() {
        let walker = ignore::WalkBuilder::new(&envs)
            .standard_filters(false)
            .max_depth(Some(3))
            .build();
        for entry in walker.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().is_some_and(|t| t.is_file())
                && !preflight_env::check::is_example_name(&name)
                && !files.contains(&entry.path().to_path_buf())
            {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    files
}

/// Directories whose env files serve editors, CI or tests, never a deployment.
const TOOLING_DIRS: &[&str] = &[
    ".devcontainer",
    "devcontainer",
    ".github",
    ".gitlab",
    ".circleci",
    "tests",
    "test",
    "docs",
    "examples",
];

/// Whether `file` is under a directory of [`TOOLING_DIRS`].
fn in_tooling_dir(root: &Path, file: &Path) -> bool {
    let shown = file.strip_prefix(root).unwrap_or(file);
    shown.parent().is_some_and(|dir| {
        dir.components()
            .any(|c| TOOLING_DIRS.contains(&c.as_os_str().to_string_lossy().as_ref()))
    })
}

/// The profile a file's name, or else one of its directories' names, implies.
pub fn profile_of(root: &Path, file: &Path) -> Option<Profile> {
    let shown = file.strip_prefix(root).unwrap_or(file);
    let mut parts: Vec<String> = shown
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.reverse();
    parts.iter().find_map(|part| {
        Profile::from_file_name(part)
            .or_else(|| Profile::from_file_name(&format!(".{}", part.trim_start_matches('.'))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_files_win_over_unnamed_ones() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(".env"), "DEBUG=True\n").expect("write");
        std::fs::write(dir.path().join(".env.production"), "DEBUG=False\n").expect("write");
        let (view, warnings) = EnvView::production(dir.path());
        assert!(warnings.is_empty());
        let debug = view.get("DEBUG").expect("DEBUG read");
        assert_eq!(debug.value, "False");
        assert_eq!(debug.path, ".env.production");
    }

    #[test]
    fn unnamed_files_count_when_no_production_file_exists_and_dev_files_never() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(".env"), "A=1\n").expect("write");
        std::fs::write(dir.path().join(".env.local"), "B=1\n").expect("write");
        let (view, _) = EnvView::production(dir.path());
        assert!(view.get("A").is_some());
        assert!(view.get("B").is_none());
    }

    #[test]
    fn editor_and_ci_env_files_are_never_production() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join(".devcontainer")).expect("mkdir");
        std::fs::write(
            dir.path().join(".devcontainer/backend.env"),
            "SECRET_KEY=x\n",
        )
        .expect("write");
        let (view, _) = EnvView::production(dir.path());
        assert!(view.is_empty());
    }

    #[test]
    fn cookiecutter_env_directories_name_the_profile() {
        let dir = tempfile::tempdir().expect("temp dir");
        let prod = dir.path().join(".envs/.production");
        let local = dir.path().join(".envs/.local");
        std::fs::create_dir_all(&prod).expect("mkdir");
        std::fs::create_dir_all(&local).expect("mkdir");
        std::fs::write(prod.join(".django"), "DJANGO_DEBUG=False\n").expect("write");
        std::fs::write(local.join(".django"), "DJANGO_DEBUG=True\n").expect("write");
        let (view, _) = EnvView::production(dir.path());
        let debug = view.get("DJANGO_DEBUG").expect("read");
        assert_eq!(debug.value, "False");
        assert_eq!(debug.path, ".envs/.production/.django");
    }
}
