//! The checks of one value against its kind.
//!
//! Each check returns [`Issue`]s: a code, a severity already graded for the profile, and a
//! message that names the variable and describes the value by length and shape only. The
//! caller attaches the location.

use std::path::Path;

use preflight_findings::Severity;
use url::Url;

use crate::codes::{self, grade, severity_of};
use crate::policy::{Kind, Profile};
use crate::providers::Provider;
use crate::strength::{self, Classes};

/// One problem with a value, before it has a location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The finding code.
    pub code: &'static str,
    /// The severity for the profile.
    pub severity: Severity,
    /// What is wrong; names the variable, never shows the value.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// What a value check needs besides the value.
#[derive(Debug, Clone, Copy)]
pub struct ValueContext<'a> {
    /// The variable's name.
    pub name: &'a str,
    /// The profile the value is for.
    pub profile: Profile,
    /// The project root, against which relative paths are resolved.
    pub root: &'a Path,
}

impl ValueContext<'_> {
    fn issue(&self, code: &'static str, message: String, help: Option<String>) -> Issue {
        Issue {
            code,
            severity: grade(self.profile, severity_of(code)),
            message,
            help,
        }
    }

    fn at(&self, code: &'static str, severity: Severity, message: String, help: &str) -> Issue {
        Issue {
            code,
            severity,
            message,
            help: Some(help.to_string()),
        }
    }
}

/// The command that makes a fresh value for a secret of this length.
pub fn generate_hint(django: bool, min_length: usize) -> String {
    if django {
        "run `preflight gen secret --django` and paste its output".into()
    } else {
        let bytes = min_length.div_ceil(2).max(32);
        format!("run `preflight gen secret --hex {bytes}` and paste its output")
    }
}

/// Checks `value` (non-empty, not a placeholder) against `kind`.
pub fn check(kind: &Kind, value: &str, ctx: &ValueContext<'_>) -> Vec<Issue> {
    match kind {
        Kind::Secret { min_length, django } => secret(value, *min_length, *django, ctx),
        Kind::ApiKey { provider } => api_key(value, *provider, ctx),
        Kind::DatabaseUrl {
            postgres,
            min_password_length,
            allow_localhost,
        } => database_url(
            value,
            *postgres,
            *min_password_length,
            *allow_localhost,
            ctx,
        ),
        Kind::Url => url(value, false, ctx),
        Kind::HttpsUrl => url(value, true, ctx),
        Kind::Email => email(value, ctx),
        Kind::HostList => host_list(value, ctx),
        Kind::CorsOrigins => cors_origins(value, ctx),
        Kind::Bool { production_value } => boolean(value, *production_value, ctx),
        Kind::Int { min, max } => int(value, *min, *max, ctx),
        Kind::Enum { values } => enumeration(value, values, ctx),
        Kind::Path {
            must_exist,
            key_file,
        } => path(value, *must_exist, *key_file, ctx),
        Kind::String { pattern } => match pattern {
            Some(regex) if !regex.is_match(value) => vec![ctx.issue(
                codes::INVALID_VALUE,
                format!(
                    "{} ({}) does not match the policy's pattern `{}`",
                    ctx.name,
                    strength::shape(value),
                    regex.as_str()
                ),
                None,
            )],
            _ => Vec::new(),
        },
    }
}

fn secret(value: &str, min_length: usize, django: bool, ctx: &ValueContext<'_>) -> Vec<Issue> {
    let name = ctx.name;
    let hint = generate_hint(django, min_length);
    if strength::known_default(value) {
        return vec![ctx.issue(
            codes::SECRET_KNOWN_DEFAULT,
            format!("{name} is a well-known default secret that anyone can look up"),
            Some(hint),
        )];
    }
    let mut issues = Vec::new();
    if value.starts_with("django-insecure-") {
        issues.push(ctx.issue(
            codes::DJANGO_INSECURE,
            format!(
                "{name} starts with `django-insecure-`: it is the development key that startproject generated"
            ),
            Some(generate_hint(true, 50)),
        ));
    }
    let len = value.chars().count();
    if len < min_length {
        issues.push(ctx.issue(
            codes::SECRET_TOO_SHORT,
            format!(
                "{name} is {}; it needs at least {min_length} characters",
                strength::shape(value)
            ),
            Some(hint.clone()),
        ));
    }
    let entropy = strength::entropy(value);
    let distinct = strength::distinct(value);
    if distinct < 5 || (len >= 8 && entropy < 3.0) {
        issues.push(ctx.issue(
            codes::SECRET_LOW_ENTROPY,
            format!(
                "{name} is too predictable: {distinct} distinct characters, {entropy:.1} bits of entropy per character (a random key has more than 3)"
            ),
            Some(hint.clone()),
        ));
    }
    let classes = Classes::of(value);
    let letters = classes.lower || classes.upper;
    let weak_classes = if django {
        !(letters && classes.digit && classes.symbol)
    } else {
        classes.count() < 2
    };
    if weak_classes {
        let wanted = if django {
            "letters, digits and symbols"
        } else {
            "at least two of lower-case letters, upper-case letters, digits and symbols"
        };
        issues.push(ctx.issue(
            codes::SECRET_FEW_CLASSES,
            format!("{name} uses only {}; it needs {wanted}", classes.describe()),
            Some(hint),
        ));
    }
    issues
}

fn api_key(value: &str, provider: Option<Provider>, ctx: &ValueContext<'_>) -> Vec<Issue> {
    let name = ctx.name;
    let shape = strength::shape(value);
    let Some(provider) = provider else {
        if value.chars().any(char::is_whitespace) || value.chars().count() < 16 {
            return vec![ctx.issue(
                codes::API_KEY_SHAPE,
                format!(
                    "{name} is {shape}; an API credential is at least 16 characters without spaces"
                ),
                Some("copy the credential again from the provider's dashboard".into()),
            )];
        }
        return Vec::new();
    };
    if matches!(provider, Provider::StripeSecret | Provider::StripeWebhook)
        && value.starts_with("pk_")
    {
        return vec![ctx.at(
            codes::STRIPE_PUBLISHABLE_AS_SECRET,
            Severity::High,
            format!("{name} holds a Stripe publishable key (`pk_...`), not a secret key"),
            "use the secret key (`sk_live_...` or a restricted `rk_live_...`) from the Stripe dashboard",
        )];
    }
    let mut issues = Vec::new();
    if !provider.matches(value) {
        issues.push(ctx.issue(
            codes::API_KEY_SHAPE,
            format!(
                "{name} is {shape}; a {} credential is {}",
                provider.id(),
                provider.description()
            ),
            Some("copy the credential again from the provider's dashboard".into()),
        ));
    }
    if matches!(
        provider,
        Provider::StripeSecret | Provider::StripePublishable
    ) {
        let test = value.contains("_test_");
        let live = value.contains("_live_");
        match ctx.profile {
            Profile::Production if test => issues.push(ctx.at(
                codes::STRIPE_TEST_KEY,
                Severity::High,
                format!("{name} is a Stripe test-mode key in a production configuration"),
                "use the live-mode key from the Stripe dashboard for production",
            )),
            Profile::Development if live => issues.push(ctx.at(
                codes::STRIPE_LIVE_KEY,
                Severity::Medium,
                format!("{name} is a Stripe live-mode key in a development configuration"),
                "use a test-mode key (`sk_test_`, `pk_test_`) in development",
            )),
            _ => {}
        }
    }
    issues
}

fn database_url(
    value: &str,
    postgres_only: bool,
    min_password: usize,
    allow_localhost: bool,
    ctx: &ValueContext<'_>,
) -> Vec<Issue> {
    let name = ctx.name;
    let invalid = |what: String| {
        vec![ctx.issue(
            codes::DATABASE_URL_INVALID,
            format!("{name} {what}"),
            Some(
                "write it as `postgresql://USER:PASSWORD@HOST:5432/DBNAME?sslmode=require`".into(),
            ),
        )]
    };
    let url = match Url::parse(value) {
        Ok(url) => url,
        Err(err) => return invalid(format!("is not a valid URL ({err})")),
    };
    let scheme = url.scheme().to_ascii_lowercase();
    let family = scheme.split('+').next().unwrap_or_default().to_string();
    let postgres = matches!(family.as_str(), "postgres" | "postgresql");
    let known = postgres
        || matches!(
            family.as_str(),
            "mysql" | "mariadb" | "redis" | "rediss" | "mongodb" | "sqlite" | "mssql" | "oracle"
        );
    if !known || (postgres_only && !postgres) {
        return invalid(format!(
            "has the scheme `{scheme}`, which is not a database URL scheme this policy accepts"
        ));
    }
    if family == "sqlite" {
        return Vec::new();
    }
    let host = url.host_str().unwrap_or_default().to_string();
    let user = decode(url.username());
    let password = url.password().map(decode).unwrap_or_default();
    let database = url.path().trim_start_matches('/').to_string();
    let needs_password = postgres || matches!(family.as_str(), "mysql" | "mariadb");
    let mut missing = Vec::new();
    if host.is_empty() {
        missing.push("host");
    }
    if needs_password && user.is_empty() {
        missing.push("user");
    }
    if needs_password && password.is_empty() {
        missing.push("password");
    }
    if needs_password && database.is_empty() {
        missing.push("database name");
    }
    if !missing.is_empty() {
        return invalid(format!("has no {}", missing.join(", ")));
    }
    let mut issues = Vec::new();
    let template = [
        ("user", user.as_str(), ["user", "username"]),
        ("password", password.as_str(), ["password", "pass"]),
        ("host", host.as_str(), ["host", "hostname"]),
        ("database name", database.as_str(), ["dbname", "database"]),
    ];
    let placeholders: Vec<&str> = template
        .iter()
        .filter(|(_, part, words)| {
            words.contains(&part.to_ascii_lowercase().as_str())
                || strength::placeholder(part).is_some() && !part.is_empty()
        })
        .map(|(what, _, _)| *what)
        .collect();
    if !placeholders.is_empty() {
        return vec![ctx.issue(
            codes::PLACEHOLDER,
            format!(
                "{name} still has the template's {} in it",
                placeholders.join(", ")
            ),
            Some("fill in the real connection details".into()),
        )];
    }
    if !password.is_empty() {
        let len = password.chars().count();
        let mut weak = Vec::new();
        if len < min_password {
            weak.push(format!(
                "is {len} characters long (at least {min_password} needed)"
            ));
        }
        if strength::dictionary_word(&password) {
            weak.push("is a dictionary word or common password".into());
        }
        if password == user {
            weak.push("equals the user name".into());
        }
        if !weak.is_empty() {
            issues.push(ctx.issue(
                codes::DATABASE_PASSWORD_WEAK,
                format!("{name}: the database password {}", weak.join(" and ")),
                Some(format!(
                    "set a new password made with `preflight gen secret --password --length {}` (ALTER ROLE ... PASSWORD ...) and update the URL",
                    min_password.max(32)
                )),
            ));
        }
    }
    let local = matches!(
        host.trim_matches(['[', ']']),
        "localhost" | "127.0.0.1" | "::1" | "0.0.0.0"
    );
    if ctx.profile == Profile::Production && local && !allow_localhost {
        issues.push(ctx.at(
            codes::DATABASE_LOCALHOST,
            Severity::Medium,
            format!("{name} points at {host} in a production configuration"),
            "use the production database host, or set `allow-localhost = true` in the policy if the database really runs on the same machine",
        ));
    }
    if postgres && ctx.profile != Profile::Development {
        let mode = url
            .query_pairs()
            .find(|(k, _)| k == "sslmode" || k == "ssl")
            .map(|(_, v)| v.to_ascii_lowercase());
        let strong = matches!(
            mode.as_deref(),
            Some("require" | "verify-ca" | "verify-full" | "true")
        );
        if !strong && !local {
            let what = match &mode {
                None => "sets no sslmode (libpq then prefers TLS but falls back to plaintext)"
                    .to_string(),
                Some(mode) => {
                    format!("sets sslmode={mode}, which allows an unencrypted connection")
                }
            };
            issues.push(ctx.issue(
                codes::DATABASE_SSLMODE,
                format!("{name} {what}"),
                Some("append `?sslmode=require` (or `verify-full` with the server's CA)".into()),
            ));
        }
    }
    issues
}

fn decode(part: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", part.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn url(value: &str, https: bool, ctx: &ValueContext<'_>) -> Vec<Issue> {
    let name = ctx.name;
    match Url::parse(value) {
        Err(err) => vec![ctx.issue(
            codes::INVALID_VALUE,
            format!("{name} is not a valid URL ({err})"),
            Some("write an absolute URL such as `https://api.example.org/`".into()),
        )],
        Ok(url) if https && url.scheme() != "https" => vec![ctx.issue(
            codes::INSECURE_URL,
            format!("{name} uses `{}`; the policy requires https", url.scheme()),
            Some("use the https:// address".into()),
        )],
        Ok(_) => Vec::new(),
    }
}

fn email(value: &str, ctx: &ValueContext<'_>) -> Vec<Issue> {
    let ok = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !value.chars().any(char::is_whitespace)
            && !domain.contains('@')
    });
    if ok {
        return Vec::new();
    }
    let name = ctx.name;
    vec![ctx.issue(
        codes::INVALID_VALUE,
        format!(
            "{name} ({}) is not an email address",
            strength::shape(value)
        ),
        None,
    )]
}

fn list(value: &str) -> Vec<&str> {
    value
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

fn host_list(value: &str, ctx: &ValueContext<'_>) -> Vec<Issue> {
    let name = ctx.name;
    let hosts = list(value);
    let mut issues = Vec::new();
    if hosts.contains(&"*") && ctx.profile != Profile::Development {
        issues.push(ctx.issue(
            codes::ALLOWED_HOSTS_WILDCARD,
            format!("{name} contains `*`, so the app answers for any Host header"),
            Some("list the real domain names, comma-separated".into()),
        ));
    }
    if let Some(bad) = hosts.iter().find(|h| h.contains("://") || h.contains('/')) {
        let _ = bad;
        issues.push(ctx.issue(
            codes::INVALID_VALUE,
            format!("{name} has an entry with a scheme or path; hosts are bare names such as `app.example.org`"),
            None,
        ));
    }
    issues
}

fn cors_origins(value: &str, ctx: &ValueContext<'_>) -> Vec<Issue> {
    let name = ctx.name;
    let origins = list(value);
    let mut issues = Vec::new();
    if origins.contains(&"*") {
        if ctx.profile != Profile::Development {
            issues.push(ctx.issue(
                codes::CORS_WILDCARD,
                format!("{name} contains `*`, so any site can call the API from a browser"),
                Some("list the front-end origins, such as `https://app.example.org`".into()),
            ));
        }
        return issues;
    }
    let mut invalid = 0;
    let mut insecure = 0;
    for origin in &origins {
        match Url::parse(origin) {
            Ok(url) if url.host_str().is_some() => {
                let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
                if url.scheme() != "https" || local {
                    insecure += 1;
                }
            }
            _ => invalid += 1,
        }
    }
    if invalid > 0 {
        issues.push(ctx.issue(
            codes::INVALID_VALUE,
            format!(
                "{name} has {invalid} entr{} that are not origins (`scheme://host[:port]`)",
                if invalid == 1 { "y" } else { "ies" }
            ),
            None,
        ));
    }
    if insecure > 0 && ctx.profile == Profile::Production {
        issues.push(ctx.issue(
            codes::CORS_INSECURE_ORIGIN,
            format!(
                "{name} allows {insecure} origin{} that {} plain http or localhost in production",
                if insecure == 1 { "" } else { "s" },
                if insecure == 1 { "is" } else { "are" }
            ),
            Some("allow only the https origins of the production front end".into()),
        ));
    }
    issues
}

/// Parses the spellings of a boolean that Django, python-dotenv users and compose files use.
pub fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" | "y" | "t" => Some(true),
        "false" | "0" | "no" | "off" | "n" | "f" => Some(false),
        _ => None,
    }
}

fn boolean(value: &str, production_value: Option<bool>, ctx: &ValueContext<'_>) -> Vec<Issue> {
    let name = ctx.name;
    let Some(parsed) = parse_bool(value) else {
        return vec![ctx.issue(
            codes::INVALID_VALUE,
            format!("{name} ({}) is not a boolean", strength::shape(value)),
            Some("write `true` or `false`".into()),
        )];
    };
    match production_value {
        Some(wanted) if wanted != parsed && ctx.profile != Profile::Development => {
            let debug = name.to_ascii_uppercase().ends_with("DEBUG") && !wanted;
            let (code, help) = if debug {
                (
                    codes::DEBUG_ENABLED,
                    "set it to `False`: debug mode shows settings and stack traces to anyone",
                )
            } else {
                (
                    codes::INSECURE_SETTING,
                    "set it to the safe value for production",
                )
            };
            let severity = if ctx.profile == Profile::Production {
                severity_of(code)
            } else {
                Severity::Medium
            };
            vec![Issue {
                code,
                severity,
                message: format!(
                    "{name} is {parsed} in a {} configuration; it must be {wanted}",
                    ctx.profile
                ),
                help: Some(help.into()),
            }]
        }
        _ => Vec::new(),
    }
}

fn int(value: &str, min: Option<i64>, max: Option<i64>, ctx: &ValueContext<'_>) -> Vec<Issue> {
    let name = ctx.name;
    let Ok(n) = value.trim().parse::<i64>() else {
        return vec![ctx.issue(
            codes::INVALID_VALUE,
            format!("{name} ({}) is not an integer", strength::shape(value)),
            None,
        )];
    };
    let low = min.is_some_and(|m| n < m);
    let high = max.is_some_and(|m| n > m);
    if !(low || high) {
        return Vec::new();
    }
    let range = match (min, max) {
        (Some(a), Some(b)) => format!("between {a} and {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => unreachable!("out of range needs a bound"),
    };
    let side = if low { "below" } else { "above" };
    vec![ctx.issue(
        codes::OUT_OF_RANGE,
        format!("{name} is {side} its allowed range; it must be {range}"),
        None,
    )]
}

fn enumeration(value: &str, values: &[String], ctx: &ValueContext<'_>) -> Vec<Issue> {
    if values.iter().any(|v| v == value) {
        return Vec::new();
    }
    vec![ctx.issue(
        codes::INVALID_VALUE,
        format!(
            "{} ({}) is not one of: {}",
            ctx.name,
            strength::shape(value),
            values.join(", ")
        ),
        None,
    )]
}

fn path(value: &str, must_exist: bool, key_file: bool, ctx: &ValueContext<'_>) -> Vec<Issue> {
    let name = ctx.name;
    let target = ctx.root.join(value);
    let metadata = match std::fs::metadata(&target) {
        Ok(metadata) => metadata,
        Err(_) if must_exist => {
            return vec![ctx.issue(
                codes::PATH_MISSING,
                format!("{name} names a path ({} characters) that does not exist", value.chars().count()),
                Some("create the file or fix the path (relative paths are resolved from the project root)".into()),
            )];
        }
        Err(_) => return Vec::new(),
    };
    let mut issues = Vec::new();
    if key_file && metadata.is_file() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = metadata.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                issues.push(ctx.issue(
                    codes::KEY_FILE_PERMISSIONS,
                    format!(
                        "{name} names a key file with mode {mode:o}, readable beyond its owner"
                    ),
                    Some("run `chmod 600` on the file so only its owner can read it".into()),
                ));
            }
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_for(kind: &Kind, value: &str, profile: Profile) -> Vec<&'static str> {
        let ctx = ValueContext {
            name: "VAR",
            profile,
            root: Path::new("."),
        };
        let issues = check(kind, value, &ctx);
        for issue in issues.iter().filter(|_| value.len() > 3) {
            assert!(!issue.message.contains(value), "{}", issue.message);
        }
        issues.iter().map(|i| i.code).collect()
    }

    const P: Profile = Profile::Production;

    #[test]
    fn secrets() {
        let kind = Kind::Secret {
            min_length: 32,
            django: false,
        };
        let good = "3f9a8c1d7e2b4a6f9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b";
        assert!(codes_for(&kind, good, P).is_empty());
        assert_eq!(codes_for(&kind, "Zx81kq", P), [codes::SECRET_TOO_SHORT]);
        assert_eq!(
            codes_for(&kind, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", P),
            [codes::SECRET_LOW_ENTROPY, codes::SECRET_FEW_CLASSES]
        );
        assert_eq!(
            codes_for(&kind, "keyboard cat", P),
            [codes::SECRET_KNOWN_DEFAULT]
        );
        let django = Kind::Secret {
            min_length: 50,
            django: true,
        };
        assert_eq!(
            codes_for(
                &django,
                "django-insecure-7x#k2!m@9q$w4e%r6t^y8u&i0o*p(a-s_d=f+g",
                P
            ),
            [codes::DJANGO_INSECURE]
        );
        assert_eq!(
            codes_for(&django, good, P),
            [codes::SECRET_FEW_CLASSES],
            "Django's guide asks for symbols"
        );
    }

    #[test]
    fn stripe_keys_follow_the_profile() {
        let kind = Kind::ApiKey {
            provider: Some(Provider::StripeSecret),
        };
        assert_eq!(
            codes_for(&kind, "sk_test_51HxAbCdEfGhIjKlMn", P),
            [codes::STRIPE_TEST_KEY]
        );
        assert!(codes_for(&kind, "sk_test_51HxAbCdEfGhIjKlMn", Profile::Staging).is_empty());
        assert_eq!(
            codes_for(&kind, "sk_live_51HxAbCdEfGhIjKlMn", Profile::Development),
            [codes::STRIPE_LIVE_KEY]
        );
        assert_eq!(
            codes_for(&kind, "pk_live_51HxAbCdEfGhIjKlMn", P),
            [codes::STRIPE_PUBLISHABLE_AS_SECRET]
        );
    }

    #[test]
    fn database_urls() {
        let kind = Kind::DatabaseUrl {
            postgres: false,
            min_password_length: 20,
            allow_localhost: false,
        };
        let good =
            "postgresql://orders:kQ9vT2mX7pL4wZ8rB6nY@db.internal:5432/orders?sslmode=require"; // preflight:allow (synthetic test value)
        assert!(codes_for(&kind, good, P).is_empty());
        assert_eq!(
            codes_for(&kind, "postgresql://user:password@host:port/dbname", P),
            [codes::DATABASE_URL_INVALID]
        );
        assert_eq!(
            codes_for(&kind, "postgresql://user:password@host:5432/dbname", P),
            [codes::PLACEHOLDER]
        );
        assert_eq!(
            codes_for(
                &kind,
                "postgresql://orders:postgres@localhost:5432/orders?sslmode=disable",
                P
            ),
            [codes::DATABASE_PASSWORD_WEAK, codes::DATABASE_LOCALHOST]
        );
        assert_eq!(
            codes_for(
                &kind,
                "postgresql://orders:kQ9vT2mX7pL4wZ8rB6nY@db.internal/orders?sslmode=prefer", // preflight:allow (synthetic test value)
                P
            ),
            [codes::DATABASE_SSLMODE]
        );
        assert_eq!(
            codes_for(&kind, "postgresql://orders@db.internal/orders", P),
            [codes::DATABASE_URL_INVALID]
        );
    }

    #[test]
    fn hosts_origins_bools_ints() {
        assert_eq!(
            codes_for(&Kind::HostList, "app.example.org,*", P),
            [codes::ALLOWED_HOSTS_WILDCARD]
        );
        assert_eq!(
            codes_for(&Kind::CorsOrigins, "*", P),
            [codes::CORS_WILDCARD]
        );
        assert_eq!(
            codes_for(&Kind::CorsOrigins, "http://app.acme.io,https://acme.io", P),
            [codes::CORS_INSECURE_ORIGIN]
        );
        let debug = Kind::Bool {
            production_value: Some(false),
        };
        assert_eq!(codes_for(&debug, "True", P), [codes::INSECURE_SETTING]);
        assert!(codes_for(&debug, "True", Profile::Development).is_empty());
        assert_eq!(codes_for(&debug, "maybe", P), [codes::INVALID_VALUE]);
        let port = Kind::Int {
            min: Some(1),
            max: Some(65535),
        };
        assert_eq!(codes_for(&port, "70000", P), [codes::OUT_OF_RANGE]);
        assert_eq!(
            codes_for(&Kind::HttpsUrl, "http://acme.io", P),
            [codes::INSECURE_URL]
        );
        assert_eq!(codes_for(&Kind::Email, "ops@", P), [codes::INVALID_VALUE]);
    }
}
