//! `preflight incident` and `preflight hook install` on real repositories.

mod common;

use common::{git, preflight};

const TOKEN: &str = "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";

/// A repository whose second commit removed a token the first added.
fn leaked_repo() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::write(
        root.join("deploy.sh"),
        format!("export GITHUB_TOKEN={TOKEN}\n"),
    )
    .unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "deploy script"]);
    let added = git(root, &["rev-parse", "HEAD"]);
    std::fs::write(root.join("deploy.sh"), "export GITHUB_TOKEN=\"$TOKEN\"\n").unwrap();
    git(
        root,
        &["commit", "-q", "-am", "read the token from the environment"],
    );
    (dir, added)
}

#[test]
fn incident_reports_the_commit_and_writes_a_private_replacement_file() {
    let (dir, added) = leaked_repo();
    let replacements = dir.path().join("replace.txt");
    let out = preflight(
        dir.path(),
        &[
            "incident",
            ".",
            "--replacements",
            replacements.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));
    assert!(stdout.contains(&added[..12]), "{stdout}");
    assert!(stdout.contains("deploy.sh"));
    assert!(stdout.contains("only in history"));
    assert!(stdout.contains("git filter-repo --replace-text"));
    let file = std::fs::read_to_string(&replacements).unwrap();
    assert_eq!(file, format!("literal:{TOKEN}==>***REMOVED***\n"));
    common::assert_private(&replacements);

    let json = preflight(dir.path(), &["--format", "json", "incident"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(report["secrets"][0]["rule"], "github.personal-access-token");
    assert_eq!(report["secrets"][0]["introduced"]["id"], added.as_str());
    assert_eq!(report["secrets"][0]["in_worktree"], false);
    let default_file = dir.path().join(".git/preflight-replace-text.txt");
    assert!(default_file.exists());
}

#[test]
fn incident_on_a_clean_history_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    std::fs::write(dir.path().join("a.txt"), "nothing here\n").unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "clean"]);
    let out = preflight(dir.path(), &["incident"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No secret was found"));
}

#[test]
fn hook_install_refuses_a_foreign_hook_without_force() {
    let (dir, _) = leaked_repo();
    let hook = dir.path().join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, "#!/bin/sh\nmake lint\n").unwrap();
    let refused = preflight(dir.path(), &["hook", "install"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\nmake lint\n"
    );

    let forced = preflight(dir.path(), &["hook", "install", "--force"]);
    assert_eq!(forced.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(&hook)
            .unwrap()
            .contains("preflight scan --staged")
    );
}
