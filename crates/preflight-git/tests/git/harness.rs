//! Building repositories with the real `git`, and a scanner that finds marker strings.

use std::path::{Path, PathBuf};
use std::process::Command;

use preflight_findings::{Finding, Location, Redacted, Severity};
use preflight_git::BlobScanner;

/// A repository in a temporary directory.
pub struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// An empty repository on branch `main` with a fixed identity.
    pub fn init() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = Repo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Dev One"]);
        repo.git(&["config", "user.email", "dev@example.com"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    /// The work tree.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs git with `args`, returning its trimmed standard output; panics when it fails.
    pub fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args)
    }

    /// Writes a file (creating parent directories).
    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().expect("a parent")).expect("mkdir");
        std::fs::write(full, contents).expect("write");
    }

    /// Writes files, stages everything and commits; returns the new commit id.
    pub fn commit(&self, files: &[(&str, &str)], message: &str) -> String {
        for (path, contents) in files {
            self.write(path, contents);
        }
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// A path inside the work tree.
    pub fn join(&self, path: &str) -> PathBuf {
        self.path().join(path)
    }
}

/// Runs git in `dir` with a fixed environment.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_DATE", "2024-03-01T10:00:00+01:00")
        .env("GIT_COMMITTER_DATE", "2024-03-01T10:00:00+01:00")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Reports every `SECRET-` followed by letters and digits as a `test.marker` secret.
pub struct Markers;

impl BlobScanner for Markers {
    type Scratch = usize;

    fn scratch(&self) -> usize {
        0
    }

    fn scan(&self, bytes: &[u8], path: &str, calls: &mut usize) -> Vec<Finding> {
        *calls += 1;
        let mut found = Vec::new();
        let needle = b"SECRET-";
        let mut line = 1u32;
        let mut line_start = 0usize;
        let mut i = 0usize;
        while i < bytes.len() {
            if bytes[i] == b'\n' {
                line += 1;
                line_start = i + 1;
            }
            if bytes[i..].starts_with(needle) {
                let end = bytes[i + needle.len()..]
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric())
                    .map_or(bytes.len(), |n| i + needle.len() + n);
                let value = Redacted::from_bytes(&bytes[i..end]);
                let column = (i - line_start + 1) as u32;
                found.push(Finding::secret(
                    "test.marker",
                    Severity::High,
                    "test marker",
                    Location::file(path, line, column),
                    value,
                ));
                i = end;
                continue;
            }
            i += 1;
        }
        found
    }
}

/// The finding whose secret is `value`.
pub fn find<'a>(findings: &'a [Finding], value: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.secret.as_ref().is_some_and(|s| s.expose() == value))
        .unwrap_or_else(|| {
            let ids: Vec<String> = findings.iter().map(|f| f.location.to_string()).collect();
            panic!("no finding for {value}; found at {ids:?}")
        })
}
