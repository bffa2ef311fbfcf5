//! Finding the project's files: honours `.gitignore` like the rest of preflight and never enters
//! vendored or generated directories.

use std::path::{Path, PathBuf};

/// Python and deployment files larger than this are reported and skipped: settings modules and
/// app entry points are a few kilobytes, and a parse of a generated giant would only cost time.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Directories that hold other people's code or build output.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    ".venv",
    "venv",
    "env",
    ".tox",
    ".nox",
    "site-packages",
    "__pycache__",
    "target",
    "dist",
    "build",
    ".mypy_cache",
    ".pytest_cache",
];

/// Every file under `root` that `keep` accepts by name, in path order.
pub fn files(root: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .filter_entry(|entry| {
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && entry.depth() > 0
                && SKIPPED_DIRS.iter().any(|d| entry.file_name() == *d))
        })
        .build();
    let mut found: Vec<PathBuf> = walker
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter(|e| keep(&e.file_name().to_string_lossy()))
        .map(ignore::DirEntry::into_path)
        .collect();
    found.sort();
    found
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`]; the error is a warning's message.
pub fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !metadata.is_file() {
        return Err("not a regular file; skipped".into());
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{} bytes is larger than the {} byte limit for settings and app files; not checked",
            metadata.len(),
            MAX_FILE_BYTES
        ));
    }
    std::fs::read(path).map_err(|e| format!("cannot read: {e}"))
}

/// Whether the bytes look binary (a NUL byte in the first 8 KiB).
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8192).any(|&b| b == 0)
}

/// `path` relative to `root` with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path);
    let text = shown.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendored_directories_are_not_entered() {
        let dir = tempfile::tempdir().expect("temp dir");
        for sub in ["app", ".venv/lib", "node_modules/x"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
            std::fs::write(dir.path().join(sub).join("settings.py"), "A = 1\n").expect("write");
        }
        let found = files(dir.path(), |n| n.ends_with(".py"));
        assert_eq!(found.len(), 1);
        assert!(found[0].ends_with("app/settings.py"));
    }

    #[test]
    fn large_files_are_refused_with_a_reason() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("big.py");
        std::fs::write(&path, vec![b'#'; (MAX_FILE_BYTES + 1) as usize]).expect("write");
        let error = read_limited(&path).expect_err("too large");
        assert!(error.contains("limit"));
    }
}
