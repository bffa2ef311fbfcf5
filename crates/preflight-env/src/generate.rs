//! Secrets from the operating system's CSPRNG, and `.env` files filled with them.
//!
//! Characters are drawn from an alphabet by rejection sampling (a byte is discarded when it
//! falls in the incomplete last round of the alphabet), so every character is equally likely.
//! Passwords use letters, digits and `-_.~` only: those need no escaping in a URL, a shell or a
//! dotenv file, so a generated password can go straight into `DATABASE_URL`.

use crate::dotenv::{self, Quote};
use crate::infer::{self, Context};
use crate::policy::{Kind, Policy};
use crate::strength;

/// The error of generating a secret.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// The operating system's random source failed.
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
    /// The length asked for is not usable.
    #[error("{0}")]
    Length(String),
}

/// The alphabet of Django's `get_random_secret_key`.
pub const DJANGO_ALPHABET: &str = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)";
const PASSWORD_SYMBOLS: &str = "-_.~";
const PASSWORD_ALPHABET: &str =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~";
const MAX_BYTES: usize = 4096;

fn random(n: usize) -> Result<Vec<u8>, GenError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| GenError::Random(e.to_string()))?;
    Ok(bytes)
}

fn check_length(n: usize, min: usize) -> Result<(), GenError> {
    if n < min || n > MAX_BYTES {
        return Err(GenError::Length(format!(
            "length {n} is out of range ({min} to {MAX_BYTES})"
        )));
    }
    Ok(())
}

/// `bytes` random bytes as lower-case hex (twice as many characters).
pub fn hex(bytes: usize) -> Result<String, GenError> {
    check_length(bytes, 1)?;
    Ok(random(bytes)?.iter().map(|b| format!("{b:02x}")).collect())
}

/// `bytes` random bytes in standard base64.
pub fn base64(bytes: usize) -> Result<String, GenError> {
    use base64::Engine as _;
    check_length(bytes, 1)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(random(bytes)?))
}

/// `len` characters drawn uniformly from `alphabet`.
fn pick(alphabet: &str, len: usize) -> Result<String, GenError> {
    let chars: Vec<char> = alphabet.chars().collect();
    let n = chars.len();
    let limit = 256 - 256 % n;
    let mut out = String::with_capacity(len);
    while out.chars().count() < len {
        for b in random(len * 2)? {
            let b = usize::from(b);
            if b < limit && out.chars().count() < len {
                out.push(chars[b % n]);
            }
        }
    }
    Ok(out)
}

/// A 50-character Django secret key.
pub fn django() -> Result<String, GenError> {
    loop {
        let key = pick(DJANGO_ALPHABET, 50)?;
        let classes = strength::Classes::of(&key);
        // Django's guide asks for letters, digits and symbols; draw again in the rare case one
        // is missing.
        if classes.lower && classes.digit && classes.symbol {
            return Ok(key);
        }
    }
}

/// A password of `len` characters with lower- and upper-case letters, digits and symbols.
pub fn password(len: usize) -> Result<String, GenError> {
    check_length(len, 8)?;
    loop {
        let candidate = pick(PASSWORD_ALPHABET, len)?;
        let classes = strength::Classes::of(&candidate);
        if classes.count() == 4 && candidate.chars().any(|c| PASSWORD_SYMBOLS.contains(c)) {
            return Ok(candidate);
        }
    }
}

/// A dotenv file filled from its example.
#[derive(Debug, Clone)]
pub struct Filled {
    /// The new file's text.
    pub text: String,
    /// The variables that got a fresh secret.
    pub generated: Vec<String>,
    /// The variables still holding a placeholder or an empty value, for the user to fill.
    pub left: Vec<String>,
}

/// The fresh value for a variable of `kind`, if it is a secret the project makes itself.
fn fresh(name: &str, kind: &Kind) -> Result<Option<(String, Quote)>, GenError> {
    let Kind::Secret { min_length, django } = kind else {
        return Ok(None);
    };
    let value = if *django {
        return Ok(Some((self::django()?, Quote::Single)));
    } else if name.to_ascii_uppercase().contains("PASS") {
        password((*min_length).max(32))?
    } else {
        hex((*min_length).div_ceil(2).max(32))?
    };
    Ok(Some((value, Quote::None)))
}

/// Fills `example` (the bytes of a `.env.example`): every secret-kind variable gets a fresh
/// value; everything else, comments and layout included, is kept.
pub fn fill(example: &[u8], policy: &Policy, django: bool) -> Result<Filled, GenError> {
    let document = dotenv::parse(example);
    let text = String::from_utf8_lossy(example);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut lines: Vec<Option<String>> = text.lines().map(|l| Some(l.to_string())).collect();
    let ctx = Context { policy, django };
    let mut generated = Vec::new();
    let mut left = Vec::new();
    for entry in &document.entries {
        let kind = match policy.vars.get(&entry.key) {
            Some(rule) => Some(rule.kind.clone()),
            None if policy.infer => infer::infer(&entry.key, ctx).map(|i| i.kind),
            None => None,
        };
        let replacement = match &kind {
            Some(kind) => fresh(&entry.key, kind)?,
            None => None,
        };
        let first = entry.line as usize - 1;
        let last = (entry.end_line as usize).min(lines.len());
        match replacement {
            Some((value, quote)) if first < lines.len() => {
                let export = if entry.exported { "export " } else { "" };
                let value = match quote {
                    Quote::Single => format!("'{value}'"),
                    _ => value,
                };
                lines[first] = Some(format!("{export}{}={value}", entry.key));
                for line in lines.iter_mut().take(last).skip(first + 1) {
                    *line = None;
                }
                generated.push(entry.key.clone());
            }
            _ => {
                if entry.value.is_empty() || strength::placeholder(&entry.value).is_some() {
                    left.push(entry.key.clone());
                }
            }
        }
    }
    let mut out: String = lines.into_iter().flatten().collect::<Vec<_>>().join("\n");
    out.push('\n');
    Ok(Filled {
        text: out,
        generated,
        left,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_values_have_their_shapes() {
        let h = hex(32).unwrap();
        assert_eq!(h.len(), 64);
        assert!(h.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(base64(32).unwrap().len(), 44);
        let d = django().unwrap();
        assert_eq!(d.chars().count(), 50);
        assert!(d.chars().all(|c| DJANGO_ALPHABET.contains(c)));
        let p = password(24).unwrap();
        assert_eq!(p.len(), 24);
        assert_eq!(strength::Classes::of(&p).count(), 4);
        assert_ne!(hex(32).unwrap(), hex(32).unwrap());
        assert!(password(4).is_err());
        assert!(hex(0).is_err());
    }

    #[test]
    fn fills_secrets_and_keeps_the_rest() {
        let example = b"# app\nSECRET_KEY=changeme\nPOSTGRES_PASSWORD=\nDATABASE_URL=postgresql://app:${POSTGRES_PASSWORD}@db:5432/app\nOPENAI_API_KEY=sk-...\nDEBUG=False\n";
        let filled = fill(example, &Policy::default(), false).unwrap();
        assert_eq!(filled.generated, ["SECRET_KEY", "POSTGRES_PASSWORD"]);
        assert_eq!(filled.left, ["OPENAI_API_KEY"]);
        let doc = dotenv::parse(filled.text.as_bytes());
        assert!(doc.problems.is_empty(), "{:?}", doc.problems);
        assert_eq!(doc.get("SECRET_KEY").unwrap().value.len(), 64);
        assert_eq!(doc.get("DEBUG").unwrap().value, "False");
        assert!(filled.text.starts_with("# app\n"));
        let url = &doc.get("DATABASE_URL").unwrap().value;
        assert!(url.contains(&doc.get("POSTGRES_PASSWORD").unwrap().value));
    }
}
