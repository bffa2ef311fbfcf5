//! Live checks of a deployed web site, graded.
//!
//! `preflight web URL` looks at a running site the way a careful reviewer would: does
//! `http://` redirect to `https://` on the same host, are HSTS, CSP and the other security
//! headers set with the guide's thresholds, are cookies `Secure`, `HttpOnly` and `SameSite`,
//! does CORS trust any origin, do banners or debug pages disclose the stack, and is TLS sound
//! (no TLS 1.0/1.1, a trusted chain that names the host and is not about to expire, a strong
//! key, no SHA-1). Each problem is a [`Finding`](preflight_findings::Finding) located at the
//! URL; each site gets a [`Score`](preflight_findings::Score) whose modifiers say what moved
//! it (see `GRADING.md`).
//!
//! Design: one [`Scanner`] holds the TLS configuration, the trusted roots and the timeouts;
//! [`Scanner::scan`] runs the requests of one site (bounded: see [`scan`]) and never prints.
//! Network failures (DNS, refused connections, handshake failures with their cause, timeouts)
//! become [`Warning`](preflight_findings::Warning)s naming the URL, and the run goes on with
//! the next site.

mod codes;
mod cookies;
mod cors;
mod csp;
mod disclosure;
mod facts;
mod grade;
mod handshake;
mod headers;
mod hsts;
mod http;
mod legacy;
pub mod scan;
mod target;
mod tls;

#[cfg(feature = "testkit")]
pub mod testkit;

use std::path::PathBuf;
use std::time::Duration;

use preflight_findings::{Check, Outcome, Project, Warning};
use serde::Deserialize;

pub use codes::CODES;
pub use grade::{BONUS_FLOOR, BONUSES, GRADES, PENALTIES, grade_for, markdown_tables};
pub use http::FetchError;
pub use legacy::{LegacyVersion, ProbeResult, client_hello, read_answer};
pub use target::{InvalidUrl, Scheme, Target};
pub use tls::TrustError;

/// The default connect and read timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How to scan.
#[derive(Debug, Clone)]
pub struct Options {
    /// Timeout for connecting (and the TLS handshake) and for reading each response.
    pub timeout: Duration,
    /// Judge certificate chains against the certificates of this PEM file instead of the
    /// system's roots.
    pub ca_file: Option<PathBuf>,
    /// The port of the `http://` redirect probe for `https://` URLs (default 80).
    pub http_port: Option<u16>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: DEFAULT_TIMEOUT,
            ca_file: None,
            http_port: None,
        }
    }
}

/// Scans sites; build once, scan many.
pub struct Scanner {
    client: http::Client,
    trust: tls::Trust,
    options: Options,
}

impl Scanner {
    /// A scanner with `options`; fails when the trusted roots cannot be loaded.
    pub fn new(options: Options) -> Result<Scanner, TrustError> {
        let trust = tls::load_roots(options.ca_file.as_deref())?;
        Ok(Scanner {
            client: http::Client::new(tls::client_config(), options.timeout),
            trust,
            options,
        })
    }
}

/// The `[web]` section of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The sites `preflight check --live` scans.
    pub urls: Vec<String>,
    /// A PEM file of CA certificates to trust instead of the system's (relative to the project).
    pub ca: Option<PathBuf>,
    /// Connect and read timeout, in seconds.
    pub timeout_seconds: u64,
    /// The port of the `http://` redirect probe (default 80).
    pub http_port: Option<u16>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            urls: Vec::new(),
            ca: None,
            timeout_seconds: DEFAULT_TIMEOUT.as_secs(),
            http_port: None,
        }
    }
}

/// The live web check that `preflight check --live` runs over the configured URLs.
#[derive(Debug, Clone)]
pub struct WebCheck {
    config: Config,
}

impl WebCheck {
    /// A check over the URLs of `config`.
    pub fn new(config: Config) -> Self {
        WebCheck { config }
    }
}

impl Check for WebCheck {
    fn name(&self) -> &'static str {
        "web"
    }

    fn run(&self, project: &Project) -> Outcome {
        let mut outcome = Outcome::default();
        if self.config.urls.is_empty() {
            return outcome;
        }
        let options = Options {
            timeout: Duration::from_secs(self.config.timeout_seconds.max(1)),
            ca_file: self.config.ca.as_ref().map(|ca| project.root.join(ca)),
            http_port: self.config.http_port,
        };
        match Scanner::new(options) {
            Ok(scanner) => {
                for url in &self.config.urls {
                    outcome.merge(scanner.scan(url));
                }
            }
            Err(e) => outcome
                .warnings
                .push(Warning::general(format!("web checks skipped: {e}"))),
        }
        outcome
    }
}
