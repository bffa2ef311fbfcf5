//! Encrypted env files made by the tools themselves (see `fixtures/encrypted/README.md`), binary
//! and foreign files named like env files, and repeated problems: each checked as `preflight
//! env` checks a project, in a real git repository.

use std::path::{Path, PathBuf};
use std::process::Command;

use preflight_env::{EnvCheck, parse_policy};
use preflight_findings::{Finding, Outcome, Severity};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/encrypted");
    std::fs::read(path.join(name)).expect("fixture exists")
}

/// A git repository in a temporary directory holding `files`, all tracked.
fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, bytes) in files {
        let path: PathBuf = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write");
    }
    for args in [&["init", "-q"][..], &["add", "-A"]] {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .status()
            .expect("git runs");
        assert!(status.success());
    }
    dir
}

fn run(dir: &Path, policy: &str) -> Outcome {
    let policy = parse_policy(policy).expect("policy parses");
    EnvCheck::from_policy(policy).check_files(dir)
}

fn of<'a>(outcome: &'a Outcome, path: &str) -> Vec<&'a Finding> {
    outcome
        .findings
        .iter()
        .filter(|f| f.location.path == path)
        .collect()
}

/// Each tool's file under an env file name, and the tool the report must name.
const ENCRYPTED: &[(&str, &str, &str)] = &[
    ("git-crypt.bin", ".env.shared", "git-crypt"),
    ("ansible-vault.txt", ".env.vault", "ansible-vault"),
    ("age.bin", ".env.age", "age"),
    ("age-armor.txt", ".env.age-armor", "age"),
    ("pgp-armor.txt", ".env.asc", "PGP"),
    ("pgp.bin", ".env.gpg", "PGP"),
    ("sops.dotenv", ".env.production", "sops"),
    ("sops.yaml", ".env.sops.yaml", "sops"),
    ("sops.json", ".env.sops.json", "sops"),
    ("sops.ini", ".env.sops.ini", "sops"),
    ("sops-python.json", "config/.env.json", "sops"),
    ("dotenvx.dotenv", ".env.staging", "dotenvx"),
    ("dotenv-vault.dotenv", "web/.env.vault", "dotenv-vault"),
    ("sealed-secret.yaml", ".env.sealed.yaml", "SealedSecrets"),
];

#[test]
fn each_encrypted_file_gets_one_info_finding_and_a_fact_naming_its_tool() {
    let files: Vec<(&str, Vec<u8>)> = ENCRYPTED
        .iter()
        .map(|(fixture_name, name, _)| (*name, fixture(fixture_name)))
        .collect();
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let dir = project(&borrowed);
    let outcome = run(dir.path(), "[env]\n");
    for (_, name, tool) in ENCRYPTED {
        let findings = of(&outcome, name);
        let ids: Vec<&str> = findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["env.encrypted"], "{name}: {findings:?}");
        assert_eq!(findings[0].severity, Severity::Info);
        assert!(
            findings[0].message.to_string().contains(tool),
            "{name}: {}",
            findings[0].message
        );
        assert!(
            findings[0]
                .help
                .as_ref()
                .is_some_and(|h| h.to_string().contains("preflight env --from-env")),
            "{name}"
        );
        let fact = outcome
            .facts
            .iter()
            .find(|f| f.location.path == *name)
            .unwrap_or_else(|| panic!("{name} has a fact"));
        assert!(fact.message.contains(&format!("encrypted with {tool} (")));
    }
    assert_eq!(outcome.stats.capped, 0);
}

#[test]
fn the_same_values_in_plain_text_are_judged() {
    // The negative case: the sops file's names and metadata lines, its values decrypted into
    // wrong ones, are judged (and fail).
    let sops = String::from_utf8(fixture("sops.dotenv")).expect("text");
    let plain: String = sops
        .lines()
        .map(|line| match line.split_once("=ENC[") {
            Some((name, _)) => format!("{name}=not-a-value\n"),
            None => format!("{line}\n"),
        })
        .collect();
    assert!(!plain.contains("ENC["));
    let dir = project(&[(".env.production", plain.as_bytes())]);
    let outcome = run(dir.path(), "[env]\n");
    let ids: Vec<&str> = outcome.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(ids.contains(&"env.database-url-invalid"), "{ids:?}");
    assert!(!ids.contains(&"env.encrypted"), "{ids:?}");
    assert!(outcome.facts.is_empty());
}

#[test]
fn policy_required_still_works_on_encrypted_dotenv_files() {
    let policy = "[env]\n[env.vars.DATABASE_URL]\nkind = \"postgres_url\"\nrequired = [\"production\", \"staging\"]\n[env.vars.REDIS_URL]\nkind = \"url\"\nrequired = [\"production\", \"staging\"]\n";
    let dir = project(&[
        (".env.production", &fixture("sops.dotenv")),
        (".env.staging", &fixture("dotenvx.dotenv")),
    ]);
    let outcome = run(dir.path(), policy);
    for name in [".env.production", ".env.staging"] {
        let mut found: Vec<(&str, &str)> = of(&outcome, name)
            .iter()
            .map(|f| {
                (
                    f.id.as_str(),
                    f.details.get("variable").map_or("", String::as_str),
                )
            })
            .collect();
        found.sort();
        assert_eq!(
            found,
            [("env.encrypted", ""), ("env.missing", "REDIS_URL")],
            "{name}"
        );
    }
}

#[test]
fn a_plain_value_in_a_sops_file_is_still_judged() {
    // sops leaves some values in clear text (`--unencrypted-suffix`); the last DEBUG wins.
    let sops = String::from_utf8(fixture("sops.dotenv")).expect("text");
    let dir = project(&[(
        ".env.production",
        format!("{sops}DEBUG=yes-please\n").as_bytes(),
    )]);
    let outcome = run(
        dir.path(),
        "[env]\n[env.vars.DEBUG]\nkind = \"bool\"\nrequired = []\n",
    );
    assert!(
        outcome.findings.iter().any(|f| f.id == "env.invalid-value"),
        "{:?}",
        outcome.findings
    );
}

/// Three megabytes from a small deterministic generator: random bytes, as a corrupted or
/// mistaken `.env` holds.
fn random_bytes(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn a_three_megabyte_binary_env_file_is_one_finding() {
    let dir = project(&[(".env", &random_bytes(3 * 1024 * 1024))]);
    let outcome = run(dir.path(), "[env]\n");
    let ids: Vec<&str> = outcome.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["env.not-dotenv"]);
    let message = outcome.findings[0].message.to_string();
    assert!(message.contains("binary data"), "{message}");
    assert!(outcome.warnings.is_empty());
}

#[test]
fn a_known_binary_format_is_named() {
    let mut gzip = vec![0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03];
    gzip.extend(random_bytes(4096));
    let dir = project(&[(".env", &gzip)]);
    let outcome = run(dir.path(), "[env]\n");
    assert_eq!(outcome.findings.len(), 1);
    assert_eq!(
        outcome.findings[0]
            .details
            .get("looks_like")
            .map(String::as_str),
        Some("binary data (application/gzip)")
    );
}

#[test]
fn text_that_is_not_dotenv_is_one_finding_naming_what_it_looks_like() {
    let json = "{\n  \"name\": \"web\",\n  \"private\": true,\n  \"scripts\": {\n    \"build\": \"vite build\"\n  }\n}\n";
    let yaml = "services:\n  web:\n    image: web\n    ports:\n      - \"8000:8000\"\n";
    let dir = project(&[
        (".env.json", json.as_bytes()),
        (".env.yaml", yaml.as_bytes()),
    ]);
    let outcome = run(dir.path(), "[env]\n");
    let found: Vec<(&str, &str, &str)> = outcome
        .findings
        .iter()
        .map(|f| {
            (
                f.location.path.as_str(),
                f.id.as_str(),
                f.details.get("looks_like").map_or("", String::as_str),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (".env.json", "env.not-dotenv", "JSON"),
            (".env.yaml", "env.not-dotenv", "YAML")
        ]
    );
}

#[test]
fn one_broken_line_among_good_ones_is_still_reported_by_line() {
    let text = "APP_NAME=web\nLOG_LEVEL=info\nthis line is broken\nWORKERS=4\nREGION=eu-west-1\n";
    let dir = project(&[(".env", text.as_bytes())]);
    let outcome = run(dir.path(), "[env]\n");
    let found: Vec<(&str, Option<u32>)> = outcome
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.location.line))
        .collect();
    assert_eq!(found, [("env.missing-equals", Some(3))]);
}

#[test]
fn a_repeated_problem_is_listed_five_times_then_counted() {
    let mut text = String::new();
    for i in 0..20 {
        text.push_str(&format!("NAME_{i}=value{i}\n"));
    }
    for i in 0..12 {
        text.push_str(&format!("SPACED_{i} = value{i}\n"));
    }
    let dir = project(&[(".env", text.as_bytes())]);
    let outcome = run(dir.path(), "[env]\n");
    let lines: Vec<Option<u32>> = outcome
        .findings
        .iter()
        .filter(|f| f.id == "env.space-around-equals")
        .map(|f| f.location.line)
        .collect();
    assert_eq!(
        lines,
        [Some(21), Some(22), Some(23), Some(24), Some(25), None]
    );
    let summary = outcome.findings.last().expect("the count");
    assert_eq!(summary.details.get("capped").map(String::as_str), Some("7"));
    assert_eq!(
        summary.details.get("profile").map(String::as_str),
        Some("production")
    );
    assert!(
        summary
            .message
            .to_string()
            .contains("7 further lines have this problem (lines 26 to 32)"),
        "{}",
        summary.message
    );
    assert_eq!(outcome.stats.capped, 7);
}

#[test]
fn five_of_a_problem_are_not_capped() {
    let mut text = String::new();
    for i in 0..5 {
        text.push_str(&format!("SPACED_{i} = value{i}\nNAME_{i}=v\n"));
    }
    let dir = project(&[(".env", text.as_bytes())]);
    let outcome = run(dir.path(), "[env]\n");
    assert_eq!(outcome.findings.len(), 5);
    assert!(outcome.findings.iter().all(|f| f.location.line.is_some()));
    assert_eq!(outcome.stats.capped, 0);
}

#[test]
fn thirty_thousand_broken_lines_are_six_findings() {
    // Looked up by name once each: a check that read the file for every name would take
    // minutes here.
    let text: String = (0..30_000).map(|i| format!("KEY_{i} = v{i}\n")).collect();
    let dir = project(&[(".env", text.as_bytes())]);
    let outcome = run(dir.path(), "[env]\n");
    assert_eq!(outcome.findings.len(), 6);
    assert_eq!(outcome.stats.capped, 29_995);
}

#[test]
fn a_value_still_encrypted_in_the_environment_is_reported() {
    let sops = String::from_utf8(fixture("sops.dotenv")).expect("text");
    let sops_value = sops
        .lines()
        .find_map(|l| l.strip_prefix("DATABASE_URL="))
        .expect("the sops value");
    let dotenvx = String::from_utf8(fixture("dotenvx.dotenv")).expect("text");
    let dotenvx_value = dotenvx
        .lines()
        .find_map(|l| l.strip_prefix("SECRET_KEY="))
        .expect("the dotenvx value");
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = parse_policy(
        "[env]\n[env.vars.DATABASE_URL]\nkind = \"postgres_url\"\n[env.vars.SECRET_KEY]\nkind = \"secret\"\n[env.vars.DEBUG]\nkind = \"bool\"\n",
    )
    .expect("policy");
    let vars = [
        ("DATABASE_URL", sops_value),
        ("SECRET_KEY", dotenvx_value),
        ("DEBUG", "false"),
    ]
    .map(|(k, v)| (k.into(), v.into()));
    let outcome = EnvCheck::from_policy(policy).check_environment(dir.path(), vars);
    let mut found: Vec<(&str, &str)> = outcome
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.location.path.as_str()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("env.still-encrypted", "DATABASE_URL"),
            ("env.still-encrypted", "SECRET_KEY")
        ]
    );
    let messages: Vec<String> = outcome
        .findings
        .iter()
        .map(|f| f.message.to_string())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("still encrypted by sops"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("still encrypted by dotenvx"))
    );
    assert!(
        messages
            .iter()
            .all(|m| !m.contains("ENC[") && !m.contains("encrypted:"))
    );
}
