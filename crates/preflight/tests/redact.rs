//! `preflight redact` end to end: a pipe in, the same text out with secrets replaced.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use common::preflight_command;

const STRIPE: &str = "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";

fn command() -> Command {
    let mut command = preflight_command(Path::new(env!("CARGO_TARGET_TMPDIR")), &["redact"]);
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

#[test]
fn secrets_are_replaced_and_everything_else_is_kept() {
    let mut child = command().spawn().unwrap();
    let input = format!("GET /health 200\ncharging with {STRIPE} now\nDB_PASSWORD=changeme\n");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "GET /health 200\ncharging with [REDACTED:stripe.secret-key] now\nDB_PASSWORD=changeme\n"
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains(STRIPE));
}

#[test]
fn each_line_comes_out_before_the_input_ends() {
    let mut child = command().spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdin
        .write_all(format!("first {STRIPE}\n").as_bytes())
        .unwrap();
    stdin.flush().unwrap();
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "first [REDACTED:stripe.secret-key]\n");
    stdin.write_all(b"second\n").unwrap();
    drop(stdin);
    line.clear();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "second\n");
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_long_line_without_newline_is_redacted_in_bounded_pieces() {
    let mut child = command().spawn().unwrap();
    let mut input = "x".repeat(200_000);
    input.insert_str(65_530, &format!(" {STRIPE} "));
    let mut stdin = child.stdin.take().unwrap();
    let writer = {
        let input = input.clone();
        std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap())
    };
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains(STRIPE));
    assert_eq!(text, input.replace(STRIPE, "[REDACTED:stripe.secret-key]"));
}
