//! Opening connections the way libpq would for the URL's `sslmode`, and telling apart why one
//! failed.
//!
//! libpq's fallbacks are reproduced: `allow` tries plaintext first and TLS if the server turns
//! it away; `prefer` tries TLS first and plaintext if the server has no TLS or the TLS attempt
//! fails. Every failure becomes a [`DbError`] whose text has been scrubbed of the password.
//!
//! The enforcement probe opens a second, plaintext connection *without the password*: the
//! server's answer to the startup message (refused by pg_hba.conf, or "send a password") is
//! enough to tell whether plaintext is allowed, and the password never crosses the network
//! unencrypted on preflight's account.

use std::error::Error as _;
use std::io;
use std::time::Duration;

use tokio_postgres::config::SslMode as DriverSslMode;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::DbError;
use crate::conninfo::{ConnInfo, SslMode};
use crate::error::Scrubber;
use crate::tls::{self, Verification};

/// How one attempt negotiates TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attempt {
    Plaintext,
    TlsIfOffered,
    TlsRequired,
}

/// An open connection and how its TLS (if any) verified the server.
pub(crate) struct Connection {
    /// The client.
    pub(crate) client: Client,
    /// How far the certificate was checked, when TLS was configured.
    pub(crate) verification: Option<Verification>,
}

/// Opens the connection the URL describes.
pub(crate) async fn connect(
    info: &ConnInfo,
    timeout: Duration,
    scrubber: &Scrubber,
) -> Result<Connection, DbError> {
    let mode = info.effective_sslmode();
    let fail = |err: Failure| err.into_error(info, mode, timeout, scrubber);
    if mode == SslMode::Disable {
        let client = attempt(info, Attempt::Plaintext, None, timeout, true)
            .await
            .map_err(fail)?;
        return Ok(Connection {
            client,
            verification: None,
        });
    }
    let (config, verification) = tls::client_config(info)?;
    let tls = MakeRustlsConnect::new(config);
    let verification = Some(verification);
    let result = match mode {
        SslMode::Allow => match attempt(info, Attempt::Plaintext, None, timeout, true).await {
            Err(err) if err.server_rejected() => {
                attempt(info, Attempt::TlsRequired, Some(tls), timeout, true).await
            }
            other => other,
        },
        SslMode::Prefer => {
            match attempt(info, Attempt::TlsIfOffered, Some(tls), timeout, true).await {
                Err(err) if err.tls_failed() || err.server_rejected() => {
                    attempt(info, Attempt::Plaintext, None, timeout, true).await
                }
                other => other,
            }
        }
        _ => attempt(info, Attempt::TlsRequired, Some(tls), timeout, true).await,
    };
    let client = result.map_err(fail)?;
    Ok(Connection {
        client,
        verification,
    })
}

/// What the server says to a plaintext connection attempt made without the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PlaintextProbe {
    /// The server's access rules refused it: TLS is enforced for this connection.
    Refused(String),
    /// The server went on to ask for a password: plaintext is allowed.
    AskedForPassword,
    /// The server let it in without any password.
    AcceptedWithoutPassword,
    /// Something else happened; enforcement is unknown.
    Unknown(String),
}

/// Tries a plaintext connection with the URL's user and database, without the password.
pub(crate) async fn probe_plaintext(
    info: &ConnInfo,
    timeout: Duration,
    scrubber: &Scrubber,
) -> PlaintextProbe {
    match attempt(info, Attempt::Plaintext, None, timeout, false).await {
        Ok(_client) => PlaintextProbe::AcceptedWithoutPassword,
        Err(Failure::Driver(err)) => {
            if let Some(db) = err.as_db_error() {
                if *db.code() == SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
                    return PlaintextProbe::Refused(scrubber.scrub(db.message()));
                }
                return PlaintextProbe::Unknown(scrubber.scrub(&db.to_string()));
            }
            if chain_text(&err).contains("password missing") {
                return PlaintextProbe::AskedForPassword;
            }
            PlaintextProbe::Unknown(scrubber.scrub(&chain_text(&err)))
        }
        Err(Failure::TimedOut) => {
            PlaintextProbe::Unknown(format!("no answer within {} s", timeout.as_secs()))
        }
    }
}

/// Why one attempt failed.
enum Failure {
    Driver(tokio_postgres::Error),
    TimedOut,
}

impl Failure {
    /// The server answered and turned this connection away (pg_hba.conf).
    fn server_rejected(&self) -> bool {
        matches!(self, Failure::Driver(err) if err
            .as_db_error()
            .is_some_and(|db| *db.code() == SqlState::INVALID_AUTHORIZATION_SPECIFICATION))
    }

    /// The TLS handshake itself failed.
    fn tls_failed(&self) -> bool {
        matches!(self, Failure::Driver(err) if find_rustls_error(err).is_some())
    }

    fn into_error(
        self,
        info: &ConnInfo,
        mode: SslMode,
        timeout: Duration,
        scrubber: &Scrubber,
    ) -> DbError {
        // The user or database name could repeat the password; the target is scrubbed too.
        let target = scrubber.scrub(&info.target());
        let err = match self {
            Failure::TimedOut => {
                return DbError::Timeout {
                    target,
                    during: "connecting",
                    seconds: timeout.as_secs(),
                };
            }
            Failure::Driver(err) => err,
        };
        if let Some(db) = err.as_db_error() {
            let code = db.code();
            return if *code == SqlState::INVALID_PASSWORD {
                DbError::BadCredentials {
                    user: scrubber.scrub(&info.user_or_default()),
                    target,
                }
            } else if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
                DbError::Refused {
                    reason: scrubber.scrub(db.message()),
                }
            } else if *code == SqlState::INVALID_CATALOG_NAME {
                DbError::UnknownDatabase {
                    database: scrubber.scrub(&info.dbname_or_default()),
                    target,
                }
            } else {
                DbError::Other(scrubber.scrub(&db.to_string()))
            };
        }
        if let Some(tls_error) = find_rustls_error(&err) {
            return match tls_error {
                rustls::Error::InvalidCertificate(reason) => DbError::TlsVerification {
                    reason: scrubber.scrub(&describe_certificate_error(reason)),
                    target,
                },
                other => DbError::Tls(scrubber.scrub(&format!("handshake failed: {other}"))),
            };
        }
        let text = chain_text(&err);
        if text.contains("server does not support TLS") {
            return DbError::TlsRefused {
                sslmode: mode.as_str(),
                target,
            };
        }
        if text.contains("password missing") {
            return DbError::PasswordMissing { target };
        }
        if let Some(io) = find_io_error(&err) {
            match io.kind() {
                io::ErrorKind::TimedOut => {
                    return DbError::Timeout {
                        target,
                        during: "connecting",
                        seconds: timeout.as_secs(),
                    };
                }
                io::ErrorKind::ConnectionRefused
                | io::ErrorKind::HostUnreachable
                | io::ErrorKind::NetworkUnreachable
                | io::ErrorKind::AddrNotAvailable
                | io::ErrorKind::NotFound
                | io::ErrorKind::ConnectionReset => {
                    return DbError::Unreachable {
                        target,
                        reason: scrubber.scrub(&io.to_string()),
                    };
                }
                _ => {}
            }
        }
        DbError::Other(scrubber.scrub(&text))
    }
}

/// One connection attempt, bounded by `timeout` as a whole.
async fn attempt(
    info: &ConnInfo,
    how: Attempt,
    tls: Option<MakeRustlsConnect>,
    timeout: Duration,
    with_password: bool,
) -> Result<Client, Failure> {
    let config = driver_config(info, how, timeout, with_password);
    let connecting = async {
        match tls {
            Some(tls) => {
                let (client, connection) = config.connect(tls).await?;
                tokio::spawn(connection);
                Ok(client)
            }
            None => {
                let (client, connection) = config.connect(NoTls).await?;
                tokio::spawn(connection);
                Ok(client)
            }
        }
    };
    match tokio::time::timeout(timeout, connecting).await {
        Ok(result) => result.map_err(Failure::Driver),
        Err(_) => Err(Failure::TimedOut),
    }
}

fn driver_config(
    info: &ConnInfo,
    how: Attempt,
    timeout: Duration,
    with_password: bool,
) -> tokio_postgres::Config {
    let mut config = tokio_postgres::Config::new();
    for host in info.hosts_or_default() {
        config.host(&host);
    }
    for addr in &info.hostaddrs {
        config.hostaddr(*addr);
    }
    for port in &info.ports {
        config.port(*port);
    }
    config.user(info.user_or_default());
    config.dbname(info.dbname_or_default());
    if with_password && let Some(password) = &info.password {
        config.password(password.expose());
    }
    if let Some(options) = &info.options {
        config.options(options);
    }
    config.application_name(info.application_name.as_deref().unwrap_or("preflight"));
    config.connect_timeout(info.connect_timeout.unwrap_or(timeout).min(timeout));
    config.ssl_mode(match how {
        Attempt::Plaintext => DriverSslMode::Disable,
        Attempt::TlsIfOffered => DriverSslMode::Prefer,
        Attempt::TlsRequired => DriverSslMode::Require,
    });
    config
}

fn sources(err: &tokio_postgres::Error) -> Vec<&(dyn std::error::Error + 'static)> {
    let mut chain = Vec::new();
    let mut next = err.source();
    while let Some(source) = next {
        chain.push(source);
        next = source.source();
    }
    chain
}

fn find_rustls_error(err: &tokio_postgres::Error) -> Option<&rustls::Error> {
    sources(err).into_iter().find_map(|e| {
        e.downcast_ref::<rustls::Error>().or_else(|| {
            e.downcast_ref::<io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        })
    })
}

fn find_io_error(err: &tokio_postgres::Error) -> Option<&io::Error> {
    sources(err)
        .into_iter()
        .find_map(|e| e.downcast_ref::<io::Error>())
}

/// The error and its causes on one line.
fn chain_text(err: &tokio_postgres::Error) -> String {
    let mut text = err.to_string();
    for source in sources(err) {
        let part = source.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
    }
    text
}

fn describe_certificate_error(error: &rustls::CertificateError) -> String {
    use rustls::CertificateError as E;
    match error {
        E::UnknownIssuer => "it is not signed by a trusted root (check `sslrootcert`)".to_string(),
        E::NotValidForName | E::NotValidForNameContext { .. } => {
            "it does not name the host in the URL (sslmode=verify-full checks the name)".to_string()
        }
        E::Expired | E::ExpiredContext { .. } => "it has expired".to_string(),
        E::NotValidYet | E::NotValidYetContext { .. } => "it is not valid yet".to_string(),
        E::Revoked => "it has been revoked".to_string(),
        E::BadSignature => "its signature is invalid".to_string(),
        other => other.to_string(),
    }
}
