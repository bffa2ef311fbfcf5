//! The URLs preflight visits: `http` or `https`, a host, a port and a path.
//!
//! Written by hand rather than with a general URL crate: preflight only ever needs the scheme,
//! host, port and request target of absolute `http(s)` URLs, and to resolve a redirect's
//! `Location` (absolute, scheme-relative, absolute-path or relative-path). A full WHATWG parser
//! brings Unicode IDNA tables whose build cost is out of proportion on small CI machines.
//! Internationalised host names must be given in their ASCII (`xn--`) form.

use std::fmt;

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTP over TLS.
    Https,
}

impl Scheme {
    /// The scheme's default port.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// An absolute `http` or `https` URL, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The scheme.
    pub scheme: Scheme,
    /// The host, lowercase, without brackets for IPv6 literals.
    pub host: String,
    /// The port, explicit or the scheme's default.
    pub port: u16,
    /// The path and query, starting with `/`.
    pub path: String,
}

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid URL `{url}`: {reason}")]
pub struct InvalidUrl {
    /// The URL as given (truncated when very long).
    pub url: String,
    /// What is wrong.
    pub reason: &'static str,
}

impl Target {
    /// Parses an absolute `http://` or `https://` URL.
    pub fn parse(url: &str) -> Result<Target, InvalidUrl> {
        let invalid = |reason| InvalidUrl {
            url: url.chars().take(200).collect(),
            reason,
        };
        let trimmed = url.trim();
        let (scheme, rest) = match trimmed.split_once("://") {
            Some((s, rest)) if s.eq_ignore_ascii_case("https") => (Scheme::Https, rest),
            Some((s, rest)) if s.eq_ignore_ascii_case("http") => (Scheme::Http, rest),
            Some(_) => return Err(invalid("only http:// and https:// URLs can be checked")),
            None => {
                return Err(invalid(
                    "expected an absolute URL such as https://example.com/",
                ));
            }
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.contains('@') {
            return Err(invalid("credentials in URLs are not supported"));
        }
        let (host, port) = split_host_port(authority).ok_or_else(|| invalid("bad host or port"))?;
        if host.is_empty() {
            return Err(invalid("missing host"));
        }
        if host
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
        {
            return Err(invalid("the host must be ASCII (use the xn-- form)"));
        }
        let tail = tail.split('#').next().unwrap_or("");
        let path = if tail.starts_with('/') {
            tail.to_string()
        } else {
            format!("/{tail}")
        };
        if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("the path has spaces or control characters"));
        }
        Ok(Target {
            scheme,
            host: host.to_ascii_lowercase(),
            port: port.unwrap_or(scheme.default_port()),
            path,
        })
    }

    /// Resolves a redirect's `Location` value against this URL.
    pub fn join(&self, location: &str) -> Result<Target, InvalidUrl> {
        let location = location.trim();
        if location.contains("://") {
            return Target::parse(location);
        }
        if let Some(rest) = location.strip_prefix("//") {
            return Target::parse(&format!("{}://{rest}", self.scheme.as_str()));
        }
        let path = if location.starts_with('/') {
            location.to_string()
        } else {
            let path_only = self.path.split('?').next().unwrap_or("/");
            let dir = &path_only[..path_only.rfind('/').map_or(0, |i| i + 1)];
            format!("{dir}{location}")
        };
        Target::parse(&format!("{}{}", self.origin(), path))
    }

    /// The same URL with another scheme and port (the path is kept).
    pub fn with_scheme(&self, scheme: Scheme, port: u16) -> Target {
        Target {
            scheme,
            port,
            ..self.clone()
        }
    }

    /// The same origin with another path.
    pub fn with_path(&self, path: &str) -> Target {
        Target {
            path: path.to_string(),
            ..self.clone()
        }
    }

    /// `scheme://host[:port]`, the port shown only when it is not the default.
    pub fn origin(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == self.scheme.default_port() {
            format!("{}://{host}", self.scheme.as_str())
        } else {
            format!("{}://{host}:{}", self.scheme.as_str(), self.port)
        }
    }

    /// The value of the `Host` request header.
    pub fn host_header(&self) -> String {
        self.origin()
            .split_once("://")
            .map(|(_, authority)| authority.to_string())
            .unwrap_or_default()
    }
}

fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return match after.strip_prefix(':') {
            Some(port) => Some((host, Some(port.parse().ok()?))),
            None if after.is_empty() => Some((host, None)),
            None => None,
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => Some((host, Some(port.parse().ok()?))),
        Some(_) => None,
        None => Some((authority, None)),
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.origin(), self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scheme_host_port_and_path() {
        let t = Target::parse("HTTPS://Example.COM:8443/a/b?x=1#frag").unwrap();
        assert_eq!(t.scheme, Scheme::Https);
        assert_eq!(t.host, "example.com");
        assert_eq!(t.port, 8443);
        assert_eq!(t.path, "/a/b?x=1");
        assert_eq!(t.to_string(), "https://example.com:8443/a/b?x=1");
        let t = Target::parse("http://[::1]/").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 80));
        assert_eq!(t.host_header(), "[::1]");
    }

    #[test]
    fn rejects_other_schemes_and_bad_ports() {
        assert!(Target::parse("ftp://example.com/").is_err());
        assert!(Target::parse("example.com").is_err());
        assert!(Target::parse("https://example.com:99999/").is_err());
        assert!(Target::parse("https://user:pw@example.com/").is_err());
        assert!(Target::parse("https:///x").is_err());
    }

    #[test]
    fn joins_every_kind_of_location() {
        let base = Target::parse("http://a.test:8080/dir/page?q").unwrap();
        assert_eq!(
            base.join("https://b.test/x").unwrap().to_string(),
            "https://b.test/x"
        );
        assert_eq!(
            base.join("//c.test/y").unwrap().to_string(),
            "http://c.test/y"
        );
        assert_eq!(base.join("/z").unwrap().to_string(), "http://a.test:8080/z");
        assert_eq!(
            base.join("other").unwrap().to_string(),
            "http://a.test:8080/dir/other"
        );
    }
}
