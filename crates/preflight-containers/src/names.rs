//! Judgements shared by compose files and Dockerfiles: whether a variable name holds a secret,
//! whether a value is a reference rather than a literal, whether an image reference is pinned,
//! and whether a file only serves development.
//!
//! A name is split into words at `_`, `-` and `.`; its last word decides (`SECRET_KEY`,
//! `POSTGRES_PASSWORD`, `JWT_SECRET`), so `TOKEN_EXPIRE_MINUTES` or `PASSWORD_MIN_LENGTH` are
//! not secrets. A name ending in `_URL`, `_URI` or `_DSN` is a secret only when its value has
//! a password in it (`postgres://app:pw@db/app`).

/// Last words that make a variable name a secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "SECRET",
    "TOKEN",
    "KEY",
    "APIKEY",
    "PASSPHRASE",
    "CREDENTIALS",
    "SALT",
];

/// Words before `KEY` that make it a public value.
const PUBLIC_WORDS: &[&str] = &["PUBLIC", "PUBLISHABLE", "PUB", "SITE"];

/// Last words of names whose value is a connection string.
const URL_WORDS: &[&str] = &["URL", "URI", "DSN"];

/// How a name with a value should be judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// The value is a secret (`SECRET_KEY`, `DB_PASSWORD`).
    Secret,
    /// The value is a secret when it is a URL with a password (`DATABASE_URL`).
    ConnectionString,
    /// Not a secret.
    Other,
}

/// What a variable name says about its value.
pub fn name_kind(name: &str) -> NameKind {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    let Some(&last) = words.last() else {
        return NameKind::Other;
    };
    if URL_WORDS.contains(&last) {
        return NameKind::ConnectionString;
    }
    if !SECRET_WORDS.contains(&last) {
        // `SECRET_KEY_BASE` (Rails) is the one common secret whose last word is neither.
        if upper.ends_with("SECRET_KEY_BASE") {
            return NameKind::Secret;
        }
        return NameKind::Other;
    }
    if last == "KEY" {
        let before = words.len().checked_sub(2).map(|i| words[i]);
        if before.is_some_and(|w| PUBLIC_WORDS.contains(&w)) || words.len() == 1 {
            return NameKind::Other;
        }
        // `MINIO_ACCESS_KEY`, `AWS_ACCESS_KEY`: the id half of an S3-style pair, whose secret
        // is the `..._SECRET_KEY` (or `..._SECRET_ACCESS_KEY`) beside it.
        if before == Some("ACCESS") && !words.contains(&"SECRET") && !words.contains(&"PRIVATE") {
            return NameKind::Other;
        }
    }
    NameKind::Secret
}

/// Whether `name = value` sets a secret to a literal: the name says it is a secret (or a URL
/// with a password), and the value is neither empty, a reference, a boolean nor a number.
pub fn is_literal_secret(name: &str, value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() || is_reference(value) || is_non_secret_literal(value) {
        return false;
    }
    match name_kind(name) {
        NameKind::Secret => true,
        NameKind::ConnectionString => url_password(value).is_some_and(|p| !is_reference(p)),
        NameKind::Other => false,
    }
}

/// Whether a value names another variable (`${DB_PASSWORD}`, `$DB_PASSWORD`) instead of being a
/// literal. A `$$` is an escaped dollar sign in compose files, not a reference.
pub fn is_reference(value: &str) -> bool {
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            match bytes.get(i + 1) {
                Some(b'$') => i += 2,
                Some(b'{') => return true,
                Some(c) if c.is_ascii_alphabetic() || *c == b'_' => return true,
                _ => i += 1,
            }
        } else {
            i += 1;
        }
    }
    false
}

/// Booleans, numbers and `null` are settings, not secrets (`USE_API_KEY=true`).
fn is_non_secret_literal(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "none" | "~"
    ) || value.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Whether `value` is a URL whose host is the loopback interface (`localhost`, `127.0.0.1`,
/// `[::1]`).
pub fn is_loopback_url(value: &str) -> bool {
    let Some((_, rest)) = value.trim().split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().map_or("", |h| &h[1..])
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    host.eq_ignore_ascii_case("localhost") || host.starts_with("127.") || host == "::1"
}

/// The password of a URL with a user-info part (`scheme://user:password@host`), if any.
pub fn url_password(value: &str) -> Option<&str> {
    let (_, rest) = value.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty()).then_some(password)
}

/// How an image reference is pinned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin {
    /// A digest (`@sha256:...`), or a tag other than `latest`.
    Pinned,
    /// No tag at all (`postgres`).
    NoTag,
    /// The tag `latest`.
    Latest,
    /// The reference is built from variables, so it cannot be judged.
    Unknown,
}

/// How `image` (`postgres:15.4`, `ghcr.io/org/app@sha256:...`, `localhost:5000/app`) is pinned.
pub fn image_pin(image: &str) -> Pin {
    let image = image.trim();
    if image.is_empty() || image.contains('$') || image.contains("{{") {
        return Pin::Unknown;
    }
    if image.contains('@') {
        return Pin::Pinned;
    }
    let name = image.rsplit('/').next().unwrap_or(image);
    match name.split_once(':') {
        None => Pin::NoTag,
        Some((_, "latest")) => Pin::Latest,
        Some((_, "")) => Pin::NoTag,
        Some(_) => Pin::Pinned,
    }
}

/// How a pinned image reference is pinned, for a fact: by digest, or by a tag other than
/// `latest` (which may still move, as `python:3.12` does with each patch release).
pub fn pin_kind(image: &str) -> &'static str {
    if image.contains("@sha256:") {
        "pinned by digest"
    } else {
        "a version tag rather than `latest`"
    }
}

/// Path components and name parts that mark a file used only in development.
const DEVELOPMENT_PARTS: &[&str] = &[
    "dev",
    "develop",
    "development",
    "local",
    "test",
    "tests",
    "testing",
    "ci",
    "e2e",
    // Images that run browser tests, never deployed.
    "playwright",
    "cypress",
    "selenium",
    ".devcontainer",
    "devcontainer",
    "example",
    "examples",
    "override",
];

/// Whether the file at `path` (relative, `/`-separated) only serves development: a directory
/// named like `local`, `.devcontainer` or `tests`, or with such a word (`test-environments`,
/// `local_setup`), or a file name with such a part (`docker-compose.dev.yml`,
/// `Dockerfile.local`, `compose-test.yaml`, `docker-compose.override.yml`, which compose
/// merges in by default on a developer's machine).
pub fn is_development(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut components: Vec<&str> = lower.split('/').collect();
    let file = components.pop().unwrap_or("");
    components.iter().any(|c| {
        let c = c.trim_start_matches('.');
        DEVELOPMENT_PARTS.contains(&c)
            || c.split(['-', '_']).any(|w| DEVELOPMENT_PARTS.contains(&w))
    }) || file
        .split(['.', '-', '_'])
        .any(|part| DEVELOPMENT_PARTS.contains(&part))
}

/// Name parts that mark a compose file for production.
const PRODUCTION_PARTS: &[&str] = &["prod", "production", "deploy", "release"];

/// Whether the file name of `path` says it is for production (`docker-compose.prod.yml`,
/// `compose.production.yaml`, `docker-compose-deploy.yml`).
pub fn is_production(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    file.split(['.', '-', '_'])
        .any(|part| PRODUCTION_PARTS.contains(&part))
}

/// Commands that start a development server, which no deployment runs: Django's `runserver`,
/// `flask run`, auto-reloading servers and the package scripts that start them.
const DEVELOPMENT_COMMANDS: &[&str] = &[
    "manage.py runserver",
    "flask run",
    "--reload",
    "npm run dev",
    "yarn dev",
    "pnpm dev",
    "pnpm run dev",
    "next dev",
    "entrypoint.dev",
    "entrypoint-dev",
];

/// Whether a service's command or entrypoint (`text`) starts a development server.
pub fn is_development_command(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    DEVELOPMENT_COMMANDS.iter().any(|c| lower.contains(c))
}

/// Whether a settings-module variable's value names development settings
/// (`DJANGO_SETTINGS_MODULE=app.settings.dev`, `...settings.local`).
pub fn is_development_settings(name: &str, value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    name.to_ascii_uppercase().ends_with("SETTINGS_MODULE")
        && ["dev", "development", "local", "test", "tests"]
            .iter()
            .any(|last| lower.rsplit('.').next() == Some(*last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_judged_by_their_last_word() {
        for name in [
            "POSTGRES_PASSWORD",
            "SECRET_KEY",
            "jwt_secret",
            "API_TOKEN",
            "DB_PASS",
            "STRIPE_API_KEY",
            "SECRET_KEY_BASE",
            "AWS_SECRET_ACCESS_KEY",
        ] {
            assert_eq!(name_kind(name), NameKind::Secret, "{name}");
        }
        for name in [
            "ACCESS_TOKEN_EXPIRE_MINUTES",
            "PASSWORD_MIN_LENGTH",
            "STRIPE_PUBLISHABLE_KEY",
            "POSTGRES_PASSWORD_FILE",
            "KEY",
            "POSTGRES_USER",
            "AWS_ACCESS_KEY_ID",
            "AWS_ACCESS_KEY",
            "MINIO_ACCESS_KEY",
        ] {
            assert_eq!(name_kind(name), NameKind::Other, "{name}");
        }
        assert_eq!(name_kind("AWS_SECRET_ACCESS_KEY"), NameKind::Secret);
        assert_eq!(name_kind("MINIO_SECRET_KEY"), NameKind::Secret);
        assert_eq!(name_kind("DATABASE_URL"), NameKind::ConnectionString);
    }

    #[test]
    fn literal_secrets_skip_references_empty_values_and_settings() {
        assert!(is_literal_secret("POSTGRES_PASSWORD", "Zq8vN1pLw3")); // preflight:allow
        assert!(!is_literal_secret(
            "POSTGRES_PASSWORD",
            "${POSTGRES_PASSWORD}"
        ));
        assert!(!is_literal_secret(
            "POSTGRES_PASSWORD",
            "$POSTGRES_PASSWORD"
        ));
        assert!(!is_literal_secret("POSTGRES_PASSWORD", ""));
        assert!(!is_literal_secret("USE_TOKEN", "true"));
        assert!(!is_literal_secret("JWT_TOKEN", "3600"));
        assert!(is_literal_secret(
            "DATABASE_URL",
            "postgres://app:Zq8vN1pLw3@db:5432/app" // preflight:allow
        ));
        assert!(!is_literal_secret(
            "DATABASE_URL",
            "postgres://app:${DB_PASSWORD}@db:5432/app"
        ));
        assert!(!is_literal_secret("DATABASE_URL", "postgres://db:5432/app"));
        assert!(!is_literal_secret(
            "SENTRY_DSN",
            "https://0a1b2c@o1.ingest.example.com/1"
        ));
        assert!(is_literal_secret("PRICE_KEY", "a$$b"));
    }

    #[test]
    fn loopback_urls() {
        assert!(is_loopback_url(
            "postgresql://user:pass@localhost:5432/dummy"
        ));
        assert!(is_loopback_url("redis://:pw@127.0.0.1:6379/0"));
        assert!(is_loopback_url("postgres://u:p@[::1]/app"));
        assert!(!is_loopback_url("postgres://app:pw@db:5432/app"));
        assert!(!is_loopback_url(
            "postgres://app:pw@localhost.example.com/app"
        ));
        assert!(!is_loopback_url("localhost"));
    }

    #[test]
    fn image_pins() {
        assert_eq!(image_pin("postgres"), Pin::NoTag);
        assert_eq!(image_pin("postgres:latest"), Pin::Latest);
        assert_eq!(image_pin("postgres:15.4"), Pin::Pinned);
        assert_eq!(image_pin("localhost:5000/app"), Pin::NoTag);
        assert_eq!(image_pin("localhost:5000/app:1.2"), Pin::Pinned);
        assert_eq!(image_pin("ghcr.io/org/app@sha256:0f1e"), Pin::Pinned);
        assert_eq!(image_pin("${REGISTRY}/app:${TAG}"), Pin::Unknown);
    }

    #[test]
    fn development_files() {
        assert!(is_development("docker-compose.dev.yml"));
        assert!(is_development("compose/local/django/Dockerfile"));
        assert!(is_development(".devcontainer/Dockerfile"));
        assert!(is_development("Dockerfile.local"));
        assert!(is_development("docker-compose.override.yml"));
        assert!(is_development(".envs/.local/.django"));
        assert!(is_development("frontend/Dockerfile.playwright"));
        assert!(!is_development(".envs/.production/.django"));
        assert!(!is_development("docker-compose.yml"));
        assert!(!is_development("compose/production/django/Dockerfile"));
        assert!(!is_development("deploy/Dockerfile"));
        assert!(is_development(
            "scripts/test-environments/postgres/compose.yml"
        ));
        assert!(!is_development("services/latest-api/compose.yml"));
    }

    #[test]
    fn production_files_and_development_servers() {
        assert!(is_production("docker-compose.prod.yml"));
        assert!(is_production("deploy/compose.production.yaml"));
        assert!(!is_production("docker-compose.yml"));
        assert!(!is_production("products/docker-compose.yml"));
        assert!(is_development_command(
            "python manage.py runserver 0.0.0.0:8000"
        ));
        assert!(is_development_command(
            "uvicorn app.main:app --host 0.0.0.0 --reload"
        ));
        assert!(is_development_command("./docker-entrypoint.dev.sh"));
        assert!(!is_development_command(
            "gunicorn app.wsgi:application --bind 0.0.0.0:8000"
        ));
        assert!(!is_development_command("run web"));
        assert!(is_development_settings(
            "DJANGO_SETTINGS_MODULE",
            "bakerydemo.settings.dev"
        ));
        assert!(!is_development_settings(
            "DJANGO_SETTINGS_MODULE",
            "app.settings.production"
        ));
        assert!(!is_development_settings("APP_MODE", "dev"));
    }
}
