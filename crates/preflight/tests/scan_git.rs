//! `preflight scan --git`, `--all-objects`, `--since` and `--staged` on real repositories, and
//! the pre-commit hook end to end.

mod common;

use std::path::Path;
use std::process::Output;

use common::{git, git_command, preflight, write};
use serde_json::Value;

const TOKEN: &str = "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";
const OTHER_TOKEN: &str = "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";

fn commit_file(dir: &Path, path: &str, text: &str, message: &str) -> String {
    write(dir, path, text);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

fn init() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    dir
}

/// Runs a JSON scan, checks no token leaks into the output, and returns the report.
fn scan_json(dir: &Path, args: &[&str], status: i32) -> Value {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let out = preflight(dir, &all);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(status), "{stdout}\n{stderr}");
    for token in [TOKEN, OTHER_TOKEN] {
        assert!(!stdout.contains(token) && !stderr.contains(token));
    }
    serde_json::from_str(&stdout).expect("JSON report")
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings")
}

#[test]
fn git_reports_a_removed_secret_where_it_entered_and_marks_it_only_in_history() {
    let dir = init();
    let root = dir.path();
    commit_file(root, "README.md", "# app\n", "start");
    let added = commit_file(
        root,
        "deploy/ship.sh",
        &format!("#!/bin/sh\nexport GITHUB_TOKEN={TOKEN}\n"),
        "deploy script",
    );
    let removed = commit_file(
        root,
        "deploy/ship.sh",
        "#!/bin/sh\nexport GITHUB_TOKEN=\"$TOKEN\"\n",
        "read the token from the environment",
    );

    let report = scan_json(root, &["--git"], 1);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    let finding = &found[0];
    assert_eq!(finding["id"], "github.personal-access-token");
    assert_eq!(finding["kind"], "git-history");
    assert_eq!(finding["path"], "deploy/ship.sh");
    assert_eq!(finding["line"], 2);
    let history = &finding["history"];
    assert_eq!(history["introduced"]["id"], added.as_str());
    assert_eq!(history["introduced"]["summary"], "deploy script");
    assert_eq!(history["removed"]["id"], removed.as_str());
    assert_eq!(history["in_head"], false);
    assert_eq!(history["in_worktree"], false);
    assert_eq!(report["stats"]["scanned"], 3);

    // The human report names the commit too, and never the value.
    let out = preflight(root, &["scan", "--git", "--color", "never"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains(&added[..7]), "{text}");
    assert!(text.contains("only in history"), "{text}");
    assert!(!text.contains(TOKEN));
}

#[test]
fn git_marks_a_secret_still_in_the_working_tree() {
    let dir = init();
    let root = dir.path();
    let added = commit_file(
        root,
        "config/settings.py",
        &format!("GITHUB_TOKEN = \"{TOKEN}\"\n"),
        "settings",
    );
    commit_file(root, "app.py", "print('hi')\n", "app");

    let report = scan_json(root, &["--git", "."], 1);
    let finding = &findings(&report)[0];
    assert_eq!(finding["path"], "config/settings.py");
    assert_eq!(finding["history"]["introduced"]["id"], added.as_str());
    assert_eq!(finding["history"]["in_head"], true);
    assert_eq!(finding["history"]["in_worktree"], true);
    assert!(finding["history"]["removed"].is_null());
}

#[test]
fn git_scans_a_repository_given_as_path_from_elsewhere() {
    let dir = init();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    let added = commit_file(&repo, ".env", &format!("GITHUB_TOKEN={TOKEN}\n"), "env");
    let report = scan_json(dir.path(), &["--git", "repo"], 1);
    let finding = &findings(&report)[0];
    assert_eq!(finding["path"], ".env");
    assert_eq!(finding["history"]["introduced"]["id"], added.as_str());
}

#[test]
fn git_finds_a_secret_only_on_a_branch_and_a_clean_history_passes() {
    let dir = init();
    let root = dir.path();
    commit_file(root, "app.py", "print('hi')\n", "app");
    scan_json(root, &["--git"], 0);

    git(root, &["checkout", "-q", "-b", "experiment"]);
    let added = commit_file(
        root,
        "try.py",
        &format!("token = \"{TOKEN}\"\n"),
        "try something",
    );
    git(root, &["checkout", "-q", "main"]);
    let report = scan_json(root, &["--git"], 1);
    let finding = &findings(&report)[0];
    assert_eq!(finding["path"], "try.py");
    assert_eq!(finding["history"]["introduced"]["id"], added.as_str());
    assert_eq!(finding["history"]["in_head"], false);
}

#[test]
fn all_objects_also_scans_blobs_no_reference_reaches() {
    let dir = init();
    let root = dir.path();
    commit_file(root, "app.py", "print('hi')\n", "app");
    let loose = root.join("loose.txt");
    std::fs::write(&loose, format!("token={TOKEN}\n")).unwrap();
    let blob = git(root, &["hash-object", "-w", "loose.txt"]);
    std::fs::remove_file(&loose).unwrap();

    assert!(findings(&scan_json(root, &["--git"], 0)).is_empty());
    let report = scan_json(root, &["--all-objects"], 1);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["details"]["blob"], blob.as_str());
    assert_eq!(found[0]["path"], format!("unreachable/{}", &blob[..12]));
    assert!(found[0]["history"].is_null());
}

#[test]
fn since_scans_only_what_later_commits_introduced() {
    let dir = init();
    let root = dir.path();
    commit_file(
        root,
        "old.sh",
        &format!("export GITHUB_TOKEN={TOKEN}\n"),
        "old leak",
    );
    let base = commit_file(root, "app.py", "print('hi')\n", "app");
    assert!(findings(&scan_json(root, &["--since", &base], 0)).is_empty());

    let added = commit_file(
        root,
        "new.sh",
        &format!("export GITHUB_TOKEN={OTHER_TOKEN}\n"),
        "new leak",
    );
    let tip = commit_file(root, "more.py", "print('more')\n", "more");
    let report = scan_json(root, &["--since", &base], 1);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["path"], "new.sh");
    assert_eq!(found[0]["history"]["introduced"]["id"], added.as_str());

    // A range A..B covers the commits of the range only.
    let range = format!("{base}..{added}");
    let report = scan_json(root, &["--since", &range], 1);
    assert_eq!(findings(&report)[0]["path"], "new.sh");
    let after = format!("{added}..{tip}");
    assert!(findings(&scan_json(root, &["--since", &after], 0)).is_empty());

    // The whole history has both.
    assert_eq!(findings(&scan_json(root, &["--git"], 1)).len(), 2);
}

#[test]
fn since_an_unknown_revision_is_an_error_naming_it() {
    let dir = init();
    commit_file(dir.path(), "app.py", "print('hi')\n", "app");
    let out = preflight(dir.path(), &["scan", "--since", "no-such-tag"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("no-such-tag"), "{stderr}");
}

#[test]
fn git_outside_a_repository_or_with_two_paths_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = preflight(dir.path(), &["scan", "--git"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("git repository"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = preflight(dir.path(), &["scan", "--git", "a", "b"]);
    assert_eq!(out.status.code(), Some(2));
    let out = preflight(dir.path(), &["scan", "--staged", "--git"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn staged_reports_only_added_lines_at_the_staged_path_and_line() {
    let dir = init();
    let root = dir.path();
    // A secret already committed is history's business, not the pre-commit check's.
    commit_file(
        root,
        "config.py",
        &format!("DEBUG = False\nOLD = \"{TOKEN}\"\n"),
        "config",
    );
    assert!(findings(&scan_json(root, &["--staged"], 0)).is_empty());

    std::fs::write(
        root.join("config.py"),
        format!("DEBUG = False\nOLD = \"{TOKEN}\"\nNEW = \"{OTHER_TOKEN}\"\n"),
    )
    .unwrap();
    // Written but not staged: nothing to report yet.
    assert!(findings(&scan_json(root, &["--staged"], 0)).is_empty());
    git(root, &["add", "config.py"]);
    let report = scan_json(root, &["--staged"], 1);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["kind"], "staged");
    assert_eq!(found[0]["path"], "config.py");
    assert_eq!(found[0]["line"], 3);
}

#[test]
fn staged_in_a_repository_without_commits_scans_everything_staged() {
    let dir = init();
    let root = dir.path();
    std::fs::create_dir(root.join("src")).unwrap();
    std::fs::write(
        root.join("src/keys.js"),
        format!("// keys\nconst token = '{TOKEN}';\n"),
    )
    .unwrap();
    git(root, &["add", "-A"]);
    let report = scan_json(root, &["--staged"], 1);
    let found = findings(&report);
    assert_eq!(found[0]["path"], "src/keys.js");
    assert_eq!(found[0]["line"], 2);
}

/// `git commit` with the directory of the binary under test first on `PATH`, as an installed
/// preflight would be.
fn commit_with_hook(dir: &Path, message: &str) -> Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_preflight"))
        .parent()
        .expect("binary directory")
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    git_command(dir, &["commit", "-q", "-m", message])
        .env("PATH", path)
        .output()
        .expect("git runs")
}

#[test]
fn the_installed_hook_blocks_a_commit_adding_a_secret_and_lets_a_clean_one_through() {
    let dir = init();
    let root = dir.path();
    commit_file(root, "README.md", "# app\n", "start");
    let out = preflight(root, &["hook", "install"]);
    assert!(out.status.success(), "{out:?}");

    std::fs::write(
        root.join("settings.py"),
        format!("DEBUG = False\nGITHUB_TOKEN = \"{TOKEN}\"\n"),
    )
    .unwrap();
    git(root, &["add", "settings.py"]);
    let blocked = commit_with_hook(root, "settings");
    // Git shows a hook's standard output on its standard error.
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&blocked.stdout),
        String::from_utf8_lossy(&blocked.stderr)
    );
    assert_eq!(blocked.status.code(), Some(1), "{shown}");
    assert!(shown.contains("commit blocked"), "{shown}");
    assert!(shown.contains("settings.py"), "{shown}");
    assert!(shown.contains("github.personal-access-token"), "{shown}");
    assert!(!shown.contains(TOKEN));
    // Nothing was committed.
    assert_eq!(git(root, &["rev-list", "--count", "HEAD"]), "1");

    std::fs::write(
        root.join("settings.py"),
        "import os\nDEBUG = False\nGITHUB_TOKEN = os.environ[\"GITHUB_TOKEN\"]\n",
    )
    .unwrap();
    git(root, &["add", "settings.py"]);
    let passed = commit_with_hook(root, "settings from the environment");
    assert!(
        passed.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&passed.stdout),
        String::from_utf8_lossy(&passed.stderr)
    );
    assert_eq!(git(root, &["rev-list", "--count", "HEAD"]), "2");
}
