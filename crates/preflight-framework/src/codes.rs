//! Every finding code the Django and FastAPI checks emit.
//!
//! Severities are for a production deployment, and only production candidates are judged (see
//! [`crate::django`]): DEBUG on, a known or weak secret key and credentialed CORS for any
//! origin are high; missing transport protections (HSTS, HTTPS redirect, secure cookies) are
//! medium; the guides' hardening beyond Django's own deploy check (HSTS preload, session
//! length, lockout) is low; the interactive API docs being on is a note.

use preflight_findings::Severity;

preflight_findings::finding_codes! {
    "Every code the Django and FastAPI checks can emit, with its severity and meaning.";
    DEBUG = "django-settings.debug", High, "DEBUG is on (or defaults to on) in a production settings module.";
    SECRET_KEY_INSECURE = "django-settings.secret-key-insecure", High, "SECRET_KEY starts with `django-insecure-`, the development key startproject writes.";
    SECRET_KEY_WEAK = "django-settings.secret-key-weak", High, "SECRET_KEY is shorter than 50 characters or has fewer than 5 distinct characters.";
    ALLOWED_HOSTS = "django-settings.allowed-hosts", Medium, "ALLOWED_HOSTS is empty or accepts any host (`*`).";
    SECURITY_MIDDLEWARE = "django-settings.security-middleware", Medium, "MIDDLEWARE lacks django.middleware.security.SecurityMiddleware.";
    HSTS_MISSING = "django-settings.hsts-missing", Medium, "SECURE_HSTS_SECONDS is unset or 0, so browsers are never told to insist on HTTPS.";
    HSTS_SHORT = "django-settings.hsts-short", Low, "SECURE_HSTS_SECONDS is below one year (31536000).";
    HSTS_SUBDOMAINS = "django-settings.hsts-subdomains", Low, "SECURE_HSTS_INCLUDE_SUBDOMAINS is not True.";
    HSTS_PRELOAD = "django-settings.hsts-preload", Low, "SECURE_HSTS_PRELOAD is not True.";
    SSL_REDIRECT = "django-settings.ssl-redirect", Medium, "SECURE_SSL_REDIRECT is not True, so plain-HTTP requests are served.";
    SESSION_COOKIE_SECURE = "django-settings.session-cookie-secure", High, "SESSION_COOKIE_SECURE is not True, so the session cookie travels over plain HTTP.";
    CSRF_COOKIE_SECURE = "django-settings.csrf-cookie-secure", Medium, "CSRF_COOKIE_SECURE is not True.";
    SESSION_COOKIE_HTTPONLY = "django-settings.session-cookie-httponly", Medium, "SESSION_COOKIE_HTTPONLY is False, so scripts can read the session cookie.";
    X_FRAME_OPTIONS = "django-settings.x-frame-options", Medium, "X_FRAME_OPTIONS is not DENY, or XFrameOptionsMiddleware is missing.";
    REFERRER_POLICY = "django-settings.referrer-policy", Low, "SECURE_REFERRER_POLICY is off or leaks full URLs to other sites.";
    COOP = "django-settings.cross-origin-opener-policy", Low, "SECURE_CROSS_ORIGIN_OPENER_POLICY is off or `unsafe-none`.";
    CONTENT_TYPE_NOSNIFF = "django-settings.content-type-nosniff", Low, "SECURE_CONTENT_TYPE_NOSNIFF is False.";
    SESSION_AGE = "django-settings.session-age", Low, "SESSION_COOKIE_AGE is over 24 hours (Django's default is two weeks).";
    PASSWORD_VALIDATORS = "django-settings.password-validators", Medium, "AUTH_PASSWORD_VALIDATORS is empty: any password is accepted.";
    PASSWORD_MIN_LENGTH = "django-settings.password-min-length", Medium, "Passwords may be shorter than 8 characters (MinimumLengthValidator missing or below 8).";
    PASSWORD_COMMON = "django-settings.password-common", Low, "CommonPasswordValidator is missing, so the most common passwords are accepted.";
    LOGIN_LOCKOUT = "django-settings.login-lockout", Low, "No login lockout app (django-axes, django-defender) is installed.";
    UPLOAD_LIMITS = "django-settings.upload-limits", Medium, "An upload limit (DATA_UPLOAD_MAX_MEMORY_SIZE, FILE_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS) is switched off.";
    UPLOAD_LIMITS_DEFAULT = "django-settings.upload-limits-default", Info, "Upload limits are left at Django's defaults; the guide asks for limits sized to the app.";
    WEAK_HASHER = "django-settings.weak-password-hasher", High, "PASSWORD_HASHERS lists an MD5, SHA1, unsalted or crypt hasher.";
    DATABASE_SSLMODE = "django-settings.database-sslmode", Medium, "A PostgreSQL database's OPTIONS do not ask for `sslmode` require or stronger.";
    CORS_ALL_WITH_CREDENTIALS = "django-settings.cors-all-origins-credentials", High, "django-cors-headers allows every origin and credentials: any site can make logged-in requests.";
    CORS_ALL = "django-settings.cors-all-origins", Low, "django-cors-headers allows every origin.";
    LOGGING_DEBUG = "django-settings.logging-debug", Medium, "LOGGING sends django.request or django.db.backends at DEBUG level, writing request data or SQL parameters to logs.";
    FASTAPI_CORS_CREDENTIALS = "fastapi.cors-any-origin-credentials", High, "CORSMiddleware allows any origin (`*` or `.*`) together with credentials.";
    FASTAPI_CORS_ANY = "fastapi.cors-any-origin", Low, "CORSMiddleware allows any origin.";
    FASTAPI_DEBUG = "fastapi.debug", High, "The app is created with debug=True, which returns tracebacks to clients.";
    FASTAPI_RELOAD = "fastapi.reload-in-deploy", Medium, "A Dockerfile, compose file or Procfile runs uvicorn with --reload or --debug (or `fastapi dev`).";
    FASTAPI_DOCS = "fastapi.docs-exposed", Info, "The interactive API docs and the OpenAPI schema are served (docs_url/openapi_url not None).";
}

/// The severity `code` is declared with.
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
    fn codes_are_unique_namespaced_kebab_case_and_described() {
        let mut seen = std::collections::HashSet::new();
        for code in CODES {
            assert!(seen.insert(code.id), "duplicate {}", code.id);
            let rest = code
                .id
                .strip_prefix("django-settings.")
                .or_else(|| code.id.strip_prefix("fastapi."))
                .expect("namespace");
            assert!(
                rest.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                code.id
            );
            assert!(code.description.ends_with('.'), "{}", code.id);
        }
    }
}
