//! The Django settings check on split, cookiecutter-style and single-file layouts.

use preflight_findings::Severity;
use preflight_framework::DjangoCheck;

use crate::util::{fact_messages, fact_places, found, line_in, message, project, run};

const APPS_SAFE: &str = r#"INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "axes",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]
ROOT_URLCONF = "config.urls"
"#;

const VALIDATORS_SAFE: &str = r#"AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
"#;

const TRANSPORT_SAFE: &str = r#"SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_AGE = 60 * 60 * 8
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
"#;

/// The issue's scenario: a split settings package whose production module inherits a DEBUG
/// that defaults to "True", a 14-day session and a 6-character password minimum, and sets an
/// insecure session cookie and a one-hour HSTS.
#[test]
fn the_issue_scenario_is_reported_at_each_line() {
    let base = format!(
        "import os\nfrom pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent\nSECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]\nDEBUG = os.getenv(\"DJANGO_DEBUG\", \"True\") == \"True\"\nALLOWED_HOSTS = os.getenv(\"DJANGO_ALLOWED_HOSTS\", \"www.example.com\").split(\",\")\n{APPS_SAFE}AUTH_PASSWORD_VALIDATORS = [\n    {{\"NAME\": \"django.contrib.auth.password_validation.MinimumLengthValidator\", \"OPTIONS\": {{\"min_length\": 6}}}},\n    {{\"NAME\": \"django.contrib.auth.password_validation.CommonPasswordValidator\"}},\n]\nSESSION_COOKIE_AGE = 60 * 60 * 24 * 14\n"
    );
    let production = "from .base import *  # noqa\n\nSESSION_COOKIE_SECURE = False\nCSRF_COOKIE_SECURE = True\nSECURE_SSL_REDIRECT = True\nSECURE_HSTS_SECONDS = 3600\nSECURE_HSTS_INCLUDE_SUBDOMAINS = True\nSECURE_HSTS_PRELOAD = True\nDATA_UPLOAD_MAX_MEMORY_SIZE = 5242880\n";
    let local = "from .base import *\n\nDEBUG = True\nSECRET_KEY = \"django-insecure-!4pb!s68xmevrm7!f3jm9_^*)w=185@i=d)1)oyq8qe_q+&rcz\"\nSESSION_COOKIE_AGE = 10 ** 9\n";
    let dir = project(&[
        (
            "manage.py",
            "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"shop.settings.local\")\n",
        ),
        ("shop/__init__.py", ""),
        ("shop/settings/__init__.py", ""),
        ("shop/settings/base.py", &base),
        ("shop/settings/production.py", production),
        ("shop/settings/local.py", local),
    ]);
    let outcome = run(&DjangoCheck::new(), dir.path());
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    let apps_end = 6 + APPS_SAFE.lines().count();
    assert_eq!(
        found(&outcome),
        vec![
            "django-settings.debug shop/settings/base.py:6".to_string(),
            format!(
                "django-settings.password-min-length shop/settings/base.py:{}",
                apps_end + 2
            ),
            format!(
                "django-settings.session-age shop/settings/base.py:{}",
                apps_end + 6
            ),
            "django-settings.hsts-short shop/settings/production.py:6".to_string(),
            "django-settings.session-cookie-secure shop/settings/production.py:3".to_string(),
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    let debug = message(&outcome, "django-settings.debug");
    assert!(debug.contains("DJANGO_DEBUG is unset"), "{debug}");
    assert!(
        debug.contains("shop/settings/production.py inherits it"),
        "{debug}"
    );
    assert!(message(&outcome, "django-settings.session-age").contains("14 days"));
    assert!(message(&outcome, "django-settings.password-min-length").contains("6 characters"));
    let hsts = outcome
        .findings
        .iter()
        .find(|f| f.id == "django-settings.hsts-short")
        .expect("hsts");
    assert_eq!(hsts.severity, Severity::Medium);
    assert!(hsts.message.contains("1 hour"));
    let debug = outcome
        .findings
        .iter()
        .find(|f| f.id == "django-settings.debug")
        .expect("debug");
    assert_eq!(debug.severity, Severity::High);
    assert_eq!(
        debug.details.get("module").map(String::as_str),
        Some("shop/settings/production.py")
    );
}

/// Safe settings that look like the risky ones stay quiet: DEBUG read as a boolean with a
/// False default, a year of HSTS, 12-character passwords, sslmode verify-full, listed CORS
/// origins with credentials, WARNING-level request logging.
#[test]
fn safe_single_file_settings_stay_quiet() {
    let settings = format!(
        "import environ\nenv = environ.Env(DJANGO_DEBUG=(bool, False))\nDEBUG = env.bool(\"DEBUG\", default=False)\nTEMPLATE_DEBUG = env(\"DJANGO_DEBUG\")\nSECRET_KEY = env(\"DJANGO_SECRET_KEY\")\nALLOWED_HOSTS = env.list(\"ALLOWED_HOSTS\", default=[\"www.example.com\", \"127.0.0.1\"])\n{APPS_SAFE}{VALIDATORS_SAFE}{TRANSPORT_SAFE}X_FRAME_OPTIONS = \"DENY\"\nSECURE_REFERRER_POLICY = \"strict-origin-when-cross-origin\"\nPASSWORD_HASHERS = [\n    \"django.contrib.auth.hashers.Argon2PasswordHasher\",\n    \"django.contrib.auth.hashers.PBKDF2PasswordHasher\",\n    \"django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher\",\n]\nDATABASES = {{\n    \"default\": {{\n        \"ENGINE\": \"django.db.backends.postgresql\",\n        \"HOST\": \"db.internal.example\",\n        \"OPTIONS\": {{\"sslmode\": \"verify-full\"}},\n    }},\n    \"local\": {{\"ENGINE\": \"django.db.backends.postgresql\", \"HOST\": \"127.0.0.1\"}},\n}}\nCORS_ALLOWED_ORIGINS = [\"https://app.example.com\"]\nCORS_ALLOW_CREDENTIALS = True\nLOGGING = {{\n    \"version\": 1,\n    \"handlers\": {{\"console\": {{\"class\": \"logging.StreamHandler\"}}}},\n    \"loggers\": {{\"django.request\": {{\"handlers\": [\"console\"], \"level\": \"WARNING\"}}}},\n}}\n"
    );
    let dir = project(&[
        ("mysite/settings.py", &settings),
        (
            "docker-compose.yml",
            "services:\n  db:\n    ports:\n      - \"127.0.0.1:5432:5432\"\n",
        ),
    ]);
    let outcome = run(&DjangoCheck::new(), dir.path());
    assert_eq!(found(&outcome), Vec::<String>::new());
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    assert_eq!(outcome.stats.scanned, 1);

    // Each setting that passed is evidence at its own line.
    let at = |code: &str, needle: &str| {
        format!(
            "django-settings.{code} mysite/settings.py:{}",
            line_in(&settings, needle)
        )
    };
    let places = fact_places(&outcome);
    for expected in [
        at("debug", "DEBUG = env.bool"),
        at("allowed-hosts", "ALLOWED_HOSTS ="),
        at("security-middleware", "MIDDLEWARE ="),
        at("hsts-short", "SECURE_HSTS_SECONDS ="),
        at("hsts-subdomains", "SECURE_HSTS_INCLUDE_SUBDOMAINS"),
        at("hsts-preload", "SECURE_HSTS_PRELOAD"),
        at("ssl-redirect", "SECURE_SSL_REDIRECT"),
        at("session-cookie-secure", "SESSION_COOKIE_SECURE"),
        at("csrf-cookie-secure", "CSRF_COOKIE_SECURE"),
        at("session-age", "SESSION_COOKIE_AGE"),
        at("x-frame-options", "X_FRAME_OPTIONS"),
        at("referrer-policy", "SECURE_REFERRER_POLICY"),
        at("password-validators", "AUTH_PASSWORD_VALIDATORS"),
        at("password-min-length", "AUTH_PASSWORD_VALIDATORS"),
        at("password-common", "AUTH_PASSWORD_VALIDATORS"),
        at("login-lockout", "INSTALLED_APPS"),
        at("upload-limits", "DATA_UPLOAD_MAX_MEMORY_SIZE"),
        at("weak-password-hasher", "PASSWORD_HASHERS"),
        at("database-sslmode", "DATABASES ="),
        at("cors-all-origins", "CORS_ALLOWED_ORIGINS"),
        at("logging-debug", "LOGGING ="),
        // Absent settings whose Django default is safe are evidence at the module.
        "django-settings.session-cookie-httponly mysite/settings.py:-".to_string(),
        "django-settings.content-type-nosniff mysite/settings.py:-".to_string(),
        "django-settings.cross-origin-opener-policy mysite/settings.py:-".to_string(),
    ] {
        assert!(places.contains(&expected), "{expected} not in {places:#?}");
    }
    assert_eq!(
        fact_messages(&outcome, "django-settings.hsts-short"),
        ["`SECURE_HSTS_SECONDS = 31536000` (365 days)"]
    );
    assert_eq!(
        fact_messages(&outcome, "django-settings.session-cookie-secure"),
        ["`SESSION_COOKIE_SECURE = True`"]
    );
    assert_eq!(
        fact_messages(&outcome, "django-settings.password-min-length"),
        ["`MinimumLengthValidator` asks for at least 12 characters"]
    );
    assert_eq!(
        fact_messages(&outcome, "django-settings.database-sslmode"),
        ["DATABASES[\"default\"] OPTIONS ask for `sslmode=verify-full`"]
    );
    assert_eq!(
        fact_messages(&outcome, "django-settings.session-age"),
        ["`SESSION_COOKIE_AGE = 28800` (8 hours)"]
    );
    let debug = fact_messages(&outcome, "django-settings.debug");
    assert_eq!(debug.len(), 1, "{debug:?}");
    assert!(
        debug[0].starts_with("`DEBUG = False` (the default in the code"),
        "{debug:?}"
    );
    // The key is read from the environment with no default: nothing of it is known or shown.
    assert_eq!(
        fact_messages(&outcome, "django-settings.secret-key-insecure"),
        ["SECRET_KEY is read from `DJANGO_SECRET_KEY` with no default in the code"]
    );
}

/// Every other problem, planted once in a single-file settings.py.
#[test]
fn single_file_settings_report_each_planted_problem() {
    let settings = r#"SECRET_KEY = "django-insecure-!4pb!s68xmevrm7!f3jm9_^*)w=185@i=d)1)oyq8qe_q+&rcz"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.sessions", "corsheaders"]
MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = False
SESSION_COOKIE_AGE = 3600
X_FRAME_OPTIONS = "ALLOWALL"
SECURE_REFERRER_POLICY = "unsafe-url"
SECURE_CROSS_ORIGIN_OPENER_POLICY = None
SECURE_CONTENT_TYPE_NOSNIFF = False
AUTH_PASSWORD_VALIDATORS = []
DATA_UPLOAD_MAX_MEMORY_SIZE = None
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": "db.example.net"}}
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = True
LOGGING = {"version": 1, "loggers": {"django.db.backends": {"level": "DEBUG"}}}
"#;
    let dir = project(&[("app/settings.py", settings)]);
    let outcome = run(&DjangoCheck::new(), dir.path());
    let at = |code: &str, line: u32| format!("django-settings.{code} app/settings.py:{line}");
    let mut expected = vec![
        at("secret-key-insecure", 1),
        at("allowed-hosts", 3),
        at("login-lockout", 4),
        at("security-middleware", 5),
        at("session-cookie-httponly", 16),
        at("x-frame-options", 18),
        at("referrer-policy", 19),
        at("cross-origin-opener-policy", 20),
        at("content-type-nosniff", 21),
        at("password-validators", 22),
        at("upload-limits", 23),
        at("weak-password-hasher", 24),
        at("database-sslmode", 28),
        at("cors-all-origins-credentials", 29),
        at("logging-debug", 31),
    ];
    expected.sort();
    assert_eq!(found(&outcome), expected);
    // No setting is both a finding and evidence.
    for fact in &outcome.facts {
        assert!(
            !outcome.findings.iter().any(|f| f.id == fact.id),
            "{} is both reported and recorded as passing: {}",
            fact.id,
            fact.message
        );
    }
    let hasher = outcome
        .findings
        .iter()
        .find(|f| f.id == "django-settings.weak-password-hasher")
        .expect("hasher");
    assert_eq!(hasher.severity, Severity::High);
    // The key itself is never shown.
    for finding in &outcome.findings {
        assert!(!finding.message.contains("4pb!s68"), "{}", finding.message);
    }
}

#[test]
fn a_short_key_is_weak_and_a_long_random_one_is_not() {
    let weak = project(&[(
        "settings.py",
        "SECRET_KEY = \"WLL8c8ykjCUcJFv7Tr8k\"\nINSTALLED_APPS = []\nSECURE_HSTS_SECONDS = 31536000\n",
    )]);
    let outcome = run(&DjangoCheck::new(), weak.path());
    let text = message(&outcome, "django-settings.secret-key-weak");
    assert!(text.contains("20 characters"), "{text}");
    assert!(!text.contains("WLL8c8"), "{text}");
    assert!(fact_messages(&outcome, "django-settings.secret-key-weak").is_empty());
    let strong = project(&[(
        "settings.py",
        "SECRET_KEY = \"0G(-=p3x(kAcAd!d)9sb*nhvrr!@#3*-51pi8Z7-7Gn(Cm%93B\"\nINSTALLED_APPS = []\nSECURE_HSTS_SECONDS = 31536000\n",
    )]);
    let outcome = run(&DjangoCheck::new(), strong.path());
    assert!(
        !found(&outcome).iter().any(|f| f.contains("secret-key")),
        "{:?}",
        found(&outcome)
    );
    let measured = fact_messages(&outcome, "django-settings.secret-key-weak");
    assert_eq!(
        measured,
        ["SECRET_KEY has 50 characters, 34 of them distinct"]
    );
    assert!(
        outcome
            .facts
            .iter()
            .all(|f| !f.message.contains("0G(-=p3x")),
        "the key is never quoted"
    );
}

/// A cookiecutter-django layout: config/settings/{base,local,production,test}.py, wsgi.py naming
/// production, manage.py naming local, and env files under .envs/.
#[test]
fn cookiecutter_layout_judges_production_through_its_env_files() {
    let base = format!(
        "import environ\nfrom pathlib import Path\n\nROOT_DIR = Path(__file__).resolve(strict=True).parent.parent.parent\nenv = environ.Env()\nREAD_DOT_ENV_FILE = env.bool(\"DJANGO_READ_DOT_ENV_FILE\", default=False)\nif READ_DOT_ENV_FILE:\n    env.read_env(str(ROOT_DIR / \".env\"))\nDEBUG = env.bool(\"DJANGO_DEBUG\", False)\nDATABASES = {{\"default\": env.db(\"DATABASE_URL\")}}\nDATABASES[\"default\"][\"ATOMIC_REQUESTS\"] = True\n{APPS_SAFE}{VALIDATORS_SAFE}SESSION_COOKIE_HTTPONLY = True\nX_FRAME_OPTIONS = \"DENY\"\n"
    );
    let production = "from .base import *  # noqa: F403\nfrom .base import env\n\nSECRET_KEY = env(\"DJANGO_SECRET_KEY\")\nALLOWED_HOSTS = env.list(\"DJANGO_ALLOWED_HOSTS\", default=[\"example.com\"])\nSECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\")\nSECURE_SSL_REDIRECT = env.bool(\"DJANGO_SECURE_SSL_REDIRECT\", default=True)\nSESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\nSECURE_HSTS_SECONDS = 60 * 60 * 24 * 365\nSECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(\"DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS\", default=True)\nSECURE_HSTS_PRELOAD = env.bool(\"DJANGO_SECURE_HSTS_PRELOAD\", default=True)\nSECURE_CONTENT_TYPE_NOSNIFF = env.bool(\"DJANGO_SECURE_CONTENT_TYPE_NOSNIFF\", default=True)\nSESSION_COOKIE_AGE = 43200\nDATA_UPLOAD_MAX_MEMORY_SIZE = 10485760\nLOGGING = {\n    \"version\": 1,\n    \"handlers\": {\"console\": {\"level\": \"DEBUG\", \"class\": \"logging.StreamHandler\"}},\n    \"loggers\": {\n        \"django.db.backends\": {\"level\": \"DEBUG\", \"handlers\": [\"console\"]},\n        \"django.security.DisallowedHost\": {\"level\": \"ERROR\", \"handlers\": [\"console\"]},\n    },\n}\n";
    let dir = project(&[
        (
            "manage.py",
            "os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"config.settings.local\")\n",
        ),
        ("config/__init__.py", ""),
        (
            "config/wsgi.py",
            "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"config.settings.production\")\n",
        ),
        ("config/settings/__init__.py", ""),
        ("config/settings/base.py", &base),
        ("config/settings/production.py", production),
        (
            "config/settings/local.py",
            "from .base import *\nDEBUG = True\nSECRET_KEY = env(\"DJANGO_SECRET_KEY\", default=\"WLL8c8ykjCUcJFv7Tr8k\")\nALLOWED_HOSTS = [\"*\"]\n",
        ),
        (
            "config/settings/test.py",
            "from .base import *\nPASSWORD_HASHERS = [\"django.contrib.auth.hashers.MD5PasswordHasher\"]\n",
        ),
        (
            ".envs/.production/.django",
            "DJANGO_SECURE_SSL_REDIRECT=False\nDJANGO_ALLOWED_HOSTS=www.example.com\n",
        ),
        (".envs/.local/.django", "DJANGO_DEBUG=True\n"),
    ]);
    let outcome = run(&DjangoCheck::new(), dir.path());
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    assert_eq!(
        found(&outcome),
        vec![
            "django-settings.logging-debug config/settings/production.py:16",
            "django-settings.ssl-redirect config/settings/production.py:7",
        ]
    );
    let redirect = message(&outcome, "django-settings.ssl-redirect");
    assert!(
        redirect.contains("DJANGO_SECURE_SSL_REDIRECT as set in .envs/.production/.django line 1"),
        "{redirect}"
    );
    // Safe by its default in the code but not as production sets it: a finding, no evidence.
    assert!(fact_messages(&outcome, "django-settings.ssl-redirect").is_empty());
    assert!(fact_messages(&outcome, "django-settings.logging-debug").is_empty());
    // Inherited evidence names the base module's line and the module that inherits it.
    let validators = fact_messages(&outcome, "django-settings.password-common");
    assert_eq!(validators.len(), 1, "{validators:?}");
    assert!(
        validators[0].ends_with("; config/settings/production.py inherits it"),
        "{validators:?}"
    );
    assert!(
        fact_places(&outcome)
            .contains(&"django-settings.hsts-short config/settings/production.py:10".to_string()),
        "{:?}",
        fact_places(&outcome)
    );
}

#[test]
fn env_files_for_production_are_used_and_development_ones_are_not() {
    let settings = "import environ\nenv = environ.Env()\nDEBUG = env.bool(\"DEBUG\", default=False)\nINSTALLED_APPS = []\nSECURE_HSTS_SECONDS = 31536000\n";
    let dir = project(&[("settings.py", settings), (".env.local", "DEBUG=True\n")]);
    let outcome = run(&DjangoCheck::new(), dir.path());
    assert!(!found(&outcome).iter().any(|f| f.contains(".debug")));
    crate::util::write(dir.path(), ".env.production", b"DEBUG=on\n");
    let outcome = run(&DjangoCheck::new(), dir.path());
    let debug = message(&outcome, "django-settings.debug");
    assert!(
        debug.contains("DEBUG as set in .env.production line 1"),
        "{debug}"
    );
}

#[test]
fn missing_settings_name_the_module_unless_it_may_hold_unseen_names() {
    let dir = project(&[(
        "proj/settings.py",
        "INSTALLED_APPS = [\"django.contrib.auth\", \"axes\"]\nMIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\", \"django.middleware.clickjacking.XFrameOptionsMiddleware\", \"django.contrib.sessions.middleware.SessionMiddleware\", \"django.middleware.csrf.CsrfViewMiddleware\"]\n",
    )]);
    let outcome = run(&DjangoCheck::new(), dir.path());
    let missing: Vec<String> = found(&outcome);
    for code in [
        "allowed-hosts",
        "hsts-missing",
        "ssl-redirect",
        "session-cookie-secure",
        "csrf-cookie-secure",
        "session-age",
        "password-validators",
        "upload-limits-default",
    ] {
        let line = format!("django-settings.{code} proj/settings.py:-");
        assert!(missing.contains(&line), "{line} missing from {missing:?}");
    }
    assert!(
        !missing.iter().any(|f| f.contains("hsts-preload")),
        "{missing:?}"
    );

    let incomplete = project(&[(
        "proj/settings.py",
        "from shared_company_settings import *\nINSTALLED_APPS = [\"django.contrib.auth\", \"axes\"]\n",
    )]);
    let outcome = run(&DjangoCheck::new(), incomplete.path());
    assert_eq!(found(&outcome), Vec::<String>::new());
}

#[test]
fn a_module_named_by_wsgi_is_judged_and_library_test_settings_are_not() {
    let dir = project(&[
        (
            "site/wsgi.py",
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.deploy_conf')\n",
        ),
        ("site/__init__.py", ""),
        (
            "site/deploy_conf.py",
            "DEBUG = True\nINSTALLED_APPS = []\nSECURE_HSTS_SECONDS = 31536000\n",
        ),
        ("tests/settings.py", "DEBUG = True\nINSTALLED_APPS = []\n"),
    ]);
    let outcome = run(&DjangoCheck::new(), dir.path());
    let debug: Vec<String> = found(&outcome)
        .into_iter()
        .filter(|f| f.contains(".debug"))
        .collect();
    assert_eq!(debug, vec!["django-settings.debug site/deploy_conf.py:1"]);
}

#[test]
fn a_project_without_django_reports_nothing() {
    let dir = project(&[
        (
            "app/settings.py",
            "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    debug: bool = True\n",
        ),
        ("app/main.py", "print('hello')\n"),
    ]);
    let outcome = run(&DjangoCheck::new(), dir.path());
    assert_eq!(found(&outcome), Vec::<String>::new());
}

/// `docker.py` star-importing `dev.py` is development settings; a test settings module
/// star-importing the real settings.py does not make it a base.
#[test]
fn development_by_inheritance_and_imports_from_tests_do_not_count() {
    let dir = project(&[
        (
            "site/settings/common.py",
            "INSTALLED_APPS = []\nSECURE_HSTS_SECONDS = 31536000\n",
        ),
        (
            "site/settings/dev.py",
            "from .common import *\nDEBUG = True\n",
        ),
        (
            "site/settings/docker.py",
            "from .dev import *\nSESSION_COOKIE_SECURE = False\n",
        ),
        (
            "site/settings/prod.py",
            "from .common import *\nDATABASES = {\"default\": {\"ENGINE\": \"django.db.backends.postgresql\", \"HOST\": \"postgres\"}}\n",
        ),
        ("shop/settings.py", "INSTALLED_APPS = []\nDEBUG = True\n"),
        ("shop/tests/settings.py", "from ..settings import *\n"),
    ]);
    let outcome = run(&DjangoCheck::new(), dir.path());
    let all = found(&outcome);
    assert!(
        !all.iter()
            .any(|f| f.contains("docker.py") || f.contains("dev.py")),
        "{all:?}"
    );
    assert!(
        all.contains(&"django-settings.debug shop/settings.py:2".to_string()),
        "{all:?}"
    );
    let database = outcome
        .findings
        .iter()
        .find(|f| f.id == "django-settings.database-sslmode")
        .expect("sslmode finding");
    assert_eq!(database.severity, Severity::Low);
    assert_eq!(database.location.path, "site/settings/prod.py");
}

/// An API without sessions or CSRF middleware is not asked for secure session or CSRF cookies.
#[test]
fn cookie_settings_are_judged_only_with_their_middleware() {
    let dir = project(&[(
        "api/settings.py",
        "INSTALLED_APPS = []\nMIDDLEWARE = [\"django.middleware.security.SecurityMiddleware\", \"django.middleware.clickjacking.XFrameOptionsMiddleware\"]\nSECURE_HSTS_SECONDS = 31536000\n",
    )]);
    let outcome = run(&DjangoCheck::new(), dir.path());
    let all = found(&outcome);
    for code in ["session-cookie-secure", "csrf-cookie-secure", "session-age"] {
        assert!(!all.iter().any(|f| f.contains(code)), "{code} in {all:?}");
    }
    assert!(all.iter().any(|f| f.contains("ssl-redirect")), "{all:?}");
}

/// The guides' hardening beyond Django's deploy check, each planted once: HSTS without
/// subdomains and preload, no common-password validator, every origin allowed without
/// credentials, no clickjacking middleware, an empty host list.
#[test]
fn guide_hardening_is_reported_beside_the_deploy_check() {
    let settings = r#"INSTALLED_APPS = ["django.contrib.auth", "axes", "corsheaders"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
]
ALLOWED_HOSTS = []
SECURE_HSTS_SECONDS = 63072000
SECURE_SSL_REDIRECT = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440
CORS_ORIGIN_ALLOW_ALL = True
CORS_ALLOW_CREDENTIALS = False
"#;
    let dir = project(&[("web/settings.py", settings)]);
    let outcome = run(&DjangoCheck::new(), dir.path());
    let at = |code: &str, line: &str| format!("django-settings.{code} web/settings.py:{line}");
    let mut expected = vec![
        at("x-frame-options", "2"),
        at("allowed-hosts", "6"),
        at("password-common", "9"),
        at("cors-all-origins", "13"),
        at("hsts-subdomains", "-"),
        at("hsts-preload", "-"),
    ];
    expected.sort();
    assert_eq!(found(&outcome), expected);
    let hosts = outcome
        .findings
        .iter()
        .find(|f| f.id == "django-settings.allowed-hosts")
        .expect("hosts");
    assert_eq!(hosts.severity, Severity::Low);
}
