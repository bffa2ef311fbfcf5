//! Every finding code this crate emits, with its default severity and meaning.

use preflight_findings::{CodeInfo, Finding, Location, LocationKind, Severity};

macro_rules! codes {
    ($($id:literal, $severity:ident, $description:literal;)*) => {
        /// Every finding code the live web checks can emit.
        pub const CODES: &[CodeInfo] = &[
            $(CodeInfo { id: $id, severity: Severity::$severity, description: $description },)*
        ];
    };
}

codes! {
    "web.redirect-missing", High, "http:// does not redirect to https://";
    "web.redirect-off-host", Medium, "the first redirect from http:// leaves the host";
    "web.redirect-not-https-first", Medium, "the first redirect from http:// does not go to https:// on the same host";
    "web.redirect-too-many", Medium, "more than 10 redirects";
    "web.redirect-chain", Info, "the redirects followed, hop by hop";
    "web.plain-http", High, "the page is served over plain HTTP";
    "web.hsts-missing", High, "no Strict-Transport-Security header on HTTPS";
    "web.hsts-malformed", High, "Strict-Transport-Security header does not parse";
    "web.hsts-short-max-age", Medium, "HSTS max-age below one year (31536000 s)";
    "web.hsts-no-subdomains", Low, "HSTS without includeSubDomains";
    "web.hsts-no-preload", Low, "HSTS without preload";
    "web.csp-missing", Medium, "no enforced Content-Security-Policy";
    "web.csp-report-only", Info, "a Content-Security-Policy-Report-Only policy is sent (reports, does not enforce)";
    "web.csp-no-default-src", Medium, "CSP without default-src";
    "web.csp-unsafe-inline", High, "CSP allows inline scripts ('unsafe-inline' without nonces or hashes, or no script restriction)";
    "web.csp-unsafe-eval", Medium, "CSP allows 'unsafe-eval' for scripts";
    "web.csp-wildcard-source", Medium, "CSP allows scripts or objects from any host (*, https:, data:)";
    "web.csp-http-source", Medium, "CSP allows loading over plain http:";
    "web.csp-object-src-missing", Low, "CSP does not set object-src 'none'";
    "web.csp-frame-ancestors-missing", Low, "CSP without frame-ancestors";
    "web.nosniff-missing", Low, "X-Content-Type-Options is not nosniff";
    "web.framing-unprotected", Medium, "neither X-Frame-Options nor CSP frame-ancestors prevents framing";
    "web.x-frame-options-invalid", Medium, "X-Frame-Options has a value browsers ignore";
    "web.referrer-policy-missing", Low, "no Referrer-Policy header";
    "web.referrer-policy-unsafe", Medium, "Referrer-Policy leaks full URLs to other sites";
    "web.permissions-policy-missing", Low, "no Permissions-Policy header";
    "web.x-xss-protection", Info, "X-XSS-Protection enables a filter browsers have removed; send 0 or omit it";
    "web.cookie-not-secure", Medium, "a cookie without Secure";
    "web.session-cookie-not-secure", High, "a session cookie without Secure";
    "web.session-cookie-not-httponly", High, "a session cookie readable by scripts (no HttpOnly)";
    "web.cookie-samesite-missing", Low, "a cookie without SameSite";
    "web.cookie-samesite-invalid", Medium, "a cookie with an invalid SameSite, or SameSite=None without Secure";
    "web.cookie-prefix-invalid", Medium, "a __Host- or __Secure- cookie that breaks its prefix's rules";
    "web.session-cookie-long-lived", Low, "a session cookie that lives longer than 24 hours";
    "web.cors-wildcard-credentials", High, "Access-Control-Allow-Origin: * together with credentials";
    "web.cors-reflected-origin", High, "any Origin is reflected with credentials allowed";
    "web.cors-open", Low, "any origin may read responses (without credentials)";
    "web.server-version", Low, "the Server header discloses a version";
    "web.powered-by", Low, "X-Powered-By discloses the framework";
    "web.debug-page", Critical, "a framework debug page is served (404 probe)";
    "web.tls-legacy-version", High, "the server accepts TLS 1.0 or TLS 1.1";
    "web.tls-cert-untrusted", Critical, "the certificate chain does not lead to a trusted root";
    "web.tls-hostname-mismatch", Critical, "the certificate is not valid for the host name";
    "web.tls-cert-expired", Critical, "the certificate has expired or is not yet valid";
    "web.tls-cert-expiring", Medium, "the certificate expires in less than 30 days";
    "web.tls-weak-key", High, "the certificate's key is too small (RSA < 2048, EC < 256 bits)";
    "web.tls-sha1-signature", High, "the certificate is signed with SHA-1";
    "web.tls-certificate", Info, "the certificate and the negotiated session";
}

/// The default severity of `code`.
pub(crate) fn severity_of(code: &str) -> Severity {
    CODES
        .iter()
        .find(|c| c.id == code)
        .map(|c| c.severity)
        .expect("every emitted code is listed in CODES")
}

/// A finding at `url` with the code's default severity; `key` tells it apart from others of
/// the same code at the same URL (a cookie or header name).
pub(crate) fn finding(code: &str, url: &str, key: &str, message: impl Into<String>) -> Finding {
    Finding::new(
        code,
        severity_of(code),
        message.into(),
        Location::whole(LocationKind::Url, url),
        key,
    )
}
