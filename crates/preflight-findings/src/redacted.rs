use std::fmt;

use serde::{Serialize, Serializer};

/// A secret value whose `Debug`, `Display` and `Serialize` show only a short preview and the length.
///
/// The full value is reachable only through [`Redacted::expose`], which callers use to hash it,
/// compare it with allowlists, or print it when the user asked for `--show-secrets`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Redacted(String);

impl Redacted {
    /// Wraps a secret. Bytes that are not UTF-8 are kept as replacement characters.
    pub fn new(value: impl Into<String>) -> Self {
        Redacted(value.into())
    }

    /// Wraps secret bytes, replacing invalid UTF-8 sequences.
    pub fn from_bytes(value: &[u8]) -> Self {
        Redacted(String::from_utf8_lossy(value).into_owned())
    }

    /// The full secret. Never print this unless the user asked for secrets to be shown.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The secret's length in characters.
    pub fn len(&self) -> usize {
        self.0.chars().count()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The leading characters that are safe to show: a fifth of the value, at most six (so that
    /// no eight characters of a secret are ever shown), and none for values shorter than eight.
    pub fn visible_prefix(&self) -> &str {
        let len = self.len();
        let shown = if len < 8 { 0 } else { (len / 5).min(6) };
        let end = self
            .0
            .char_indices()
            .nth(shown)
            .map_or(self.0.len(), |(i, _)| i);
        &self.0[..end]
    }

    /// The preview shown in reports, such as `sk_liv…(107 chars)`.
    pub fn preview(&self) -> String {
        format!("{}…({} chars)", self.visible_prefix(), self.len())
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redacted({})", self.preview())
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.preview())
    }
}

impl Serialize for Redacted {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.preview())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "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"; // preflight:allow (synthetic test value)

    #[test]
    fn debug_display_and_json_hide_the_value() {
        let secret = Redacted::new(KEY);
        for shown in [
            format!("{secret}"),
            format!("{secret:?}"),
            serde_json::to_string(&secret).unwrap(),
        ] {
            assert!(!shown.contains(KEY), "{shown}");
            assert!(shown.contains("sk_liv…"), "{shown}");
        }
    }

    #[test]
    fn short_values_show_no_prefix() {
        assert_eq!(Redacted::new("hunter2").preview(), "…(7 chars)");
        assert_eq!(Redacted::new("0123456789").visible_prefix(), "01");
    }

    #[test]
    fn multibyte_values_are_cut_on_character_boundaries() {
        let secret = Redacted::new("ééééééééééééééééééé");
        assert_eq!(secret.visible_prefix(), "ééé");
    }
}
