//! Custom rules in gitleaks' format, loaded as they are with `--rules FILE` or the
//! configuration's `rules-file`: rules, path filters, allowlists, and skipped rules as warnings.

mod common;

use std::path::Path;

use common::{Run, preflight_command, write};
use serde_json::Value;

/// A team's gitleaks configuration: a file-wide allowlist, a rule with a secret group and a
/// stopword allowlist, a path-restricted rule, and two rules preflight cannot carry over.
const GITLEAKS: &str = r#"title = "Acme internal"

[allowlist]
description = "vendored test data"
paths = ['''(^|/)testdata/''']

[[rules]]
id = "acme-api-token"
description = "Acme API token"
regex = '''(?i)acme[_-]?token\s*[:=]\s*["']?(acme_[a-z0-9]{24})'''
secretGroup = 1
keywords = ["acme_"]
[rules.allowlist]
stopwords = ["acme_sandbox"]

[[rules]]
id = "acme-deploy-key"
description = "Acme deploy key"
regex = '''adk_[A-Za-z0-9]{20}'''
path = '''(^|/)deploy/'''

[[rules]]
id = "acme-keystore"
path = '''\.jks$'''

[[rules]]
id = "acme-composite"
regex = '''acme_user_[a-z]{8}'''
[[rules.required]]
id = "acme-api-token"
"#;

const TOKEN: &str = "acme_q8z2k4v7n1m3x5c9b6l0p2r4";
const DEPLOY_KEY: &str = "adk_Q8z2K4v7N1m3X5c9B6l0";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("gitleaks.toml", GITLEAKS.to_string()),
        ("app/config.py", format!("ACME_TOKEN = '{TOKEN}'\n")),
        (
            "app/sandbox.py",
            "ACME_TOKEN = 'acme_sandbox1n3m5x7c9b2l4p6q8'\n".to_string(),
        ),
        ("testdata/config.py", format!("ACME_TOKEN = '{TOKEN}'\n")),
        ("deploy/run.sh", format!("KEY={DEPLOY_KEY}\n")),
        ("scripts/run.sh", format!("KEY={DEPLOY_KEY}\n")),
    ];
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    dir
}

fn scan(dir: &Path, args: &[&str]) -> (i32, Value) {
    let output = preflight_command(dir, &["--format", "json", "--explain"])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    let run = Run::from(output);
    (run.code, run.json())
}

fn found(json: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

fn check(json: &Value) {
    assert_eq!(
        found(json),
        [
            (
                "custom.acme-api-token".to_string(),
                "app/config.py".to_string()
            ),
            (
                "custom.acme-deploy-key".to_string(),
                "deploy/run.sh".to_string()
            ),
        ]
    );
    let dropped = json["dropped"].as_array().expect("--explain lists dropped");
    let reason_at = |path: &str| {
        dropped
            .iter()
            .find(|d| d["path"] == path)
            .map(|d| d["reason"].as_str().unwrap().to_string())
    };
    assert_eq!(
        reason_at("testdata/config.py").as_deref(),
        Some("path-allowlist")
    );
    assert_eq!(
        reason_at("app/sandbox.py").as_deref(),
        Some("value-allowlist")
    );
    assert_eq!(
        reason_at("scripts/run.sh").as_deref(),
        Some("path-allowlist")
    );
    let warnings: Vec<String> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            format!(
                "{}:{}: {}",
                w["path"].as_str().unwrap_or(""),
                w["line"],
                w["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("gitleaks.toml:22: gitleaks rule `acme-keystore`")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("gitleaks.toml:26: gitleaks rule `acme-composite`")),
        "{warnings:?}"
    );
}

#[test]
fn a_gitleaks_file_loads_as_it_is_with_rules() {
    let dir = project();
    let (code, json) = scan(dir.path(), &["scan", "--rules", "gitleaks.toml", "."]);
    assert_eq!(code, 1, "{json}");
    check(&json);
}

#[test]
fn a_gitleaks_file_loads_from_the_configuration() {
    let dir = project();
    std::fs::create_dir(dir.path().join("ci")).unwrap();
    std::fs::write(
        dir.path().join("ci/preflight.toml"),
        "rules-file = \"../gitleaks.toml\"\n",
    )
    .unwrap();
    let (code, json) = scan(dir.path(), &["--config", "ci/preflight.toml", "scan", "."]);
    assert_eq!(code, 1, "{json}");
    check(&json);
}

#[test]
fn without_the_file_the_custom_rules_do_not_run() {
    let dir = project();
    let (_, json) = scan(dir.path(), &["scan", "."]);
    assert!(
        found(&json)
            .iter()
            .all(|(id, _)| !id.starts_with("custom.")),
        "{json}"
    );
}
