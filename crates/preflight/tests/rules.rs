//! `preflight rules list` and `preflight rules test` end to end.

mod common;

use std::path::Path;

use common::{Run, preflight_command};
use serde_json::Value;

/// The exit code and standard output followed by standard error.
fn preflight(dir: &Path, args: &[&str]) -> (i32, String) {
    let run = Run::from(preflight_command(dir, args).output().unwrap());
    (run.code, run.stdout + &run.stderr)
}

#[test]
fn list_shows_every_rule_and_json_describes_them() {
    let dir = tempfile::tempdir().unwrap();
    let (code, text) = preflight(dir.path(), &["rules", "list"]);
    assert_eq!(code, 0);
    let line = text
        .lines()
        .find(|l| l.starts_with("stripe.secret-key "))
        .unwrap();
    assert!(line.contains("Stripe") && line.contains("critical") && line.contains("sk_live_"));

    let (code, text) = preflight(dir.path(), &["--format", "json", "rules", "list"]);
    assert_eq!(code, 0);
    let rules: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(rules.len() >= 60);
    let stripe = rules
        .iter()
        .find(|r| r["id"] == "stripe.secret-key")
        .unwrap();
    assert_eq!(stripe["provider"], "Stripe");
    assert!(
        stripe["reference"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
}

#[test]
fn test_passes_on_the_built_in_rules() {
    let dir = tempfile::tempdir().unwrap();
    let (code, text) = preflight(dir.path(), &["rules", "test"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("all pass"), "{text}");
}

#[test]
fn test_reports_a_failing_custom_example_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("acme.toml"),
        r#"provider = "Acme"

[[rules]]
id = "acme.api-key"
name = "Acme API key"
severity = "high"
keywords = ["acme_"]
pattern = '''\b(acme_[a-z0-9]{24})\b'''
examples = [
  { text = "key = acme_k3j9x0q2m8w7v1b5n4c6z2y8", secret = "acme_k3j9x0q2m8w7v1b5n4c6z2y8" },
  { text = "key = acme_tooshort", secret = "acme_tooshort" },
]
negative_examples = ["acme_", "acme_q8w7e6r5t4y3u2i1o0p9a8s7"]
"#,
    )
    .unwrap();
    let (code, text) = preflight(dir.path(), &["rules", "test", "acme.toml"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("FAIL acme.api-key examples[1]"), "{text}");
    assert!(
        text.contains("FAIL acme.api-key negative_examples[1]"),
        "{text}"
    );
    assert!(!text.contains("examples[0]:"), "{text}");
}
