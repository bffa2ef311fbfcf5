//! Keys the auth service uses to sign and verify session tokens.

use std::time::Duration;

/// How long an issued token stays valid.
pub const TOKEN_TTL: Duration = Duration::from_secs(900);

/// The HMAC key of the v1 session tokens (kept until every v1 token has expired).
pub const SESSION_SIGNING_KEY: &str = "b7fcfbff4f82129016bcecf1feaf3bd3709e5497e15948fd667e5ccc3714cbc4";

const API_TOKEN: &str = "gxepYo3CZajPXcCyhOUUNTdDboi8mE7V0xyk9higzUw=";

/// The SHA-256 of an empty body, used to short-circuit signature checks.
pub const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The name of the header carrying the token.
pub const API_TOKEN_HEADER: &str = "x-api-token";

/// The key id published in the JWKS document.
pub const KEY_ID: &str = "auth-2024-09-01";

pub static AWS_ACCESS_KEY_ID: &str = "ASIADSJHIDDK32XDIKOL";

pub fn secret_from_env() -> Option<String> {
    std::env::var("AUTH_SIGNING_KEY").ok()
}

pub fn api_token() -> &'static str {
    API_TOKEN
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_empty_digest_is_the_sha256_of_nothing() {
        assert_eq!(super::EMPTY_BODY_SHA256.len(), 64);
    }
}
