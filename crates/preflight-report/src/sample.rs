//! The sample report every renderer's snapshot tests render: one finding of each location kind,
//! a secret with git history, a path with a control character, warnings, a score, dropped
//! candidates and facts, so each format shows how it handles all of them.

use preflight_findings::{
    CommitRef, DropReason, Dropped, Fact, Finding, History, Location, LocationKind, Redacted,
    Report, Score, ScoreModifier, Severity, Stats, Warning,
};

use crate::{RenderOptions, RuleDoc};

/// A live Stripe key shaped like the real ones (not a real key).
pub(crate) const STRIPE_KEY: &str = "sk_live_51Hq3ZKLmNoPqRsTuVwXyZaBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefGHIJKLmnopQRSTuvwxYZ0123456789ab";
/// An OpenAI project key shaped like the real ones (not a real key).
pub(crate) const OPENAI_KEY: &str =
    "sk-proj-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa9876543210ZyXwVuTsRqPoNmLkJiHgFeDc";
/// A value dropped by an inline marker (still a secret; only shown with `show_secrets`).
pub(crate) const MARKED_KEY: &str = "sk_test_51MarkedInlineValue0123456789abcdefghijklmnop";

/// Every secret value in the sample.
pub(crate) const SECRETS: [&str; 3] = [STRIPE_KEY, OPENAI_KEY, MARKED_KEY];

fn commit(id: &str, date: &str, summary: &str, path: &str) -> CommitRef {
    CommitRef {
        id: id.to_string(),
        author: "Dana Reyes <dana@example.com>".to_string().into(),
        date: date.to_string(),
        summary: summary.to_string().into(),
        path: path.to_string(),
    }
}

/// The sample report.
pub(crate) fn report() -> Report {
    let mut history_finding = Finding::secret(
        "openai.project-key",
        Severity::High,
        "OpenAI project API key",
        Location {
            kind: LocationKind::GitHistory,
            path: "deploy/.env".to_string(),
            line: Some(3),
            column: Some(16),
        },
        Redacted::new(OPENAI_KEY),
    )
    .with_help("Revoke the key in the OpenAI dashboard and create a new one.")
    .with_reference("https://platform.openai.com/docs/api-reference/authentication");
    history_finding.history = Some(History {
        introduced: commit(
            "4f1c2a9be0d7c3a1e2f3a4b5c6d7e8f901234567",
            "2024-03-01T10:15:00+01:00",
            "Add deployment settings",
            "deploy/.env",
        ),
        removed: Some(commit(
            "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b",
            "2024-05-20T08:00:00Z",
            "Stop tracking the env file",
            "deploy/.env",
        )),
        commits: 14,
        paths: 2,
        in_head: false,
        in_worktree: Some(false),
    });

    let mut report = Report {
        findings: vec![
            Finding::secret(
                "stripe.secret-key",
                Severity::Critical,
                "Stripe live secret key",
                Location::file("config/settings.py", 12, 18),
                Redacted::new(STRIPE_KEY),
            )
            .with_help("Roll the key in the Stripe dashboard, then update the deployment.")
            .with_reference("https://docs.stripe.com/keys#rolling-keys")
            .with_detail("provider", "stripe")
            .with_detail("mode", "live"),
            history_finding,
            Finding::new(
                "env.placeholder",
                Severity::Medium,
                "XERO_CLIENT_SECRET is still a placeholder",
                Location::file(".env.production", 7, 20),
                "XERO_CLIENT_SECRET",
            )
            .with_help("Set the real value in the production environment."),
            Finding::new(
                "git.env-tracked",
                Severity::High,
                "An env file is tracked by git",
                Location::whole(LocationKind::File, "notes/\u{1b}[2Jenv|.env"),
                "tracked",
            ),
            Finding::new(
                "web.hsts-missing",
                Severity::Medium,
                "No Strict-Transport-Security header",
                Location::whole(LocationKind::Url, "https://shop.example.com/"),
                "strict-transport-security",
            )
            .with_reference("https://owasp.org/www-project-secure-headers/"),
            Finding::new(
                "db.tls-not-required",
                Severity::High,
                "The server accepts connections without TLS",
                Location::whole(
                    LocationKind::Database,
                    "postgres://app@db.internal:5432/orders",
                ),
                "tls",
            ),
        ],
        dropped: vec![
            Dropped {
                id: "generic.password".to_string(),
                location: Location::file("config/settings.py", 20, 14),
                reason: DropReason::Placeholder {
                    pattern: "changeme".to_string(),
                },
                secret: Some(Redacted::new("changeme")),
            },
            Dropped {
                id: "stripe.secret-key".to_string(),
                location: Location::file("tests/fixtures/keys.py", 4, 9),
                reason: DropReason::InlineMarker {
                    marker: "preflight:allow".to_string(),
                },
                secret: Some(Redacted::new(MARKED_KEY)),
            },
            Dropped {
                id: "env.placeholder".to_string(),
                location: Location::file(".env.example", 2, 1),
                reason: DropReason::Baseline {
                    note: Some("template file".to_string()),
                },
                secret: None,
            },
        ],
        warnings: vec![
            Warning::at("assets/huge.bin", "skipped: larger than the 50 MiB limit"),
            Warning::at_line("data/dump.sql", 88, "invalid UTF-8; scanned as bytes"),
            Warning::general("git history unavailable: not a repository"),
        ],
        stats: Stats {
            scanned: 128,
            bytes: 4_300_000,
            skipped: 2,
            capped: 0,
        },
        scores: vec![Score {
            target: "https://shop.example.com/".to_string(),
            score: 65,
            grade: "C".to_string(),
            modifiers: vec![
                ScoreModifier {
                    id: "web.hsts-missing".to_string(),
                    points: -20,
                    reason: "no Strict-Transport-Security header".to_string(),
                },
                ScoreModifier {
                    id: "web.csp-strict".to_string(),
                    points: 5,
                    reason: "Content-Security-Policy without unsafe-inline".to_string(),
                },
                ScoreModifier {
                    id: "web.cookie-insecure".to_string(),
                    points: -20,
                    reason: "session cookie without Secure".to_string(),
                },
            ],
        }],
        facts: vec![
            Fact::new(
                "env.path-missing",
                Location::file(".env.production", 9, 1),
                "MEDIA_ROOT names a directory that exists",
            ),
            Fact::new(
                "web",
                Location::whole(LocationKind::Url, "https://shop.example.com/"),
                "scanned the page, its redirects and its TLS certificate",
            ),
        ],
    };
    report.sort();
    report
}

/// Options for the sample: a rule table that documents some ids but not all, the checks that
/// ran (the database check did not), no colour and no secrets.
pub(crate) fn options() -> RenderOptions {
    RenderOptions {
        show_secrets: false,
        explain: false,
        color: false,
        tool_version: "0.1.0".to_string(),
        rules: vec![
            RuleDoc {
                id: "stripe.secret-key".to_string(),
                name: "Stripe secret key".to_string(),
                description: "A Stripe secret API key".to_string(),
                help_uri: Some("https://docs.stripe.com/keys#rolling-keys".to_string()),
                severity: Severity::Critical,
            },
            RuleDoc {
                id: "openai.project-key".to_string(),
                name: "OpenAI project key".to_string(),
                description: "An OpenAI project API key".to_string(),
                help_uri: None,
                severity: Severity::High,
            },
            RuleDoc {
                id: "env.placeholder".to_string(),
                name: "env.placeholder".to_string(),
                description: "A required variable still holds a placeholder value".to_string(),
                help_uri: None,
                severity: Severity::Medium,
            },
            RuleDoc {
                id: "web.hsts-missing".to_string(),
                name: "web.hsts-missing".to_string(),
                description: "The site sends no Strict-Transport-Security header".to_string(),
                help_uri: None,
                severity: Severity::Medium,
            },
        ],
        root: Some("/srv/app".to_string()),
        checks_run: ["secrets", "git", "env", "web"].map(String::from).to_vec(),
    }
}

/// The sample options with `explain` on, so dropped candidates are listed too.
pub(crate) fn explained_options() -> RenderOptions {
    RenderOptions {
        explain: true,
        ..options()
    }
}

/// The sample report rendered in `format` with `options`: what every format's snapshot and
/// content tests look at.
pub(crate) fn render(format: crate::Format, options: &RenderOptions) -> String {
    render_to_string(&report(), format, options)
}

/// Renders `report` in `format` to a string.
pub(crate) fn render_to_string(
    report: &Report,
    format: crate::Format,
    options: &RenderOptions,
) -> String {
    let mut out = Vec::new();
    crate::render(report, format, options, &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("renderers write UTF-8")
}

/// Asserts that no secret of the sample appears in `output` unless `show_secrets`, and that
/// they all appear when it is set (those of dropped candidates only with `explain`).
pub(crate) fn assert_secrets_only_when_shown(format: crate::Format) {
    let report = report();
    for explain in [false, true] {
        let hidden = RenderOptions {
            explain,
            ..options()
        };
        let output = render_to_string(&report, format, &hidden);
        for secret in SECRETS {
            assert!(
                !output.contains(secret),
                "{format} output shows a secret without show_secrets"
            );
        }
        let shown = RenderOptions {
            show_secrets: true,
            ..hidden
        };
        let output = render_to_string(&report, format, &shown);
        assert!(output.contains(STRIPE_KEY), "{format} hides a shown secret");
        assert!(output.contains(OPENAI_KEY), "{format} hides a shown secret");
        assert_eq!(
            output.contains(MARKED_KEY),
            explain,
            "{format}: dropped secrets belong to --explain"
        );
    }
}
