//! Each class of false alarm found on real projects, and each way a project names the dotenv
//! file its code loads, as a small project laid out like the one it came from.

use std::path::Path;

use preflight_env::{Config, EnvCheck};

fn write(root: &Path, path: &str, text: impl AsRef<[u8]>) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// (code, path, variable, severity) of every finding, sorted.
fn findings(root: &Path) -> Vec<(String, String, String, String)> {
    let outcome = EnvCheck::new(&Config::default()).unwrap().check_files(root);
    let mut found: Vec<(String, String, String, String)> = outcome
        .findings
        .iter()
        .map(|f| {
            (
                f.id.to_string(),
                f.location.path.clone(),
                f.details.get("variable").cloned().unwrap_or_default(),
                f.severity.to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

/// (path, variable) of every `env.missing` finding, sorted.
fn missing(root: &Path) -> Vec<(String, String)> {
    findings(root)
        .into_iter()
        .filter(|(code, ..)| code == "env.missing")
        .map(|(_, path, var, _)| (path, var))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// A compose deployment with a root `.env` whose integration tests live in
/// `_integration-test/` and whose settings use an `env()` helper of the application (it
/// defaults to an empty string) from a star import of a module outside the project.
fn self_hosted(root: &Path) {
    write(
        root,
        ".env",
        "COMPOSE_PROJECT_NAME=tracker\nSENTRY_EVENT_RETENTION_DAYS=90\n",
    );
    write(
        root,
        "_integration-test/nodejs/instrument.js",
        "Sentry.init({\n    dsn: process.env.SENTRY_DSN,\n});\n",
    );
    write(
        root,
        "sentry/sentry.conf.py",
        "from sentry.conf.server import *  # NOQA\n\nif env(\"SENTRY_SYSTEM_SECRET_KEY\"):\n    OPTIONS = env(\"SENTRY_SYSTEM_SECRET_KEY\", \"\")\nSENTRY_STATSD_ADDR = env(\"SENTRY_STATSD_ADDR\")\nMAIL = os.environ[\"SENTRY_MAIL_HOST\"]\n",
    );
}

#[test]
fn integration_test_directories_and_application_env_helpers_require_nothing() {
    let dir = tempfile::tempdir().unwrap();
    self_hosted(dir.path());
    // Only the unguarded `os.environ[...]` read is a requirement.
    assert_eq!(missing(dir.path()), pairs(&[(".env", "SENTRY_MAIL_HOST")]));
}

#[test]
fn django_environ_reads_stay_required_through_a_sibling_star_import() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "manage.py", "import os\n");
    write(
        root,
        "config/settings/base.py",
        "import environ\n\nenv = environ.Env()\nSECRET_KEY = env(\"DJANGO_SECRET_KEY\")\n",
    );
    write(
        root,
        "config/settings/production.py",
        "from .base import *  # noqa\n\nMAILGUN_API_KEY = env(\"MAILGUN_API_KEY\")\n",
    );
    write(
        root,
        ".env.production",
        "DJANGO_SECRET_KEY=Sd0hNQ1lrSPcpYmJQ8Jcc0cbjJa0cMVGUBLpxcjHa_Uhf9mBp9vn4mlZmLOsAU6c\n",
    );
    assert_eq!(
        missing(root),
        pairs(&[(".env.production", "MAILGUN_API_KEY")])
    );
}

#[test]
fn a_read_the_code_guards_with_a_membership_test_is_optional() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Paperless-ngx's settings and Saleor's createsuperuser command.
    write(
        root,
        "src/paperless/settings/__init__.py",
        "import json\nimport os\n\nSECURE_PROXY_SSL_HEADER = (\n    tuple(json.loads(os.environ[\"PAPERLESS_PROXY_SSL_HEADER\"]))\n    if \"PAPERLESS_PROXY_SSL_HEADER\" in os.environ\n    else None\n)\nREDIS = os.environ[\"PAPERLESS_REDIS\"]\n",
    );
    write(
        root,
        "src/accounts/management/commands/createsuperuser.py",
        "import os\n\nif (\n    PASSWORD_FIELD in user_data\n    and \"DJANGO_SUPERUSER_PASSWORD\" in os.environ\n):\n    user_data[PASSWORD_FIELD] = os.environ[\"DJANGO_SUPERUSER_PASSWORD\"]\n",
    );
    write(root, ".env", "COMPOSE_PROJECT_NAME=paperless\n");
    assert_eq!(missing(root), pairs(&[(".env", "PAPERLESS_REDIS")]));
}

#[test]
fn a_development_container_env_file_is_judged_as_development() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Saleor's `.devcontainer/backend.env`: a weak local database password and a placeholder
    // key are fine for a development container; nothing reaches medium.
    write(
        root,
        ".devcontainer/backend.env",
        "DATABASE_URL=postgres://saleor:saleor@db/saleor\nSECRET_KEY=changeme\n",
    );
    write(
        root,
        ".devcontainer/docker-compose.yml",
        "services:\n  saleor:\n    build:\n      context: ..\n    env_file:\n      - backend.env\n",
    );
    write(
        root,
        "saleor/settings.py",
        "import os\n\nSECRET_KEY = os.environ[\"SECRET_KEY\"]\n",
    );
    let found = findings(root);
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|(_, path, _, severity)| path == ".devcontainer/backend.env" && severity == "low"),
        "{found:?}"
    );
    // The same file outside a development directory is judged as production.
    write(
        root,
        "deploy/backend.env",
        "DATABASE_URL=postgres://saleor:saleor@db/saleor\nSECRET_KEY=changeme\n",
    );
    assert!(
        findings(root)
            .iter()
            .any(|(code, path, var, severity)| code == "env.placeholder"
                && path == "deploy/backend.env"
                && var == "SECRET_KEY"
                && severity == "high")
    );
}

#[test]
fn an_env_file_the_settings_load_serves_the_project_that_loads_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A Flask app's `config.py` loads `instance/app.env`, which would otherwise serve only the
    // `instance/` directory.
    write(root, "requirements.txt", "flask\npython-dotenv\n");
    write(
        root,
        "config.py",
        "import os\nfrom dotenv import load_dotenv\n\nbasedir = os.path.abspath(os.path.dirname(__file__))\nload_dotenv(os.path.join(basedir, \"instance\", \"app.env\"))\n\nclass Config:\n    SECRET_KEY = os.environ[\"SECRET_KEY\"]\n",
    );
    write(
        root,
        "app/mail.py",
        "import os\n\nMAIL_PASSWORD = os.environ[\"MAIL_PASSWORD\"]\n",
    );
    write(
        root,
        "instance/app.env",
        "SECRET_KEY=k1gYc2pJq0Qw7t7J5SgkSxvK3nS8YhYsBv2Pj2hF7wE\n",
    );
    assert_eq!(
        missing(root),
        pairs(&[("instance/app.env", "MAIL_PASSWORD")])
    );
}

#[test]
fn pydantic_env_file_and_django_read_env_name_the_files_they_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A FastAPI backend reads `deploy/api.env` through pydantic's `env_file`, relative to the
    // directory it starts in.
    write(
        root,
        "backend/pyproject.toml",
        "[project]\nname = \"api\"\n",
    );
    write(
        root,
        "backend/app/core/config.py",
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\nclass Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_file=\"../deploy/api.env\")\n    SECRET_KEY: str\n    SMTP_PASSWORD: str\n",
    );
    write(
        root,
        "deploy/api.env",
        "SECRET_KEY=W9yOkf0zUuVOtR1wqY8V8iD7Yh5VGOHD6zKpa8cpUaE\n",
    );
    // A Django project reads `config/.env` through django-environ.
    write(root, "site/manage.py", "import os\n");
    write(
        root,
        "site/config/settings.py",
        "import environ\n\nenv = environ.Env()\nenviron.Env.read_env(str(BASE_DIR / \"config\" / \".env\"))\nSENTRY_DSN = env(\"SENTRY_DSN\")\n",
    );
    write(
        root,
        "site/pages/views.py",
        "import os\n\nKEY = os.environ[\"PAGES_API_KEY\"]\n",
    );
    write(
        root,
        "site/config/.env",
        "SENTRY_DSN=https://sentry.example-corp.io/4\n",
    );
    assert_eq!(
        missing(root),
        pairs(&[
            ("deploy/api.env", "SMTP_PASSWORD"),
            ("site/config/.env", "PAGES_API_KEY"),
        ])
    );
}

#[test]
fn vite_env_dir_and_import_meta_env() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // The frontend's Vite config reads its `.env` files from the repository root.
    write(root, "frontend/package.json", "{\"name\": \"web\"}\n");
    write(
        root,
        "frontend/vite.config.ts",
        "import { defineConfig } from 'vite'\nexport default defineConfig({\n  envDir: '../',\n})\n",
    );
    write(
        root,
        "frontend/src/api.ts",
        "export const api = import.meta.env.VITE_API_URL\nexport const dsn = import.meta.env.VITE_SENTRY_DSN || ''\nexport const maps = import.meta.env.VITE_MAPS_KEY ?? 'none'\nif (import.meta.env.DEV) { console.log(import.meta.env.MODE) }\n",
    );
    write(
        root,
        "backend/main.py",
        "import os\n\nDB = os.environ[\"DATABASE_URL\"]\n",
    );
    write(
        root,
        ".env",
        "DATABASE_URL=postgres://app:P6YQ1sS0fL9xWmT4rK2b@db.internal:5432/app?sslmode=require\n",
    );
    assert_eq!(missing(root), pairs(&[(".env", "VITE_API_URL")]));
}

#[test]
fn env_file_flags_in_scripts_and_dockerfiles_name_the_file_they_pass() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "package.json",
        "{\n  \"scripts\": {\n    \"start\": \"node --env-file=config/server.env src/server.js\"\n  }\n}\n",
    );
    write(
        root,
        "src/server.js",
        "const secret = process.env.SESSION_SECRET;\nconst port = process.env.PORT || 3000;\n",
    );
    write(root, "config/server.env", "LOG_LEVEL=info\n");
    write(
        root,
        "worker/run.sh",
        "#!/bin/sh\ndocker run --env-file ../config/worker.env worker:latest\n",
    );
    write(root, "worker/requirements.txt", "celery\n");
    write(
        root,
        "worker/tasks.py",
        "import os\n\nBROKER = os.environ[\"BROKER_URL\"]\n",
    );
    write(root, "config/worker.env", "LOG_LEVEL=info\n");
    assert_eq!(
        missing(root),
        pairs(&[
            ("config/server.env", "SESSION_SECRET"),
            ("config/worker.env", "BROKER_URL"),
        ])
    );
}

#[test]
fn a_root_env_file_serves_the_compose_services_it_is_passed_to() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "compose.yml",
        "services:\n  api:\n    build: ./api\n    env_file: .env\n  worker:\n    build: ./worker\n    environment:\n      QUEUE_URL: ${QUEUE_URL}\n  admin:\n    build: ./admin\n    environment:\n      ADMIN_TOKEN: static-value\n",
    );
    write(
        root,
        "api/app.py",
        "import os\n\nKEY = os.environ[\"API_SIGNING_KEY\"]\n",
    );
    write(
        root,
        "worker/tasks.py",
        "import os\n\nQUEUE = os.environ[\"QUEUE_URL\"]\nSLACK = os.environ[\"SLACK_TOKEN\"]\n",
    );
    write(
        root,
        "admin/server.js",
        "const token = process.env.ADMIN_TOKEN;\n",
    );
    write(
        root,
        "manage.py",
        "import os\n\nMODE = os.environ[\"APP_MODE\"]\n",
    );
    write(root, ".env", "COMPOSE_PROJECT_NAME=shop\n");
    // The api takes the whole file; the worker only QUEUE_URL through `${...}`; the admin
    // nothing (its ADMIN_TOKEN is set in the compose file). Code outside every service is
    // still served by the directory.
    assert_eq!(
        missing(root),
        pairs(&[
            (".env", "API_SIGNING_KEY"),
            (".env", "APP_MODE"),
            (".env", "QUEUE_URL"),
        ])
    );
}

#[test]
fn a_project_template_is_not_judged_as_a_project() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let slug = "{{cookiecutter.project_slug}}";
    write(
        root,
        &format!("{slug}/.envs/.production/.django"),
        "DJANGO_SECRET_KEY=!!!SET DJANGO_SECRET_KEY!!!\nDJANGO_ADMIN_URL={{ cookiecutter.admin_url }}\n",
    );
    write(
        root,
        &format!("{slug}/.env"),
        "SECRET_KEY=changeme\nDATABASE_URL=postgres://{{ cookiecutter.db_user }}:changeme@db/app\n",
    );
    write(
        root,
        &format!("{slug}/docker-compose.production.yml"),
        "services:\n  django:\n    build: .\n    env_file:\n      - ./.envs/.production/.django\n",
    );
    write(
        root,
        &format!("{slug}/config/settings/production.py"),
        "import environ\n\nenv = environ.Env()\nMAILGUN_API_KEY = env(\"MAILGUN_API_KEY\")\n",
    );
    // The template's own tooling has an env file of its own, which the template's settings
    // never ask anything of.
    write(root, "hooks/post_gen_project.py", "import os\n");
    write(root, ".env", "TEMPLATE_LOG_LEVEL=debug\n");
    assert_eq!(findings(root), []);
}

#[test]
fn named_paths_outside_the_project_and_unreadable_files_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    let root = root.as_path();
    // A dotenv file beside the project, which code and scripts name by escaping paths.
    write(dir.path(), "outside.env", "LEAKED=1\n");
    write(
        root,
        "app/settings.py",
        "import os\nfrom dotenv import load_dotenv\nload_dotenv(\"../../outside.env\")\nload_dotenv(\"/etc/hostname\")\nload_dotenv(\"{{ cookiecutter.env_file }}\")\nKEY = os.environ[\"API_SIGNING_KEY\"]\n",
    );
    write(
        root,
        "run.sh",
        "docker run --env-file ../outside.env app\ndocker run --env-file=$HOME/.env app\n",
    );
    // Not UTF-8, and a Dockerfile that is binary.
    write(
        root,
        "Makefile",
        b"run:\n\tnode --env-file=\xff\xfe.env x.js\n".as_slice(),
    );
    write(root, "Dockerfile", [0u8, 159, 146, 150, 0, 1].as_slice());
    write(
        root,
        "app/legacy.py",
        b"X = os.environ[\"\xff\"]\n".as_slice(),
    );
    write(root, ".env", "DEBUG=False\n");
    assert_eq!(missing(root), pairs(&[(".env", "API_SIGNING_KEY")]));
}

#[test]
fn what_compose_interpolates_is_not_asked_of_the_env_file_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // The FastAPI template's `compose.deploy.yml` requires `${DOMAIN:?...}`, which deployments
    // export in their own environment; the tracked `.env` holds development values only.
    write(
        root,
        "compose.deploy.yml",
        "services:\n  proxy:\n    image: traefik:3.6\n    labels:\n      - traefik.http.routers.api.rule=Host(`api.${DOMAIN:?Variable not set}`)\n",
    );
    write(root, ".env", "PROJECT_NAME=shop\n");
    assert_eq!(missing(root), []);
}
