//! The incident report, the hook installer and the checks, on real repositories.

use preflight_findings::{Check, Project};
use preflight_git::history::{self, HistoryOptions};
use preflight_git::hook::{self, Installed};
use preflight_git::incident::{self, IncidentReport};
use preflight_git::{HistoryCheck, HygieneCheck};

use crate::{Markers, Repo, find};

#[test]
fn the_incident_report_names_commits_and_writes_a_private_replacement_file() {
    let repo = Repo::init();
    let added = repo.commit(&[("conf/app.ini", "key = SECRET-LEAKED99\n")], "add config");
    repo.commit(&[("conf/app.ini", "key = from-env\n")], "use env");
    let findings = history::scan(repo.path(), &Markers, &HistoryOptions::default())
        .expect("scan")
        .findings;

    let file = repo.join(".git/replace.txt");
    assert_eq!(
        incident::write_replacements(&findings, &file).expect("write"),
        1
    );
    let text = std::fs::read_to_string(&file).expect("read");
    assert_eq!(text, "literal:SECRET-LEAKED99==>***REMOVED***\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let report =
        IncidentReport::build(&findings, Some(&file), Some("git@example.com:team/app.git"));
    let markdown = report.to_markdown();
    let json = report.to_json();
    for text in [&markdown, &json] {
        assert!(!text.contains("SECRET-LEAKED99"), "{text}");
        assert!(text.contains(&added[..12]), "{text}");
        assert!(text.contains("conf/app.ini"));
    }
    assert!(markdown.contains("git filter-repo --replace-text"));
    assert!(markdown.contains("git push --force --all origin"));
    assert!(markdown.contains("only in history"));
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(parsed["secrets"][0]["introduced"]["id"], added);
    assert_eq!(parsed["secrets"][0]["in_head"], false);
}

#[test]
fn hooks_are_installed_once_and_foreign_ones_kept_without_force() {
    let repo = Repo::init();
    let hook_path = repo.join(".git/hooks/pre-commit");
    assert_eq!(
        hook::install(repo.path(), false).expect("install"),
        Installed::Created(hook_path.clone())
    );
    assert!(
        std::fs::read_to_string(&hook_path)
            .unwrap()
            .contains("preflight scan --staged")
    );
    assert_eq!(
        hook::install(repo.path(), false).expect("again"),
        Installed::Updated(hook_path.clone())
    );

    std::fs::write(&hook_path, "#!/bin/sh\nrun-linter\n").unwrap();
    assert!(hook::install(repo.path(), false).is_err());
    assert_eq!(
        std::fs::read_to_string(&hook_path).unwrap(),
        "#!/bin/sh\nrun-linter\n"
    );
    assert_eq!(
        hook::install(repo.path(), true).expect("force"),
        Installed::Replaced(hook_path)
    );

    repo.git(&["config", "core.hooksPath", ".githooks"]);
    let custom = repo.join(".githooks/pre-commit");
    assert_eq!(
        hook::install(repo.path(), false).expect("custom"),
        Installed::Created(custom)
    );
}

#[test]
fn the_history_check_reports_only_secrets_gone_from_the_working_tree() {
    let repo = Repo::init();
    repo.commit(
        &[
            ("a.py", "A = 'SECRET-GONE'\n"),
            ("b.py", "B = 'SECRET-STAYS'\n"),
        ],
        "both",
    );
    repo.commit(&[("a.py", "A = None\n")], "remove a");
    let project = Project {
        root: repo.path().to_path_buf(),
    };
    let outcome = HistoryCheck::new(Markers, HistoryOptions::default()).run(&project);
    assert_eq!(outcome.findings.len(), 1, "{:?}", outcome.findings);
    let finding = find(&outcome.findings, "SECRET-GONE");
    assert_eq!(finding.id, "git.secret-in-history");
    assert_eq!(finding.details["rule-id"], "test.marker");
    assert_eq!(finding.history.as_ref().unwrap().in_worktree, Some(false));
    assert_eq!(outcome.dropped.len(), 1);

    let outside = tempfile::tempdir().unwrap();
    let nothing = Project {
        root: outside.path().to_path_buf(),
    };
    assert!(HygieneCheck::new().run(&nothing).findings.is_empty());
}
