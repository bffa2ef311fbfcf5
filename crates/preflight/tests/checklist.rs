//! The guides' checklist against the codes and rules that exist: every pattern an item fails on
//! matches something a check can report, so no item waits for a code that was renamed away;
//! and a real run ticks items with what it saw.

mod common;

use std::path::Path;

use common::{preflight_command, write};
use preflight_findings::id_matches;
use preflight_rules::RuleSet;

const CHECKLIST: &str = include_str!("../../preflight-report/src/checklist.toml");

/// Every `fails_on` pattern of the checklist, with its item's text.
fn patterns() -> Vec<(String, String)> {
    let data: toml::Table = toml::from_str(CHECKLIST).expect("the checklist parses");
    let mut out = Vec::new();
    for guide in data["guide"].as_array().expect("guides") {
        for item in guide["item"].as_array().expect("items") {
            let text = item["text"].as_str().expect("text").to_string();
            for pattern in item
                .get("fails_on")
                .and_then(|p| p.as_array())
                .into_iter()
                .flatten()
            {
                out.push((
                    pattern.as_str().expect("a string").to_string(),
                    text.clone(),
                ));
            }
        }
    }
    out
}

/// The codes `preflight codes --format json` lists.
fn codes() -> Vec<String> {
    let output = preflight_command(Path::new("."), &["codes", "--format", "json"])
        .output()
        .expect("the binary runs");
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    list.as_array()
        .expect("a list")
        .iter()
        .map(|c| c["id"].as_str().expect("an id").to_string())
        .collect()
}

#[test]
fn every_pattern_matches_a_code_or_a_rule() {
    let codes = codes();
    assert!(codes.iter().any(|c| c.starts_with("django-settings.")));
    assert!(codes.iter().any(|c| c.starts_with("container.")));
    let rules = RuleSet::builtin().expect("the built-in rules load");
    let rule_ids: Vec<&str> = rules.rules().iter().map(|r| r.id.as_str()).collect();
    let patterns = patterns();
    assert!(patterns.len() > 50, "{}", patterns.len());
    for (pattern, item) in patterns {
        if pattern == "@secret" {
            continue;
        }
        let known = codes.iter().any(|c| id_matches(&pattern, c))
            || rule_ids.iter().any(|r| id_matches(&pattern, r));
        assert!(
            known,
            "`{pattern}` (in \"{item}\") matches no code and no rule"
        );
    }
}

#[test]
fn a_django_project_report_ticks_items_with_findings_and_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "manage.py",
        "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"shop.settings\")\n",
    );
    write(
        root,
        "shop/settings.py",
        "DEBUG = True\nSESSION_COOKIE_SECURE = False\nSECURE_HSTS_SECONDS = 3600\nALLOWED_HOSTS = [\"*\"]\n",
    );
    let output = preflight_command(
        root,
        &["check", ".", "--no-history", "--format", "markdown"],
    )
    .env("NO_COLOR", "1")
    .output()
    .expect("the binary runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{report}");
    let line_of = |text: &str| {
        report
            .lines()
            .find(|line| line.contains(text))
            .unwrap_or_else(|| panic!("no item `{text}` in:\n{report}"))
            .to_string()
    };
    let hsts = line_of("HSTS is sent with a max-age of at least one year");
    assert!(
        hsts.starts_with("- [ ]") && hsts.contains("failed"),
        "{hsts}"
    );
    assert!(report.contains("django-settings.hsts-short"), "{report}");
    let cookies = line_of("Cookies are marked Secure");
    assert!(cookies.contains("failed"), "{cookies}");
    // The live check did not run: an item only it covers stays unchecked.
    let tls = line_of("The TLS certificate is valid");
    assert!(tls.contains("not checked in this run"), "{tls}");
    // Manual items stay for a person.
    let backups = line_of("Backups are encrypted, kept offsite");
    assert!(backups.contains("_manual_"), "{backups}");
}

/// A Django project served from a Dockerfile behind a compose file, with every setting the
/// guides ask about either safe (`safe`) or unsafe in the way the issue describes.
fn django_project(root: &Path, safe: bool) {
    write(
        root,
        "manage.py",
        "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"config.settings.production\")\n",
    );
    write(root, "config/__init__.py", "");
    write(root, "config/settings/__init__.py", "");
    let (min_length, sslmode, cors) = if safe {
        (
            12,
            ", \"OPTIONS\": {\"sslmode\": \"require\"}",
            "CORS_ALLOWED_ORIGINS = [\"https://app.example.com\"]\n",
        )
    } else {
        (
            6,
            "",
            "CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n",
        )
    };
    write(
        root,
        "config/settings/base.py",
        format!(
            "INSTALLED_APPS = [\"django.contrib.auth\", \"django.contrib.sessions\", \"corsheaders\", \"axes\"]\n\
             MIDDLEWARE = [\n    \"django.middleware.security.SecurityMiddleware\",\n    \"django.contrib.sessions.middleware.SessionMiddleware\",\n    \"django.middleware.csrf.CsrfViewMiddleware\",\n    \"django.middleware.clickjacking.XFrameOptionsMiddleware\",\n]\n\
             AUTH_PASSWORD_VALIDATORS = [\n    {{\"NAME\": \"django.contrib.auth.password_validation.MinimumLengthValidator\", \"OPTIONS\": {{\"min_length\": {min_length}}}}},\n    {{\"NAME\": \"django.contrib.auth.password_validation.CommonPasswordValidator\"}},\n]\n\
             DATABASES = {{\"default\": {{\"ENGINE\": \"django.db.backends.postgresql\", \"HOST\": \"db.internal.example\"{sslmode}}}}}\n\
             {cors}"
        ),
    );
    let (hsts, cookie) = if safe {
        (31_536_000, "True")
    } else {
        (3600, "False")
    };
    write(
        root,
        "config/settings/production.py",
        format!(
            "import os\nfrom .base import *  # noqa\n\nSECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]\nDEBUG = False\nALLOWED_HOSTS = [\"www.example.com\"]\nSECURE_SSL_REDIRECT = True\nSECURE_HSTS_SECONDS = {hsts}\nSECURE_HSTS_INCLUDE_SUBDOMAINS = True\nSECURE_HSTS_PRELOAD = True\nSESSION_COOKIE_SECURE = {cookie}\nCSRF_COOKIE_SECURE = True\nSESSION_COOKIE_AGE = 28800\n"
        ),
    );
    let ports = if safe {
        "127.0.0.1:5432:5432"
    } else {
        "5432:5432"
    };
    write(
        root,
        "docker-compose.yml",
        format!(
            "services:\n  db:\n    image: postgres:16.4\n    ports:\n      - \"{ports}\"\n  web:\n    build: .\n"
        ),
    );
    let user = if safe { "USER app\n" } else { "" };
    write(
        root,
        "Dockerfile",
        format!(
            "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN useradd app\n{user}CMD [\"gunicorn\", \"config.wsgi\"]\n"
        ),
    );
    if safe {
        write(root, ".dockerignore", ".env*\n.git\n");
    }
}

/// The Markdown checklist of `preflight check` on `root`, and its exit code.
fn markdown_report(root: &Path) -> (String, Option<i32>) {
    let output = preflight_command(
        root,
        &["check", ".", "--no-history", "--format", "markdown"],
    )
    .env("NO_COLOR", "1")
    .output()
    .expect("the binary runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        output.status.code(),
    )
}

/// The lines of the first item whose text contains `text`: the item and what is listed under it.
fn item(report: &str, text: &str) -> String {
    let mut lines = report.lines().skip_while(|line| !line.contains(text));
    let head = lines
        .next()
        .unwrap_or_else(|| panic!("no item `{text}` in:\n{report}"));
    let body: Vec<&str> = lines.take_while(|line| line.starts_with("  ")).collect();
    format!("{head}\n{}", body.join("\n"))
}

#[test]
fn safe_settings_tick_the_items_with_their_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    django_project(root, true);
    let (report, code) = markdown_report(root);
    let prod = "config/settings/production.py";
    for (text, evidence) in [
        (
            "HSTS is sent with a max-age of at least one year",
            format!("seen at `{prod}:8:1`: `SECURE_HSTS_SECONDS = 31536000` (365 days)"),
        ),
        (
            "Cookies are marked Secure",
            format!("seen at `{prod}:11:1`: `SESSION_COOKIE_SECURE = True`"),
        ),
        (
            "Passwords need at least 8 characters",
            "seen at `config/settings/base.py:8:1`: `MinimumLengthValidator` asks for at least 12 characters; config/settings/production.py inherits it".to_string(),
        ),
        (
            "Database connections require SSL",
            "seen at `config/settings/base.py:12:1`: DATABASES\\[\"default\"\\] OPTIONS ask for `sslmode=require`".to_string(),
        ),
        (
            "Cross-origin requests are allowed only from the intended origins",
            "seen at `config/settings/base.py:13:1`: CORS\\_ALLOWED\\_ORIGINS lists one origin".to_string(),
        ),
        (
            "Database access is limited by client address",
            "seen at `docker-compose.yml:5`: service `db` publishes PostgreSQL (container port 5432) on one address only (`127.0.0.1:5432:5432`)".to_string(),
        ),
        (
            "images run as a user other than root",
            "seen at `Dockerfile:5`: the final stage runs as `USER app`, not root".to_string(),
        ),
        (
            "stay out of Docker images",
            "seen at `Dockerfile:3`: copies the whole build context".to_string(),
        ),
        (
            "Accounts lock after repeated failed logins",
            "seen at `config/settings/base.py:1:1`: INSTALLED\\_APPS includes `axes`".to_string(),
        ),
    ] {
        let block = item(&report, text);
        assert!(block.starts_with("- [x]"), "not ticked:\n{block}\n\n{report}");
        assert!(
            block.contains(&evidence),
            "no `{evidence}` under the item:\n{block}"
        );
    }
    let secret_key = item(
        &report,
        "Production uses no default, insecure or example secret key",
    );
    assert!(
        secret_key
            .contains("SECRET\\_KEY is read from `DJANGO_SECRET_KEY` with no default in the code"),
        "{secret_key}"
    );
    assert_eq!(code, Some(0), "{report}");
}

#[test]
fn unsafe_settings_fail_the_same_items_with_their_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    django_project(root, false);
    let (report, code) = markdown_report(root);
    assert_eq!(code, Some(1), "{report}");
    let prod = "config/settings/production.py";
    for (text, finding) in [
        (
            "HSTS is sent with a max-age of at least one year",
            format!("`django-settings.hsts-short` at `{prod}:8:1`"),
        ),
        (
            "Cookies are marked Secure",
            format!("`django-settings.session-cookie-secure` at `{prod}:11:1`"),
        ),
        (
            "Passwords need at least 8 characters",
            "`django-settings.password-min-length` at `config/settings/base.py:8:1`".to_string(),
        ),
        (
            "Database connections require SSL",
            "`django-settings.database-sslmode` at `config/settings/base.py:12:1`".to_string(),
        ),
        (
            "Cross-origin requests are allowed only from the intended origins",
            "`django-settings.cors-all-origins-credentials` at `config/settings/base.py:13:1`"
                .to_string(),
        ),
        (
            "Database access is limited by client address",
            "`container.compose-port-published` at `docker-compose.yml:5`".to_string(),
        ),
        (
            "images run as a user other than root",
            "`container.dockerfile-root-user` at `Dockerfile:1`".to_string(),
        ),
        (
            "stay out of Docker images",
            "`container.dockerignore-env` at `Dockerfile:3`".to_string(),
        ),
    ] {
        let block = item(&report, text);
        assert!(
            block.starts_with("- [ ]") && block.contains("**failed**"),
            "not failed:\n{block}"
        );
        assert!(block.contains(&finding), "no {finding} under:\n{block}");
        assert!(
            !block.contains("seen at"),
            "a failed item shows no evidence:\n{block}"
        );
    }
}

#[test]
fn a_framework_check_with_nothing_to_judge_does_not_tick_its_items() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app/main.py", "print(\"hello\")\n");
    let (report, code) = markdown_report(root);
    assert_eq!(code, Some(0), "{report}");
    let checks = report
        .lines()
        .find(|line| line.starts_with("- Checks run:"))
        .expect("the header names the checks that ran");
    for check in ["django", "fastapi", "containers"] {
        assert!(!checks.contains(check), "{checks}");
    }
    let lockout = item(&report, "Accounts lock after repeated failed logins");
    assert!(lockout.contains("not checked in this run"), "{lockout}");

    // The same project with Django settings: the check ran and the item is judged.
    django_project(root, true);
    let (report, _) = markdown_report(root);
    let checks = report
        .lines()
        .find(|line| line.starts_with("- Checks run:"))
        .expect("the header names the checks that ran");
    assert!(
        checks.contains("django") && checks.contains("containers"),
        "{checks}"
    );
    assert!(!checks.contains("fastapi"), "{checks}");
    assert!(item(&report, "Accounts lock after repeated failed logins").starts_with("- [x]"));
}
