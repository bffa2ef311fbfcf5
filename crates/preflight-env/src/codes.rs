//! Every finding code the env check emits, and how severities move with the profile.
//!
//! A severity in [`CODES`] is the production one. [`grade`] lowers it for staging (never
//! critical) and development (at most low): a short `SECRET_KEY` on a laptop is worth a note,
//! not a failed build. Checks whose meaning changes with the profile (Stripe live keys in
//! development, `DEBUG` in production) choose their severity themselves.

use preflight_findings::Severity;

use crate::policy::Profile;

preflight_findings::finding_codes! {
    "Every code the env check can emit, with its production severity and meaning.";
    BOM = "env.bom", Medium, "The file starts with a byte-order mark, which python-dotenv reads as part of the first name.";
    CRLF = "env.crlf", Low, "Lines end with CRLF; shells that source the file keep the carriage return in values.";
    NOT_UTF8 = "env.not-utf8", Medium, "A line is not valid UTF-8.";
    DUPLICATE_KEY = "env.duplicate-key", Medium, "A variable is assigned twice; the later value silently wins.";
    INVALID_NAME = "env.invalid-name", Medium, "A variable name is not letters, digits and underscores starting with a letter or underscore.";
    UNBALANCED_QUOTE = "env.unbalanced-quote", High, "A quoted value never closes.";
    SPACE_AROUND_EQUALS = "env.space-around-equals", Low, "Whitespace around `=`, which shells reject.";
    UNQUOTED_SPACE = "env.unquoted-space", Low, "An unquoted value contains whitespace; quote it.";
    EXPORT_PREFIX = "env.export-prefix", Info, "A line starts with `export`, which docker compose and python-dotenv ignore.";
    MISSING_EQUALS = "env.missing-equals", Medium, "A line has a name but no `=`.";
    TRAILING_CHARACTERS = "env.trailing-characters", Medium, "Text follows a closing quote.";
    BAD_REFERENCE = "env.bad-reference", Medium, "A `${...}` reference is unterminated or names a variable the file does not define.";
    MISSING = "env.missing", High, "A variable the policy, the code or the example requires is not set.";
    EMPTY = "env.empty", High, "A required variable is set to an empty value.";
    PLACEHOLDER = "env.placeholder", High, "A value is a placeholder such as `changeme`, `your-key-here`, `xxx` or `<...>`.";
    EXAMPLE_VALUE = "env.example-value", High, "A credential is the value from the example file, copied verbatim.";
    SECRET_TOO_SHORT = "env.secret-too-short", High, "A secret is shorter than its minimum length.";
    SECRET_LOW_ENTROPY = "env.secret-low-entropy", High, "A secret is too predictable (few distinct characters, low Shannon entropy).";
    SECRET_FEW_CLASSES = "env.secret-few-classes", Medium, "A secret uses too few character classes.";
    SECRET_KNOWN_DEFAULT = "env.secret-known-default", Critical, "A secret is a well-known default or example value.";
    DJANGO_INSECURE = "env.django-insecure", High, "A Django secret key starts with `django-insecure-`, the development key startproject writes.";
    SECRET_REUSED = "env.secret-reused", High, "Two variables hold the same secret.";
    SECRET_SHARED = "env.secret-shared-across-profiles", High, "The same secret is used in two environments (such as production and staging).";
    API_KEY_SHAPE = "env.api-key-shape", High, "A provider credential does not have the provider's documented shape.";
    STRIPE_TEST_KEY = "env.stripe-test-key", High, "A Stripe test-mode key is configured for production.";
    STRIPE_LIVE_KEY = "env.stripe-live-key", Medium, "A Stripe live-mode key is configured for development.";
    STRIPE_PUBLISHABLE_AS_SECRET = "env.stripe-publishable-as-secret", High, "A Stripe publishable key (`pk_`) is in a variable meant for a secret key.";
    DATABASE_URL_INVALID = "env.database-url-invalid", High, "A database URL does not parse or lacks a scheme, user, password, host or database name.";
    DATABASE_SSLMODE = "env.database-sslmode", High, "A PostgreSQL URL for production does not require TLS (`sslmode=require`, `verify-ca` or `verify-full`).";
    DATABASE_PASSWORD_WEAK = "env.database-password-weak", High, "A database password is too short, a dictionary word or equal to the user name.";
    DATABASE_LOCALHOST = "env.database-localhost", Medium, "A production database URL points at localhost.";
    DEBUG_ENABLED = "env.debug-enabled", Critical, "DEBUG is on in production.";
    INSECURE_SETTING = "env.insecure-setting", High, "A security setting has the unsafe value for production.";
    ALLOWED_HOSTS_WILDCARD = "env.allowed-hosts-wildcard", High, "ALLOWED_HOSTS accepts any host (`*`).";
    CORS_WILDCARD = "env.cors-wildcard", High, "CORS accepts any origin (`*`).";
    CORS_INSECURE_ORIGIN = "env.cors-insecure-origin", Medium, "A CORS origin for production is plain http or localhost.";
    INSECURE_URL = "env.insecure-url", High, "A URL that must be https is not.";
    INVALID_VALUE = "env.invalid-value", Medium, "A value does not parse as its kind (URL, email, boolean, integer, enum, host list, pattern).";
    OUT_OF_RANGE = "env.out-of-range", Medium, "An integer is outside its allowed range.";
    PATH_MISSING = "env.path-missing", Medium, "A path does not exist.";
    ENCRYPTED = "env.encrypted", Info, "The file or its values are encrypted (git-crypt, sops, dotenvx, age, ...): the values cannot be judged from the file, only where they are decrypted.";
    STILL_ENCRYPTED = "env.still-encrypted", High, "A variable of the process environment holds a value still encrypted by sops or dotenvx: the deploy did not decrypt it.";
    NOT_DOTENV = "env.not-dotenv", Medium, "A file named like a dotenv file is binary or not dotenv at all; it is reported once instead of line by line.";
    KEY_FILE_PERMISSIONS = "env.key-file-permissions", High, "A key file is readable by its group or by everyone.";
}

/// The severity of a finding whose production severity is `production`, for `profile`.
pub fn grade(profile: Profile, production: Severity) -> Severity {
    match profile {
        Profile::Production => production,
        Profile::Staging => production.min(Severity::High),
        Profile::Development => production.min(Severity::Low),
    }
}

/// The production severity of `code`.
pub fn severity_of(code: &str) -> Severity {
    CODES
        .iter()
        .find(|c| c.id == code)
        .map(|c| c.severity)
        .expect("every emitted code is listed in CODES")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_described() {
        let mut seen = std::collections::HashSet::new();
        for code in CODES {
            assert!(seen.insert(code.id), "duplicate {}", code.id);
            let rest = code.id.strip_prefix("env.").expect("env. prefix");
            assert!(
                rest.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                code.id
            );
            assert!(code.description.ends_with('.'), "{}", code.id);
        }
    }

    #[test]
    fn development_lowers_and_staging_caps() {
        assert_eq!(
            grade(Profile::Development, Severity::Critical),
            Severity::Low
        );
        assert_eq!(grade(Profile::Staging, Severity::Critical), Severity::High);
        assert_eq!(
            grade(Profile::Production, Severity::Medium),
            Severity::Medium
        );
    }
}
