//! Measures of a value that can be shown without showing it: length, shape, character classes,
//! Shannon entropy; and the lists a value must not be in (placeholders, known defaults,
//! dictionary words).

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

/// The Shannon entropy of `value` in bits per character.
pub fn entropy(value: &str) -> f64 {
    let mut counts: HashMap<char, usize> = HashMap::new();
    let mut total = 0usize;
    for c in value.chars() {
        *counts.entry(c).or_default() += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let total = total as f64;
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / total;
            -p * p.log2()
        })
        .sum()
}

/// The number of distinct characters.
pub fn distinct(value: &str) -> usize {
    let mut chars: Vec<char> = value.chars().collect();
    chars.sort_unstable();
    chars.dedup();
    chars.len()
}

/// Which character classes a value uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Classes {
    /// `a-z`.
    pub lower: bool,
    /// `A-Z`.
    pub upper: bool,
    /// `0-9`.
    pub digit: bool,
    /// Anything else.
    pub symbol: bool,
}

impl Classes {
    /// The classes of `value`.
    pub fn of(value: &str) -> Self {
        let mut classes = Classes::default();
        for c in value.chars() {
            if c.is_ascii_lowercase() {
                classes.lower = true;
            } else if c.is_ascii_uppercase() {
                classes.upper = true;
            } else if c.is_ascii_digit() {
                classes.digit = true;
            } else {
                classes.symbol = true;
            }
        }
        classes
    }

    /// How many classes are used.
    pub fn count(self) -> usize {
        [self.lower, self.upper, self.digit, self.symbol]
            .iter()
            .filter(|&&b| b)
            .count()
    }

    /// The classes in words: `lower-case letters, digits`.
    pub fn describe(self) -> String {
        let names: Vec<&str> = [
            (self.lower, "lower-case letters"),
            (self.upper, "upper-case letters"),
            (self.digit, "digits"),
            (self.symbol, "symbols"),
        ]
        .iter()
        .filter(|(used, _)| *used)
        .map(|(_, name)| *name)
        .collect();
        if names.is_empty() {
            "nothing".into()
        } else {
            names.join(", ")
        }
    }
}

/// The shape of a value, safe to print: its length and alphabet, never its characters.
pub fn shape(value: &str) -> String {
    let len = value.chars().count();
    let alphabet = if !value.is_empty() && value.chars().all(|c| c.is_ascii_hexdigit()) {
        "hex digits".to_string()
    } else {
        Classes::of(value).describe()
    };
    format!("{len} characters of {alphabet}")
}

static PLACEHOLDERS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        ("changeme", r"(?i)change[-_ .]?(?:me|this|it)"),
        ("your-...-here", r"(?i)^your[-_ ]|[-_ ]here$|^(?:put|insert|enter|add)[-_ ]"),
        ("xxx", r"(?i)^x{3,}$|x{4,}|[-_]x{3}|x{3}[-_]|\*{4,}"),
        ("TODO", r"(?i)\b(?:todo|tbd|fixme)\b"),
        ("<...>", r"<[^>]*>"),
        ("[...]", r"^\[.*\]$"),
        ("...", r"\.\.\.|…"),
        ("example", r"(?i)example"),
        ("placeholder", r"(?i)placeholder|replace[-_ ]?me|dummy|fill[-_ ]?in"),
        (
            "a generic word",
            r"(?i)^(?:secret|password|passwd|pass|token|key|apikey|api[-_]key|value|test|none|null|default|admin|abc123|123456|foo|bar|foobar)$",
        ),
    ]
    .into_iter()
    .map(|(name, pattern)| (name, Regex::new(pattern).expect("placeholder patterns are valid")))
    .collect()
});

/// Which placeholder pattern `value` matches, if any.
pub fn placeholder(value: &str) -> Option<&'static str> {
    let value = value.trim();
    PLACEHOLDERS
        .iter()
        .find(|(_, regex)| regex.is_match(value))
        .map(|(name, _)| *name)
}

/// Secrets that appear in frameworks' documentation, tutorials and starter projects.
const KNOWN_DEFAULTS: &[&str] = &[
    "secret",
    "secretkey",
    "secret-key",
    "secret_key",
    "mysecret",
    "mysecretkey",
    "supersecret",
    "supersecretkey",
    "super-secret-key",
    "keyboard cat",
    "development key",
    "dev",
    "development",
    "thisisasecret",
    "notasecret",
    "default",
    "insecure",
    "s3cr3t",
    "sk_test_4ec39hqlyjwdarjtt1zdp7dc", // preflight:allow (synthetic test value)
    "wjalrxutnfemi/k7mdeng/bpxrficyexamplekey",
    "akiaiosfodnn7example",
];

/// Whether `value` is a well-known default or example secret.
pub fn known_default(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    KNOWN_DEFAULTS.contains(&lower.as_str())
}

/// Words and passwords a password must not be built from.
const DICTIONARY: &[&str] = &[
    "password",
    "passw0rd",
    "postgres",
    "postgresql",
    "admin",
    "administrator",
    "root",
    "qwerty",
    "letmein",
    "welcome",
    "secret",
    "dragon",
    "monkey",
    "master",
    "shadow",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "iloveyou",
    "trustno1",
    "superman",
    "batman",
    "database",
    "changeme",
    "default",
    "mysql",
    "oracle",
    "user",
    "guest",
    "test",
    "testing",
    "demo",
    "example",
    "django",
    "flask",
    "server",
    "login",
    "access",
    "hello",
    "freedom",
    "whatever",
    "computer",
    "internet",
    "service",
    "manager",
    "company",
    "summer",
    "winter",
    "spring",
    "autumn",
    "orders",
    "order",
    "customer",
    "production",
    "staging",
    "development",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
];

/// Whether `password`, ignoring case and leading or trailing digits and symbols, is a common
/// word or password.
pub fn dictionary_word(password: &str) -> bool {
    let lower = password.to_ascii_lowercase();
    let core = lower.trim_matches(|c: char| !c.is_ascii_alphabetic());
    (core.len() >= 3 && DICTIONARY.contains(&core)) || DICTIONARY.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_random_and_repeated_values() {
        assert!(entropy("aaaaaaaaaaaaaaaa") < 0.01);
        assert!(entropy("0123456789abcdef") > 3.9);
        assert_eq!(distinct("abcabc"), 3);
    }

    #[test]
    fn shapes_never_contain_the_value() {
        assert_eq!(shape("deadbeef"), "8 characters of hex digits");
        assert_eq!(
            shape("Ab1!"),
            "4 characters of lower-case letters, upper-case letters, digits, symbols"
        );
    }

    #[test]
    fn placeholders_are_recognised() {
        for value in [
            "changeme",
            "your-secret-key-here",
            "xxx",
            "TODO",
            "<api key>",
            "sk-...",
            "https://example.com",
            "[contact info]",
            "password",
        ] {
            assert!(placeholder(value).is_some(), "{value}");
        }
        for value in [
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "api.orders.internal",
            "False",
        ] {
            assert_eq!(placeholder(value), None, "{value}");
        }
    }

    #[test]
    fn dictionary_words_and_known_defaults() {
        assert!(dictionary_word("Postgres123!"));
        assert!(!dictionary_word("kQ9vT2mX7pL4wZ8r"));
        assert!(known_default("keyboard cat"));
    }
}
