//! Live checks of a PostgreSQL server, made through the application's own connection URL.
//!
//! The check connects exactly as the application would (libpq's URL forms and `sslmode`
//! semantics, TLS through rustls), then asks the server what that connection can see:
//!
//! 1. **Transport**: `pg_stat_ssl` for this backend (encrypted? which TLS version and cipher?),
//!    the `ssl` and `ssl_min_protocol_version` settings, the URL's `sslmode`, and whether the
//!    server *enforces* TLS — a second, plaintext connection is attempted without the password
//!    and must be refused by pg_hba.conf.
//! 2. **The role**: superuser, CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS, membership in the
//!    predefined roles that read or write everything or touch the server's files and programs,
//!    objects owned outside the application's schema, and CREATE on `public` for PUBLIC.
//! 3. **Settings**, where visible: `password_encryption`, `log_connections`,
//!    `log_disconnections`, `listen_addresses`, and pg_hba.conf rules. Whatever the role may not
//!    read becomes a `db.not-checkable` info finding, never a silent pass.
//! 4. **Version**: the major version against the end-of-life table in [`checks::version`].
//! 5. **The URL's password**: length and guessability, never its characters.
//!
//! Module map: [`conninfo`] parses URLs; `tls` builds the rustls verifier for the `sslmode`;
//! `connect` opens connections (with libpq's fallbacks) and classifies failures into
//! [`DbError`]; `facts` reads the catalogs; `checks` turns facts into findings; `codes` lists
//! every code. Only `inspect*` and [`DbCheck`] do I/O; the checks are pure functions.
//!
//! The password is held as [`Redacted`] from parsing on; every error message built from driver
//! or server text goes through a scrubber that masks it, and findings never include it.

mod checks;
mod codes;
mod config;
mod connect;
pub mod conninfo;
mod dotenv;
mod error;
mod facts;
mod tls;

use preflight_findings::{Check, Outcome, Project, Redacted, Warning};
use time::Date;

pub use codes::CODES;
pub use config::Config;
pub use conninfo::{ConnInfo, SslMode};
pub use dotenv::resolve_url;
pub use error::DbError;

use crate::codes::Emitter;
use crate::error::Scrubber;

/// Connects with `url` and checks the server, as of today.
pub fn inspect(url: &str, config: &Config) -> Result<Outcome, DbError> {
    inspect_on(url, config, time::OffsetDateTime::now_utc().date())
}

/// Connects with `url` and checks the server, judging end-of-life dates as of `today`.
pub fn inspect_on(url: &str, config: &Config, today: Date) -> Result<Outcome, DbError> {
    let info = ConnInfo::parse(url)?;
    let scrubber = Scrubber::new(info.password.as_ref());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| DbError::Other(format!("cannot start the I/O runtime: {e}")))?;
    runtime.block_on(inspect_async(&info, config, today, &scrubber))
}

async fn inspect_async(
    info: &ConnInfo,
    config: &Config,
    today: Date,
    scrubber: &Scrubber,
) -> Result<Outcome, DbError> {
    let connection = connect::connect(info, config.connect_timeout(), scrubber).await?;
    let reader = facts::Reader {
        client: &connection.client,
        timeout: config.statement_timeout(),
        scrubber,
        target: scrubber.scrub(&info.target()),
    };
    let facts = reader.read(config.app_schema.as_deref()).await?;
    let probe = if facts.ssl.encrypted {
        Some(connect::probe_plaintext(info, config.connect_timeout(), scrubber).await)
    } else {
        None
    };
    let mut out = Emitter::new(scrubber.scrub(&info.target()));
    checks::transport::check(
        &mut out,
        info,
        connection.verification,
        &facts,
        probe.as_ref(),
    );
    checks::role::check(&mut out, &facts);
    checks::settings::check(&mut out, &facts);
    checks::version::check(&mut out, facts.version_num, &facts.version, today);
    checks::password::check(&mut out, info, config.min_password_length);
    Ok(Outcome {
        findings: out.findings,
        ..Outcome::default()
    })
}

/// The URL without its password, as findings name it; `None` when the URL does not parse.
pub fn target_of(url: &str) -> Option<String> {
    let info = ConnInfo::parse(url).ok()?;
    Some(Scrubber::new(info.password.as_ref()).scrub(&info.target()))
}

/// The database check as `preflight check --live` runs it: the URL from the command line, the
/// environment or the project's `.env`; a missing URL or a failed connection is a warning and
/// the run goes on.
#[derive(Debug, Clone)]
pub struct DbCheck {
    config: Config,
    url: Option<Redacted>,
}

impl DbCheck {
    /// A check using `config`, finding the URL itself.
    pub fn new(config: Config) -> Self {
        DbCheck { config, url: None }
    }

    /// Checks `url` instead of looking one up.
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(Redacted::new(url.into()));
        self
    }
}

impl Check for DbCheck {
    fn name(&self) -> &'static str {
        "db"
    }

    fn run(&self, project: &Project) -> Outcome {
        let explicit = self.url.as_ref().map(Redacted::expose);
        let url = match resolve_url(explicit, &self.config, &project.root) {
            Ok(url) => url,
            Err(err) => {
                return Outcome {
                    warnings: vec![Warning::general(format!("database checks skipped: {err}"))],
                    ..Outcome::default()
                };
            }
        };
        match inspect(url.expose(), &self.config) {
            Ok(outcome) => outcome,
            Err(err) => {
                let target = target_of(url.expose()).unwrap_or_else(|| "database".to_string());
                Outcome {
                    warnings: vec![Warning::at(
                        target,
                        format!("database checks skipped: {err}"),
                    )],
                    ..Outcome::default()
                }
            }
        }
    }
}
