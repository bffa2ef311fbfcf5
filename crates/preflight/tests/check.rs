//! `preflight check` end to end on a real git repository, and the report options every
//! subcommand shares: baselines, thresholds, output files, colour and `--explain`.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use common::{ids, json, preflight_command, write};
use preflight_rules::RuleSet;

/// A rule's first example secret, so that every value here passes the engine's filters.
fn example(rule: &str) -> String {
    RuleSet::builtin().unwrap().get(rule).unwrap().examples[0]
        .secret
        .clone()
}

/// The binary in `dir` with `args` and `NO_COLOR` set.
fn preflight(dir: &Path, args: &[&str]) -> Output {
    preflight_command(dir, args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// `git` committing as Dev, with its output shown rather than captured.
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=Dev", "-c", "user.email=dev@example.com"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn one_report_holds_working_tree_history_hygiene_and_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let removed = example("stripe.secret-key");
    let current = example("openai.project-key");
    git(root, &["init", "-q", "-b", "main"]);
    write(root, "config.py", format!("STRIPE_KEY = \"{removed}\"\n"));
    write(root, ".env", "DEBUG=True\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "first version"]);
    write(
        root,
        "config.py",
        "import os\nSTRIPE_KEY = os.environ[\"STRIPE_KEY\"]\n",
    );
    git(
        root,
        &["commit", "-q", "-am", "read the key from the environment"],
    );
    write(
        root,
        "client.py",
        format!("OPENAI_API_KEY = \"{current}\"\n"),
    );

    let output = preflight(root, &["check", "--format", "json", "."]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    let found = ids(&report);
    for id in [
        "openai.project-key",
        "git.secret-in-history",
        "git.env-tracked",
        "env.debug-enabled",
    ] {
        assert!(found.iter().any(|f| f == id), "{id} missing from {found:?}");
    }
    let history = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "git.secret-in-history")
        .unwrap();
    assert_eq!(history["history"]["introduced"]["summary"], "first version");
    assert_eq!(history["history"]["introduced"]["path"], "config.py");
    assert_eq!(
        history["history"]["removed"]["summary"],
        "read the key from the environment"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains(&removed) && !stdout.contains(&current));

    let skipped = preflight(
        root,
        &["check", "--format", "json", "--skip", "history,env", "."],
    );
    let found = ids(&json(&skipped));
    assert!(
        !found
            .iter()
            .any(|f| f.starts_with("env.") || f == "git.secret-in-history")
    );
    let no_history = preflight(root, &["check", "--format", "json", "--no-history", "."]);
    assert!(
        !ids(&json(&no_history))
            .iter()
            .any(|f| f == "git.secret-in-history")
    );
}

/// `preflight scan` of `root` with the baseline `baseline.json`, as JSON.
fn scan_with_baseline(root: &Path) -> Output {
    preflight(
        root,
        &[
            "scan",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            ".",
        ],
    )
}

#[test]
fn a_baseline_hides_accepted_findings_without_churn_or_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let secret = example("stripe.secret-key");
    write(root, "settings.py", format!("KEY = \"{secret}\"\n"));

    let written = preflight(root, &["scan", "--write-baseline", "baseline.json", "."]);
    assert_eq!(written.status.code(), Some(0));
    let baseline = std::fs::read_to_string(root.join("baseline.json")).unwrap();
    assert!(baseline.contains("stripe.secret-key") && !baseline.contains(&secret));

    let hidden = scan_with_baseline(root);
    assert_eq!(hidden.status.code(), Some(0));
    // The secret moves down the file: the baseline is keyed by its hash, not its line.
    write(
        root,
        "settings.py",
        format!("import os\n\n\nKEY = \"{secret}\"\n"),
    );
    let moved = scan_with_baseline(root);
    assert_eq!(
        moved.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&moved.stdout)
    );
    // A new secret is reported.
    let other = example("openai.project-key");
    write(root, "client.py", format!("KEY = \"{other}\"\n"));
    let new = scan_with_baseline(root);
    assert_eq!(new.status.code(), Some(1));
    assert_eq!(ids(&json(&new)), ["openai.project-key"]);
    // An expired entry hides nothing.
    let expired = baseline.replace(
        "\"fingerprint\"",
        "\"expires\": \"2020-01-01\",\n      \"fingerprint\"",
    );
    write(root, "baseline.json", &expired);
    let shown = scan_with_baseline(root);
    assert!(ids(&json(&shown)).iter().any(|f| f == "stripe.secret-key"));
}

#[test]
fn thresholds_decide_what_is_shown_and_what_fails() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "test_payments.py",
        format!("KEY = \"{}\"\n", example("stripe.test-secret-key")),
    );
    assert_eq!(preflight(root, &["scan", "."]).status.code(), Some(1));
    assert_eq!(
        preflight(root, &["scan", "--fail-on", "high", "."])
            .status
            .code(),
        Some(0)
    );
    let hidden = preflight(
        root,
        &["scan", "--min-severity", "medium", "--format", "json", "."],
    );
    assert_eq!(hidden.status.code(), Some(0));
    assert!(ids(&json(&hidden)).is_empty());
    write(root, "preflight.toml", "fail-on = \"critical\"\n");
    assert_eq!(preflight(root, &["scan", "."]).status.code(), Some(0));
}

#[test]
fn reports_written_to_a_file_are_owner_only_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let secret = example("stripe.secret-key");
    write(root, "settings.py", format!("KEY = \"{secret}\"\n"));
    let output = preflight(
        root,
        &[
            "scan",
            "--show-secrets",
            "--format",
            "json",
            "-o",
            "report.json",
            "settings.py",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let report = root.join("report.json");
    let mode = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(std::fs::read_to_string(report).unwrap().contains(&secret));
}

#[test]
fn colour_only_when_asked_and_never_with_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "a.py",
        format!("KEY = \"{}\"\n", example("stripe.secret-key")),
    );
    let run = |no_color: Option<&str>| {
        let mut command = preflight_command(root, &["scan", "--color", "always", "."]);
        match no_color {
            Some(value) => command.env("NO_COLOR", value),
            None => command.env_remove("NO_COLOR"),
        };
        String::from_utf8(command.output().unwrap().stdout).unwrap()
    };
    assert!(run(None).contains("\x1b["));
    assert!(!run(Some("1")).contains("\x1b["));
    assert!(!String::from_utf8_lossy(&preflight(root, &["scan", "."]).stdout).contains("\x1b["));
}

#[test]
fn explain_lists_every_dropped_candidate_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "settings.py",
        "STRIPE_SECRET_KEY = \"sk_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\nAWS_KEY = \"AKIAIOSFODNN7EXAMPLE\"\n",
    );
    let plain = preflight(root, &["scan", "."]);
    assert_eq!(plain.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("placeholder"));
    let explained = String::from_utf8(preflight(root, &["scan", "--explain", "."]).stdout).unwrap();
    assert!(explained.contains("placeholder"), "{explained}");
    assert!(explained.contains("documentation example"), "{explained}");
}

#[test]
fn a_check_of_a_missing_directory_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = preflight(dir.path(), &["check", "no-such-dir"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no-such-dir"));
}

#[test]
fn preflight_s_own_repository_passes_its_own_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = preflight(&root, &["check", "--no-history", "--format", "json", "."]);
    let report = json(&output);
    assert_eq!(output.status.code(), Some(0), "{:?}", ids(&report));
}
