//! Keys the auth service uses to sign and verify session tokens.

use std::time::Duration;

/// How long an issued token stays valid.
pub const TOKEN_TTL: Duration = Duration::from_secs(900);

/// The HMAC key of the v1 session tokens (kept until every v1 token has expired).
pub const SESSION_SIGNING_KEY: &str = "d5f92bbd2b0c590fe896a339a83000378ae898a110fd9960ee340f4e2138672b";

const API_TOKEN: &str = "Y5dOQYTe/E10mvQhU/8pIeK0c6RZxWEy/+VMibnC69Q=";

/// The SHA-256 of an empty body, used to short-circuit signature checks.
pub const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The name of the header carrying the token.
pub const API_TOKEN_HEADER: &str = "x-api-token";

/// The key id published in the JWKS document.
pub const KEY_ID: &str = "auth-2024-09-01";

pub static AWS_ACCESS_KEY_ID: &str = "ASIAZGBW342JOCCJADTW";

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
