//! Connection strings read the way libpq reads them.
//!
//! Applications hand PostgreSQL clients the same `DATABASE_URL` that preflight checks, so
//! preflight must understand it exactly as libpq does, or it would check a different connection
//! than the one the application makes. Three forms are accepted:
//!
//! - URLs with the `postgresql://` or `postgres://` scheme: `user:password@host:port,host2/db?k=v`,
//!   percent-encoded, IPv6 hosts in brackets, query parameters overriding the parts before them;
//! - `key=value` strings, values optionally single-quoted with `\'` and `\\` escapes;
//! - a bare word, which libpq takes as a database name.
//!
//! No crate parses both forms with libpq's keywords and `sslmode` values (the driver's own
//! parser knows only three of the six modes), hence this module. Parse errors name the part
//! that is wrong and never quote the password.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use preflight_findings::Redacted;

use crate::DbError;

/// libpq's `sslmode`: whether to use TLS and how far to trust the server's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SslMode {
    /// Plaintext only.
    Disable,
    /// Plaintext first; TLS only if the server insists.
    Allow,
    /// TLS if the server offers it, else plaintext (libpq's default).
    Prefer,
    /// TLS always; the certificate is not verified (unless a root certificate is configured).
    Require,
    /// TLS, and the certificate must chain to a trusted root; the host name is not checked.
    VerifyCa,
    /// TLS, a trusted chain, and the certificate must name the host.
    VerifyFull,
}

impl SslMode {
    /// Every mode with the spelling libpq accepts (lowercase, exactly).
    const ALL: [(SslMode, &'static str); 6] = [
        (SslMode::Disable, "disable"),
        (SslMode::Allow, "allow"),
        (SslMode::Prefer, "prefer"),
        (SslMode::Require, "require"),
        (SslMode::VerifyCa, "verify-ca"),
        (SslMode::VerifyFull, "verify-full"),
    ];

    /// The mode spelled `value`, as libpq spells it.
    pub fn parse(value: &str) -> Option<SslMode> {
        Self::ALL
            .iter()
            .find(|(_, name)| *name == value)
            .map(|(mode, _)| *mode)
    }

    /// libpq's spelling.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(mode, _)| *mode == self)
            .map(|(_, name)| *name)
            .expect("every mode has a spelling")
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed connection string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnInfo {
    /// Host names, IP addresses or Unix socket directories (starting with `/`), in order.
    pub hosts: Vec<String>,
    /// Addresses to connect to instead of resolving `hosts` (libpq's `hostaddr`).
    pub hostaddrs: Vec<IpAddr>,
    /// Ports, one for all hosts or one per host.
    pub ports: Vec<u16>,
    /// The user name.
    pub user: Option<String>,
    /// The password; held redacted.
    pub password: Option<Redacted>,
    /// The database name.
    pub dbname: Option<String>,
    /// The `sslmode` the string names, if it names one.
    pub sslmode: Option<SslMode>,
    /// `sslrootcert`: a PEM file of trusted roots, or `system`.
    pub sslrootcert: Option<String>,
    /// `connect_timeout`, when given.
    pub connect_timeout: Option<Duration>,
    /// `application_name`, when given.
    pub application_name: Option<String>,
    /// `options` sent to the server (`-c name=value`), when given.
    pub options: Option<String>,
    requiressl: bool,
}

/// libpq's keywords that preflight accepts and does not need (client certificates, Kerberos,
/// keepalives, ...). Unknown keywords are errors, as in libpq.
const IGNORED_KEYWORDS: &[&str] = &[
    "passfile",
    "channel_binding",
    "client_encoding",
    "fallback_application_name",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "replication",
    "gssencmode",
    "sslnegotiation",
    "sslcompression",
    "sslcert",
    "sslkey",
    "sslpassword",
    "sslcertmode",
    "sslcrl",
    "sslcrldir",
    "sslsni",
    "requirepeer",
    "require_auth",
    "ssl_min_protocol_version",
    "ssl_max_protocol_version",
    "krbsrvname",
    "gsslib",
    "gssdelegation",
    "service",
    "target_session_attrs",
    "load_balance_hosts",
];

impl ConnInfo {
    /// Parses a URL, a `key=value` string or a bare database name.
    pub fn parse(text: &str) -> Result<ConnInfo, DbError> {
        let text = text.trim();
        let mut info = ConnInfo::default();
        if let Some(rest) = text
            .strip_prefix("postgresql://")
            .or_else(|| text.strip_prefix("postgres://"))
        {
            info.parse_url(rest)?;
        } else if text.contains('=') {
            info.parse_key_values(text)?;
        } else if text.contains("://") {
            return Err(invalid(
                "the URL scheme must be `postgresql://` or `postgres://`",
            ));
        } else if text.contains(['/', ':', '@']) || text.contains(char::is_whitespace) {
            // Taken as a database name, a mistyped URL (`postgres//user:password@host`) would
            // be quoted whole in every message about it.
            return Err(invalid(
                "this is neither a `postgresql://` URL, nor `key=value` pairs, nor a database name",
            ));
        } else if !text.is_empty() {
            info.dbname = Some(text.to_string());
        }
        if info.sslmode.is_none() && info.requiressl {
            info.sslmode = Some(SslMode::Require);
        }
        info.validate()?;
        Ok(info)
    }

    /// The `sslmode` in force: the one given, or libpq's default `prefer`.
    pub fn effective_sslmode(&self) -> SslMode {
        self.sslmode.unwrap_or(SslMode::Prefer)
    }

    /// The user name, or the operating system user as libpq defaults to.
    pub fn user_or_default(&self) -> String {
        self.user
            .clone()
            .or_else(|| std::env::var("PGUSER").ok())
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("LOGNAME").ok())
            .unwrap_or_else(|| "postgres".to_string())
    }

    /// The database name, or the user name as libpq defaults to.
    pub fn dbname_or_default(&self) -> String {
        self.dbname
            .clone()
            .unwrap_or_else(|| self.user_or_default())
    }

    /// The hosts, or `localhost` when none is given.
    pub fn hosts_or_default(&self) -> Vec<String> {
        if self.hosts.is_empty() {
            vec!["localhost".to_string()]
        } else {
            self.hosts.clone()
        }
    }

    /// The connection as a URL without its password: what findings name as their location.
    pub fn target(&self) -> String {
        let hosts = self.hosts_or_default();
        let ports = &self.ports;
        let mut authority = Vec::new();
        for (index, host) in hosts.iter().enumerate() {
            let host = if host.starts_with('/') {
                percent_encoding::utf8_percent_encode(host, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            } else if host.contains(':') {
                format!("[{host}]")
            } else {
                host.clone()
            };
            let port = ports.get(index).or(ports.first()).copied().unwrap_or(5432);
            authority.push(format!("{host}:{port}"));
        }
        let mut url = format!(
            "postgresql://{}@{}/{}",
            encode_part(&self.user_or_default()),
            authority.join(","),
            encode_part(&self.dbname_or_default()),
        );
        if let Some(mode) = self.sslmode {
            url.push_str("?sslmode=");
            url.push_str(mode.as_str());
        }
        url
    }

    fn parse_url(&mut self, rest: &str) -> Result<(), DbError> {
        let (before_query, query) = match rest.split_once('?') {
            Some((before, query)) => (before, Some(query)),
            None => (rest, None),
        };
        let (authority, path) = match before_query.split_once('/') {
            Some((authority, path)) => (authority, Some(path)),
            None => (before_query, None),
        };
        // Passwords sometimes hold an unencoded `@`: the last one ends the user information.
        let hostspec = match authority.rsplit_once('@') {
            Some((userinfo, hostspec)) => {
                self.parse_userinfo(userinfo)?;
                hostspec
            }
            None => authority,
        };
        self.parse_hostspec(hostspec)?;
        if let Some(path) = path.filter(|p| !p.is_empty()) {
            self.dbname = Some(decode(path, "database name")?);
        }
        if let Some(query) = query {
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                let Some((key, value)) = pair.split_once('=') else {
                    let key = decode(pair, "query parameter")?;
                    return Err(invalid(&format!(
                        "query parameter `{}` has no `=value`",
                        shown_key(&key)
                    )));
                };
                let key = decode(key, "query parameter name")?;
                let value = if key == "password" {
                    decode_secret(value)?
                } else {
                    decode(value, &format!("value of `{}`", shown_key(&key)))?
                };
                self.set(&key, value)?;
            }
        }
        Ok(())
    }

    fn parse_userinfo(&mut self, userinfo: &str) -> Result<(), DbError> {
        let (user, password) = match userinfo.split_once(':') {
            Some((user, password)) => (user, Some(password)),
            None => (userinfo, None),
        };
        if !user.is_empty() {
            self.user = Some(decode(user, "user name")?);
        }
        if let Some(password) = password {
            self.password = Some(Redacted::new(decode_secret(password)?));
        }
        Ok(())
    }

    fn parse_hostspec(&mut self, hostspec: &str) -> Result<(), DbError> {
        if hostspec.is_empty() {
            return Ok(());
        }
        let mut hosts = Vec::new();
        let mut ports = Vec::new();
        for spec in hostspec.split(',') {
            let (host, port) = if let Some(bracketed) = spec.strip_prefix('[') {
                let (host, after) = bracketed
                    .split_once(']')
                    .ok_or_else(|| invalid("an IPv6 host is missing its closing `]`"))?;
                let port = match after {
                    "" => None,
                    after => Some(after.strip_prefix(':').ok_or_else(|| {
                        invalid("unexpected text after an IPv6 host's closing `]`")
                    })?),
                };
                (host.to_string(), port)
            } else {
                match spec.split_once(':') {
                    Some((host, port)) => (decode(host, "host")?, Some(port)),
                    None => (decode(spec, "host")?, None),
                }
            };
            hosts.push(host);
            ports.push(port.filter(|p| !p.is_empty()).map(parse_port).transpose()?);
        }
        if hosts.iter().any(|h| !h.is_empty()) {
            self.hosts = hosts;
        }
        if ports.iter().any(Option::is_some) {
            self.ports = ports.into_iter().map(|p| p.unwrap_or(5432)).collect();
        }
        Ok(())
    }

    fn parse_key_values(&mut self, text: &str) -> Result<(), DbError> {
        let mut chars = text.chars().peekable();
        loop {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            if chars.peek().is_none() {
                return Ok(());
            }
            let mut key = String::new();
            while let Some(c) = chars.next_if(|c| *c != '=' && !c.is_whitespace()) {
                key.push(c);
            }
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            if chars.next() != Some('=') {
                return Err(invalid(&format!("missing `=` after `{}`", shown_key(&key))));
            }
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            let mut value = String::new();
            if chars.next_if_eq(&'\'').is_some() {
                loop {
                    match chars.next() {
                        None => {
                            return Err(invalid(&format!(
                                "unterminated quoted value for `{}`",
                                shown_key(&key)
                            )));
                        }
                        Some('\'') => break,
                        Some('\\') => value.extend(chars.next()),
                        Some(c) => value.push(c),
                    }
                }
            } else {
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    if c == '\\' {
                        value.extend(chars.next());
                    } else {
                        value.push(c);
                    }
                }
            }
            self.set(&key, value)?;
        }
    }

    /// Sets one libpq keyword, from a URL query or a `key=value` string.
    fn set(&mut self, key: &str, value: String) -> Result<(), DbError> {
        match key {
            "host" => {
                self.hosts = value.split(',').map(str::to_string).collect();
            }
            "hostaddr" => {
                self.hostaddrs = value
                    .split(',')
                    .map(|a| {
                        a.parse().map_err(|_| {
                            invalid(&format!("`hostaddr` `{}` is not an IP address", shown(a)))
                        })
                    })
                    .collect::<Result<_, _>>()?;
            }
            "port" => {
                self.ports = value.split(',').map(parse_port).collect::<Result<_, _>>()?;
            }
            "user" => self.user = Some(value),
            "password" => self.password = Some(Redacted::new(value)),
            "dbname" => self.dbname = Some(value),
            "sslmode" => {
                self.sslmode = Some(SslMode::parse(&value).ok_or_else(|| {
                    invalid(&format!(
                        "`sslmode` `{}` is not one of disable, allow, prefer, require, verify-ca, verify-full",
                        shown(&value)
                    ))
                })?);
            }
            "requiressl" => match value.as_str() {
                "1" => self.requiressl = true,
                "0" => self.requiressl = false,
                _ => return Err(invalid("`requiressl` must be 0 or 1")),
            },
            "sslrootcert" => self.sslrootcert = Some(value),
            "connect_timeout" => {
                let seconds: i64 = value.trim().parse().map_err(|_| {
                    invalid(&format!(
                        "`connect_timeout` `{}` is not a number",
                        shown(&value)
                    ))
                })?;
                // libpq: zero or negative waits forever; values under two seconds count as two.
                self.connect_timeout = u64::try_from(seconds)
                    .ok()
                    .filter(|s| *s > 0)
                    .map(|s| Duration::from_secs(s.max(2)));
            }
            "application_name" => self.application_name = Some(value),
            "options" => self.options = Some(value),
            "ssl" => {
                return Err(invalid(
                    "`ssl` is not a libpq parameter (it is JDBC's); use `sslmode=require` or `sslmode=verify-full`",
                ));
            }
            key if IGNORED_KEYWORDS.contains(&key) => {}
            key => return Err(invalid(&format!("unknown parameter `{}`", shown_key(key)))),
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), DbError> {
        let hosts = self.hosts_or_default().len();
        if self.ports.len() > 1 && self.ports.len() != hosts {
            return Err(invalid(&format!(
                "{} ports given for {hosts} hosts",
                self.ports.len()
            )));
        }
        if !self.hostaddrs.is_empty() && self.hostaddrs.len() != hosts {
            return Err(invalid(&format!(
                "{} `hostaddr` values given for {hosts} hosts",
                self.hostaddrs.len()
            )));
        }
        Ok(())
    }
}

/// A keyword or value as an error may quote it: as it is when it is shaped like a keyword, a
/// number or an address, else only its redacted preview (a password typed in the wrong place).
fn shown(word: &str) -> String {
    let plain = word.len() <= 32
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'));
    if plain && preflight_findings::scrub(word) == word {
        word.to_string()
    } else {
        preflight_findings::quote_line(word)
    }
}

/// A keyword as an error may quote it: as it is when it is shaped like a libpq keyword, else
/// only its redacted preview.
fn shown_key(key: &str) -> String {
    if key.len() <= 32 && key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        key.to_string()
    } else {
        preflight_findings::quote_line(key)
    }
}

fn invalid(message: &str) -> DbError {
    DbError::InvalidUrl(message.to_string())
}

fn parse_port(port: &str) -> Result<u16, DbError> {
    port.trim()
        .parse()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| invalid(&format!("port `{port}` is not a number from 1 to 65535")))
}

fn decode(text: &str, what: &str) -> Result<String, DbError> {
    percent_decode_str(text)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| invalid(&format!("the {what} is not UTF-8 after percent-decoding")))
}

/// Decodes a password; the error never quotes it.
fn decode_secret(text: &str) -> Result<String, DbError> {
    decode(text, "password")
}

fn encode_part(text: &str) -> String {
    const PART: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'/')
        .add(b'?')
        .add(b'@')
        .add(b':')
        .add(b'%')
        .add(b'#');
    percent_encoding::utf8_percent_encode(text, PART).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ConnInfo {
        ConnInfo::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn both_url_schemes_and_percent_encoding() {
        for scheme in ["postgres", "postgresql"] {
            let info = parse(&format!(
                "{scheme}://app%40corp:p%40ss%3Aword@db.example.com:6543/my%20db?sslmode=verify-full&application_name=web"
            ));
            assert_eq!(info.user.as_deref(), Some("app@corp"));
            assert_eq!(info.password.as_ref().unwrap().expose(), "p@ss:word");
            assert_eq!(info.hosts, ["db.example.com"]);
            assert_eq!(info.ports, [6543]);
            assert_eq!(info.dbname.as_deref(), Some("my db"));
            assert_eq!(info.sslmode, Some(SslMode::VerifyFull));
            assert_eq!(info.application_name.as_deref(), Some("web"));
        }
    }

    #[test]
    fn multiple_hosts_ipv6_and_query_overrides() {
        let info = parse("postgresql://[::1]:5433,db2:5434/app?host=h1,h2&port=1,2&user=u");
        assert_eq!(info.hosts, ["h1", "h2"]);
        assert_eq!(info.ports, [1, 2]);
        assert_eq!(info.user.as_deref(), Some("u"));
        let info = parse("postgresql://u@[2001:db8::5]/app");
        assert_eq!(info.hosts, ["2001:db8::5"]);
        assert_eq!(info.target(), "postgresql://u@[2001:db8::5]:5432/app");
    }

    #[test]
    fn unix_sockets_and_empty_parts() {
        let info = parse("postgresql://%2Fvar%2Frun%2Fpostgresql/app");
        assert_eq!(info.hosts, ["/var/run/postgresql"]);
        let info = parse("postgresql:///app?host=/tmp");
        assert_eq!(info.hosts, ["/tmp"]);
        let info = parse("postgresql://");
        assert!(info.hosts.is_empty() && info.dbname.is_none());
    }

    #[test]
    fn key_value_form_with_quotes_and_escapes() {
        let info = parse(
            "host=127.0.0.1 port = 5433 user=app password='it\\'s a \\\\secret' dbname=shop sslmode=require sslrootcert=/etc/ca.pem",
        );
        assert_eq!(info.hosts, ["127.0.0.1"]);
        assert_eq!(info.ports, [5433]);
        assert_eq!(info.password.as_ref().unwrap().expose(), "it's a \\secret");
        assert_eq!(info.sslmode, Some(SslMode::Require));
        assert_eq!(info.sslrootcert.as_deref(), Some("/etc/ca.pem"));
    }

    #[test]
    fn every_sslmode_spelling_libpq_accepts() {
        for (mode, name) in SslMode::ALL {
            assert_eq!(parse(&format!("sslmode={name}")).sslmode, Some(mode));
            assert_eq!(
                parse(&format!("postgres://h/d?sslmode={name}")).sslmode,
                Some(mode)
            );
        }
        assert!(ConnInfo::parse("sslmode=REQUIRE").is_err());
        assert!(ConnInfo::parse("sslmode=verify_full").is_err());
        assert_eq!(parse("requiressl=1").sslmode, Some(SslMode::Require));
        assert_eq!(
            parse("requiressl=1 sslmode=disable").sslmode,
            Some(SslMode::Disable)
        );
        assert_eq!(parse("host=h").effective_sslmode(), SslMode::Prefer);
    }

    #[test]
    fn a_bare_word_is_a_database_name() {
        assert_eq!(parse("shop").dbname.as_deref(), Some("shop"));
    }

    #[test]
    fn a_mistyped_url_is_an_error_that_does_not_quote_it() {
        for text in [
            "postgres//app:hunter2secret@db/shop",
            "postgresql:/app:hunter2secret@db",
            "app:hunter2secret@db",
            "hunter2secret shop",
        ] {
            let error = ConnInfo::parse(text).unwrap_err().to_string();
            assert!(!error.contains("hunter2secret"), "{error}");
        }
        let error = ConnInfo::parse("host=db hunter2secret")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("hunter2secret"), "{error}");
    }

    #[test]
    fn errors_name_the_part_and_never_the_password() {
        let cases = [
            "mysql://u:hunter2secret@h/d",
            "postgres://u:hunter2secret@h:99999/d",
            "postgres://u:hunter2secret@h/d?ssl=true",
            "postgres://u:hunter2secret@h/d?sslmode=on",
            "postgres://u:hunter2secret@h/d?bogus=1",
            "postgres://u:hunter2secret@[::1/d",
            "user=u password='hunter2secret",
            "user=u password hunter2secret",
            "postgres://u:hunter2secret%FF@h/d",
        ];
        for case in cases {
            let error = ConnInfo::parse(case).expect_err(case).to_string();
            assert!(!error.contains("hunter2secret"), "{case}: {error}");
        }
        let error = ConnInfo::parse("postgres://u:x@h/d?ssl=true").unwrap_err();
        assert!(error.to_string().contains("sslmode"), "{error}");
    }

    #[test]
    fn target_drops_the_password() {
        let info = parse("postgres://app:s3cr3t-value@db:5433/shop?sslmode=require");
        assert_eq!(
            info.target(),
            "postgresql://app@db:5433/shop?sslmode=require"
        );
    }

    #[test]
    fn connect_timeout_follows_libpq() {
        assert_eq!(
            parse("connect_timeout=1").connect_timeout,
            Some(Duration::from_secs(2))
        );
        assert_eq!(parse("connect_timeout=0").connect_timeout, None);
        assert_eq!(
            parse("connect_timeout=7").connect_timeout,
            Some(Duration::from_secs(7))
        );
    }
}
