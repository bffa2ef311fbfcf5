//! `preflight check` on a repository that commits its env files encrypted, as the guides
//! recommend: no finding about their values or their being tracked, each named as encrypted
//! and with what; a binary `.env` is one finding; a repeated problem is capped and counted in
//! every format.

mod common;

use std::path::Path;

use common::{Run, git, preflight_command, write};
use serde_json::Value;

/// Each tool's file (made by the tool, see the env check's fixtures) under an env file name,
/// and the tool the report must name.
const ENCRYPTED: &[(&str, &str, &str)] = &[
    ("git-crypt.bin", ".env.shared", "git-crypt"),
    ("ansible-vault.txt", "deploy/.env.vault", "ansible-vault"),
    ("age.bin", ".env.age", "age"),
    ("age-armor.txt", "deploy/.env.age", "age"),
    ("pgp-armor.txt", ".env.asc", "PGP"),
    ("pgp.bin", ".env.gpg", "PGP"),
    ("sops.dotenv", ".env.production", "sops"),
    ("sops.yaml", ".env.sops.yaml", "sops"),
    ("sops.json", ".env.sops.json", "sops"),
    ("sops.ini", ".env.sops.ini", "sops"),
    ("dotenvx.dotenv", ".env.staging", "dotenvx"),
    ("dotenv-vault.dotenv", "web/.env.vault", "dotenv-vault"),
    (
        "sealed-secret.yaml",
        "k8s/.env.sealed.yaml",
        "SealedSecrets",
    ),
];

fn fixture(name: &str) -> Vec<u8> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../preflight-env/tests/fixtures/encrypted");
    std::fs::read(dir.join(name)).expect("fixture exists")
}

/// Bytes from a small deterministic generator: what a corrupted or mistaken `.env` holds.
fn random_bytes(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect()
}

fn check(dir: &Path, format: &str) -> Run {
    preflight_command(dir, &["check", ".", "--format", format])
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
        .into()
}

/// A repository that tracks every encrypted env file and ignores a 3 MB binary `.env`.
fn encrypted_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    for (fixture_name, name, _) in ENCRYPTED {
        write(root, name, fixture(fixture_name));
    }
    write(root, ".gitignore", ".env\n");
    write(
        root,
        "app.py",
        "import os\nDEBUG = os.environ.get(\"DEBUG\") == \"1\"\n",
    );
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "encrypted env files"]);
    write(root, ".env", random_bytes(3 * 1024 * 1024));
    dir
}

fn findings(report: &Value) -> Vec<(String, String, String)> {
    let mut found: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["id"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn encrypted_env_files_are_named_and_never_judged_and_a_binary_env_is_one_finding() {
    let dir = encrypted_project();
    let run = check(dir.path(), "json");
    let report = run.json();
    let mut expected: Vec<(String, String, String)> = ENCRYPTED
        .iter()
        .map(|(_, name, _)| (name.to_string(), "env.encrypted".into(), "info".into()))
        .collect();
    expected.push((".env".into(), "env.not-dotenv".into(), "medium".into()));
    expected.sort();
    assert_eq!(findings(&report), expected, "{}", run.stdout);
    assert_eq!(report["stats"].get("capped"), None);
    for (_, name, tool) in ENCRYPTED {
        let finding = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["path"] == *name)
            .expect("a finding");
        assert!(
            finding["message"]
                .as_str()
                .is_some_and(|m| m.contains(&format!("encrypted whole with {tool};"))
                    || m.contains(&format!("encrypted with {tool}"))),
            "{finding}"
        );
    }

    let human = check(dir.path(), "human");
    for (_, name, tool) in ENCRYPTED {
        let block = human
            .stdout
            .split("\n\n")
            .find(|b| b.starts_with(&format!("{name}\n")))
            .unwrap_or_else(|| panic!("{name} in\n{}", human.stdout));
        assert!(block.contains(tool), "{block}");
    }

    let checklist = check(dir.path(), "markdown");
    for (_, name, tool) in ENCRYPTED {
        assert!(
            checklist
                .stdout
                .contains(&format!("env looked at `{name}`: encrypted with {tool} (")),
            "{name}"
        );
        assert!(
            checklist.stdout.contains(&format!(
                "seen at `{name}`: tracked encrypted with {tool} ("
            )),
            "{name}"
        );
    }
}

#[test]
fn the_same_files_in_plain_text_are_reported() {
    // The negative case: a tracked plain env file beside its encrypted twin, and one that
    // merely looks like an encrypted file's name.
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(root, ".env.production.enc", fixture("sops.dotenv"));
    write(root, ".env.production", "DEBUG=True\n");
    write(root, ".env.age", "DEBUG=True\n");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "plain and encrypted"]);
    let report = check(root, "json").json();
    let tracked: Vec<String> = findings(&report)
        .into_iter()
        .filter(|(_, id, _)| id == "git.env-tracked")
        .map(|(path, _, _)| path)
        .collect();
    assert_eq!(tracked, [".env.age", ".env.production"]);
}

/// 20 good lines, then 12 with spaces around `=`: five listed, seven counted.
fn repeated_problem_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    let mut text = String::new();
    for i in 0..20 {
        text.push_str(&format!("SETTING_{i}=value{i}\n"));
    }
    for i in 0..12 {
        text.push_str(&format!("SPACED_{i} = value{i}\n"));
    }
    write(root, ".gitignore", ".env\n");
    write(root, ".env", text);
    git(root, &["add", ".gitignore"]);
    git(root, &["commit", "-q", "-m", "start"]);
    dir
}

#[test]
fn a_repeated_problem_is_capped_and_counted_in_every_format() {
    let dir = repeated_problem_project();
    let root = dir.path();
    let report = check(root, "json").json();
    let spaced: Vec<&Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == "env.space-around-equals")
        .collect();
    assert_eq!(spaced.len(), 6);
    assert_eq!(spaced.iter().filter(|f| f["line"].is_u64()).count(), 5);
    assert_eq!(report["stats"]["capped"], 7);

    let sarif: Value = serde_json::from_str(&check(root, "sarif").stdout).expect("SARIF is JSON");
    assert_eq!(sarif["runs"][0]["properties"]["stats"]["capped"], 7);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| {
        r["message"]["text"]
            .as_str()
            .is_some_and(|m| m.contains("7 further lines have this problem"))
    }));

    let human = check(root, "human").stdout;
    assert!(
        human.contains("7 further lines have this problem"),
        "{human}"
    );
    assert!(
        human.contains(", 7 capped (counted, not listed)"),
        "{human}"
    );
    let markdown = check(root, "markdown").stdout;
    assert!(
        markdown.contains(", 7 findings capped (counted, not listed)"),
        "{markdown}"
    );
    let html = check(root, "html").stdout;
    assert!(
        html.contains("7 findings capped (counted, not listed)"),
        "{html}"
    );
    assert!(html.contains("7 further lines have this problem"));
}

#[test]
fn a_deploy_that_forgot_to_decrypt_is_caught_by_from_env() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        root,
        "preflight.toml",
        "[env.vars.DATABASE_URL]\nkind = \"postgres_url\"\nrequired = true\n",
    );
    let sops = String::from_utf8(fixture("sops.dotenv")).expect("text");
    let value = sops
        .lines()
        .find_map(|l| l.strip_prefix("DATABASE_URL="))
        .expect("the sops value");
    let run: Run = preflight_command(root, &["env", "--from-env", "--format", "json"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", value)
        .output()
        .expect("the binary runs")
        .into();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.ids(), ["env.still-encrypted"]);
    assert!(!run.stdout.contains(value));
}
