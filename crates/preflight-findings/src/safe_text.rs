//! Text that may quote the user's input and is still safe to show.
//!
//! Messages name what they are about: a variable, a line, a URL, a header. The input they quote
//! can hold a credential (a key pasted on a line of its own, a password in a mistyped URL), so
//! every message is a [`SafeText`], and the only ways to make one pass the text through
//! [`scrub`]. A check cannot put raw input into a report by mistake.
//!
//! The scrubbing is written here rather than taken from the secret rules: it must work in every
//! check, before any rule is loaded, on input that matches no provider's format.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use serde::{Serialize, Serializer};

use crate::Redacted;

/// Text for a report or a terminal, with anything shaped like a credential replaced by its
/// redacted preview and every URL password by `***`.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SafeText(String);

impl SafeText {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SafeText {
    fn from(text: &str) -> Self {
        SafeText(scrub(text).into_owned())
    }
}

impl From<String> for SafeText {
    fn from(text: String) -> Self {
        match scrub(&text) {
            Cow::Borrowed(_) => SafeText(text),
            Cow::Owned(scrubbed) => SafeText(scrubbed),
        }
    }
}

impl From<&String> for SafeText {
    fn from(text: &String) -> Self {
        SafeText::from(text.as_str())
    }
}

impl Deref for SafeText {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SafeText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SafeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SafeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Serialize for SafeText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl PartialEq<str> for SafeText {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for SafeText {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for SafeText {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

/// A line of input as a message may show it: only its redacted preview, whatever it holds.
pub fn quote_line(line: &str) -> String {
    Redacted::new(line.trim()).preview()
}

/// `text` with the password of every URL replaced by `***`, the value of every query parameter
/// named like a credential by `***`, and every token shaped like a credential by its redacted
/// preview. Text with none of these is returned as it is.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    if let Some(hidden) = hide_url_passwords(&out) {
        out = Cow::Owned(hidden);
    }
    if let Some(hidden) = hide_secret_parameters(&out) {
        out = Cow::Owned(hidden);
    }
    if let Some(hidden) = hide_random_tokens(&out) {
        out = Cow::Owned(hidden);
    }
    out
}

/// Replaces the password of `user:password@host` after every `//`, with or without a scheme
/// (a mistyped `postgres//user:pw@host` is quoted too).
fn hide_url_passwords(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    let mut changed = false;
    while let Some(start) = rest.find("//") {
        let authority_start = start + 2;
        let authority_len = rest[authority_start..]
            .find(|c: char| c.is_whitespace() || "/?#`'\"<>()[]{}".contains(c))
            .unwrap_or(rest.len() - authority_start);
        let authority = &rest[authority_start..authority_start + authority_len];
        out.push_str(&rest[..authority_start]);
        match authority.rfind('@').and_then(|at| {
            let userinfo = &authority[..at];
            userinfo.find(':').map(|colon| (colon, at))
        }) {
            Some((colon, at)) if colon + 1 < at && !is_placeholder(&authority[colon + 1..at]) => {
                out.push_str(&authority[..=colon]);
                out.push_str("***");
                out.push_str(&authority[at..]);
                changed = true;
            }
            _ => out.push_str(authority),
        }
        rest = &rest[authority_start + authority_len..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Whether a URL password is a template's placeholder (`PASSWORD`, `<password>`, `${DB_PASS}`)
/// rather than a password: help texts show those.
fn is_placeholder(password: &str) -> bool {
    let inner = password
        .trim_start_matches(['$', '{', '<'])
        .trim_end_matches(['}', '>']);
    password == "***"
        || (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        || (password.starts_with('<') && password.ends_with('>'))
}

/// The words that make a query parameter's value a credential.
const SECRET_PARAMETER_WORDS: [&str; 12] = [
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "key",
    "sig",
    "auth",
    "credential",
    "session",
    "code",
    "signature",
];

/// Replaces the value of `?name=value`, `&name=value` and `;name=value` when the name says the
/// value is a credential (`?token=`, `&api_key=`, `;password=`).
fn hide_secret_parameters(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut chars = text.char_indices().peekable();
    let mut copied = 0;
    while let Some((i, c)) = chars.next() {
        if !matches!(c, '?' | '&' | ';') {
            continue;
        }
        let after = &text[i + 1..];
        let Some(eq) = after.find('=') else { continue };
        let name = &after[..eq];
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.[]".contains(c))
        {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if !SECRET_PARAMETER_WORDS.iter().any(|w| lower.contains(w)) {
            continue;
        }
        let value_start = i + 1 + eq + 1;
        let value_len = text[value_start..]
            .find(|c: char| c.is_whitespace() || "&#;`'\"<>)]".contains(c))
            .unwrap_or(text.len() - value_start);
        if value_len == 0 || &text[value_start..value_start + value_len] == "***" {
            continue;
        }
        out.push_str(&text[copied..value_start]);
        out.push_str("***");
        copied = value_start + value_len;
        changed = true;
        while chars.peek().is_some_and(|&(j, _)| j < copied) {
            chars.next();
        }
    }
    out.push_str(&text[copied..]);
    changed.then_some(out)
}

/// Replaces every token (a run of letters, digits, `_`, `-` and `+`) that holds a piece shaped
/// like a random credential by the token's redacted preview.
fn hide_random_tokens(text: &str) -> Option<String> {
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+');
    let mut out = String::new();
    let mut copied = 0;
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (is_token_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                start = None;
                let token = &text[s..i];
                if looks_like_credential(token) {
                    out.push_str(&text[copied..s]);
                    out.push_str(&Redacted::new(token).preview());
                    copied = i;
                }
            }
            _ => {}
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// Whether a token is a UUID or has a piece (between `_` and `-`) of at least 16 characters that
/// mixes letters with digits or cases and is as varied as random text.
fn looks_like_credential(token: &str) -> bool {
    if token.len() < 16 {
        return false;
    }
    is_uuid(token) || token.split(['_', '-']).any(random_piece)
}

fn random_piece(piece: &str) -> bool {
    if piece.len() < 16 {
        return false;
    }
    let digits = piece.bytes().filter(u8::is_ascii_digit).count();
    let upper = piece.bytes().filter(u8::is_ascii_uppercase).count();
    let lower = piece.bytes().filter(u8::is_ascii_lowercase).count();
    let letters = upper + lower;
    let mixed = (digits >= 2 && letters >= 2) || (upper >= 2 && lower >= 2 && piece.len() >= 20);
    mixed && !is_camel_case(piece) && entropy(piece) >= 3.0
}

/// Whether a piece reads as words joined in CamelCase (`XFrameOptionsMiddleware`,
/// `PBKDF2PasswordHasher`, `SiteSettingsKeyDialog`): at least two runs of lower-case letters,
/// at most one of them shorter than three, averaging at least three and a half. Random text of
/// mixed case has mostly short lower-case runs.
fn is_camel_case(piece: &str) -> bool {
    let runs: Vec<usize> = piece
        .split(|c: char| !c.is_ascii_lowercase())
        .filter(|run| !run.is_empty())
        .map(str::len)
        .collect();
    let short = runs.iter().filter(|&&len| len < 3).count();
    let total: usize = runs.iter().sum();
    runs.len() >= 2 && short <= 1 && total * 2 >= runs.len() * 7
}

fn is_uuid(token: &str) -> bool {
    let groups: Vec<&str> = token.split('-').collect();
    groups.len() == 5
        && groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Shannon entropy of `text`'s bytes, in bits per byte.
fn entropy(text: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in text.bytes() {
        counts[usize::from(b)] += 1;
    }
    let len = text.len() as f64;
    counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = f64::from(n) / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RANDOM: &str = "q8ZfT2mWx7LcR4vNp1KsY6dHb3GjU9eA"; // preflight:allow (synthetic test value)

    fn shown(text: &str) -> String {
        SafeText::from(text).to_string()
    }

    fn assert_hidden(text: &str, secret: &str) {
        let out = shown(text);
        for slice in secret.as_bytes().windows(8) {
            let slice = std::str::from_utf8(slice).unwrap();
            assert!(!out.contains(slice), "{out} shows {slice}");
        }
    }

    #[test]
    fn url_passwords_are_starred_with_or_without_a_scheme() {
        assert_eq!(
            shown("cannot connect to postgresql://app:hunter2hunter2@db:5432/app"),
            "cannot connect to postgresql://app:***@db:5432/app"
        );
        assert_eq!(
            shown("postgres//app:pw0rd-x@host"),
            "postgres//app:***@host"
        );
        assert_eq!(
            shown("https://user@example.com/"),
            "https://user@example.com/"
        );
        for template in [
            "postgresql://USER:PASSWORD@HOST:5432/DB",
            "redis://:<password>@host",
            "amqp://app:${RABBIT_PASS}@mq",
        ] {
            assert_eq!(shown(template), template);
        }
        assert_eq!(
            shown("amqp://u:p@a:1 and redis://:pass@r:6379"),
            "amqp://u:***@a:1 and redis://:***@r:6379"
        );
    }

    #[test]
    fn credential_query_parameters_are_starred() {
        assert_eq!(
            shown("redirects to https://x.test/cb?state=1&access_token=abc.def&x=2"),
            "redirects to https://x.test/cb?state=1&access_token=***&x=2"
        );
        assert_eq!(shown("dsn?sslmode=require"), "dsn?sslmode=require");
    }

    #[test]
    fn random_tokens_show_only_their_preview() {
        assert_hidden(&format!("`sk-proj-{RANDOM}` is not a valid name"), RANDOM);
        assert_hidden(&format!("db postgres%2F%2Fapp%3A{RANDOM}%40host"), RANDOM);
        assert_hidden(&format!("cookie session={RANDOM}; Secure"), RANDOM);
        assert_hidden(
            "id 123e4567-e89b-12d3-a456-426614174000",
            "e89b-12d3-a456-4266",
        );
        let aws = "AKIAQ3EGRZ7X5VK2MW4N"; // preflight:allow (synthetic test value)
        assert_hidden(&format!("key {aws} here"), aws);
        assert_hidden(
            "hex 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
            "884c7d659a2feaa0",
        );
        assert!(shown(&format!("k={RANDOM}")).contains("(32 chars)"));
    }

    #[test]
    fn names_words_paths_and_versions_are_left_alone() {
        for text in [
            "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS is not set",
            "SECRET_KEY is the placeholder `changeme`",
            "settings/production.py:12 sets DEBUG = True",
            "NEXT_PUBLIC_FIREBASE_API_KEY2 is read by web/src/firebase.ts",
            "the server runs PostgreSQL 15.4; 15.10 fixes 4 advisories",
            "Content-Security-Policy allows 'unsafe-inline' in script-src",
            "django-settings.hsts-short: max-age=3600 is under 31536000",
            "AWS_S3_BUCKET_NAME_2024_BACKUPS",
            "Django's default `PBKDF2PasswordHasher` applies",
            "add django.middleware.clickjacking.XFrameOptionsMiddleware to MIDDLEWARE",
            "list MinimumLengthValidator, UserAttributeSimilarityValidator",
            "src/settings/SiteSettingsKeyDialog.tsx",
        ] {
            assert_eq!(shown(text), text);
        }
    }

    #[test]
    fn lines_are_quoted_as_previews() {
        let quoted = quote_line(&format!("  sk-proj-{RANDOM}\n"));
        assert!(quoted.ends_with("(40 chars)"), "{quoted}");
        assert!(!quoted.contains(&RANDOM[..8]));
    }

    #[test]
    fn hostile_text_neither_panics_nor_grows_without_bound() {
        let text = "//:@?&;=é".repeat(1000) + &"a1".repeat(5000);
        let out = shown(&text);
        assert!(out.len() <= text.len() * 2);
        assert!(shown("é?é=é&").len() >= 4);
    }
}
