//! The ways a database check can fail before it has anything to report.
//!
//! Every message here is built from text the caller may print: the driver's and the server's
//! words are passed through [`Scrubber`] first, so the URL's password can never reach a
//! terminal, a log or a CI page, even when a driver or server echoes it back.

use preflight_findings::Redacted;

/// Why a database could not be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    /// No connection string was given and none was found in the environment or `.env`.
    #[error(
        "no database URL: pass one, or set {variable} in the environment or the project's .env"
    )]
    NoUrl {
        /// The variable that was looked up.
        variable: String,
    },
    /// The project's `.env` could not be read.
    #[error("cannot read {path}: {reason}")]
    DotEnv {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The connection string is not valid (the message never quotes the password).
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    /// Nothing listens at the address, or the host is unreachable.
    #[error("cannot connect to {target}: {reason}")]
    Unreachable {
        /// The target, without its password.
        target: String,
        /// The operating system's reason.
        reason: String,
    },
    /// The connection or a statement took longer than its timeout.
    #[error("timed out after {seconds} s while {during} ({target})")]
    Timeout {
        /// The target, without its password.
        target: String,
        /// What was being done.
        during: &'static str,
        /// The timeout that ran out.
        seconds: u64,
    },
    /// The server rejected the user name or password.
    #[error("password authentication failed for user `{user}` ({target})")]
    BadCredentials {
        /// The user name.
        user: String,
        /// The target, without its password.
        target: String,
    },
    /// The server asked for a password and the URL has none.
    #[error("the server asks for a password and the URL has none ({target})")]
    PasswordMissing {
        /// The target, without its password.
        target: String,
    },
    /// The database named in the URL does not exist.
    #[error("database `{database}` does not exist ({target})")]
    UnknownDatabase {
        /// The database name.
        database: String,
        /// The target, without its password.
        target: String,
    },
    /// The server's access rules (pg_hba.conf) refuse this connection.
    #[error("the server refused the connection: {reason}")]
    Refused {
        /// The server's message (host, user, database and encryption it saw).
        reason: String,
    },
    /// The URL asks for TLS and the server does not offer it.
    #[error("the server does not support TLS, and sslmode={sslmode} requires it ({target})")]
    TlsRefused {
        /// The sslmode asked for.
        sslmode: &'static str,
        /// The target, without its password.
        target: String,
    },
    /// The server offered TLS but its certificate did not pass verification.
    #[error("the server's TLS certificate failed verification: {reason} ({target})")]
    TlsVerification {
        /// What was wrong with the certificate.
        reason: String,
        /// The target, without its password.
        target: String,
    },
    /// Setting up or running TLS failed for another reason (a missing root certificate file, a
    /// handshake error).
    #[error("TLS error: {0}")]
    Tls(String),
    /// Any other error from the driver or the server, with the password removed.
    #[error("database error: {0}")]
    Other(String),
}

/// Removes a secret, and its percent-encoded spellings, from text that is about to be shown.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scrubber {
    spellings: Vec<String>,
}

/// What a scrubbed secret is replaced with.
const MASK: &str = "********";

impl Scrubber {
    /// A scrubber for `secret` (none when there is no password).
    pub(crate) fn new(secret: Option<&Redacted>) -> Self {
        let mut spellings = Vec::new();
        if let Some(secret) = secret.filter(|s| !s.is_empty()) {
            let plain = secret.expose().to_string();
            let encoded =
                percent_encoding::utf8_percent_encode(&plain, percent_encoding::NON_ALPHANUMERIC)
                    .to_string();
            spellings.push(plain);
            if !spellings.contains(&encoded) {
                spellings.push(encoded);
            }
        }
        // Longest first, so that a spelling containing another is replaced whole.
        spellings.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Scrubber { spellings }
    }

    /// `text` with every spelling of the secret masked.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut text = text.to_string();
        for spelling in &self.spellings {
            if text.contains(spelling.as_str()) {
                text = text.replace(spelling.as_str(), MASK);
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_plain_and_percent_encoded_spellings() {
        let secret = Redacted::new("p@ss word/1");
        let scrubber = Scrubber::new(Some(&secret));
        let text = "failed for p@ss word/1 and p%40ss%20word%2F1";
        let scrubbed = scrubber.scrub(text);
        assert!(!scrubbed.contains("p@ss"), "{scrubbed}");
        assert!(!scrubbed.contains("p%40ss"), "{scrubbed}");
        assert_eq!(scrubbed.matches(MASK).count(), 2);
    }

    #[test]
    fn without_a_secret_text_is_unchanged() {
        assert_eq!(Scrubber::new(None).scrub("abc"), "abc");
        assert_eq!(Scrubber::new(Some(&Redacted::new(""))).scrub("abc"), "abc");
    }
}
