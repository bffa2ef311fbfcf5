//! JSON Web Tokens whose header decodes.
//!
//! Three dot-separated base64url segments starting `eyJ` look like a JWT, but so do many
//! minified strings, fixtures and truncated values. A real token's header is a JSON object
//! naming its signing algorithm (`alg`, RFC 7515 §4.1.1), with an optional `typ` string; a value
//! shaped like a JWT whose header is not is not reported, with the reason.

use base64::Engine as _;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Longer headers are not decoded (real ones are a few dozen bytes).
const MAX_HEADER: usize = 4096;

/// base64url as JWTs use it: no padding, though some encoders add it.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Whether `value` is shaped like a compact JWT: `eyJ`, then two more dot-separated segments.
pub fn looks_like_jwt(value: &[u8]) -> bool {
    value.starts_with(b"eyJ") && value.iter().filter(|&&b| b == b'.').count() >= 2
}

/// Why the header of the JWT-shaped `value` is not a JWT header, or `None` when it is.
/// `typed` says a provider's rule names this header (its keyword spells it): a provider's own
/// token format may carry a `typ` and no `alg` (TeamCity's `{"typ": "TCV2"}`), and is then no
/// malformed JWT.
pub fn header_problem(value: &[u8], typed: bool) -> Option<&'static str> {
    let header = value.split(|&b| b == b'.').next().unwrap_or(value);
    if header.len() > MAX_HEADER {
        return Some("JWT header too long");
    }
    let Ok(json) = BASE64URL.decode(header) else {
        return Some("JWT header is not base64url");
    };
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(&json) else {
        return Some("JWT header is not a JSON object");
    };
    if fields.get("typ").is_some_and(|t| !t.is_string()) {
        return Some("JWT header `typ` is not a string");
    }
    let own_format = typed && fields.contains_key("typ");
    if !(fields.get("alg").is_some_and(serde_json::Value::is_string) || own_format) {
        return Some("JWT header has no `alg`");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_need_json_with_an_algorithm() {
        // {"alg":"HS256","typ":"JWT"}
        assert_eq!(
            header_problem(b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e.s", false),
            None
        );
        // {"typ":"JWT"}
        assert_eq!(
            header_problem(b"eyJ0eXAiOiJKV1QifQ.e.s", false),
            Some("JWT header has no `alg`")
        );
        // A provider's rule that names the header accepts a `typ` without `alg`, not a header
        // with neither: {"typ": "TCV2"}, then {"kid":"a"}.
        assert_eq!(header_problem(b"eyJ0eXAiOiAiVENWMiJ9.e.s", true), None);
        assert_eq!(
            header_problem(b"eyJraWQiOiJhIn0.e.s", true),
            Some("JWT header has no `alg`")
        );
        // {"alg":"RS256","typ":1}
        assert_eq!(
            header_problem(b"eyJhbGciOiJSUzI1NiIsInR5cCI6MX0.e.s", false),
            Some("JWT header `typ` is not a string")
        );
        assert_eq!(
            header_problem(b"eyJhbGciOi.e.s", false),
            Some("JWT header is not a JSON object")
        );
        assert_eq!(
            header_problem(b"eyJ!!!.e.s", false),
            Some("JWT header is not base64url")
        );
        assert!(looks_like_jwt(b"eyJa.b.c") && !looks_like_jwt(b"eyJa.b"));
    }
}
