//! Configuration files.
//!
//! preflight reads, in order of precedence: the file given with `--config`, `preflight.toml` in the
//! project root, or the `[tool.preflight]` table of `pyproject.toml` there. Every table rejects
//! unknown keys, and every error names the file, the line and the key, because a misspelt
//! allowlist that silently does nothing is worse than no allowlist.
//!
//! Each check owns the type of its own section (`[env]`, `[web]`, `[db]`, ...); this module only
//! composes them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use preflight_findings::Severity;
use serde::Deserialize;

/// Path and value allowlists.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Allowlist {
    /// Globs of paths whose findings are hidden (`tests/fixtures/**`).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Regular expressions; a secret whose whole value matches one is hidden.
    #[serde(default)]
    pub values: Vec<String>,
}

/// The whole configuration.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Exit with status 1 when a finding reaches this severity (default `low`).
    pub fail_on: Option<Severity>,
    /// Report only findings at or above this severity (default `info`).
    pub min_severity: Option<Severity>,
    /// Rule ids or finding codes to disable; `stripe` disables every `stripe.*` id, `aws.sec*` a prefix.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Severity overrides by rule id or finding code.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Path and value allowlists.
    #[serde(default)]
    pub allowlist: Allowlist,
    /// A baseline file, relative to the configuration file.
    pub baseline: Option<PathBuf>,
    /// The `[scan]` section: size limit, binary files, ignore files, rules not to run.
    #[serde(default)]
    pub scan: preflight_secrets::ScanConfig,
    /// Custom secret rules (`[[rules]]`), in the schema of the built-in rule files.
    #[serde(default)]
    pub rules: Vec<preflight_rules::RuleSpec>,
    /// A file of custom secret rules, relative to the configuration file: preflight's rule
    /// format or a gitleaks configuration.
    pub rules_file: Option<PathBuf>,
    /// The `[web]` section: sites for `preflight web` and `preflight check --live`.
    #[serde(default)]
    pub web: preflight_web::Config,
    /// The `[env]` policy: each variable's kind and whether it is required per profile.
    #[serde(default)]
    pub env: preflight_env::Config,
    /// The `[db]` section: the URL variable, password length and schema for `preflight db`.
    #[serde(default)]
    pub db: preflight_db::Config,
    /// The file this configuration came from, if any.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// `pyproject.toml`, of which only `[tool.preflight]` matters.
#[derive(Debug, Default, Deserialize)]
struct Pyproject {
    #[serde(default)]
    tool: PyprojectTools,
}

#[derive(Debug, Default, Deserialize)]
struct PyprojectTools {
    preflight: Option<Config>,
}

impl Config {
    /// Loads the configuration for a project rooted at `root`, or from `explicit` when given.
    pub fn load(explicit: Option<&Path>, root: &Path) -> anyhow::Result<Config> {
        if let Some(path) = explicit {
            let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
            let config = if is_pyproject {
                Self::from_pyproject(path)?
            } else {
                Some(Self::from_file(path)?)
            };
            return Ok(config.unwrap_or_default());
        }
        let preflight_toml = root.join("preflight.toml");
        if preflight_toml.is_file() {
            return Self::from_file(&preflight_toml);
        }
        let pyproject = root.join("pyproject.toml");
        if pyproject.is_file() {
            return Ok(Self::from_pyproject(&pyproject)?.unwrap_or_default());
        }
        Ok(Config::default())
    }

    fn from_file(path: &Path) -> anyhow::Result<Config> {
        Self::from_toml(path, &read(path)?)
    }

    fn from_pyproject(path: &Path) -> anyhow::Result<Option<Config>> {
        Self::from_pyproject_toml(path, &read(path)?)
    }

    /// Parses `text`, the content of the `preflight.toml` at `path`.
    pub fn from_toml(path: &Path, text: &str) -> anyhow::Result<Config> {
        let mut config: Config = parse(path, text)?;
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses the `[tool.preflight]` table of `text`, the content of the `pyproject.toml` at
    /// `path`; `None` when it has none.
    pub fn from_pyproject_toml(path: &Path, text: &str) -> anyhow::Result<Option<Config>> {
        let pyproject: Pyproject = parse(path, text)?;
        Ok(pyproject.tool.preflight.map(|mut config| {
            config.source = Some(path.to_path_buf());
            config
        }))
    }

    /// A path from the configuration, resolved against the configuration file's directory.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        match self.source.as_deref().and_then(Path::parent) {
            Some(dir) if path.is_relative() => dir.join(path),
            _ => path.to_path_buf(),
        }
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn parse<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> anyhow::Result<T> {
    toml::from_str(text)
        .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.to_string().trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn reads_preflight_toml_before_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "pyproject.toml",
            "[tool.preflight]\nfail-on = \"high\"\n",
        );
        assert_eq!(
            Config::load(None, dir.path()).unwrap().fail_on,
            Some(Severity::High)
        );
        write(dir.path(), "preflight.toml", "fail-on = \"critical\"\n");
        assert_eq!(
            Config::load(None, dir.path()).unwrap().fail_on,
            Some(Severity::Critical)
        );
    }

    #[test]
    fn pyproject_without_our_table_is_the_default() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "pyproject.toml",
            "[project]\nname = \"x\"\n[tool.black]\nline-length = 99\n",
        );
        let config = Config::load(None, dir.path()).unwrap();
        assert!(config.fail_on.is_none() && config.source.is_none());
    }

    #[test]
    fn unknown_keys_name_file_line_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "preflight.toml",
            "fail-on = \"high\"\n\n[allowlist]\npaths = []\nvalue = [\"x\"]\n",
        );
        let err = Config::load(None, dir.path()).unwrap_err().to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains("line 5"), "{err}");
        assert!(err.contains("value"), "{err}");
    }

    #[test]
    fn errors_inside_pyproject_point_at_the_pyproject_line() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "pyproject.toml",
            "[project]\nname = \"x\"\n\n[tool.preflight]\nfail-on = \"severe\"\n",
        );
        let err = Config::load(None, dir.path()).unwrap_err().to_string();
        assert!(err.contains("line 5"), "{err}");
        assert!(err.contains("severe"), "{err}");
    }

    #[test]
    fn relative_paths_resolve_against_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "preflight.toml",
            "baseline = \".preflight-baseline.json\"\n",
        );
        let config = Config::load(Some(&path), Path::new("/elsewhere")).unwrap();
        assert_eq!(
            config.resolve(config.baseline.as_deref().unwrap()),
            dir.path().join(".preflight-baseline.json")
        );
    }
}
