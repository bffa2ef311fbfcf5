//! The base64 values of Kubernetes Secret manifests.
//!
//! A `kind: Secret` manifest keeps its values base64-encoded under `data:`, where no rule sees
//! them. The engine decodes each value and scans `<key>: <decoded>` (the key name lets
//! assignment rules such as `*_PASSWORD` apply), then reports what it finds at the line of the
//! encoded value. `stringData:` values are plain text and are scanned as they are.
//!
//! Manifests are read line by line rather than with a YAML parser: the engine needs the byte
//! position of each value, which YAML libraries do not give, and Helm templates (`{{ ... }}`)
//! are not valid YAML at all. The subset read is what manifests use: documents separated by
//! `---`, a top-level `kind: Secret`, a top-level `data:` map of `key: value` lines (values
//! optionally quoted). Everything is bounded: values longer than [`MAX_DECODED`] decoded bytes
//! are skipped, at most [`MAX_TOTAL`] decoded bytes per file, and text that is not base64 is
//! ignored.

use std::ops::Range;

use base64::Engine as _;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use memchr::memmem;

/// The largest decoded value scanned.
pub const MAX_DECODED: usize = 64 * 1024;
/// The most decoded bytes scanned per file.
pub const MAX_TOTAL: usize = 1024 * 1024;

const BASE64: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// One decoded value of a Secret's `data:` map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedValue {
    /// The key's name.
    pub key: String,
    /// The encoded value's byte range in the file.
    pub value: Range<usize>,
    /// The decoded bytes.
    pub decoded: Vec<u8>,
}

/// Whether a file at `path` may hold manifests worth decoding.
pub fn is_manifest_path(path: &str) -> bool {
    let lower = path.rsplit('.').next().unwrap_or("");
    lower.eq_ignore_ascii_case("yaml") || lower.eq_ignore_ascii_case("yml")
}

/// The decodable values under `data:` of every `kind: Secret` document in `bytes`.
pub fn secret_data(bytes: &[u8]) -> Vec<EncodedValue> {
    let mut out = Vec::new();
    if memmem::find(bytes, b"Secret").is_none() {
        return out;
    }
    let mut total = 0;
    let mut document = Document::default();
    let mut offset = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let start = offset;
        offset += line.len();
        let text = trim_line_end(line);
        if text.starts_with(b"---") || text == b"..." {
            document.finish(bytes, &mut out, &mut total);
            continue;
        }
        document.read(text, start);
    }
    document.finish(bytes, &mut out, &mut total);
    out
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &line[..end]
}

/// The state of one YAML document while its lines are read.
#[derive(Debug, Default)]
struct Document {
    is_secret: bool,
    in_data: bool,
    values: Vec<(String, Range<usize>)>,
}

impl Document {
    fn read(&mut self, line: &[u8], start: usize) {
        let top_level = line.first().is_some_and(|b| !b.is_ascii_whitespace());
        if top_level {
            self.in_data = false;
            if let Some(rest) = line.strip_prefix(b"kind:") {
                let kind = without_comment(rest).trim_ascii();
                let kind = unquote(kind);
                self.is_secret = kind == b"Secret";
            } else if let Some(rest) = line.strip_prefix(b"data:") {
                self.in_data = without_comment(rest).trim_ascii().is_empty();
            }
            return;
        }
        if !self.in_data {
            return;
        }
        let indent = line.len() - line.trim_ascii_start().len();
        let body = &line[indent..];
        let Some(colon) = memchr::memchr(b':', body) else {
            return;
        };
        let key = unquote(body[..colon].trim_ascii());
        if key.is_empty() || key.starts_with(b"#") {
            return;
        }
        let after = &body[colon + 1..];
        let raw = without_comment(after);
        let value = raw.trim_ascii();
        let value_offset = indent + colon + 1 + (raw.len() - raw.trim_ascii_start().len());
        let inner = unquote(value);
        let quote = usize::from(inner.len() != value.len());
        if inner.is_empty() || inner.len() > MAX_DECODED / 3 * 4 + 4 {
            return;
        }
        let begin = start + value_offset + quote;
        self.values.push((
            String::from_utf8_lossy(key).into_owned(),
            begin..begin + inner.len(),
        ));
    }

    /// Decodes the values of a finished Secret document into `out`, within the caps.
    fn finish(&mut self, bytes: &[u8], out: &mut Vec<EncodedValue>, total: &mut usize) {
        let document = std::mem::take(self);
        if !document.is_secret {
            return;
        }
        for (key, value) in document.values {
            if *total >= MAX_TOTAL {
                return;
            }
            let Ok(decoded) = BASE64.decode(&bytes[value.clone()]) else {
                continue;
            };
            if decoded.is_empty() || decoded.len() > MAX_DECODED {
                continue;
            }
            *total += decoded.len();
            out.push(EncodedValue {
                key,
                value,
                decoded,
            });
        }
    }
}

fn without_comment(text: &[u8]) -> &[u8] {
    match memmem::find(text, b" #") {
        Some(i) => &text[..i],
        None => text,
    }
}

fn unquote(text: &[u8]) -> &[u8] {
    match text {
        [b'"', inner @ .., b'"'] | [b'\'', inner @ .., b'\''] => inner,
        _ => text,
    }
}
