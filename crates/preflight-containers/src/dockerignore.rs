//! `.dockerignore`: which paths of a build context the builder leaves out.
//!
//! The rules follow the builder's: one pattern a line, `#` comments, `!` re-includes, a leading
//! `/` or `./` means the context root, `*` and `?` stop at `/` while `**` crosses directories,
//! the last matching pattern decides, and a pattern that matches a directory leaves out
//! everything inside it. A `<Dockerfile>.dockerignore` beside the Dockerfile replaces the
//! context's `.dockerignore`.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

/// Ignore files larger than this are not read.
const MAX_BYTES: u64 = 1024 * 1024;

/// The compiled patterns of one ignore file.
#[derive(Debug, Clone)]
pub struct DockerIgnore {
    /// Where the patterns came from.
    pub path: PathBuf,
    rules: Vec<(GlobMatcher, bool)>,
    /// Patterns that did not compile, with their 1-based line.
    pub invalid: Vec<u32>,
}

impl DockerIgnore {
    /// Reads the ignore file that applies to `dockerfile` built with `context`: the
    /// Dockerfile-specific one when it exists, else the context's. `None` when neither exists
    /// or the file cannot be read.
    pub fn load(context: &Path, dockerfile: &Path) -> Option<Self> {
        let specific = dockerfile.file_name().map(|name| {
            let mut name = name.to_os_string();
            name.push(".dockerignore");
            dockerfile.with_file_name(name)
        });
        let path = specific
            .filter(|p| p.is_file())
            .unwrap_or_else(|| context.join(".dockerignore"));
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > MAX_BYTES {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        let mut ignore = DockerIgnore::parse(&String::from_utf8_lossy(&bytes));
        ignore.path = path;
        Some(ignore)
    }

    /// Compiles the text of an ignore file.
    pub fn parse(text: &str) -> Self {
        let mut rules = Vec::new();
        let mut invalid = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (negate, pattern) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let pattern = clean(pattern);
            if pattern.is_empty() {
                continue;
            }
            match GlobBuilder::new(&pattern)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
            {
                Ok(glob) => rules.push((glob.compile_matcher(), negate)),
                Err(_) => invalid.push(u32::try_from(i + 1).unwrap_or(u32::MAX)),
            }
        }
        DockerIgnore {
            path: PathBuf::new(),
            rules,
            invalid,
        }
    }

    /// Whether the context path `rel` (`/`-separated, relative to the context) is left out.
    pub fn excludes(&self, rel: &str) -> bool {
        let rel = clean(rel);
        let mut excluded = false;
        for (glob, negate) in &self.rules {
            let matches = prefixes(&rel).any(|p| glob.is_match(p));
            if matches {
                excluded = !negate;
            }
        }
        excluded
    }

    /// Whether `.env` files at the context root (`.env`, `.env.production`) are left out.
    pub fn excludes_env_files(&self) -> bool {
        [".env", ".env.production", ".env.local"]
            .iter()
            .all(|p| self.excludes(p))
    }
}

/// `rel` and every directory above it: `a/b/c`, `a/b`, `a`.
fn prefixes(rel: &str) -> impl Iterator<Item = &str> {
    std::iter::once(rel).chain(
        rel.char_indices()
            .rev()
            .filter(|&(_, c)| c == '/')
            .map(move |(i, _)| &rel[..i]),
    )
}

/// A pattern or path without leading `/` or `./`, `.` components or a trailing `/`.
fn clean(pattern: &str) -> String {
    let parts: Vec<&str> = pattern
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_patterns() {
        for text in [
            ".env",
            ".env*",
            "**/.env*",
            "/.env*\n",
            "*",
            "# c\n.env\n.env.*\n",
        ] {
            let ignore = DockerIgnore::parse(text);
            assert!(ignore.excludes(".env"), "{text:?}");
        }
        assert!(DockerIgnore::parse("**/.env*").excludes("app/.env.local"));
        assert!(!DockerIgnore::parse(".env*").excludes("app/.env"));
        assert!(!DockerIgnore::parse("*.pyc\nnode_modules\n").excludes(".env"));
        assert!(!DockerIgnore::parse(".env*\n!.env").excludes(".env"));
        assert!(DockerIgnore::parse("secrets/").excludes("secrets/.env"));
        assert!(DockerIgnore::parse("*\n!src\n").excludes(".env"));
        assert!(!DockerIgnore::parse("*\n!src\n").excludes("src/main.py"));
    }

    #[test]
    fn all_env_files_must_be_left_out() {
        assert!(DockerIgnore::parse(".env*").excludes_env_files());
        assert!(!DockerIgnore::parse(".env").excludes_env_files());
        assert!(DockerIgnore::parse(".env\n.env.*\n").excludes_env_files());
    }

    #[test]
    fn invalid_patterns_are_listed() {
        let ignore = DockerIgnore::parse("ok\n[unclosed\n");
        assert_eq!(ignore.invalid, [2]);
        assert!(ignore.excludes("ok"));
    }
}
