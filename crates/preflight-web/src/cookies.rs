//! Cookies: every `Set-Cookie` of every response, checked for `Secure`, `HttpOnly` on session
//! cookies, `SameSite`, the `__Host-`/`__Secure-` prefix rules (RFC 6265bis) and the lifetime of
//! session cookies.
//!
//! Session cookies are recognised by name (`sessionid` for Django, `PHPSESSID`, `JSESSIONID`,
//! `connect.sid`, anything with `session` in it). CSRF cookies (`csrftoken`, `XSRF-TOKEN`) are
//! meant to be read by scripts, so they need no `HttpOnly`. `Expires` dates are parsed with the
//! lenient algorithm of RFC 6265 section 5.1.1, measured from the response's `Date`.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::codes::finding;
use crate::grade::{Bonus, Tally};
use crate::http::Response;

/// The longest a session cookie should live: 24 hours.
pub const SESSION_LIMIT_SECONDS: i64 = 24 * 3600;

/// A parsed `Set-Cookie` header (its value is never kept).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cookie {
    /// The cookie's name.
    pub name: String,
    /// `Secure` is set.
    pub secure: bool,
    /// `HttpOnly` is set.
    pub http_only: bool,
    /// The `SameSite` value, as sent.
    pub same_site: Option<String>,
    /// The `Domain` attribute.
    pub domain: Option<String>,
    /// The `Path` attribute.
    pub path: Option<String>,
    /// `Max-Age` in seconds.
    pub max_age: Option<i64>,
    /// `Expires` as Unix seconds.
    pub expires: Option<i64>,
}

impl Cookie {
    /// Parses a `Set-Cookie` value; `None` when it has no name.
    pub fn parse(header: &str) -> Option<Cookie> {
        let mut parts = header.split(';');
        let (name, _) = parts.next()?.split_once('=')?;
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let mut cookie = Cookie {
            name: name.to_string(),
            ..Cookie::default()
        };
        for attribute in parts {
            let (key, value) = match attribute.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim())),
                None => (attribute.trim(), None),
            };
            match key.to_ascii_lowercase().as_str() {
                "secure" => cookie.secure = true,
                "httponly" => cookie.http_only = true,
                "samesite" => cookie.same_site = value.map(str::to_string),
                "domain" => cookie.domain = value.map(str::to_string),
                "path" => cookie.path = value.map(str::to_string),
                "max-age" => cookie.max_age = value.and_then(|v| v.parse().ok()),
                "expires" => cookie.expires = value.and_then(parse_http_date),
                _ => {}
            }
        }
        Some(cookie)
    }

    /// Whether the name says it holds a session.
    pub fn is_session(&self) -> bool {
        let name = self.name.to_ascii_lowercase();
        !self.is_csrf()
            && (name.contains("session")
                || name.contains("sessid")
                || ["sid", "connect.sid", "sess", "_session_id"].contains(&name.as_str()))
    }

    /// Whether the name says it is a CSRF token that scripts read.
    pub fn is_csrf(&self) -> bool {
        let name = self.name.to_ascii_lowercase();
        name.contains("csrf") || name.contains("xsrf")
    }

    /// How long the cookie lives, in seconds from `now`; `None` for a browser-session cookie.
    pub fn lifetime(&self, now: i64) -> Option<i64> {
        self.max_age.or_else(|| self.expires.map(|e| e - now))
    }
}

/// Parses an HTTP date leniently (RFC 6265 section 5.1.1) into Unix seconds.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let (mut time, mut day, mut month, mut year) = (None, None, None, None);
    let is_delimiter = |c: char| !(c.is_ascii_alphanumeric() || c == ':');
    for token in text.split(is_delimiter).filter(|t| !t.is_empty()) {
        if time.is_none() {
            let fields: Vec<&str> = token.split(':').collect();
            if fields.len() == 3 {
                let n: Vec<i64> = fields.iter().filter_map(|f| f.parse().ok()).collect();
                if n.len() == 3 {
                    time = Some((n[0], n[1], n[2]));
                    continue;
                }
            }
        }
        let digits = token.chars().take_while(char::is_ascii_digit).count();
        if day.is_none() && (1..=2).contains(&digits) && digits == token.len() {
            day = token.parse::<i64>().ok();
            continue;
        }
        if month.is_none() && token.len() >= 3 {
            const MONTHS: [&str; 12] = [
                "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
            ];
            let prefix = token[..3].to_ascii_lowercase();
            if let Some(i) = MONTHS.iter().position(|m| *m == prefix) {
                month = Some(i as i64 + 1);
                continue;
            }
        }
        if year.is_none() && (2..=4).contains(&digits) && digits == token.len() {
            let y: i64 = token.parse().ok()?;
            year = Some(match y {
                70..=99 => y + 1900,
                0..=69 => y + 2000,
                _ => y,
            });
        }
    }
    let (h, m, s) = time?;
    let (day, month, year) = (day?, month?, year?);
    if !(1..=31).contains(&day) || year < 1601 || h > 23 || m > 59 || s > 59 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The time a response was sent: its `Date`, or now.
fn response_time(response: &Response) -> i64 {
    response
        .header("date")
        .and_then(parse_http_date)
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        })
}

/// Checks every cookie set by `responses` (each once, by name), reporting at `url`.
pub(crate) fn check(responses: &[&Response], url: &str, tally: &mut Tally) {
    let mut seen: Vec<String> = Vec::new();
    let mut all_good = true;
    for response in responses {
        let now = response_time(response);
        for header in response.all("set-cookie") {
            let Some(cookie) = Cookie::parse(header) else {
                continue;
            };
            if seen.contains(&cookie.name) {
                continue;
            }
            seen.push(cookie.name.clone());
            all_good &= check_one(&cookie, now, url, tally);
        }
    }
    if !seen.is_empty() && all_good {
        tally.bonus(Bonus::SecureCookies);
    }
}

/// Checks one cookie; whether it had no problem.
fn check_one(cookie: &Cookie, now: i64, url: &str, tally: &mut Tally) -> bool {
    let name = cookie.name.as_str();
    let before = tally.findings.len();
    let session = cookie.is_session();
    if !cookie.secure {
        let (code, what) = if session {
            ("web.session-cookie-not-secure", "session cookie")
        } else {
            ("web.cookie-not-secure", "cookie")
        };
        tally.add(
            finding(
                code,
                url,
                name,
                format!(
                    "{what} `{name}` is sent without Secure, so it also travels over plain HTTP"
                ),
            )
            .with_detail("cookie", name)
            .with_help(
                "set Secure (Django: SESSION_COOKIE_SECURE = True, CSRF_COOKIE_SECURE = True)",
            ),
        );
    }
    if session && !cookie.http_only {
        tally.add(
            finding(
                "web.session-cookie-not-httponly",
                url,
                name,
                format!(
                    "session cookie `{name}` has no HttpOnly, so any injected script can steal it"
                ),
            )
            .with_detail("cookie", name)
            .with_help("set HttpOnly (Django: SESSION_COOKIE_HTTPONLY = True, the default)"),
        );
    }
    match cookie
        .same_site
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None => tally.add(
            finding(
                "web.cookie-samesite-missing",
                url,
                name,
                format!("cookie `{name}` has no SameSite attribute"),
            )
            .with_detail("cookie", name),
        ),
        Some("strict" | "lax") => {}
        Some("none") if cookie.secure => {}
        Some("none") => tally.add(
            finding(
                "web.cookie-samesite-invalid",
                url,
                name,
                format!("cookie `{name}` has SameSite=None without Secure; browsers reject it"),
            )
            .with_detail("cookie", name),
        ),
        Some(other) => tally.add(
            finding(
                "web.cookie-samesite-invalid",
                url,
                name,
                format!("cookie `{name}` has SameSite=`{other}`, which browsers do not know"),
            )
            .with_detail("cookie", name),
        ),
    }
    if let Some(problem) = prefix_problem(cookie) {
        tally.add(
            finding(
                "web.cookie-prefix-invalid",
                url,
                name,
                format!("cookie `{name}` {problem}; browsers refuse to store it"),
            )
            .with_detail("cookie", name),
        );
    }
    if session
        && let Some(lifetime) = cookie.lifetime(now)
        && lifetime > SESSION_LIMIT_SECONDS
    {
        tally.add(
            finding(
                "web.session-cookie-long-lived",
                url,
                name,
                format!(
                    "session cookie `{name}` lives {} hours; at most 24 hours is advised",
                    lifetime / 3600
                ),
            )
            .with_detail("cookie", name)
            .with_detail("lifetime-seconds", lifetime.to_string())
            .with_help("shorten the session (Django: SESSION_COOKIE_AGE = 86400 or less)"),
        );
    }
    tally.findings.len() == before
}

fn prefix_problem(cookie: &Cookie) -> Option<&'static str> {
    if cookie.name.starts_with("__Host-") {
        if !cookie.secure {
            return Some("has the __Host- prefix but no Secure");
        }
        if cookie.domain.is_some() {
            return Some("has the __Host- prefix but sets Domain");
        }
        if cookie.path.as_deref() != Some("/") {
            return Some("has the __Host- prefix but not Path=/");
        }
    }
    if cookie.name.starts_with("__Secure-") && !cookie.secure {
        return Some("has the __Secure- prefix but no Secure");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_attributes_without_keeping_the_value() {
        let c = Cookie::parse("sessionid=abc123; Path=/; HttpOnly; SameSite=Lax; Max-Age=1209600")
            .unwrap();
        assert_eq!(c.name, "sessionid");
        assert!(c.http_only && !c.secure);
        assert_eq!(c.same_site.as_deref(), Some("Lax"));
        assert_eq!(c.max_age, Some(1_209_600));
        assert!(c.is_session());
        assert!(!format!("{c:?}").contains("abc123"));
        assert!(Cookie::parse("novalue").is_none());
    }

    #[test]
    fn csrf_cookies_are_not_session_cookies() {
        let c = Cookie::parse("csrftoken=x; Secure").unwrap();
        assert!(c.is_csrf() && !c.is_session());
    }

    #[test]
    fn parses_http_dates_leniently() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("not a date"), None);
    }

    #[test]
    fn host_prefix_rules() {
        let ok = Cookie::parse("__Host-id=1; Secure; Path=/").unwrap();
        assert_eq!(prefix_problem(&ok), None);
        let domain = Cookie::parse("__Host-id=1; Secure; Path=/; Domain=a.test").unwrap();
        assert!(prefix_problem(&domain).is_some());
        let insecure = Cookie::parse("__Secure-id=1").unwrap();
        assert!(prefix_problem(&insecure).is_some());
    }
}
