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
