//! The engine end to end on built-in rules: overlaps, filters, markers, positions, huge and
//! non-UTF-8 input, and redaction.

use preflight_findings::{DropReason, LocationKind, Outcome, Severity};
use preflight_rules::RuleSet;
use preflight_secrets::{Redactor, ScanConfig, Scanner, Scratch, redact_stream};

const STRIPE: &str = "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";

fn scanner() -> Scanner {
    Scanner::new(&RuleSet::builtin().unwrap(), &ScanConfig::default())
}

fn scan(scanner: &Scanner, bytes: &[u8]) -> Outcome {
    let mut outcome = Outcome::default();
    scanner.scan_blob(
        "app/.env",
        LocationKind::File,
        bytes,
        &mut Scratch::default(),
        &mut outcome,
    );
    outcome
}

fn ids(outcome: &Outcome) -> Vec<&str> {
    outcome.findings.iter().map(|f| f.id.as_str()).collect()
}

fn github_token() -> String {
    // Build one with a valid checksum from the engine's own rule examples.
    let rules = RuleSet::builtin().unwrap();
    rules.get("github.personal-access-token").unwrap().examples[0]
        .secret
        .clone()
}

#[test]
fn a_provider_rule_supersedes_a_generic_one_on_the_same_bytes() {
    let scanner = scanner();
    let outcome = scan(&scanner, format!("API_KEY=\"{STRIPE}\"\n").as_bytes());
    assert_eq!(ids(&outcome), ["stripe.secret-key"]);
    let finding = &outcome.findings[0];
    assert_eq!(finding.secret.as_ref().unwrap().expose(), STRIPE);
    assert_eq!(
        (finding.location.line, finding.location.column),
        (Some(1), Some(10))
    );
    assert!(
        outcome
            .dropped
            .iter()
            .any(|d| d.id == "generic.api-key-assignment"
                && d.reason
                    == DropReason::Superseded {
                        by: "stripe.secret-key".into()
                    })
    );
}

#[test]
fn a_failed_checksum_is_reported_at_low_severity_and_says_why() {
    let scanner = scanner();
    let token = github_token();
    let outcome = scan(&scanner, format!("GITHUB_TOKEN={token}\n").as_bytes());
    assert_eq!(ids(&outcome), ["github.personal-access-token"]);
    assert_eq!(outcome.findings[0].severity, Severity::Critical);
    assert!(!outcome.findings[0].details.contains_key("checksum"));

    let mut broken = token.clone().into_bytes();
    let last = broken.len() - 1;
    broken[last] = if broken[last] == b'A' { b'B' } else { b'A' };
    let broken = String::from_utf8(broken).unwrap();
    let outcome = scan(&scanner, format!("GITHUB_TOKEN={broken}\n").as_bytes());
    // The provider's rule reports it, at low severity; the generic rule on the same bytes
    // yields to it.
    assert_eq!(ids(&outcome), ["github.personal-access-token"]);
    let finding = &outcome.findings[0];
    assert_eq!(finding.severity, Severity::Low);
    assert_eq!(
        finding.details.get("checksum").map(String::as_str),
        Some("does not match: a made-up, truncated or test token")
    );
    assert!(outcome.dropped.iter().any(|d| d.reason
        == DropReason::Superseded {
            by: "github.personal-access-token".into()
        }));
    // `redact` hides it like any other token.
    let mut out = Vec::new();
    redact_stream(
        &scanner,
        format!("GITHUB_TOKEN={broken}\n").as_bytes(),
        &mut out,
    )
    .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(!out.contains(&broken), "{out}");
    assert!(
        out.contains("[REDACTED:github.personal-access-token]"),
        "{out}"
    );

    // A placeholder of the token's shape fails the checksum too, and stays quiet.
    let outcome = scan(
        &scanner,
        b"GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
    );
    assert_eq!(ids(&outcome), Vec::<&str>::new());
}

#[test]
fn many_keywords_after_escapes_cost_little() {
    let scanner = scanner();
    // Two megabytes on one line of `\n` escapes each followed by a keyword and no token.
    let line = "\\nghp_\\nAKIA\\nnpm_\\nxoxb-".repeat(80_000);
    let text = format!("{{\"log\": \"{line}\"}}\n");
    let started = std::time::Instant::now();
    let outcome = scan(&scanner, text.as_bytes());
    assert!(outcome.findings.is_empty());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn github_documentation_example_is_known_under_every_prefix() {
    let scanner = scanner();
    let outcome = scan(
        &scanner,
        b"oauth_token: gho_16C7e42F292c6912E7710c838347Ae178B4a\n",
    );
    assert_eq!(ids(&outcome), Vec::<&str>::new());
    assert!(
        outcome
            .dropped
            .iter()
            .any(|d| d.id == "github.oauth-token" && d.reason == DropReason::DocumentationExample)
    );
}

#[test]
fn tokens_right_after_an_escape_in_a_string_are_found() {
    let scanner = scanner();
    let token = github_token();
    for text in [
        format!("{{\"body\": \"deploy log\\nGITHUB_TOKEN\\n{token}\\ndone\"}}\n"),
        format!("exports[`env 1`] = `\"header\\r\\n{token}\"`;\n"),
        format!("\"cols\": \"name\\t{token}\"\n"),
    ] {
        let outcome = scan(&scanner, text.as_bytes());
        assert_eq!(ids(&outcome), ["github.personal-access-token"], "{text}");
        let found = outcome.findings[0].secret.as_ref().unwrap().expose();
        assert_eq!(found, token, "{text}");
    }
    // Glued to a word, or after an escaped backslash (a literal `n`), it is not a token.
    for text in [
        format!("\"x\": \"deploy{token}\"\n"),
        format!("\"path\": \"C:\\\\n{token}\"\n"),
    ] {
        let outcome = scan(&scanner, text.as_bytes());
        assert!(
            !ids(&outcome).contains(&"github.personal-access-token"),
            "{text}: {:?}",
            ids(&outcome)
        );
    }
    // A placeholder after an escape stays a placeholder.
    let outcome = scan(
        &scanner,
        b"\"a\": \"x\\nghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n",
    );
    assert_eq!(ids(&outcome), Vec::<&str>::new());
}

#[test]
fn publishable_keys_are_never_findings() {
    let scanner = scanner();
    let key = "pk_live_51Hq8ZtKp3LmW9vRx2YbN7cD4fG6hJ1kQ5sT8uV0wX3yZ6aB9cE2dF5gH8";
    let outcome = scan(
        &scanner,
        format!("STRIPE_PUBLISHABLE_KEY={key}\n").as_bytes(),
    );
    assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
}

#[test]
fn inline_markers_placeholders_and_references_drop_with_reasons() {
    let scanner = scanner();
    let text = format!(
        "A={STRIPE} # preflight:allow\nB=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\ndb_password = process.env.DB_PASSWORD\nSECRET_TOKEN=aaaaaaaaaaaaaaaaaaaa\n"
    );
    let outcome = scan(&scanner, text.as_bytes());
    assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
    let reasons: Vec<String> = outcome
        .dropped
        .iter()
        .map(|d| d.reason.to_string())
        .collect();
    assert!(
        reasons.contains(&"inline marker `preflight:allow`".to_string()),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("placeholder value (xxxx)")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.starts_with("reference")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("repeated")),
        "{reasons:?}"
    );
}

#[test]
fn other_tools_markers_are_honoured() {
    let scanner = scanner();
    for marker in [
        "gitleaks:allow",
        "pragma: allowlist secret",
        "kingfisher:ignore",
        "trufflehog:ignore",
    ] {
        let outcome = scan(&scanner, format!("KEY={STRIPE} // {marker}").as_bytes());
        assert!(outcome.findings.is_empty(), "{marker}");
    }
}

#[test]
fn entropy_below_the_minimum_is_dropped() {
    let scanner = scanner();
    let outcome = scan(
        &scanner,
        b"aws_secret_access_key = abababababababababcdcdcdcdcdcdcdcdcdcdef\n",
    );
    assert!(outcome.findings.is_empty());
    assert!(
        outcome
            .dropped
            .iter()
            .any(|d| matches!(d.reason, DropReason::Entropy { .. })
                || matches!(d.reason, DropReason::Placeholder { .. }))
    );
}

#[test]
fn secrets_at_the_very_start_and_end_of_a_blob_are_found() {
    let scanner = scanner();
    let text = format!("{STRIPE}\nmiddle\n{STRIPE}");
    let outcome = scan(&scanner, text.as_bytes());
    let lines: Vec<_> = outcome.findings.iter().map(|f| f.location.line).collect();
    assert_eq!(lines, [Some(1), Some(3)]);
}

#[test]
fn columns_count_characters_and_non_utf8_is_scanned_as_bytes() {
    let scanner = scanner();
    let mut bytes = b"\xff\xfe garbage\n\xc3\xa9t\xc3\xa9 KEY=".to_vec();
    bytes.extend_from_slice(STRIPE.as_bytes());
    bytes.extend_from_slice(b" \xff\n");
    let outcome = scan(&scanner, &bytes);
    assert_eq!(ids(&outcome), ["stripe.secret-key"]);
    let location = &outcome.findings[0].location;
    assert_eq!((location.line, location.column), (Some(2), Some(9)));
}

#[test]
fn a_twenty_megabyte_single_line_is_scanned_whole() {
    let scanner = scanner();
    let mut line = Vec::with_capacity(20 << 20);
    while line.len() < 20 << 20 {
        line.extend_from_slice(b"var token=a.b,password=c.d,api_key=e.f;");
    }
    line.extend_from_slice(format!(" x='{STRIPE}'").as_bytes());
    let column = line.len() - STRIPE.len();
    let outcome = scan(&scanner, &line);
    assert_eq!(ids(&outcome), ["stripe.secret-key"]);
    assert_eq!(outcome.findings[0].location.column, Some(column as u32));
}

#[test]
fn disabled_rules_do_not_run() {
    let config = ScanConfig {
        disable: vec!["stripe".into()],
        ..ScanConfig::default()
    };
    let scanner = Scanner::new(&RuleSet::builtin().unwrap(), &config);
    let outcome = scan(&scanner, format!("X={STRIPE}\n").as_bytes());
    assert!(
        outcome
            .findings
            .iter()
            .all(|f| !f.id.starts_with("stripe."))
    );
}

#[test]
fn findings_carry_reference_help_and_provider_and_never_show_the_value() {
    let scanner = scanner();
    let outcome = scan(&scanner, format!("X={STRIPE}\n").as_bytes());
    let finding = &outcome.findings[0];
    assert!(
        finding
            .reference
            .as_deref()
            .unwrap()
            .starts_with("https://")
    );
    assert!(finding.help.is_some());
    assert_eq!(finding.details["provider"], "Stripe");
    assert!(!format!("{finding:?}").contains(STRIPE));
}

fn redact(scanner: &Scanner, input: &[u8]) -> String {
    let mut out = Vec::new();
    redact_stream(scanner, input, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn redaction_replaces_secrets_line_by_line() {
    let scanner = scanner();
    let input = format!("start\nkey={STRIPE} end\nno newline {STRIPE}");
    assert_eq!(
        redact(&scanner, input.as_bytes()),
        "start\nkey=[REDACTED:stripe.secret-key] end\nno newline [REDACTED:stripe.secret-key]"
    );
}

#[test]
fn redaction_of_a_long_line_finds_secrets_across_chunk_boundaries() {
    let scanner = scanner();
    for offset in [0, 100, 4000, 60_000, 65_500, 65_530, 130_000] {
        let mut line = "a ".repeat(100_000);
        line.insert_str(offset, &format!(" {STRIPE} "));
        line.push('\n');
        let out = redact(&scanner, line.as_bytes());
        assert!(!out.contains(STRIPE), "offset {offset}");
        assert_eq!(
            out.len(),
            line.len() - STRIPE.len() + "[REDACTED:stripe.secret-key]".len()
        );
    }
}

#[test]
fn redaction_fed_byte_by_byte_matches_whole_input() {
    let scanner = scanner();
    let input = format!("a\nTOKEN={STRIPE}\nb\n");
    let mut redactor = Redactor::new(&scanner);
    let mut out = Vec::new();
    for byte in input.as_bytes() {
        redactor.feed(std::slice::from_ref(byte), &mut out);
    }
    redactor.finish(&mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        redact(&scanner, input.as_bytes())
    );
}

#[test]
fn redaction_hides_private_key_bodies() {
    let scanner = scanner();
    let input = "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAsecretbody1\nQWERTYsecretbody2\n-----END RSA PRIVATE KEY-----\ny\n";
    let out = redact(&scanner, input.as_bytes());
    assert!(!out.contains("secretbody"), "{out}");
    assert!(out.contains("[REDACTED:private-key.pem]\n"), "{out}");
    assert!(out.ends_with("-----END RSA PRIVATE KEY-----\ny\n"));
}

#[test]
fn generic_rules_skip_unquoted_names_but_take_quoted_literals() {
    let scanner = scanner();
    let code = b"fn f(token: CancellationToken, password: ::windows_sys::core::PCWSTR) {}\nidrac_password: idrac_password_value\nERROR_KEY: WIN32_ERROR_SOMETHING_ELSE\n";
    let outcome = scan(&scanner, code);
    assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
    assert!(
        outcome
            .dropped
            .iter()
            .any(|d| d.reason == DropReason::Reference)
    );
    let outcome = scan(
        &scanner,
        b"db_password = \"CorrectHorse7Battery\"\nAPI_TOKEN=q8Xv_2Lm9Kp4Rt7Wz1Yb6Nc3\n",
    );
    assert_eq!(
        ids(&outcome),
        ["generic.password-assignment", "generic.token-assignment"]
    );
}

#[test]
fn values_with_the_rules_own_prefix_are_not_taken_for_names_in_code() {
    let mut rules = RuleSet::builtin().unwrap();
    rules
        .add_file(
            "acme.toml",
            r#"
provider = "Acme"

[[rules]]
id = "acme.dotted-token"
name = "Acme dotted token"
severity = "high"
keywords = ["acme."]
pattern = '\b(acme\.[a-f]{16,}\.[a-f]{16,})\b'
reference = "https://acme.example/rotate"
examples = [
  { text = "ACME_TOKEN=acme.deadbeefcafebabe.feedfacedecafbad", secret = "acme.deadbeefcafebabe.feedfacedecafbad" },
  { text = "token: acme.fadedbeadcafefeed.badcabbedeafbeef", secret = "acme.fadedbeadcafefeed.badcabbedeafbeef" },
]
negative_examples = ["ACME_TOKEN=acme.", "ACME_TOKEN=${ACME_TOKEN}"]
"#,
            preflight_rules::Strictness::Custom,
        )
        .unwrap();
    let scanner = Scanner::new(&rules, &ScanConfig::default());
    // All-letter hex parts read like a dotted name, but the value carries the rule's prefix.
    let outcome = scan(
        &scanner,
        b"ACME_TOKEN=acme.deadbeefcafebabe.feedfacedecafbad\n",
    );
    assert_eq!(ids(&outcome), ["acme.dotted-token"]);
    // Syntax references and placeholders still drop prefixed values.
    let outcome = scan(
        &scanner,
        b"ACME_TOKEN=acme.aaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaa\n",
    );
    assert!(ids(&outcome).is_empty(), "{:?}", ids(&outcome));
}
