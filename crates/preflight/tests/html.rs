//! `--format html` end to end: a real project's report written as one page, which a real browser
//! (headless Chromium, when installed) renders with its findings and without the secret.

mod common;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{preflight_command, write};
use preflight_rules::RuleSet;

/// The longest a browser run may take before the test gives up on it.
const BROWSER_LIMIT: Duration = Duration::from_secs(120);

/// A Django project with a live Stripe key and DEBUG on in its settings, and secure cookies;
/// the key.
fn project(root: &Path) -> String {
    let key = RuleSet::builtin()
        .unwrap()
        .get("stripe.secret-key")
        .unwrap()
        .examples[0]
        .secret
        .clone();
    write(
        root,
        "shop/settings.py",
        format!(
            "STRIPE_KEY = \"{key}\"\nDEBUG = True\nINSTALLED_APPS = []\nSESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\n"
        ),
    );
    key
}

/// The report of `root` as HTML in `report`; the run's exit code.
fn html_report(root: &Path, report: &Path) -> i32 {
    let output = preflight_command(
        root,
        &["check", ".", "-q", "--no-history", "--format", "html"],
    )
    .arg("-o")
    .arg(report)
    .output()
    .expect("the binary runs");
    output.status.code().unwrap_or(-1)
}

/// The installed Chromium, if any.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH")?
                .to_str()?
                .split(':')
                .map(|dir| Path::new(dir).join(name))
                .find(|path| path.is_file())
        })
}

/// Runs headless Chromium on `page` with `args` and returns what it printed, killing it after
/// [`BROWSER_LIMIT`]. Its output is read while it runs, so that a page larger than the pipe's
/// buffer cannot block it.
fn browse(browser: &Path, profile: &Path, args: &[&str], page: &Path) -> Vec<u8> {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().expect("chromium's output");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = sender.send(stdout.read_to_end(&mut out).map(|_| out));
    });
    let started = Instant::now();
    while child.try_wait().expect("waiting for chromium").is_none() {
        if started.elapsed() > BROWSER_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish in {BROWSER_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // A helper process the browser left behind may hold the pipe open: wait for the end of
    // the output no longer than the limit.
    let left = BROWSER_LIMIT.saturating_sub(started.elapsed()) + Duration::from_secs(5);
    receiver
        .recv_timeout(left)
        .expect("chromium's output ends when it exits")
        .expect("chromium's output is readable")
}

#[test]
fn the_report_is_one_page_without_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let key = project(dir.path());
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report.html");
    assert_eq!(html_report(dir.path(), &report), 1);
    let html = std::fs::read_to_string(&report).expect("the report was written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("stripe.secret-key"));
    assert!(!html.contains(&key), "the secret is in the report");
    assert!(!html.contains("<script"), "no scripts");
    assert!(!html.contains("http-equiv"), "no refresh or other tricks");
}

// A skipped test says why on standard error.
#[allow(clippy::print_stderr)]
#[test]
fn chromium_renders_the_report_with_its_findings() {
    let Some(browser) = chromium() else {
        eprintln!("note: chromium is not installed; the browser rendering test is skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let key = project(dir.path());
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report.html");
    assert_eq!(html_report(dir.path(), &report), 1);

    let profile = tempfile::tempdir().unwrap();
    let dom = browse(&browser, profile.path(), &["--dump-dom"], &report);
    // Paths carry break opportunities (`<wbr>`) after each directory.
    let dom = String::from_utf8_lossy(&dom).replace("<wbr>", "");
    assert!(dom.contains("stripe.secret-key"), "the finding is rendered");
    assert!(dom.contains("shop/settings.py:1"), "with its place");
    assert!(dom.contains("class=\"item failed\""), "under a failed item");
    assert!(!dom.contains(&key), "the secret is not in the page");
    let cookies = dom
        .split("<li class=\"item ")
        .find(|item| item.contains("Cookies are marked Secure"))
        .expect("the cookie item is rendered");
    assert!(
        cookies.starts_with("passed\""),
        "the cookie item passed: {cookies}"
    );
    assert!(
        cookies.contains("<code>SESSION_COOKIE_SECURE = True</code>")
            && cookies.contains("shop/settings.py:4:1"),
        "with its evidence and its place: {cookies}"
    );

    let shot = out.path().join("report.png");
    let profile = tempfile::tempdir().unwrap();
    let shot_arg = format!("--screenshot={}", shot.display());
    browse(
        &browser,
        profile.path(),
        &[&shot_arg, "--window-size=1280,2000"],
        &report,
    );
    let png = std::fs::read(&shot).expect("a screenshot was written");
    assert!(png.starts_with(b"\x89PNG"), "a PNG image");
    // A blank 1280x2000 page compresses to a few kilobytes; a rendered report is far larger.
    assert!(
        png.len() > 50_000,
        "the screenshot looks empty: {} bytes",
        png.len()
    );

    // Printed: a PDF of several pages (the checklists do not fit on one).
    let pdf = out.path().join("report.pdf");
    let profile = tempfile::tempdir().unwrap();
    let pdf_arg = format!("--print-to-pdf={}", pdf.display());
    browse(
        &browser,
        profile.path(),
        &[&pdf_arg, "--no-pdf-header-footer"],
        &report,
    );
    let pdf = std::fs::read(&pdf).expect("a PDF was written");
    assert!(pdf.starts_with(b"%PDF"), "a PDF document");
    let text = String::from_utf8_lossy(&pdf);
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    assert!(pages > 1, "{pages} pages");
}
