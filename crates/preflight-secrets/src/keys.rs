//! Whether a private key block is protected by a passphrase.
//!
//! A leaked unencrypted key is usable as it is; an encrypted one still needs its passphrase, so
//! the engine reports both but the encrypted one at a lower severity. Each format says so in
//! its own way:
//!
//! - PKCS#8: `-----BEGIN ENCRYPTED PRIVATE KEY-----` (and a plain `PRIVATE KEY` otherwise);
//! - traditional PEM (RSA, DSA, EC): a `Proc-Type: 4,ENCRYPTED` header, the cipher in
//!   `DEK-Info`;
//! - OpenSSH (`openssh-key-v1`): the cipher name is the first field of the base64 blob after
//!   the magic, `none` when unencrypted. Only the first few dozen bytes are decoded;
//! - PuTTY: the `Encryption:` line;
//! - OpenPGP: the first packet (a secret-key packet) is parsed up to its string-to-key usage
//!   octet, which is 0 for an unprotected key.
//!
//! No crate reads all of these headers without parsing (and allocating) whole keys, and the
//! engine needs only this one bit, so the few fields are read by hand. Blocks written as JSON
//! strings (`\n` escapes, as in service account files) are read the same way, and a block
//! base64-encoded whole (`LS0tLS1CRUdJTi...`) is decoded first ([`decode_pem`]). A block whose
//! format cannot be read is `None`: the engine then keeps the rule's full severity.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use memchr::memmem;

/// The most base64 text of a PGP block decoded to reach the first packet's protection octet.
const PGP_PREFIX: usize = 16 * 1024;

/// The base64 encoding of `-----BEGIN`, which starts every PEM block encoded whole (to fit an
/// environment variable, a JSON string or a kubeconfig's `client-key-data`).
const BASE64_BEGIN: &[u8] = b"LS0tLS1CRUdJTi";

/// The most encoded bytes of one block decoded.
const MAX_ENCODED: usize = 64 * 1024;

/// The PEM block `value` holds base64-encoded (`LS0tLS1CRUdJTi...`), decoded; `None` when
/// `value` does not start with the encoding of `-----BEGIN`. A value cut short decodes as far
/// as it goes.
pub fn decode_pem(value: &[u8]) -> Option<Vec<u8>> {
    if !value.starts_with(BASE64_BEGIN) {
        return None;
    }
    let text = base64_text(value, MAX_ENCODED);
    let text = &text[..text.len() / 4 * 4];
    STANDARD.decode(text).ok()
}

/// Why a decoded block (see [`decode_pem`]) is not a private key: it is a public key or a
/// certificate, or not PEM at all; `None` for a private key block.
pub fn not_a_private_key(block: &[u8]) -> Option<&'static str> {
    let header_end = memmem::find(block.get(10..)?, b"-----").map(|i| i + 15);
    let header = &block[..header_end.unwrap_or(0).min(block.len())];
    if header_end.is_none() || !header.starts_with(b"-----BEGIN") {
        return Some("the base64 does not decode to a PEM block");
    }
    if memmem::find(header, b"PRIVATE KEY").is_none() {
        return Some("the base64 decodes to a public key or certificate, not a private key");
    }
    None
}

/// How a private key block is protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Protection {
    /// Usable as it is.
    Unencrypted,
    /// Protected by a passphrase; `cipher` names the cipher when the format says.
    Encrypted {
        /// The cipher (`aes256-ctr`, `AES-256-CBC`), or the format (`PKCS#8`) when unnamed.
        cipher: String,
    },
}

/// The protection of `block`, a private key as a rule matched it, or `None` when it is not a
/// key block this module can read.
pub fn protection(block: &[u8]) -> Option<Protection> {
    if block.starts_with(b"PuTTY-User-Key-File-") {
        return putty(block);
    }
    if !block.starts_with(b"-----BEGIN") {
        return None;
    }
    let header_end = memmem::find(&block[10..], b"-----").map(|i| i + 15)?;
    let header = &block[..header_end];
    memmem::find(header, b"PRIVATE KEY")?;
    let body = &block[header_end..];
    if memmem::find(header, b"ENCRYPTED PRIVATE KEY").is_some() {
        return Some(encrypted("PKCS#8"));
    }
    if memmem::find(header, b"PGP PRIVATE KEY BLOCK").is_some() {
        return pgp(body);
    }
    if memmem::find(header, b"OPENSSH PRIVATE KEY").is_some() {
        return openssh(body);
    }
    if memmem::find(body, b"Proc-Type: 4,ENCRYPTED").is_some() {
        let cipher = field(body, b"DEK-Info:")
            .and_then(|v| v.split(|&b| b == b',').next())
            .map_or("PEM".to_string(), |c| {
                String::from_utf8_lossy(c).into_owned()
            });
        return Some(Protection::Encrypted { cipher });
    }
    Some(Protection::Unencrypted)
}

fn encrypted(cipher: &str) -> Protection {
    Protection::Encrypted {
        cipher: cipher.to_string(),
    }
}

/// The trimmed value after `name` on its line.
fn field<'a>(text: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let at = memmem::find(text, name)? + name.len();
    let rest = &text[at..];
    let end = rest
        .iter()
        .position(|&b| b == b'\n' || b == b'\r' || b == b'\\')
        .unwrap_or(rest.len());
    Some(rest[..end].trim_ascii())
}

fn putty(block: &[u8]) -> Option<Protection> {
    let cipher = field(block, b"Encryption:")?;
    Some(if cipher == b"none" {
        Protection::Unencrypted
    } else {
        Protection::Encrypted {
            cipher: String::from_utf8_lossy(cipher).into_owned(),
        }
    })
}

/// The base64 characters of `body` up to `limit`, skipping line breaks and their `\n` escapes.
fn base64_text(body: &[u8], limit: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut bytes = body.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        if out.len() >= limit || b == b'-' || b == b'=' {
            break;
        }
        if b == b'\\' {
            bytes.next();
        } else if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' {
            out.push(b);
        }
    }
    out
}

fn openssh(body: &[u8]) -> Option<Protection> {
    const MAGIC: &[u8] = b"openssh-key-v1\0";
    let text = base64_text(body, 128);
    let text = &text[..text.len() / 4 * 4];
    let blob = STANDARD.decode(text).ok()?;
    let rest = blob.strip_prefix(MAGIC)?;
    let length = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    let cipher = rest.get(4..4 + length)?;
    Some(if cipher == b"none" {
        Protection::Unencrypted
    } else {
        Protection::Encrypted {
            cipher: String::from_utf8_lossy(cipher).into_owned(),
        }
    })
}

/// OpenPGP armor: optional `Key: value` header lines, a blank line, base64, `=` checksum.
fn pgp(body: &[u8]) -> Option<Protection> {
    let start = blank_line_end(body).unwrap_or(0);
    let text = base64_text(&body[start..], PGP_PREFIX);
    let text = &text[..text.len() / 4 * 4];
    let data = STANDARD.decode(text).ok()?;
    let packet = first_packet(&data)?;
    pgp_secret_key(packet).map(|protected| {
        if protected {
            encrypted("OpenPGP passphrase")
        } else {
            Protection::Unencrypted
        }
    })
}

/// The offset just after the first empty line (armor headers end there).
fn blank_line_end(body: &[u8]) -> Option<usize> {
    [&b"\n\n"[..], b"\r\n\r\n", b"\\n\\n"]
        .iter()
        .filter_map(|sep| memmem::find(body, sep).map(|i| i + sep.len()))
        .min()
}

/// The body of the first packet if it is a secret-key packet (tag 5), possibly cut short.
fn first_packet(data: &[u8]) -> Option<&[u8]> {
    let first = *data.first()?;
    if first & 0x80 == 0 {
        return None;
    }
    let (tag, length, header): (u8, usize, usize) = if first & 0x40 != 0 {
        let tag = first & 0x3f;
        let o1 = *data.get(1)? as usize;
        match o1 {
            0..=191 => (tag, o1, 2),
            192..=223 => (tag, ((o1 - 192) << 8) + *data.get(2)? as usize + 192, 3),
            255 => (tag, be(data.get(2..6)?), 6),
            _ => return None,
        }
    } else {
        let tag = (first >> 2) & 0x0f;
        match first & 3 {
            0 => (tag, *data.get(1)? as usize, 2),
            1 => (tag, be(data.get(1..3)?), 3),
            2 => (tag, be(data.get(1..5)?), 5),
            _ => (tag, data.len().saturating_sub(1), 1),
        }
    };
    if tag != 5 {
        return None;
    }
    let end = header.saturating_add(length).min(data.len());
    data.get(header..end)
}

fn be(bytes: &[u8]) -> usize {
    bytes.iter().fold(0usize, |n, &b| (n << 8) | b as usize)
}

/// Whether a secret-key packet's secret material is protected (its S2K usage octet is not 0).
fn pgp_secret_key(packet: &[u8]) -> Option<bool> {
    let version = *packet.first()?;
    let at = match version {
        4 => {
            let algorithm = *packet.get(5)?;
            public_material_end(packet, 6, algorithm)?
        }
        5 | 6 => {
            let length = be(packet.get(6..10)?);
            10usize.checked_add(length)?
        }
        _ => return None,
    };
    packet.get(at).map(|&usage| usage != 0)
}

/// The offset after the public key material of `algorithm` starting at `at` (RFC 9580 §5.5.5).
fn public_material_end(packet: &[u8], mut at: usize, algorithm: u8) -> Option<usize> {
    let mpi = |at: usize| -> Option<usize> {
        let bits = be(packet.get(at..at + 2)?);
        Some(at + 2 + bits.div_ceil(8))
    };
    let oid = |at: usize| -> Option<usize> { Some(at + 1 + *packet.get(at)? as usize) };
    match algorithm {
        // RSA: n, e.
        1..=3 => {
            at = mpi(at)?;
            mpi(at)
        }
        // Elgamal: p, g, y.
        16 | 20 => (0..3).try_fold(at, |at, _| mpi(at)),
        // DSA: p, q, g, y.
        17 => (0..4).try_fold(at, |at, _| mpi(at)),
        // ECDH: curve OID, point, KDF parameters.
        18 => {
            at = mpi(oid(at)?)?;
            Some(at + 1 + *packet.get(at)? as usize)
        }
        // ECDSA, EdDSA (legacy): curve OID, point.
        19 | 22 => mpi(oid(at)?),
        // X25519, X448, Ed25519, Ed448: fixed-size keys.
        25 => Some(at + 32),
        26 => Some(at + 56),
        27 => Some(at + 32),
        28 => Some(at + 57),
        _ => None,
    }
}
