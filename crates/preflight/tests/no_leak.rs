//! No secret in any output: every command runs over inputs that carry one marker secret in
//! every place a user can put one (dotenv names, values and whole lines, database URLs well and
//! badly formed, the process environment, HTTP headers, cookies and redirects, configuration
//! values, custom rule examples, file names, commit messages and authors) and down every error
//! path (bad URL, refused connection, TLS failure, unreadable file, corrupt object).
//!
//! Standard output in every format, standard error, `-o` files, baselines and the incident
//! report must hold neither the marker nor any eight characters of it. The one file that must
//! hold it, the purge file of `preflight incident`, is checked to hold it and to be private;
//! with `--show-secrets` the secret findings must show it, so the harness can fail.
//!
//! Each test collects every place the marker showed and fails listing all of them.
//! `deps` runs down its error paths too (a missing and a corrupt advisory database).
//! `PREFLIGHT_UNDER_TEST` runs another build of the binary through the same harness.

mod common;
#[path = "../../preflight-db/tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Run, git, git_command, write};
use preflight_web::testkit::{self, Authority, Site, Validity};

/// The marker: random letters and digits, the body of every secret the inputs hold.
const MARKER: &str = "Qm7ZtX4pLw9KcV2nRb8YhJ5sDf3GaE6uTk1WxN0v";

/// The marker as a Stripe live secret key, which the secret rules detect.
fn stripe_key() -> String {
    format!("sk_live_{MARKER}")
}

const FORMATS: [&str; 5] = ["human", "json", "sarif", "markdown", "html"];

/// The eight-character slice of the marker that `text` shows, if any.
fn shown_slice(text: &str) -> Option<&'static str> {
    (0..=MARKER.len() - 8)
        .map(|i| &MARKER[i..i + 8])
        .find(|slice| text.contains(slice))
}

/// What the runs of one test printed and wrote, by place.
#[derive(Default)]
struct Outputs {
    seen: Vec<(String, String)>,
}

impl Outputs {
    /// Runs the binary in `dir` and records both of its streams.
    fn run(&mut self, dir: &Path, args: &[&str]) -> Run {
        self.run_with(dir, args, &[], None)
    }

    /// Runs the binary in `dir` with extra environment variables and standard input.
    fn run_with(
        &mut self,
        dir: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        stdin: Option<&str>,
    ) -> Run {
        let mut command = Command::new(binary());
        command
            .args(args)
            .current_dir(dir)
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("preflight runs");
        let input = stdin.unwrap_or("").to_string();
        let mut pipe = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            let _ = pipe.write_all(input.as_bytes());
        });
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap();
        let run = Run::from(output);
        let label = format!("preflight {}", args.join(" "));
        self.seen
            .push((format!("{label} (stdout)"), run.stdout.clone()));
        self.seen
            .push((format!("{label} (stderr)"), run.stderr.clone()));
        run
    }

    /// Runs `args` once per format to standard output, and once per format to an `-o` file.
    fn every_format(&mut self, dir: &Path, args: &[&str]) {
        self.every_format_with(dir, args, &[], None);
    }

    fn every_format_with(
        &mut self,
        dir: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        stdin: Option<&str>,
    ) {
        let out = tempfile::tempdir().unwrap();
        for format in FORMATS {
            let mut with_format = args.to_vec();
            with_format.extend(["--format", format]);
            self.run_with(dir, &with_format, env, stdin);
            let file = out.path().join(format!("report.{format}"));
            let file_arg = file.to_str().unwrap();
            with_format.extend(["-o", file_arg]);
            self.run_with(dir, &with_format, env, stdin);
            self.file(&file);
        }
    }

    /// Records a file the binary wrote, if it exists.
    fn file(&mut self, path: &Path) {
        if let Ok(bytes) = std::fs::read(path) {
            self.seen.push((
                path.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
        }
    }

    /// Fails listing every place that shows the marker.
    fn assert_no_leak(&self) {
        let leaks: Vec<String> = self
            .seen
            .iter()
            .filter_map(|(place, text)| {
                shown_slice(text).map(|slice| {
                    let at = text.find(slice).unwrap();
                    let line = text[..at].rsplit('\n').next().unwrap_or("");
                    format!("{place}: `{slice}` after `{}`", tail(line, 60))
                })
            })
            .collect();
        assert!(
            leaks.is_empty(),
            "the marker leaked in {} places:\n{}",
            leaks.len(),
            leaks.join("\n")
        );
        assert!(!self.seen.is_empty());
    }
}

fn tail(text: &str, chars: usize) -> String {
    let skip = text.chars().count().saturating_sub(chars);
    text.chars().skip(skip).collect()
}

/// The binary under test: this build's, unless `PREFLIGHT_UNDER_TEST` names another.
fn binary() -> PathBuf {
    std::env::var_os("PREFLIGHT_UNDER_TEST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_preflight")))
}

/// A repository holding the marker in files, a file name, env files, commit messages and
/// authors, and a secret that is only in history.
fn leaky_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let key = stripe_key();
    git(root, &["init", "-q", "-b", "main"]);
    write(
        root,
        "app/settings.py",
        format!("STRIPE_SECRET_KEY = \"{key}\"\n"),
    );
    write(
        root,
        &format!("notes/{MARKER}.md"),
        format!("payments: {key}\n"),
    );
    write(root, ".env.example", "STRIPE_SECRET_KEY=\nDATABASE_URL=\n");
    write(
        root,
        ".env",
        format!(
            "STRIPE_SECRET_KEY=\n{key}\nDATABASE_URL=postgres//app:{MARKER}@db/app\n\
             REDIS_URL=redis://:{MARKER}@cache:6379/0\nSECRET_KEY={MARKER}\n\
             KEY_{MARKER}=1\nBROKEN=\"{MARKER}\n"
        ),
    );
    write(
        root,
        ".env.production",
        format!(
            "DATABASE_URL=postgresql://{MARKER}:{MARKER}@127.0.0.1:1/{MARKER}?application_name={MARKER}\n\
             STRIPE_SECRET_KEY=sk_test_{MARKER}\n"
        ),
    );
    git(root, &["add", "-A"]);
    let author = format!("Dev {MARKER} <dev-{MARKER}@example.com>");
    let message = format!("add payment settings {key}");
    let commit = git_command(root, &["commit", "-q", "--author", &author, "-m", &message])
        .output()
        .unwrap();
    assert!(commit.status.success());
    write(
        root,
        "app/settings.py",
        "import os\nSTRIPE_SECRET_KEY = os.environ[\"STRIPE_SECRET_KEY\"]\n",
    );
    git(
        root,
        &["commit", "-q", "-am", "read the key from the environment"],
    );
    dir
}

#[test]
fn files_stdin_history_and_reports_never_show_the_marker() {
    let repo = leaky_repo();
    let root = repo.path();
    let mut out = Outputs::default();
    out.every_format(root, &["scan", "."]);
    out.every_format(root, &["scan", "--git", "."]);
    out.every_format_with(
        root,
        &["scan", "-"],
        &[],
        Some(&format!("token {}\n", stripe_key())),
    );
    out.every_format(root, &["check", ".", "--explain"]);
    out.every_format(root, &["incident", "."]);

    let scratch = tempfile::tempdir().unwrap();
    let baseline = scratch.path().join("baseline.json");
    out.run(
        root,
        &["check", ".", "--write-baseline", baseline.to_str().unwrap()],
    );
    out.file(&baseline);
    out.run(
        root,
        &["check", ".", "--baseline", baseline.to_str().unwrap()],
    );

    let redacted = out.run_with(
        root,
        &["redact"],
        &[],
        Some(&format!("charge with {} now\n", stripe_key())),
    );
    assert!(
        redacted.stdout.contains("charge with"),
        "{}",
        redacted.stdout
    );

    let replacements = scratch.path().join("replacements.txt");
    out.run(
        root,
        &[
            "incident",
            ".",
            "--replacements",
            replacements.to_str().unwrap(),
        ],
    );
    let purge = std::fs::read_to_string(&replacements).expect("the purge file is written");
    assert!(
        purge.contains(&stripe_key()),
        "the purge file must hold the value"
    );
    common::assert_private(&replacements);

    out.run(root, &["hook", "install"]);
    write(root, "staged.py", format!("KEY = '{}'\n", stripe_key()));
    git(root, &["add", "staged.py"]);
    out.every_format(root, &["scan", "--staged"]);
    out.assert_no_leak();
}

#[test]
fn show_secrets_shows_the_marker_in_secret_findings() {
    let repo = leaky_repo();
    let mut out = Outputs::default();
    let run = out.run(
        repo.path(),
        &["scan", ".", "--show-secrets", "--format", "json"],
    );
    assert!(run.stdout.contains(&stripe_key()), "{}", run.stdout);
    let history = out.run(repo.path(), &["scan", "--git", ".", "--show-secrets"]);
    assert!(history.stdout.contains(&stripe_key()), "{}", history.stdout);
    assert!(shown_slice(&run.stdout).is_some());
}

#[test]
fn error_paths_never_show_the_marker() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(
        root,
        &format!("keys/{MARKER}.txt"),
        format!("{}\n", stripe_key()),
    );
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "keys"]);
    // A corrupt object: the blob of the file named with the marker is overwritten.
    let blob = git(root, &["rev-parse", &format!("HEAD:keys/{MARKER}.txt")]);
    let object = root.join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    let mut permissions = std::fs::metadata(&object).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&object, permissions).unwrap();
    std::fs::write(&object, b"not a zlib stream").unwrap();
    // An unreadable path: a link named with the marker that leads nowhere.
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        format!("/nonexistent/{MARKER}"),
        root.join(format!("link-{MARKER}")),
    )
    .unwrap();
    let mut out = Outputs::default();
    out.every_format(root, &["scan", "--git", "."]);
    out.every_format(root, &["scan", &format!("missing-{MARKER}.txt")]);
    out.every_format(root, &["env", &format!("{MARKER}.env")]);
    out.run(root, &["scan", "--config", &format!("{MARKER}.toml")]);
    write(
        root,
        "requirements.txt",
        format!("django==3.2.0\nacme @ https://u:{MARKER}@pkgs.example/acme.whl\n"),
    );
    out.every_format(root, &["deps", ".", "--db", &format!("{MARKER}.zip")]);
    write(root, &format!("{MARKER}.zip"), b"PK\x03\x04 truncated");
    out.every_format(root, &["deps", ".", "--db", &format!("{MARKER}.zip")]);
    out.assert_no_leak();
}

#[test]
fn env_files_and_the_process_environment_never_show_the_marker() {
    let repo = leaky_repo();
    let root = repo.path();
    let mut out = Outputs::default();
    out.every_format(root, &["env"]);
    out.every_format(root, &["env", ".env", ".env.production"]);
    let env = [
        ("DATABASE_URL", format!("postgres//app:{MARKER}@db/app")),
        ("STRIPE_SECRET_KEY", format!("sk_live_{MARKER}!")),
        ("SECRET_KEY", MARKER.to_string()),
        (
            "REDIS_URL",
            format!("redis://user:{MARKER}@cache/0?password={MARKER}"),
        ),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    out.every_format_with(root, &["env", "--from-env"], &env, None);

    let fresh = tempfile::tempdir().unwrap();
    write(
        fresh.path(),
        ".env.example",
        format!(
            "STRIPE_SECRET_KEY={}\nDATABASE_URL=postgresql://app:{MARKER}@db/app\n",
            stripe_key()
        ),
    );
    write(
        fresh.path(),
        "app.py",
        "import os\nos.environ['STRIPE_SECRET_KEY']\n",
    );
    out.run(fresh.path(), &["init"]);
    out.file(&fresh.path().join("preflight.toml"));
    out.run(fresh.path(), &["gen", "env", "--output", "generated.env"]);
    out.run(fresh.path(), &["gen", "secret"]);
    out.assert_no_leak();
}

#[test]
fn configuration_and_custom_rules_never_show_the_marker() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app.py", format!("KEY = '{}'\n", stripe_key()));
    write(
        root,
        &format!("{MARKER}-keys.py"),
        format!("KEY = '{}'\n", stripe_key()),
    );
    let mut out = Outputs::default();
    let configs = [
        format!("disable = [\"x\"]\nbogus = \"{MARKER}\"\n"),
        format!("token = \"{MARKER}\n"),
        format!("[allowlist]\nvalues = [\"({MARKER}\"]\n"),
        format!("[allowlist]\npaths = [\"[{MARKER}\"]\n"),
        format!("[allowlist]\nvalues = [\"sk_live_{MARKER}\"]\npaths = [\"**/{MARKER}*\"]\n"),
        format!("[web]\nurls = [\"https://u:{MARKER}@127.0.0.1:1/?token={MARKER}\"]\n"),
    ];
    for (index, config) in configs.iter().enumerate() {
        let name = format!("config-{index}.toml");
        write(root, &name, config);
        out.run(root, &["scan", ".", "--explain", "--config", &name]);
        out.run(
            root,
            &[
                "scan",
                ".",
                "--explain",
                "--format",
                "json",
                "--config",
                &name,
            ],
        );
        out.run(
            root,
            &["check", ".", "--live", "--no-history", "--config", &name],
        );
    }
    write(
        root,
        "rules.toml",
        format!(
            r#"[[rules]]
id = "acme.api-key"
name = "Acme API key"
severity = "high"
keywords = ["acme_"]
pattern = '''\b(acme_[a-z0-9]{{24}})\b'''
examples = [
  {{ text = "key = acme_{MARKER}", secret = "acme_{MARKER}" }},
]
negative_examples = ["acme_{marker_lower}"]
"#,
            marker_lower = MARKER[..24].to_ascii_lowercase()
        ),
    );
    out.run(root, &["rules", "test", "rules.toml"]);
    out.every_format(root, &["scan", ".", "--rules", "rules.toml"]);
    out.assert_no_leak();
}

#[test]
fn live_sites_never_show_the_marker() {
    let ca = Authority::new();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca.write_pem(dir.path());
    let site = Site::hardened()
        .without("Set-Cookie")
        .adding("Set-Cookie", &format!("sessionid={MARKER}; Path=/"))
        .adding("Set-Cookie", &format!("{MARKER}=1; Path=/; SameSite=None"))
        .adding("X-Debug-Token", MARKER)
        .with(
            "Content-Security-Policy",
            &format!("script-src 'nonce-{MARKER}' 'unsafe-inline'; report-uri /r?token={MARKER}"),
        );
    let good = testkit::serve(site, ca.leaf(&["localhost"], Validity::Current), true);
    let untrusted = testkit::serve(Site::hardened(), testkit::self_signed(&["localhost"]), true);
    let urls = [
        format!("{}?token={MARKER}", good.https_url()),
        format!("{}{MARKER}/page", good.http_url()),
        format!("https://u:{MARKER}@localhost:{}/", good.https_port),
        format!("{}?access_token={MARKER}", untrusted.https_url()),
        format!("https://127.0.0.1:1/?sig={MARKER}"),
        format!("https://localhost:{}/{MARKER}", untrusted.https_port),
    ];
    let mut out = Outputs::default();
    for url in &urls {
        out.every_format(
            dir.path(),
            &[
                "web",
                "--ca",
                ca_file.to_str().unwrap(),
                "--timeout",
                "5",
                url,
            ],
        );
    }
    out.assert_no_leak();
}

#[test]
fn database_checks_never_show_the_marker() {
    let plain = support::plain();
    let tls = support::tls();
    let dir = tempfile::tempdir().unwrap();
    let closed = support::free_port();
    let urls = [
        plain.url_with_password("app", MARKER, "appdb", ""),
        format!(
            "postgresql://{MARKER}:{MARKER}@127.0.0.1:{}/{MARKER}?application_name={MARKER}",
            plain.port
        ),
        format!("postgresql://app:{MARKER}@127.0.0.1:{closed}/appdb"),
        format!("postgres//app:{MARKER}@127.0.0.1:{}/appdb", plain.port),
        format!(
            "host=127.0.0.1 port={} user=app password={MARKER} dbname=appdb",
            plain.port
        ),
        format!(
            "{}&sslrootcert={}",
            tls.url_with_password("app", MARKER, "appdb", "sslmode=verify-full"),
            tls.other_ca.display()
        ),
        format!(
            "postgresql://app:{MARKER}@127.0.0.1:{}/appdb?sslmode={MARKER}",
            plain.port
        ),
    ];
    let mut out = Outputs::default();
    for url in &urls {
        out.every_format(dir.path(), &["db", url]);
        out.run_with(dir.path(), &["db"], &[("DATABASE_URL", url.as_str())], None);
    }
    write(dir.path(), ".env", format!("DATABASE_URL={}\n", urls[0]));
    out.every_format(dir.path(), &["check", ".", "--live", "--skip", "web"]);
    out.assert_no_leak();
}
