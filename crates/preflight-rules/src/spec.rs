//! The rule schema as written in rule files and in `[[rules]]` tables of configuration files.
//!
//! These types are what a TOML table deserialises into, before validation; [`crate::Rule`] is
//! the validated form the engine uses. Unknown keys are errors so that a typo (`min_entroy`)
//! never silently weakens a rule.

use serde::Deserialize;

pub use crate::assigned::AssignedSpec;

/// One rule file: a provider and its rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFileSpec {
    /// Display name of the provider of every rule in the file (`Stripe`).
    pub provider: String,
    /// Default documentation link for rules that do not name their own.
    #[serde(default)]
    pub reference: Option<String>,
    /// The rules.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

/// One rule as written: a `[[rules]]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// `<provider-slug>.<kebab-name>`, unique and stable.
    pub id: String,
    /// A short human name (`Stripe live secret key`).
    pub name: String,
    /// The provider's display name; defaults to the file's `provider` (required for rules in
    /// configuration files, which have no file-level provider).
    #[serde(default)]
    pub provider: Option<String>,
    /// `info`, `low`, `medium`, `high` or `critical`.
    pub severity: String,
    /// ASCII literals (case-insensitive, at least three bytes); the rule's pattern only runs
    /// near one of them. Required, except in a pair rule.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// A regular expression (Rust `regex` syntax, matched on bytes, ASCII classes); the group
    /// named `secret`, else group 1, else the whole match is the secret. Required, except in a
    /// pair rule.
    #[serde(default)]
    pub pattern: String,
    /// Instead of `pattern`: a prefix-less secret recognised by the name it is assigned to
    /// (`assigned = { to = "vbout", value = "[0-9]{25}" }`); see [`AssignedSpec`].
    #[serde(default)]
    pub assigned: Option<AssignedSpec>,
    /// The minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// A named validator for credentials that carry a checksum (`github-crc32`).
    #[serde(default)]
    pub checksum: Option<String>,
    /// Words (case-insensitive) of which one must appear within `context_lines` of the match.
    #[serde(default)]
    pub context: Vec<String>,
    /// How many lines above and below the match `context` is looked for (default 3).
    #[serde(default)]
    pub context_lines: Option<u32>,
    /// How many lines after the keyword's line the pattern may reach (default 0: the keyword's
    /// line only); for multi-line secrets such as private key blocks.
    #[serde(default)]
    pub window_lines: Option<u32>,
    /// How to rotate the credential; required unless the file has a default.
    #[serde(default)]
    pub reference: Option<String>,
    /// What to do about a finding, in one or two sentences (shown as the finding's help).
    #[serde(default)]
    pub help: Option<String>,
    /// A pair rule: instead of a pattern, two other rules whose findings near each other are
    /// one credential, reported once under this rule's id.
    #[serde(default)]
    pub pair: Option<PairSpec>,
    /// The severity of a match that is a private key protected by a passphrase (default: one
    /// level below `severity`).
    #[serde(default)]
    pub encrypted_severity: Option<String>,
    /// The rule recognises a public identifier (such as a Stripe publishable key): its matches
    /// are never findings, and other rules' matches on the same bytes yield to it.
    #[serde(default)]
    pub public: bool,
    /// Texts each of which must yield exactly `secret` through the full engine.
    #[serde(default)]
    pub examples: Vec<ExampleSpec>,
    /// Texts that must yield no finding of this rule.
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// The parts of a two-part credential (`pair = { identifier = "aws.access-key-id", secret =
/// "aws.secret-access-key", lines = 5 }`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairSpec {
    /// The rule that finds the identifying part (a key id, an account SID, a client id).
    pub identifier: String,
    /// The rule that finds the secret part; its value is the pair's secret.
    pub secret: String,
    /// The most lines between the two parts (0: the same line).
    pub lines: u32,
}

/// A positive example: a text and the secret the rule must find in it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    /// The text to scan.
    pub text: String,
    /// The secret the rule must report.
    pub secret: String,
}
