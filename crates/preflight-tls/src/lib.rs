//! TLS client plumbing shared by the live checks (`preflight web`, `preflight db`).
//!
//! Both checks connect to servers whose certificates may be wrong on purpose: the web check
//! inspects a broken chain after the handshake instead of refusing it, and the database check
//! encrypts without verifying when libpq's `sslmode` says so. Both therefore need a verifier
//! that accepts any certificate while still checking the handshake's signatures against the
//! presented key, and a client configuration built around a verifier of their choosing. That
//! piece lives here once; what each check does with the certificate (judging the chain,
//! following `sslmode`) stays in its own crate.
//!
//! Both also take a file of certificates to trust (`--ca`, `sslrootcert`). A self-signed
//! server certificate made by `openssl req -x509` is marked as a CA, and webpki refuses a CA
//! certificate as the server's own even when it is the very anchor the user listed. OpenSSL,
//! and so `curl --cacert` and libpq, trust such a server: [`ListedCertificates`] keeps the
//! file's certificates as written so that a check can tell that case apart and trust it too.

use std::sync::Arc;

use std::path::Path;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::verify_server_name;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

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

/// The certificates of a trust file, as written in it: the roots to judge chains against, and
/// the exact certificates a server may present as its own.
#[derive(Debug, Clone)]
pub struct ListedCertificates {
    certificates: Vec<CertificateDer<'static>>,
}

impl ListedCertificates {
    /// Reads every PEM certificate of `path`; the error says what is wrong, without the path.
    pub fn read_pem(path: &Path) -> Result<ListedCertificates, String> {
        let certificates = CertificateDer::pem_file_iter(path)
            .map_err(|e| e.to_string())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        if certificates.is_empty() {
            return Err("no PEM certificate in it".into());
        }
        Ok(ListedCertificates { certificates })
    }

    /// The certificates as trust anchors; the error names the first one that cannot be one.
    pub fn roots(&self) -> Result<RootCertStore, rustls::Error> {
        let mut store = RootCertStore::empty();
        for cert in &self.certificates {
            store.add(cert.clone())?;
        }
        Ok(store)
    }

    /// The certificates, in file order.
    pub fn certificates(&self) -> &[CertificateDer<'static>] {
        &self.certificates
    }

    /// Whether `cert` is, byte for byte, one of the listed certificates.
    pub fn lists(&self, cert: &CertificateDer<'_>) -> bool {
        self.certificates
            .iter()
            .any(|listed| listed.as_ref() == cert.as_ref())
    }

    /// Whether a chain whose verification failed with `error` is trusted all the same: its
    /// leaf is one of the listed certificates and the only complaint is that this certificate
    /// is a CA. webpki checks the leaf's validity dates before its CA flag, so such a leaf is
    /// also within its dates.
    pub fn trusts_despite(&self, leaf: &CertificateDer<'_>, error: &rustls::Error) -> bool {
        self.lists(leaf) && is_ca_used_as_end_entity(error)
    }
}

/// Whether `error` says that the server's certificate is a CA certificate (webpki's
/// `CaUsedAsEndEntity`, which rustls passes on as an opaque certificate error).
pub fn is_ca_used_as_end_entity(error: &rustls::Error) -> bool {
    match error {
        rustls::Error::InvalidCertificate(CertificateError::Other(other)) => matches!(
            other.0.downcast_ref::<webpki::Error>(),
            Some(webpki::Error::CaUsedAsEndEntity)
        ),
        _ => false,
    }
}

/// A verifier that trusts, beyond what `inner` trusts, a server presenting one of the listed
/// certificates as its own (see [`ListedCertificates::trusts_despite`]); with `check_name` the
/// certificate must still name the server.
#[derive(Debug)]
pub struct TrustListedLeaf {
    inner: Arc<dyn ServerCertVerifier>,
    listed: ListedCertificates,
    check_name: bool,
}

impl TrustListedLeaf {
    /// Wraps `inner`, trusting `listed` certificates presented as the server's own.
    pub fn new(
        inner: Arc<dyn ServerCertVerifier>,
        listed: ListedCertificates,
        check_name: bool,
    ) -> Self {
        TrustListedLeaf {
            inner,
            listed,
            check_name,
        }
    }
}

impl ServerCertVerifier for TrustListedLeaf {
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
            Err(error) if self.listed.trusts_despite(end_entity, &error) => {
                if self.check_name {
                    verify_server_name(&ParsedCertificate::try_from(end_entity)?, server_name)?;
                }
                Ok(ServerCertVerified::assertion())
            }
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
