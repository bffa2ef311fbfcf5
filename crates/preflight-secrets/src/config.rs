//! The scan settings a user can put in configuration (`[scan]` in `preflight.toml`).

use preflight_findings::id_matches;
use serde::Deserialize;

/// Settings of a secret scan, shared by the configuration file and the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScanConfig {
    /// Files larger than this many bytes are skipped with a warning (default 50 MiB).
    #[serde(default)]
    pub max_file_size: Option<u64>,
    /// Scan binary files too.
    #[serde(default)]
    pub binary: bool,
    /// Do not honour `.gitignore`, `.ignore` and `.git/info/exclude`.
    #[serde(default)]
    pub no_ignore: bool,
    /// Rules not to run: an id (`stripe.secret-key`), a provider (`stripe`), or a prefix ending
    /// in `*` (`generic.*`).
    #[serde(default)]
    pub disable: Vec<String>,
}

impl ScanConfig {
    /// Whether the rule `id` is disabled.
    pub fn is_disabled(&self, id: &str) -> bool {
        self.disable.iter().any(|pattern| id_matches(pattern, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kebab_case_and_rejects_unknown_keys() {
        let config: ScanConfig =
            toml::from_str("max-file-size = 10\nbinary = true\ndisable = ['stripe', 'generic.*']")
                .unwrap();
        assert_eq!(config.max_file_size, Some(10));
        assert!(config.is_disabled("stripe.secret-key"));
        assert!(config.is_disabled("generic.password-assignment"));
        assert!(!config.is_disabled("stripe-like.key"));
        assert!(toml::from_str::<ScanConfig>("max_file_size = 10").is_err());
    }
}
