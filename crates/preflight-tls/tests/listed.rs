//! A server whose own certificate is in the trust file, as `openssl req -x509` makes one (a CA
//! certificate), over a real loopback TLS connection.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::thread;

use preflight_tls::{ListedCertificates, TrustListedLeaf, client_config};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConnection, ServerConfig, ServerConnection, StreamOwned};

/// A certificate and key written by `openssl req -x509` for `name` into `dir`, or `None` (with
/// a note) when openssl is not installed.
// A skipped test says why on standard error.
#[allow(clippy::print_stderr)]
fn openssl_self_signed(dir: &Path, name: &str) -> Option<(PathBuf, PathBuf)> {
    let cert = dir.join(format!("{name}.crt"));
    let key = dir.join(format!("{name}.key"));
    let status = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .arg("ec_paramgen_curve:P-256")
        .args(["-nodes", "-days", "30", "-subj"])
        .arg(format!("/CN={name}"))
        .arg("-addext")
        .arg(format!("subjectAltName=DNS:{name}"))
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output();
    match status {
        Ok(output) if output.status.success() => Some((cert, key)),
        Ok(output) => panic!(
            "openssl req failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(e) => {
            eprintln!("note: openssl is not available ({e}); skipping");
            None
        }
    }
}

/// Serves one TLS connection on 127.0.0.1 with `cert` and `key`, echoing one byte back.
fn serve_once(cert: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(cert, key)
        .expect("server certificate");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("local address").port();
    let config = Arc::new(config);
    thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            let connection = ServerConnection::new(config).expect("server connection");
            let mut tls = StreamOwned::new(connection, stream);
            let mut byte = [0u8; 1];
            if tls.read_exact(&mut byte).is_ok() {
                let _ = tls.write_all(&byte);
                let _ = tls.flush();
            }
        }
    });
    port
}

/// Connects to a server presenting `cert_file` (with `key_file`) as `name`, verifying with
/// `verifier`; the handshake's result.
fn handshake(
    cert_file: &Path,
    key_file: &Path,
    name: &str,
    verifier: Arc<dyn ServerCertVerifier>,
) -> Result<(), String> {
    let certs = CertificateDer::pem_file_iter(cert_file)
        .expect("read certificate")
        .collect::<Result<Vec<_>, _>>()
        .expect("parse certificate");
    let key = PrivateKeyDer::from_pem_file(key_file).expect("read key");
    let port = serve_once(certs, key);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = client_config(provider, verifier).expect("client configuration");
    let server_name = ServerName::try_from(name.to_string()).expect("server name");
    let connection = ClientConnection::new(Arc::new(config), server_name).expect("client");
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut tls = StreamOwned::new(connection, stream);
    tls.write_all(b"x").map_err(|e| e.to_string())?;
    let mut byte = [0u8; 1];
    tls.read_exact(&mut byte).map_err(|e| e.to_string())?;
    Ok(())
}

fn webpki(listed: &ListedCertificates) -> Arc<dyn ServerCertVerifier> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    WebPkiServerVerifier::builder_with_provider(Arc::new(listed.roots().expect("roots")), provider)
        .build()
        .expect("verifier")
}

fn trusting(listed: &ListedCertificates, check_name: bool) -> Arc<dyn ServerCertVerifier> {
    Arc::new(TrustListedLeaf::new(
        webpki(listed),
        listed.clone(),
        check_name,
    ))
}

#[test]
fn an_openssl_self_signed_server_certificate_listed_as_trusted_is_trusted() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let Some((cert, key)) = openssl_self_signed(dir.path(), "localhost") else {
        return;
    };
    let listed = ListedCertificates::read_pem(&cert).expect("read the trust file");

    // webpki alone refuses it: the certificate is a CA.
    let refused = handshake(&cert, &key, "localhost", webpki(&listed)).unwrap_err();
    assert!(refused.contains("CaUsedAsEndEntity"), "{refused}");

    handshake(&cert, &key, "localhost", trusting(&listed, true)).expect("trusted");
}

#[test]
fn a_listed_certificate_must_still_name_the_server_when_names_are_checked() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let Some((cert, key)) = openssl_self_signed(dir.path(), "localhost") else {
        return;
    };
    let listed = ListedCertificates::read_pem(&cert).expect("read the trust file");
    let refused = handshake(&cert, &key, "db.internal", trusting(&listed, true)).unwrap_err();
    assert!(refused.contains("not valid for name"), "{refused}");
    handshake(&cert, &key, "db.internal", trusting(&listed, false)).expect("chain only");
}

#[test]
fn a_self_signed_certificate_that_is_not_listed_stays_untrusted() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let Some((listed_cert, _)) = openssl_self_signed(dir.path(), "localhost") else {
        return;
    };
    let other = dir.path().join("other");
    std::fs::create_dir(&other).expect("mkdir");
    let (cert, key) = openssl_self_signed(&other, "localhost").expect("second certificate");
    let listed = ListedCertificates::read_pem(&listed_cert).expect("read the trust file");
    assert!(handshake(&cert, &key, "localhost", trusting(&listed, true)).is_err());
}

#[test]
fn an_expired_listed_ca_certificate_is_not_trusted() {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, date_time_ymd};
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.not_before = date_time_ymd(2020, 1, 1);
    params.not_after = date_time_ymd(2021, 1, 1);
    let key = KeyPair::generate().expect("key");
    let cert = params.self_signed(&key).expect("self-signed");
    let cert_file = dir.path().join("expired.crt");
    let key_file = dir.path().join("expired.key");
    std::fs::write(&cert_file, cert.pem()).expect("write certificate");
    std::fs::write(&key_file, key.serialize_pem()).expect("write key");
    let listed = ListedCertificates::read_pem(&cert_file).expect("read the trust file");
    let refused = handshake(&cert_file, &key_file, "localhost", trusting(&listed, true))
        .expect_err("an expired certificate");
    assert!(refused.to_lowercase().contains("expired"), "{refused}");
}

#[test]
fn a_trust_file_without_certificates_is_an_error() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").expect("write");
    assert!(ListedCertificates::read_pem(&empty).is_err());
    assert!(ListedCertificates::read_pem(&dir.path().join("missing.pem")).is_err());
}
