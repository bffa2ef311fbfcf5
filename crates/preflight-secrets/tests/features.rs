//! Engine features end to end through the real scanner: credential pairs, Kubernetes Secret
//! manifests, encrypted and unencrypted private keys, JWT headers, checksum precedence and the
//! filters of imported gitleaks rules.

use preflight_findings::{DropReason, LocationKind, Outcome, Severity};
use preflight_rules::gitleaks::parse_gitleaks;
use preflight_rules::{RuleSet, Strictness};
use preflight_secrets::{CustomFilters, ScanConfig, Scanner, Scratch, redact_stream};

// Keys generated for these tests only (ssh-keygen, openssl, gpg); never used anywhere.
const OSSH_PLAIN: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBx4IhmuEepnQRuIwAdxj6wyq1GIlRw+Y9GtY0jEnKuhgAAAIiiMs3+ojLN\n/gAAAAtzc2gtZWQyNTUxOQAAACBx4IhmuEepnQRuIwAdxj6wyq1GIlRw+Y9GtY0jEnKuhg\nAAAECHr+r5+J6BryGN01HI0LmcHOcIg9HemkWQY6loaWyUz3HgiGa4R6mdBG4jAB3GPrDK\nrUYiVHD5j0a1jSMScq6GAAAAAAECAwQF\n-----END OPENSSH PRIVATE KEY-----";
const OSSH_ENC: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABD4047KSe\njkiv5ooNSjv0oxAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIHx5DtwNF76prqh0\npCV/LAL16F7UFBMxb6Nxd2vRhTfTAAAAkOmAWP2mIg+u0PkL/rGb0yjRnsdHIdCeiEIf+X\nveM7JA51pRK9J1k3O03AiXxQOX5Ut9M87TcRZq112n6XKaL59Znjk8K6k1cmiHTwj6+0qo\nBEKIHzU3opgsXH1G3XsW4H6336ZK2bk3s8S7XV0omE9CzLYScQ6m8z/8LwAdIQj8Afn5en\n4YvVeKg0DcAJz9+A==\n-----END OPENSSH PRIVATE KEY-----";
const EC_PLAIN_PEM: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFrT8guZP7OPZdDWqUJO4Fv7MJjrZ0PTPKoYbogvs+XooAoGCCqGSM49\nAwEHoUQDQgAEecg3npt06bAoURwm/+9IZ4vTQAm6qepHigNwXJAY9eHGDQkjW55P\n2pamKuOIrHI9JW6/TrMbDpaKW+0utl8XnA==\n-----END EC PRIVATE KEY-----";
const EC_ENC_PEM: &str = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,B5AE4803E705F3500E1F05C6DE8A12B2\n\nW1+IdgqW8elrX5IlbHu7jkz20nAwtjbZdPQoNfSbfpvFSWoijhWNvUu91snXy386\n5x71pyUDaEcznPOWeOXafmWIBcT63/V0d9DuOwb5IshPEDyYoWYdKFG3ZYdtGuZj\n9gclMKj7O3ce7DDhz+xIQr2WnYOonjdiHu+nB6Tpyew=\n-----END EC PRIVATE KEY-----";
const P8_PLAIN_PEM: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIANDjN+3+8wOawzimARej6ohKT+eiLd5CFPiqAZEFHlt\n-----END PRIVATE KEY-----";
const P8_ENC_PEM: &str = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhVsO04om3dNgICCAAw\nDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEJeVbLTC0rFQkpZZjoXgFUYEQO5O\nxW+/NX2BJqwCFSYvO0Y05QHzypLSB8vbNt/niuMvMPQ5bvry91EEjuIvpcdEnryc\nXXb2Iu217ONtd0iV1SA=\n-----END ENCRYPTED PRIVATE KEY-----";
const PGP_PLAIN_ASC: &str = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlFcEawQuQRYJKwYBBAHaRw8BAQdANsGYOa4+WZqgfzlwoFaF4tIY8q90+7dEwW/K\nvN2G/PcAAPj3fARK5sWY/Xw7NHwBCuYgtQLpa7fHZ2bHFSnHo0PMEEW0FVRlc3Qg\nPHRAZXhhbXBsZS50ZXN0PoiQBBMWCAA4FiEE0U8h2ahcMPufU+/puOcan4n2QU8F\nAmsELkECGwMFCwkIBwIGFQoJCAsCBBYCAwECHgECF4AACgkQuOcan4n2QU800gD/\nYlDeh8BUNbW9dOxBc/AAOcs5+VUR5hS9sLzzEZKSG6gBAIGeVicWSRUuyV/vlnX4\n8KuMk97WF5O3Jk7LUq7NuhAC\n=KFul\n-----END PGP PRIVATE KEY BLOCK-----";
const PGP_ENC_ASC: &str = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlIYEawQuQRYJKwYBBAHaRw8BAQdAyORFhSEQBVlXDODtgPA6fUTRPJ5nXtXypgxT\n8ird7AL+BwMCIylTwTzqMsH/wAri9DuhqM8PuGYzYGcYHLvAVvbTnQhHIQcLuCAT\n2d6ielANvwrwxT0VXMY5y4PP4HzzB7HWNStx/hw2iKOgRbxIho42CbQURW5jIDxl\nQGV4YW1wbGUudGVzdD6IkAQTFggAOBYhBPAMzGEwHj7un5XtXp3CmH1mDdoiBQJr\nBC5BAhsDBQsJCAcCBhUKCQgLAgQWAgMBAh4BAheAAAoJEJ3CmH1mDdoia7UA/3go\ntrIii6p6xyGncmoLONFYWHO1KW0nbvChaa816x//AP0WqHPegG2inmKNboeajNrF\ntgNGMQsED2q/JsC3G319CQ==\n=rJY5\n-----END PGP PRIVATE KEY BLOCK-----";

const AWS_ID: &str = "AKIAN6A6WFHYM6L3VFZ5";
const AWS_SECRET: &str = "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";
const AWS_ID_2: &str = "AKIAJ7X5XW4INPSW4ZED";
const AWS_SECRET_2: &str = "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";

fn builtin() -> Scanner {
    Scanner::new(&RuleSet::builtin().unwrap(), &ScanConfig::default())
}

fn scan_at(scanner: &Scanner, path: &str, text: &str) -> Outcome {
    let mut outcome = Outcome::default();
    scanner.scan_blob(
        path,
        LocationKind::File,
        text.as_bytes(),
        &mut Scratch::default(),
        &mut outcome,
    );
    outcome
}

fn ids(outcome: &Outcome) -> Vec<&str> {
    outcome.findings.iter().map(|f| f.id.as_str()).collect()
}

fn secrets(outcome: &Outcome) -> Vec<&str> {
    outcome
        .findings
        .iter()
        .map(|f| f.secret.as_ref().unwrap().expose())
        .collect()
}

#[test]
fn an_aws_key_id_and_secret_near_each_other_are_one_critical_finding() {
    let text = format!(
        "[default]\naws_access_key_id = {AWS_ID}\naws_secret_access_key = {AWS_SECRET}\n\n[prod]\naws_access_key_id = {AWS_ID_2}\naws_secret_access_key = {AWS_SECRET_2}\n"
    );
    let outcome = scan_at(&builtin(), ".aws/credentials", &text);
    // Each pair's finding is shown at the id's line and at the secret's line.
    assert_eq!(ids(&outcome), ["aws.access-key"; 4]);
    assert_eq!(
        secrets(&outcome),
        [AWS_SECRET, AWS_SECRET, AWS_SECRET_2, AWS_SECRET_2]
    );
    let lines: Vec<u32> = outcome
        .findings
        .iter()
        .map(|f| f.location.line.unwrap())
        .collect();
    assert_eq!(lines, [2, 3, 6, 7]);
    let first = &outcome.findings[0];
    assert_eq!(first.severity, Severity::Critical);
    assert_eq!(first.details["identifier_rule"], "aws.access-key-id");
    assert_eq!(first.details["secret_rule"], "aws.secret-access-key");
    assert_eq!(first.details["identifier_line"], "2");
    assert_eq!(first.details["secret_line"], "3");
    assert_eq!(outcome.findings[1].details, first.details);
    assert_eq!(outcome.findings[3].details["identifier_line"], "6");
    let superseded: Vec<(&str, u32)> = outcome
        .dropped
        .iter()
        .filter(|d| {
            d.reason
                == DropReason::Superseded {
                    by: "aws.access-key".into(),
                }
        })
        .map(|d| (d.id.as_str(), d.location.line.unwrap()))
        .collect();
    assert_eq!(
        superseded,
        [
            ("aws.access-key-id", 2),
            ("aws.secret-access-key", 3),
            ("aws.access-key-id", 6),
            ("aws.secret-access-key", 7)
        ]
    );
}

#[test]
fn parts_far_apart_or_alone_keep_their_own_findings() {
    let scanner = builtin();
    let far = format!(
        "aws_access_key_id = {AWS_ID}\n{}aws_secret_access_key = {AWS_SECRET}\n",
        "# spacer\n".repeat(6)
    );
    let outcome = scan_at(&scanner, "notes.ini", &far);
    assert_eq!(
        ids(&outcome),
        ["aws.access-key-id", "aws.secret-access-key"]
    );
    assert_eq!(outcome.findings[1].severity, Severity::Critical);

    let outcome = scan_at(&scanner, "a.env", &format!("AWS_ACCESS_KEY_ID={AWS_ID}\n"));
    assert_eq!(ids(&outcome), ["aws.access-key-id"]);
    // An id alone is a leak to look into, below a working pair.
    assert_eq!(outcome.findings[0].severity, Severity::Medium);

    // A placeholder secret makes no pair: the id stays alone.
    let outcome = scan_at(
        &scanner,
        "a.env",
        &format!("AWS_ACCESS_KEY_ID={AWS_ID}\nAWS_SECRET_ACCESS_KEY=${{AWS_SECRET_ACCESS_KEY}}\n"),
    );
    assert_eq!(ids(&outcome), ["aws.access-key-id"]);
}

#[test]
fn a_twilio_sid_alone_is_no_finding_but_completes_an_auth_token() {
    let scanner = builtin();
    let sid = "TWILIO_ACCOUNT_SID=ACa4c123b1612dd272d1371c17149d4395\n";
    assert_eq!(ids(&scan_at(&scanner, ".env", sid)), Vec::<&str>::new());
    let outcome = scan_at(
        &scanner,
        ".env",
        &format!("{sid}TWILIO_AUTH_TOKEN=2aabfe228f219e9cb0eb53f16947ccf2\n"),
    );
    assert_eq!(ids(&outcome), ["twilio.account-auth-token"; 2]);
    assert_eq!(secrets(&outcome), ["2aabfe228f219e9cb0eb53f16947ccf2"; 2]);
}

#[test]
fn disabling_a_pair_rule_reports_the_parts() {
    let config: ScanConfig = toml::from_str("disable = ['aws.access-key']").unwrap();
    let scanner = Scanner::new(&RuleSet::builtin().unwrap(), &config);
    let text = format!("aws_access_key_id = {AWS_ID}\naws_secret_access_key = {AWS_SECRET}\n");
    let outcome = scan_at(&scanner, "c.ini", &text);
    assert_eq!(
        ids(&outcome),
        ["aws.access-key-id", "aws.secret-access-key"]
    );
}

#[test]
fn redaction_hides_both_parts_of_a_pair_on_one_line() {
    let line = format!("login aws_access_key_id={AWS_ID} aws_secret_access_key={AWS_SECRET}\n");
    let mut out = Vec::new();
    redact_stream(&builtin(), line.as_bytes(), &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(!out.contains(AWS_ID) && !out.contains(AWS_SECRET), "{out}");
}

#[test]
fn a_pair_naming_an_unknown_rule_is_rejected() {
    let mut rules = RuleSet::default();
    rules
        .add_file(
            "pairs.toml",
            "provider = \"Acme\"\n[[rules]]\nid = \"acme.pair\"\nname = \"n\"\nseverity = \"high\"\npair = { identifier = \"acme.id\", secret = \"acme.secret\", lines = 2 }\n",
            Strictness::Custom,
        )
        .unwrap();
    let err = rules.check_pairs().unwrap_err();
    assert_eq!(err.key, "pair");
    assert!(err.message.contains("acme.id"), "{err}");
    let err = RuleSet::default()
        .add_file(
            "pairs.toml",
            "provider = \"Acme\"\n[[rules]]\nid = \"acme.pair\"\nname = \"n\"\nseverity = \"high\"\nkeywords = [\"acme\"]\npattern = '(a)'\npair = { identifier = \"acme.id\", secret = \"acme.secret\", lines = 2 }\n",
            Strictness::Custom,
        )
        .unwrap_err();
    assert!(err.to_string().contains("pair"), "{err}");
}

const STRIPE: &str = "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";

fn b64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn kubernetes_secret_data_is_decoded_and_reported_at_the_encoded_line() {
    let manifest = format!(
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  stripe: {cm}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  STRIPE_KEY: \"{enc}\"\n  DB_PASSWORD: {pw}\n  broken: '!!not base64!!'\n",
        cm = b64(STRIPE),
        enc = b64(STRIPE),
        pw = b64("changeme"),
    );
    let outcome = scan_at(&builtin(), "deploy/secret.yaml", &manifest);
    // The ConfigMap's value is not decoded; the Secret's is.
    assert_eq!(ids(&outcome), ["stripe.secret-key"]);
    let finding = &outcome.findings[0];
    assert_eq!(finding.secret.as_ref().unwrap().expose(), STRIPE);
    assert_eq!(
        (finding.location.line, finding.location.column),
        (Some(12), Some(16))
    );
    assert!(finding.details["decoded"].contains("data.STRIPE_KEY"));
    // The encoded text of the placeholder password is not reported by the manifest rule
    // either: the decoded value's judgement stands for it.
    assert!(
        !outcome.findings.iter().any(|f| f.location.line == Some(13)),
        "{:?}",
        ids(&outcome)
    );
    // Not a YAML path: not decoded.
    let outcome = scan_at(&builtin(), "deploy/secret.txt", &manifest);
    assert!(!ids(&outcome).contains(&"stripe.secret-key"));
}

#[test]
fn kubernetes_string_data_is_plain_and_multi_document_files_work() {
    let manifest = format!(
        "kind: Secret\nstringData:\n  key: {STRIPE}\n---\ndata:\n  other: {enc}\nkind: Secret\n",
        enc = b64(&format!("token={STRIPE}x")),
    );
    let outcome = scan_at(&builtin(), "k8s/all.yml", &manifest);
    let lines: Vec<(&str, Option<u32>)> = outcome
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.location.line))
        .collect();
    assert_eq!(
        lines,
        [
            ("stripe.secret-key", Some(3)),
            ("stripe.secret-key", Some(6))
        ]
    );
    assert!(!outcome.findings[0].details.contains_key("decoded"));
}

fn key_finding(text: &str) -> (Severity, String) {
    let outcome = scan_at(&builtin(), "id_key", text);
    assert_eq!(
        ids(&outcome).len(),
        1,
        "{:?} {:?}",
        ids(&outcome),
        outcome.dropped
    );
    let finding = &outcome.findings[0];
    (finding.severity, finding.details["encrypted"].clone())
}

#[test]
fn unencrypted_private_keys_outrank_encrypted_ones() {
    for (plain, encrypted, cipher) in [
        (OSSH_PLAIN, OSSH_ENC, "yes (aes256-ctr)"),
        (EC_PLAIN_PEM, EC_ENC_PEM, "yes (AES-256-CBC)"),
        (P8_PLAIN_PEM, P8_ENC_PEM, "yes (PKCS#8)"),
        (PGP_PLAIN_ASC, PGP_ENC_ASC, "yes (OpenPGP passphrase)"),
    ] {
        assert_eq!(
            key_finding(plain),
            (Severity::Critical, "no".into()),
            "{plain}"
        );
        assert_eq!(
            key_finding(encrypted),
            (Severity::High, cipher.into()),
            "{encrypted}"
        );
    }
}

#[test]
fn putty_keys_say_whether_they_are_encrypted() {
    let rules = RuleSet::builtin().unwrap();
    let example = &rules.get("private-key.putty").unwrap().examples[0].text;
    assert_eq!(key_finding(example), (Severity::Critical, "no".into()));
    let encrypted = example.replace("Encryption: none", "Encryption: aes256-cbc");
    assert_eq!(
        key_finding(&encrypted),
        (Severity::High, "yes (aes256-cbc)".into())
    );
}

#[test]
fn a_key_in_a_json_string_is_read_through_its_escapes() {
    let json = format!(
        "{{\"private_key\": \"{}\\n\"}}",
        OSSH_ENC.replace('\n', "\\n")
    );
    assert_eq!(
        key_finding(&json),
        (Severity::High, "yes (aes256-ctr)".into())
    );
}

#[test]
fn a_jwt_is_reported_only_when_its_header_decodes() {
    let scanner = builtin();
    let payload =
        "eyJzdWIiOiJ1c3JfSUhoOHR5ZkVZMFRvIiwiaWF0IjoxNzYzODgwMDAwLCJyb2xlIjoic2VydmljZSJ9";
    let signature = "-VRn_CTJWHlfLoYU8LvcFm758EmUDhv2AevnQKjQCVW";
    // {"alg":"HS256","typ":"JWT"}
    let good = format!("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{payload}.{signature}");
    assert_eq!(
        ids(&scan_at(&scanner, "a.js", &format!("t = '{good}'\n"))),
        ["jwt.token"]
    );
    // {"typ":"JWT","kid":"k7"} has no algorithm.
    let no_alg = format!("eyJ0eXAiOiJKV1QiLCJraWQiOiJrNyJ9.{payload}.{signature}");
    let outcome = scan_at(&scanner, "a.js", &format!("t = '{no_alg}'\n"));
    assert_eq!(ids(&outcome), Vec::<&str>::new());
    assert!(outcome.dropped.iter().any(|d| d.id == "jwt.token"
        && d.reason
            == DropReason::Malformed {
                problem: "JWT header has no `alg`".into()
            }));
    // A header that is not JSON at all.
    let garbage = format!("eyJhbGciOiJIUzI1NiIsInR5cCI6.{payload}.{signature}");
    let outcome = scan_at(&scanner, "a.js", &format!("t = '{garbage}'\n"));
    assert_eq!(ids(&outcome), Vec::<&str>::new());
}

/// Two custom rules on the same bytes: one validated by a checksum, one longer without.
const CHECKSUM_RULES: &str = r#"provider = "Acme"

[[rules]]
id = "acme.long-token"
name = "Acme token assignment"
severity = "critical"
keywords = ["token="]
pattern = '''TOKEN=(gh[pousr]_[A-Za-z0-9]{36}[a-z]*)'''

[[rules]]
id = "acme.github-token"
name = "GitHub token, checksum validated"
severity = "medium"
keywords = ["ghp_"]
pattern = '''(ghp_[A-Za-z0-9]{36})'''
checksum = "github-crc32"
"#;

#[test]
fn a_checksum_validated_match_outranks_a_longer_unvalidated_one() {
    let mut rules = RuleSet::default();
    rules
        .add_file("acme.toml", CHECKSUM_RULES, Strictness::Custom)
        .unwrap();
    let scanner = Scanner::new(&rules, &ScanConfig::default());
    let token = RuleSet::builtin()
        .unwrap()
        .get("github.personal-access-token")
        .unwrap()
        .examples[0]
        .secret
        .clone();
    let outcome = scan_at(&scanner, ".env", &format!("TOKEN={token}abc\n"));
    assert_eq!(ids(&outcome), ["acme.github-token"]);
    assert!(outcome.dropped.iter().any(|d| d.id == "acme.long-token"
        && d.reason
            == DropReason::Superseded {
                by: "acme.github-token".into()
            }));
    // With a broken checksum, the checksum rule still claims the bytes: the token is
    // reported once, by it, at low severity.
    let mut broken = token.into_bytes();
    let last = broken.len() - 1;
    broken[last] = if broken[last] == b'A' { b'B' } else { b'A' };
    let broken = String::from_utf8(broken).unwrap();
    let outcome = scan_at(&scanner, ".env", &format!("TOKEN={broken}abc\n"));
    assert_eq!(ids(&outcome), ["acme.github-token"]);
    assert_eq!(outcome.findings[0].severity, Severity::Low);
    assert!(outcome.findings[0].details.contains_key("checksum"));
    assert!(outcome.dropped.iter().any(|d| d.id == "acme.long-token"
        && d.reason
            == DropReason::Superseded {
                by: "acme.github-token".into()
            }));
}

/// A provider rule that wants more entropy than a catch-all rule on the same bytes.
const STRICT_AND_LOOSE_RULES: &str = r#"provider = "Acme"

[[rules]]
id = "acme.strict-token"
name = "Acme token"
severity = "high"
keywords = ["acme_"]
pattern = '''(acme_[A-Za-z0-9]{20})'''
min_entropy = 4.2

[[rules]]
id = "generic.acme-assignment"
name = "Token assignment"
severity = "medium"
keywords = ["token="]
pattern = '''TOKEN=([A-Za-z0-9_]{20,})'''
min_entropy = 2.0
"#;

#[test]
fn a_value_one_rule_dropped_is_judged_by_the_others_on_their_own() {
    let mut rules = RuleSet::default();
    rules
        .add_file("acme.toml", STRICT_AND_LOOSE_RULES, Strictness::Custom)
        .unwrap();
    let scanner = Scanner::new(&rules, &ScanConfig::default());
    // Too little entropy for the provider rule, enough for the catch-all: the provider
    // rule's drop does not silence the catch-all.
    let outcome = scan_at(&scanner, ".env", "TOKEN=acme_k3Xk3Xk3Xm9Pm9Pm9Pq2\n");
    assert_eq!(ids(&outcome), ["generic.acme-assignment"]);
    assert!(
        outcome
            .dropped
            .iter()
            .any(|d| d.id == "acme.strict-token" && matches!(d.reason, DropReason::Entropy { .. }))
    );
    assert!(
        outcome
            .dropped
            .iter()
            .all(|d| !matches!(d.reason, DropReason::Superseded { .. }))
    );
    // A random value: the provider rule reports it, and the catch-all yields.
    let outcome = scan_at(&scanner, ".env", "TOKEN=acme_Xk3mP9qR2sT7vW1yZ4bC\n");
    assert_eq!(ids(&outcome), ["acme.strict-token"]);
    // A placeholder is dropped by both, each for its own reason.
    let outcome = scan_at(&scanner, ".env", "TOKEN=acme_xxxxxxxxxxxxxxxxxxxx\n");
    assert_eq!(ids(&outcome), Vec::<&str>::new());
}

const GITLEAKS: &str = r#"
title = "Acme"

[allowlist]
description = "fixtures"
paths = ['''(^|/)fixtures/''']

[[rules]]
id = "acme-token"
description = "Acme API token"
regex = '''\b(acme_[a-z0-9]{24})\b'''
keywords = ["acme_"]
[rules.allowlist]
stopwords = ["acme_dev"]

[[rules]]
id = "acme-deploy-key"
description = "Acme deploy key in deploy files"
regex = '''\b(adk_[A-Za-z0-9]{20})\b'''
path = '''(^|/)deploy/'''
"#;

fn gitleaks_scanner() -> Scanner {
    let import = parse_gitleaks("gitleaks.toml", GITLEAKS).unwrap();
    let mut rules = RuleSet::default();
    for rule in &import.rules {
        rules.add_rule(rule.rule.clone()).unwrap();
    }
    let mut filters = CustomFilters::default();
    filters.add_gitleaks(&import);
    Scanner::new(&rules, &ScanConfig::default()).with_custom_filters(filters)
}

#[test]
fn gitleaks_allowlists_and_paths_filter_candidates() {
    let scanner = gitleaks_scanner();
    let token = "acme_q8z2k4v7n1m3x5c9b6l0p2r4";
    let outcome = scan_at(&scanner, "src/app.py", &format!("T = '{token}'\n"));
    assert_eq!(ids(&outcome), ["custom.acme-token"]);

    let outcome = scan_at(
        &scanner,
        "test/fixtures/app.py",
        &format!("T = '{token}'\n"),
    );
    assert_eq!(ids(&outcome), Vec::<&str>::new());
    assert!(
        matches!(&outcome.dropped[0].reason, DropReason::PathAllowlist { glob } if glob == "(^|/)fixtures/")
    );

    let outcome = scan_at(
        &scanner,
        "src/app.py",
        "T = 'acme_dev0k4v7n1m3x5c9b6l0p2r4'\n",
    );
    assert_eq!(ids(&outcome), Vec::<&str>::new());
    assert!(
        matches!(&outcome.dropped[0].reason, DropReason::ValueAllowlist { pattern } if pattern.contains("acme_dev"))
    );

    let key = "adk_Q8z2K4v7N1m3X5c9B6l0";
    assert_eq!(
        ids(&scan_at(
            &scanner,
            "deploy/prod.sh",
            &format!("KEY={key}\n")
        )),
        ["custom.acme-deploy-key"]
    );
    let outcome = scan_at(&scanner, "src/prod.sh", &format!("KEY={key}\n"));
    assert_eq!(ids(&outcome), Vec::<&str>::new());
    assert!(
        matches!(&outcome.dropped[0].reason, DropReason::PathAllowlist { glob } if glob.contains("custom.acme-deploy-key"))
    );
}

/// A provider whose tokens are JWTs, found by its variable's name.
const JWT_PROVIDER_RULES: &str = r#"provider = "Acme"

[[rules]]
id = "acme.service-token"
name = "Acme service token"
severity = "critical"
keywords = ["acme_service_token"]
pattern = '''ACME_SERVICE_TOKEN=(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})'''
"#;

const ACME_JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiAiYWNtZSIsICJzdWIiOiAiMTRlZWZiNTQzZWIxIiwgImlhdCI6IDE3NjEwMDAwMDB9.yahm-LDe3IzxoSbq6VSUQoVqxlfShChSnjC_36-ketk";

#[test]
fn a_provider_rule_wins_over_the_jwt_rule_on_the_same_bytes() {
    let mut rules = RuleSet::builtin().unwrap();
    rules
        .add_file("acme.toml", JWT_PROVIDER_RULES, Strictness::Custom)
        .unwrap();
    let scanner = Scanner::new(&rules, &ScanConfig::default());
    let outcome = scan_at(
        &scanner,
        ".env",
        &format!("ACME_SERVICE_TOKEN={ACME_JWT}\n"),
    );
    assert_eq!(ids(&outcome), ["acme.service-token"]);
    assert!(outcome.dropped.iter().any(|d| d.id == "jwt.token"
        && d.reason
            == DropReason::Superseded {
                by: "acme.service-token".into()
            }));
    // Elsewhere the same JWT is the JWT rule's.
    let outcome = scan_at(&scanner, "app.js", &format!("const t = '{ACME_JWT}';\n"));
    assert_eq!(ids(&outcome), ["jwt.token"]);
}

/// A TeamCity token's random parts, generated for this test; its header is `{"typ": "TCV2"}`.
const TEAMCITY_BODY: &str =
    "p6rltu4bb6FiQsnuq7up9LbI02_FqWF9VuvX.pkEWVgqW-L5UK80_8ZECPL8vePltyb-l2r8VV7CkVfEDpEi9";

#[test]
fn a_provider_rule_that_names_a_typed_header_is_not_a_malformed_jwt() {
    let token = format!("eyJ0eXAiOiAiVENWMiJ9.{TEAMCITY_BODY}");
    let outcome = scan_at(&builtin(), ".env", &format!("TEAMCITY_TOKEN={token}\n"));
    assert_eq!(ids(&outcome), ["teamcity.access-token"]);
    assert_eq!(secrets(&outcome), [token.as_str()]);
    // The same parts under a header with a `typ` and no `alg` that no provider's rule names
    // (`{"typ":"JWT"}`) are a malformed JWT, for the JWT rule and the generic ones alike.
    let outcome = scan_at(
        &builtin(),
        ".env",
        &format!("API_TOKEN=eyJ0eXAiOiJKV1QifQ.{TEAMCITY_BODY}\n"),
    );
    assert_eq!(ids(&outcome), Vec::<&str>::new());
    assert!(outcome.dropped.iter().any(|d| matches!(
        &d.reason,
        DropReason::Malformed { problem } if problem.contains("no `alg`")
    )));
}

#[test]
fn a_secret_manifest_rule_outranks_a_generic_rule_on_the_decoded_value() {
    // A password generated for this test.
    let password = "bU9oWUAGsHSuQACsIoEp2RoV";
    let manifest = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: registry\ntype: Opaque\ndata:\n  registry-password: {}\n",
        b64(password)
    );
    let outcome = scan_at(&builtin(), "deploy/registry.yaml", &manifest);
    assert_eq!(ids(&outcome), ["kubernetes.secret-manifest"]);
    assert_eq!(outcome.findings[0].location.line, Some(7));
    assert!(
        outcome
            .dropped
            .iter()
            .any(|d| d.id == "generic.password-assignment"
                && d.reason
                    == DropReason::Superseded {
                        by: "kubernetes.secret-manifest".into()
                    })
    );
    // A provider's rule on the decoded value still wins over the manifest rule.
    let manifest = manifest.replace(
        &format!("registry-password: {}", b64(password)),
        &format!("STRIPE_KEY: {}", b64(STRIPE)),
    );
    let outcome = scan_at(&builtin(), "deploy/registry.yaml", &manifest);
    assert_eq!(ids(&outcome), ["stripe.secret-key"]);
}
