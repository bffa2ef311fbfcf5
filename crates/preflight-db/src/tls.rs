//! TLS for the connection, verifying the server as far as libpq's `sslmode` says.
//!
//! libpq's rules, followed here:
//! - `verify-full` checks the chain against the trusted roots and that the certificate names
//!   the host; `verify-ca` checks only the chain;
//! - `require`, `prefer` and `allow` encrypt without verifying, unless a root certificate file
//!   is there (`sslrootcert`, or `~/.postgresql/root.crt`), in which case they check the chain as
//!   `verify-ca` does;
//! - `verify-ca` and `verify-full` without a root certificate file are an error;
//!   `sslrootcert=system` uses the operating system's trust store.
//!
//! "Not verifying" still checks the handshake's signatures: it skips only the question of who
//! the certificate belongs to.
//!
//! As with libpq, a server whose own certificate is in the `sslrootcert` file is trusted even
//! when that certificate is marked as a CA (as `openssl req -x509` makes it), which webpki alone
//! refuses.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use preflight_tls::{AcceptAnyCertificate, ListedCertificates, TrustListedLeaf};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use crate::DbError;
use crate::conninfo::{ConnInfo, SslMode};

/// How much of the server's certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verification {
    /// Nothing: any certificate is accepted.
    None,
    /// The chain to a trusted root, not the host name.
    Chain,
    /// The chain and the host name.
    Full,
}

/// The rustls configuration for `info`, and how far it verifies.
pub(crate) fn client_config(info: &ConnInfo) -> Result<(ClientConfig, Verification), DbError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mode = info.effective_sslmode();
    let roots = match root_certificate_source(info) {
        Some(source) => Some(load_roots(&source)?),
        None if mode >= SslMode::VerifyCa => {
            return Err(DbError::Tls(format!(
                "sslmode={mode} needs trusted root certificates: set `sslrootcert` to a PEM file \
                 (or `system`), or create ~/.postgresql/root.crt"
            )));
        }
        None => None,
    };
    let verification = match (mode, &roots) {
        (SslMode::VerifyFull, _) => Verification::Full,
        (_, Some(_)) => Verification::Chain,
        (_, None) => Verification::None,
    };
    let algorithms = provider.signature_verification_algorithms;
    let verifier: Arc<dyn ServerCertVerifier> = match roots {
        // `require` without root certificates: encryption only.
        None => Arc::new(AcceptAnyCertificate::new(algorithms)),
        Some((roots, listed)) => {
            let webpki =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| DbError::Tls(format!("cannot use the root certificates: {e}")))?;
            let full = verification == Verification::Full;
            let chain: Arc<dyn ServerCertVerifier> = if full {
                webpki
            } else {
                Arc::new(ChainOnly { inner: webpki })
            };
            match listed {
                Some(listed) => Arc::new(TrustListedLeaf::new(chain, listed, full)),
                None => chain,
            }
        }
    };
    let config = preflight_tls::client_config(provider, verifier)
        .map_err(|e| DbError::Tls(e.to_string()))?;
    Ok((config, verification))
}

/// Where trusted roots come from.
enum RootSource {
    System,
    File(PathBuf),
}

fn root_certificate_source(info: &ConnInfo) -> Option<RootSource> {
    match info.sslrootcert.as_deref() {
        Some("system") => Some(RootSource::System),
        Some(path) => Some(RootSource::File(PathBuf::from(path))),
        None => {
            let home = std::env::var_os("HOME")?;
            let default = Path::new(&home).join(".postgresql").join("root.crt");
            default.is_file().then_some(RootSource::File(default))
        }
    }
}

/// The trusted roots of `source`, and for a file its certificates as written (a server
/// presenting one of them as its own is trusted).
fn load_roots(source: &RootSource) -> Result<(RootCertStore, Option<ListedCertificates>), DbError> {
    let mut roots = RootCertStore::empty();
    let mut listed = None;
    match source {
        RootSource::System => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
        }
        RootSource::File(path) => {
            let shown = path.display();
            let certs = ListedCertificates::read_pem(path)
                .map_err(|e| DbError::Tls(format!("cannot read sslrootcert {shown}: {e}")))?;
            let (added, _ignored) =
                roots.add_parsable_certificates(certs.certificates().iter().cloned());
            if added == 0 {
                return Err(DbError::Tls(format!(
                    "sslrootcert {shown} holds no usable certificate"
                )));
            }
            listed = Some(certs);
        }
    }
    if roots.is_empty() {
        return Err(DbError::Tls("no trusted root certificate found".into()));
    }
    Ok((roots, listed))
}

/// `verify-ca`: the full check, except that a certificate for another name passes.
#[derive(Debug)]
struct ChainOnly {
    inner: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::path::Path;
    use std::process::Command;

    use rustls::pki_types::PrivateKeyDer;
    use rustls::pki_types::pem::PemObject;
    use rustls::{ClientConnection, ServerConfig, ServerConnection, StreamOwned};

    use super::*;

    /// `openssl req -x509` for `name` in `dir`: a self-signed certificate marked as a CA.
    fn openssl_self_signed(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
        let cert = dir.join("server.crt");
        let key = dir.join("server.key");
        let output = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
            ])
            .arg("-subj")
            .arg(format!("/CN={name}"))
            .arg("-addext")
            .arg(format!("subjectAltName=DNS:{name}"))
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .expect("openssl is installed (the database tests need it)");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        (cert, key)
    }

    /// A TLS server on 127.0.0.1 for one connection with `cert` and `key`; its port.
    fn serve_once(cert: &Path, key: &Path) -> u16 {
        let chain = CertificateDer::pem_file_iter(cert)
            .expect("certificate file")
            .collect::<Result<Vec<_>, _>>()
            .expect("certificate");
        let key = PrivateKeyDer::from_pem_file(key).expect("key");
        let config =
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .expect("versions")
                .with_no_client_auth()
                .with_single_cert(chain, key)
                .expect("server certificate");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        std::thread::spawn(move || {
            if let Ok((stream, _)) = listener.accept() {
                let connection = ServerConnection::new(Arc::new(config)).expect("server");
                let mut tls = StreamOwned::new(connection, stream);
                let mut byte = [0u8; 1];
                if tls.read_exact(&mut byte).is_ok() {
                    let _ = tls.write_all(&byte);
                }
            }
        });
        port
    }

    /// Connects to a server presenting `cert` as `host`, configured by the connection `url`.
    fn connect(url: &str, host: &str, cert: &Path, key: &Path) -> Result<(), String> {
        let info = ConnInfo::parse(url).expect("a valid URL");
        let (config, _) = client_config(&info).map_err(|e| e.to_string())?;
        let port = serve_once(cert, key);
        let name = ServerName::try_from(host.to_string()).expect("name");
        let connection = ClientConnection::new(Arc::new(config), name).expect("client");
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let mut tls = StreamOwned::new(connection, stream);
        tls.write_all(b"x").map_err(|e| e.to_string())?;
        let mut byte = [0u8; 1];
        tls.read_exact(&mut byte).map_err(|e| e.to_string())
    }

    #[test]
    fn a_server_whose_own_certificate_is_the_sslrootcert_is_verified() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (cert, key) = openssl_self_signed(dir.path(), "db.internal");
        let root = cert.display();
        for mode in ["verify-full", "verify-ca", "require"] {
            let url = format!("postgresql://app@db.internal/app?sslmode={mode}&sslrootcert={root}");
            connect(&url, "db.internal", &cert, &key).unwrap_or_else(|e| panic!("{mode}: {e}"));
        }
        // verify-full still wants the name; verify-ca does not.
        let full =
            format!("postgresql://app@db.internal/app?sslmode=verify-full&sslrootcert={root}");
        let refused = connect(&full, "other.internal", &cert, &key).unwrap_err();
        assert!(refused.contains("not valid for name"), "{refused}");
        let ca = format!("postgresql://app@db.internal/app?sslmode=verify-ca&sslrootcert={root}");
        connect(&ca, "other.internal", &cert, &key).expect("verify-ca ignores the name");
    }

    #[test]
    fn another_self_signed_certificate_is_still_refused() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (listed, _) = openssl_self_signed(dir.path(), "db.internal");
        let other_dir = tempfile::tempdir().expect("temporary directory");
        let (cert, key) = openssl_self_signed(other_dir.path(), "db.internal");
        let url = format!(
            "postgresql://app@db.internal/app?sslmode=verify-full&sslrootcert={}",
            listed.display()
        );
        assert!(connect(&url, "db.internal", &cert, &key).is_err());
    }
}
