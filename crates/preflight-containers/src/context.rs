//! Env files in a build context.
//!
//! The builder sends the whole context directory, whatever `.gitignore` says, so the walk does
//! not honour git's ignore rules: a `.env` that git ignores is still copied by `COPY . .`. It
//! skips `.git` and `node_modules`, and stops at a depth and an entry count so that a huge
//! context cannot stall the run.

use std::path::{Path, PathBuf};

/// Directories deeper than this below the context are not walked.
const MAX_DEPTH: usize = 8;

/// The walk stops after this many entries.
const MAX_ENTRIES: usize = 50_000;

/// Name parts that mark an example of an env file rather than a real one.
const EXAMPLE_PARTS: &[&str] = &[
    "example", "sample", "template", "dist", "tmpl", "tpl", "defaults",
];

/// Whether a file name is an env file holding real settings: `.env`, `.env.production`,
/// `prod.env`; not `.env.example` or `.env.sample`.
pub fn is_env_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let env = lower == ".env" || lower.starts_with(".env.") || lower.ends_with(".env");
    env && !is_example_name(&lower)
}

/// Whether a file name marks an example (`.env.example`, `sample.env`, `.env.dist`).
pub fn is_example_name(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(['.', '-', '_'])
        .any(|part| EXAMPLE_PARTS.contains(&part))
}

/// The env files found in a build context, as context-relative `/`-separated paths.
#[derive(Debug, Default)]
pub struct EnvFiles {
    files: Vec<PathBuf>,
}

/// Finds the env files of the context at `context`.
pub fn env_files(context: &Path) -> EnvFiles {
    let walk = ignore::WalkBuilder::new(context)
        .standard_filters(false)
        .max_depth(Some(MAX_DEPTH))
        .filter_entry(|e| {
            let name = e.file_name();
            name != ".git" && name != "node_modules"
        })
        .build();
    let files = walk
        .take(MAX_ENTRIES)
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter(|e| is_env_file(&e.file_name().to_string_lossy()))
        .map(ignore::DirEntry::into_path)
        .collect();
    EnvFiles { files }
}

impl EnvFiles {
    /// The env files under `dir`, relative to `context`.
    pub fn under(&self, context: &Path, dir: &Path) -> Vec<String> {
        self.files
            .iter()
            .filter(|f| f.starts_with(dir))
            .filter_map(|f| f.strip_prefix(context).ok())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect()
    }
}

/// A directory as shown in messages: its last component, or `.`.
pub fn shown_dir(dir: &Path) -> String {
    dir.file_name()
        .map(|n| format!("{}/", n.to_string_lossy()))
        .unwrap_or_else(|| ".".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_names() {
        for name in [
            ".env",
            ".env.production",
            ".ENV.local",
            "prod.env",
            ".env.docker",
        ] {
            assert!(is_env_file(name), "{name}");
        }
        for name in [
            ".env.example",
            ".env.sample",
            "env.py",
            ".envrc",
            "example.env",
            ".env.dist",
        ] {
            assert!(!is_env_file(name), "{name}");
        }
    }

    #[test]
    fn finds_env_files_that_git_ignores() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(".gitignore"), ".env\n").expect("write");
        std::fs::write(dir.path().join(".env"), "A=1\n").expect("write");
        std::fs::create_dir_all(dir.path().join("app/node_modules")).expect("mkdir");
        std::fs::write(dir.path().join("app/.env.local"), "A=1\n").expect("write");
        std::fs::write(dir.path().join("app/node_modules/.env"), "A=1\n").expect("write");
        std::fs::write(dir.path().join("app/.env.example"), "A=\n").expect("write");
        let found = env_files(dir.path());
        let mut all = found.under(dir.path(), dir.path());
        all.sort();
        assert_eq!(all, [".env", "app/.env.local"]);
        assert_eq!(
            found.under(dir.path(), &dir.path().join("app")),
            ["app/.env.local"]
        );
    }
}
