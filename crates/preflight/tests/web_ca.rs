//! `preflight web --ca` with a self-signed certificate made by `openssl req -x509`, which marks
//! it as a CA: the server presenting that very certificate is trusted, as `curl --cacert` does;
//! and the HTML report of such a scan shows what passed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Run, preflight_command};
use preflight_web::testkit::{self, Identity, Site};

/// `openssl req -x509` for localhost in `dir`, or `None` with a note when openssl is missing.
// A skipped test says why on standard error.
#[allow(clippy::print_stderr)]
fn openssl_self_signed(dir: &Path) -> Option<(PathBuf, PathBuf)> {
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
fn the_server_s_own_certificate_given_as_the_ca_is_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let Some((cert, key)) = openssl_self_signed(dir.path()) else {
        return;
    };
    let server = testkit::serve(
        Site::hardened(),
        Identity::from_pem_files(&cert, &key),
        true,
    );
    let run = Run::from(
        preflight_command(dir.path(), &["web", "--format", "json", "--ca"])
            .arg(&cert)
            .arg(server.http_url())
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let ids: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"web.tls-cert-untrusted"), "{ids:?}");
    assert_eq!(json["grade"], "A+");

    // The HTML report ticks the TLS and HSTS items with what the scan saw.
    let report = dir.path().join("report.html");
    let run = Run::from(
        preflight_command(dir.path(), &["web", "--format", "html", "-o"])
            .arg(&report)
            .arg("--ca")
            .arg(&cert)
            .arg(server.http_url())
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("max-age=31536000"),
        "the HSTS value is the evidence"
    );
    assert!(html.contains("TLS 1.0 and TLS 1.1 handshakes are refused"));
    assert!(
        !html.contains("s3cr3t-session-value"),
        "cookie values stay out"
    );
}
