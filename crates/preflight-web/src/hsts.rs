//! Strict-Transport-Security, parsed strictly (RFC 6797 section 6.1): `;`-separated directives,
//! names case-insensitive, values tokens or quoted strings, each directive at most once,
//! `max-age` required and made of digits only. Unknown directives are allowed, as the RFC says.
//! The guide's thresholds apply: a year, subdomains included, preload asked for.

use crate::codes::finding;
use crate::grade::Tally;
use crate::http::Response;

/// One year in seconds, the guide's minimum.
pub const ONE_YEAR: u64 = 31_536_000;

/// A parsed HSTS header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hsts {
    /// `max-age`, in seconds.
    pub max_age: u64,
    /// `includeSubDomains` is present.
    pub include_subdomains: bool,
    /// `preload` is present.
    pub preload: bool,
}

/// Parses an HSTS header value; the error says what is wrong.
pub fn parse(value: &str) -> Result<Hsts, String> {
    let mut seen: Vec<String> = Vec::new();
    let mut max_age = None;
    let mut hsts = Hsts {
        max_age: 0,
        include_subdomains: false,
        preload: false,
    };
    for directive in value.split(';') {
        let directive = directive.trim();
        if directive.is_empty() {
            continue;
        }
        let (name, raw) = match directive.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (directive, None),
        };
        if name.is_empty() || !name.chars().all(is_token_char) {
            return Err(format!("`{name}` is not a directive name"));
        }
        let lower = name.to_ascii_lowercase();
        if seen.contains(&lower) {
            return Err(format!("`{name}` appears twice"));
        }
        seen.push(lower.clone());
        let value = raw.map(unquote).transpose()?;
        match lower.as_str() {
            "max-age" => {
                let v = value.ok_or("max-age has no value")?;
                if v.is_empty() || !v.chars().all(|c| c.is_ascii_digit()) {
                    return Err(format!("max-age `{v}` is not a number of seconds"));
                }
                max_age = Some(v.parse::<u64>().unwrap_or(u64::MAX));
            }
            "includesubdomains" | "preload" if value.is_some() => {
                return Err(format!("`{name}` takes no value"));
            }
            "includesubdomains" => hsts.include_subdomains = true,
            "preload" => hsts.preload = true,
            _ => {}
        }
    }
    hsts.max_age = max_age.ok_or("max-age is missing")?;
    Ok(hsts)
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

fn unquote(value: &str) -> Result<String, String> {
    if let Some(inner) = value.strip_prefix('"') {
        let inner = inner
            .strip_suffix('"')
            .ok_or_else(|| format!("unterminated quoted value `{value}`"))?;
        return Ok(inner.replace("\\\"", "\""));
    }
    if value.chars().all(is_token_char) {
        Ok(value.to_string())
    } else {
        Err(format!("`{value}` is not a valid value"))
    }
}

/// Checks the HSTS header of an HTTPS response.
pub(crate) fn check(response: &Response, url: &str, tally: &mut Tally) {
    let key = "strict-transport-security";
    let Some(value) = response.header(key) else {
        tally.add(
            finding("web.hsts-missing", url, key, "no Strict-Transport-Security header")
                .with_help("send `Strict-Transport-Security: max-age=31536000; includeSubDomains; preload` (Django: SECURE_HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD)")
                .with_reference("https://www.rfc-editor.org/rfc/rfc6797"),
        );
        return;
    };
    match parse(value) {
        Err(why) => tally.add(
            finding(
                "web.hsts-malformed",
                url,
                key,
                format!("Strict-Transport-Security does not parse ({why}); browsers ignore it"),
            )
            .with_detail("header", value),
        ),
        Ok(hsts) => {
            if hsts.max_age < ONE_YEAR {
                tally.add(
                    finding(
                        "web.hsts-short-max-age",
                        url,
                        key,
                        format!(
                            "HSTS max-age is {} s; at least {ONE_YEAR} s (one year) is required",
                            hsts.max_age
                        ),
                    )
                    .with_detail("max-age", hsts.max_age.to_string()),
                );
            }
            if !hsts.include_subdomains {
                tally.add(finding(
                    "web.hsts-no-subdomains",
                    url,
                    key,
                    "HSTS does not include subdomains (add includeSubDomains)",
                ));
            }
            if !hsts.preload {
                tally.add(finding(
                    "web.hsts-no-preload",
                    url,
                    key,
                    "HSTS does not ask for preloading (add preload)",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_guides_header() {
        let hsts = parse("max-age=31536000; includeSubDomains; preload").unwrap();
        assert_eq!(
            hsts,
            Hsts {
                max_age: ONE_YEAR,
                include_subdomains: true,
                preload: true
            }
        );
        assert_eq!(parse("MAX-AGE=\"60\"").unwrap().max_age, 60);
        assert_eq!(parse("max-age=5;;ext=1;").unwrap().max_age, 5);
    }

    #[test]
    fn rejects_malformed_headers() {
        for bad in [
            "",
            "includeSubDomains",
            "max-age=abc",
            "max-age=-1",
            "max-age=1; max-age=2",
            "max-age=1, includeSubDomains",
            "max-age=1; preload=yes",
            "max-age=\"1",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
