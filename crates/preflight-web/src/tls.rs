//! TLS: the client configuration, the trusted roots, and the judgement of the server's
//! certificate chain.
//!
//! The handshake itself accepts any certificate (see [`crate::handshake`]), so that a site with
//! a broken chain can be inspected rather than merely refused. The chain is judged afterwards,
//! one question at a time so each problem gets its own finding: is it signed by a trusted root
//! (evaluated at a moment inside the leaf's validity and with SHA-1 signatures accepted, so
//! that neither expiry nor SHA-1 is reported twice), does it name the host, how many days are
//! left, how strong is its key, how is it signed, which names does it cover.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use preflight_tls::{AcceptAnyCertificate, ListedCertificates};
use rustls::client::{verify_server_cert_signed_by_trust_anchor, verify_server_name};
use rustls::crypto::{CryptoProvider, ring};
use rustls::pki_types::{
    AlgorithmIdentifier, InvalidSignature, ServerName, SignatureVerificationAlgorithm, UnixTime,
    alg_id,
};
use rustls::server::ParsedCertificate;
use rustls::{ClientConfig, RootCertStore};
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

use preflight_findings::{Fact, Location, LocationKind};

use crate::codes::finding;
use crate::grade::Tally;
use crate::handshake::InspectingVerifier;
use crate::http::TlsSession;

/// Days before expiry from which a certificate is reported.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Why the trusted roots could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    /// The `--ca` file could not be read or holds no certificate.
    #[error("cannot use CA file {path}: {reason}")]
    CaFile {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The system has no usable root certificates.
    #[error("no trusted root certificates found on this system; pass a CA file")]
    NoSystemRoots,
}

/// The certificates to judge chains against.
pub(crate) struct Trust {
    /// The roots.
    pub(crate) roots: RootCertStore,
    /// The `--ca` file's certificates as written, whose own server is trusted.
    pub(crate) listed: Option<ListedCertificates>,
}

/// Loads the roots to judge chains against: the certificates of `ca_file`, or the system's.
pub(crate) fn load_roots(ca_file: Option<&Path>) -> Result<Trust, TrustError> {
    match ca_file {
        Some(path) => {
            let fail = |reason: String| TrustError::CaFile {
                path: path.display().to_string(),
                reason,
            };
            let listed = ListedCertificates::read_pem(path).map_err(fail)?;
            let roots = listed.roots().map_err(|e| fail(e.to_string()))?;
            Ok(Trust {
                roots,
                listed: Some(listed),
            })
        }
        None => {
            let mut roots = RootCertStore::empty();
            let native = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(native.certs);
            if roots.is_empty() {
                return Err(TrustError::NoSystemRoots);
            }
            Ok(Trust {
                roots,
                listed: None,
            })
        }
    }
}

fn provider() -> CryptoProvider {
    ring::default_provider()
}

/// The client configuration: TLS 1.2 and 1.3, any certificate accepted for inspection (the
/// chain is judged after the handshake; handshake signatures are still verified, except with
/// keys reported as weak).
pub fn client_config() -> Arc<ClientConfig> {
    let provider = provider();
    let verifier = InspectingVerifier::new(AcceptAnyCertificate::new(
        provider.signature_verification_algorithms,
    ));
    let config = preflight_tls::client_config(Arc::new(provider), Arc::new(verifier))
        .expect("the ring provider supports the default protocol versions");
    Arc::new(config)
}

/// Signature algorithm OIDs that use SHA-1, and their names.
const SHA1_SIGNATURES: &[(&str, &str)] = &[
    ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption"),
    ("1.3.14.3.2.29", "sha1WithRSAEncryption"),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1"),
    ("1.2.840.10040.4.3", "dsa-with-SHA1"),
];

/// Names of common signature algorithm OIDs.
const SIGNATURE_NAMES: &[(&str, &str)] = &[
    ("1.2.840.113549.1.1.11", "sha256WithRSAEncryption"),
    ("1.2.840.113549.1.1.12", "sha384WithRSAEncryption"),
    ("1.2.840.113549.1.1.13", "sha512WithRSAEncryption"),
    ("1.2.840.113549.1.1.10", "RSASSA-PSS"),
    ("1.2.840.10045.4.3.2", "ecdsa-with-SHA256"),
    ("1.2.840.10045.4.3.3", "ecdsa-with-SHA384"),
    ("1.2.840.10045.4.3.4", "ecdsa-with-SHA512"),
    ("1.3.101.112", "Ed25519"),
];

/// `sha1WithRSAEncryption` (OID 1.2.840.113549.1.1.5, NULL parameters) as webpki compares it.
const SHA1_WITH_RSA: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00,
]);

/// RSA PKCS#1 signatures over SHA-1, used only to ask whether a chain leads to a trusted root:
/// a SHA-1 signature is its own finding (`web.tls-sha1-signature`), so it must not also make
/// the chain untrusted. webpki no longer offers SHA-1, hence this one algorithm on ring's
/// legacy verifier. (ECDSA over SHA-1, which ring does not verify, still reads as untrusted.)
#[derive(Debug)]
struct Sha1Rsa;

impl SignatureVerificationAlgorithm for Sha1Rsa {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        ::ring::signature::UnparsedPublicKey::new(
            &::ring::signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            public_key,
        )
        .verify(message, signature)
        .map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        SHA1_WITH_RSA
    }
}

/// The algorithms a chain's signatures are checked with for the trust question: the
/// provider's, and RSA over SHA-1.
fn trust_algorithms() -> Vec<&'static dyn SignatureVerificationAlgorithm> {
    let mut algorithms = provider().signature_verification_algorithms.all.to_vec();
    algorithms.push(&Sha1Rsa);
    algorithms
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Judges the chain of `session` for `host` against `trust`. A server presenting one of the
/// `--ca` certificates as its own is trusted, as `curl --cacert` trusts it. Returns what was
/// seen in order (the trust and the name), as facts.
pub(crate) fn inspect(
    session: &TlsSession,
    host: &str,
    trust: &Trust,
    url: &str,
    tally: &mut Tally,
) -> Vec<Fact> {
    let mut facts = Vec::new();
    let at = || Location::whole(LocationKind::Url, url);
    let Some(leaf_der) = session.chain.first() else {
        tally.add(finding(
            "web.tls-cert-untrusted",
            url,
            "chain",
            "the server sent no certificate",
        ));
        return facts;
    };
    let Ok((_, leaf)) = X509Certificate::from_der(leaf_der.as_ref()) else {
        tally.add(finding(
            "web.tls-cert-untrusted",
            url,
            "chain",
            "the server's certificate does not parse as X.509",
        ));
        return facts;
    };
    let now = now_unix();
    let not_before = leaf.validity().not_before.timestamp();
    let not_after = leaf.validity().not_after.timestamp();
    let days_left = (not_after - now).div_euclid(86_400);

    // Trust, judged at a moment the leaf is valid so that expiry is reported on its own.
    let moment = now.clamp(not_before, not_after).max(0) as u64;
    let intermediates = &session.chain[1..];
    let parsed = ParsedCertificate::try_from(leaf_der);
    let verdict = parsed.as_ref().map_err(Clone::clone).and_then(|cert| {
        verify_server_cert_signed_by_trust_anchor(
            cert,
            &trust.roots,
            intermediates,
            UnixTime::since_unix_epoch(Duration::from_secs(moment)),
            &trust_algorithms(),
        )
    });
    let listed_leaf = |e: &rustls::Error| {
        trust
            .listed
            .as_ref()
            .is_some_and(|listed| listed.trusts_despite(leaf_der, e))
    };
    match &verdict {
        Ok(_) => facts.push(Fact::new(
            "web.tls-cert-untrusted",
            at(),
            format!(
                "the chain leads to a trusted root (issuer: {})",
                leaf.issuer()
            ),
        )),
        Err(e) if listed_leaf(e) => facts.push(Fact::new(
            "web.tls-cert-untrusted",
            at(),
            "the server's own certificate is one of the trusted CA certificates",
        )),
        Err(_) => {}
    }
    if let Some(e) = verdict.as_ref().err().filter(|e| !listed_leaf(e)) {
        let cause = match e {
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer) => {
                if leaf.subject() == leaf.issuer() {
                    "it is self-signed".to_string()
                } else {
                    "its issuer is not a trusted root and no intermediate leads to one".to_string()
                }
            }
            other => other.to_string(),
        };
        tally.add(
            finding(
                "web.tls-cert-untrusted",
                url,
                "chain",
                format!("the certificate chain is not trusted: {cause}"),
            )
            .with_detail("issuer", leaf.issuer().to_string()),
        );
    }

    // Host name.
    let names = subject_alt_names(&leaf);
    let name_check = match (&parsed, ServerName::try_from(host)) {
        (Ok(cert), Ok(server_name)) => Some(verify_server_name(cert, &server_name).is_ok()),
        _ => None,
    };
    if name_check == Some(true) {
        facts.push(Fact::new(
            "web.tls-hostname-mismatch",
            at(),
            format!("the certificate is valid for `{host}`"),
        ));
    }
    if name_check == Some(false) {
        tally.add(
            finding(
                "web.tls-hostname-mismatch",
                url,
                "hostname",
                format!(
                    "the certificate is not valid for `{host}`; it names: {}",
                    if names.is_empty() {
                        "nothing".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            )
            .with_detail("host", host),
        );
    }

    // Validity dates.
    if now > not_after {
        tally.add(
            finding(
                "web.tls-cert-expired",
                url,
                "expiry",
                format!(
                    "the certificate expired {} days ago ({})",
                    -days_left,
                    leaf.validity().not_after
                ),
            )
            .with_detail("not-after", leaf.validity().not_after.to_string()),
        );
    } else if now < not_before {
        tally.add(finding(
            "web.tls-cert-expired",
            url,
            "expiry",
            format!(
                "the certificate is not valid before {}",
                leaf.validity().not_before
            ),
        ));
    } else if days_left < EXPIRY_WARNING_DAYS {
        tally.add(
            finding(
                "web.tls-cert-expiring",
                url,
                "expiry",
                format!(
                    "the certificate expires in {days_left} days ({})",
                    leaf.validity().not_after
                ),
            )
            .with_detail("days-left", days_left.to_string())
            .with_help("renew it now, and make renewal automatic"),
        );
    }

    // Key.
    let (key_kind, key_bits) = key_of(&leaf);
    if is_weak_key(key_kind, key_bits) {
        tally.add(finding(
            "web.tls-weak-key",
            url,
            "key",
            format!(
                "the certificate has a {key_bits}-bit {key_kind} key (use RSA 2048+ or EC P-256+)"
            ),
        ));
    }

    // Signature.
    let oid = leaf.signature_algorithm.algorithm.to_id_string();
    let signature = SHA1_SIGNATURES
        .iter()
        .chain(SIGNATURE_NAMES)
        .find(|(o, _)| *o == oid)
        .map_or(oid.clone(), |(_, name)| (*name).to_string());
    if SHA1_SIGNATURES.iter().any(|(o, _)| *o == oid) {
        tally.add(finding(
            "web.tls-sha1-signature",
            url,
            "signature",
            format!("the certificate is signed with {signature}; SHA-1 signatures can be forged"),
        ));
    }

    tally.add(
        finding(
            "web.tls-certificate",
            url,
            "certificate",
            format!(
                "{} with {}; certificate for {} expires in {days_left} days",
                session.version,
                session.cipher_suite,
                if names.is_empty() {
                    "no names".to_string()
                } else {
                    names.join(", ")
                }
            ),
        )
        .with_detail("protocol", session.version.clone())
        .with_detail("cipher-suite", session.cipher_suite.clone())
        .with_detail("subject", leaf.subject().to_string())
        .with_detail("issuer", leaf.issuer().to_string())
        .with_detail("not-after", leaf.validity().not_after.to_string())
        .with_detail("days-left", days_left.to_string())
        .with_detail("key", format!("{key_kind} {key_bits}"))
        .with_detail("signature", signature)
        .with_detail("sans", names.join(", "))
        .with_detail("chain-length", session.chain.len().to_string()),
    );
    facts
}

fn subject_alt_names(cert: &X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(extension)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    extension
        .value
        .general_names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DNSName(dns) => Some((*dns).to_string()),
            GeneralName::IPAddress(bytes) => match bytes.len() {
                4 => Some(
                    std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
                ),
                16 => <[u8; 16]>::try_from(*bytes)
                    .ok()
                    .map(|b| std::net::Ipv6Addr::from(b).to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Whether a key of `kind` (as [`key_of`] names it) and `bits` is too weak: RSA under 2048
/// bits, EC under 256, and any DSA key.
pub(crate) fn is_weak_key(kind: &str, bits: usize) -> bool {
    match kind {
        "RSA" => bits < 2048,
        "EC" => bits < 256,
        "DSA" => true,
        _ => false,
    }
}

/// The kind and size of `cert`'s public key.
pub(crate) fn key_of(cert: &X509Certificate<'_>) -> (&'static str, usize) {
    let algorithm = cert.public_key().algorithm.algorithm.to_id_string();
    match cert.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => ("RSA", rsa.key_size()),
        Ok(PublicKey::EC(point)) => ("EC", point.key_size()),
        Ok(PublicKey::DSA(y)) => ("DSA", y.len() * 8),
        _ if algorithm == "1.3.101.112" => ("Ed25519", 256),
        _ if algorithm == "1.3.101.113" => ("Ed448", 456),
        _ => ("unknown", 0),
    }
}
