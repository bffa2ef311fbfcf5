//! The `assigned` shorthand: a secret with no prefix of its own, recognised by the name it is
//! assigned to.
//!
//! Hundreds of providers issue keys that are only a run of hex or alphanumerics. What marks
//! them is the variable, key or setting that holds them: `VBOUT_API_KEY=...`,
//! `"vboutApiKey": "..."`, `vbout.token = '...'`. Writing that assignment grammar out in every
//! rule file repeated a long pattern hundreds of times, so a rule names only the parts that
//! differ and this module builds the pattern:
//!
//! ```toml
//! assigned = { to = 'vbout', value = '[0-9]{25}' }
//! assigned = { to = 'visual[._-]?crossing', ends = 'key', value = '[A-Z0-9]{25}' }
//! ```
//!
//! The name must contain `to` (case-insensitive), followed within 20 name characters by one
//! of `ends` (default `key|token|secret`), then at most 32 more name characters. After the name
//! may come a closing quote or bracket (JSON keys, dictionary subscripts, escaped quotes in
//! JSON-in-strings) and a type annotation (`: str`, `: Optional[str]`); then an assignment
//! operator (`=`, `:`, `:=`, `=>`, `?=`), an optional opening quote and the value, which must
//! end at a quote, a space, a separator or the end of the line, so that a longer value of
//! another shape does not yield a slice of itself.

use serde::Deserialize;

/// The name endings used when a rule does not give its own.
const DEFAULT_ENDS: &str = "key|token|secret";

/// The assignment grammar, with `{to}`, `{ends}` and `{value}` filled in from the rule.
const TEMPLATE: &str = concat!(
    r"(?m)(?i:(?:{to})[\w.\-]{0,20}?(?:{ends}))[\w.\-]{0,32}?",
    r#"(?:\\?['"])?\]?(?:[ \t]*:[ \t]*[A-Za-z_][\w.]*(?:\[[\w., ]*\])?)?"#,
    r"[ \t]{0,16}(?:=|:|:=|=>|\?=)[ \t]{0,16}",
    r#"(?:\\?['"`])?(?P<secret>{value})(?:['"`\s,;)\]}&\\]|$)"#,
);

/// `assigned = { to = "...", ends = "...", value = "..." }` as written in a rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignedSpec {
    /// A regular expression for the part of the name that says whose secret it is
    /// (`vbout`, `visual[._-]?crossing`).
    pub to: String,
    /// Alternatives for the word that says what the value is (default `key|token|secret`).
    #[serde(default)]
    pub ends: Option<String>,
    /// A regular expression for the secret itself (`[0-9a-f]{32}`).
    pub value: String,
}

impl AssignedSpec {
    /// The full pattern the engine runs, with the value in the `secret` group.
    pub fn pattern(&self) -> String {
        TEMPLATE
            .replace("{to}", &self.to)
            .replace("{ends}", self.ends.as_deref().unwrap_or(DEFAULT_ENDS))
            .replace("{value}", &self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile_pattern;

    fn spec(ends: Option<&str>) -> AssignedSpec {
        AssignedSpec {
            to: "acme".into(),
            ends: ends.map(str::to_string),
            value: "[0-9a-f]{32}".into(),
        }
    }

    fn secret(spec: &AssignedSpec, text: &str) -> Option<String> {
        let regex = compile_pattern(&spec.pattern()).expect("pattern compiles");
        regex
            .captures(text.as_bytes())
            .and_then(|c| c.name("secret"))
            .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
    }

    #[test]
    fn finds_the_value_in_the_usual_assignment_shapes() {
        let value = "9f0c2d7e4b1a8c3f6e5d0b9a7c2e4f18"; // preflight:allow
        let spec = spec(None);
        for text in [
            format!("ACME_API_KEY={value}"),
            format!("export ACME_TOKEN=\"{value}\""),
            format!("\"acmeApiKey\": \"{value}\","),
            format!("acme.secret = '{value}'"),
            format!("settings['acme_key'] = '{value}'"),
            format!("acme_key: str = \"{value}\""),
            format!("acme_key: Optional[str] = \"{value}\""),
            format!("$acme_key => '{value}',"),
            format!("ACME_KEY ?= {value}"),
            format!("{{\\\"acme_key\\\": \\\"{value}\\\"}}"),
        ] {
            assert_eq!(secret(&spec, &text).as_deref(), Some(value), "{text}");
        }
    }

    #[test]
    fn needs_the_name_an_ending_and_a_whole_value() {
        let spec = spec(None);
        let value = "9f0c2d7e4b1a8c3f6e5d0b9a7c2e4f18"; // preflight:allow
        for text in [
            format!("ACME_ACCOUNT_NAME={value}"),
            format!("OTHER_API_KEY={value}"),
            format!("ACME_API_KEY={value}aa"),
            format!("ACME_API_KEY={}", &value[1..]),
        ] {
            assert_eq!(secret(&spec, &text), None, "{text}");
        }
    }

    #[test]
    fn ends_replace_the_default_words() {
        let spec = spec(Some("client[._-]?secret"));
        let value = "9f0c2d7e4b1a8c3f6e5d0b9a7c2e4f18"; // preflight:allow
        assert_eq!(
            secret(&spec, &format!("ACME_CLIENT_SECRET={value}")).as_deref(),
            Some(value)
        );
        assert_eq!(secret(&spec, &format!("ACME_API_KEY={value}")), None);
    }
}
