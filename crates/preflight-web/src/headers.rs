//! The single-value security headers: X-Content-Type-Options, X-Frame-Options (or CSP
//! `frame-ancestors`), Referrer-Policy, Permissions-Policy and X-XSS-Protection.

use crate::codes::finding;
use crate::csp;
use crate::grade::{Bonus, Tally};
use crate::http::Response;

/// Referrer policies that never send a path to another site.
const PRIVATE_REFERRER: &[&str] = &[
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
];
/// Referrer policies that send full URLs to other sites (even over HTTP).
const UNSAFE_REFERRER: &[&str] = &["unsafe-url", "no-referrer-when-downgrade"];
/// Every policy a browser knows; unknown tokens are skipped.
const KNOWN_REFERRER: &[&str] = &[
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "origin",
    "origin-when-cross-origin",
    "unsafe-url",
    "no-referrer-when-downgrade",
];

/// Runs every single-header check on a response.
pub(crate) fn check(response: &Response, url: &str, tally: &mut Tally) {
    nosniff(response, url, tally);
    framing(response, url, tally);
    referrer(response, url, tally);
    if response.header("permissions-policy").is_none() {
        tally.add(finding(
            "web.permissions-policy-missing",
            url,
            "permissions-policy",
            "no Permissions-Policy header: camera, microphone, geolocation and other features are not restricted",
        ).with_help("send e.g. `Permissions-Policy: camera=(), microphone=(), geolocation=()`"));
    }
    if let Some(value) = response.header("x-xss-protection")
        && value.trim() != "0"
    {
        tally.add(
            finding(
                "web.x-xss-protection",
                url,
                "x-xss-protection",
                format!("X-XSS-Protection `{}` turns on a filter that current browsers have removed and that could itself leak data; current guidance is `0` or no header, with a Content-Security-Policy doing the job", value.trim()),
            )
            .with_reference("https://developer.mozilla.org/docs/Web/HTTP/Headers/X-XSS-Protection"),
        );
    }
}

fn nosniff(response: &Response, url: &str, tally: &mut Tally) {
    let key = "x-content-type-options";
    match response.header(key).map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("nosniff") => {}
        Some(v) => tally.add(finding(
            "web.nosniff-missing",
            url,
            key,
            format!("X-Content-Type-Options is `{v}`; only `nosniff` has an effect"),
        )),
        None => tally.add(finding(
            "web.nosniff-missing",
            url,
            key,
            "no `X-Content-Type-Options: nosniff`: browsers may guess content types",
        )),
    }
}

fn framing(response: &Response, url: &str, tally: &mut Tally) {
    if csp::frame_ancestors(response).is_some() {
        return;
    }
    let key = "x-frame-options";
    match response.header(key).map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("deny") || v.eq_ignore_ascii_case("sameorigin") => {}
        Some(v) => tally.add(finding(
            "web.x-frame-options-invalid",
            url,
            key,
            format!("X-Frame-Options `{v}` is ignored by browsers (use DENY, SAMEORIGIN or CSP frame-ancestors)"),
        )),
        None => tally.add(finding(
            "web.framing-unprotected",
            url,
            key,
            "neither X-Frame-Options nor CSP frame-ancestors: other sites can frame this page (clickjacking)",
        ).with_help("send `X-Frame-Options: DENY` (Django: XFrameOptionsMiddleware) or CSP `frame-ancestors 'none'`")),
    }
}

fn referrer(response: &Response, url: &str, tally: &mut Tally) {
    let key = "referrer-policy";
    let values: Vec<&str> = response.all(key).collect();
    if values.is_empty() {
        tally.add(finding(
            "web.referrer-policy-missing",
            url,
            key,
            "no Referrer-Policy header (send `strict-origin-when-cross-origin` or `same-origin`)",
        ));
        return;
    }
    // The last policy the browser understands wins.
    let policy = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_ascii_lowercase())
        .rfind(|t| KNOWN_REFERRER.contains(&t.as_str()));
    match policy {
        Some(p) if PRIVATE_REFERRER.contains(&p.as_str()) => tally.bonus(Bonus::PrivateReferrer),
        Some(p) if UNSAFE_REFERRER.contains(&p.as_str()) => tally.add(finding(
            "web.referrer-policy-unsafe",
            url,
            key,
            format!("Referrer-Policy `{p}` sends full URLs, with paths and query strings, to other sites"),
        )),
        Some(_) => {}
        None => tally.add(finding(
            "web.referrer-policy-missing",
            url,
            key,
            format!("Referrer-Policy `{}` names no policy browsers know", values.join(", ")),
        )),
    }
}
