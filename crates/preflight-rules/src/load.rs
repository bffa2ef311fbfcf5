//! Loading rule files: TOML parsing, validation, and errors that point at a file and line.
//!
//! TOML syntax and schema errors carry a byte span from the parser. Validation errors (a bad
//! regex, a missing example) come from [`validate_rule`], which knows the rule and the key but
//! not the position; [`key_line`] finds the line by reading the rule's `[[rules]]` table in the
//! text, which is exact for the way rule files are written (one key per line).

use std::collections::HashSet;

use crate::rule::{Rule, RuleError, Strictness, validate_rule};
use crate::spec::RuleFileSpec;

/// The errors of loading rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// The file is not valid TOML or does not follow the schema.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The file name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A rule is invalid.
    #[error("{file}:{line}: {source}")]
    Invalid {
        /// The file name.
        file: String,
        /// 1-based line of the offending key (or of the rule's table).
        line: usize,
        /// What is wrong.
        source: RuleError,
    },
    /// Two rules share an id.
    #[error("{file}:{line}: duplicate rule id `{id}`")]
    Duplicate {
        /// The file of the second definition.
        file: String,
        /// Its line.
        line: usize,
        /// The id.
        id: String,
    },
}

/// The 1-based line and column of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The 1-based line of `key` in the `index`-th `[[<table>]]` of `text`, or of the table header
/// when the key is absent; `None` when there is no such table.
pub fn key_line(text: &str, table: &str, index: usize, key: &str) -> Option<usize> {
    let header = format!("[[{table}]]");
    let mut seen = None;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with(&header) {
            seen = Some(seen.map_or(0, |n: usize| n + 1));
            if seen == Some(index + 1) {
                break;
            }
            if seen == Some(index) {
                // Remember the header in case the key is not written.
                continue;
            }
        }
        if seen == Some(index)
            && let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(number + 1);
        }
    }
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with(&header))
        .nth(index)
        .map(|(n, _)| n + 1)
}

/// Parses and validates one rule file.
pub fn parse_rule_file(
    file: &str,
    text: &str,
    strictness: Strictness,
) -> Result<Vec<Rule>, RulesError> {
    let spec: RuleFileSpec = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_column(text, s.start));
        RulesError::Syntax {
            file: file.to_string(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    validate_file(file, text, spec, strictness)
}

/// Validates the rules of one parsed file; `text` is the file's TOML, where errors are located.
fn validate_file(
    file: &str,
    text: &str,
    spec: RuleFileSpec,
    strictness: Strictness,
) -> Result<Vec<Rule>, RulesError> {
    let provider = spec.provider.clone();
    let reference = spec.reference.clone();
    spec.rules
        .into_iter()
        .enumerate()
        .map(|(index, rule)| {
            validate_rule(rule, Some(&provider), reference.as_deref(), strictness).map_err(
                |source| RulesError::Invalid {
                    file: file.to_string(),
                    line: key_line(text, "rules", index, source.key).unwrap_or(1),
                    source,
                },
            )
        })
        .collect()
}

/// Parses and validates an embedded rule file from the JSON the build script made of it, and
/// from its TOML `text` when there is none (a file that is not valid TOML, whose error the TOML
/// parser then reports at its line).
fn parse_embedded(
    file: &str,
    text: &str,
    json: Option<&str>,
    strictness: Strictness,
) -> Result<Vec<Rule>, RulesError> {
    match json.and_then(|json| serde_json::from_str::<RuleFileSpec>(json).ok()) {
        Some(spec) => validate_file(file, text, spec, strictness),
        None => parse_rule_file(file, text, strictness),
    }
}

/// The embedded rule files: `(file name, text)`, sorted by name.
pub const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// For each file of [`EMBEDDED`], its content as JSON (written by the build script), or `None`
/// when the file is not valid TOML.
const EMBEDDED_JSON: &[Option<&str>] = include!(concat!(env!("OUT_DIR"), "/embedded_json.rs"));

/// A validated set of rules with unique ids.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    ids: HashSet<String>,
}

impl RuleSet {
    /// The built-in rules embedded in the binary.
    pub fn builtin() -> Result<RuleSet, RulesError> {
        let mut set = RuleSet::default();
        for (&(file, text), &json) in EMBEDDED.iter().zip(EMBEDDED_JSON) {
            let rules = parse_embedded(file, text, json, Strictness::Embedded)?;
            set.add_rules(file, text, rules)?;
        }
        set.check_pairs().map_err(|source| RulesError::Invalid {
            file: "built-in rules".to_string(),
            line: 1,
            source,
        })?;
        Ok(set)
    }

    /// Adds the rules of one file (a rule file, or a custom rules file from `--rules`).
    pub fn add_file(
        &mut self,
        file: &str,
        text: &str,
        strictness: Strictness,
    ) -> Result<(), RulesError> {
        let rules = parse_rule_file(file, text, strictness)?;
        self.add_rules(file, text, rules)
    }

    /// Adds the validated rules of one file whose TOML is `text`; an id already taken is an
    /// error at its line.
    fn add_rules(&mut self, file: &str, text: &str, rules: Vec<Rule>) -> Result<(), RulesError> {
        let mut new_ids = HashSet::new();
        for (index, rule) in rules.iter().enumerate() {
            if self.ids.contains(&rule.id) || !new_ids.insert(rule.id.clone()) {
                return Err(RulesError::Duplicate {
                    file: file.to_string(),
                    line: key_line(text, "rules", index, "id").unwrap_or(1),
                    id: rule.id.clone(),
                });
            }
        }
        self.ids.extend(new_ids);
        self.rules.extend(rules);
        Ok(())
    }

    /// Adds one validated rule (a `[[rules]]` entry of a configuration file); an existing id
    /// is an error naming it.
    pub fn add_rule(&mut self, rule: Rule) -> Result<(), RuleError> {
        if !self.ids.insert(rule.id.clone()) {
            return Err(RuleError {
                rule: rule.id.clone(),
                key: "id",
                message: "another rule already has this id".into(),
            });
        }
        self.rules.push(rule);
        Ok(())
    }

    /// Checks that every pair rule names two rules of the set, neither of them a pair rule
    /// itself. Call it once all files are added (a pair may name rules of later files).
    pub fn check_pairs(&self) -> Result<(), RuleError> {
        for rule in &self.rules {
            let Some(pair) = &rule.pair else { continue };
            for part in [&pair.identifier, &pair.secret] {
                match self.get(part) {
                    None => {
                        return Err(RuleError {
                            rule: rule.id.clone(),
                            key: "pair",
                            message: format!("no rule has the id `{part}`"),
                        });
                    }
                    Some(named) if named.pair.is_some() => {
                        return Err(RuleError {
                            rule: rule.id.clone(),
                            key: "pair",
                            message: format!("`{part}` is itself a pair rule"),
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(())
    }

    /// The rules, built-in files first, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"provider = "Acme"
reference = "https://acme.test/rotate"

[[rules]]
id = "acme.api-key"
name = "Acme API key"
severity = "high"
keywords = ["acme_"]
pattern = '''\b(acme_[a-z0-9]{32})\b'''
examples = [{ text = "a", secret = "b" }, { text = "c", secret = "d" }]
negative_examples = ["x", "y"]

[[rules]]
id = "acme.other-key"
name = "Acme other key"
severity = "high"
keywords = ["acmo_"]
pattern = '''\b(acmo_[a-z0-9{32})\b'''
examples = [{ text = "a", secret = "b" }, { text = "c", secret = "d" }]
negative_examples = ["x", "y"]
"#;

    #[test]
    fn a_bad_regex_names_file_line_and_key() {
        let err = parse_rule_file("acme.toml", FILE, Strictness::Builtin).unwrap_err();
        let RulesError::Invalid { line, source, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!(
            (*line, source.key, source.rule.as_str()),
            (18, "pattern", "acme.other-key")
        );
        assert!(
            err.to_string()
                .starts_with("acme.toml:18: rule `acme.other-key`, key `pattern`")
        );
    }

    #[test]
    fn syntax_and_unknown_keys_point_at_the_line() {
        let text = FILE.replace(
            "severity = \"high\"\nkeywords = [\"acmo_\"]",
            "severity = \"high\"\nkeyword = [\"acmo_\"]",
        );
        let err = parse_rule_file("acme.toml", &text, Strictness::Builtin).unwrap_err();
        let RulesError::Syntax { line, message, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!(*line, 17, "{err}");
        assert!(message.contains("keyword"), "{message}");
    }

    #[test]
    fn duplicate_ids_are_rejected() {
        let text = FILE
            .replace("acme.other-key", "acme.api-key")
            .replace("acmo_[a-z0-9{32}", "acmo_[a-z0-9]{32}");
        let err = RuleSet::default()
            .add_file("acme.toml", &text, Strictness::Builtin)
            .unwrap_err();
        assert!(
            matches!(err, RulesError::Duplicate { line: 14, .. }),
            "{err}"
        );
    }

    #[test]
    fn line_columns_count_characters() {
        assert_eq!(line_column("ab\ncé d", 7), (2, 4));
    }

    #[test]
    fn every_embedded_file_passes_full_validation() {
        for (file, text) in EMBEDDED {
            if let Err(e) = parse_rule_file(file, text, Strictness::Builtin) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn the_build_scripts_json_holds_the_same_rules_as_the_toml() {
        assert_eq!(EMBEDDED.len(), EMBEDDED_JSON.len());
        for (&(file, text), &json) in EMBEDDED.iter().zip(EMBEDDED_JSON) {
            let json = json.unwrap_or_else(|| panic!("{file} has no JSON"));
            let from_toml = parse_rule_file(file, text, Strictness::Embedded).unwrap();
            let from_json = parse_embedded(file, text, Some(json), Strictness::Embedded).unwrap();
            assert_eq!(format!("{from_toml:?}"), format!("{from_json:?}"), "{file}");
        }
    }

    #[test]
    fn an_embedded_file_without_json_is_parsed_as_toml_with_its_errors_located() {
        let rules = parse_embedded("acme.toml", FILE, None, Strictness::Embedded).unwrap();
        assert_eq!(rules.len(), 2);
        let broken = FILE.replace("keywords = [\"acmo_\"]", "keywords = [\"acmo_\"");
        let err = parse_embedded("acme.toml", &broken, None, Strictness::Embedded).unwrap_err();
        assert!(
            matches!(err, RulesError::Syntax { line: 17 | 18, .. }),
            "{err}"
        );
        // JSON that does not fit the schema is not trusted either.
        let rules = parse_embedded("acme.toml", FILE, Some("{}"), Strictness::Embedded).unwrap();
        assert_eq!(rules.len(), 2);
    }

    #[test]
    fn builtin_rules_load() {
        let set = RuleSet::builtin().unwrap();
        assert_eq!(
            set.len(),
            set.rules()
                .iter()
                .map(|r| &r.id)
                .collect::<HashSet<_>>()
                .len()
        );
    }
}
