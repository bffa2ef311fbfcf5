//! TLS client plumbing shared by the live checks (`preflight web`, `preflight db`).
//!
//! Both checks connect to servers whose certificates may be wrong on purpose: the web check
//! inspects a broken chain after the handshake instead of refusing it, and the database check
//! encrypts without verifying when libpq's `sslmode` says so. Both therefore need a verifier
//! that accepts any certificate while still checking the handshake's signatures against the
//! presented key, and a client configuration built around a verifier of their choosing. That
//! piece lives here once; what each check does with the certificate (judging the chain,
//! following `sslmode`) stays in its own crate.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};

/// A client configuration for TLS 1.2 and 1.3 with `provider`'s algorithms, no client
/// certificate, and `verifier` judging the server's certificate during the handshake.
pub fn client_config(
    provider: Arc<CryptoProvider>,
    verifier: Arc<dyn ServerCertVerifier>,
) -> Result<ClientConfig, rustls::Error> {
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// Accepts every certificate chain during the handshake, for any server name. The handshake's
/// signatures are still verified against the presented key, so the connection is encrypted
/// with whoever holds that key; only the question of who the certificate belongs to is skipped.
#[derive(Debug)]
pub struct AcceptAnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl AcceptAnyCertificate {
    /// A verifier checking handshake signatures with `algorithms` (a provider's
    /// `signature_verification_algorithms`).
    pub fn new(algorithms: WebPkiSupportedAlgorithms) -> Self {
        AcceptAnyCertificate { algorithms }
    }
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> Arc<CryptoProvider> {
        Arc::new(rustls::crypto::ring::default_provider())
    }

    #[test]
    fn any_certificate_passes_for_any_name() {
        let verifier = AcceptAnyCertificate::new(ring().signature_verification_algorithms);
        let garbage = CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x00]);
        let name = ServerName::try_from("db.internal").expect("a valid DNS name");
        assert!(
            verifier
                .verify_server_cert(&garbage, &[], &name, &[], UnixTime::now())
                .is_ok()
        );
        assert!(!verifier.supported_verify_schemes().is_empty());
    }

    #[test]
    fn a_provider_that_cannot_speak_tls_is_an_error_not_a_panic() {
        let verifier = Arc::new(AcceptAnyCertificate::new(
            ring().signature_verification_algorithms,
        ));
        assert!(client_config(ring(), verifier.clone()).is_ok());
        let no_suites = Arc::new(CryptoProvider {
            cipher_suites: Vec::new(),
            ..rustls::crypto::ring::default_provider()
        });
        assert!(client_config(no_suites, verifier).is_err());
    }
}
