//! Classes of leaks the engine finds beyond plain assignments (literal fallbacks of look-ups,
//! key ids alone and pairs, private keys in every wrapping) and classes of text that only looks
//! like a secret (pagination tokens, ARNs, type annotations, prose, instructions written as
//! slugs). The synthetic values are random characters of each credential's alphabet.

use preflight_findings::{LocationKind, Outcome, Severity};
use preflight_rules::RuleSet;
use preflight_secrets::{ScanConfig, Scanner, Scratch};

const XERO_SECRET: &str = "gViJOUAHCDFe6aowaS5DmGWlIxNcjRo0HJm3yHnby2u7UBTY";
const AWS_SECRET: &str = "EATFGxZgZ8OZizYXZbTMiN1sYpqqcmveMatKxXfY";
const AWS_ID: &str = "AKIANRVE3VL2DF3MXFVA";
const TOKEN: &str = "t8uNUSJUrs8vAFPJm8bdpBY1TIiEx7Sk";
const PASSWORD: &str = "8iX%w6njBQCGwpXoeBVr";
const TWILIO_KEY_SID: &str = "SKcd920ba96bb1483bd6746ca575613ef0";
const TWILIO_TOKEN: &str = "105e923b57c67128a6a374491617c1b1";
/// Base64 lines of a key body.
const BODY: [&str; 8] = [
    "bFZPDzp+2IiWf3wCHqUkLuTjoxNClX0CpBLjdhZFBtAVVEqjj3Ekuyo+YiNrgSUo",
    "pv/3ANe+Jq+XB2AE2OE1Tf4WxIBMdP8SjsKAqccPLm+JEV6BwUNjWLzApKkdd+Sf",
    "3nb3ZDzJ8LORAzW097VjxismhfxlWIiudMZQ2s4DCYWBgCVWjGR30ML6zJYd9mg6",
    "wCcaJ1MBiTnigDnqHRBovkc/pBCQWFSrCdP2GJ/IOEsvGQS5KryRjwoGU7eAdF5D",
    "zyeEmuPDNpPClow/sDRPm3kHUzD+iQCbOnEv+iM1k4nGd7PIIiJJ8PC6CpIueChh",
    "9wwHarX3+sKa9AsjtAu7DfSE0/Q7YU0NOoRdI9TA7Lx19DPfVEfhZVPHTjQ7R16j",
    "VTZfgHIsT4wpW9WsX19kljViJPyPUcbOrMsWgvTsUoqeRJUkvnNPMQ10DuiKcUdH",
    "svDRXo5kzijQKn3nKdOPDnaV7pRF6z6sXVOtpKSg3g7munrvoSepFJIC3JzdQbvG",
];

fn scan(path: &str, text: &str) -> Outcome {
    let scanner = Scanner::new(&RuleSet::builtin().unwrap(), &ScanConfig::default());
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

/// Every finding as (rule, secret, line).
fn found(outcome: &Outcome) -> Vec<(String, String, u32)> {
    outcome
        .findings
        .iter()
        .map(|f| {
            (
                f.id.clone(),
                f.secret.as_ref().unwrap().expose().to_string(),
                f.location.line.unwrap(),
            )
        })
        .collect()
}

fn one(rule: &str, secret: &str, line: u32) -> Vec<(String, String, u32)> {
    vec![(rule.to_string(), secret.to_string(), line)]
}

fn reasons(outcome: &Outcome) -> Vec<String> {
    outcome
        .dropped
        .iter()
        .map(|d| d.reason.to_string())
        .collect()
}

#[test]
fn literal_fallbacks_of_look_ups_are_judged_as_assignments_to_their_variable() {
    let cases = [
        (
            "app/settings.py",
            format!(
                "import os\nXERO_CLIENT_SECRET = os.getenv(\"XERO_CLIENT_SECRET\", \"{XERO_SECRET}\")\n"
            ),
            "xero.client-secret",
            XERO_SECRET,
            2,
        ),
        (
            "app/settings.py",
            format!(
                "from decouple import config\n\nAPI_TOKEN = config('API_TOKEN', default='{TOKEN}')\n"
            ),
            "generic.token-assignment",
            TOKEN,
            3,
        ),
        (
            "src/client.js",
            format!("const token = process.env.API_TOKEN || \"{TOKEN}\";\n"),
            "generic.token-assignment",
            TOKEN,
            1,
        ),
        (
            "src/client.ts",
            format!("export const token = process.env[\"API_TOKEN\"] ?? '{TOKEN}';\n"),
            "generic.token-assignment",
            TOKEN,
            1,
        ),
        (
            "config/aws.rb",
            format!(
                "Aws.config.update(\n  secret_access_key: ENV.fetch(\"AWS_SECRET_ACCESS_KEY\", \"{AWS_SECRET}\")\n)\n"
            ),
            "aws.secret-access-key",
            AWS_SECRET,
            2,
        ),
        (
            "cmd/main.go",
            format!("func main() {{\n\tpass := getEnv(\"DB_PASSWORD\", \"{PASSWORD}\")\n}}\n"),
            "generic.password-assignment",
            PASSWORD,
            2,
        ),
        (
            "src/Main.java",
            format!("String pw = System.getenv().getOrDefault(\"DB_PASSWORD\", \"{PASSWORD}\");\n"),
            "generic.password-assignment",
            PASSWORD,
            1,
        ),
        (
            "config/services.php",
            format!("<?php\nreturn [\n    'password' => env('MAIL_PASSWORD', '{PASSWORD}'),\n];\n"),
            "generic.password-assignment",
            PASSWORD,
            3,
        ),
        (
            "docker-compose.yml",
            format!(
                "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=${{POSTGRES_PASSWORD:-{PASSWORD}}}\n"
            ),
            "generic.password-assignment",
            PASSWORD,
            4,
        ),
        (
            "docker-compose.yml",
            format!("    environment:\n      DB_PASSWORD: ${{DB_PASSWORD-{PASSWORD}}}\n"),
            "generic.password-assignment",
            PASSWORD,
            2,
        ),
        (
            "notify.py",
            format!(
                "# Twilio client\nAUTH_TOKEN = os.environ.get(\"AUTH_TOKEN\", \"{TWILIO_TOKEN}\")\n"
            ),
            "twilio.auth-token",
            TWILIO_TOKEN,
            2,
        ),
        (
            "cmd/hooks/main.go",
            format!("func main() {{\n\tkey := envOr(\"WEBHOOK_TOKEN\", \"{TOKEN}\")\n}}\n"),
            "generic.token-assignment",
            TOKEN,
            2,
        ),
        (
            "cmd/hooks/main.go",
            format!("\ttoken := env.Get(\"API_TOKEN\", \"{TOKEN}\")\n"),
            "generic.token-assignment",
            TOKEN,
            1,
        ),
        (
            "src/main.rs",
            format!(
                "let token = env::var(\"API_TOKEN\").unwrap_or_else(|_| String::from(\"{TOKEN}\"));\n"
            ),
            "generic.token-assignment",
            TOKEN,
            1,
        ),
        (
            "src/main.rs",
            format!("let token = std::env::var(\"API_TOKEN\").unwrap_or(\"{TOKEN}\");\n"),
            "generic.token-assignment",
            TOKEN,
            1,
        ),
        (
            "app/src/main/kotlin/Client.kt",
            format!("val token = System.getenv(\"API_TOKEN\") ?: \"{TOKEN}\"\n"),
            "generic.token-assignment",
            TOKEN,
            1,
        ),
    ];
    for (path, text, rule, secret, line) in cases {
        let outcome = scan(path, &text);
        assert_eq!(found(&outcome), one(rule, secret, line), "{text}");
        let detail = outcome.findings[0].details.get("fallback");
        assert!(
            detail.is_some_and(|d| d.starts_with("the literal default of `")),
            "{text}: {detail:?}"
        );
    }
    // A value a rule finds on its own is not a fallback finding.
    let direct = scan(".env", &format!("API_TOKEN={TOKEN}\n"));
    assert!(!direct.findings[0].details.contains_key("fallback"));
}

#[test]
fn spring_and_shell_defaults_are_judged_as_assignments() {
    for (path, text, rule, secret) in [
        (
            "src/main/resources/application.yml",
            format!("acme:\n  client:\n    token: ${{ACME_CLIENT_TOKEN:{TOKEN}}}\n"),
            "generic.token-assignment",
            TOKEN,
        ),
        (
            "src/main/resources/application.properties",
            format!("spring.datasource.password=${{DB_PASSWORD:{PASSWORD}}}\n"),
            "generic.password-assignment",
            PASSWORD,
        ),
        (
            // A capitalised value without symbols, which in place reads like a type.
            "src/main/resources/application.yml",
            "spring:\n  datasource:\n    password: ${DB_PASSWORD:THCO8vO1FFZhnjMP}\n".to_string(),
            "generic.password-assignment",
            "THCO8vO1FFZhnjMP",
        ),
        (
            "src/main/java/Client.java",
            format!("@Value(\"${{xero.client-secret:{XERO_SECRET}}}\")\n"),
            "xero.client-secret",
            XERO_SECRET,
        ),
        (
            "deploy.sh",
            format!("export API_TOKEN=\"${{API_TOKEN:={TOKEN}}}\"\n"),
            "generic.token-assignment",
            TOKEN,
        ),
        (
            "docker-compose.yml",
            format!("      - STRIPE_KEY=${{STRIPE_KEY-{TOKEN}}}\n"),
            "generic.key-assignment",
            TOKEN,
        ),
    ] {
        let outcome = scan(path, &text);
        let found = found(&outcome);
        assert_eq!(found.len(), 1, "{text}: {:?}", reasons(&outcome));
        assert_eq!(
            (found[0].0.as_str(), found[0].1.as_str()),
            (rule, secret),
            "{text}"
        );
    }
}

#[test]
fn look_ups_without_a_usable_literal_stay_quiet() {
    for text in [
        "XERO_CLIENT_SECRET = os.getenv(\"XERO_CLIENT_SECRET\")\n".to_string(),
        "XERO_CLIENT_SECRET = os.getenv(\"XERO_CLIENT_SECRET\", None)\n".to_string(),
        "API_TOKEN = config('API_TOKEN', default='')\n".to_string(),
        "const token = process.env.API_TOKEN || \"\";\n".to_string(),
        "const token = process.env.API_TOKEN || defaultToken;\n".to_string(),
        "      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-changeme}\n".to_string(),
        "      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-${DB_PASSWORD}}\n".to_string(),
        "    password: ${DB_PASSWORD}\n".to_string(),
        "    password: ${DB_PASSWORD:}\n".to_string(),
        "    password: ${DB_PASSWORD:changeme}\n".to_string(),
        "    password: ${DB_PASSWORD:${VAULT_DB_PASSWORD}}\n".to_string(),
        "      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD:?set it in .env}\n".to_string(),
        "SECRET_KEY = os.getenv('SECRET_KEY', 'generate-with-openssl-rand-hex-32')\n".to_string(),
        "API_TOKEN = os.getenv('API_TOKEN', 'your-api-token-here')\n".to_string(),
        format!("host = os.getenv(\"DB_HOST\", \"{TOKEN}\")\n"),
        format!("\thost := envOr(\"WEBHOOK_HOST\", \"{TOKEN}\")\n"),
        "\tkey := envOr(\"WEBHOOK_TOKEN\", defaultToken)\n".to_string(),
        "let token = env::var(\"API_TOKEN\").unwrap_or_else(|_| String::new());\n".to_string(),
    ] {
        let outcome = scan("app/settings.py", &text);
        assert_eq!(found(&outcome), Vec::new(), "{text}");
    }
}

#[test]
fn an_allow_marker_on_the_look_up_line_drops_its_literal() {
    let text = format!("API_TOKEN = os.getenv('API_TOKEN', '{TOKEN}')  # preflight:allow\n");
    let outcome = scan("app/settings.py", &text);
    assert!(found(&outcome).is_empty());
    assert!(
        reasons(&outcome)
            .iter()
            .any(|r| r.contains("preflight:allow"))
    );
}

#[test]
fn an_access_key_id_alone_is_reported_lower_than_a_pair() {
    let outcome = scan("deploy.sh", &format!("export AWS_ACCESS_KEY_ID={AWS_ID}\n"));
    assert_eq!(found(&outcome), one("aws.access-key-id", AWS_ID, 1));
    assert_eq!(outcome.findings[0].severity, Severity::Medium);

    let text = format!("AWS_ACCESS_KEY_ID={AWS_ID}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\n");
    let outcome = scan(".env", &text);
    assert_eq!(
        found(&outcome),
        [
            ("aws.access-key".to_string(), AWS_SECRET.to_string(), 1),
            ("aws.access-key".to_string(), AWS_SECRET.to_string(), 2),
        ]
    );
    for finding in &outcome.findings {
        assert_eq!(finding.severity, Severity::Critical);
        assert_eq!(
            finding.details.get("identifier_line").map(String::as_str),
            Some("1")
        );
        assert_eq!(
            finding.details.get("secret_line").map(String::as_str),
            Some("2")
        );
    }
}

#[test]
fn a_pair_on_one_line_is_one_finding() {
    let text = format!("aws_access_key_id={AWS_ID} aws_secret_access_key={AWS_SECRET}\n");
    let outcome = scan("creds", &text);
    assert_eq!(found(&outcome), one("aws.access-key", AWS_SECRET, 1));
}

#[test]
fn a_twilio_key_sid_alone_is_low_and_with_its_secret_critical() {
    let outcome = scan(".env", &format!("TWILIO_API_KEY={TWILIO_KEY_SID}\n"));
    assert_eq!(found(&outcome), one("twilio.api-key", TWILIO_KEY_SID, 1));
    assert_eq!(outcome.findings[0].severity, Severity::Low);
    let quiet = scan(".env", &format!("API_KEY={TWILIO_KEY_SID}\n"));
    assert!(
        found(&quiet)
            .iter()
            .all(|(rule, _, _)| !rule.starts_with("twilio."))
    );
}

#[test]
fn an_account_sid_beside_a_token_under_short_names_is_a_pair() {
    let text =
        format!("TWILIO_SID=AC5ba9877af7a31aae622fb88da7483e1c\nTWILIO_TOKEN={TWILIO_TOKEN}\n");
    let outcome = scan(".env", &text);
    let rules: Vec<String> = found(&outcome).into_iter().map(|f| f.0).collect();
    assert_eq!(
        rules,
        ["twilio.account-auth-token", "twilio.account-auth-token"]
    );
}

fn pem(kind: &str) -> String {
    format!(
        "-----BEGIN {kind}-----\n{}\n-----END {kind}-----",
        BODY.join("\n")
    )
}

#[test]
fn private_keys_are_found_in_every_wrapping() {
    let escaped = pem("PRIVATE KEY").replace('\n', "\\n");
    let yaml_block = pem("RSA PRIVATE KEY").replace('\n', "\n    ");
    let java = format!(
        "-----BEGIN RSA PRIVATE KEY-----\\n\" +\n    \"{}\\n\" +\n    \"-----END RSA PRIVATE KEY-----",
        BODY.join("\\n\" +\n    \"")
    );
    let python = format!(
        "-----BEGIN PRIVATE KEY-----\\n'\n    '{}\\n'\n    '-----END PRIVATE KEY-----",
        BODY.join("\\n'\n    '")
    );
    let cases = [
        (
            "sa.json",
            format!(
                "{{\n  \"type\": \"service_account\",\n  \"private_key\": \"{escaped}\\n\"\n}}\n"
            ),
            escaped.clone(),
            3,
        ),
        (
            "values.yaml",
            format!("tls:\n  key: |\n    {yaml_block}\n"),
            yaml_block.clone(),
            3,
        ),
        (
            "Keys.java",
            format!("class Keys {{\n  static final String KEY = \"{java}\\n\";\n}}\n"),
            java.clone(),
            2,
        ),
        (
            "keys.py",
            format!("KEY = (\n    '{python}\\n'\n)\n"),
            python.clone(),
            2,
        ),
        (
            "main.tf",
            format!(
                "resource \"tls_cert\" \"a\" {{\n  key = <<EOT\n{}\nEOT\n}}\n",
                pem("EC PRIVATE KEY")
            ),
            pem("EC PRIVATE KEY"),
            3,
        ),
        (
            "web.config",
            format!(
                "<config>\n  <signingKey>{}</signingKey>\n</config>\n",
                pem("PRIVATE KEY")
            ),
            pem("PRIVATE KEY"),
            2,
        ),
    ];
    for (path, text, secret, line) in cases {
        let outcome = scan(path, &text);
        assert_eq!(
            found(&outcome),
            one("private-key.pem", &secret, line),
            "{path}"
        );
        assert_eq!(outcome.findings[0].severity, Severity::Critical, "{path}");
    }
}

#[test]
fn an_encrypted_pkcs8_key_is_one_level_lower() {
    let outcome = scan("key.pem", &pem("ENCRYPTED PRIVATE KEY"));
    assert_eq!(outcome.findings.len(), 1);
    assert_eq!(outcome.findings[0].severity, Severity::High);
    assert_eq!(
        outcome.findings[0]
            .details
            .get("encrypted")
            .map(String::as_str),
        Some("yes (PKCS#8)")
    );
}

#[test]
fn a_public_key_or_an_elided_block_in_concatenation_is_no_finding() {
    for text in [
        pem("PUBLIC KEY"),
        "\"-----BEGIN RSA PRIVATE KEY-----\\n\" +\n \"MIIE...\\n\" +\n \"-----END RSA PRIVATE KEY-----\"".to_string(),
    ] {
        assert!(scan("Keys.java", &text).findings.is_empty(), "{text}");
    }
}

#[test]
fn pagination_tokens_are_not_credentials() {
    for text in [
        format!("{{\"Items\": [], \"NextToken\": \"{TOKEN}\"}}\n"),
        format!("  nextPageToken: '{TOKEN}',\n"),
        format!("next_token = \"{TOKEN}\"\n"),
    ] {
        let outcome = scan("fixtures/list.json", &text);
        assert!(outcome.findings.is_empty(), "{text}");
    }
    let outcome = scan(
        "fixtures/list.json",
        &format!("{{\"NextToken\": \"{TOKEN}\"}}\n"),
    );
    assert!(
        reasons(&outcome).iter().any(|r| r.contains("pagination")),
        "{:?}",
        reasons(&outcome)
    );
    let real = scan("auth.json", &format!("{{\"AccessToken\": \"{TOKEN}\"}}\n"));
    assert_eq!(found(&real), one("generic.token-assignment", TOKEN, 1));
}

#[test]
fn a_name_that_only_ends_in_a_pagination_word_is_a_credential() {
    const HEX: &str = "1a15d39541bdff223bdcac83bf5191d4";
    for text in [
        format!("statuspage_token = \"{HEX}\"\n"),
        format!("FB_PAGE_TOKEN={HEX}\n"),
    ] {
        let outcome = scan("config/settings.py", &text);
        assert_eq!(found(&outcome).len(), 1, "{text}: {:?}", reasons(&outcome));
    }
    for text in [
        format!("page_token = \"{HEX}\"\n"),
        format!("NEXT_PAGE_TOKEN={HEX}\n"),
    ] {
        let outcome = scan("config/settings.py", &text);
        assert!(outcome.findings.is_empty(), "{text}");
    }
}

#[test]
fn arns_that_name_a_secret_are_not_secrets() {
    let text =
        "SecretId: arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments-db-Xy12Ab\n";
    let outcome = scan("template.yaml", text);
    assert!(outcome.findings.is_empty(), "{:?}", found(&outcome));
    let real = scan("config.yaml", "secret: prod/payments-db-Xy12Ab\n");
    assert_eq!(found(&real).len(), 1);
}

#[test]
fn type_annotations_are_not_values() {
    let text = "export interface Options {\n  accessToken: OAuth2AccessToken;\n  apiKey?: SensitiveString;\n  password: string | undefined;\n}\n";
    let outcome = scan("src/types.ts", text);
    assert!(outcome.findings.is_empty(), "{:?}", found(&outcome));
    let real = scan("src/config.ts", &format!("  accessToken: '{TOKEN}',\n"));
    assert_eq!(found(&real), one("generic.token-assignment", TOKEN, 1));
}

#[test]
fn prose_about_a_secret_is_not_one() {
    let text = "# password: case-sensitive, at least twelve characters long\n";
    let outcome = scan("README.md", text);
    assert!(outcome.findings.is_empty(), "{:?}", found(&outcome));
    assert!(reasons(&outcome).iter().any(|r| r.contains("prose")));
}

#[test]
fn instructions_written_as_slugs_are_placeholders() {
    for text in [
        "SECRET_KEY=generate-with-openssl-rand-hex-32\n",
        "JWT_SECRET=replace-with-a-64-char-random-string\n",
        "API_TOKEN=set_me_in_the_ci_settings_page_2\n",
    ] {
        let outcome = scan(".env.example", text);
        assert!(outcome.findings.is_empty(), "{text}: {:?}", found(&outcome));
    }
}

#[test]
fn random_keys_that_hold_a_format_directive_are_secrets() {
    const KEY: &str = "=3+usz3ya4ekpxq*q(l89j%s-*50bqysyq9vg&+c=m3ue!jo3h";
    let outcome = scan("app/settings.py", &format!("SECRET_KEY = '{KEY}'\n"));
    assert_eq!(found(&outcome).len(), 1, "{:?}", reasons(&outcome));
    assert_eq!(found(&outcome)[0].1, KEY);
    for text in [
        "AUTH_HEADER_TOKEN = 'Bearer %s'\n",
        "SECRET_KEY = '%(secret_key)s'\n",
        "DATABASE_PASSWORD = \"%s\" % os.environ['PW']\n",
        "api_token = \"https://api.acme.io/v2/tokens/%s?account=%d&region=%s\"\n",
    ] {
        let outcome = scan("app/settings.py", text);
        assert!(outcome.findings.is_empty(), "{text}: {:?}", found(&outcome));
    }
}

#[test]
fn random_keys_that_hold_angle_brackets_are_secrets() {
    const SALT: &str = "Zp<4v!Qe)Km>w8N[Jt2;Xr_G+hc9f@D~yL7s^B0u|a-T}o6q`R3x{H:k5i?W1%z";
    let outcome = scan(
        "wordpress/wp-config.php",
        &format!("define( 'AUTH_SALT', '{SALT}' );\n"),
    );
    assert_eq!(found(&outcome).len(), 1, "{:?}", reasons(&outcome));
    assert_eq!(found(&outcome)[0].1, SALT);
    for text in [
        "define( 'AUTH_SALT', '<put your unique phrase here>' );\n",
        "STRIPE_SECRET_KEY=sk_live_<your-key>\n",
        "api_key: \"<%= ENV['ACME_API_KEY'] %>\"\n",
        "API_TOKEN=<API TOKEN>\n",
    ] {
        let outcome = scan("wordpress/wp-config.php", text);
        assert!(outcome.findings.is_empty(), "{text}: {:?}", found(&outcome));
    }
}

#[test]
fn private_keys_on_one_line_with_crlf_or_in_block_scalars_are_found() {
    let one_line = format!(
        "-----BEGIN RSA PRIVATE KEY-----{}-----END RSA PRIVATE KEY-----",
        BODY.concat()
    );
    let crlf = pem("PRIVATE KEY").replace('\n', "\r\n");
    let nested = pem("EC PRIVATE KEY").replace('\n', "\n          ");
    let cases = [
        (
            ".env",
            format!("APP_NAME=shop\nprivate_key={one_line}\n"),
            one_line.clone(),
            2,
        ),
        (
            "config.json",
            format!("{{\"privateKey\": \"{one_line}\"}}\n"),
            one_line.clone(),
            1,
        ),
        ("deploy/key.pem", format!("{crlf}\r\n"), crlf.clone(), 1),
        (
            "values.yaml",
            format!(
                "ingress:\r\n  tls:\r\n    key: |-\r\n      {}\r\n",
                pem("PRIVATE KEY").replace('\n', "\r\n      ")
            ),
            pem("PRIVATE KEY").replace('\n', "\r\n      "),
            4,
        ),
        (
            "charts/app/values.yaml",
            format!(
                "app:\n  secrets:\n    signing:\n        key: >-\n          {nested}\n    other: 1\n"
            ),
            nested.clone(),
            5,
        ),
    ];
    for (path, text, secret, line) in cases {
        let outcome = scan(path, &text);
        assert_eq!(
            found(&outcome),
            one("private-key.pem", &secret, line),
            "{path}: {:?}",
            reasons(&outcome)
        );
        assert_eq!(outcome.findings[0].severity, Severity::Critical, "{path}");
    }
    // Public keys and certificates stay quiet however they are wrapped.
    for text in [
        format!(
            "public_key=-----BEGIN PUBLIC KEY-----{}-----END PUBLIC KEY-----\n",
            BODY.concat()
        ),
        format!("{}\r\n", pem("CERTIFICATE").replace('\n', "\r\n")),
        format!(
            "tls:\n  crt: |\n    {}\n",
            pem("CERTIFICATE").replace('\n', "\n    ")
        ),
    ] {
        assert!(scan("config.env", &text).findings.is_empty(), "{text}");
    }
}

/// Standard base64 of `text`, as a key is encoded to fit one variable.
fn base64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn base64_encoded_private_keys_are_decoded_and_judged_as_keys() {
    let key = base64(&format!("{}\n", pem("PRIVATE KEY")));
    let rsa = base64(&pem("RSA PRIVATE KEY"));
    for (path, text, secret) in [
        (".env", format!("APP=shop\nPRIVATE_KEY_B64={key}\n"), &key),
        (
            "config/app.json",
            format!("{{\n  \"privateKey\": \"{rsa}\"\n}}\n"),
            &rsa,
        ),
    ] {
        let outcome = scan(path, &text);
        let found = found(&outcome);
        assert_eq!(found.len(), 1, "{path}: {:?}", reasons(&outcome));
        assert_eq!((found[0].1.as_str(), found[0].2), (secret.as_str(), 2));
        assert!(found[0].0.starts_with("private-key."), "{:?}", found[0]);
        let finding = &outcome.findings[0];
        assert_eq!(finding.severity, Severity::Critical);
        assert_eq!(
            finding.details.get("encrypted").map(String::as_str),
            Some("no")
        );
    }
    // After a `\n` escape in a JSON string, through a rule written in verbose mode.
    let outcome = scan(
        "ci/run.json",
        &format!("{{\"log\": \"loading the key\\n{key}\\ndone\"}}\n"),
    );
    assert_eq!(found(&outcome).len(), 1, "{:?}", reasons(&outcome));
    assert_eq!(found(&outcome)[0].1, key);
    // A traditional PEM key with a passphrase, encoded: decoded to see it is encrypted.
    let encrypted = base64(&format!(
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,9F3A1C0B7E2D4F6A8B1C3D5E7F9A0B2C\n\n{}\n-----END RSA PRIVATE KEY-----\n",
        BODY.join("\n")
    ));
    let outcome = scan(".env", &format!("SIGNING_KEY_B64={encrypted}\n"));
    assert_eq!(outcome.findings.len(), 1, "{:?}", reasons(&outcome));
    assert_eq!(outcome.findings[0].severity, Severity::High);
    assert_eq!(
        outcome.findings[0]
            .details
            .get("encrypted")
            .map(String::as_str),
        Some("yes (AES-256-CBC)")
    );
    // Public keys, certificates and elided blocks stay quiet, encoded or not, under any name.
    for block in [
        pem("PUBLIC KEY"),
        pem("CERTIFICATE"),
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n...\n-----END RSA PRIVATE KEY-----\n"
            .repeat(2),
    ] {
        let encoded = base64(&block);
        for text in [
            format!("SIGNING_KEY_B64={encoded}\n"),
            format!("{{\"privateKey\": \"{encoded}\"}}\n"),
            format!("api_secret = '{encoded}'\n"),
        ] {
            let outcome = scan("config.env", &text);
            assert!(
                outcome.findings.is_empty(),
                "{text}: {:?}",
                found(&outcome)
            );
        }
    }
}

#[test]
fn database_url_passwords_of_ordinary_strength_are_reported() {
    for (url, rule, password) in [
        (
            "postgres://app:kitty2kitty9@db.internal:5432/shop",
            "postgres.connection-uri",
            "kitty2kitty9",
        ),
        (
            "mysql://shop:m4rs3ll0m4@10.0.3.7/shop",
            "mysql.connection-uri",
            "m4rs3ll0m4",
        ),
        (
            "amqp://worker:hal9000hal@mq:5672/",
            "rabbitmq.connection-uri",
            "hal9000hal",
        ),
        (
            "redis://default:zebra77zebra@cache:6379/0",
            "redis.connection-uri",
            "zebra77zebra",
        ),
        (
            "mongodb://api:b1gb1rd99@mongo:27017/api",
            "mongodb.connection-uri",
            "b1gb1rd99",
        ),
    ] {
        let outcome = scan(".env", &format!("DATABASE_URL={url}\n"));
        assert_eq!(found(&outcome), one(rule, password, 1), "{url}");
    }
    for url in [
        "postgres://analytics:analytics@localhost:5432/analytics",
        "amqp://celery:celery@localhost:5672//",
        "postgres://app:dev@localhost/app",
        "mysql://root:password@localhost/shop",
        "redis://:guest@localhost:6379",
        "postgres://postgres:postgres@db/app",
    ] {
        let outcome = scan(".env", &format!("DATABASE_URL={url}\n"));
        assert!(outcome.findings.is_empty(), "{url}: {:?}", found(&outcome));
    }
}

#[test]
fn values_of_json_name_value_objects_are_judged_as_assignments_to_their_name() {
    for (path, text, rule, secret, line) in [
        (
            "api/Acme.postman_collection.json",
            format!(
                "{{\n  \"header\": [\n    {{ \"key\": \"X-Api-Key\", \"value\": \"{TOKEN}\" }}\n  ]\n}}\n"
            ),
            "generic.api-key-assignment",
            TOKEN,
            3,
        ),
        (
            "api/Production.postman_environment.json",
            format!(
                "  \"values\": [\n    {{ \"key\": \"adminPassword\", \"value\": \"{PASSWORD}\", \"type\": \"secret\" }}\n"
            ),
            "generic.password-assignment",
            PASSWORD,
            2,
        ),
        (
            "infra/terraform.tfstate",
            format!(
                "  \"outputs\": {{\n    \"db_password\": {{ \"value\": \"{PASSWORD}\", \"type\": \"string\" }}\n"
            ),
            "generic.password-assignment",
            PASSWORD,
            2,
        ),
    ] {
        let outcome = scan(path, &text);
        assert_eq!(found(&outcome), one(rule, secret, line), "{text}");
        let detail = outcome.findings[0].details.get("name");
        assert!(
            detail.is_some_and(|d| d.starts_with("the value of `")),
            "{text}: {detail:?}"
        );
    }
    for text in [
        "{ \"key\": \"Content-Type\", \"value\": \"application/json\" }\n".to_string(),
        "{ \"key\": \"adminPassword\", \"value\": \"{{adminPassword}}\" }\n".to_string(),
        "{ \"key\": \"apiKey\", \"value\": \"\" }\n".to_string(),
        format!("{{ \"key\": \"requestId\", \"value\": \"{TOKEN}\" }}\n"),
        format!("{{ \"name\": \"x-csrf-token\", \"value\": \"{TOKEN}\" }}\n"),
        format!("csrf_token = \"{TOKEN}\"\n"),
    ] {
        let outcome = scan("api/collection.json", &text);
        assert_eq!(found(&outcome), Vec::new(), "{text}");
    }
}

#[test]
fn passwords_without_digits_are_reported_when_case_and_symbols_mix_at_random() {
    for (path, text, secret) in [
        (
            "cache/client.go",
            "\trdb := redis.NewClient(&redis.Options{Password: \"vieRymloj%XcUFrw\"})\n",
            "vieRymloj%XcUFrw",
        ),
        (
            "deploy/ssh.py",
            "client.connect(host, username=\"deploy\", password=\"l*~nLvDR.%bgfuWXn\")\n",
            "l*~nLvDR.%bgfuWXn",
        ),
        (
            "src/main/resources/application.properties",
            "server.ssl.key-store-password=gztXiGhABzIi%hmEpN\n",
            "gztXiGhABzIi%hmEpN",
        ),
    ] {
        let outcome = scan(path, text);
        let found = found(&outcome);
        assert_eq!(found.len(), 1, "{text}: {:?}", reasons(&outcome));
        assert_eq!(found[0].1, secret, "{text}");
    }
    // Words, phrases and names without digits stay quiet.
    for text in [
        "\trdb := redis.NewClient(&redis.Options{Password: \"ChangeMeNow\"})\n",
        "server.ssl.key-store-password=my-keystore-password\n",
        "client.connect(host, password=\"Deploy.User.Password\")\n",
        "    public const string ApiKey = Constants.ApiKeyHeaderName2;\n",
        "    api_key = Settings.Default.ApiKey\n",
        "    signing_key: config.Jwt.SigningKey\n",
    ] {
        let outcome = scan("src/app.cs", text);
        assert_eq!(found(&outcome), Vec::new(), "{text}");
    }
}

#[test]
fn random_passwords_with_a_dot_are_not_dotted_names() {
    for (path, text, secret) in [
        (
            "services/geo/main.go",
            "\tdbURL := getenv(\"DATABASE_URL\", \"postgres://geo:beNhV79uQu.gOL@geo-db:5432/geo\")\n",
            "beNhV79uQu.gOL",
        ),
        (
            "docker-compose.override.yml",
            "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: vKPmdxKg5G0pT.C\n",
            "vKPmdxKg5G0pT.C",
        ),
        (
            "wordpress/wp-config.php",
            "<?php\ndefine( 'DB_PASSWORD', 'T6nrb7g.K2829Bvv9A' );\n",
            "T6nrb7g.K2829Bvv9A",
        ),
    ] {
        let outcome = scan(path, text);
        let found = found(&outcome);
        assert_eq!(found.len(), 1, "{text}: {:?}", reasons(&outcome));
        assert_eq!(found[0].1, secret, "{text}");
    }
    for text in [
        "      POSTGRES_PASSWORD: settings.db2Config.password\n",
        "      api_key: client.oauth2Client.apiKey\n",
    ] {
        let outcome = scan("docker-compose.yml", text);
        assert_eq!(found(&outcome), Vec::new(), "{text}");
    }
}

#[test]
fn a_short_random_password_that_holds_a_format_directive_is_a_secret() {
    let outcome = scan(
        "notebooks/load.py",
        "conn = connect(user=\"ANALYST\", password=\"qJaeB^H%sMz!Jdj2j\", account=\"acme\")\n",
    );
    assert_eq!(
        found(&outcome),
        one("generic.password-assignment", "qJaeB^H%sMz!Jdj2j", 1),
        "{:?}",
        reasons(&outcome)
    );
    for text in [
        "password = \"Bearer %s\"\n",
        "session_token = \"session:%s:Token42\"\n",
        "api_key = \"Api-Key-%s-v2.Live\"\n",
    ] {
        let outcome = scan("notebooks/load.py", text);
        assert_eq!(found(&outcome), Vec::new(), "{text}");
    }
}
