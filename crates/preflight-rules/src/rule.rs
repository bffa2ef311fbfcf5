//! Validated rules: what the engine runs.

use std::fmt;
use std::str::FromStr;

use preflight_findings::Severity;

use crate::spec::{ExampleSpec, PairSpec, RuleSpec};

/// The lines around a match searched for `context` words when a rule does not say.
pub const DEFAULT_CONTEXT_LINES: u32 = 3;

/// The shortest keyword allowed: shorter literals hit nearly every line of code.
pub const MIN_KEYWORD_LEN: usize = 3;

/// The most lines a pair rule lets between its two parts.
pub const MAX_PAIR_LINES: u32 = 50;

/// The two parts of a credential that a pair rule reports as one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// The id of the rule that finds the identifying part.
    pub identifier: String,
    /// The id of the rule that finds the secret part.
    pub secret: String,
    /// The most lines between the two parts.
    pub lines: u32,
}

/// A validator for credentials that carry their own checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Checksum {
    /// GitHub's modern tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`): the last six characters
    /// are the CRC32 of the rest, in base 62.
    GithubCrc32,
}

impl Checksum {
    /// Every validator, for error messages and documentation.
    pub const ALL: [Checksum; 1] = [Checksum::GithubCrc32];

    /// The name used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            Checksum::GithubCrc32 => "github-crc32",
        }
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Checksum {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Checksum::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or(())
    }
}

/// A rule that passed validation.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `<provider-slug>.<kebab-name>`.
    pub id: String,
    /// A short human name.
    pub name: String,
    /// The provider's display name.
    pub provider: String,
    /// The severity of its findings.
    pub severity: Severity,
    /// Prefilter literals, ASCII, compared case-insensitively.
    pub keywords: Vec<String>,
    /// The regular expression (compile it with [`compile_pattern`]).
    pub pattern: String,
    /// Minimum Shannon entropy of the secret, in bits per byte.
    pub min_entropy: Option<f64>,
    /// The checksum the secret must carry.
    pub checksum: Option<Checksum>,
    /// Words of which one must appear near the match (empty: no requirement).
    pub context: Vec<String>,
    /// Lines above and below the match searched for `context`.
    pub context_lines: u32,
    /// Lines after the keyword's line the pattern may reach.
    pub window_lines: u32,
    /// How to rotate the credential.
    pub reference: Option<String>,
    /// What to do about a finding.
    pub help: String,
    /// Whether the rule recognises a public identifier that is never a finding.
    pub public: bool,
    /// For a pair rule (no keywords or pattern of its own): the two rules it joins.
    pub pair: Option<Pair>,
    /// The severity of a match that is a passphrase-protected private key.
    pub encrypted_severity: Option<Severity>,
    /// Positive examples.
    pub examples: Vec<ExampleSpec>,
    /// Negative examples.
    pub negative_examples: Vec<String>,
}

impl Rule {
    /// Whether the rule is a catch-all (`generic.*`) that yields to provider rules on the
    /// same bytes.
    pub fn is_generic(&self) -> bool {
        self.id.starts_with("generic.")
    }

    /// The provider part of the id (`stripe` in `stripe.secret-key`).
    pub fn provider_slug(&self) -> &str {
        self.id.split('.').next().unwrap_or(&self.id)
    }
}

/// What is wrong with one rule: the key concerned and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule `{rule}`, key `{key}`: {message}")]
pub struct RuleError {
    /// The rule's id (as written, even if it is the invalid part).
    pub rule: String,
    /// The key that is wrong (`pattern`, `keywords`, ...).
    pub key: &'static str,
    /// What is wrong.
    pub message: String,
}

/// How strictly a rule is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Built-in rules: at least two examples and two negative examples, and a reference; the
    /// pattern is parsed but compiled only when the engine first needs it.
    Builtin,
    /// The rule files embedded in the binary, loaded at every start: as `Builtin` but the
    /// pattern is not parsed (the test suite checks every embedded file as `Builtin`), so that
    /// a one-file scan does not pay for parsing hundreds of patterns it may never run.
    Embedded,
    /// A user's custom rules: examples and reference optional; the pattern is compiled now so
    /// that an error names the rule and key.
    Custom,
}

/// Compiles a rule pattern the way the engine does: on bytes, with ASCII-only classes (secrets
/// are ASCII, and Unicode tables make patterns slower and larger).
pub fn compile_pattern(pattern: &str) -> Result<regex::bytes::Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(4 << 20)
        .build()
}

fn is_valid_id(id: &str) -> bool {
    let mut parts = id.split('.');
    let kebab = |s: &str| {
        !s.is_empty()
            && !s.starts_with('-')
            && !s.ends_with('-')
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None) if kebab(a) && kebab(b))
}

/// Checks a pair rule's `pair` table: it names two different rules, a bounded distance, and
/// the rule has no pattern of its own. The named rules' existence is checked once every file
/// is loaded ([`crate::RuleSet::check_pairs`]).
fn validate_pair(spec: &RuleSpec, pair: PairSpec) -> Result<Pair, (&'static str, String)> {
    if !spec.keywords.is_empty() || !spec.pattern.is_empty() {
        return Err((
            "pair",
            "a pair rule has no `keywords` or `pattern`: it joins the findings of two other rules"
                .into(),
        ));
    }
    if !is_valid_id(&pair.identifier) || !is_valid_id(&pair.secret) {
        return Err(("pair", "`identifier` and `secret` must be rule ids".into()));
    }
    if pair.identifier == pair.secret || pair.identifier == spec.id || pair.secret == spec.id {
        return Err((
            "pair",
            "`identifier` and `secret` must be two other rules".into(),
        ));
    }
    if pair.lines > MAX_PAIR_LINES {
        return Err(("pair", format!("`lines` is at most {MAX_PAIR_LINES}")));
    }
    if spec.public {
        return Err((
            "public",
            "a pair rule reports a secret; it cannot be public".into(),
        ));
    }
    Ok(Pair {
        identifier: pair.identifier,
        secret: pair.secret,
        lines: pair.lines,
    })
}

/// Validates a rule as written. `file_provider` and `file_reference` are the defaults of the
/// file it came from (`None` for rules in configuration files).
pub fn validate_rule(
    mut spec: RuleSpec,
    file_provider: Option<&str>,
    file_reference: Option<&str>,
    strictness: Strictness,
) -> Result<Rule, RuleError> {
    let rule = spec.id.clone();
    let error = |key: &'static str, message: String| RuleError {
        rule: rule.clone(),
        key,
        message,
    };
    if !is_valid_id(&spec.id) {
        return Err(error(
            "id",
            "must be `<provider>.<name>`, lowercase kebab-case (`stripe.secret-key`)".into(),
        ));
    }
    if spec.name.trim().is_empty() {
        return Err(error("name", "must not be empty".into()));
    }
    let provider = match spec.provider.as_deref().or(file_provider) {
        Some(p) if !p.trim().is_empty() => p.to_string(),
        _ => return Err(error("provider", "is required".into())),
    };
    let severity: Severity = spec
        .severity
        .parse()
        .map_err(|e: preflight_findings::UnknownSeverity| error("severity", e.to_string()))?;
    let encrypted_severity = match spec.encrypted_severity.as_deref() {
        None => None,
        Some(s) => Some(s.parse::<Severity>().map_err(
            |e: preflight_findings::UnknownSeverity| error("encrypted_severity", e.to_string()),
        )?),
    };
    if let Some(assigned) = spec.assigned.take() {
        if !spec.pattern.is_empty() || spec.pair.is_some() {
            return Err(error(
                "assigned",
                "a rule has one of `pattern`, `assigned` or `pair`".into(),
            ));
        }
        spec.pattern = assigned.pattern();
    }
    let pair = match spec.pair.clone() {
        Some(pair) => Some(validate_pair(&spec, pair).map_err(|(key, m)| error(key, m))?),
        None => None,
    };
    if pair.is_none() && spec.keywords.is_empty() {
        return Err(error(
            "keywords",
            "at least one keyword is required (the pattern only runs near one)".into(),
        ));
    }
    for keyword in &spec.keywords {
        if keyword.len() < MIN_KEYWORD_LEN || !keyword.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(error(
                "keywords",
                format!(
                    "`{keyword}` must be at least {MIN_KEYWORD_LEN} printable ASCII characters without spaces"
                ),
            ));
        }
    }
    // Parsing is cheap; compiling is not, so built-in rules (compiled by the test suite) are
    // compiled lazily by the engine when their keyword first occurs, and only custom rules are
    // compiled here.
    if strictness != Strictness::Embedded && pair.is_none() {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(&spec.pattern)
            .map_err(|e| error("pattern", e.to_string()))?;
        if strictness == Strictness::Custom {
            compile_pattern(&spec.pattern).map_err(|e| error("pattern", e.to_string()))?;
        }
        let has_secret_group =
            spec.pattern.contains("(?P<secret>") || spec.pattern.contains("(?<secret>");
        if !has_secret_group && hir.properties().explicit_captures_len() < 1 {
            return Err(error(
                "pattern",
                "needs a capture group: `(?P<secret>...)` or group 1 is the secret".into(),
            ));
        }
    }
    if let Some(min) = spec.min_entropy
        && !(0.0..=8.0).contains(&min)
    {
        return Err(error(
            "min_entropy",
            format!("{min} is not between 0 and 8 bits per byte"),
        ));
    }
    let checksum = match spec.checksum.as_deref() {
        None => None,
        Some(name) => Some(name.parse::<Checksum>().map_err(|()| {
            let known: Vec<&str> = Checksum::ALL.iter().map(|c| c.as_str()).collect();
            error(
                "checksum",
                format!("unknown checksum `{name}` (known: {})", known.join(", ")),
            )
        })?),
    };
    if spec
        .context
        .iter()
        .any(|w| w.trim().is_empty() || !w.is_ascii())
    {
        return Err(error("context", "words must be non-empty ASCII".into()));
    }
    let reference = spec
        .reference
        .or_else(|| file_reference.map(str::to_string));
    if strictness != Strictness::Custom {
        if reference.is_none() {
            return Err(error(
                "reference",
                "a link to the provider's rotation documentation is required".into(),
            ));
        }
        if spec.examples.len() < 2 {
            return Err(error(
                "examples",
                "at least two examples are required".into(),
            ));
        }
        if spec.negative_examples.len() < 2 {
            return Err(error(
                "negative_examples",
                "at least two negative examples are required".into(),
            ));
        }
    }
    let help = spec.help.unwrap_or_else(|| {
        format!(
            "Revoke this {} credential with the provider, issue a new one, and load it from the environment or a secret manager instead of the source.",
            provider
        )
    });
    Ok(Rule {
        id: spec.id,
        name: spec.name,
        provider,
        severity,
        keywords: spec.keywords,
        pattern: spec.pattern,
        min_entropy: spec.min_entropy,
        checksum,
        context: spec.context,
        context_lines: spec.context_lines.unwrap_or(DEFAULT_CONTEXT_LINES),
        window_lines: spec.window_lines.unwrap_or(0),
        reference,
        help,
        public: spec.public,
        pair,
        encrypted_severity,
        examples: spec.examples,
        negative_examples: spec.negative_examples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AssignedSpec;

    fn spec() -> RuleSpec {
        toml::from_str(
            r#"
id = "acme.api-key"
name = "Acme API key"
severity = "high"
keywords = ["acme_"]
pattern = '''\b(acme_[a-z0-9]{32})\b'''
reference = "https://acme.test/keys"
examples = [{ text = "a", secret = "b" }, { text = "c", secret = "d" }]
negative_examples = ["x", "y"]
"#,
        )
        .unwrap()
    }

    #[test]
    fn a_complete_rule_validates() {
        let rule = validate_rule(spec(), Some("Acme"), None, Strictness::Builtin).unwrap();
        assert_eq!(rule.provider, "Acme");
        assert_eq!(rule.context_lines, DEFAULT_CONTEXT_LINES);
        assert!(!rule.is_generic());
        assert_eq!(rule.provider_slug(), "acme");
    }

    #[test]
    fn each_mistake_names_its_key() {
        type Mutation = Box<dyn Fn(&mut RuleSpec)>;
        let cases: Vec<(&str, Mutation)> = vec![
            ("id", Box::new(|s| s.id = "Acme Key".into())),
            ("severity", Box::new(|s| s.severity = "severe".into())),
            ("keywords", Box::new(|s| s.keywords.clear())),
            ("keywords", Box::new(|s| s.keywords = vec!["ac".into()])),
            ("pattern", Box::new(|s| s.pattern = "(unclosed".into())),
            ("pattern", Box::new(|s| s.pattern = "acme_[a-z]+".into())),
            ("min_entropy", Box::new(|s| s.min_entropy = Some(9.0))),
            ("checksum", Box::new(|s| s.checksum = Some("luhn2".into()))),
            ("examples", Box::new(|s| s.examples.truncate(1))),
            (
                "negative_examples",
                Box::new(|s| s.negative_examples.clear()),
            ),
            ("reference", Box::new(|s| s.reference = None)),
        ];
        for (key, mutate) in cases {
            let mut spec = spec();
            mutate(&mut spec);
            let err = validate_rule(spec, Some("Acme"), None, Strictness::Builtin).unwrap_err();
            assert_eq!(err.key, key, "{err}");
        }
    }

    #[test]
    fn assigned_builds_the_pattern_and_excludes_a_pattern_of_its_own() {
        let mut s = spec();
        s.pattern.clear();
        s.assigned = Some(AssignedSpec {
            to: "acme".into(),
            ends: None,
            value: "[0-9a-f]{32}".into(),
        });
        let rule = validate_rule(s.clone(), Some("Acme"), None, Strictness::Custom).unwrap();
        assert!(
            rule.pattern.contains("(?P<secret>[0-9a-f]{32})"),
            "{}",
            rule.pattern
        );
        s.pattern = "(x)".into();
        let err = validate_rule(s, Some("Acme"), None, Strictness::Custom).unwrap_err();
        assert_eq!(err.key, "assigned");
    }

    #[test]
    fn custom_rules_need_a_provider_but_no_examples() {
        let mut s = spec();
        s.examples.clear();
        s.reference = None;
        assert_eq!(
            validate_rule(s.clone(), None, None, Strictness::Custom)
                .unwrap_err()
                .key,
            "provider"
        );
        s.provider = Some("Acme".into());
        assert!(validate_rule(s, None, None, Strictness::Custom).is_ok());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = toml::from_str::<RuleSpec>(
            "id='a.b'\nname='n'\nseverity='low'\nkeywords=['abc']\npattern='(a)'\nmin_entroy=3.0\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("min_entroy"), "{err}");
    }
}
