//! Content-Security-Policy: parsed into directives and judged for script safety.
//!
//! A policy is `;`-separated directives, each a name and whitespace-separated sources; the first
//! occurrence of a directive wins, as in browsers. Scripts are governed by `script-src`, or by
//! `default-src` when there is none; `'unsafe-inline'` is harmless once a nonce or hash source is
//! present, because browsers then ignore it. Only the first enforced policy is judged; a
//! report-only policy is noted, since it enforces nothing.

use crate::codes::finding;
use crate::grade::{Bonus, Tally};
use crate::http::Response;

/// A parsed policy: directive names (lowercase) and their sources, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// The directives.
    pub directives: Vec<(String, Vec<String>)>,
}

impl Policy {
    /// Parses one policy.
    pub fn parse(text: &str) -> Policy {
        let mut policy = Policy::default();
        for part in text.split(';') {
            let mut words = part.split_ascii_whitespace();
            let Some(name) = words.next() else { continue };
            let name = name.to_ascii_lowercase();
            if policy.get(&name).is_none() {
                policy
                    .directives
                    .push((name, words.map(str::to_string).collect()));
            }
        }
        policy
    }

    /// The sources of a directive, if present.
    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.directives
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// The sources that apply to `name`, falling back to `default-src`.
    fn effective(&self, name: &str) -> Option<&[String]> {
        self.get(name).or_else(|| self.get("default-src"))
    }
}

fn has_keyword(sources: &[String], keyword: &str) -> bool {
    sources.iter().any(|s| s.eq_ignore_ascii_case(keyword))
}

fn has_nonce_or_hash(sources: &[String]) -> bool {
    sources.iter().any(|s| {
        let s = s.to_ascii_lowercase();
        ["'nonce-", "'sha256-", "'sha384-", "'sha512-"]
            .iter()
            .any(|p| s.starts_with(p))
    })
}

fn is_wildcard(source: &str) -> bool {
    let s = source.to_ascii_lowercase();
    ["*", "https:", "data:", "blob:", "http://*", "https://*"].contains(&s.as_str())
}

fn is_plain_http(source: &str) -> bool {
    let s = source.to_ascii_lowercase();
    s == "http:" || s.starts_with("http://")
}

/// Checks the CSP headers of a response.
pub(crate) fn check(response: &Response, url: &str, tally: &mut Tally) {
    let key = "content-security-policy";
    if let Some(report_only) = response.header("content-security-policy-report-only") {
        tally.add(
            finding(
                "web.csp-report-only",
                url,
                "content-security-policy-report-only",
                "a report-only Content-Security-Policy is sent: it reports violations but blocks nothing",
            )
            .with_detail("policy", report_only),
        );
    }
    let Some(text) = response.header(key).and_then(|v| v.split(',').next()) else {
        tally.add(
            finding("web.csp-missing", url, key, "no enforced Content-Security-Policy")
                .with_help("start from `default-src 'self'; object-src 'none'; frame-ancestors 'none'` and widen only what the site needs (Django: django-csp or SECURE_CSP)")
                .with_reference("https://developer.mozilla.org/docs/Web/HTTP/CSP"),
        );
        return;
    };
    let policy = Policy::parse(text);
    let with_policy = |f: preflight_findings::Finding| f.with_detail("policy", text.trim());
    let mut strict = true;
    if policy.get("default-src").is_none() {
        strict = false;
        tally.add(with_policy(finding(
            "web.csp-no-default-src",
            url,
            key,
            "the CSP has no default-src, so every directive it does not name is unrestricted",
        )));
    }
    let script = policy.effective("script-src");
    match script {
        None => {
            strict = false;
            tally.add(with_policy(finding(
                "web.csp-unsafe-inline",
                url,
                key,
                "the CSP sets neither script-src nor default-src: any script, inline or remote, runs",
            )));
        }
        Some(sources) => {
            if has_keyword(sources, "'unsafe-inline'") && !has_nonce_or_hash(sources) {
                strict = false;
                tally.add(with_policy(finding(
                    "web.csp-unsafe-inline",
                    url,
                    key,
                    "the CSP allows inline scripts ('unsafe-inline' without a nonce or hash)",
                )));
            }
            if has_keyword(sources, "'unsafe-eval'") {
                strict = false;
                tally.add(with_policy(finding(
                    "web.csp-unsafe-eval",
                    url,
                    key,
                    "the CSP allows eval() in scripts ('unsafe-eval')",
                )));
            }
        }
    }
    let wildcard = ["script-src", "object-src"]
        .iter()
        .filter_map(|d| policy.effective(d).map(|s| (d, s)))
        .flat_map(|(d, sources)| sources.iter().map(move |s| (d, s)))
        .find(|(_, s)| is_wildcard(s));
    if let Some((directive, source)) = wildcard {
        strict = false;
        tally.add(with_policy(finding(
            "web.csp-wildcard-source",
            url,
            key,
            format!("the CSP lets {directive} load from `{source}`, which any site can serve"),
        )));
    }
    let plain = policy
        .directives
        .iter()
        .flat_map(|(d, sources)| sources.iter().map(move |s| (d, s)))
        .find(|(_, s)| is_plain_http(s));
    if let Some((directive, source)) = plain {
        strict = false;
        tally.add(with_policy(finding(
            "web.csp-http-source",
            url,
            key,
            format!("the CSP lets {directive} load `{source}` over plain HTTP"),
        )));
    }
    let object_none = policy
        .effective("object-src")
        .is_some_and(|s| s.len() == 1 && s[0].eq_ignore_ascii_case("'none'"));
    if !object_none {
        strict = false;
        tally.add(with_policy(finding(
            "web.csp-object-src-missing",
            url,
            key,
            "the CSP does not set object-src 'none' (plugins can load)",
        )));
    }
    if policy.get("frame-ancestors").is_some() {
        tally.bonus(Bonus::FrameAncestors);
    } else {
        strict = false;
        tally.add(with_policy(finding(
            "web.csp-frame-ancestors-missing",
            url,
            key,
            "the CSP has no frame-ancestors (it replaces X-Frame-Options)",
        )));
    }
    let default_tight = policy
        .get("default-src")
        .is_some_and(|s| s.len() == 1 && (has_keyword(s, "'none'") || has_keyword(s, "'self'")));
    if strict && default_tight {
        tally.bonus(Bonus::StrictCsp);
    }
}

/// The CSP's `frame-ancestors` sources, if the response has an enforced policy with one.
pub(crate) fn frame_ancestors(response: &Response) -> Option<Vec<String>> {
    let text = response
        .header("content-security-policy")?
        .split(',')
        .next()?;
    Policy::parse(text)
        .get("frame-ancestors")
        .map(<[String]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives_first_one_winning() {
        let p = Policy::parse("Default-Src 'self';; script-src 'self' cdn.test; script-src *");
        assert_eq!(p.get("default-src").unwrap(), ["'self'"]);
        assert_eq!(p.get("script-src").unwrap(), ["'self'", "cdn.test"]);
        assert_eq!(p.directives.len(), 2);
    }

    #[test]
    fn nonces_neutralise_unsafe_inline_and_wildcards_are_seen() {
        assert!(has_nonce_or_hash(&["'nonce-abc'".to_string()]));
        assert!(is_wildcard("*"));
        assert!(is_wildcard("HTTPS:"));
        assert!(!is_wildcard("https://cdn.test"));
        assert!(is_plain_http("http://cdn.test"));
    }
}
