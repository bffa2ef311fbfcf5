//! End-to-end scans of real HTTPS sites served on 127.0.0.1 with certificates made at test
//! time: a well-configured site, then one site per failure, each asserting its finding and the
//! grade.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use preflight_findings::{Finding, Outcome, Severity};
use preflight_web::testkit::{self, Authority, Server, Site, Validity};
use preflight_web::{LegacyVersion, Options, ProbeResult, Scanner};

struct Lab {
    ca: Authority,
    _dir: tempfile::TempDir,
    ca_file: PathBuf,
}

impl Lab {
    fn new() -> Lab {
        let ca = Authority::new();
        let dir = tempfile::tempdir().unwrap();
        let ca_file = ca.write_pem(dir.path());
        Lab {
            ca,
            _dir: dir,
            ca_file,
        }
    }

    fn site(&self, site: Site) -> Server {
        testkit::serve(site, self.ca.leaf(&["localhost"], Validity::Current), true)
    }

    fn scan(&self, url: &str, http_port: Option<u16>) -> Outcome {
        let scanner = Scanner::new(Options {
            ca_file: Some(self.ca_file.clone()),
            http_port,
            ..Options::default()
        })
        .unwrap();
        scanner.scan(url)
    }

    fn scan_site(&self, server: &Server) -> Outcome {
        self.scan(&server.http_url(), None)
    }
}

fn ids(outcome: &Outcome) -> Vec<&str> {
    outcome.findings.iter().map(|f| f.id.as_str()).collect()
}

/// The first finding `id`; its absence fails the test, naming the ids there are.
fn find<'a>(outcome: &'a Outcome, id: &str) -> &'a Finding {
    outcome
        .findings
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(outcome)))
}

fn graded(outcome: &Outcome) -> (i32, &str) {
    let score = &outcome.scores[0];
    (score.score, score.grade.as_str())
}

/// The findings above `info`, sorted and deduplicated, for exact comparison.
fn problems(outcome: &Outcome) -> Vec<&str> {
    let mut ids: Vec<&str> = outcome
        .findings
        .iter()
        .filter(|f| f.severity > Severity::Info)
        .map(|f| f.id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[test]
fn a_well_configured_site_gets_a_plus_with_its_redirect_and_certificate_reported() {
    let lab = Lab::new();
    let server = lab.site(Site::hardened());
    let outcome = lab.scan_site(&server);
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    assert_eq!(
        problems(&outcome),
        Vec::<&str>::new(),
        "{:#?}",
        outcome.findings
    );
    assert_eq!(graded(&outcome), (120, "A+"));
    let chain = find(&outcome, "web.redirect-chain");
    assert_eq!(
        chain.details["hop-01"],
        format!("301 {} -> {}", server.http_url(), server.https_url())
    );
    let cert = find(&outcome, "web.tls-certificate");
    assert_eq!(cert.details["sans"], "localhost");
    assert!(
        cert.details["key"].starts_with("EC 256"),
        "{:?}",
        cert.details
    );
    assert_eq!(cert.details["signature"], "ecdsa-with-SHA256");
    let modifiers: Vec<&str> = outcome.scores[0]
        .modifiers
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(
        modifiers,
        [
            "web.csp-strict",
            "web.csp-frame-ancestors",
            "web.referrer-policy-private",
            "web.cookies-secure"
        ]
    );
    // The session cookie's value never reaches a finding.
    let json = format!("{:?}", outcome.findings);
    assert!(!json.contains("s3cr3t-session-value"));
}

#[test]
fn missing_hsts() {
    let lab = Lab::new();
    let server = lab.site(Site::hardened().without("Strict-Transport-Security"));
    let outcome = lab.scan_site(&server);
    assert_eq!(problems(&outcome), ["web.hsts-missing"]);
    assert_eq!(graded(&outcome), (80, "B+"));
}

#[test]
fn weak_hsts_fails_each_threshold_of_the_guide() {
    let lab = Lab::new();
    let server = lab.site(Site::hardened().with("Strict-Transport-Security", "max-age=15768000"));
    let outcome = lab.scan_site(&server);
    assert_eq!(
        problems(&outcome),
        [
            "web.hsts-no-preload",
            "web.hsts-no-subdomains",
            "web.hsts-short-max-age"
        ]
    );
    assert_eq!(graded(&outcome), (80, "B+"));
}

#[test]
fn malformed_hsts() {
    let lab = Lab::new();
    let server = lab.site(Site::hardened().with(
        "Strict-Transport-Security",
        "max-age=31536000, includeSubDomains",
    ));
    let outcome = lab.scan_site(&server);
    assert_eq!(problems(&outcome), ["web.hsts-malformed"]);
    assert_eq!(graded(&outcome), (80, "B+"));
}

#[test]
fn unsafe_csp_and_report_only_policies() {
    let lab = Lab::new();
    let site = Site::hardened()
        .with(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' *; object-src 'none'; frame-ancestors 'none'",
        )
        .adding("Content-Security-Policy-Report-Only", "default-src 'none'");
    let outcome = lab.scan_site(&lab.site(site));
    assert_eq!(
        problems(&outcome),
        [
            "web.csp-unsafe-eval",
            "web.csp-unsafe-inline",
            "web.csp-wildcard-source"
        ]
    );
    assert!(ids(&outcome).contains(&"web.csp-report-only"));
    assert_eq!(graded(&outcome), (60, "C+"));
}

#[test]
fn missing_csp_and_framing_protection() {
    let lab = Lab::new();
    let site = Site::hardened()
        .without("Content-Security-Policy")
        .without("X-Frame-Options")
        .with("X-XSS-Protection", "1; mode=block");
    let outcome = lab.scan_site(&lab.site(site));
    assert_eq!(
        problems(&outcome),
        ["web.csp-missing", "web.framing-unprotected"]
    );
    assert!(ids(&outcome).contains(&"web.x-xss-protection"));
    assert_eq!(graded(&outcome), (55, "C"));
}

#[test]
fn insecure_cookies() {
    let lab = Lab::new();
    let site = Site::hardened()
        .without("Set-Cookie")
        .adding("Set-Cookie", "sessionid=abc; Path=/; Max-Age=1209600")
        .adding("Set-Cookie", "csrftoken=t; Path=/; Secure; SameSite=Lax")
        .adding(
            "Set-Cookie",
            "__Host-pref=1; Secure; Path=/app; SameSite=Lax",
        );
    let outcome = lab.scan_site(&lab.site(site));
    assert_eq!(
        problems(&outcome),
        [
            "web.cookie-prefix-invalid",
            "web.cookie-samesite-missing",
            "web.session-cookie-long-lived",
            "web.session-cookie-not-httponly",
            "web.session-cookie-not-secure",
        ]
    );
    // The CSRF cookie that scripts read needs no HttpOnly.
    assert!(
        outcome
            .findings
            .iter()
            .all(|f| f.details.get("cookie").map(String::as_str) != Some("csrftoken"))
    );
    assert_eq!(graded(&outcome), (0, "F"));
}

#[test]
fn wildcard_cors_with_credentials() {
    let lab = Lab::new();
    let site = Site::hardened()
        .with("Access-Control-Allow-Origin", "*")
        .with("Access-Control-Allow-Credentials", "true");
    let outcome = lab.scan_site(&lab.site(site));
    assert_eq!(problems(&outcome), ["web.cors-wildcard-credentials"]);
    assert_eq!(graded(&outcome), (50, "C"));
}

#[test]
fn reflected_origin_with_credentials() {
    let lab = Lab::new();
    let mut site = Site::hardened();
    site.reflect_origin = true;
    let outcome = lab.scan_site(&lab.site(site));
    assert_eq!(problems(&outcome), ["web.cors-reflected-origin"]);
    assert_eq!(graded(&outcome), (50, "C"));
}

#[test]
fn version_banners_and_a_django_debug_page() {
    let lab = Lab::new();
    let mut site = Site::hardened()
        .with("Server", "nginx/1.18.0")
        .with("X-Powered-By", "Express");
    site.not_found_body = "<h1>Page not found <span>(404)</span></h1><p>Using the URLconf defined in <code>shop.urls</code></p><p>You're seeing this error because you have <code>DEBUG = True</code> in your Django settings file.</p>".into();
    let outcome = lab.scan_site(&lab.site(site));
    assert_eq!(
        problems(&outcome),
        ["web.debug-page", "web.powered-by", "web.server-version"]
    );
    let debug = find(&outcome, "web.debug-page");
    assert_eq!(debug.severity, Severity::Critical);
    assert!(debug.message.contains("Django"));
    assert_eq!(graded(&outcome), (40, "D+"));
}

#[test]
fn http_that_does_not_redirect() {
    let lab = Lab::new();
    let server = testkit::serve(
        Site::hardened(),
        lab.ca.leaf(&["localhost"], Validity::Current),
        false,
    );
    // The HTTPS site is fine, but http:// serves the page instead of redirecting.
    let outcome = lab.scan(&server.https_url(), Some(server.http_port));
    assert_eq!(problems(&outcome), ["web.redirect-missing"]);
    assert_eq!(graded(&outcome), (80, "B+"));
    // Scanning the http:// URL itself ends on plain HTTP.
    let outcome = lab.scan(&server.http_url(), None);
    assert_eq!(
        problems(&outcome),
        ["web.plain-http", "web.redirect-missing"]
    );
    assert_eq!(graded(&outcome), (40, "D+"));
}

#[test]
fn an_expired_certificate() {
    let lab = Lab::new();
    let server = testkit::serve(
        Site::hardened(),
        lab.ca.leaf(&["localhost"], Validity::Expired),
        true,
    );
    let outcome = lab.scan_site(&server);
    assert_eq!(problems(&outcome), ["web.tls-cert-expired"]);
    assert!(
        outcome.findings[..]
            .iter()
            .any(|f| f.message.contains("expired"))
    );
    assert_eq!(graded(&outcome), (0, "F"));
}

#[test]
fn a_certificate_for_another_host() {
    let lab = Lab::new();
    let server = testkit::serve(
        Site::hardened(),
        lab.ca.leaf(&["other.example"], Validity::Current),
        true,
    );
    let outcome = lab.scan_site(&server);
    assert_eq!(problems(&outcome), ["web.tls-hostname-mismatch"]);
    let mismatch = find(&outcome, "web.tls-hostname-mismatch");
    assert!(
        mismatch.message.contains("other.example"),
        "{}",
        mismatch.message
    );
    assert_eq!(graded(&outcome), (0, "F"));
}

#[test]
fn a_self_signed_certificate() {
    let lab = Lab::new();
    let server = testkit::serve(Site::hardened(), testkit::self_signed(&["localhost"]), true);
    let outcome = lab.scan_site(&server);
    assert_eq!(problems(&outcome), ["web.tls-cert-untrusted"]);
    let untrusted = find(&outcome, "web.tls-cert-untrusted");
    assert!(
        untrusted.message.contains("self-signed"),
        "{}",
        untrusted.message
    );
    assert_eq!(graded(&outcome), (0, "F"));
}

#[test]
fn a_server_that_accepts_tls_1_0() {
    let lab = Lab::new();
    let mut site = Site::hardened();
    site.accept_tls10 = true;
    let outcome = lab.scan_site(&lab.site(site));
    assert_eq!(problems(&outcome), ["web.tls-legacy-version"]);
    let legacy: Vec<&str> = outcome
        .findings
        .iter()
        .filter(|f| f.id == "web.tls-legacy-version")
        .map(|f| f.details["version"].as_str())
        .collect();
    assert_eq!(legacy, ["TLS 1.0"]);
    assert_eq!(graded(&outcome), (80, "B+"));
}

#[test]
fn network_failures_are_warnings_that_name_the_cause() {
    let lab = Lab::new();
    let server = lab.site(Site::hardened());
    // TLS spoken to a plain HTTP port.
    let plain_as_tls = format!("https://localhost:{}/", server.http_port);
    let outcome = lab.scan(&plain_as_tls, Some(server.http_port));
    assert!(outcome.scores.is_empty());
    assert!(
        outcome
            .warnings
            .iter()
            .any(|w| w.message.contains("TLS handshake")),
        "{:?}",
        outcome.warnings
    );
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let outcome = lab.scan(&format!("http://127.0.0.1:{port}/"), None);
    assert!(outcome.scores.is_empty());
    assert!(
        outcome
            .warnings
            .iter()
            .any(|w| w.message.contains("refused")),
        "{:?}",
        outcome.warnings
    );
    let outcome = lab.scan("ftp://localhost/", None);
    assert!(outcome.warnings[0].message.contains("only http"));
}

/// The hand-built ClientHello against a real TLS 1.0 server, when the machine's OpenSSL can
/// still be told to speak it.
#[test]
fn the_legacy_probe_against_openssl_s_server() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.pem");
    let cert = dir.path().join("cert.pem");
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !made.is_ok_and(|s| s.success()) {
        return; // No openssl on this machine: the fake TLS 1.0 server test covers the probe.
    }
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut server = Command::new("openssl")
        .args([
            "s_server",
            "-tls1",
            "-cipher",
            "DEFAULT@SECLEVEL=0",
            "-www",
            "-accept",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(&cert)
        .arg("-key")
        .arg(&key)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut ready = false;
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            ready = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let probe = |version| {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        std::io::Write::write_all(
            &mut stream,
            &preflight_web::client_hello(version, "localhost", [9; 32]),
        )
        .unwrap();
        preflight_web::read_answer(&mut stream, version).unwrap()
    };
    let results = ready.then(|| (probe(LegacyVersion::Tls10), probe(LegacyVersion::Tls11)));
    let _ = server.kill();
    let _ = server.wait();
    let (tls10, tls11) = results.expect("openssl s_server started");
    assert!(matches!(tls10, ProbeResult::Accepted { .. }), "{tls10:?}");
    assert!(matches!(tls11, ProbeResult::Refused(_)), "{tls11:?}");
}
