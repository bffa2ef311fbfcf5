//! The handshake's certificate verifier: any chain is accepted so that it can be judged after
//! the handshake, and the handshake's signatures are checked against the presented key, except
//! when that key is one the checks report as weak.
//!
//! ring verifies no RSA signature made with a key under 2048 bits and knows no curve under 256
//! bits, so a site with such a key would fail the handshake and its certificate would never be
//! read: the user would see a bare "bad signature" instead of `web.tls-weak-key` and the rest
//! of the site's checks. For those keys alone a failed signature check is let through. That
//! costs nothing: since any certificate is accepted, whoever sits between preflight and the
//! site could present a key of their own anyway, and the requests carry no credentials.

use preflight_tls::AcceptAnyCertificate;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::tls::{is_weak_key, key_of};

/// Accepts any chain; verifies handshake signatures unless the presented key is weak.
#[derive(Debug)]
pub(crate) struct InspectingVerifier {
    inner: AcceptAnyCertificate,
}

impl InspectingVerifier {
    /// A verifier around `inner`, which checks the signatures of strong keys.
    pub(crate) fn new(inner: AcceptAnyCertificate) -> Self {
        InspectingVerifier { inner }
    }
}

/// Whether `cert` holds a key the checks report as weak (and ring may not verify with).
fn has_weak_key(cert: &CertificateDer<'_>) -> bool {
    X509Certificate::from_der(cert.as_ref()).is_ok_and(|(_, cert)| {
        let (kind, bits) = key_of(&cert);
        is_weak_key(kind, bits)
    })
}

/// `verified`, or an accepted signature when it failed for a weak key.
fn unless_weak(
    verified: Result<HandshakeSignatureValid, rustls::Error>,
    cert: &CertificateDer<'_>,
) -> Result<HandshakeSignatureValid, rustls::Error> {
    verified.or_else(|error| {
        if has_weak_key(cert) {
            Ok(HandshakeSignatureValid::assertion())
        } else {
            Err(error)
        }
    })
}

impl ServerCertVerifier for InspectingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        unless_weak(self.inner.verify_tls12_signature(message, cert, dss), cert)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        unless_weak(self.inner.verify_tls13_signature(message, cert, dss), cert)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
