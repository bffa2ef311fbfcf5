//! The secret rules of preflight: the schema of rule files, a validating loader whose errors
//! name the file, line and key, and the built-in rules embedded from `data/rules/*.toml`.
//!
//! Rules are data. Each has a stable id (`stripe.secret-key`), a severity, literal keywords for
//! the engine's prefilter, a regular expression whose capture group is the secret, optional
//! entropy, checksum and context requirements, a rotation reference, and examples that the
//! test suite runs through the real engine (`preflight-secrets`). The build script lists the
//! rule directory, so a new provider is one new file. The format is documented in
//! `docs/rules.md`.

mod assigned;
pub mod gitleaks;
mod load;
mod rule;
mod spec;

pub use load::{EMBEDDED, RuleSet, RulesError, key_line, line_column, parse_rule_file};
pub use rule::{
    Checksum, DEFAULT_CONTEXT_LINES, MAX_PAIR_LINES, MIN_KEYWORD_LEN, Pair, Rule, RuleError,
    Strictness, compile_pattern, validate_rule,
};
pub use spec::{AssignedSpec, ExampleSpec, PairSpec, RuleFileSpec, RuleSpec};
