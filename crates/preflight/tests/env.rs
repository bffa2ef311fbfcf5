//! `preflight env`, `init` and `gen` end to end, on fixture projects built after the two apps the
//! security guides describe: an order-processing API (PostgreSQL, OpenAI, Xero, docker compose)
//! and a Django field-service app (PostgreSQL, Stripe, Twilio, OpenAI). Each has a good and a bad
//! configuration; every failure mode is asserted by code, file and line, and no value written to
//! a dotenv file may appear in any output.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Run, preflight_command};

struct Fixture {
    dir: tempfile::TempDir,
    /// Every value written to a dotenv file that must never be printed.
    secrets: Vec<String>,
}

impl Run {
    /// (id, path, line, variable) of every finding.
    fn findings(&self) -> Vec<(String, String, Option<u64>, String)> {
        self.json()["findings"]
            .as_array()
            .expect("findings array")
            .iter()
            .map(|f| {
                (
                    f["id"].as_str().unwrap().to_string(),
                    f["path"].as_str().unwrap().to_string(),
                    f["line"].as_u64(),
                    f["details"]["variable"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    }
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("git")
            .args(["init", "-q"])
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(status.success());
        Fixture {
            dir,
            secrets: Vec::new(),
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, path: &str, text: impl AsRef<[u8]>) -> PathBuf {
        common::write(self.root(), path, text)
    }

    /// A fresh secret from `preflight gen secret`, remembered as never to be printed.
    fn generate(&mut self, args: &[&str]) -> String {
        let mut all = vec!["gen", "secret"];
        all.extend_from_slice(args);
        let run = self.run_plain(&all);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let value = run.stdout.trim().to_string();
        self.secrets.push(value.clone());
        value
    }

    fn secret(&mut self, value: &str) -> String {
        self.secrets.push(value.to_string());
        value.to_string()
    }

    fn run_plain(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let output = preflight_command(self.root(), args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        let run = Run::from(output);
        if !args.starts_with(&["gen"]) {
            self.assert_no_secret_in(&run);
        }
        run
    }

    /// `preflight env` in every output format; returns the JSON run.
    fn env(&self, args: &[&str]) -> Run {
        for format in ["human", "sarif", "markdown"] {
            let mut all = vec!["--format", format, "env"];
            all.extend_from_slice(args);
            self.run_plain(&all);
        }
        let mut all = vec!["--format", "json", "env"];
        all.extend_from_slice(args);
        self.run_plain(&all)
    }

    fn assert_no_secret_in(&self, run: &Run) {
        for secret in &self.secrets {
            assert!(
                !run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()),
                "a secret value was printed:\n{}\n{}",
                run.stdout,
                run.stderr
            );
        }
    }
}

fn has(found: &[(String, String, Option<u64>, String)], id: &str, path: &str, line: u64) -> bool {
    found
        .iter()
        .any(|(i, p, l, _)| i == id && p == path && *l == Some(line))
}

fn assert_has(found: &[(String, String, Option<u64>, String)], id: &str, path: &str, line: u64) {
    assert!(
        has(found, id, path, line),
        "expected {id} at {path}:{line}; found:\n{found:#?}"
    );
}

fn hex_upper(fx: &mut Fixture, bytes: &str) -> String {
    let value = fx.generate(&["--hex", bytes]).to_ascii_uppercase();
    fx.secret(&value)
}

fn uuid(fx: &mut Fixture) -> String {
    let h = fx.generate(&["--hex", "16"]);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

// ---------------------------------------------------------------------------------------------
// The order-processing app.

const ORDERS_EXAMPLE: &str = "\
# Copy to .env and fill in
DATABASE_URL=postgresql://user:password@host:port/dbname
OPENAI_API_KEY=sk-...
XERO_CLIENT_ID=...
XERO_CLIENT_SECRET=...
XERO_REFRESH_TOKEN=...
XERO_TENANT_ID=...
SECRET_KEY=...
";

const ORDERS_CODE: &str = r#"import os

DATABASE_URL = os.environ["DATABASE_URL"]
OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]
XERO_CLIENT_ID = os.environ["XERO_CLIENT_ID"]
XERO_CLIENT_SECRET = os.environ["XERO_CLIENT_SECRET"]
XERO_TENANT_ID = os.environ["XERO_TENANT_ID"]
SECRET_KEY = os.environ["SECRET_KEY"]
LOG_LEVEL = os.getenv("LOG_LEVEL", "info")
"#;

const ORDERS_SETTINGS: &str = r#"from pydantic_settings import BaseSettings


class XeroSettings(BaseSettings):
    xero_refresh_token: str
    xero_timeout: int = 30
"#;

fn orders() -> Fixture {
    let fx = Fixture::new();
    fx.write(
        ".gitignore",
        ".env\n.env.*\n!.env.example\n!.env.docker.example\nvendor/\n",
    );
    fx.write(".env.example", ORDERS_EXAMPLE);
    fx.write(
        ".env.docker.example",
        "POSTGRES_PASSWORD=changeme\nDATABASE_URL=postgresql://orders:${POSTGRES_PASSWORD}@db:5432/orders?sslmode=require\n",
    );
    fx.write("app/config.py", ORDERS_CODE);
    fx.write("app/settings.py", ORDERS_SETTINGS);
    // Ignored by git, so never read for variable usage.
    fx.write(
        "vendor/lib.py",
        "import os\nX = os.environ['VENDORED_ONLY']\n",
    );
    // The order-processing guide asks for 32-character database passwords.
    fx.write("preflight.toml", "[env]\nmin-password-length = 32\n");
    fx
}

fn orders_values(fx: &mut Fixture, password: &str) -> String {
    let openai = format!("sk-proj-{}", fx.generate(&["--hex", "24"]));
    let openai = fx.secret(&openai);
    let client_id = hex_upper(fx, "16");
    let client_secret = fx.generate(&["--base64", "36"]);
    let refresh = fx.generate(&["--hex", "32"]);
    let tenant = uuid(fx);
    let secret_key = fx.generate(&["--hex", "32"]);
    format!(
        "DATABASE_URL=postgresql://orders:{password}@db.orders.internal:5432/orders?sslmode=require\n\
         OPENAI_API_KEY={openai}\n\
         XERO_CLIENT_ID={client_id}\n\
         XERO_CLIENT_SECRET={client_secret}\n\
         XERO_REFRESH_TOKEN={refresh}\n\
         XERO_TENANT_ID={tenant}\n\
         SECRET_KEY={secret_key}\n"
    )
}

#[test]
fn orders_good_configuration_passes() {
    let mut fx = orders();
    let password = fx.generate(&["--password", "--length", "32"]);
    let production = orders_values(&mut fx, &password);
    fx.write(".env.production", production);
    let password = fx.generate(&["--password", "--length", "32"]);
    let staging = orders_values(&mut fx, &password);
    fx.write(".env.staging", staging);
    let docker_password = fx.generate(&["--password", "--length", "40"]);
    let rest = orders_values(&mut fx, "unused")
        .lines()
        .skip(1)
        .collect::<Vec<_>>()
        .join("\n");
    fx.write(
        ".env.docker",
        format!(
            "POSTGRES_PASSWORD={docker_password}\nDATABASE_URL=\"postgresql://orders:${{POSTGRES_PASSWORD}}@db:5432/orders?sslmode=require\"\n{rest}\n"
        ),
    );
    let run = fx.env(&[]);
    assert_eq!(run.findings(), [], "{}", run.stdout);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["stats"]["scanned"], 3);
}

#[test]
fn orders_bad_configuration_reports_every_problem() {
    let mut fx = orders();
    let shared = fx.generate(&["--base64", "36"]);
    let weak_url =
        fx.secret("postgresql://orders:postgres@db.orders.internal:5432/orders?sslmode=disable");
    let short_key = fx.secret("supersecret");
    fx.write(
        ".env.production",
        format!(
            "DATABASE_URL={weak_url}\nOPENAI_API_KEY=sk-...\nXERO_CLIENT_ID=ABC123DEF\nXERO_CLIENT_SECRET={shared}\nXERO_TENANT_ID=tenant-one\nSECRET_KEY={short_key}\n"
        ),
    );
    let low = fx.secret("abababababababababababababababababababab");
    let password = fx.generate(&["--password", "--length", "32"]);
    let mut staging = orders_values(&mut fx, &password);
    staging = staging
        .lines()
        .map(|l| {
            if l.starts_with("XERO_CLIENT_SECRET=") {
                format!("XERO_CLIENT_SECRET={shared}")
            } else if l.starts_with("SECRET_KEY=") {
                format!("SECRET_KEY={low}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    fx.write(".env.staging", staging);
    let short_pw = fx.secret("Tr0ub4dor&3xyz");
    let mut docker = Vec::new();
    docker.extend_from_slice(b"\xEF\xBB\xBF");
    docker.extend_from_slice(
        format!(
            "POSTGRES_PASSWORD={short_pw}\r\n\
             DATABASE_URL=postgresql://orders:${{POSTGRES_PASSWORD}}@localhost:5432/orders?sslmode=require\r\n\
             export SECRET_KEY = \"unterminated\r\n\
             OPENAI_API_KEY=two words\r\n\
             1XERO=1\r\n\
             XERO_TENANT_ID=${{UNDEFINED_TENANT}}\r\n\
             NOEQUALS\r\n\
             XERO_CLIENT_ID=\"0123\" trailing\r\n\
             OPENAI_API_KEY=again\r\n\
             PEM=\"-----BEGIN-----\r\nline\r\n-----END-----\"\r\n"
        )
        .as_bytes(),
    );
    docker.extend_from_slice(b"BAD_BYTES=\xff\xfe\r\n");
    fx.write(".env.docker", docker);

    let run = fx.env(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = run.findings();
    let p = ".env.production";
    assert_has(&found, "env.database-password-weak", p, 1);
    assert_has(&found, "env.database-sslmode", p, 1);
    assert_has(&found, "env.placeholder", p, 2);
    assert_has(&found, "env.api-key-shape", p, 3);
    assert_has(&found, "env.api-key-shape", p, 5);
    assert_has(&found, "env.secret-known-default", p, 6);
    // XERO_REFRESH_TOKEN: the pydantic settings class requires it and the file lacks it.
    assert!(found.iter().any(|(id, path, line, var)| id == "env.missing"
        && path == p
        && line.is_none()
        && var == "XERO_REFRESH_TOKEN"));
    let s = ".env.staging";
    assert_has(&found, "env.secret-shared-across-profiles", s, 4);
    assert_has(&found, "env.secret-low-entropy", s, 7);
    let d = ".env.docker";
    assert_has(&found, "env.bom", d, 1);
    assert_has(&found, "env.crlf", d, 1);
    assert_has(&found, "env.secret-too-short", d, 1);
    assert_has(&found, "env.database-localhost", d, 2);
    assert_has(&found, "env.database-password-weak", d, 2);
    assert_has(&found, "env.export-prefix", d, 3);
    assert_has(&found, "env.space-around-equals", d, 3);
    assert_has(&found, "env.unbalanced-quote", d, 3);
    assert_has(&found, "env.unquoted-space", d, 4);
    assert_has(&found, "env.invalid-name", d, 5);
    assert_has(&found, "env.bad-reference", d, 6);
    assert_has(&found, "env.missing-equals", d, 7);
    assert_has(&found, "env.trailing-characters", d, 8);
    assert_has(&found, "env.duplicate-key", d, 9);
    assert_has(&found, "env.not-utf8", d, 13);
    // The quoted multi-line value on lines 10-12 is valid.
    assert!(
        !found
            .iter()
            .any(|(_, path, line, _)| path == d && matches!(line, Some(11 | 12)))
    );
    // Code behind .gitignore is not read.
    assert!(!found.iter().any(|(_, _, _, var)| var == "VENDORED_ONLY"));
    // Human output names file, line and variable and says how to fix.
    let human = fx.run_plain(&["env"]);
    assert!(human.stdout.contains(".env.production"), "{}", human.stdout);
    assert!(human.stdout.contains("SECRET_KEY"), "{}", human.stdout);
}

#[test]
fn a_profile_flag_and_file_arguments_select_what_is_checked() {
    let mut fx = orders();
    let weak_url = fx.secret("postgresql://orders:postgres@localhost:5432/orders");
    fx.write(".env", format!("DATABASE_URL={weak_url}\n"));
    fx.write(".env.production", "DEBUG=True\n");
    let production = fx.env(&[".env"]);
    let found = production.findings();
    assert!(found.iter().all(|(_, path, _, _)| path == ".env"));
    assert_has(&found, "env.database-localhost", ".env", 1);
    let development = fx.env(&["--profile", "development", ".env"]);
    let json = development.json();
    let findings = json["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(!has(
        &development.findings(),
        "env.database-localhost",
        ".env",
        1
    ));
    for finding in findings {
        let severity = finding["severity"].as_str().unwrap();
        assert!(severity == "low" || severity == "info", "{finding}");
    }
    let lenient = fx.run_plain(&[
        "--fail-on",
        "medium",
        "env",
        "--profile",
        "development",
        ".env",
    ]);
    assert_eq!(lenient.code, 0, "{}", lenient.stderr);
}

// ---------------------------------------------------------------------------------------------
// The Django field-service app.

const DJANGO_SETTINGS: &str = r#"import environ

env = environ.Env()
SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN")
OPENAI_API_KEY = env("OPENAI_API_KEY")
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
"#;

const STRIPE_DOCS_PK: &str = "pk_test_TYooMQauvdEDq54NiTphI7jx";

fn django() -> Fixture {
    let fx = Fixture::new();
    fx.write("manage.py", "#!/usr/bin/env python\nimport django\n");
    fx.write("fsm/settings.py", DJANGO_SETTINGS);
    fx.write(
        "frontend/src/api.js",
        "export const base = process.env.API_BASE_URL || '/api';\n",
    );
    fx.write(
        ".env.example",
        format!(
            "SECRET_KEY=your-secret-key-here\nDEBUG=False\nALLOWED_HOSTS=localhost\nDATABASE_URL=postgresql://username:password@hostname:5432/dbname?sslmode=require\nSTRIPE_SECRET_KEY=sk_test_...\nSTRIPE_PUBLISHABLE_KEY={STRIPE_DOCS_PK}\nSTRIPE_WEBHOOK_SECRET=whsec_...\nTWILIO_ACCOUNT_SID=ACxxxxxxxx\nTWILIO_AUTH_TOKEN=your-auth-token\nOPENAI_API_KEY=sk-...\n"
        ),
    );
    fx
}

fn django_values(fx: &mut Fixture, live: bool) -> String {
    let mode = if live { "live" } else { "test" };
    let key = fx.generate(&["--django"]);
    let db_password = fx.generate(&["--password", "--length", "24"]);
    let sk = format!("sk_{mode}_{}", fx.generate(&["--hex", "24"]));
    let pk = format!("pk_{mode}_{}", fx.generate(&["--hex", "24"]));
    let whsec = format!("whsec_{}", fx.generate(&["--hex", "16"]));
    let sid = format!("AC{}", fx.generate(&["--hex", "16"]));
    let token = fx.generate(&["--hex", "16"]);
    let openai = format!("sk-proj-{}", fx.generate(&["--hex", "24"]));
    for v in [&sk, &pk, &whsec, &sid, &openai] {
        fx.secret(v);
    }
    format!(
        "SECRET_KEY='{key}'\nDEBUG=False\nALLOWED_HOSTS=fsm.ajlongelectric.com,www.ajlongelectric.com\nDATABASE_URL=postgresql://fsm:{db_password}@db.ajlongelectric.com:5432/fsm?sslmode=verify-full\nSTRIPE_SECRET_KEY={sk}\nSTRIPE_PUBLISHABLE_KEY={pk}\nSTRIPE_WEBHOOK_SECRET={whsec}\nTWILIO_ACCOUNT_SID={sid}\nTWILIO_AUTH_TOKEN={token}\nOPENAI_API_KEY={openai}\nCORS_ALLOWED_ORIGINS=https://fsm.ajlongelectric.com\n"
    )
}

#[test]
fn django_good_configuration_passes() {
    let mut fx = django();
    let production = django_values(&mut fx, true);
    fx.write(".env.production", production);
    let development = django_values(&mut fx, false);
    fx.write(
        ".env.development",
        development.replace("DEBUG=False", "DEBUG=True"),
    );
    let run = fx.env(&[]);
    assert_eq!(run.findings(), [], "{}", run.stdout);
    assert_eq!(run.code, 0);
}

#[test]
fn django_bad_configuration_reports_every_problem() {
    let mut fx = django();
    let insecure = fx.secret("django-insecure-abc123!@#");
    let db = fx.secret("postgresql://fsm:short1@db.ajlongelectric.com:5432/fsm");
    let test_key = fx.secret("sk_test_51HxQbCdEfGhIjKlMnOp");
    let pk_in_secret = fx.secret("pk_live_51HxQbCdEfGhIjKlMnOp");
    let key_file = fx.write("certs/server.key", "-----BEGIN PRIVATE KEY-----\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    fx.write(
        ".env.production",
        format!(
            "SECRET_KEY={insecure}\nDEBUG=True\nALLOWED_HOSTS=*\nDATABASE_URL={db}\nSTRIPE_SECRET_KEY={test_key}\nSTRIPE_PUBLISHABLE_KEY={STRIPE_DOCS_PK}\nSTRIPE_WEBHOOK_SECRET={pk_in_secret}\nTWILIO_ACCOUNT_SID=AC123\nTWILIO_AUTH_TOKEN=your-auth-token\nCORS_ALLOWED_ORIGINS=*\nSSL_KEY_FILE=certs/server.key\nMEDIA_DIR=missing/media\nSENTRY_DSN=not a url\nSECURE_SSL_REDIRECT=False\n"
        ),
    );
    let live = fx.secret("sk_live_51HxQbCdEfGhIjKlMnOpQr");
    fx.write(
        ".env.development",
        format!("STRIPE_SECRET_KEY={live}\nCORS_ALLOWED_ORIGINS=http://localhost:3000\n"),
    );
    fx.write(
        ".env.staging",
        "CORS_ALLOWED_ORIGINS=http://staging.ajlongelectric.com\nALLOWED_HOSTS=\n",
    );
    let run = fx.env(&[]);
    assert_eq!(run.code, 1);
    let found = run.findings();
    let p = ".env.production";
    assert_has(&found, "env.django-insecure", p, 1);
    assert_has(&found, "env.secret-too-short", p, 1);
    assert_has(&found, "env.debug-enabled", p, 2);
    assert_has(&found, "env.allowed-hosts-wildcard", p, 3);
    assert_has(&found, "env.database-password-weak", p, 4);
    assert_has(&found, "env.database-sslmode", p, 4);
    assert_has(&found, "env.stripe-test-key", p, 5);
    assert_has(&found, "env.example-value", p, 6);
    assert_has(&found, "env.stripe-publishable-as-secret", p, 7);
    assert_has(&found, "env.api-key-shape", p, 8);
    assert_has(&found, "env.placeholder", p, 9);
    assert_has(&found, "env.cors-wildcard", p, 10);
    #[cfg(unix)]
    assert_has(&found, "env.key-file-permissions", p, 11);
    assert_has(&found, "env.path-missing", p, 12);
    assert_has(&found, "env.invalid-value", p, 13);
    assert_has(&found, "env.insecure-setting", p, 14);
    assert!(
        found
            .iter()
            .any(|(id, path, _, var)| id == "env.missing" && path == p && var == "OPENAI_API_KEY")
    );
    let d = ".env.development";
    assert_has(&found, "env.stripe-live-key", d, 1);
    // Development allows http://localhost origins; production-only rules stay quiet.
    assert!(!has(&found, "env.cors-insecure-origin", d, 2));
    let s = ".env.staging";
    assert!(!has(&found, "env.cors-insecure-origin", s, 1));
    assert_has(&found, "env.empty", s, 2);
    // The JS read with a default is optional: never reported missing.
    assert!(!found.iter().any(|(_, _, _, var)| var == "API_BASE_URL"));
}

// ---------------------------------------------------------------------------------------------
// The process environment, policies, init and gen.

#[test]
fn from_env_checks_the_process_environment() {
    let fx = Fixture::new();
    fx.write(
        "preflight.toml",
        "[env.vars.API_TOKEN]\nkind = \"secret\"\nrequired = true\n",
    );
    let mut fx = fx;
    let short = fx.secret("hunter2hunter2");
    let run = fx.run_with(
        &["--format", "json", "env", "--from-env"],
        &[
            ("SECRET_KEY", &short),
            ("DEBUG", "true"),
            ("HOME_DIR", "/nowhere"),
        ],
    );
    assert_eq!(run.code, 1);
    let json = run.json();
    let findings = json["findings"].as_array().unwrap();
    let ids: Vec<(&str, &str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap(),
                f["kind"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        ids.contains(&("env.secret-too-short", "environment", "SECRET_KEY")),
        "{ids:?}"
    );
    assert!(
        ids.contains(&("env.debug-enabled", "environment", "DEBUG")),
        "{ids:?}"
    );
    assert!(
        ids.contains(&("env.missing", "environment", "API_TOKEN")),
        "{ids:?}"
    );
    // Generic suffixes are not inferred from the environment: HOME_DIR is not judged.
    assert!(
        !ids.iter().any(|(_, _, path)| *path == "HOME_DIR"),
        "{ids:?}"
    );
}

#[test]
fn policy_mistakes_name_file_line_variable_and_key() {
    let fx = Fixture::new();
    fx.write(
        "preflight.toml",
        "[env]\nprofile = \"production\"\n\n[env.vars.DATABASE_URL]\nkind = \"postgress_url\"\n\n[env.vars.REGION]\nkind = \"string\"\npattern = \"([a-z\"\n",
    );
    fx.write(".env", "DATABASE_URL=x\n");
    let run = fx.run_plain(&["env"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "preflight.toml:5: [env.vars.DATABASE_URL] kind: unknown kind `postgress_url`"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("preflight.toml:9: [env.vars.REGION] pattern"),
        "{}",
        run.stderr
    );
    fx.write(
        "preflight.toml",
        "[env.vars.X]\nkind = \"secret\"\nrequird = true\n",
    );
    let run = fx.run_plain(&["env"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("requird"), "{}", run.stderr);
}

#[test]
fn policy_in_pyproject_is_used() {
    let fx = Fixture::new();
    fx.write(
        "pyproject.toml",
        "[project]\nname = \"orders\"\n\n[tool.preflight.env.vars.WORKERS]\nkind = \"int\"\nmin = 1\nmax = 8\n",
    );
    fx.write(".env", "WORKERS=64\n");
    let run = fx.env(&[]);
    assert_has(&run.findings(), "env.out-of-range", ".env", 1);
}

#[test]
fn init_drafts_a_policy_and_never_overwrites_without_force() {
    let fx = orders();
    std::fs::remove_file(fx.root().join("preflight.toml")).unwrap();
    fx.write(
        ".env.example",
        format!("{ORDERS_EXAMPLE}UNUSED_SETTING=1\n"),
    );
    let run = fx.run_plain(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("XERO_TIMEOUT"), "{}", run.stdout);
    assert!(run.stdout.contains("LOG_LEVEL"), "{}", run.stdout);
    let example_only = run.stdout.split("never read by the code").nth(1).unwrap();
    assert!(example_only.contains("UNUSED_SETTING"), "{}", run.stdout);
    assert!(!run.stdout.contains("VENDORED_ONLY"));
    let policy = std::fs::read_to_string(fx.root().join("preflight.toml")).unwrap();
    assert!(
        policy.contains("[env.vars.DATABASE_URL]\nkind = \"postgres_url\"\nrequired = true"),
        "{policy}"
    );
    assert!(
        policy.contains(
            "[env.vars.XERO_TENANT_ID]\nkind = \"api_key\"\nprovider = \"xero.tenant-id\""
        ),
        "{policy}"
    );
    let again = fx.run_plain(&["init"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(fx.run_plain(&["init", "--force"]).code, 0);
    // The drafted policy is valid: `preflight env` runs with it.
    let check = fx.run_plain(&["--format", "json", "env"]);
    assert_ne!(check.code, 2, "{}", check.stderr);
}

#[test]
fn gen_secret_has_every_style() {
    let mut fx = Fixture::new();
    let hex = fx.generate(&["--hex", "32"]);
    assert_eq!(hex.len(), 64);
    assert!(hex.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(fx.generate(&[]).len(), 64);
    assert_eq!(fx.generate(&["--base64", "32"]).len(), 44);
    let django = fx.generate(&["--django"]);
    assert_eq!(django.chars().count(), 50);
    let password = fx.generate(&["--password", "--length", "40"]);
    assert_eq!(password.len(), 40);
    assert!(password.chars().any(|c| c.is_ascii_uppercase()));
    assert!(password.chars().any(|c| c.is_ascii_lowercase()));
    assert!(password.chars().any(|c| c.is_ascii_digit()));
    assert_ne!(fx.generate(&["--hex", "32"]), hex);
    assert_eq!(
        fx.run_plain(&["gen", "secret", "--hex", "8", "--django"])
            .code,
        2
    );
}

#[test]
fn gen_env_fills_secrets_privately_and_never_overwrites() {
    let fx = django();
    let run = fx.run_plain(&["gen", "env", "--from", ".env.example", "--output", ".env"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("fresh secrets: SECRET_KEY"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("TWILIO_AUTH_TOKEN"), "{}", run.stdout);
    let written = std::fs::read_to_string(fx.root().join(".env")).unwrap();
    assert!(!written.contains("your-secret-key-here"));
    assert!(written.contains("STRIPE_SECRET_KEY=sk_test_..."));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(fx.root().join(".env"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The generated key satisfies the Django rules; the placeholders left are reported.
    let check = fx.env(&["--profile", "production", ".env"]);
    let found = check.findings();
    assert!(
        !found
            .iter()
            .any(|(id, _, _, var)| var == "SECRET_KEY" && id != "env.placeholder"),
        "{found:#?}"
    );
    assert_has(&found, "env.placeholder", ".env", 5);
    let again = fx.run_plain(&["gen", "env", "--from", ".env.example", "--output", ".env"]);
    assert_eq!(again.code, 2);
    assert_eq!(
        std::fs::read_to_string(fx.root().join(".env")).unwrap(),
        written
    );
    let forced = fx.run_plain(&[
        "gen",
        "env",
        "--from",
        ".env.example",
        "--output",
        ".env",
        "--force",
    ]);
    assert_eq!(forced.code, 0);
    assert_ne!(
        std::fs::read_to_string(fx.root().join(".env")).unwrap(),
        written
    );
}
