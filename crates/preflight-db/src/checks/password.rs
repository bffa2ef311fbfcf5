//! The URL's password: long enough, and not guessable. The value never leaves this module:
//! findings give its length and a strength score, never characters of it.

use crate::codes::{Annotate, Emitter, PASSWORD_ABSENT, PASSWORD_SHORT, PASSWORD_WEAK};
use crate::conninfo::ConnInfo;

/// zxcvbn scores below this (0 to 4) are weak: 3 means "safely unguessable" online and
/// resistant offline only with slow hashing, which is the least a database password needs.
const MIN_SCORE: u8 = 3;

/// Only this many characters are given to the estimator, which slows on long input; a longer
/// password is judged by its prefix, which can only underestimate it.
const ESTIMATE_CHARS: usize = 64;

/// Checks the URL's password against `min_length` characters.
pub(crate) fn check(out: &mut Emitter, info: &ConnInfo, min_length: usize) {
    let Some(password) = &info.password else {
        out.emit(
            &PASSWORD_ABSENT,
            "The URL has no password (it may come from a password file or another method), so its strength was not checked",
            "password",
        );
        return;
    };
    let length = password.len();
    if length < min_length {
        out.emit(
            &PASSWORD_SHORT,
            format!(
                "The URL's password has {length} characters; at least {min_length} are required"
            ),
            "password-length",
        )
        .help("Generate a random password of 32 or more characters and rotate it.")
        .detail("length", length.to_string())
        .detail("minimum", min_length.to_string());
    }
    let prefix: String = password.expose().chars().take(ESTIMATE_CHARS).collect();
    let mut context: Vec<String> = vec![info.user_or_default(), info.dbname_or_default()];
    context.extend(info.hosts_or_default());
    let context: Vec<&str> = context.iter().map(String::as_str).collect();
    let score = zxcvbn::zxcvbn(&prefix, &context).score() as u8;
    if score < MIN_SCORE {
        out.emit(
            &PASSWORD_WEAK,
            format!("The URL's password is easy to guess (strength {score} of 4)"),
            "password-strength",
        )
        .help("Generate a random password of 32 or more characters and rotate it.")
        .detail("score", score.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_url(url: &str, min: usize) -> Vec<preflight_findings::Finding> {
        let info = ConnInfo::parse(url).unwrap();
        let mut out = Emitter::new(info.target());
        check(&mut out, &info, min);
        out.findings
    }

    #[test]
    fn short_and_weak_passwords_are_reported_without_the_value() {
        let findings = check_url("postgres://shop:shop2024@db/shop", 20); // preflight:allow (synthetic test value)
        let ids: Vec<&str> = findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["db.password-short", "db.password-weak"]);
        for finding in &findings {
            let shown = format!("{finding:?}");
            assert!(!shown.contains("shop2024"), "{shown}");
        }
    }

    #[test]
    fn long_random_passwords_pass_and_the_minimum_is_configurable() {
        let url = "postgres://app:Xq7pL2vN9rT4wZ8bK3mC6hJ1@db/shop"; // preflight:allow (synthetic test value)
        assert!(check_url(url, 20).is_empty());
        let findings = check_url(url, 32);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].details["length"], "24");
    }

    #[test]
    fn a_missing_password_is_only_noted() {
        let findings = check_url("postgres://app@db/shop", 20);
        assert_eq!(findings[0].id, "db.password-absent");
    }
}
