//! CORS: a wildcard origin together with credentials, and origins reflected back whatever they
//! are. The reflection probe sends an `Origin` of a reserved `.invalid` name that no real site
//! can have, so any server that echoes it would echo an attacker's origin too.

use crate::codes::finding;
use crate::grade::Tally;
use crate::http::Response;

/// The foreign origin sent by the reflection probe.
pub const PROBE_ORIGIN: &str = "https://preflight-probe.invalid";

fn allows_credentials(response: &Response) -> bool {
    response
        .header("access-control-allow-credentials")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// Checks the CORS headers of the normal response and of the response to the probe.
pub(crate) fn check(normal: &Response, probe: Option<&Response>, url: &str, tally: &mut Tally) {
    let key = "access-control-allow-origin";
    let wildcard = normal.header(key).is_some_and(|v| v.trim() == "*");
    if wildcard && allows_credentials(normal) {
        tally.add(finding(
            "web.cors-wildcard-credentials",
            url,
            key,
            "Access-Control-Allow-Origin: * is sent with Access-Control-Allow-Credentials: true: the server means to let any site make credentialed requests",
        ).with_help("list the trusted origins explicitly (django-cors-headers: CORS_ALLOWED_ORIGINS) and never combine * with credentials"));
        return;
    }
    let reflected = probe.filter(|p| p.header(key).is_some_and(|v| v.trim() == PROBE_ORIGIN));
    match reflected {
        Some(p) if allows_credentials(p) => tally.add(
            finding(
                "web.cors-reflected-origin",
                url,
                key,
                format!("the server echoes any Origin (it allowed `{PROBE_ORIGIN}`) with credentials: any site can read this user's responses"),
            )
            .with_help("check the Origin against an allowlist instead of echoing it"),
        ),
        Some(_) => tally.add(finding(
            "web.cors-open",
            url,
            key,
            format!("the server echoes any Origin (it allowed `{PROBE_ORIGIN}`), without credentials"),
        )),
        None if wildcard => tally.add(finding(
            "web.cors-open",
            url,
            key,
            "Access-Control-Allow-Origin: * lets any site read responses (without credentials)",
        )),
        None => {}
    }
}
