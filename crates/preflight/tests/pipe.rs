//! A reader that closes standard output early (`preflight rules list | head`) ends the run
//! quietly: no error message, and the exit status a report would have had anyway.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{preflight_command, write};
use preflight_rules::RuleSet;

/// Runs `command` with standard output on a pipe whose reading end is closed before it starts,
/// so its first write fails with a broken pipe; returns its exit code and standard error.
fn run_into_closed_pipe(mut command: Command) -> (i32, String) {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = command
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn preflight(dir: &Path, args: &[&str]) -> Command {
    let mut command = preflight_command(dir, args);
    command.env("NO_COLOR", "1");
    command
}

#[test]
fn listing_commands_end_quietly_when_the_reader_goes_away() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["rules", "list"][..],
        &["rules", "list", "--format", "json"],
        &["codes"],
        &["codes", "--format", "json"],
        &["gen", "secret", "--hex", "32"],
    ] {
        let (code, stderr) = run_into_closed_pipe(preflight(dir.path(), args));
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?} wrote: {stderr}");
    }
}

#[test]
fn reports_end_quietly_and_keep_their_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let key = RuleSet::builtin()
        .unwrap()
        .get("stripe.secret-key")
        .unwrap()
        .examples[0]
        .secret
        .clone();
    write(
        dir.path(),
        "settings.py",
        format!("STRIPE_KEY = \"{key}\"\n"),
    );
    for format in ["human", "json", "sarif", "markdown", "html"] {
        for args in [
            &["scan", ".", "-q", "--format", format][..],
            &["check", ".", "-q", "--no-history", "--format", format],
        ] {
            let (code, stderr) = run_into_closed_pipe(preflight(dir.path(), args));
            assert_eq!(
                code, 1,
                "{args:?}: the finding still fails the run: {stderr}"
            );
            assert!(stderr.is_empty(), "{args:?} wrote: {stderr}");
        }
    }
}

#[test]
fn a_reader_that_stops_after_one_line_gets_that_line_and_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = preflight(dir.path(), &["rules", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut first)
        .expect("one line");
    // The reader is dropped here, as `head -1` exits.
    let output = child.wait_with_output().expect("the binary ends");
    assert!(!first.trim().is_empty());
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
