//! Every finding code the database checks emit, with its default severity and meaning, and the
//! one place findings are built so that each carries the target and a reference.

use preflight_findings::{CodeInfo, Finding, Location, LocationKind, Severity};

macro_rules! codes {
    ($($name:ident = $id:literal, $severity:ident, $description:literal;)*) => {
        $(
            #[doc = $description]
            pub(crate) const $name: CodeInfo = CodeInfo {
                id: $id,
                severity: Severity::$severity,
                description: $description,
            };
        )*
        /// Every code the database checks can emit.
        pub const CODES: &[CodeInfo] = &[$($name),*];
    };
}

codes! {
    CONNECTION_UNENCRYPTED = "db.connection-unencrypted", High,
        "The application's connection to the database is not encrypted.";
    TLS_CONNECTION = "db.tls-connection", Info,
        "The connection is encrypted; the TLS version and cipher in use.";
    TLS_VERSION_OLD = "db.tls-version-old", Medium,
        "The connection negotiated a TLS version older than 1.2.";
    SERVER_SSL_OFF = "db.server-ssl-off", High,
        "The server has `ssl` off: no client can encrypt its connection.";
    SSL_MIN_PROTOCOL_OLD = "db.ssl-min-protocol-old", Medium,
        "The server's `ssl_min_protocol_version` allows TLS older than 1.2.";
    TLS_NOT_ENFORCED = "db.tls-not-enforced", High,
        "The server accepts plaintext connections for this user and database.";
    SSLMODE_DISABLE = "db.sslmode-disable", High,
        "The URL's sslmode=disable never encrypts the connection.";
    SSLMODE_FALLBACK = "db.sslmode-fallback", High,
        "The URL's sslmode (prefer, allow or unset) silently falls back to plaintext.";
    SSLMODE_NO_VERIFY = "db.sslmode-no-verify", Medium,
        "The URL's sslmode=require encrypts without verifying the server's certificate.";
    SSLMODE_NO_HOSTNAME = "db.sslmode-no-hostname", Low,
        "The URL's sslmode=verify-ca checks the certificate's issuer but not the host name.";
    ROLE_SUPERUSER = "db.role-superuser", Critical,
        "The application connects as a superuser.";
    ROLE_CREATEROLE = "db.role-createrole", High,
        "The application's role may create and alter roles (CREATEROLE).";
    ROLE_CREATEDB = "db.role-createdb", Medium,
        "The application's role may create databases (CREATEDB).";
    ROLE_REPLICATION = "db.role-replication", High,
        "The application's role may stream replication (REPLICATION), reading all data.";
    ROLE_BYPASSRLS = "db.role-bypassrls", High,
        "The application's role bypasses row-level security (BYPASSRLS).";
    ROLE_POWERFUL_MEMBER = "db.role-powerful-member", High,
        "The application's role is a member of a powerful predefined role.";
    OWNS_OUTSIDE_SCHEMA = "db.owns-outside-schema", Medium,
        "The application's role owns objects outside the application's schema.";
    PUBLIC_SCHEMA_CREATE = "db.public-schema-create", Medium,
        "Every role (PUBLIC) may create objects in schema `public`.";
    PASSWORD_ENCRYPTION = "db.password-encryption", Medium,
        "The server's `password_encryption` is not scram-sha-256.";
    LOG_CONNECTIONS_OFF = "db.log-connections-off", Low,
        "The server does not log connections (`log_connections`).";
    LOG_DISCONNECTIONS_OFF = "db.log-disconnections-off", Low,
        "The server does not log disconnections (`log_disconnections`).";
    LISTEN_ALL_ADDRESSES = "db.listen-all-addresses", Low,
        "The server listens on every network interface (`listen_addresses`).";
    HBA_TRUST = "db.hba-trust", High,
        "A pg_hba.conf rule lets clients in without any password (`trust`).";
    HBA_WEAK_AUTH = "db.hba-weak-auth", Medium,
        "A pg_hba.conf rule uses `password` (cleartext) or `md5` authentication.";
    HBA_ANY_ADDRESS = "db.hba-any-address", Medium,
        "A pg_hba.conf rule accepts connections from any address (0.0.0.0/0, ::/0, all).";
    NOT_CHECKABLE = "db.not-checkable", Info,
        "Something could not be checked with this role's privileges; it is not a pass.";
    VERSION_EOL = "db.version-eol", High,
        "The server's PostgreSQL major version is past its end of life.";
    VERSION_EOL_SOON = "db.version-eol-soon", Low,
        "The server's PostgreSQL major version reaches its end of life within a year.";
    VERSION_UNKNOWN = "db.version-unknown", Info,
        "The server's PostgreSQL major version is not in preflight's end-of-life table.";
    PASSWORD_SHORT = "db.password-short", Medium,
        "The URL's password is shorter than the configured minimum.";
    PASSWORD_WEAK = "db.password-weak", Medium,
        "The URL's password is easy to guess.";
    PASSWORD_ABSENT = "db.password-absent", Info,
        "The URL has no password, so its strength was not checked.";
}

/// Builds findings about one database target.
pub(crate) struct Emitter {
    target: String,
    pub(crate) findings: Vec<Finding>,
}

impl Emitter {
    /// An emitter for `target` (the URL without its password).
    pub(crate) fn new(target: String) -> Self {
        Emitter {
            target,
            findings: Vec::new(),
        }
    }

    /// Adds a finding of `code` at its default severity; `key` tells it from others of the
    /// same code on this target.
    pub(crate) fn emit(
        &mut self,
        code: &CodeInfo,
        message: impl Into<String>,
        key: &str,
    ) -> &mut Finding {
        self.emit_at(code, code.severity, message, key)
    }

    /// Adds a finding of `code` at `severity`.
    pub(crate) fn emit_at(
        &mut self,
        code: &CodeInfo,
        severity: Severity,
        message: impl Into<String>,
        key: &str,
    ) -> &mut Finding {
        let location = Location::whole(LocationKind::Database, self.target.clone());
        self.findings.push(Finding::new(
            code.id,
            severity,
            Into::<String>::into(message),
            location,
            key,
        ));
        self.findings.last_mut().expect("a finding was just pushed")
    }

    /// Adds an info finding saying `what` could not be checked with this role.
    pub(crate) fn not_checkable(&mut self, what: &str, why: &str) -> &mut Finding {
        let finding = self.emit(
            &NOT_CHECKABLE,
            format!("{what} is not checkable with this role: {why}"),
            what,
        );
        finding.details.insert("check".into(), what.into());
        finding
    }
}

/// Sets help and a detail on a finding in one expression.
pub(crate) trait Annotate {
    /// Sets how to fix it.
    fn help(&mut self, help: &str) -> &mut Self;
    /// Adds a detail.
    fn detail(&mut self, key: &str, value: impl Into<String>) -> &mut Self;
}

impl Annotate for Finding {
    fn help(&mut self, help: &str) -> &mut Self {
        self.help = Some(help.to_string().into());
        self
    }

    fn detail(&mut self, key: &str, value: impl Into<String>) -> &mut Self {
        self.details.insert(key.to_string(), value.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_prefixed_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in CODES {
            assert!(seen.insert(code.id), "duplicate {}", code.id);
            let name = code.id.strip_prefix("db.").expect("db. prefix");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                code.id
            );
            assert!(code.description.ends_with('.'), "{}", code.id);
        }
    }
}
