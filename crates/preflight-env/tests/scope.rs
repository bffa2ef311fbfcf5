//! Which variables each dotenv file of a real project layout must set: a monorepo with a
//! Python backend served by the root `.env`, a frontend with its own `.env`, Playwright and
//! pytest tests, and a worker whose compose service names its env files under `.envs/`.

use std::path::Path;

use preflight_env::{Config, EnvCheck};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// (path, variable, severity) of every `env.missing` finding.
fn missing(root: &Path) -> Vec<(String, String, String)> {
    let outcome = EnvCheck::new(&Config::default()).unwrap().check_files(root);
    let mut found: Vec<(String, String, String)> = outcome
        .findings
        .iter()
        .filter(|f| f.id == "env.missing")
        .map(|f| {
            (
                f.location.path.clone(),
                f.details["variable"].clone(),
                f.severity.to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

fn monorepo(root: &Path) {
    write(
        root,
        "backend/app/core/config.py",
        r#"from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file="../.env", extra="ignore")
    PROJECT_NAME: str
    SECRET_KEY: str
    STRIPE_SECRET_KEY: str
    SENTRY_DSN: str | None = None


settings = Settings()
"#,
    );
    write(
        root,
        "backend/tests/conftest.py",
        "import os\n\nTEST_DB = os.environ[\"TEST_DATABASE_URL\"]\n",
    );
    write(
        root,
        "backend/app/tests/test_login.py",
        "import os\n\nUSER = os.environ[\"E2E_USER\"]\n",
    );
    write(
        root,
        ".env",
        "PROJECT_NAME=orders\nSECRET_KEY=feeda9f10f5e17edfb1559224e7d127af461cedba96667cd313db864fc5275f0\n",
    );
    write(
        root,
        "frontend/playwright.config.ts",
        "const baseURL = process.env.PLAYWRIGHT_BASE_URL ?? 'http://localhost:5173'\nexport default {\n  forbidOnly: !!process.env.CI,\n  retries: process.env.CI ? 2 : 0,\n  webServer: process.env.PLAYWRIGHT_BASE_URL\n    ? undefined\n    : { command: 'bun run dev' },\n}\n",
    );
    write(
        root,
        "frontend/tests/utils/mailpit.ts",
        "export const inbox = `${process.env.MAILPIT_HOST}/api/v1/search`\n",
    );
    write(
        root,
        "frontend/src/login.spec.ts",
        "const user = process.env.SPEC_USER\n",
    );
    write(
        root,
        "frontend/server.js",
        "const origin = process.env.API_ORIGIN;\nconst port = process.env.PORT;\nconst home = process.env.HOME;\n",
    );
    write(
        root,
        "frontend/.env",
        "VITE_API_URL=https://api.orders-shop.io\n",
    );
}

#[test]
fn each_file_is_judged_against_the_production_code_it_serves() {
    let dir = tempfile::tempdir().unwrap();
    monorepo(dir.path());
    assert_eq!(
        missing(dir.path()),
        [
            (
                ".env".to_string(),
                "STRIPE_SECRET_KEY".to_string(),
                "high".to_string()
            ),
            (
                "frontend/.env".to_string(),
                "API_ORIGIN".to_string(),
                "high".to_string()
            ),
        ]
    );
}

#[test]
fn without_its_own_env_file_a_directory_is_served_by_the_parent_one() {
    let dir = tempfile::tempdir().unwrap();
    monorepo(dir.path());
    std::fs::remove_file(dir.path().join("frontend/.env")).unwrap();
    let found = missing(dir.path());
    let names: Vec<&str> = found.iter().map(|(_, var, _)| var.as_str()).collect();
    assert_eq!(names, ["API_ORIGIN", "STRIPE_SECRET_KEY"]);
    assert!(found.iter().all(|(path, _, _)| path == ".env"));
}

#[test]
fn compose_env_files_serve_their_service_and_are_read_together() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "worker/tasks.py",
        "import os\n\nBROKER = os.environ[\"BROKER_URL\"]\nDB = os.environ[\"POSTGRES_PASSWORD\"]\nTOKEN = os.environ[\"SLACK_TOKEN\"]\n",
    );
    write(
        root,
        "docker-compose.production.yml",
        "services:\n  worker:\n    build:\n      context: ./worker\n    env_file:\n      - ./.envs/.production/.worker\n      - ./.envs/.production/.postgres\n  postgres:\n    image: postgres:16\n    env_file: ./.envs/.production/.postgres\n",
    );
    write(
        root,
        ".envs/.production/.worker",
        "BROKER_URL=redis://redis:6379/0\n",
    );
    write(
        root,
        ".envs/.production/.postgres",
        "POSTGRES_PASSWORD=rlBtDkiyXEWESkoaCMOTTgIj\n",
    );
    // The worker's SLACK_TOKEN is in neither file: reported on both, at production severity
    // (the directory `.production` names the profile); BROKER_URL and POSTGRES_PASSWORD are set
    // by one file of the pair, so neither is missing from the other.
    assert_eq!(
        missing(root),
        [
            (
                ".envs/.production/.postgres".to_string(),
                "SLACK_TOKEN".to_string(),
                "high".to_string()
            ),
            (
                ".envs/.production/.worker".to_string(),
                "SLACK_TOKEN".to_string(),
                "high".to_string()
            ),
        ]
    );

    // A file only a local compose file names takes its profile from its directory.
    write(
        root,
        "docker-compose.local.yml",
        "services:\n  worker:\n    build: ./worker\n    env_file: .envs/.local/.worker\n",
    );
    write(
        root,
        ".envs/.local/.worker",
        "BROKER_URL=redis://localhost:6379/0\n",
    );
    let outcome = EnvCheck::new(&Config::default()).unwrap().check_files(root);
    let local: Vec<(&str, &str)> = outcome
        .findings
        .iter()
        .filter(|f| f.id == "env.missing" && f.location.path == ".envs/.local/.worker")
        .map(|f| {
            (
                f.details["variable"].as_str(),
                f.details["profile"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        local,
        [
            ("POSTGRES_PASSWORD", "development"),
            ("SLACK_TOKEN", "development")
        ]
    );
}

#[test]
fn a_compose_file_that_does_not_parse_leaves_the_check_running() {
    let dir = tempfile::tempdir().unwrap();
    monorepo(dir.path());
    write(
        dir.path(),
        "compose.yml",
        "services:\n  api: [\u{0}\n  env_file: *nope\n",
    );
    write(
        dir.path(),
        "compose.override.yml",
        "a: &a [*a, *a]\nservices: *a\n",
    );
    assert_eq!(missing(dir.path()).len(), 2);
}

#[test]
fn settings_modules_of_one_profile_only_ask_the_files_of_that_profile() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "config/settings/base.py",
        "import environ\n\nenv = environ.Env()\nDEBUG = env.bool(\"DJANGO_DEBUG\", False)\nSECRET_KEY = env(\"DJANGO_SECRET_KEY\")\n",
    );
    write(
        root,
        "config/settings/production.py",
        "from .base import *\n\nMAILGUN_API_KEY = env(\"MAILGUN_API_KEY\")\n",
    );
    write(
        root,
        "config/settings/local.py",
        "from .base import *\n\nif env(\"USE_DOCKER\") == \"yes\":\n    pass\n",
    );
    write(
        root,
        "docs/conf.py",
        "import os\n\nos.environ[\"DJANGO_READ_DOT_ENV_FILE\"] = \"True\"\nDOCS = os.environ[\"DOCS_THEME\"]\n",
    );
    write(
        root,
        "docker-compose.production.yml",
        "services:\n  django:\n    build: .\n    env_file: ./.envs/.production/.django\n",
    );
    write(
        root,
        "docker-compose.local.yml",
        "services:\n  django:\n    build: .\n    env_file: ./.envs/.local/.django\n",
    );
    write(
        root,
        ".envs/.production/.django",
        "DJANGO_SECRET_KEY=feeda9f10f5e17edfb1559224e7d127af461cedba96667cd313db864fc5275f0\n",
    );
    write(
        root,
        ".envs/.local/.django",
        "DJANGO_SECRET_KEY=rlBtDkiyXEWESkoaCMOTTgIj\n",
    );
    let found = missing(root);
    let found: Vec<(&str, &str)> = found
        .iter()
        .map(|(path, var, _)| (path.as_str(), var.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (".envs/.local/.django", "USE_DOCKER"),
            (".envs/.production/.django", "MAILGUN_API_KEY"),
        ]
    );
}
