//! Finding the connection URL: the command line, the environment, or the project's `.env`.
//!
//! Only one variable is needed, so this reads `.env` with a deliberately small lookup
//! (`KEY=value`, `export KEY=value`, single or double quotes, trailing comments) rather than a
//! full dotenv implementation; the last assignment wins, as with most loaders.

use std::path::Path;

use preflight_findings::Redacted;

use crate::{Config, DbError};

/// `.env` files larger than this are not read.
const MAX_DOTENV_BYTES: u64 = 1 << 20;

/// The URL to check: `explicit` if given, else the configured variable from the environment,
/// else from `root/.env`. The URL is returned redacted: it holds the password.
pub fn resolve_url(
    explicit: Option<&str>,
    config: &Config,
    root: &Path,
) -> Result<Redacted, DbError> {
    if let Some(url) = explicit {
        return Ok(Redacted::new(url));
    }
    let name = config.url_env.as_str();
    if let Some(url) = std::env::var_os(name).filter(|v| !v.is_empty()) {
        return Ok(Redacted::new(url.to_string_lossy()));
    }
    let path = root.join(".env");
    let shown = path.display().to_string();
    let size = match std::fs::metadata(&path) {
        Ok(meta) => meta.len(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(DbError::NoUrl {
                variable: name.to_string(),
            });
        }
        Err(err) => {
            return Err(DbError::DotEnv {
                path: shown,
                reason: err.to_string(),
            });
        }
    };
    if size > MAX_DOTENV_BYTES {
        return Err(DbError::DotEnv {
            path: shown,
            reason: format!("larger than {MAX_DOTENV_BYTES} bytes"),
        });
    }
    let bytes = std::fs::read(&path).map_err(|err| DbError::DotEnv {
        path: shown,
        reason: err.to_string(),
    })?;
    lookup(&String::from_utf8_lossy(&bytes), name)
        .filter(|v| !v.is_empty())
        .map(Redacted::new)
        .ok_or_else(|| DbError::NoUrl {
            variable: name.to_string(),
        })
}

/// The value `text` assigns to `name`, if any.
fn lookup(text: &str, name: &str) -> Option<String> {
    let mut found = None;
    for line in text.lines() {
        let line = line.trim_start();
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim_end() == name {
            found = Some(unquote(value.trim()));
        }
    }
    found
}

fn unquote(value: &str) -> String {
    for quote in ['"', '\''] {
        if let Some(rest) = value.strip_prefix(quote) {
            return match rest.find(quote) {
                Some(end) => rest[..end].to_string(),
                None => rest.to_string(),
            };
        }
    }
    match value.find(" #") {
        Some(comment) => value[..comment].trim_end().to_string(),
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_plain_exported_quoted_and_commented_values() {
        let text = "# comment\nOTHER=1\nexport DATABASE_URL = \"postgres://a:b@h/d\"\n";
        assert_eq!(
            lookup(text, "DATABASE_URL").as_deref(),
            Some("postgres://a:b@h/d")
        );
        assert_eq!(
            lookup("DATABASE_URL=postgres://h/d # local\n", "DATABASE_URL").as_deref(),
            Some("postgres://h/d")
        );
        assert_eq!(
            lookup("DATABASE_URL='x'\nDATABASE_URL='y'", "DATABASE_URL").as_deref(),
            Some("y")
        );
        assert_eq!(lookup("DATABASE_URL_2=x", "DATABASE_URL"), None);
    }

    #[test]
    fn reads_the_project_env_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".env"),
            b"PREFLIGHT_TEST_DB_URL=postgres://h/d\n\xff\n",
        )
        .unwrap();
        let config = Config {
            url_env: "PREFLIGHT_TEST_DB_URL".into(),
            ..Config::default()
        };
        let url = resolve_url(None, &config, dir.path()).unwrap();
        assert_eq!(url.expose(), "postgres://h/d");
        let missing = Config {
            url_env: "PREFLIGHT_TEST_DB_URL_MISSING".into(),
            ..Config::default()
        };
        assert!(matches!(
            resolve_url(None, &missing, dir.path()),
            Err(DbError::NoUrl { .. })
        ));
        assert_eq!(
            resolve_url(Some("x"), &missing, dir.path())
                .unwrap()
                .expose(),
            "x"
        );
    }
}
