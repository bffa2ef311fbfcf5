//! The database checks against real PostgreSQL servers (see `support` for how they are made).

mod support;

use preflight_db::{Config, DbCheck, DbError, inspect_on};
use preflight_findings::{Check, Finding, LocationKind, Outcome, Project, Severity};
use support::{STRONG_PASSWORD, TLS_HOST, WEAK_PASSWORD, plain, tls};
use time::Date;
use time::macros::date;

/// A fixed day, so that end-of-life findings do not change with the calendar.
const TODAY: Date = date!(2026 - 11 - 23);

fn check(url: &str) -> Outcome {
    check_with(url, &Config::default())
}

fn check_with(url: &str, config: &Config) -> Outcome {
    inspect_on(url, config, TODAY).unwrap_or_else(|e| panic!("checking {url} failed: {e}"))
}

fn fail(url: &str) -> DbError {
    match inspect_on(url, &Config::default(), TODAY) {
        Ok(outcome) => panic!("expected {url} to fail, got {:#?}", ids(&outcome)),
        Err(err) => err,
    }
}

/// Why the server's certificate failed verification for `url`; any other outcome panics.
fn verification_failure(url: &str) -> String {
    match fail(url) {
        DbError::TlsVerification { reason, .. } => reason,
        other => panic!("expected {url} to fail verification, got {other:?}"),
    }
}

fn ids(outcome: &Outcome) -> Vec<&str> {
    outcome.findings.iter().map(|f| f.id.as_str()).collect()
}

fn find<'a>(outcome: &'a Outcome, id: &str) -> &'a Finding {
    outcome
        .findings
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(outcome)))
}

fn has(outcome: &Outcome, id: &str) -> bool {
    outcome.findings.iter().any(|f| f.id == id)
}

fn not_checkable(outcome: &Outcome) -> Vec<&str> {
    outcome
        .findings
        .iter()
        .filter(|f| f.id == "db.not-checkable")
        .map(|f| f.details["check"].as_str())
        .collect()
}

fn role_ids(outcome: &Outcome) -> Vec<&str> {
    let mut ids: Vec<&str> = ids(outcome)
        .into_iter()
        .filter(|id| id.starts_with("db.role-") || *id == "db.owns-outside-schema")
        .collect();
    ids.sort();
    ids
}

fn assert_no_secret(outcome: &Outcome, secret: &str) {
    let shown = format!("{:?}", outcome.findings);
    assert!(!shown.contains(secret), "{shown}");
}

#[test]
fn verified_tls_connection_as_superuser_sees_everything() {
    let server = tls();
    let outcome = check(&server.verify_full_url("postgres", "appdb"));
    let tls = find(&outcome, "db.tls-connection");
    assert_eq!(tls.severity, Severity::Info);
    assert!(tls.details["tls_version"].starts_with("TLSv1."), "{tls:?}");
    assert!(!tls.details["cipher"].is_empty());
    assert_eq!(tls.location.kind, LocationKind::Database);
    assert_eq!(
        tls.location.path,
        format!(
            "postgresql://postgres@{TLS_HOST}:{}/appdb?sslmode=verify-full",
            server.port
        )
    );
    assert!(has(&outcome, "db.role-superuser"));
    assert_eq!(
        find(&outcome, "db.role-superuser").severity,
        Severity::Critical
    );
    // The server's minimum is TLSv1.1; only a superuser may read it.
    assert!(has(&outcome, "db.ssl-min-protocol-old"));
    assert_eq!(not_checkable(&outcome), Vec::<&str>::new());
    for absent in [
        "db.connection-unencrypted",
        "db.server-ssl-off",
        "db.tls-not-enforced",
        "db.password-encryption",
        "db.log-connections-off",
        "db.log-disconnections-off",
        "db.listen-all-addresses",
        "db.hba-trust",
        "db.hba-weak-auth",
        "db.hba-any-address",
        "db.public-schema-create",
        "db.role-powerful-member",
    ] {
        assert!(!has(&outcome, absent), "{absent} in {:?}", ids(&outcome));
    }
    assert!(!ids(&outcome).iter().any(|id| id.starts_with("db.sslmode")));
    let version = find(&outcome, "db.version-eol-soon");
    assert!(
        version.message.contains("PostgreSQL 15"),
        "{}",
        version.message
    );
    assert_no_secret(&outcome, support::ADMIN_PASSWORD);
}

#[test]
fn minimal_application_role_has_no_role_findings_and_reports_what_it_cannot_see() {
    let outcome = check(&tls().verify_full_url("app", "appdb"));
    assert_eq!(role_ids(&outcome), Vec::<&str>::new());
    let hidden = not_checkable(&outcome);
    assert!(
        hidden.contains(&"pg_hba.conf (`pg_hba_file_rules`)"),
        "{hidden:?}"
    );
    assert!(hidden.contains(&"`ssl_min_protocol_version`"), "{hidden:?}");
    // Not checkable is never a pass: no finding says the minimum is fine, none says it is old.
    assert!(!has(&outcome, "db.ssl-min-protocol-old"));
    for finding in outcome
        .findings
        .iter()
        .filter(|f| f.id == "db.not-checkable")
    {
        assert_eq!(finding.severity, Severity::Info);
        assert!(finding.message.contains("not checkable with this role"));
    }
    assert!(!has(&outcome, "db.tls-not-enforced"), "{:?}", ids(&outcome));
    assert!(!has(&outcome, "db.public-schema-create"));
    assert!(
        !ids(&outcome)
            .iter()
            .any(|id| id.starts_with("db.password-"))
    );
    assert_no_secret(&outcome, STRONG_PASSWORD);
}

#[test]
fn createdb_and_read_all_data_roles() {
    let server = tls();
    let outcome = check(&server.verify_full_url("creator", "appdb"));
    assert_eq!(role_ids(&outcome), ["db.role-createdb"]);
    let outcome = check(&server.verify_full_url("reader", "appdb"));
    assert_eq!(role_ids(&outcome), ["db.role-powerful-member"]);
    let member = find(&outcome, "db.role-powerful-member");
    assert_eq!(member.details["predefined_role"], "pg_read_all_data");
    assert_eq!(member.details["membership"], "direct");
}

#[test]
fn powerful_role_attributes_inherited_memberships_and_foreign_ownership() {
    let config = Config {
        app_schema: Some("app".into()),
        ..Config::default()
    };
    let outcome = check_with(&tls().verify_full_url("power", "appdb"), &config);
    assert_eq!(
        role_ids(&outcome),
        [
            "db.owns-outside-schema",
            "db.role-bypassrls",
            "db.role-createrole",
            "db.role-powerful-member",
            "db.role-powerful-member",
            "db.role-powerful-member",
            "db.role-replication",
        ]
    );
    let memberships: Vec<(&str, &str, Severity)> = outcome
        .findings
        .iter()
        .filter(|f| f.id == "db.role-powerful-member")
        .map(|f| {
            (
                f.details["predefined_role"].as_str(),
                f.details["membership"].as_str(),
                f.severity,
            )
        })
        .collect();
    assert_eq!(
        memberships,
        [
            ("pg_execute_server_program", "inherited", Severity::Critical),
            ("pg_read_server_files", "direct", Severity::High),
            ("pg_write_all_data", "inherited", Severity::High),
        ]
    );
    let owned = find(&outcome, "db.owns-outside-schema");
    assert!(
        owned.message.contains("table public.leftover"),
        "{}",
        owned.message
    );
    assert!(
        owned.message.contains("schema scratch"),
        "{}",
        owned.message
    );
    assert_eq!(owned.details["count"], "2");
}

#[test]
fn tls_not_enforced_where_pg_hba_allows_plaintext() {
    let server = tls();
    let lax = check(&server.verify_full_url("app", "laxdb"));
    let finding = find(&lax, "db.tls-not-enforced");
    assert_eq!(finding.severity, Severity::High);
    assert!(has(&lax, "db.tls-connection"));
    let strict = check(&server.verify_full_url("app", "appdb"));
    assert!(!has(&strict, "db.tls-not-enforced"));
}

#[test]
fn plaintext_server_with_weak_settings_seen_by_the_application() {
    // No sslmode: libpq's `prefer` falls back to plaintext on a server without TLS.
    let outcome = check(&plain().url("app", "appdb", ""));
    for expected in [
        "db.sslmode-fallback",
        "db.connection-unencrypted",
        "db.server-ssl-off",
        "db.tls-not-enforced",
        "db.password-encryption",
        "db.log-connections-off",
        "db.log-disconnections-off",
        "db.public-schema-create",
        "db.password-short",
        "db.password-weak",
    ] {
        assert!(
            has(&outcome, expected),
            "{expected} missing from {:?}",
            ids(&outcome)
        );
    }
    assert!(!has(&outcome, "db.tls-connection"));
    assert_eq!(
        find(&outcome, "db.password-encryption").details["password_encryption"],
        "md5"
    );
    assert_eq!(find(&outcome, "db.password-short").details["length"], "8");
    assert_eq!(
        not_checkable(&outcome),
        ["pg_hba.conf (`pg_hba_file_rules`)"]
    );
    assert_no_secret(&outcome, WEAK_PASSWORD);
}

#[test]
fn pg_hba_rules_seen_by_a_superuser() {
    let outcome = check(&plain().url("postgres", "appdb", "sslmode=disable"));
    assert!(has(&outcome, "db.sslmode-disable"));
    let trust = find(&outcome, "db.hba-trust");
    assert_eq!(trust.details["line"], "1");
    assert_eq!(trust.severity, Severity::High);
    let weak: Vec<&str> = outcome
        .findings
        .iter()
        .filter(|f| f.id == "db.hba-weak-auth")
        .map(|f| f.details["line"].as_str())
        .collect();
    assert_eq!(weak, ["3", "4"]);
    let open = find(&outcome, "db.hba-any-address");
    assert_eq!(open.details["line"], "2");
    assert_eq!(not_checkable(&outcome), Vec::<&str>::new());
}

#[test]
fn sslmode_spellings_and_forms_connect_as_libpq_would() {
    let server = tls();
    let ca = server.ca.display().to_string();
    let port = server.port;
    // key=value form, with quoting.
    let key_value = format!(
        "host={TLS_HOST} hostaddr=127.0.0.1 port={port} user=app password='{STRONG_PASSWORD}' \
         dbname=appdb sslmode=verify-full sslrootcert='{ca}'"
    );
    assert!(has(&check(&key_value), "db.tls-connection"));
    // postgres:// scheme, verify-ca against the address: the name is not checked.
    let verify_ca = server
        .url(
            "app",
            "appdb",
            &format!("sslmode=verify-ca&sslrootcert={ca}"),
        )
        .replacen("postgresql://", "postgres://", 1);
    let outcome = check(&verify_ca);
    assert!(has(&outcome, "db.sslmode-no-hostname"));
    // require without a root certificate: encrypted, not verified.
    let outcome = check(&server.url("app", "appdb", "sslmode=require"));
    assert!(has(&outcome, "db.sslmode-no-verify"));
    assert!(has(&outcome, "db.tls-connection"));
    // allow: plaintext is refused by the server, so libpq retries with TLS.
    let outcome = check(&server.url("app", "appdb", "sslmode=allow"));
    assert!(has(&outcome, "db.sslmode-fallback"));
    assert!(has(&outcome, "db.tls-connection"));
    // requiressl=1 is libpq's old spelling of require.
    let outcome = check(&server.url("app", "appdb", "requiressl=1"));
    assert!(has(&outcome, "db.sslmode-no-verify"));
}

#[test]
fn a_server_refusing_tls_is_told_from_a_certificate_failing_verification() {
    let refused = fail(&plain().url("app", "appdb", "sslmode=require"));
    assert!(matches!(refused, DbError::TlsRefused { .. }), "{refused:?}");
    assert!(refused.to_string().contains("does not support TLS"));

    let server = tls();
    let ca = server.ca.display();
    let other_ca = server.other_ca.display();
    for (query, expected) in [
        // The host 127.0.0.1 is not the name on the certificate.
        (
            format!("sslmode=verify-full&sslrootcert={ca}"),
            "does not name the host",
        ),
        // A root that did not sign the server's certificate.
        (
            format!("sslmode=verify-ca&sslrootcert={other_ca}"),
            "not signed by a trusted root",
        ),
    ] {
        let reason = verification_failure(&server.url("app", "appdb", &query));
        assert!(reason.contains(expected), "{query}: {reason}");
    }
    let no_roots = fail(&server.url(
        "app",
        "appdb",
        "sslmode=verify-full&sslrootcert=/nonexistent/root.crt",
    ));
    assert!(matches!(no_roots, DbError::Tls(_)), "{no_roots:?}");
}

#[test]
fn failed_logins_never_show_the_password() {
    let server = tls();
    let secret = "Wr0ng-but-Secret-Passw0rd-77";
    let err = fail(&server.url_with_password("app", secret, "appdb", "sslmode=require"));
    assert!(matches!(err, DbError::BadCredentials { .. }), "{err:?}");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(secret), "{shown}");
        assert!(!shown.contains("Wr0ng-but"), "{shown}");
    }
    // A password repeated as the database name is masked in the server's answer too.
    let err = fail(&server.url_with_password(
        "postgres",
        support::ADMIN_PASSWORD,
        support::ADMIN_PASSWORD,
        "sslmode=require",
    ));
    assert!(matches!(err, DbError::UnknownDatabase { .. }), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(support::ADMIN_PASSWORD), "{shown}");
}

#[test]
fn clear_errors_for_unknown_databases_refusals_and_unreachable_servers() {
    let server = tls();
    let err = fail(&server.url("app", "nosuchdb", "sslmode=require"));
    assert!(
        matches!(&err, DbError::UnknownDatabase { database, .. } if database == "nosuchdb"),
        "{err:?}"
    );
    // The server's pg_hba.conf has no plaintext line for appdb.
    let err = fail(&server.url("app", "appdb", "sslmode=disable"));
    match &err {
        DbError::Refused { reason } => assert!(reason.contains("pg_hba.conf"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let port = support::free_port();
    let err = fail(&format!(
        "postgresql://app:{STRONG_PASSWORD}@127.0.0.1:{port}/appdb"
    ));
    assert!(matches!(err, DbError::Unreachable { .. }), "{err:?}");
    assert!(!err.to_string().contains(STRONG_PASSWORD));
}

#[test]
fn a_server_that_never_answers_times_out() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let config = Config {
        connect_timeout_secs: 1,
        ..Config::default()
    };
    let err = inspect_on(
        &format!("postgresql://app:x@127.0.0.1:{port}/db"),
        &config,
        TODAY,
    )
    .expect_err("nothing answers");
    assert!(
        matches!(err, DbError::Timeout { seconds: 1, .. }),
        "{err:?}"
    );
    drop(listener);
}

#[test]
fn the_check_reports_findings_and_turns_failures_into_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let project = Project {
        root: dir.path().to_path_buf(),
    };
    let config = Config {
        url_env: "PREFLIGHT_DB_TEST_URL_UNSET".into(),
        ..Config::default()
    };
    // The URL comes from the project's .env.
    std::fs::write(
        dir.path().join(".env"),
        format!(
            "PREFLIGHT_DB_TEST_URL_UNSET={}\n",
            plain().url("app", "appdb", "")
        ),
    )
    .unwrap();
    let outcome = DbCheck::new(config.clone()).run(&project);
    assert!(
        has(&outcome, "db.connection-unencrypted"),
        "{:?}",
        outcome.warnings
    );
    std::fs::remove_file(dir.path().join(".env")).unwrap();
    let outcome = DbCheck::new(config.clone()).run(&project);
    assert!(outcome.findings.is_empty());
    assert!(
        outcome.warnings[0]
            .message
            .contains("PREFLIGHT_DB_TEST_URL_UNSET")
    );
    let secret = "An0ther-Wr0ng-Secret-Value";
    let check = DbCheck::new(config).with_url(tls().url_with_password(
        "app",
        secret,
        "appdb",
        "sslmode=require",
    ));
    assert!(!format!("{check:?}").contains(secret));
    let outcome = check.run(&project);
    assert!(outcome.findings.is_empty());
    let warning = outcome.warnings[0].to_string();
    assert!(
        warning.contains("password authentication failed"),
        "{warning}"
    );
    assert!(!warning.contains(secret), "{warning}");
}
