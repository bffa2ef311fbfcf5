//! The walk on real trees of files: what is visited (exactly once), what is skipped, and the
//! warnings that name what went wrong.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use preflight_findings::{LocationKind, Outcome};
use preflight_input::{Blob, Visitor, WalkOptions, Walked, walk};

/// Records every blob it is shown.
#[derive(Default)]
struct Recorder {
    seen: Vec<(String, LocationKind, Vec<u8>)>,
}

impl Visitor for Recorder {
    fn visit(&mut self, blob: Blob<'_>) {
        self.seen
            .push((blob.path.to_owned(), blob.kind, blob.bytes.to_vec()));
    }
}

/// What a walk saw, merged across threads.
struct Seen {
    /// Display path -> (how many times visited, bytes).
    blobs: BTreeMap<String, (usize, Vec<u8>)>,
    outcome: Outcome,
    visitors: usize,
}

impl Seen {
    fn paths(&self) -> Vec<&str> {
        self.blobs.keys().map(String::as_str).collect()
    }

    fn warning_for(&self, path: &str) -> Option<&str> {
        self.outcome
            .warnings
            .iter()
            .find(|warning| warning.path.as_deref() == Some(path))
            .map(|warning| warning.message.as_str())
    }

    fn assert_each_visited_once(&self) {
        for (path, (count, _)) in &self.blobs {
            assert_eq!(*count, 1, "{path} was visited {count} times");
        }
    }
}

fn run(roots: &[PathBuf], options: &WalkOptions) -> Seen {
    let Walked { visitors, outcome } = walk(roots, options, &Recorder::default);
    let mut blobs: BTreeMap<String, (usize, Vec<u8>)> = BTreeMap::new();
    let count = visitors.len();
    for recorder in visitors {
        for (path, kind, bytes) in recorder.seen {
            assert_eq!(kind, LocationKind::File);
            let entry = blobs.entry(path).or_default();
            entry.0 += 1;
            entry.1 = bytes;
        }
    }
    Seen {
        blobs,
        outcome,
        visitors: count,
    }
}

fn write(root: &Path, relative: &str, content: &[u8]) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().expect("has a parent")).expect("create parent");
    fs::write(path, content).expect("write file");
}

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(root)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

/// A git checkout with ignored, hidden and excluded files.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    git(root, &["init", "--quiet"]);
    write(root, "src/app.py", b"API_KEY = 'x'\n");
    write(root, ".env", b"STRIPE_SECRET_KEY=sk_live_x\n");
    write(root, "config/.secrets/db.yml", b"password: x\n");
    write(root, ".gitignore", b"node_modules/\n*.log\n");
    write(root, ".ignore", b"vendor/\n");
    write(root, ".git/info/exclude", b"local-notes.txt\n");
    write(root, "node_modules/pkg/index.js", b"module.exports = 1\n");
    write(root, "debug.log", b"token=x\n");
    write(root, "vendor/lib.rb", b"x = 1\n");
    write(root, "local-notes.txt", b"notes\n");
    dir
}

#[test]
fn ignore_files_are_honoured_and_hidden_files_scanned_once() {
    let dir = project();
    let seen = run(&[dir.path().to_path_buf()], &WalkOptions::default());
    assert_eq!(
        seen.paths(),
        [
            ".env",
            ".gitignore",
            ".ignore",
            "config/.secrets/db.yml",
            "src/app.py"
        ]
    );
    seen.assert_each_visited_once();
    assert_eq!(seen.blobs[".env"].1, b"STRIPE_SECRET_KEY=sk_live_x\n");
    assert_eq!(seen.outcome.stats.scanned, 5);
    assert!(
        seen.outcome.warnings.is_empty(),
        "{:?}",
        seen.outcome.warnings
    );
}

#[test]
fn without_ignore_rules_everything_but_git_is_scanned() {
    let dir = project();
    let options = WalkOptions {
        respect_ignore: false,
        ..WalkOptions::default()
    };
    let seen = run(&[dir.path().to_path_buf()], &options);
    assert_eq!(
        seen.paths(),
        [
            ".env",
            ".gitignore",
            ".ignore",
            "config/.secrets/db.yml",
            "debug.log",
            "local-notes.txt",
            "node_modules/pkg/index.js",
            "src/app.py",
            "vendor/lib.rb",
        ]
    );
    seen.assert_each_visited_once();
    assert!(seen.paths().iter().all(|path| !path.starts_with(".git/")));
}

#[test]
fn gitignore_counts_outside_a_git_checkout() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), ".gitignore", b"build/\n");
    write(dir.path(), "build/bundle.js", b"x\n");
    write(dir.path(), "main.js", b"x\n");
    let seen = run(&[dir.path().to_path_buf()], &WalkOptions::default());
    assert_eq!(seen.paths(), [".gitignore", "main.js"]);
}

#[test]
fn stats_add_up_the_bytes_scanned() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "a", b"12345");
    write(dir.path(), "b/c", b"678");
    let seen = run(&[dir.path().to_path_buf()], &WalkOptions::default());
    assert_eq!(seen.outcome.stats.scanned, 2);
    assert_eq!(seen.outcome.stats.bytes, 8);
    assert_eq!(seen.outcome.stats.skipped, 0);
}

#[test]
fn binary_files_are_skipped_and_summarised_in_one_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    write(dir.path(), "app.wasm", b"\0asm\x01\0\0\0");
    let mut late_nul = vec![b'a'; 9000];
    late_nul[8500] = 0;
    write(dir.path(), "late-nul.txt", &late_nul);
    let seen = run(&[dir.path().to_path_buf()], &WalkOptions::default());
    assert_eq!(seen.paths(), ["late-nul.txt"]);
    assert_eq!(seen.outcome.stats.skipped, 2);
    assert_eq!(
        seen.outcome.warnings.len(),
        1,
        "{:?}",
        seen.outcome.warnings
    );
    assert_eq!(seen.outcome.warnings[0].path, None);
    assert!(seen.outcome.warnings[0].message.contains("2 binary files"));

    let options = WalkOptions {
        include_binary: true,
        ..WalkOptions::default()
    };
    let seen = run(&[dir.path().to_path_buf()], &options);
    assert_eq!(seen.paths(), ["app.wasm", "late-nul.txt", "logo.png"]);
    assert_eq!(seen.blobs["app.wasm"].1, b"\0asm\x01\0\0\0");
    assert!(seen.outcome.warnings.is_empty());
}

#[test]
fn files_over_the_size_limit_are_skipped_with_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "at-limit.txt", &[b'a'; 100]);
    write(dir.path(), "big/dump.sql", &[b'a'; 2048]);
    let options = WalkOptions {
        max_file_size: 100,
        ..WalkOptions::default()
    };
    let seen = run(&[dir.path().to_path_buf()], &options);
    assert_eq!(seen.paths(), ["at-limit.txt"]);
    assert_eq!(
        seen.warning_for("big/dump.sql"),
        Some("skipped: 2.0 KiB is over the size limit of 100 bytes")
    );
    assert_eq!(seen.outcome.stats.skipped, 1);
}

#[test]
fn a_root_that_is_a_file_is_shown_as_given() {
    let dir = project();
    // Ignore rules do not apply to a file named on the command line.
    let named = dir.path().join("debug.log");
    let seen = run(std::slice::from_ref(&named), &WalkOptions::default());
    assert_eq!(seen.paths(), [named.to_string_lossy().as_ref()]);
}

#[test]
fn several_roots_keep_their_root_so_paths_stay_distinct() {
    let dir = project();
    let roots = [dir.path().join("src"), dir.path().join("config")];
    let seen = run(&roots, &WalkOptions::default());
    let root = dir.path().to_string_lossy().into_owned();
    assert_eq!(
        seen.paths(),
        [
            format!("{root}/config/.secrets/db.yml"),
            format!("{root}/src/app.py")
        ]
    );
}

#[test]
fn a_missing_root_is_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "present.txt", b"x");
    let missing = dir.path().join("missing");
    let seen = run(
        &[missing.clone(), dir.path().to_path_buf()],
        &WalkOptions::default(),
    );
    assert_eq!(
        seen.paths(),
        [format!("{}/present.txt", dir.path().to_string_lossy())]
    );
    let message = seen
        .warning_for(&missing.to_string_lossy())
        .expect("a warning names the missing root");
    assert!(message.starts_with("not found"), "{message}");
}

#[test]
fn one_visitor_per_thread_at_most() {
    let dir = tempfile::tempdir().expect("temp dir");
    for index in 0..200 {
        write(
            dir.path(),
            &format!("d{}/f{index}.txt", index % 7),
            b"content\n",
        );
    }
    let options = WalkOptions {
        threads: 3,
        ..WalkOptions::default()
    };
    let seen = run(&[dir.path().to_path_buf()], &options);
    assert_eq!(seen.blobs.len(), 200);
    seen.assert_each_visited_once();
    assert!(
        (1..=3).contains(&seen.visitors),
        "{} visitors",
        seen.visitors
    );
}

#[cfg(unix)]
mod unix {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::{PermissionsExt, symlink};

    use super::*;

    #[test]
    fn broken_links_and_link_loops_are_warnings_and_the_walk_goes_on() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        write(root, "real.env", b"TOKEN=x\n");
        symlink("does-not-exist", root.join("broken")).expect("symlink");
        symlink("loop-b", root.join("loop-a")).expect("symlink");
        symlink("loop-a", root.join("loop-b")).expect("symlink");
        symlink(".", root.join("self")).expect("symlink");
        symlink("real.env", root.join("alias.env")).expect("symlink");

        let seen = run(&[root.to_path_buf()], &WalkOptions::default());
        // Links are not followed: the file is scanned once, under its own name.
        assert_eq!(seen.paths(), ["real.env"]);
        assert_eq!(
            seen.warning_for("broken"),
            Some("broken symbolic link (its target does not exist), not scanned")
        );
        assert_eq!(
            seen.warning_for("loop-a"),
            Some("symbolic link loop, not followed")
        );
        assert_eq!(
            seen.warning_for("loop-b"),
            Some("symbolic link loop, not followed")
        );
        assert_eq!(
            seen.outcome.warnings.len(),
            3,
            "{:?}",
            seen.outcome.warnings
        );
    }

    #[test]
    fn followed_links_detect_directory_loops() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        write(root, "sub/real.env", b"TOKEN=x\n");
        symlink("..", root.join("sub/up")).expect("symlink");
        symlink("does-not-exist", root.join("broken")).expect("symlink");
        symlink("sub/real.env", root.join("alias.env")).expect("symlink");
        let options = WalkOptions {
            follow_links: true,
            ..WalkOptions::default()
        };
        let seen = run(&[root.to_path_buf()], &options);
        assert_eq!(seen.paths(), ["alias.env", "sub/real.env"]);
        seen.assert_each_visited_once();
        assert_eq!(
            seen.warning_for("sub/up"),
            Some("symbolic link loop (leads back to `.`), not followed")
        );
        assert!(
            seen.warning_for("broken")
                .is_some_and(|m| m.starts_with("not found"))
        );
    }

    /// Whether this process can read files whatever their mode (it runs as root).
    fn reads_despite_permissions(probe: &Path) -> bool {
        fs::File::open(probe).is_ok()
    }

    #[test]
    fn unreadable_files_and_directories_are_warnings() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        write(root, "ok.txt", b"x");
        write(root, "locked.env", b"SECRET=x");
        write(root, "closed/inner.env", b"SECRET=y");
        fs::set_permissions(root.join("locked.env"), fs::Permissions::from_mode(0o000))
            .expect("chmod");
        fs::set_permissions(root.join("closed"), fs::Permissions::from_mode(0o000)).expect("chmod");
        let privileged = reads_despite_permissions(&root.join("locked.env"));

        let seen = run(&[root.to_path_buf()], &WalkOptions::default());
        fs::set_permissions(root.join("closed"), fs::Permissions::from_mode(0o755))
            .expect("chmod back, so the temp dir can be removed");
        if privileged {
            // Permission bits do not bind this user: everything is read, nothing is lost.
            assert_eq!(seen.paths(), ["closed/inner.env", "locked.env", "ok.txt"]);
            assert!(seen.outcome.warnings.is_empty());
        } else {
            assert_eq!(seen.paths(), ["ok.txt"]);
            assert_eq!(
                seen.warning_for("locked.env"),
                Some("permission denied, not scanned")
            );
            assert_eq!(
                seen.warning_for("closed"),
                Some("permission denied, not scanned")
            );
        }
    }

    #[test]
    fn fifos_are_never_opened() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().to_path_buf();
        write(&root, "ok.txt", b"x");
        let status = Command::new("mkfifo")
            .arg(root.join("pipe"))
            .status()
            .expect("mkfifo runs");
        assert!(status.success());

        // Opening a FIFO blocks until a writer comes; run the walk where a hang cannot stall
        // the test suite, and fail if it does not come back.
        let (done, finished) = mpsc::channel();
        let walked_root = root.clone();
        std::thread::spawn(move || {
            let seen = run(std::slice::from_ref(&walked_root), &WalkOptions::default());
            let named = run(&[walked_root.join("pipe")], &WalkOptions::default());
            done.send((seen.paths().join(","), seen.outcome, named.outcome))
                .expect("receiver waits");
        });
        let (paths, outcome, named) = finished
            .recv_timeout(Duration::from_secs(120))
            .expect("the walk returned instead of blocking on the FIFO");
        assert_eq!(paths, "ok.txt");
        let warning = outcome
            .warnings
            .iter()
            .find(|w| w.path.as_deref() == Some("pipe"));
        assert!(warning.is_some_and(|w| w.message.starts_with("not a regular file")));
        assert_eq!(named.warnings.len(), 1);
        assert!(named.warnings[0].message.starts_with("not a regular file"));
    }

    #[test]
    fn names_and_contents_that_are_not_utf8_are_scanned() {
        let dir = tempfile::tempdir().expect("temp dir");
        let name = OsStr::from_bytes(b"caf\xe9.env");
        let content = b"PASSWORD=\xff\xfe latin-1 \xe9\n";
        fs::create_dir(dir.path().join(OsStr::from_bytes(b"d\xffir"))).expect("mkdir");
        fs::write(dir.path().join(name), content).expect("write");
        fs::write(dir.path().join(OsStr::from_bytes(b"d\xffir/x")), b"y").expect("write");
        let seen = run(&[dir.path().to_path_buf()], &WalkOptions::default());
        assert_eq!(seen.paths(), ["caf\u{fffd}.env", "d\u{fffd}ir/x"]);
        assert_eq!(seen.blobs["caf\u{fffd}.env"].1, content);
        assert!(seen.outcome.warnings.is_empty());
    }

    #[test]
    fn a_whole_tree_of_trouble_visits_each_good_file_once() {
        let dir = project();
        let root = dir.path();
        write(root, "assets/logo.bin", b"\0\x01\x02");
        write(root, "dumps/huge.sql", &[b'x'; 4096]);
        symlink("nowhere", root.join("dangling")).expect("symlink");
        symlink("spin", root.join("spin")).expect("symlink");
        Command::new("mkfifo")
            .arg(root.join("fifo"))
            .status()
            .expect("mkfifo runs");
        fs::write(root.join(OsStr::from_bytes(b"n\xe4me.txt")), b"\xc3\x28").expect("write");
        let options = WalkOptions {
            max_file_size: 1024,
            ..WalkOptions::default()
        };
        let seen = run(&[root.to_path_buf()], &options);
        assert_eq!(
            seen.paths(),
            [
                ".env",
                ".gitignore",
                ".ignore",
                "config/.secrets/db.yml",
                "n\u{fffd}me.txt",
                "src/app.py"
            ]
        );
        seen.assert_each_visited_once();
        for path in ["dangling", "spin", "fifo", "dumps/huge.sql"] {
            assert!(seen.warning_for(path).is_some(), "no warning for {path}");
        }
        assert!(
            seen.outcome
                .warnings
                .iter()
                .any(|w| w.message.contains("1 binary file "))
        );
        assert_eq!(seen.outcome.stats.skipped, 5);
    }
}

#[cfg(unix)]
#[test]
fn a_root_that_is_a_link_to_a_directory_is_walked() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "real/settings.py", b"SECRET_KEY = 'x'\n");
    std::os::unix::fs::symlink("real", dir.path().join("current")).expect("symlink");
    let seen = run(&[dir.path().join("current")], &WalkOptions::default());
    assert_eq!(seen.paths(), ["settings.py"]);
}
