//! Server settings the guides ask for, where the role can see them, and the access rules of
//! pg_hba.conf when it can read them.

use preflight_findings::Severity;

use crate::checks::is_off;
use crate::codes::{
    Annotate, Emitter, HBA_ANY_ADDRESS, HBA_TRUST, HBA_WEAK_AUTH, LISTEN_ALL_ADDRESSES,
    LOG_CONNECTIONS_OFF, LOG_DISCONNECTIONS_OFF, PASSWORD_ENCRYPTION,
};
use crate::facts::{Facts, HbaRule};

/// Checks the settings and pg_hba.conf.
pub(crate) fn check(out: &mut Emitter, facts: &Facts) {
    let hidden = "the role cannot read this setting (it needs pg_read_all_settings)";
    match facts.settings.get("password_encryption") {
        Some(value) if value != "scram-sha-256" => {
            out.emit(
                &PASSWORD_ENCRYPTION,
                format!("The server stores new passwords as `{value}`, not scram-sha-256"),
                "password_encryption",
            )
            .help("Set password_encryption = 'scram-sha-256', then reset each role's password.")
            .detail("password_encryption", value.clone());
        }
        Some(_) => {}
        None => {
            out.not_checkable("`password_encryption`", hidden);
        }
    }
    for (setting, code) in [
        ("log_connections", &LOG_CONNECTIONS_OFF),
        ("log_disconnections", &LOG_DISCONNECTIONS_OFF),
    ] {
        // From PostgreSQL 18 log_connections is a list of aspects; any non-empty list logs.
        match facts.settings.get(setting) {
            Some(value) if is_off(value) => {
                out.emit(
                    code,
                    format!("The server does not log {}", &setting[4..]),
                    setting,
                )
                .help(&format!(
                    "Set {setting} = on so that access can be audited."
                ));
            }
            Some(_) => {}
            None => {
                out.not_checkable(&format!("`{setting}`"), hidden);
            }
        }
    }
    match facts.settings.get("listen_addresses") {
        Some(value) if listens_everywhere(value) => {
            out.emit(
                &LISTEN_ALL_ADDRESSES,
                format!("The server listens on every interface (listen_addresses = '{value}')"),
                "listen_addresses",
            )
            .help(
                "Listen only on the private addresses the application uses, and firewall the port.",
            )
            .detail("listen_addresses", value.clone());
        }
        Some(_) => {}
        None => {
            out.not_checkable("`listen_addresses`", hidden);
        }
    }
    match &facts.hba {
        Some(rules) => rules.iter().for_each(|rule| check_hba_rule(out, rule)),
        None => {
            out.not_checkable(
                "pg_hba.conf (`pg_hba_file_rules`)",
                "reading it needs superuser or an explicit grant",
            );
        }
    }
}

/// Whether a `listen_addresses` value includes a wildcard.
fn listens_everywhere(value: &str) -> bool {
    value
        .split(',')
        .map(str::trim)
        .any(|a| matches!(a, "*" | "0.0.0.0" | "::" | "[::]"))
}

fn check_hba_rule(out: &mut Emitter, rule: &HbaRule) {
    let method = rule.method.as_deref().unwrap_or_default();
    let line = rule.line;
    let key = format!("line {line}");
    let describe = || {
        let address = match (&rule.address, &rule.netmask) {
            (Some(a), Some(m)) => format!(" {a}/{m}"),
            (Some(a), None) => format!(" {a}"),
            _ => String::new(),
        };
        format!(
            "{} {} {}{address} {method}",
            rule.kind, rule.databases, rule.users
        )
    };
    let remote = rule.kind != "local";
    match method {
        "trust" => {
            let severity = if remote {
                Severity::Critical
            } else {
                HBA_TRUST.severity
            };
            out.emit_at(
                &HBA_TRUST,
                severity,
                format!(
                    "pg_hba.conf line {line} lets clients in without a password: `{}`",
                    describe()
                ),
                &key,
            )
            .help("Replace `trust` with scram-sha-256 (or peer for local administration).")
            .detail("line", line.to_string());
        }
        "password" | "md5" => {
            out.emit(
                &HBA_WEAK_AUTH,
                format!(
                    "pg_hba.conf line {line} uses `{method}` authentication: `{}`",
                    describe()
                ),
                &key,
            )
            .help("Use scram-sha-256: `password` sends it in cleartext, md5 hashes are replayable.")
            .detail("line", line.to_string());
        }
        _ => {}
    }
    if remote && method != "reject" && open_to_any_address(rule) {
        out.emit(
            &HBA_ANY_ADDRESS,
            format!(
                "pg_hba.conf line {line} accepts connections from any address: `{}`",
                describe()
            ),
            &key,
        )
        .help("Allow only the application servers' addresses.")
        .detail("line", line.to_string());
    }
}

fn open_to_any_address(rule: &HbaRule) -> bool {
    matches!(
        (rule.address.as_deref(), rule.netmask.as_deref()),
        (Some("all"), _) | (Some("0.0.0.0"), Some("0.0.0.0")) | (Some("::"), Some("::"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_in_listen_addresses() {
        assert!(listens_everywhere("*"));
        assert!(listens_everywhere("localhost, 0.0.0.0"));
        assert!(listens_everywhere("::"));
        assert!(!listens_everywhere("localhost,10.0.0.5"));
        assert!(!listens_everywhere(""));
    }

    fn rule(kind: &str, address: Option<&str>, mask: Option<&str>, method: &str) -> HbaRule {
        HbaRule {
            line: 7,
            kind: kind.into(),
            databases: "all".into(),
            users: "all".into(),
            address: address.map(str::to_string),
            netmask: mask.map(str::to_string),
            method: Some(method.into()),
        }
    }

    fn ids(rule: &HbaRule) -> Vec<(String, Severity)> {
        let mut out = Emitter::new("t".into());
        check_hba_rule(&mut out, rule);
        out.findings
            .into_iter()
            .map(|f| (f.id, f.severity))
            .collect()
    }

    #[test]
    fn hba_rules() {
        assert_eq!(
            ids(&rule("local", None, None, "trust")),
            [("db.hba-trust".into(), Severity::High)]
        );
        assert_eq!(
            ids(&rule("host", Some("0.0.0.0"), Some("0.0.0.0"), "trust")),
            [
                ("db.hba-trust".into(), Severity::Critical),
                ("db.hba-any-address".into(), Severity::Medium)
            ]
        );
        assert_eq!(
            ids(&rule("hostssl", Some("::"), Some("::"), "scram-sha-256")).len(),
            1
        );
        assert_eq!(ids(&rule("host", Some("all"), None, "md5")).len(), 2);
        assert!(ids(&rule("host", Some("0.0.0.0"), Some("0.0.0.0"), "reject")).is_empty());
        assert!(
            ids(&rule(
                "hostssl",
                Some("10.0.0.0"),
                Some("255.0.0.0"),
                "scram-sha-256"
            ))
            .is_empty()
        );
    }

    #[test]
    fn log_connections_as_a_list() {
        let mut facts = Facts::default();
        for (name, value) in [
            ("log_connections", "receipt,authentication"),
            ("log_disconnections", ""),
            ("password_encryption", "scram-sha-256"),
            ("listen_addresses", "localhost"),
        ] {
            facts.settings.insert(name.into(), value.into());
        }
        facts.hba = Some(Vec::new());
        let mut out = Emitter::new("t".into());
        check(&mut out, &facts);
        let ids: Vec<&str> = out.findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["db.log-disconnections-off"]);
    }
}
