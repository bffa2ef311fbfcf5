//! Checksums that some providers build into their credentials: a value that fails its checksum
//! cannot be a live credential (it is made up, truncated or a test value), and one that passes
//! is almost certainly one.

use preflight_rules::Checksum;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Whether `secret` carries a valid checksum of kind `checksum`.
pub fn is_valid(checksum: Checksum, secret: &[u8]) -> bool {
    match checksum {
        Checksum::GithubCrc32 => github_crc32(secret),
    }
}

/// `<prefix>_` + 30 random characters + the CRC32 of those 30 in base 62, left-padded to six.
fn github_crc32(secret: &[u8]) -> bool {
    let Some(underscore) = secret.iter().position(|&b| b == b'_') else {
        return false;
    };
    let body = &secret[underscore + 1..];
    if body.len() != 36 {
        return false;
    }
    let (random, check) = body.split_at(30);
    base62_6(crc32fast::hash(random)) == check
}

fn base62_6(mut value: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(value % 62) as usize];
        value /= 62;
    }
    out
}

/// Appends a valid checksum to a 30-character random part (for tests and examples).
#[cfg(test)]
pub fn github_token(prefix: &str, random: &str) -> String {
    let check = base62_6(crc32fast::hash(random.as_bytes()));
    format!("{prefix}_{random}{}", String::from_utf8_lossy(&check))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_tokens_validate_only_with_their_checksum() {
        let token = github_token("ghp", "Xk3mP9qR2sT7vW1yZ4bC6dF8gH0jL5");
        assert!(is_valid(Checksum::GithubCrc32, token.as_bytes()));
        let mut broken = token.clone().into_bytes();
        broken[10] = if broken[10] == b'a' { b'b' } else { b'a' };
        assert!(!is_valid(Checksum::GithubCrc32, &broken));
        assert!(!is_valid(Checksum::GithubCrc32, b"ghp_short"));
        assert!(!is_valid(Checksum::GithubCrc32, b"nounderscore"));
    }
}
