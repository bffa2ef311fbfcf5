//! The policy: what each variable must be, per profile.
//!
//! [`Config`] is the `[env]` section exactly as written (serde, unknown keys rejected, so a typo
//! is an error with its line). [`Policy::compile`] turns it into checked rules: kinds are
//! resolved, regexes compiled, options that do not apply to a kind rejected. Those semantic
//! errors cannot carry a line from the deserialiser, so each names its variable and key
//! (`[env.vars.DATABASE_URL] kind`), and [`PolicyError::locate`] finds the line in the source
//! text for the caller that has it.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use regex::Regex;
use serde::Deserialize;

/// The deployment a file or environment is for; it decides what is an error and what a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Profile {
    /// Live traffic: every weakness is an error.
    #[default]
    Production,
    /// A copy of production for testing: test keys allowed, otherwise strict.
    Staging,
    /// A developer's machine: most findings are warnings.
    Development,
}

impl Profile {
    /// All profiles.
    pub const ALL: [Profile; 3] = [Profile::Production, Profile::Staging, Profile::Development];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Production => "production",
            Profile::Staging => "staging",
            Profile::Development => "development",
        }
    }

    /// The profile a dotenv file's name implies (`.env.production`, `.env.staging`,
    /// `.env.development`, `.env.local`, `.env.dev`, `.env.prod`, `.env.test`, `.env.ci`), if
    /// any. Also asked of directory names: `.devcontainer/` holds a development container's.
    pub fn from_file_name(name: &str) -> Option<Profile> {
        let lower = name.to_ascii_lowercase();
        let parts: Vec<&str> = lower.split('.').collect();
        parts.iter().rev().find_map(|part| match *part {
            "production" | "prod" => Some(Profile::Production),
            "staging" | "stage" => Some(Profile::Staging),
            "development" | "dev" | "local" | "test" | "testing" | "e2e" | "ci"
            | "devcontainer" => Some(Profile::Development),
            _ => None,
        })
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profile::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown profile `{s}` (expected production, staging or development)")
            })
    }
}

/// The `[env]` section of `preflight.toml` (or `[tool.preflight.env]` in `pyproject.toml`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The profile used when neither `--profile` nor the file name gives one.
    pub profile: Option<String>,
    /// Dotenv files to check, relative to the root; empty means the project's `.env*` files.
    pub files: Vec<String>,
    /// Infer the kind of variables the policy does not list from their names.
    pub infer: bool,
    /// Read the project's source code for the variables it requires.
    pub scan_code: bool,
    /// Minimum length of a secret (default 32).
    pub min_secret_length: Option<usize>,
    /// Minimum length of a database password (default 20).
    pub min_password_length: Option<usize>,
    /// Accept `localhost` database hosts in production.
    pub allow_localhost: bool,
    /// One entry per variable.
    pub vars: BTreeMap<String, VarConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            profile: None,
            files: Vec::new(),
            infer: true,
            scan_code: true,
            min_secret_length: None,
            min_password_length: None,
            allow_localhost: false,
            vars: BTreeMap::new(),
        }
    }
}

/// Whether a variable is required: `true`, `false`, or a list of profiles.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Required {
    /// Required in every profile, or in none.
    Always(bool),
    /// Required in these profiles.
    In(Vec<String>),
}

impl Default for Required {
    fn default() -> Self {
        Required::Always(false)
    }
}

/// One variable of the policy, as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct VarConfig {
    /// The kind: `secret`, `api_key`, `postgres_url`, `database_url`, `url`, `https_url`,
    /// `email`, `host_list`, `cors_origins`, `bool`, `int`, `enum`, `path`, `string`.
    pub kind: Option<String>,
    /// Whether the variable must be set (per profile).
    pub required: Required,
    /// For `api_key`: the key's provider and type, such as `openai`, `stripe`,
    /// `stripe.webhook-secret`, `twilio.account-sid`, `xero.tenant-id`.
    pub provider: Option<String>,
    /// For `secret`: the minimum length.
    pub min_length: Option<usize>,
    /// For `secret`: apply Django's rules (50 characters, 5 distinct, no `django-insecure-`).
    pub django: bool,
    /// For `int`: the smallest value allowed.
    pub min: Option<i64>,
    /// For `int`: the largest value allowed.
    pub max: Option<i64>,
    /// For `enum`: the values allowed.
    pub values: Vec<String>,
    /// For `string`: a regular expression the value must match.
    pub pattern: Option<String>,
    /// For `path`: whether the path must exist (default true).
    pub must_exist: Option<bool>,
    /// For `path`: the file holds a private key and must not be group- or world-readable.
    pub key_file: bool,
    /// For database URLs: the minimum password length (overrides the section's).
    pub min_password_length: Option<usize>,
    /// For database URLs: accept a `localhost` host in production.
    pub allow_localhost: Option<bool>,
    /// For `bool`: the value production must have (`DEBUG` must be `false`).
    pub production_value: Option<bool>,
}

/// A checked kind of variable with its options.
#[derive(Debug, Clone)]
pub enum Kind {
    /// A secret the project generates itself (signing keys, passwords).
    Secret {
        /// Minimum length.
        min_length: usize,
        /// Django's `SECRET_KEY` rules.
        django: bool,
    },
    /// A credential issued by a provider.
    ApiKey {
        /// The provider's shape, when known.
        provider: Option<crate::providers::Provider>,
    },
    /// A database URL.
    DatabaseUrl {
        /// Only PostgreSQL schemes are accepted.
        postgres: bool,
        /// Minimum password length.
        min_password_length: usize,
        /// Whether `localhost` is accepted in production.
        allow_localhost: bool,
    },
    /// Any absolute URL.
    Url,
    /// An `https://` URL.
    HttpsUrl,
    /// An email address.
    Email,
    /// A comma-separated list of host names (`ALLOWED_HOSTS`).
    HostList,
    /// A comma-separated list of origins (`CORS_ALLOWED_ORIGINS`).
    CorsOrigins,
    /// A boolean.
    Bool {
        /// The value production must have.
        production_value: Option<bool>,
    },
    /// An integer.
    Int {
        /// Smallest value allowed.
        min: Option<i64>,
        /// Largest value allowed.
        max: Option<i64>,
    },
    /// One of a list of values.
    Enum {
        /// The values allowed.
        values: Vec<String>,
    },
    /// A file system path.
    Path {
        /// Whether it must exist.
        must_exist: bool,
        /// Whether it is a private key file (permissions checked).
        key_file: bool,
    },
    /// Free text, optionally matching a pattern.
    String {
        /// The pattern the value must match.
        pattern: Option<Regex>,
    },
}

impl Kind {
    /// The policy name of the kind.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Secret { .. } => "secret",
            Kind::ApiKey { .. } => "api_key",
            Kind::DatabaseUrl { postgres: true, .. } => "postgres_url",
            Kind::DatabaseUrl { .. } => "database_url",
            Kind::Url => "url",
            Kind::HttpsUrl => "https_url",
            Kind::Email => "email",
            Kind::HostList => "host_list",
            Kind::CorsOrigins => "cors_origins",
            Kind::Bool { .. } => "bool",
            Kind::Int { .. } => "int",
            Kind::Enum { .. } => "enum",
            Kind::Path { .. } => "path",
            Kind::String { .. } => "string",
        }
    }

    /// Whether values of this kind are credentials (compared across variables and files, never
    /// copied from the example, generated by `preflight gen env`).
    pub fn is_credential(&self) -> bool {
        matches!(self, Kind::Secret { .. } | Kind::ApiKey { .. })
    }
}

/// Where a rule came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Written in the policy.
    Policy,
    /// Inferred from the variable's name.
    Name,
}

/// The checked rule for one variable.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The kind and its options.
    pub kind: Kind,
    /// The profiles in which the variable must be set.
    pub required_in: Vec<Profile>,
    /// Where the rule came from.
    pub source: Source,
}

/// A checked policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The profile when neither the command line nor the file name gives one.
    pub default_profile: Profile,
    /// Files to check by default (empty: discover `.env*`).
    pub files: Vec<String>,
    /// Whether to infer rules from names.
    pub infer: bool,
    /// Whether to read the source code for required variables.
    pub scan_code: bool,
    /// Minimum secret length.
    pub min_secret_length: usize,
    /// Minimum database password length.
    pub min_password_length: usize,
    /// Whether localhost database hosts are accepted in production.
    pub allow_localhost: bool,
    /// The rules written in the policy, by variable.
    pub vars: BTreeMap<String, Rule>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::compile(&Config::default()).expect("the default policy is valid")
    }
}

/// Default minimum length of a secret.
pub const DEFAULT_SECRET_LENGTH: usize = 32;
/// Default minimum length of a database password.
pub const DEFAULT_PASSWORD_LENGTH: usize = 20;

/// An error in the policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", line.map(|l| format!("line {l}: ")).unwrap_or_default(), self.place())]
pub struct PolicyError {
    /// The variable concerned, if any.
    pub var: Option<String>,
    /// The key concerned (`kind`, `pattern`, `profile`, ...).
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// The 1-based line in the policy file, when known.
    pub line: Option<u32>,
}

impl PolicyError {
    fn new(var: Option<&str>, key: &str, message: impl Into<String>) -> Self {
        PolicyError {
            var: var.map(str::to_string),
            key: key.to_string(),
            message: message.into(),
            line: None,
        }
    }

    fn place(&self) -> String {
        match &self.var {
            Some(var) => format!("[env.vars.{var}] {}", self.key),
            None => format!("[env] {}", self.key),
        }
    }

    /// Fills in the line from the text of the file the policy was read from (a `preflight.toml`
    /// or `pyproject.toml`). Falls back to the line of the variable's table, then line 1.
    pub fn locate(mut self, text: &str) -> Self {
        if self.line.is_none() {
            self.line = Some(locate(text, self.var.as_deref(), &self.key));
        }
        self
    }
}

fn locate(text: &str, var: Option<&str>, key: &str) -> u32 {
    let lines: Vec<&str> = text.lines().collect();
    let table_start = match var {
        Some(var) => lines.iter().position(|l| {
            let t = l.trim();
            (t.starts_with('[') && t.contains(&format!("vars.{var}")))
                || t.starts_with(&format!("{var} "))
                || t.starts_with(&format!("{var}="))
                || t.starts_with(&format!("{var}."))
                || t.contains(&format!("\"{var}\""))
        }),
        None => lines
            .iter()
            .position(|l| l.trim().trim_matches(['[', ']']).ends_with("env")),
    };
    let start = table_start.unwrap_or(0);
    let key_line = lines[start.min(lines.len())..].iter().position(|l| {
        let t = l.trim();
        let direct = t
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        direct || t.contains(&format!(" {key} =")) || t.contains(&format!("{{{key} ="))
    });
    let index = key_line.map(|k| start + k).or(table_start).unwrap_or(0);
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// The kind names accepted in a policy.
pub const KIND_NAMES: &[&str] = &[
    "secret",
    "api_key",
    "postgres_url",
    "database_url",
    "url",
    "https_url",
    "email",
    "host_list",
    "cors_origins",
    "bool",
    "int",
    "enum",
    "path",
    "string",
];

impl Policy {
    /// Checks a written policy. Returns every error found, each naming its variable and key.
    pub fn compile(config: &Config) -> Result<Policy, Vec<PolicyError>> {
        let mut errors = Vec::new();
        let default_profile = match &config.profile {
            None => Profile::Production,
            Some(name) => name.parse().unwrap_or_else(|message| {
                errors.push(PolicyError::new(None, "profile", message));
                Profile::Production
            }),
        };
        for (key, value) in [
            ("min-secret-length", config.min_secret_length),
            ("min-password-length", config.min_password_length),
        ] {
            if value == Some(0) {
                errors.push(PolicyError::new(None, key, "must be at least 1"));
            }
        }
        let mut policy = Policy {
            default_profile,
            files: config.files.clone(),
            infer: config.infer,
            scan_code: config.scan_code,
            min_secret_length: config.min_secret_length.unwrap_or(DEFAULT_SECRET_LENGTH),
            min_password_length: config
                .min_password_length
                .unwrap_or(DEFAULT_PASSWORD_LENGTH),
            allow_localhost: config.allow_localhost,
            vars: BTreeMap::new(),
        };
        for (name, var) in &config.vars {
            if !crate::dotenv::is_valid_name(name) {
                errors.push(PolicyError::new(
                    Some(name),
                    "name",
                    "is not a valid variable name (letters, digits and `_`, not starting with a digit)",
                ));
                continue;
            }
            match policy.compile_var(name, var) {
                Ok(rule) => {
                    policy.vars.insert(name.clone(), rule);
                }
                Err(mut found) => errors.append(&mut found),
            }
        }
        if errors.is_empty() {
            Ok(policy)
        } else {
            Err(errors)
        }
    }

    fn compile_var(&self, name: &str, var: &VarConfig) -> Result<Rule, Vec<PolicyError>> {
        let mut errors = Vec::new();
        let err = |key: &str, message: String| PolicyError::new(Some(name), key, message);
        let required_in = match &var.required {
            Required::Always(true) => Profile::ALL.to_vec(),
            Required::Always(false) => Vec::new(),
            Required::In(names) => names
                .iter()
                .filter_map(|n| {
                    n.parse()
                        .map_err(|message| errors.push(err("required", message)))
                        .ok()
                })
                .collect(),
        };
        let kind_name = match &var.kind {
            Some(kind) => kind.replace('-', "_").to_ascii_lowercase(),
            None => {
                errors.push(err(
                    "kind",
                    format!("is missing (one of: {})", KIND_NAMES.join(", ")),
                ));
                return Err(errors);
            }
        };
        // Options each kind accepts, so that a misplaced one is an error rather than ignored.
        let given: Vec<(&str, bool)> = vec![
            ("provider", var.provider.is_some()),
            ("min-length", var.min_length.is_some()),
            ("django", var.django),
            ("min", var.min.is_some()),
            ("max", var.max.is_some()),
            ("values", !var.values.is_empty()),
            ("pattern", var.pattern.is_some()),
            ("must-exist", var.must_exist.is_some()),
            ("key-file", var.key_file),
            ("min-password-length", var.min_password_length.is_some()),
            ("allow-localhost", var.allow_localhost.is_some()),
            ("production-value", var.production_value.is_some()),
        ];
        let accepts: &[&str] = match kind_name.as_str() {
            "secret" => &["min-length", "django"],
            "api_key" => &["provider"],
            "postgres_url" | "database_url" => &["min-password-length", "allow-localhost"],
            "bool" => &["production-value"],
            "int" => &["min", "max"],
            "enum" => &["values"],
            "path" => &["must-exist", "key-file"],
            "string" => &["pattern"],
            _ => &[],
        };
        for (option, present) in given {
            if present && !accepts.contains(&option) {
                errors.push(err(option, format!("does not apply to kind `{kind_name}`")));
            }
        }
        let kind = match kind_name.as_str() {
            "secret" => Kind::Secret {
                min_length: var.min_length.unwrap_or(if var.django {
                    50
                } else {
                    self.min_secret_length
                }),
                django: var.django,
            },
            "api_key" => Kind::ApiKey {
                provider: match &var.provider {
                    None => None,
                    Some(id) => match crate::providers::Provider::from_id(id) {
                        Some(p) => Some(p),
                        None => {
                            errors.push(err(
                                "provider",
                                format!(
                                    "unknown provider `{id}` (one of: {})",
                                    crate::providers::Provider::ids().join(", ")
                                ),
                            ));
                            None
                        }
                    },
                },
            },
            "postgres_url" | "database_url" => Kind::DatabaseUrl {
                postgres: kind_name == "postgres_url",
                min_password_length: var.min_password_length.unwrap_or(self.min_password_length),
                allow_localhost: var.allow_localhost.unwrap_or(self.allow_localhost),
            },
            "url" => Kind::Url,
            "https_url" => Kind::HttpsUrl,
            "email" => Kind::Email,
            "host_list" => Kind::HostList,
            "cors_origins" => Kind::CorsOrigins,
            "bool" => Kind::Bool {
                production_value: var.production_value,
            },
            "int" => {
                if let (Some(min), Some(max)) = (var.min, var.max)
                    && min > max
                {
                    errors.push(err("min", format!("{min} is greater than max {max}")));
                }
                Kind::Int {
                    min: var.min,
                    max: var.max,
                }
            }
            "enum" => {
                if var.values.is_empty() {
                    errors.push(err("values", "must list at least one value".into()));
                }
                Kind::Enum {
                    values: var.values.clone(),
                }
            }
            "path" => Kind::Path {
                must_exist: var.must_exist.unwrap_or(true),
                key_file: var.key_file,
            },
            "string" => Kind::String {
                pattern: match &var.pattern {
                    None => None,
                    Some(pattern) => match regex::RegexBuilder::new(pattern)
                        .size_limit(1 << 20)
                        .build()
                    {
                        Ok(regex) => Some(regex),
                        Err(e) => {
                            let first = e.to_string();
                            let first = first.lines().last().unwrap_or("invalid");
                            errors.push(err(
                                "pattern",
                                format!("is not a valid regular expression: {}", first.trim()),
                            ));
                            None
                        }
                    },
                },
            },
            other => {
                errors.push(err(
                    "kind",
                    format!("unknown kind `{other}` (one of: {})", KIND_NAMES.join(", ")),
                ));
                return Err(errors);
            }
        };
        if errors.is_empty() {
            Ok(Rule {
                kind,
                required_in,
                source: Source::Policy,
            })
        } else {
            Err(errors)
        }
    }
}

/// The policy section of a configuration file, wherever it lives.
#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    env: Option<Config>,
    #[serde(default)]
    tool: Option<ToolTable>,
}

#[derive(Deserialize)]
struct ToolTable {
    #[serde(default)]
    preflight: Option<PreflightTable>,
}

#[derive(Deserialize)]
struct PreflightTable {
    #[serde(default)]
    env: Option<Config>,
}

/// Reads and checks the policy from the text of a `preflight.toml` (`[env]`) or a
/// `pyproject.toml` (`[tool.preflight.env]`); other sections are ignored. A missing section is
/// the default policy. Every error carries a line.
pub fn parse_policy(text: &str) -> Result<Policy, PolicyError> {
    let file: ConfigFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |span| {
            let end = span.start.min(text.len());
            let before = text.as_bytes()[..end]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            u32::try_from(before + 1).unwrap_or(u32::MAX)
        });
        PolicyError {
            var: None,
            key: "syntax".into(),
            message: e.message().trim().to_string(),
            line: Some(line),
        }
    })?;
    let config = file
        .env
        .or_else(|| file.tool.and_then(|t| t.preflight).and_then(|p| p.env))
        .unwrap_or_default();
    Policy::compile(&config).map_err(|errors| {
        errors
            .into_iter()
            .next()
            .expect("compile fails with at least one error")
            .locate(text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_policy_with_every_kind() {
        let policy = parse_policy(
            r#"
[env]
profile = "staging"
min-password-length = 32

[env.vars.DATABASE_URL]
kind = "postgres_url"
required = true

[env.vars.STRIPE_SECRET_KEY]
kind = "api_key"
provider = "stripe"
required = ["production"]

[env.vars.LOG_LEVEL]
kind = "enum"
values = ["info", "debug"]

[env.vars.WORKERS]
kind = "int"
min = 1
max = 64

[env.vars.REGION]
kind = "string"
pattern = "^[a-z]+-[0-9]$"
"#,
        )
        .unwrap();
        assert_eq!(policy.default_profile, Profile::Staging);
        let db = &policy.vars["DATABASE_URL"];
        assert!(matches!(
            db.kind,
            Kind::DatabaseUrl {
                postgres: true,
                min_password_length: 32,
                ..
            }
        ));
        assert_eq!(db.required_in, Profile::ALL);
        assert_eq!(
            policy.vars["STRIPE_SECRET_KEY"].required_in,
            [Profile::Production]
        );
    }

    #[test]
    fn reads_the_pyproject_table() {
        let policy = parse_policy(
            "[project]\nname = \"x\"\n[tool.preflight.env.vars.SECRET_KEY]\nkind = \"secret\"\ndjango = true\n",
        )
        .unwrap();
        assert!(matches!(
            policy.vars["SECRET_KEY"].kind,
            Kind::Secret {
                min_length: 50,
                django: true
            }
        ));
    }

    #[test]
    fn semantic_errors_name_variable_key_and_line() {
        let text = "[env]\n\n[env.vars.API]\nkind = \"apikey\"\n";
        let err = parse_policy(text).unwrap_err();
        assert_eq!(err.var.as_deref(), Some("API"));
        assert_eq!(err.key, "kind");
        assert_eq!(err.line, Some(4));
        assert!(err.to_string().contains("[env.vars.API] kind"), "{err}");

        let text = "[env.vars.REGION]\nkind = \"string\"\npattern = \"([a-z\"\n";
        let err = parse_policy(text).unwrap_err();
        assert_eq!((err.key.as_str(), err.line), ("pattern", Some(3)));

        let text = "[env.vars.X]\nkind = \"secret\"\nmin = 3\n";
        let err = parse_policy(text).unwrap_err();
        assert_eq!((err.key.as_str(), err.line), ("min", Some(3)));

        let text = "[env]\nprofile = \"prod\"\n";
        let err = parse_policy(text).unwrap_err();
        assert_eq!((err.key.as_str(), err.line), ("profile", Some(2)));
    }

    #[test]
    fn unknown_keys_are_syntax_errors_with_lines() {
        let err = parse_policy("[env]\nprofle = \"production\"\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        let err = parse_policy("[env.vars.A]\nkind = \"secret\"\nrequird = true\n").unwrap_err();
        assert_eq!(err.line, Some(3));
    }

    #[test]
    fn profiles_come_from_file_names() {
        assert_eq!(
            Profile::from_file_name(".env.production"),
            Some(Profile::Production)
        );
        assert_eq!(
            Profile::from_file_name(".env.staging"),
            Some(Profile::Staging)
        );
        assert_eq!(
            Profile::from_file_name(".env.local"),
            Some(Profile::Development)
        );
        for name in [".env.ci", ".env.e2e", ".env.testing", ".devcontainer"] {
            assert_eq!(
                Profile::from_file_name(name),
                Some(Profile::Development),
                "{name}"
            );
        }
        assert_eq!(Profile::from_file_name(".env"), None);
        assert_eq!(Profile::from_file_name(".env.circle"), None);
        assert_eq!(Profile::from_file_name(".env.docker"), None);
    }
}
