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

/// Env files larger than this are not read to judge what they hold.
const MAX_ENV_BYTES: u64 = 1024 * 1024;

/// Whether the env file at `path` assigns a literal to a secret-named variable (`SECRET_KEY=...`,
/// `DATABASE_URL` with a password); `None` when it does not exist or cannot be read.
pub fn holds_secret(path: &Path) -> Option<bool> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_ENV_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    Some(text.lines().any(|line| {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        line.split_once('=').is_some_and(|(name, value)| {
            let value = value.trim().trim_matches(['"', '\'']);
            crate::names::is_literal_secret(name.trim(), value)
        })
    }))
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
    fn env_files_holding_secrets() {
        let dir = tempfile::tempdir().expect("tempdir");
        let secret = dir.path().join(".env");
        std::fs::write(&secret, "DEBUG=false\nexport DB_PASSWORD='Vq3k8LmZp2Rw'\n").expect("write"); // preflight:allow
        let plain = dir.path().join(".env.local");
        std::fs::write(
            &plain,
            "VITE_API_URL=http://localhost:8000\nSECRET_KEY=${SECRET_KEY}\n",
        )
        .expect("write");
        assert_eq!(holds_secret(&secret), Some(true));
        assert_eq!(holds_secret(&plain), Some(false));
        assert_eq!(holds_secret(&dir.path().join("missing")), None);
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
