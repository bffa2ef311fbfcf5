//! Example environment files (`.env.example`, `.env.docker.example`, `.env.sample`,
//! `.env.template`) that hold values which look real instead of placeholders.
//!
//! These heuristics are preflight's own, deliberately simple and tuned to miss rather than to
//! nag: a value is judged only when its variable name suggests a credential, and reported when
//! it is long, varied and unlike any placeholder; a URL is reported when it embeds a password
//! that is not a placeholder. The value itself is never put in the finding.

use preflight_findings::{Finding, Location, Severity};

/// Last words of an environment file's name that make it an example or a template
/// (`.env.example`, `.env.dev-sample`, `.env.j2`).
const EXAMPLE_WORDS: &[&str] = &[
    "example", "sample", "template", "dist", "tmpl", "tpl", "j2", "jinja", "jinja2",
];

/// Words in a variable name that suggest it holds a credential.
const SECRET_NAMES: &[&str] = &[
    "KEY",
    "SECRET",
    "TOKEN",
    "PASSWORD",
    "PASSWD",
    "PWD",
    "PASS",
    "CREDENTIAL",
    "AUTH",
    "PRIVATE",
    "DSN",
    "SALT",
];

/// Fragments that mark a value as a placeholder (compared case-insensitively).
const PLACEHOLDERS: &[&str] = &[
    "your",
    "change",
    "example",
    "xxx",
    "placeholder",
    "replace",
    "dummy",
    "fake",
    "sample",
    "todo",
    "insert",
    "here",
    "secret",
    "password",
    "<",
    "${",
    "...",
    "***",
    "redacted",
    "none",
    "null",
    "test",
    "dev",
];

/// Minimum length of a value judged real-looking.
const MIN_LENGTH: usize = 16;

/// Minimum Shannon entropy, in bits per character, of a value judged real-looking.
const MIN_ENTROPY: f64 = 3.5;

/// Whether a file name is an example environment file.
pub(crate) fn is_example_env(name: &str) -> bool {
    if !name.starts_with(".env") {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    // The last part's last word: `.env.sample`, `.env.dev-sample`, `.env.prod_template`.
    let last = lower.rsplit('.').next().unwrap_or("");
    let word = last.rsplit(['-', '_']).next().unwrap_or(last);
    EXAMPLE_WORDS.contains(&word)
}

/// The findings for the values of an example file that look real.
pub(crate) fn check(path: &str, bytes: &[u8]) -> Vec<Finding> {
    let text = String::from_utf8_lossy(bytes);
    let mut findings = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        if line.starts_with('#') {
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim();
        let value = unquote(value.trim());
        if let Some(reason) = looks_real(name, value) {
            findings.push(
                Finding::new(
                    "git.env-example-real-value",
                    Severity::Medium,
                    format!("`{name}` in an example environment file {reason}"),
                    Location::file(path, number as u32 + 1, 1),
                    name,
                )
                .with_detail("heuristic", "preflight's own shape and entropy heuristic")
                .with_help(
                    "Replace it with a placeholder such as `change-me`; if it was ever a real \
                     credential, rotate it.",
                ),
            );
        }
    }
    findings
}

/// Whether an env file assigns a value to a secret-named variable (`SECRET_KEY=...`, even a
/// placeholder, which a deploy will replace in place) or a URL with a password. One that does
/// not (`COMPOSE_PROJECT_NAME=app`, `VITE_API_URL=...`) holds nothing to rotate today.
pub(crate) fn assigns_secret(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.lines().any(|line| {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        if line.starts_with('#') {
            return false;
        }
        let Some((name, value)) = line.split_once('=') else {
            return false;
        };
        let value = unquote(value.trim());
        let upper = name.trim().to_ascii_uppercase();
        !value.is_empty()
            && (SECRET_NAMES.iter().any(|word| upper.contains(word))
                || url_password(value).is_some_and(|p| !p.is_empty()))
    })
}

fn unquote(value: &str) -> &str {
    let value = value.split(" #").next().unwrap_or(value).trim();
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

/// Why `value` looks like a real credential rather than a placeholder, if it does.
fn looks_real(name: &str, value: &str) -> Option<&'static str> {
    if value.is_empty() || is_placeholder(value) {
        return None;
    }
    if let Some(password) = url_password(value) {
        return (!is_placeholder(password) && password.len() >= 6)
            .then_some("holds a URL with what looks like a real password");
    }
    let upper = name.to_ascii_uppercase();
    if !SECRET_NAMES.iter().any(|word| upper.contains(word)) {
        return None;
    }
    let classes = [
        value.bytes().any(|b| b.is_ascii_lowercase()),
        value.bytes().any(|b| b.is_ascii_uppercase()),
        value.bytes().any(|b| b.is_ascii_digit()),
    ]
    .iter()
    .filter(|c| **c)
    .count();
    (value.len() >= MIN_LENGTH && classes >= 2 && entropy(value) >= MIN_ENTROPY)
        .then_some("holds a value that looks like a real credential, not a placeholder")
}

fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    PLACEHOLDERS.iter().any(|p| lower.contains(p))
        || value.bytes().all(|b| b == value.as_bytes()[0])
}

/// The password of a `scheme://user:password@host` URL.
fn url_password(value: &str) -> Option<&str> {
    let rest = value.split_once("://")?.1;
    let userinfo = rest.split_once('@')?.0;
    Some(userinfo.split_once(':')?.1)
}

/// Shannon entropy in bits per character.
fn entropy(value: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in value.bytes() {
        counts[b as usize] += 1;
    }
    let len = value.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = *c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_example_files() {
        assert!(is_example_env(".env.example"));
        assert!(is_example_env(".env.docker.example"));
        assert!(is_example_env(".env.template"));
        assert!(!is_example_env(".env"));
        assert!(!is_example_env(".env.docker"));
        assert!(is_example_env(".env.dev-sample"));
        assert!(is_example_env(".env.prod.db-sample"));
        assert!(is_example_env(".env.production.j2"));
        assert!(!is_example_env(".env.examples-service"));
        assert!(!is_example_env(".env.resample"));
    }

    #[test]
    fn secret_named_assignments_and_url_passwords_are_secrets() {
        assert!(assigns_secret(
            b"COMPOSE_PROJECT_NAME=app\nSECRET_KEY=changethis\n"
        ));
        let url = b"DATABASE_URL=postgres://app:Zq8vN1pLw3@db/app\n"; // preflight:allow (synthetic)
        assert!(assigns_secret(url));
        assert!(!assigns_secret(b"COMPOSE_PROJECT_NAME=paperless\n"));
        assert!(!assigns_secret(
            b"VITE_API_URL=http://localhost:8000\n# SECRET_KEY=x\nAPI_KEY=\n"
        ));
    }

    #[test]
    fn placeholders_pass_and_real_looking_values_do_not() {
        let text = b"# settings\nDEBUG=true\nSECRET_KEY=change-me\nSTRIPE_KEY=your-key-here\n\
API_TOKEN=\"q8ZkR2vT9wLm4NbX7cYp1sDf\"\nDATABASE_URL=postgres://app:changeme@db/app\n\
REDIS_URL=redis://:Kx93hfQ0z2@cache:6379\nNAME=AcmeCorporationInternational\n";
        let findings = check(".env.example", text);
        let lines: Vec<u32> = findings.iter().map(|f| f.location.line.unwrap()).collect();
        assert_eq!(lines, [5, 7]);
        assert!(findings.iter().all(|f| !f.message.contains("q8ZkR2")));
    }
}
