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
fn a_certificate_that_expires_in_a_few_days() {
    let lab = Lab::new();
    let server = testkit::serve(
        Site::hardened(),
        lab.ca.leaf(&["localhost"], Validity::ExpiresInDays(5)),
        true,
    );
    let outcome = lab.scan_site(&server);
    assert_eq!(problems(&outcome), ["web.tls-cert-expiring"]);
    let expiring = find(&outcome, "web.tls-cert-expiring");
    assert_eq!(expiring.severity, Severity::Medium);
    // Five days from now at generation, so four or five whole days when the scan runs.
    let days: i64 = expiring.details["days-left"].parse().unwrap();
    assert!((4..=5).contains(&days), "{days}");
    // A warning, not a failure: the site keeps its bonuses.
    assert_eq!(graded(&outcome), (115, "A+"));
}

/// Fails the test, saying why, when the `openssl` command is missing.
fn require_openssl() {
    match Command::new("openssl").arg("version").output() {
        Ok(out) if out.status.success() => {}
        other => panic!(
            "these tests need the `openssl` command on PATH (install the openssl package): {other:?}"
        ),
    }
}

/// A certificate authority and leaves made with the `openssl` command, for what neither rcgen
/// nor a rustls server can produce: SHA-1 signatures and RSA keys under 2048 bits.
struct OpensslLab {
    dir: tempfile::TempDir,
}

impl OpensslLab {
    /// A fresh RSA 2048 / SHA-256 CA; fails the test, saying why, when `openssl` is missing.
    fn new() -> OpensslLab {
        require_openssl();
        let lab = OpensslLab {
            dir: tempfile::tempdir().unwrap(),
        };
        lab.openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-sha256",
            "-days",
            "365",
            "-subj",
            "/CN=preflight openssl test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ]);
        lab
    }

    fn openssl(&self, args: &[&str]) {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A leaf for `localhost` with an RSA key of `bits`, signed by the CA with `digest`;
    /// written as `{name}.pem` and `{name}.key`.
    fn leaf(&self, name: &str, bits: u32, digest: &str) {
        std::fs::write(
            self.dir.path().join("leaf.ext"),
            "subjectAltName=DNS:localhost\nbasicConstraints=critical,CA:FALSE\n",
        )
        .unwrap();
        let (key, csr, pem) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.pem"),
        );
        self.openssl(&[
            "req",
            "-new",
            "-newkey",
            &format!("rsa:{bits}"),
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            &key,
            "-out",
            &csr,
        ]);
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "2",
            "-days",
            "365",
            &format!("-{digest}"),
            "-extfile",
            "leaf.ext",
            "-out",
            &pem,
        ]);
    }

    /// Serves the hardened site's page as `/index.html` with `openssl s_server` and the leaf
    /// `name`, at the lowest security level so that weak keys and SHA-1 are served; TLS 1.0
    /// and 1.1 stay off so the certificate is the site's only problem.
    fn serve(&self, name: &str) -> OpensslServer {
        std::fs::write(
            self.dir.path().join("index.html"),
            Site::hardened().response("/"),
        )
        .unwrap();
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let child = Command::new("openssl")
            .args(["s_server", "-HTTP", "-quiet", "-no_tls1", "-no_tls1_1"])
            .args(["-cipher", "DEFAULT@SECLEVEL=0"])
            .args([
                "-cert",
                &format!("{name}.pem"),
                "-key",
                &format!("{name}.key"),
            ])
            .arg("-accept")
            .arg(format!("127.0.0.1:{port}"))
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = OpensslServer { child, port };
        let ready = (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(50));
            TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(ready, "openssl s_server did not start on port {port}");
        server
    }

    /// Scans the page `server` serves, with the http:// probe redirected to it.
    fn scan(&self, server: &OpensslServer) -> Outcome {
        let scanner = Scanner::new(Options {
            ca_file: Some(self.dir.path().join("ca.pem")),
            http_port: Some(testkit::redirect_to(server.port)),
            ..Options::default()
        })
        .unwrap();
        scanner.scan(&format!("https://localhost:{}/index.html", server.port))
    }
}

/// An `openssl s_server`, stopped when dropped (a failing assertion included).
struct OpensslServer {
    child: std::process::Child,
    port: u16,
}

impl Drop for OpensslServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_certificate_signed_with_sha1() {
    let lab = OpensslLab::new();
    lab.leaf("sha1", 2048, "sha1");
    let server = lab.serve("sha1");
    let outcome = lab.scan(&server);
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    // The chain still leads to the trusted CA: SHA-1 is its own finding, not also distrust.
    assert_eq!(problems(&outcome), ["web.tls-sha1-signature"]);
    let sha1 = find(&outcome, "web.tls-sha1-signature");
    assert_eq!(sha1.severity, Severity::High);
    assert!(
        sha1.message.contains("sha1WithRSAEncryption"),
        "{}",
        sha1.message
    );
    let cert = find(&outcome, "web.tls-certificate");
    assert_eq!(cert.details["signature"], "sha1WithRSAEncryption");
    assert_eq!(cert.details["key"], "RSA 2048");
    assert_eq!(graded(&outcome), (80, "B+"));
    // SHA-1 signatures are still checked: a CA that did not sign the leaf does not vouch for it.
    let stranger = OpensslLab::new();
    let outcome = stranger.scan(&server);
    assert_eq!(
        problems(&outcome),
        ["web.tls-cert-untrusted", "web.tls-sha1-signature"]
    );
    assert_eq!(graded(&outcome), (0, "F"));
}

#[test]
fn a_certificate_with_a_1024_bit_rsa_key() {
    let lab = OpensslLab::new();
    lab.leaf("weak", 1024, "sha256");
    let server = lab.serve("weak");
    let outcome = lab.scan(&server);
    // The handshake completes although the key is too small to verify its signatures with.
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    assert_eq!(problems(&outcome), ["web.tls-weak-key"]);
    let weak = find(&outcome, "web.tls-weak-key");
    assert_eq!(weak.severity, Severity::High);
    assert!(weak.message.contains("1024-bit RSA"), "{}", weak.message);
    let cert = find(&outcome, "web.tls-certificate");
    assert_eq!(cert.details["signature"], "sha256WithRSAEncryption");
    assert_eq!(graded(&outcome), (80, "B+"));
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

/// The hand-built ClientHello against a real TLS 1.0 server (OpenSSL still speaks it when
/// told to).
#[test]
fn the_legacy_probe_against_openssl_s_server() {
    require_openssl();
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
    assert!(made.is_ok_and(|s| s.success()), "openssl req failed");
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

/// A certificate and key made by `openssl req -x509` for localhost in `dir` (a CA certificate,
/// as that command marks it), or `None` with a note when openssl is not installed.
// A skipped test says why on standard error.
#[allow(clippy::print_stderr)]
fn openssl_self_signed(dir: &std::path::Path) -> Option<(PathBuf, PathBuf)> {
    let cert = dir.join("site.crt");
    let key = dir.join("site.key");
    let output = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "90",
        ])
        .args([
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output();
    match output {
        Ok(output) if output.status.success() => Some((cert, key)),
        Ok(output) => panic!("openssl: {}", String::from_utf8_lossy(&output.stderr)),
        Err(e) => {
            eprintln!("note: openssl is not available ({e}); skipping");
            None
        }
    }
}

#[test]
fn a_self_signed_openssl_certificate_passed_as_the_ca_is_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let Some((cert, key)) = openssl_self_signed(dir.path()) else {
        return;
    };
    let server = testkit::serve(
        Site::hardened(),
        testkit::Identity::from_pem_files(&cert, &key),
        true,
    );
    let scan = |ca_file: PathBuf| {
        Scanner::new(Options {
            ca_file: Some(ca_file),
            ..Options::default()
        })
        .unwrap()
        .scan(&server.http_url())
    };

    let outcome = scan(cert.clone());
    assert_eq!(problems(&outcome), Vec::<&str>::new());
    assert!(
        outcome
            .facts
            .iter()
            .any(|f| f.id == "web.tls-cert-untrusted"
                && f.message.contains("one of the trusted CA certificates")),
        "{:?}",
        outcome.facts
    );
    assert_eq!(graded(&outcome).1, "A+");

    // Another CA file: the same certificate is untrusted.
    let other = Lab::new();
    let outcome = scan(other.ca_file.clone());
    assert_eq!(problems(&outcome), ["web.tls-cert-untrusted"]);
    assert!(
        outcome
            .facts
            .iter()
            .all(|f| f.id != "web.tls-cert-untrusted")
    );
}

#[test]
fn a_well_configured_site_records_what_passed_as_facts() {
    let lab = Lab::new();
    let server = lab.site(Site::hardened());
    let outcome = lab.scan_site(&server);
    let fact = |id: &str| {
        outcome
            .facts
            .iter()
            .find(|f| f.id == id)
            .unwrap_or_else(|| panic!("no fact {id}: {:?}", outcome.facts))
    };
    assert!(
        fact("web.hsts-missing")
            .message
            .contains("max-age=31536000")
    );
    assert!(
        fact("web.redirect-missing")
            .message
            .contains("https://localhost")
    );
    assert!(fact("web.framing-unprotected").message.contains("DENY"));
    assert!(fact("web.cookie-not-secure").message.contains("2 cookies"));
    assert!(fact("web.tls-legacy-version").message.contains("refused"));
    assert!(fact("web").message.contains("grade A+"));
    assert!(
        fact("web.tls-cert-untrusted")
            .message
            .contains("leads to a trusted root")
    );
    assert!(
        fact("web.tls-hostname-mismatch")
            .message
            .contains("localhost")
    );
    for fact in &outcome.facts {
        assert!(
            !fact.message.contains("s3cr3t-session-value"),
            "cookie values stay out: {}",
            fact.message
        );
    }

    // A site without HSTS has no HSTS fact, and its finding instead.
    let bare = lab.site(Site::hardened().without("Strict-Transport-Security"));
    let outcome = lab.scan_site(&bare);
    assert!(outcome.facts.iter().all(|f| f.id != "web.hsts-missing"));
    find(&outcome, "web.hsts-missing");
}
