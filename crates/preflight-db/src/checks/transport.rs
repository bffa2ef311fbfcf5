//! Transport: is this connection encrypted, can the server encrypt at all, does it insist on
//! it, and does the URL verify whom it talks to.

use crate::checks::is_off;
use crate::codes::{
    Annotate, CONNECTION_UNENCRYPTED, Emitter, SERVER_SSL_OFF, SSL_MIN_PROTOCOL_OLD,
    SSLMODE_DISABLE, SSLMODE_FALLBACK, SSLMODE_NO_HOSTNAME, SSLMODE_NO_VERIFY, TLS_CONNECTION,
    TLS_NOT_ENFORCED, TLS_VERSION_OLD,
};
use crate::connect::PlaintextProbe;
use crate::conninfo::{ConnInfo, SslMode};
use crate::facts::Facts;
use crate::tls::Verification;

/// TLS protocol names older than 1.2, as the server spells them.
const OLD_PROTOCOLS: &[&str] = &["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"];

/// Checks the transport. `probe` is the plaintext attempt's result, `None` when this
/// connection is itself plaintext (which already shows plaintext is accepted).
pub(crate) fn check(
    out: &mut Emitter,
    info: &ConnInfo,
    verification: Option<Verification>,
    facts: &Facts,
    probe: Option<&PlaintextProbe>,
) {
    check_sslmode(out, info, verification);
    if facts.ssl.encrypted {
        let version = facts.ssl.version.clone().unwrap_or_default();
        let cipher = facts.ssl.cipher.clone().unwrap_or_default();
        out.emit(
            &TLS_CONNECTION,
            format!("The connection is encrypted with {version} ({cipher})"),
            "tls",
        )
        .detail("tls_version", version.clone())
        .detail("cipher", cipher);
        if OLD_PROTOCOLS.contains(&version.as_str()) {
            out.emit(
                &TLS_VERSION_OLD,
                format!("The connection negotiated {version}, older than TLS 1.2"),
                "tls-version",
            )
            .help("Set ssl_min_protocol_version = 'TLSv1.2' (or TLSv1.3) on the server.");
        }
    } else {
        out.emit(
            &CONNECTION_UNENCRYPTED,
            "The connection to the database is not encrypted: passwords and data cross the network in plaintext",
            "connection",
        )
        .help("Turn `ssl` on at the server and use sslmode=verify-full in the URL.");
    }
    match facts.settings.get("ssl") {
        Some(ssl) if is_off(ssl) => {
            out.emit(
                &SERVER_SSL_OFF,
                "The server has `ssl` off: no client can encrypt its connection",
                "ssl",
            )
            .help("Install a certificate and set ssl = on in postgresql.conf.");
        }
        Some(_) => check_min_protocol(out, facts),
        None => {
            out.not_checkable("`ssl`", "the role cannot read this setting");
        }
    }
    check_enforcement(out, probe);
}

fn check_sslmode(out: &mut Emitter, info: &ConnInfo, verification: Option<Verification>) {
    let mode = info.effective_sslmode();
    let shown = match info.sslmode {
        Some(mode) => format!("sslmode={mode}"),
        None => "no sslmode (libpq's default is prefer)".to_string(),
    };
    match mode {
        SslMode::Disable => {
            out.emit(
                &SSLMODE_DISABLE,
                "The URL has sslmode=disable: the connection is never encrypted",
                "sslmode",
            )
            .help("Use sslmode=verify-full with sslrootcert naming the server's CA.")
            .detail("sslmode", mode.as_str());
        }
        SslMode::Allow | SslMode::Prefer => {
            out.emit(
                &SSLMODE_FALLBACK,
                format!(
                    "The URL has {shown}: when TLS is unavailable or fails, it silently connects in plaintext"
                ),
                "sslmode",
            )
            .help("Use sslmode=verify-full with sslrootcert naming the server's CA.")
            .detail("sslmode", mode.as_str());
        }
        SslMode::Require | SslMode::VerifyCa => match verification {
            Some(Verification::Chain) if mode == SslMode::Require => {
                // libpq checks the chain for `require` when a root certificate is present.
                out.emit(
                    &SSLMODE_NO_HOSTNAME,
                    "The URL has sslmode=require with a root certificate: the issuer is checked, the host name is not",
                    "sslmode",
                )
                .help("Use sslmode=verify-full.")
                .detail("sslmode", mode.as_str());
            }
            _ if mode == SslMode::VerifyCa => {
                out.emit(
                    &SSLMODE_NO_HOSTNAME,
                    "The URL has sslmode=verify-ca: any certificate from the CA is accepted, whatever host it names",
                    "sslmode",
                )
                .help("Use sslmode=verify-full.")
                .detail("sslmode", mode.as_str());
            }
            _ => {
                out.emit(
                    &SSLMODE_NO_VERIFY,
                    "The URL has sslmode=require: the connection is encrypted but the server is not verified, so anyone in the path can impersonate it",
                    "sslmode",
                )
                .help("Use sslmode=verify-full with sslrootcert naming the server's CA.")
                .detail("sslmode", mode.as_str());
            }
        },
        SslMode::VerifyFull => {}
    }
}

fn check_min_protocol(out: &mut Emitter, facts: &Facts) {
    // The setting exists from PostgreSQL 12 on; older servers have no way to set a minimum.
    match facts.settings.get("ssl_min_protocol_version") {
        Some(min) if OLD_PROTOCOLS.contains(&min.as_str()) => {
            out.emit(
                &SSL_MIN_PROTOCOL_OLD,
                format!("The server accepts {min}: ssl_min_protocol_version is below TLSv1.2"),
                "ssl_min_protocol_version",
            )
            .help("Set ssl_min_protocol_version = 'TLSv1.2' (or TLSv1.3) in postgresql.conf.")
            .detail("ssl_min_protocol_version", min.clone());
        }
        Some(_) => {}
        None if facts.version_num >= 120_000 => {
            out.not_checkable(
                "`ssl_min_protocol_version`",
                "reading it needs superuser or pg_read_all_settings",
            );
        }
        None => {}
    }
}

fn check_enforcement(out: &mut Emitter, probe: Option<&PlaintextProbe>) {
    let help = "Use only `hostssl` lines (and `hostnossl ... reject`) in pg_hba.conf.";
    match probe {
        None => {
            out.emit(
                &TLS_NOT_ENFORCED,
                "The server accepted this plaintext connection: it does not enforce TLS",
                "enforcement",
            )
            .help(help);
        }
        Some(PlaintextProbe::Refused(_)) => {}
        Some(PlaintextProbe::AskedForPassword) => {
            out.emit(
                &TLS_NOT_ENFORCED,
                "The server accepts plaintext connections for this user and database: a second connection without TLS was asked for a password instead of being refused",
                "enforcement",
            )
            .help(help);
        }
        Some(PlaintextProbe::AcceptedWithoutPassword) => {
            out.emit_at(
                &TLS_NOT_ENFORCED,
                preflight_findings::Severity::Critical,
                "The server accepts plaintext connections for this user and database without any password",
                "enforcement",
            )
            .help(help);
        }
        Some(PlaintextProbe::Unknown(reason)) => {
            out.not_checkable(
                "TLS enforcement",
                &format!("the plaintext attempt ended with: {reason}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::SslStatus;

    fn ids(out: &Emitter) -> Vec<&str> {
        out.findings.iter().map(|f| f.id.as_str()).collect()
    }

    fn facts(encrypted: bool, ssl: &str, min: Option<&str>) -> Facts {
        let mut facts = Facts {
            ssl: SslStatus {
                encrypted,
                version: encrypted.then(|| "TLSv1.3".into()),
                cipher: encrypted.then(|| "TLS_AES_256_GCM_SHA384".into()),
            },
            version_num: 150_000,
            ..Facts::default()
        };
        facts.settings.insert("ssl".into(), ssl.into());
        if let Some(min) = min {
            facts
                .settings
                .insert("ssl_min_protocol_version".into(), min.into());
        }
        facts
    }

    #[test]
    fn each_sslmode_gets_its_finding() {
        let cases = [
            ("disable", None, Some("db.sslmode-disable")),
            ("allow", None, Some("db.sslmode-fallback")),
            ("prefer", None, Some("db.sslmode-fallback")),
            (
                "require",
                Some(Verification::None),
                Some("db.sslmode-no-verify"),
            ),
            (
                "require",
                Some(Verification::Chain),
                Some("db.sslmode-no-hostname"),
            ),
            (
                "verify-ca",
                Some(Verification::Chain),
                Some("db.sslmode-no-hostname"),
            ),
            ("verify-full", Some(Verification::Full), None),
        ];
        for (mode, verification, expected) in cases {
            let info = ConnInfo::parse(&format!("sslmode={mode}")).unwrap();
            let mut out = Emitter::new("t".into());
            check_sslmode(&mut out, &info, verification);
            assert_eq!(ids(&out).first().copied(), expected, "{mode}");
        }
        let mut out = Emitter::new("t".into());
        check_sslmode(&mut out, &ConnInfo::parse("host=h").unwrap(), None);
        assert_eq!(ids(&out), ["db.sslmode-fallback"]);
    }

    #[test]
    fn encrypted_enforced_modern_server_has_only_the_info_finding() {
        let info = ConnInfo::parse("sslmode=verify-full").unwrap();
        let mut out = Emitter::new("t".into());
        let probe = PlaintextProbe::Refused("no pg_hba.conf entry".into());
        check(
            &mut out,
            &info,
            Some(Verification::Full),
            &facts(true, "on", Some("TLSv1.2")),
            Some(&probe),
        );
        assert_eq!(ids(&out), ["db.tls-connection"]);
    }

    #[test]
    fn old_minimum_hidden_minimum_and_unknown_probe() {
        let info = ConnInfo::parse("sslmode=verify-full").unwrap();
        let mut out = Emitter::new("t".into());
        let probe = PlaintextProbe::Unknown("reset".into());
        check(
            &mut out,
            &info,
            Some(Verification::Full),
            &facts(true, "on", Some("TLSv1.1")),
            Some(&probe),
        );
        assert_eq!(
            ids(&out),
            [
                "db.tls-connection",
                "db.ssl-min-protocol-old",
                "db.not-checkable"
            ]
        );
        let mut out = Emitter::new("t".into());
        check(
            &mut out,
            &info,
            Some(Verification::Full),
            &facts(true, "on", None),
            Some(&PlaintextProbe::AskedForPassword),
        );
        assert_eq!(
            ids(&out),
            [
                "db.tls-connection",
                "db.not-checkable",
                "db.tls-not-enforced"
            ]
        );
    }

    #[test]
    fn plaintext_connection_to_a_server_without_ssl() {
        let info = ConnInfo::parse("sslmode=prefer").unwrap();
        let mut out = Emitter::new("t".into());
        check(
            &mut out,
            &info,
            Some(Verification::None),
            &facts(false, "off", Some("TLSv1")),
            None,
        );
        assert_eq!(
            ids(&out),
            [
                "db.sslmode-fallback",
                "db.connection-unencrypted",
                "db.server-ssl-off",
                "db.tls-not-enforced"
            ]
        );
    }
}
