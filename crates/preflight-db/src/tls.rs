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

use std::path::{Path, PathBuf};
use std::sync::Arc;

use preflight_tls::AcceptAnyCertificate;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
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
        Some(roots) => {
            let webpki =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| DbError::Tls(format!("cannot use the root certificates: {e}")))?;
            if verification == Verification::Full {
                webpki
            } else {
                Arc::new(ChainOnly { inner: webpki })
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

fn load_roots(source: &RootSource) -> Result<RootCertStore, DbError> {
    let mut roots = RootCertStore::empty();
    match source {
        RootSource::System => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
        }
        RootSource::File(path) => {
            let shown = path.display();
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| DbError::Tls(format!("cannot read sslrootcert {shown}: {e}")))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| DbError::Tls(format!("invalid sslrootcert {shown}: {e}")))?;
            let (added, _ignored) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(DbError::Tls(format!(
                    "sslrootcert {shown} holds no usable certificate"
                )));
            }
        }
    }
    if roots.is_empty() {
        return Err(DbError::Tls("no trusted root certificate found".into()));
    }
    Ok(roots)
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
