use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A stable identity for a finding: a SHA-256 over its id and its secret (or, for findings that
/// carry no secret, over the parts that identify it). It never contains the secret.
///
/// Fingerprints do not depend on line numbers, so baselines keyed by them do not churn when code
/// moves.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// The fingerprint of a secret found by a rule.
    pub fn of_secret(rule_id: &str, secret: &[u8]) -> Self {
        Self::of_parts(&[rule_id.as_bytes(), secret])
    }

    /// The fingerprint of a finding identified by several parts (hashed with separators, so that
    /// `["ab", "c"]` and `["a", "bc"]` differ).
    pub fn of_parts(parts: &[&[u8]]) -> Self {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        let digest = hasher.finalize();
        Fingerprint(digest.iter().take(16).map(|b| format!("{b:02x}")).collect())
    }

    /// The hexadecimal form (32 characters).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_distinct() {
        let a = Fingerprint::of_secret("stripe.secret-key", b"sk_live_abc");
        assert_eq!(
            a,
            Fingerprint::of_secret("stripe.secret-key", b"sk_live_abc")
        );
        assert_ne!(
            a,
            Fingerprint::of_secret("stripe.restricted-key", b"sk_live_abc")
        );
        assert_ne!(
            Fingerprint::of_parts(&[b"ab", b"c"]),
            Fingerprint::of_parts(&[b"a", b"bc"])
        );
        assert_eq!(a.as_str().len(), 32);
        assert!(!a.as_str().contains("sk_live"));
    }
}
