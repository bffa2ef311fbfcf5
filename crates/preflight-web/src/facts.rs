//! What a scan saw in order, kept as facts: the evidence behind a passed checklist item.
//!
//! After a site is judged, each family of codes that reported nothing above `info` gets one
//! fact naming what satisfied it (the header value, the redirect, the cookies' attributes), so a
//! report can say "HSTS passed: `max-age=63072000; includeSubDomains; preload`" rather than only
//! "nothing found". Cookie values are never recorded, only names and counts.

use preflight_findings::{Fact, Finding, Location, LocationKind, Severity};

use crate::cookies::Cookie;
use crate::http::Response;

/// The longest header value a fact quotes before cutting it.
const QUOTE_LIMIT: usize = 160;

/// What the scan of one site saw, beyond the page's own headers.
pub(crate) struct Seen<'a> {
    /// The final page, and its URL.
    pub page: &'a Response,
    /// The URL of the final page.
    pub page_url: &'a str,
    /// Whether the page was served over HTTPS.
    pub https: bool,
    /// The `http://` URL probed and where its first redirect went, when it redirected.
    pub redirect: Option<(String, String)>,
    /// Every response of the scan, for the cookies they set.
    pub responses: &'a [&'a Response],
    /// The answer to the CORS probe, when it came.
    pub cors_probe: Option<&'a Response>,
    /// Whether the 404 probe was answered.
    pub not_found_probed: bool,
    /// Whether the legacy TLS probes ran without a problem.
    pub legacy_probed: bool,
}

/// `value` quoted in a code span, cut at [`QUOTE_LIMIT`] characters.
fn quote(value: &str) -> String {
    let mut cut: String = value.chars().take(QUOTE_LIMIT).collect();
    if cut.len() < value.len() {
        cut.push('…');
    }
    format!("`{cut}`")
}

/// The facts of one scan whose `findings` are known.
pub(crate) fn record(seen: &Seen, findings: &[Finding]) -> Vec<Fact> {
    let reported = |prefixes: &[&str]| {
        findings
            .iter()
            .any(|f| f.severity > Severity::Info && prefixes.iter().any(|p| f.id.starts_with(p)))
    };
    let at_page = || Location::whole(LocationKind::Url, seen.page_url);
    let page = seen.page;
    let mut facts = Vec::new();

    if let Some((from, to)) = &seen.redirect
        && !reported(&["web.redirect-", "web.plain-http"])
    {
        facts.push(Fact::new(
            "web.redirect-missing",
            Location::whole(LocationKind::Url, from),
            format!("{from} redirects straight to {to}"),
        ));
    }
    if seen.https
        && !reported(&["web.hsts-"])
        && let Some(hsts) = page.header("strict-transport-security")
    {
        facts.push(Fact::new(
            "web.hsts-missing",
            at_page(),
            format!("Strict-Transport-Security: {}", quote(hsts)),
        ));
    }
    if !reported(&["web.csp-"])
        && let Some(csp) = page.header("content-security-policy")
    {
        facts.push(Fact::new(
            "web.csp-missing",
            at_page(),
            format!("Content-Security-Policy: {}", quote(csp)),
        ));
    }
    if !reported(&["web.nosniff-missing"])
        && let Some(nosniff) = page.header("x-content-type-options")
    {
        facts.push(Fact::new(
            "web.nosniff-missing",
            at_page(),
            format!("X-Content-Type-Options: {}", quote(nosniff)),
        ));
    }
    if !reported(&["web.framing-unprotected", "web.x-frame-options-invalid"]) {
        let framing = page
            .header("x-frame-options")
            .map(|xfo| format!("X-Frame-Options: {}", quote(xfo)))
            .or_else(|| {
                page.header("content-security-policy")
                    .filter(|csp| csp.contains("frame-ancestors"))
                    .map(|_| "framing is limited by CSP frame-ancestors".to_string())
            });
        if let Some(framing) = framing {
            facts.push(Fact::new("web.framing-unprotected", at_page(), framing));
        }
    }

    let mut names: Vec<String> = Vec::new();
    let mut sessions = 0;
    for response in seen.responses {
        for cookie in response.all("set-cookie").filter_map(Cookie::parse) {
            if !names.contains(&cookie.name) {
                sessions += usize::from(cookie.is_session());
                names.push(cookie.name);
            }
        }
    }
    if !names.is_empty() && !reported(&["web.cookie", "web.session-cookie-"]) {
        facts.push(Fact::new(
            "web.cookie-not-secure",
            at_page(),
            format!(
                "{} set, each Secure with SameSite",
                counted(names.len(), "cookie", "cookies")
            ),
        ));
        if sessions > 0 {
            facts.push(Fact::new(
                "web.session-cookie-not-httponly",
                at_page(),
                format!(
                    "{}: Secure, HttpOnly, and living at most a day",
                    counted(sessions, "session cookie", "session cookies")
                ),
            ));
        }
    }
    if let Some(probe) = seen.cors_probe
        && !reported(&["web.cors-"])
    {
        let allowed = probe.header("access-control-allow-origin");
        facts.push(Fact::new(
            "web.cors-reflected-origin",
            at_page(),
            match allowed {
                None => "a request from another origin was given no Access-Control-Allow-Origin"
                    .to_string(),
                Some(origin) => format!(
                    "a request from another origin was answered with Access-Control-Allow-Origin: {}",
                    quote(origin)
                ),
            },
        ));
    }
    if seen.not_found_probed && !reported(&["web.debug-page"]) {
        facts.push(Fact::new(
            "web.debug-page",
            at_page(),
            "a missing page is answered without a framework debug page",
        ));
    }
    if seen.https && seen.legacy_probed && !reported(&["web.tls-legacy-version"]) {
        facts.push(Fact::new(
            "web.tls-legacy-version",
            at_page(),
            "TLS 1.0 and TLS 1.1 handshakes are refused",
        ));
    }
    facts
}

/// `1 cookie` / `3 cookies`.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::finding;

    fn response(headers: &[(&str, &str)]) -> Response {
        Response {
            status: 200,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: Vec::new(),
            tls: None,
        }
    }

    fn seen<'a>(page: &'a Response, responses: &'a [&'a Response]) -> Seen<'a> {
        Seen {
            page,
            page_url: "https://localhost/",
            https: true,
            redirect: Some(("http://localhost/".into(), "https://localhost/".into())),
            responses,
            cors_probe: None,
            not_found_probed: true,
            legacy_probed: true,
        }
    }

    fn ids(facts: &[Fact]) -> Vec<&str> {
        facts.iter().map(|f| f.id.as_str()).collect()
    }

    #[test]
    fn what_passed_is_recorded_with_the_header_that_passed_it() {
        let page = response(&[
            (
                "strict-transport-security",
                "max-age=63072000; includeSubDomains; preload",
            ),
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            (
                "set-cookie",
                "sessionid=abc123def; Secure; HttpOnly; SameSite=Lax; Path=/",
            ),
        ]);
        let responses = [&page];
        let facts = record(&seen(&page, &responses), &[]);
        assert_eq!(
            ids(&facts),
            [
                "web.redirect-missing",
                "web.hsts-missing",
                "web.nosniff-missing",
                "web.framing-unprotected",
                "web.cookie-not-secure",
                "web.session-cookie-not-httponly",
                "web.debug-page",
                "web.tls-legacy-version",
            ]
        );
        assert!(facts[1].message.contains("max-age=63072000"));
        assert!(
            facts.iter().all(|f| !f.message.contains("abc123def")),
            "cookie values are never recorded"
        );
    }

    #[test]
    fn a_family_with_a_finding_gets_no_fact() {
        let page = response(&[("strict-transport-security", "max-age=60")]);
        let responses = [&page];
        let short = finding(
            "web.hsts-short-max-age",
            "https://localhost/",
            "hsts",
            "short",
        );
        let facts = record(&seen(&page, &responses), &[short]);
        assert!(!ids(&facts).contains(&"web.hsts-missing"));
        // An info finding does not take the fact away.
        let csp = response(&[("content-security-policy", "default-src 'self'")]);
        let info = finding("web.csp-report-only", "https://localhost/", "csp", "report");
        let facts = record(&seen(&csp, &[]), &[info]);
        assert!(ids(&facts).contains(&"web.csp-missing"));
    }

    #[test]
    fn long_values_are_cut() {
        let long = "a".repeat(500);
        let quoted = quote(&long);
        assert!(quoted.chars().count() < 170, "{quoted}");
        assert!(quoted.ends_with("…`"));
    }
}
