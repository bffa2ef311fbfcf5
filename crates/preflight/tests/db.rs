//! `preflight db` end to end: the binary against real PostgreSQL servers.

mod common;
#[path = "../../preflight-db/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Output;

use common::{ids, json, preflight_command};
use support::{STRONG_PASSWORD, WEAK_PASSWORD, plain, tls};

fn preflight(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    preflight_command(dir, args)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("run preflight")
}

fn text(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn json_ids(output: &Output) -> Vec<String> {
    ids(&json(output))
}

#[test]
fn reports_a_weak_plaintext_setup_as_json_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let url = plain().url("app", "appdb", "");
    let output = preflight(dir.path(), &["db", &url, "--format", "json"], &[]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let ids = json_ids(&output);
    for expected in [
        "db.connection-unencrypted",
        "db.server-ssl-off",
        "db.tls-not-enforced",
        "db.password-short",
        "db.not-checkable",
    ] {
        assert!(
            ids.iter().any(|id| id == expected),
            "{expected} not in {ids:?}"
        );
    }
    assert!(!text(&output).contains(WEAK_PASSWORD), "{}", text(&output));
}

#[test]
fn reads_database_url_from_the_environment_and_from_dotenv() {
    let dir = tempfile::tempdir().unwrap();
    let url = tls().verify_full_url("app", "appdb");
    let output = preflight(
        dir.path(),
        &["db", "--format", "json"],
        &[("DATABASE_URL", &url)],
    );
    let ids = json_ids(&output);
    assert!(ids.iter().any(|id| id == "db.tls-connection"), "{ids:?}");
    assert!(!ids.iter().any(|id| id == "db.connection-unencrypted"));
    std::fs::write(dir.path().join(".env"), format!("DATABASE_URL='{url}'\n")).unwrap();
    let output = preflight(dir.path(), &["db", "--format", "json"], &[]);
    assert!(json_ids(&output).iter().any(|id| id == "db.tls-connection"));
    assert!(!text(&output).contains(STRONG_PASSWORD));
}

#[test]
fn the_db_section_configures_the_password_minimum() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("preflight.toml"),
        "[db]\nmin-password-length = 40\n",
    )
    .unwrap();
    let url = tls().verify_full_url("app", "appdb");
    let output = preflight(dir.path(), &["db", &url, "--format", "json"], &[]);
    assert!(
        json_ids(&output).iter().any(|id| id == "db.password-short"),
        "{}",
        text(&output)
    );
    std::fs::write(
        dir.path().join("preflight.toml"),
        "[db]\nmin-pasword-length = 40\n",
    )
    .unwrap();
    let output = preflight(dir.path(), &["db", &url], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("min-pasword-length"),
        "{}",
        text(&output)
    );
}

#[test]
fn failed_logins_and_missing_urls_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "Cl1-Wr0ng-Secret-Passw0rd";
    let url = tls().url_with_password("app", secret, "appdb", "sslmode=require");
    let output = preflight(dir.path(), &["db", &url], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let shown = text(&output);
    assert!(shown.contains("password authentication failed"), "{shown}");
    assert!(!shown.contains(secret), "{shown}");
    let output = preflight(dir.path(), &["db"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output).contains("DATABASE_URL"), "{}", text(&output));
}
