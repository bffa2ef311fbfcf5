//! Probes for TLS 1.0 and TLS 1.1, which rustls never offers.
//!
//! Each probe sends one hand-built ClientHello that offers only the legacy version (with the
//! cipher suites servers of that era used, SNI, the elliptic-curve extensions and the
//! renegotiation extension) and reads the first record back. A ServerHello that selects the
//! offered version means the server accepts it; an alert, a lower or higher version, or a
//! closed connection means it refuses. No handshake is completed: the probe stops at the
//! ServerHello, so no key exchange code is needed.

use std::io::{self, Read, Write};
use std::net::IpAddr;

use crate::codes::finding;
use crate::grade::Tally;
use crate::http::{Client, FetchError};

/// A legacy protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyVersion {
    /// TLS 1.0 (0x0301).
    Tls10,
    /// TLS 1.1 (0x0302).
    Tls11,
}

impl LegacyVersion {
    fn wire(self) -> [u8; 2] {
        match self {
            LegacyVersion::Tls10 => [3, 1],
            LegacyVersion::Tls11 => [3, 2],
        }
    }

    /// `TLS 1.0` or `TLS 1.1`.
    pub fn name(self) -> &'static str {
        match self {
            LegacyVersion::Tls10 => "TLS 1.0",
            LegacyVersion::Tls11 => "TLS 1.1",
        }
    }
}

/// What a probe found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeResult {
    /// The server answered with a ServerHello for the offered version.
    Accepted {
        /// The cipher suite it chose.
        cipher_suite: u16,
    },
    /// The server refused; says how.
    Refused(String),
}

/// Cipher suites of the TLS 1.0/1.1 era: ECDHE and plain RSA with AES-CBC, and 3DES.
const LEGACY_SUITES: &[u16] = &[
    0xc00a, 0xc009, 0xc014, 0xc013, 0x0039, 0x0033, 0x0035, 0x002f, 0x000a,
];

/// Builds a ClientHello record offering only `version`.
pub fn client_hello(version: LegacyVersion, host: &str, random: [u8; 32]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&version.wire());
    body.extend_from_slice(&random);
    body.push(0); // no session id
    put_u16(&mut body, (LEGACY_SUITES.len() * 2) as u16);
    for suite in LEGACY_SUITES {
        put_u16(&mut body, *suite);
    }
    body.extend_from_slice(&[1, 0]); // compression: null only

    let mut extensions = Vec::new();
    if host.parse::<IpAddr>().is_err() && host.len() < 256 {
        let name = host.as_bytes();
        let mut sni = Vec::new();
        put_u16(&mut sni, (name.len() + 3) as u16);
        sni.push(0); // host_name
        put_u16(&mut sni, name.len() as u16);
        sni.extend_from_slice(name);
        put_extension(&mut extensions, 0x0000, &sni);
    }
    // supported_groups: x25519, secp256r1, secp384r1.
    put_extension(&mut extensions, 0x000a, &[0, 6, 0, 0x1d, 0, 0x17, 0, 0x18]);
    // ec_point_formats: uncompressed.
    put_extension(&mut extensions, 0x000b, &[1, 0]);
    // renegotiation_info: empty.
    put_extension(&mut extensions, 0xff01, &[0]);
    put_u16(&mut body, extensions.len() as u16);
    body.extend_from_slice(&extensions);

    let mut handshake = vec![1]; // client_hello
    put_u24(&mut handshake, body.len());
    handshake.extend_from_slice(&body);

    let mut record = vec![0x16, 3, 1];
    put_u16(&mut record, handshake.len() as u16);
    record.extend_from_slice(&handshake);
    record
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_u24(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&(v as u32).to_be_bytes()[1..]);
}

fn put_extension(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    put_u16(out, kind);
    put_u16(out, data.len() as u16);
    out.extend_from_slice(data);
}

/// Reads the server's first record and says whether it accepted `version`.
pub fn read_answer(stream: &mut impl Read, version: LegacyVersion) -> io::Result<ProbeResult> {
    let mut header = [0u8; 5];
    match stream.read_exact(&mut header) {
        Ok(()) => {}
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::UnexpectedEof
                    | io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionAborted
            ) =>
        {
            return Ok(ProbeResult::Refused(
                "the server closed the connection".into(),
            ));
        }
        Err(e) => return Err(e),
    }
    let length = u16::from_be_bytes([header[3], header[4]]) as usize;
    if length == 0 || length > 18_432 {
        return Ok(ProbeResult::Refused(format!(
            "the server answered with a record of {length} bytes, not TLS"
        )));
    }
    let mut payload = vec![0u8; length];
    if stream.read_exact(&mut payload).is_err() {
        return Ok(ProbeResult::Refused(
            "the server closed the connection mid-record".into(),
        ));
    }
    match header[0] {
        0x15 => {
            let description = payload.get(1).copied().unwrap_or(0);
            Ok(ProbeResult::Refused(format!(
                "the server sent the alert {} ({description})",
                alert_name(description)
            )))
        }
        0x16 if payload.first() == Some(&2) && payload.len() >= 6 => {
            let chosen = [payload[4], payload[5]];
            if chosen != version.wire() {
                return Ok(ProbeResult::Refused(format!(
                    "the server chose version {}.{} instead",
                    chosen[0], chosen[1]
                )));
            }
            // ServerHello: type(1) length(3) version(2) random(32) session_id(1 + n) suite(2).
            let session_len = payload.get(38).copied().unwrap_or(0) as usize;
            let at = 39 + session_len;
            let cipher_suite = payload
                .get(at..at + 2)
                .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
            Ok(ProbeResult::Accepted { cipher_suite })
        }
        other => Ok(ProbeResult::Refused(format!(
            "the server answered with record type {other}, not a ServerHello"
        ))),
    }
}

fn alert_name(description: u8) -> &'static str {
    match description {
        40 => "handshake_failure",
        47 => "illegal_parameter",
        50 => "decode_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        112 => "unrecognized_name",
        _ => "alert",
    }
}

/// Probes one legacy version on `host:port`.
pub fn probe(
    client: &Client,
    host: &str,
    port: u16,
    version: LegacyVersion,
) -> Result<ProbeResult, FetchError> {
    let mut stream = client.connect(host, port)?;
    let mut random = [0u8; 32];
    rustls::crypto::ring::default_provider()
        .secure_random
        .fill(&mut random)
        .map_err(|_| FetchError::Io {
            during: "making a random nonce",
            source: io::Error::other("no randomness"),
        })?;
    stream
        .write_all(&client_hello(version, host, random))
        .map_err(|e| client.io_error("sending a legacy ClientHello", e))?;
    read_answer(&mut stream, version)
        .map_err(|e| client.io_error("reading the answer to a legacy ClientHello", e))
}

/// Probes TLS 1.0 and 1.1 and records the versions the server accepts.
pub(crate) fn check(
    client: &Client,
    host: &str,
    port: u16,
    url: &str,
    tally: &mut Tally,
) -> Vec<String> {
    let mut problems = Vec::new();
    for version in [LegacyVersion::Tls10, LegacyVersion::Tls11] {
        match probe(client, host, port, version) {
            Ok(ProbeResult::Accepted { cipher_suite }) => tally.add(
                finding(
                    "web.tls-legacy-version",
                    url,
                    version.name(),
                    format!("the server accepts {} (chose cipher suite 0x{cipher_suite:04x}); only TLS 1.2 and 1.3 should be enabled", version.name()),
                )
                .with_detail("version", version.name())
                .with_help("disable TLS 1.0 and 1.1 (nginx: ssl_protocols TLSv1.2 TLSv1.3;)"),
            ),
            Ok(ProbeResult::Refused(_)) => {}
            Err(e) => problems.push(format!("could not probe {}: {e}", version.name())),
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_hello_is_a_well_formed_record() {
        let hello = client_hello(LegacyVersion::Tls11, "example.test", [7; 32]);
        assert_eq!(&hello[..3], &[0x16, 3, 1]);
        let record_len = u16::from_be_bytes([hello[3], hello[4]]) as usize;
        assert_eq!(record_len, hello.len() - 5);
        assert_eq!(hello[5], 1);
        let body_len = u32::from_be_bytes([0, hello[6], hello[7], hello[8]]) as usize;
        assert_eq!(body_len, record_len - 4);
        assert_eq!(&hello[9..11], &[3, 2]);
        assert!(hello.windows(12).any(|w| w == b"example.test"));
        let ip = client_hello(LegacyVersion::Tls10, "127.0.0.1", [7; 32]);
        assert!(!ip.windows(9).any(|w| w == b"127.0.0.1"));
    }

    #[test]
    fn reads_server_hello_alert_and_close() {
        let mut hello = vec![0x16, 3, 1, 0, 42, 2, 0, 0, 38, 3, 1];
        hello.extend_from_slice(&[0; 32]);
        hello.extend_from_slice(&[0, 0xc0, 0x13, 0]);
        assert_eq!(
            read_answer(&mut &hello[..], LegacyVersion::Tls10).unwrap(),
            ProbeResult::Accepted {
                cipher_suite: 0xc013
            }
        );
        let alert = [0x15, 3, 1, 0, 2, 2, 70];
        assert!(matches!(
            read_answer(&mut &alert[..], LegacyVersion::Tls10).unwrap(),
            ProbeResult::Refused(why) if why.contains("protocol_version")
        ));
        assert!(matches!(
            read_answer(&mut &[][..], LegacyVersion::Tls11).unwrap(),
            ProbeResult::Refused(_)
        ));
    }
}
