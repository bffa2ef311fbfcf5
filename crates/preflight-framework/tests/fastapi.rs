//! The FastAPI check on app layouts with settings modules, env files and deployment files.

use preflight_findings::Severity;
use preflight_framework::FastApiCheck;

use crate::util::{fact_messages, fact_places, found, message, project, run, write};

/// The scenario: `CORSMiddleware(allow_origins=["*"], allow_credentials=True)`.
#[test]
fn any_origin_with_credentials_is_high() {
    let main = "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)\n\napp.add_middleware(\n    CORSMiddleware,\n    allow_origins=[\"*\"],\n    allow_credentials=True,\n    allow_methods=[\"*\"],\n    allow_headers=[\"*\"],\n)\n";
    let dir = project(&[("app/main.py", main)]);
    let outcome = run(&FastApiCheck::new(), dir.path());
    assert_eq!(
        found(&outcome),
        vec!["fastapi.cors-any-origin-credentials app/main.py:8"]
    );
    assert_eq!(outcome.findings[0].severity, Severity::High);
}

#[test]
fn debug_docs_and_origins_from_settings_and_env_defaults() {
    let config = "from pydantic_settings import BaseSettings, SettingsConfigDict\n\nclass Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_file=\".env\")\n    DEBUG: bool = True\n    CORS_ORIGINS: list[str] = [\"https://app.example.com\"]\n\nsettings = Settings()\n";
    let main = "import os\nfrom fastapi import FastAPI\nfrom starlette.middleware import Middleware\nfrom starlette.middleware.cors import CORSMiddleware\nfrom app.core.config import settings\n\nPUBLIC = os.getenv(\"PUBLIC_ORIGINS\", \"*\").split(\",\")\n\napp = FastAPI(debug=settings.DEBUG)\napp.add_middleware(CORSMiddleware, allow_origins=settings.CORS_ORIGINS, allow_credentials=True)\n\nother = FastAPI(\n    middleware=[Middleware(CORSMiddleware, allow_origins=PUBLIC)],\n    openapi_url=None,\n)\n";
    let dir = project(&[
        ("app/__init__.py", ""),
        ("app/core/__init__.py", ""),
        ("app/core/config.py", config),
        ("app/main.py", main),
    ]);
    let outcome = run(&FastApiCheck::new(), dir.path());
    assert_eq!(
        found(&outcome),
        vec![
            "fastapi.cors-any-origin app/main.py:13",
            "fastapi.debug app/main.py:9",
            "fastapi.docs-exposed app/main.py:9",
        ]
    );
    assert!(message(&outcome, "fastapi.debug").contains("DEBUG is unset"));
    assert!(message(&outcome, "fastapi.cors-any-origin").contains("PUBLIC_ORIGINS is unset"));

    // The production env file turns the listed origins into "*": now credentialed and high.
    write(
        dir.path(),
        ".env.production",
        b"DEBUG=false\nCORS_ORIGINS=[\"*\"]\n",
    );
    let outcome = run(&FastApiCheck::new(), dir.path());
    let cors = message(&outcome, "fastapi.cors-any-origin-credentials");
    assert!(
        cors.contains("CORS_ORIGINS as set in .env.production line 2"),
        "{cors}"
    );
}

#[test]
fn safe_apps_stay_quiet() {
    let main = "import os\nfrom fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\nSHOW_DOCS = os.getenv(\"ENVIRONMENT\", \"production\") == \"local\"\napp = FastAPI(debug=False, openapi_url=\"/openapi.json\" if SHOW_DOCS else None)\norigins = os.getenv(\"CORS_ORIGINS\", \"https://app.example.com\").split(\",\")\napp.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=True)\napp.add_middleware(CORSMiddleware, allow_origin_regex=r\"https://.*\\.example\\.com\", allow_credentials=True)\n\nif __name__ == \"__main__\":\n    import uvicorn\n    uvicorn.run(app, reload=True)\n";
    let dir = project(&[
        ("app/main.py", main),
        (
            "Dockerfile",
            "FROM python:3.12-slim\nCMD [\"uvicorn\", \"app.main:app\", \"--host\", \"0.0.0.0\", \"--workers\", \"4\"]\n",
        ),
        (
            "compose.override.yml",
            "services:\n  backend:\n    command: fastapi run --reload app/main.py\n    ports:\n      - \"127.0.0.1:8000:8000\"\n",
        ),
        ("Dockerfile.dev", "CMD uvicorn app.main:app --reload\n"),
        (
            "tests/test_cors.py",
            "from fastapi import FastAPI\napp = FastAPI(debug=True)\n",
        ),
        (
            "app/frontend.py",
            "from fastapi import FastAPI\nfrontend = FastAPI(openapi_url=\"\")\nconfigured = FastAPI(**get_options())\napi = FastAPI(docs_url=None, redoc_url=\"\", openapi_url=\"/docs/openapi.json\")\n",
        ),
    ]);
    let outcome = run(&FastApiCheck::new(), dir.path());
    assert_eq!(found(&outcome), Vec::<String>::new());
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);

    // What passed is evidence at its line; development files and tests give none.
    assert_eq!(
        fact_places(&outcome),
        vec![
            "fastapi.cors-any-origin app/main.py:8",
            "fastapi.debug app/frontend.py:2",
            "fastapi.debug app/frontend.py:4",
            "fastapi.debug app/main.py:6",
            "fastapi.docs-exposed app/frontend.py:2",
            "fastapi.docs-exposed app/frontend.py:4",
            "fastapi.docs-exposed app/main.py:6",
            "fastapi.reload-in-deploy Dockerfile:2",
        ]
    );
    assert_eq!(
        fact_messages(&outcome, "fastapi.cors-any-origin"),
        [
            "CORSMiddleware allows one listed origin, `https://app.example.com` (the default in the code, used when CORS_ORIGINS is unset)"
        ]
    );
    assert_eq!(
        fact_messages(&outcome, "fastapi.reload-in-deploy"),
        ["uvicorn starts without --reload or --debug"]
    );
}

#[test]
fn development_servers_in_deployment_files() {
    let dir = project(&[
        (
            "Dockerfile",
            "FROM python:3.12-slim\nWORKDIR /app\nCMD uvicorn app.main:app \\\n    --host 0.0.0.0 --reload\n",
        ),
        (
            "docker-compose.yml",
            "services:\n  api:\n    build: .\n    command:\n      - uvicorn\n      - app.main:app\n      - --debug\n",
        ),
        ("Procfile", "web: fastapi dev app/main.py\n"),
    ]);
    let outcome = run(&FastApiCheck::new(), dir.path());
    assert_eq!(
        found(&outcome),
        vec![
            "fastapi.reload-in-deploy Dockerfile:3",
            "fastapi.reload-in-deploy Procfile:1",
            "fastapi.reload-in-deploy docker-compose.yml:7",
        ]
    );
    assert!(
        fact_places(&outcome).is_empty(),
        "a file that reloads is no evidence: {:?}",
        fact_places(&outcome)
    );
}

#[test]
fn starlette_debug_and_wrapped_cors() {
    let main = "from starlette.applications import Starlette\nfrom starlette.middleware.cors import CORSMiddleware\n\nALLOW = \".*\"\napp = Starlette(debug=True)\napp = CORSMiddleware(app, allow_origin_regex=ALLOW, allow_credentials=1)\n";
    let dir = project(&[("server.py", main)]);
    let outcome = run(&FastApiCheck::new(), dir.path());
    assert_eq!(
        found(&outcome),
        vec![
            "fastapi.cors-any-origin-credentials server.py:6",
            "fastapi.debug server.py:5",
        ]
    );
}
