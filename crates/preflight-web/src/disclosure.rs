//! Disclosure: version banners in `Server` and `X-Powered-By`, and framework debug pages, which
//! a 404 probe brings out (Django with `DEBUG = True` lists every URL pattern and setting names).

use crate::codes::finding;
use crate::grade::Tally;
use crate::http::Response;

/// Text that only a framework's debug page contains, and the framework's name.
const DEBUG_MARKERS: &[(&str, &str)] = &[
    ("you have <code>debug = true</code>", "Django"),
    ("you have debug = true", "Django"),
    ("using the urlconf defined in", "Django"),
    ("werkzeug debugger", "Flask/Werkzeug"),
    ("rails.root:", "Ruby on Rails"),
    (
        "action_dispatch/middleware/debug_exceptions",
        "Ruby on Rails",
    ),
    ("whoops! there was an error", "Laravel"),
    ("symfony exception", "Symfony"),
    (
        "<b> description: </b>an unhandled exception occurred",
        "ASP.NET",
    ),
    ("phoenix.router.noRouteError", "Phoenix"),
];

/// Whether a header value names a version: a digit after a `/` or a space (`nginx/1.25.3`,
/// `PHP 8.2`).
fn has_version(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes
        .windows(2)
        .any(|w| (w[0] == b'/' || w[0] == b' ') && w[1].is_ascii_digit())
}

/// Checks the banners of a response.
pub(crate) fn banners(response: &Response, url: &str, tally: &mut Tally) {
    if let Some(server) = response.header("server")
        && has_version(server)
    {
        tally.add(
            finding(
                "web.server-version",
                url,
                "server",
                format!("the Server header discloses a version: `{}`", server.trim()),
            )
            .with_help("hide the version (nginx: server_tokens off; Apache: ServerTokens Prod)"),
        );
    }
    if let Some(powered) = response.header("x-powered-by") {
        tally.add(
            finding(
                "web.powered-by",
                url,
                "x-powered-by",
                format!("X-Powered-By discloses the stack: `{}`", powered.trim()),
            )
            .with_help("remove the X-Powered-By header"),
        );
    }
}

/// Checks the response to the 404 probe for a debug page.
pub(crate) fn debug_page(response: &Response, probe_url: &str, url: &str, tally: &mut Tally) {
    let body = String::from_utf8_lossy(&response.body).to_ascii_lowercase();
    if let Some((_, framework)) = DEBUG_MARKERS
        .iter()
        .find(|(marker, _)| body.contains(&marker.to_ascii_lowercase()))
    {
        tally.add(
            finding(
                "web.debug-page",
                url,
                "debug-page",
                format!("{framework} serves its debug page (probed {probe_url}): debug mode is on in production"),
            )
            .with_detail("probe", probe_url)
            .with_help("turn debug mode off (Django: DEBUG = False)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_digits_after_a_slash_or_space() {
        assert!(has_version("nginx/1.25.3"));
        assert!(has_version("Apache/2.4.41 (Ubuntu)"));
        assert!(has_version("PHP 8.2"));
        assert!(!has_version("nginx"));
        assert!(!has_version("cloudflare"));
    }
}
