//! The `[db]` section of preflight's configuration.

use std::time::Duration;

use serde::Deserialize;

/// Settings of the database checks (`[db]` in preflight.toml).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The variable holding the connection URL, looked up in the environment and then in the
    /// project's `.env` (default `DATABASE_URL`).
    pub url_env: String,
    /// The shortest acceptable password in the URL, in characters (default 20; the
    /// order-processing guide asks 32).
    pub min_password_length: usize,
    /// The schema the application's objects live in; objects the role owns elsewhere are
    /// reported (default: the connection's current schema, usually `public`).
    pub app_schema: Option<String>,
    /// Seconds to wait for a connection (default 10).
    pub connect_timeout_secs: u64,
    /// Seconds each catalog query may run (default 5).
    pub statement_timeout_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            url_env: "DATABASE_URL".to_string(),
            min_password_length: 20,
            app_schema: None,
            connect_timeout_secs: 10,
            statement_timeout_secs: 5,
        }
    }
}

impl Config {
    /// The connect timeout (at least one second).
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_secs.max(1))
    }

    /// The statement timeout (at least one second).
    pub fn statement_timeout(&self) -> Duration {
        Duration::from_secs(self.statement_timeout_secs.max(1))
    }
}
