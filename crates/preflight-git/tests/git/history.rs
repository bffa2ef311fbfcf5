//! History scans: each test builds a repository, scans it and checks the commit and path
//! reported for each secret.

use std::collections::BTreeSet;

use preflight_findings::{LocationKind, Outcome};
use preflight_git::history::{self, HistoryOptions, Selection};

use crate::{Markers, Repo, find, git_in};

fn scan(repo: &Repo) -> Outcome {
    scan_with(repo, &HistoryOptions::default())
}

fn scan_with(repo: &Repo, options: &HistoryOptions) -> Outcome {
    history::scan(repo.path(), &Markers, options).expect("history scan runs")
}

#[test]
fn a_secret_added_then_removed_names_both_commits() {
    let repo = Repo::init();
    repo.commit(&[("README.md", "hello\n")], "start");
    let added = repo.commit(
        &[("app/settings.py", "DEBUG = False\nKEY = 'SECRET-ADDED1'\n")],
        "add settings",
    );
    repo.commit(&[("app/settings.py", "DEBUG = False\nKEY = 'x'\n")], "tidy");
    let removed = repo.commit(&[("app/settings.py", "DEBUG = False\n")], "drop key");

    let outcome = scan(&repo);
    assert_eq!(outcome.findings.len(), 1, "{:?}", outcome.findings);
    let finding = find(&outcome.findings, "SECRET-ADDED1");
    assert_eq!(finding.location.kind, LocationKind::GitHistory);
    assert_eq!(finding.location.path, "app/settings.py");
    assert_eq!(finding.location.line, Some(2));
    let history = finding.history.as_ref().expect("history");
    assert_eq!(history.introduced.id, added);
    assert_eq!(history.introduced.path, "app/settings.py");
    assert_eq!(history.introduced.summary, "add settings");
    assert_eq!(history.introduced.author, "Dev One <dev@example.com>");
    assert_eq!(history.introduced.date, "2024-03-01T10:00:00+01:00");
    let removal = history.removed.as_ref().expect("removed");
    // The key left the file in the "tidy" commit, the one after `added`.
    assert_eq!(
        removal.id,
        repo.git(&["rev-parse", &format!("{removed}~1")])
    );
    assert_eq!(removal.summary, "tidy");
    assert_eq!(history.commits, 1);
    assert_eq!(history.paths, 1);
    assert!(!history.in_head);
    assert_eq!(
        outcome.stats.scanned, 4,
        "README and three settings versions"
    );
}

#[test]
fn a_secret_only_on_a_branch_is_found_and_not_in_head() {
    let repo = Repo::init();
    repo.commit(&[("a.txt", "a\n")], "start");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let on_branch = repo.commit(
        &[("feature/conf.env", "TOKEN=SECRET-BRANCH\n")],
        "feature work",
    );
    repo.git(&["checkout", "-q", "main"]);
    repo.commit(&[("b.txt", "b\n")], "more main");

    let outcome = scan(&repo);
    let finding = find(&outcome.findings, "SECRET-BRANCH");
    let history = finding.history.as_ref().expect("history");
    assert_eq!(history.introduced.id, on_branch);
    assert_eq!(history.introduced.path, "feature/conf.env");
    assert!(!history.in_head);
    assert!(history.removed.is_none(), "never on HEAD's line");
}

#[test]
fn a_secret_only_in_tags_is_found() {
    let repo = Repo::init();
    repo.commit(&[("a.txt", "a\n")], "start");
    repo.git(&["checkout", "-q", "--detach"]);
    let tagged = repo.commit(&[("release/key.pem", "SECRET-TAGGED\n")], "release build");
    repo.git(&["tag", "-a", "-m", "v1", "v1.0"]);
    repo.git(&["checkout", "-q", "main"]);
    // A tag pointing straight at a blob, reachable from no commit.
    let blob = {
        repo.write("loose.txt", "SECRET-BLOBTAG\n");
        let id = repo.git(&["hash-object", "-w", "loose.txt"]);
        std::fs::remove_file(repo.join("loose.txt")).expect("rm");
        id
    };
    repo.git(&["tag", "blob-tag", &blob]);

    let outcome = scan(&repo);
    let history = find(&outcome.findings, "SECRET-TAGGED")
        .history
        .as_ref()
        .expect("history");
    assert_eq!(history.introduced.id, tagged);
    assert_eq!(history.introduced.path, "release/key.pem");
    let loose = find(&outcome.findings, "SECRET-BLOBTAG");
    assert!(loose.history.is_none());
    assert_eq!(loose.location.path, "refs/tags/blob-tag");
    assert_eq!(loose.details["blob"], blob);
}

#[test]
fn a_secret_merged_from_a_branch_is_attributed_to_the_branch_commit() {
    let repo = Repo::init();
    repo.commit(&[("a.txt", "a\n")], "start");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    let introduced = repo.commit(
        &[("src/config.js", "const k = 'SECRET-MERGED';\n")],
        "topic work",
    );
    repo.git(&["checkout", "-q", "main"]);
    repo.commit(&[("b.txt", "b\n")], "main work");
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge topic", "topic"]);

    let outcome = scan(&repo);
    let history = find(&outcome.findings, "SECRET-MERGED")
        .history
        .as_ref()
        .expect("history");
    assert_eq!(history.introduced.id, introduced);
    assert_eq!(history.introduced.path, "src/config.js");
    assert!(history.in_head);
    assert_eq!(history.commits, 2, "the topic commit and the merge");
}

#[test]
fn a_renamed_file_counts_both_paths_and_keeps_the_first() {
    let repo = Repo::init();
    let introduced = repo.commit(&[("old/name.cfg", "password = SECRET-RENAMED\n")], "add");
    repo.git(&["mv", "old/name.cfg", "new.cfg"]);
    repo.git(&["commit", "-q", "-m", "rename"]);

    let outcome = scan(&repo);
    assert_eq!(outcome.stats.scanned, 1, "a renamed blob is scanned once");
    let finding = find(&outcome.findings, "SECRET-RENAMED");
    let history = finding.history.as_ref().expect("history");
    assert_eq!(history.introduced.id, introduced);
    assert_eq!(finding.location.path, "old/name.cfg");
    assert_eq!(history.paths, 2);
    assert_eq!(history.commits, 2);
    assert!(history.in_head);
}

#[test]
fn a_secret_in_a_binary_file_is_found() {
    let repo = Repo::init();
    let mut bytes = vec![0u8, 159, 146, 150, 0, 1, 2];
    bytes.extend_from_slice(b"SECRET-BINARY");
    bytes.extend_from_slice(&[0, 0, 255]);
    repo.write("assets/blob.bin", &bytes);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "binary"]);
    let introduced = repo.git(&["rev-parse", "HEAD"]);

    let outcome = scan(&repo);
    let history = find(&outcome.findings, "SECRET-BINARY")
        .history
        .as_ref()
        .expect("history");
    assert_eq!(history.introduced.id, introduced);
    assert_eq!(history.introduced.path, "assets/blob.bin");
}

#[test]
fn a_secret_in_a_stash_is_found() {
    let repo = Repo::init();
    repo.commit(&[("app.py", "print(1)\n")], "start");
    repo.write("app.py", "print(1)\nKEY = 'SECRET-STASHED'\n");
    repo.git(&["stash", "-q"]);
    let stash = repo.git(&["rev-parse", "refs/stash"]);

    let outcome = scan(&repo);
    let history = find(&outcome.findings, "SECRET-STASHED")
        .history
        .as_ref()
        .expect("history");
    assert_eq!(history.introduced.id, stash);
    assert_eq!(history.introduced.path, "app.py");
    assert!(!history.in_head);
}

#[test]
fn a_shallow_clone_scans_what_it_has_and_warns() {
    let origin = Repo::init();
    origin.commit(&[("old.txt", "SECRET-ANCIENT\n")], "old");
    origin.commit(&[("old.txt", "gone\n")], "remove");
    let tip = origin.commit(&[("new.txt", "SECRET-RECENT\n")], "new");
    let clone = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", origin.path().display());
    git_in(clone.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let path = clone.path().join("c");

    let outcome = history::scan(&path, &Markers, &HistoryOptions::default()).expect("scan");
    let history = find(&outcome.findings, "SECRET-RECENT")
        .history
        .as_ref()
        .expect("history");
    assert_eq!(history.introduced.id, tip);
    assert_eq!(history.introduced.path, "new.txt");
    assert!(
        outcome
            .findings
            .iter()
            .all(|f| f.secret.as_ref().unwrap().expose() != "SECRET-ANCIENT"),
        "not in the shallow clone"
    );
    assert!(
        outcome
            .warnings
            .iter()
            .any(|w| w.message.contains("shallow clone")),
        "{:?}",
        outcome.warnings
    );
}

#[test]
fn a_corrupted_pack_gives_warnings_and_the_scan_goes_on() {
    let repo = Repo::init();
    for i in 0..20 {
        let body: String = (0..200)
            .map(|n| format!("line {i} {n} of filler text\n"))
            .collect();
        repo.commit(
            &[(&format!("data/file{i}.txt"), &body)],
            &format!("data {i}"),
        );
    }
    repo.git(&["gc", "-q"]);
    let after = repo.commit(&[("late/creds.ini", "pw=SECRET-LOOSE\n")], "after packing");
    let pack = pack_files(&repo, "pack").pop().expect("a pack");
    let mut bytes = std::fs::read(&pack).expect("read pack");
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle..middle + 512] {
        *byte = 0x5a;
    }
    std::fs::write(&pack, &bytes).expect("write pack");

    let outcome = scan(&repo);
    let history = find(&outcome.findings, "SECRET-LOOSE")
        .history
        .as_ref()
        .expect("history");
    assert_eq!(history.introduced.id, after);
    assert_eq!(history.introduced.path, "late/creds.ini");
    assert!(
        outcome
            .warnings
            .iter()
            .any(|w| w.message.contains("could not be read")),
        "{:?}",
        outcome.warnings
    );
}

/// Each finding's value, path, line and history, in a form two scans can be compared by.
fn summary(outcome: &Outcome) -> Vec<String> {
    let mut lines: Vec<String> = outcome
        .findings
        .iter()
        .map(|f| {
            let h = f.history.as_ref().expect("history");
            format!(
                "{} {} {:?} in={} {} out={:?} commits={} paths={} head={}",
                f.secret.as_ref().map_or("", |s| s.expose()),
                f.location.path,
                f.location.line,
                h.introduced.id,
                h.introduced.path,
                h.removed.as_ref().map(|r| &r.id),
                h.commits,
                h.paths,
                h.in_head,
            )
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn a_packed_history_with_deep_delta_chains_scans_like_loose_objects() {
    let repo = Repo::init();
    // One file edited in many commits, so that a repack stores its versions as delta chains;
    // secrets come and go in the middle of the chains, on a branch and in a tag.
    let version = |i: usize| -> String {
        (0..300)
            .map(|n| match n {
                _ if n < i => format!("setting_{n} = changed in {n}\n"),
                _ => format!("setting_{n} = {n}\n"),
            })
            .collect()
    };
    for i in 0..40 {
        let mut body = version(i);
        if i % 7 == 3 {
            body.push_str(&format!("token = SECRET-CHAIN{i}\n"));
        }
        repo.commit(&[("config/settings.py", &body)], &format!("edit {i}"));
    }
    let body = version(40);
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.commit(&[("side.txt", &format!("{body}SECRET-SIDE\n"))], "side");
    repo.git(&["tag", "t1"]);
    repo.git(&["checkout", "-q", "-"]);
    repo.commit(&[("config/settings.py", "done\n")], "trim");

    let loose = scan(&repo);
    assert!(loose.findings.len() >= 7, "{:?}", loose.findings);
    repo.git(&["repack", "-a", "-d", "-q", "--depth=50", "--window=50"]);
    assert_eq!(pack_files(&repo, "pack").len(), 1);
    let index = pack_files(&repo, "idx").pop().expect("a pack index");
    let deltas = repo.git(&["verify-pack", "-v", &index.display().to_string()]);
    assert!(
        deltas.lines().any(|l| l.contains("chain length = 8")),
        "the repack made long delta chains:\n{deltas}"
    );
    let packed = scan(&repo);
    assert_eq!(summary(&packed), summary(&loose));
    assert_eq!(packed.stats, loose.stats);
    assert!(packed.warnings.is_empty(), "{:?}", packed.warnings);
}

#[test]
fn a_history_spread_over_packs_and_loose_objects_scans_every_blob_once() {
    let repo = Repo::init();
    let edit = |from: usize, to: usize, secret: &str| {
        for i in from..to {
            let body: String = (0..120)
                .map(|n| format!("line {n} of {}\n", if n < i { i } else { n }))
                .collect();
            let body = if i == (from + to) / 2 {
                format!("{body}key = {secret}\n")
            } else {
                body
            };
            repo.commit(&[("notes/log.txt", &body)], &format!("edit {i}"));
        }
    };
    // Three generations: a full pack, an incremental pack on top of it, and loose objects.
    edit(0, 12, "SECRET-PACKED");
    repo.git(&["repack", "-a", "-d", "-q"]);
    edit(12, 24, "SECRET-SECONDPACK");
    repo.git(&["repack", "-d", "-q"]);
    edit(24, 30, "SECRET-LOOSE");
    assert_eq!(pack_files(&repo, "pack").len(), 2);

    let spread = scan(&repo);
    let blobs = repo
        .git(&["rev-list", "--objects", "--all"])
        .lines()
        .filter_map(|line| line.split(' ').next())
        .filter(|id| repo.git(&["cat-file", "-t", id]) == "blob")
        .count();
    assert_eq!(spread.stats.scanned, blobs as u64);
    for secret in ["SECRET-PACKED", "SECRET-SECONDPACK", "SECRET-LOOSE"] {
        find(&spread.findings, secret);
    }
    repo.git(&["repack", "-a", "-d", "-q"]);
    assert_eq!(pack_files(&repo, "pack").len(), 1);
    let single = scan(&repo);
    assert_eq!(summary(&spread), summary(&single));
    assert_eq!(spread.stats, single.stats);
}

/// The files of the repository's packs with extension `extension` (`pack`, `idx`).
fn pack_files(repo: &Repo, extension: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(repo.join(".git/objects/pack"))
        .expect("pack dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect()
}

#[test]
fn since_and_ranges_scan_only_what_the_commits_introduced() {
    let repo = Repo::init();
    let base = repo.commit(&[("a.txt", "SECRET-OLD\n")], "old");
    let middle = repo.commit(&[("b.txt", "SECRET-MIDDLE\n")], "middle");
    let tip = repo.commit(
        &[("c.txt", "SECRET-NEW\n"), ("a2.txt", "SECRET-OLD\n")],
        "new",
    );

    let since = scan_with(
        &repo,
        &HistoryOptions {
            selection: Selection::Since(base.clone()),
            ..HistoryOptions::default()
        },
    );
    let found: BTreeSet<&str> = since
        .findings
        .iter()
        .map(|f| f.secret.as_ref().unwrap().expose())
        .collect();
    assert_eq!(found, BTreeSet::from(["SECRET-MIDDLE", "SECRET-NEW"]));
    assert_eq!(
        find(&since.findings, "SECRET-NEW")
            .history
            .as_ref()
            .unwrap()
            .introduced
            .id,
        tip
    );

    let range = scan_with(
        &repo,
        &HistoryOptions {
            selection: Selection::Range(format!("{middle}..{tip}")),
            ..HistoryOptions::default()
        },
    );
    assert_eq!(range.findings.len(), 1);
    assert_eq!(find(&range.findings, "SECRET-NEW").location.path, "c.txt");
    assert!(
        history::scan(
            repo.path(),
            &Markers,
            &HistoryOptions {
                selection: Selection::Since("no-such-rev".into()),
                ..HistoryOptions::default()
            }
        )
        .is_err()
    );
}

#[test]
fn blob_enumeration_matches_git_rev_list() {
    let repo = Repo::init();
    repo.commit(
        &[
            ("a.txt", "a\n"),
            ("dir/b.txt", "b\n"),
            ("dir/sub/c.txt", "c\n"),
        ],
        "one",
    );
    repo.commit(&[("dir/b.txt", "b2\n"), ("same.txt", "a\n")], "two");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.commit(&[("side.txt", "side\n")], "side");
    repo.git(&["checkout", "-q", "main"]);
    repo.commit(&[("main.txt", "main\n")], "three");
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge", "side"]);
    repo.git(&["tag", "-a", "-m", "t", "v1"]);
    repo.write("a.txt", "stashed\n");
    repo.git(&["stash", "-q"]);
    repo.git(&["notes", "add", "-m", "a note", "HEAD"]);
    std::fs::create_dir_all(repo.join("bin")).expect("mkdir");
    repo.write("exec.sh", "#!/bin/sh\n");
    repo.git(&["add", "exec.sh"]);
    repo.git(&["commit", "-q", "-m", "exec"]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("a.txt", repo.join("link")).expect("symlink");
        repo.git(&["add", "link"]);
        repo.git(&["commit", "-q", "-m", "link"]);
    }
    repo.git(&["gc", "-q"]);
    repo.commit(&[("loose.txt", "after gc\n")], "loose");

    let listed = repo.git(&["rev-list", "--objects", "--all"]);
    let ids: Vec<&str> = listed
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    let types = {
        let mut child = std::process::Command::new("git")
            .args(["cat-file", "--batch-check=%(objecttype) %(objectname)"])
            .current_dir(repo.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("git cat-file");
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(ids.join("\n").as_bytes())
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    let expected: BTreeSet<String> = types
        .lines()
        .filter_map(|l| l.strip_prefix("blob "))
        .map(str::to_string)
        .collect();
    let ours = history::blob_ids(repo.path(), &HistoryOptions::default()).expect("enumerate");
    let unique: BTreeSet<String> = ours.iter().cloned().collect();
    assert_eq!(unique.len(), ours.len(), "each blob once");
    assert_eq!(unique, expected);
    assert!(
        expected.len() >= 10,
        "the note and stash blobs are there too"
    );
}

#[test]
fn all_objects_adds_unreachable_blobs() {
    let repo = Repo::init();
    repo.commit(&[("a.txt", "a\n")], "start");
    repo.write("dangling.txt", "SECRET-DANGLING\n");
    let id = repo.git(&["hash-object", "-w", "dangling.txt"]);
    std::fs::remove_file(repo.join("dangling.txt")).expect("rm");

    assert!(scan(&repo).findings.is_empty());
    let all = scan_with(
        &repo,
        &HistoryOptions {
            all_objects: true,
            ..HistoryOptions::default()
        },
    );
    let finding = find(&all.findings, "SECRET-DANGLING");
    assert_eq!(finding.location.path, format!("unreachable/{}", &id[..12]));
}

#[test]
fn submodules_lfs_pointers_and_huge_blobs_are_warnings() {
    let repo = Repo::init();
    let sub = Repo::init();
    sub.commit(&[("s.txt", "SECRET-INSUB\n")], "sub");
    let sub_head = sub.git(&["rev-parse", "HEAD"]);
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{sub_head},vendor/lib"),
    ]);
    repo.write(
        "big.psd",
        "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n",
    );
    repo.write("huge.log", "SECRET-HUGE ".repeat(200));
    repo.git(&["add", "big.psd", "huge.log"]);
    repo.git(&["commit", "-q", "-m", "odd files"]);

    let outcome = scan_with(
        &repo,
        &HistoryOptions {
            max_blob_size: 1000,
            ..HistoryOptions::default()
        },
    );
    assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
    let by_path = |path: &str| {
        outcome
            .warnings
            .iter()
            .find(|w| w.path.as_deref() == Some(path))
            .unwrap_or_else(|| panic!("no warning for {path}: {:?}", outcome.warnings))
            .message
            .clone()
    };
    assert!(by_path("vendor/lib").contains("submodule"));
    assert!(by_path("big.psd").contains("LFS"));
    assert!(by_path("huge.log").contains("over the 1000-byte limit"));
    assert_eq!(outcome.stats.skipped, 2);
}

#[test]
fn non_utf8_paths_are_scanned_and_named() {
    let repo = Repo::init();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    use std::os::unix::ffi::OsStrExt;
    std::fs::write(repo.path().join(name), "SECRET-LATIN1\n").expect("write");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "latin-1 name"]);

    let outcome = scan(&repo);
    let finding = find(&outcome.findings, "SECRET-LATIN1");
    assert_eq!(finding.location.path, "caf\u{fffd}.txt");
    assert!(
        outcome
            .warnings
            .iter()
            .any(|w| w.message.contains("not valid UTF-8"))
    );
}

#[test]
fn a_repository_without_commits_has_no_history_and_no_error() {
    let repo = Repo::init();
    repo.write("a.txt", "SECRET-UNCOMMITTED\n");
    let outcome = scan(&repo);
    assert!(outcome.findings.is_empty());
    assert_eq!(outcome.stats.scanned, 0);
    let not_a_repo = tempfile::tempdir().expect("temp dir");
    assert!(history::scan(not_a_repo.path(), &Markers, &HistoryOptions::default()).is_err());
}
