//! Pre-commit scans of the index.

use preflight_findings::LocationKind;
use preflight_git::staged::{self, StagedOptions};

use crate::{Markers, Repo, find};

fn scan(repo: &Repo) -> preflight_findings::Outcome {
    staged::scan(repo.path(), &Markers, &StagedOptions::default()).expect("staged scan runs")
}

#[test]
fn everything_staged_counts_in_a_repository_without_commits() {
    let repo = Repo::init();
    repo.write("config/.env", "A=1\nTOKEN=SECRET-FIRST\n");
    repo.git(&["add", "-A"]);

    let outcome = scan(&repo);
    let finding = find(&outcome.findings, "SECRET-FIRST");
    assert_eq!(finding.location.kind, LocationKind::Staged);
    assert_eq!(finding.location.path, "config/.env");
    assert_eq!(finding.location.line, Some(2));
}

#[test]
fn only_lines_the_index_adds_are_reported() {
    let repo = Repo::init();
    repo.commit(
        &[
            ("app/a.py", "KEY = 'SECRET-OLD'\nx = 1\n"),
            ("untouched/deep/b.py", "KEY = 'SECRET-KEPT'\n"),
            ("untouched/c.py", "c\n"),
        ],
        "start",
    );
    assert!(scan(&repo).findings.is_empty(), "nothing staged");

    repo.write(
        "app/a.py",
        "KEY = 'SECRET-OLD'\nx = 1\nNEW = 'SECRET-ADDED'\n",
    );
    repo.write("app/new/n.txt", "SECRET-NEWFILE\n");
    repo.git(&["add", "-A"]);
    repo.write(
        "app/a.py",
        "KEY = 'SECRET-OLD'\nx = 1\nNEW = 'SECRET-ADDED'\nSECRET-UNSTAGED\n",
    );

    let outcome = scan(&repo);
    let mut found: Vec<(String, String, u32)> = outcome
        .findings
        .iter()
        .map(|f| {
            (
                f.secret.as_ref().unwrap().expose().to_string(),
                f.location.path.clone(),
                f.location.line.unwrap(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("SECRET-ADDED".to_string(), "app/a.py".to_string(), 3),
            ("SECRET-NEWFILE".to_string(), "app/new/n.txt".to_string(), 1),
        ]
    );
    assert!(
        outcome
            .findings
            .iter()
            .all(|f| f.location.kind == LocationKind::Staged)
    );
    assert_eq!(outcome.stats.scanned, 2, "only the changed files are read");
}

#[test]
fn staged_but_not_committed_secret_is_caught_then_gone_once_unstaged() {
    let repo = Repo::init();
    repo.commit(&[("settings.py", "DEBUG = False\n")], "start");
    repo.write("settings.py", "DEBUG = False\nSTRIPE = 'SECRET-STAGED'\n");
    repo.git(&["add", "settings.py"]);
    let finding = find(&scan(&repo).findings, "SECRET-STAGED").clone();
    assert_eq!(finding.location.path, "settings.py");
    assert_eq!(finding.location.line, Some(2));

    repo.git(&["reset", "-q", "settings.py"]);
    assert!(scan(&repo).findings.is_empty());
}
