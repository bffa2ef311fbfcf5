//! `preflight check` on a project laid out like a full-stack template: a FastAPI backend read
//! through pydantic settings, a Vite frontend with its own `.env` and Playwright tests, a
//! compose file that passes the root `.env` to the backend, and a cookiecutter template of the
//! same project beside it. Every env finding is one a maintainer would act on.

mod common;

use std::path::Path;

use common::{preflight, write};
use preflight_rules::RuleSet;
use serde_json::Value;

/// (id, path, variable) of every `env.*` finding of `preflight check` on `root`.
fn env_findings(root: &Path) -> (Vec<(String, String, String)>, Value) {
    let output = preflight(root, &["check", "--no-history", "--format", "json", "."]);
    let report = common::json(&output);
    let mut found: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"].as_str().is_some_and(|id| id.starts_with("env.")))
        .map(|f| {
            let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (
                text(&f["id"]),
                text(&f["path"]),
                text(&f["details"]["variable"]),
            )
        })
        .collect();
    found.sort();
    (found, report)
}

fn triple(id: &str, path: &str, var: &str) -> (String, String, String) {
    (id.to_string(), path.to_string(), var.to_string())
}

fn full_stack(root: &Path) {
    write(
        root,
        "compose.yml",
        "services:\n  backend:\n    build:\n      context: ./backend\n    env_file:\n      - .env\n    environment:\n      - POSTGRES_SERVER=db\n  frontend:\n    build:\n      context: ./frontend\n      args:\n        - VITE_API_URL=https://api.${DOMAIN?Variable not set}\n",
    );
    write(
        root,
        "backend/pyproject.toml",
        "[project]\nname = \"app\"\n",
    );
    write(
        root,
        "backend/app/core/config.py",
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\nclass Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_file=\"../.env\", env_ignore_empty=True)\n    PROJECT_NAME: str\n    SECRET_KEY: str\n    POSTGRES_PASSWORD: str = \"\"\n    SENTRY_DSN: str | None = None\n    SMTP_PASSWORD: str\n\n\nsettings = Settings()\n",
    );
    write(
        root,
        "backend/tests/conftest.py",
        "import os\n\nTEST_DB = os.environ[\"TEST_DATABASE_URL\"]\n",
    );
    write(
        root,
        ".env",
        "DOMAIN=localhost\nPROJECT_NAME=\"Full Stack\"\nSECRET_KEY=changethis\nPOSTGRES_PASSWORD=changethis\n",
    );
    write(root, "frontend/package.json", "{\"name\": \"frontend\"}\n");
    write(
        root,
        "frontend/.env",
        "VITE_API_URL=http://localhost:8000\n",
    );
    write(
        root,
        "frontend/src/client.ts",
        "export const base = import.meta.env.VITE_API_URL\nexport const dsn = import.meta.env.VITE_SENTRY_DSN || ''\n",
    );
    write(
        root,
        "frontend/playwright.config.ts",
        "export default {\n  forbidOnly: !!process.env.CI,\n  use: { baseURL: process.env.PLAYWRIGHT_BASE_URL },\n}\n",
    );
    write(
        root,
        "frontend/tests/utils/mailpit.ts",
        "export const inbox = `${process.env.MAILPIT_HOST}/api/v1/search`\n",
    );
}

#[test]
fn each_env_finding_of_a_full_stack_project_is_one_to_act_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    full_stack(root);
    let (found, _) = env_findings(root);
    // The placeholders left in the tracked `.env`, and the one setting the backend needs that
    // no file gives it. Nothing is asked of the frontend's `.env` (its only required read is
    // set), nor for CI, Playwright, Mailpit or the backend tests' database.
    assert_eq!(
        found,
        [
            triple("env.missing", ".env", "SMTP_PASSWORD"),
            triple("env.placeholder", ".env", "POSTGRES_PASSWORD"),
            triple("env.placeholder", ".env", "SECRET_KEY"),
        ]
    );
}

#[test]
fn a_template_beside_the_project_keeps_its_secrets_but_not_its_placeholders() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    full_stack(root);
    let key = RuleSet::builtin()
        .unwrap()
        .get("openai.project-key")
        .unwrap()
        .examples[0]
        .secret
        .clone();
    let slug = "{{cookiecutter.project_slug}}";
    write(
        root,
        &format!("{slug}/.env"),
        "SECRET_KEY=changethis\nDATABASE_URL=postgres://{{ cookiecutter.db_user }}:changethis@db/app\nSMTP_PASSWORD=\n",
    );
    write(
        root,
        &format!("{slug}/backend/app/core/config.py"),
        "import os\n\nMAILGUN_API_KEY = os.environ[\"MAILGUN_API_KEY\"]\n",
    );
    write(
        root,
        &format!("{slug}/backend/app/ai.py"),
        format!("OPENAI_API_KEY = \"{key}\"\n"),
    );
    let (found, report) = env_findings(root);
    assert!(
        found.iter().all(|(_, path, _)| !path.contains("{{")),
        "{found:?}"
    );
    // The template's code asks nothing of the project's own `.env` either.
    assert!(!found.iter().any(|(_, _, var)| var == "MAILGUN_API_KEY"));
    let secret = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == format!("{slug}/backend/app/ai.py"))
        .expect("the key in the template is reported");
    assert!(secret["id"].as_str().unwrap().starts_with("openai."));
    assert!(!report.to_string().contains(&key));
}
