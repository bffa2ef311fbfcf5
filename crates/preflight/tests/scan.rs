//! `preflight scan` end to end on temporary directories: findings and exit codes, the secret's
//! value absent from every output format, standard input, the walk's options, custom rules and
//! configuration errors.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use common::{Run, preflight_command, write};

const STRIPE: &str = "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";

/// The binary in `dir` with `args` and `NO_COLOR` set, `stdin` written to a pipe it reads.
fn preflight(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = preflight_command(dir, args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    Run::from(child.wait_with_output().unwrap())
}

fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        write(dir.path(), name, content);
    }
    dir
}

fn leaky() -> tempfile::TempDir {
    project(&[
        (
            ".env",
            format!("DEBUG=1\nSTRIPE_SECRET_KEY={STRIPE}\n").as_bytes(),
        ),
        (
            "app/settings.py",
            b"SECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n",
        ),
    ])
}

#[test]
fn a_secret_is_found_with_its_location_and_exit_status_one() {
    let dir = leaky();
    let run = preflight(dir.path(), &["--format", "json", "scan", "."], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = run.json();
    let finding = &json["findings"][0];
    assert_eq!(finding["id"], "stripe.secret-key");
    assert_eq!(finding["severity"], "critical");
    assert_eq!(finding["path"], ".env");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(2), Some(19))
    );
    assert!(finding["fingerprint"].is_string());
    assert_eq!(run.ids(), ["stripe.secret-key"]);
}

#[test]
fn the_secret_value_is_absent_from_every_format_unless_asked_for() {
    let dir = leaky();
    for format in ["human", "json", "sarif"] {
        let run = preflight(
            dir.path(),
            &["--format", format, "--explain", "scan", "."],
            None,
        );
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert!(
            run.stdout.contains("stripe.secret-key"),
            "{format}: {}",
            run.stdout
        );
        assert!(!run.stdout.contains(STRIPE), "{format} shows the secret");
        assert!(
            !run.stderr.contains(STRIPE),
            "{format} shows the secret on stderr"
        );
        assert!(
            !run.stdout.contains(&STRIPE[..30]),
            "{format} shows too much of it"
        );
    }
    let run = preflight(
        dir.path(),
        &["--format", "json", "--show-secrets", "scan", "."],
        None,
    );
    assert!(run.stdout.contains(STRIPE));
}

#[test]
fn placeholders_and_references_pass() {
    let dir = project(&[(
        ".env.example",
        b"STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\nDB_PASSWORD=changeme\nDATABASE_URL=postgres://app:${DB_PASSWORD}@db/app\n",
    )]);
    let run = preflight(dir.path(), &["--format", "json", "--explain", "scan"], None);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let dropped = run.json()["dropped"].as_array().unwrap().len();
    assert!(dropped >= 2, "{}", run.stdout);
}

#[test]
fn standard_input_is_scanned_with_a_dash() {
    let dir = project(&[]);
    let input = format!("log line\nkey={STRIPE}\n");
    let run = preflight(
        dir.path(),
        &["--format", "json", "scan", "-"],
        Some(input.as_bytes()),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let finding = &run.json()["findings"][0];
    assert_eq!(finding["path"], "-");
    assert_eq!(finding["line"], 2);
}

#[test]
fn ignored_files_are_scanned_only_with_no_ignore() {
    let dir = project(&[
        (".ignore", b"vendor/\n"),
        ("vendor/keys.txt", format!("{STRIPE}\n").as_bytes()),
    ]);
    let run = preflight(dir.path(), &["--format", "json", "scan", "."], None);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = preflight(
        dir.path(),
        &["--format", "json", "scan", "--no-ignore", "."],
        None,
    );
    assert_eq!(run.ids(), ["stripe.secret-key"]);
}

#[test]
fn binary_files_are_scanned_only_with_binary() {
    let mut content = b"\0\x01\x02binary".to_vec();
    content.extend_from_slice(format!(" {STRIPE} ").as_bytes());
    let dir = project(&[("blob.bin", &content)]);
    let run = preflight(dir.path(), &["--format", "json", "scan", "."], None);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = preflight(
        dir.path(),
        &["--format", "json", "scan", "--binary", "."],
        None,
    );
    assert_eq!(run.ids(), ["stripe.secret-key"]);
}

#[test]
fn large_files_are_skipped_with_a_warning() {
    let dir = leaky();
    let run = preflight(
        dir.path(),
        &["--format", "json", "scan", "--max-file-size", "16", "."],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains(".env") || run.stderr.contains(".env"),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn non_utf8_files_are_scanned_as_bytes() {
    let mut content = b"\xff\xfe\xfa latin-1 \xe9t\xe9\n".to_vec();
    content.extend_from_slice(format!("key={STRIPE}\n").as_bytes());
    let dir = project(&[("legacy.ini", &content)]);
    let run = preflight(dir.path(), &["--format", "json", "scan", "."], None);
    assert_eq!(run.ids(), ["stripe.secret-key"]);
    assert_eq!(run.json()["findings"][0]["line"], 2);
}

const CUSTOM: &str = r#"provider = "Acme"

[[rules]]
id = "acme.api-key"
name = "Acme API key"
severity = "high"
keywords = ["acme_"]
pattern = '''\b(acme_[a-z0-9]{24})\b'''
"#;

#[test]
fn custom_rules_from_a_file_and_from_configuration_run() {
    let dir = project(&[
        ("rules.toml", CUSTOM.as_bytes()),
        (
            "src/app.js",
            b"const key = 'acme_k3j9x0q2m8w7v1b5n4c6z2y8';\n",
        ),
    ]);
    let run = preflight(
        dir.path(),
        &["--format", "json", "scan", "--rules", "rules.toml", "src"],
        None,
    );
    assert_eq!(run.ids(), ["acme.api-key"], "{}", run.stderr);

    let config = CUSTOM.replace("provider = \"Acme\"\n", "").replace(
        "severity = \"high\"",
        "provider = \"Acme\"\nseverity = \"high\"",
    );
    std::fs::write(dir.path().join("preflight.toml"), config).unwrap();
    let run = preflight(dir.path(), &["--format", "json", "scan", "."], None);
    assert_eq!(run.ids(), ["acme.api-key"], "{}", run.stderr);
}

#[test]
fn a_bad_custom_rule_is_an_error_naming_file_line_and_key() {
    let bad = CUSTOM.replace("{24})", "{24}");
    let dir = project(&[("rules.toml", bad.as_bytes())]);
    let run = preflight(dir.path(), &["scan", "--rules", "rules.toml", "."], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("rules.toml:8"), "{}", run.stderr);
    assert!(run.stderr.contains("key `pattern`"), "{}", run.stderr);

    let unknown = CUSTOM.replace("severity", "severty");
    std::fs::write(dir.path().join("rules.toml"), unknown).unwrap();
    let run = preflight(dir.path(), &["scan", "--rules", "rules.toml", "."], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("rules.toml:6"), "{}", run.stderr);
}

#[test]
fn scan_configuration_is_read_and_unknown_keys_rejected() {
    let dir = leaky();
    std::fs::write(
        dir.path().join("preflight.toml"),
        "[scan]\ndisable = [\"stripe\", \"generic.*\"]\n",
    )
    .unwrap();
    let run = preflight(dir.path(), &["--format", "json", "scan", "."], None);
    assert_eq!(run.code, 0, "{}", run.stdout);
    std::fs::write(
        dir.path().join("preflight.toml"),
        "[scan]\nmax_file_size = 3\n",
    )
    .unwrap();
    let run = preflight(dir.path(), &["scan", "."], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("max_file_size"), "{}", run.stderr);
}
