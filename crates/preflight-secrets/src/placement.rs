//! Where a finding sits, and what that says about a value with no format of its own.
//!
//! A generic rule (a password, token or key assigned to a name) cannot tell a credential from
//! a fixture by the value: both are random strings. The path can. A value in a test, a
//! recorded HTTP cassette, a fixture, documentation, a translation catalogue, a minified
//! third-party bundle or a developer's local configuration is almost always an example, so
//! such findings are reported at `low`: still listed with `--min-severity low`, never failing
//! a gate set at medium. A rule with a provider's own format (an Adyen or Stripe key) keeps
//! its severity wherever its value sits: a real key in a cassette is still a real key. An
//! identifier alone (an AWS key id, an OAuth client id) is no credential, and is judged like
//! a formatless value.
//!
//! The judgement is made on findings once they are built (working tree and history alike,
//! after history findings take their own id), so the scan loop never looks at paths.

use preflight_findings::{Finding, Severity};

/// The kind of file a path names, when it is one where values are examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Tests, end-to-end tests, fixtures, test data, recorded cassettes, stories.
    Test,
    /// Documentation: a docs directory, Markdown, MDX, reStructuredText, AsciiDoc.
    Documentation,
    /// A translation catalogue: its strings are words, not credentials.
    Translation,
    /// Minified or vendored third-party code.
    ThirdParty,
    /// Configuration for a developer's machine only: `.devcontainer/`, `.envs/.local/`.
    Development,
}

impl Placement {
    /// What the finding's `placement` detail says.
    pub fn describe(self) -> &'static str {
        match self {
            Placement::Test => "a test, fixture or recorded cassette: values there are test data",
            Placement::Documentation => "documentation: values there are examples",
            Placement::Translation => "a translation catalogue: values there are words",
            Placement::ThirdParty => "minified or vendored third-party code",
            Placement::Development => {
                "local development configuration: values there are for a developer's machine"
            }
        }
    }
}

/// Directory names that hold tests or their data (compared lowercase).
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "spec",
    "specs",
    "e2e",
    "testdata",
    "fixtures",
    "__fixtures__",
    "cassettes",
    "__mocks__",
    "__snapshots__",
    "stories",
    "storybook",
];

/// Directory names that hold documentation (compared lowercase).
const DOC_DIRS: &[&str] = &["docs", "doc", "documentation"];

/// Extensions of documentation files (compared lowercase).
const DOC_EXTENSIONS: &[&str] = &["md", "mdx", "markdown", "rst", "adoc"];

/// Directory names that hold translation catalogues (compared lowercase).
const TRANSLATION_DIRS: &[&str] = &[
    "locale",
    "locales",
    "lang",
    "langs",
    "i18n",
    "l10n",
    "intl",
    "translations",
];

/// Extensions of catalogue files inside a translation directory (compared lowercase).
const CATALOGUE_EXTENSIONS: &[&str] = &["json", "yml", "yaml", "po", "properties", "xlf", "arb"];

/// Extensions that are catalogues wherever they are.
const TRANSLATION_EXTENSIONS: &[&str] = &["po", "pot", "xlf", "xliff"];

/// Directory names of configuration for a developer's machine (compared lowercase): a dev
/// container's, and the `.local` profile beside `.production` (cookiecutter-django's
/// `.envs/.local/`).
const DEVELOPMENT_DIRS: &[&str] = &[".devcontainer", ".local"];

/// Directory names of vendored third-party code (compared lowercase).
const VENDOR_DIRS: &[&str] = &[
    "vendor",
    "vendored",
    "dist",
    "third_party",
    "third-party",
    "node_modules",
];

/// The placement of `path` (relative, `/`-separated, as findings locate files), if values there
/// are examples.
pub fn of_path(path: &str) -> Option<Placement> {
    let lower = path.replace('\\', "/").to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split('/').filter(|p| !p.is_empty()).collect();
    let name = parts.pop()?;
    let extension = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if is_test_file(name) || parts.iter().any(|d| is_test_dir(d)) {
        return Some(Placement::Test);
    }
    if name.ends_with(".min.js") || parts.iter().any(|d| VENDOR_DIRS.contains(d)) {
        return Some(Placement::ThirdParty);
    }
    if TRANSLATION_EXTENSIONS.contains(&extension)
        || (CATALOGUE_EXTENSIONS.contains(&extension)
            && parts.iter().any(|d| TRANSLATION_DIRS.contains(d)))
    {
        return Some(Placement::Translation);
    }
    if DOC_EXTENSIONS.contains(&extension) || parts.iter().any(|d| DOC_DIRS.contains(d)) {
        return Some(Placement::Documentation);
    }
    if parts.iter().any(|d| DEVELOPMENT_DIRS.contains(d)) {
        return Some(Placement::Development);
    }
    None
}

/// A directory of tests: a known name, or one that says test (`test-environments`,
/// `integration_tests`, `api-fixtures`).
fn is_test_dir(dir: &str) -> bool {
    TEST_DIRS.contains(&dir)
        || ["test_", "test-", "tests_", "tests-"]
            .iter()
            .any(|p| dir.starts_with(p))
        || [
            "_test",
            "-test",
            "_tests",
            "-tests",
            "_fixtures",
            "-fixtures",
        ]
        .iter()
        .any(|s| dir.ends_with(s))
}

/// A test file by its name: `test_x.py`, `x_test.go`, `x.test.ts`, `x.spec.js`, `x_spec.rb`,
/// `conftest.py`, `XTest.java`, `x.stories.tsx`.
fn is_test_file(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    name == "conftest.py"
        || (stem.starts_with("test_") && name.ends_with(".py"))
        || stem.ends_with("_test")
        || stem.ends_with("_spec")
        || stem.ends_with("test") && name.ends_with(".java")
        || stem.ends_with("tests") && name.ends_with(".java")
        || stem.ends_with("test") && name.ends_with(".kt")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.contains(".stories.")
}

/// Rule families whose values have no format of their own: the generic assignments, and
/// credentials found by where they sit (a PEM block, a connection URL's password, a settings
/// key, a password hash, a JWT, an HTTP `Authorization` header).
const FORMATLESS_FAMILIES: &[&str] = &[
    "generic",
    "private-key",
    "password-hash",
    "postgres",
    "mysql",
    "url",
    "http",
    "django",
    "jwt",
];

/// Endings of rule ids that find an identifier alone (an AWS key id, an OAuth client id):
/// not a working credential by itself, so in a test or a document it is test data, whatever
/// its provider. With its secret near it, the pair rule reports both, and keeps its severity.
const IDENTIFIER_SUFFIXES: &[&str] = &[
    ".access-key-id",
    ".access-id",
    ".secret-id",
    ".client-id",
    ".app-id",
    ".application-id",
];

/// Whether the rule `rule_id` finds values with no format of their own, or identifiers alone,
/// so that where they sit decides what they are.
pub fn is_formatless(rule_id: &str) -> bool {
    let family = rule_id.split('.').next().unwrap_or(rule_id);
    FORMATLESS_FAMILIES.contains(&family)
        || IDENTIFIER_SUFFIXES.iter().any(|s| rule_id.ends_with(s))
}

/// What the `placement` detail says of a web page saved into test data.
const SAVED_PAGE: &str = "a web page saved into test data: what it holds was served to every visitor of that site, not issued to this project";

/// Whether `path` is a web page saved into tests or fixtures (`tests/data/html/recipe.html`),
/// as scrapers and parsers keep them: anything in it was public on the site it came from.
fn is_saved_page(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    (lower.ends_with(".html") || lower.ends_with(".htm")) && of_path(path) == Some(Placement::Test)
}

/// Lowers to `low` every secret finding of a formatless rule that sits in a test, fixture,
/// documentation, translation or third-party file, and every secret finding in a web page
/// saved into test data, saying why in its `placement` detail. History findings are judged by
/// the rule that found them (their `rule-id` detail).
pub fn lower_examples(findings: &mut [Finding]) {
    for finding in findings.iter_mut() {
        if finding.secret.is_none() || finding.severity <= Severity::Low {
            continue;
        }
        if is_saved_page(&finding.location.path) {
            finding.severity = Severity::Low;
            finding
                .details
                .insert("placement".to_string(), SAVED_PAGE.to_string());
            continue;
        }
        let rule = finding
            .details
            .get("rule-id")
            .map_or(finding.id.as_str(), String::as_str);
        if !is_formatless(rule) {
            continue;
        }
        if let Some(placement) = of_path(&finding.location.path) {
            finding.severity = Severity::Low;
            finding
                .details
                .insert("placement".to_string(), placement.describe().to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use preflight_findings::{Location, LocationKind, Redacted};

    use super::*;

    #[test]
    fn tests_fixtures_and_cassettes_are_test_placements() {
        for path in [
            "saleor/app/tests/cassettes/test_app/test_install.yaml",
            "packages/app-tests/e2e/user/password.spec.ts",
            "src/paperless_mail/tests/test_mail.py",
            "hc/integrations/signal/test_notify.py",
            "pkg/auth/token_test.go",
            "web/src/__tests__/login.tsx",
            "src/components/Login.test.jsx",
            "scripts/test-environments/authelia-oidc/authelia/configuration.yml",
            "tests/data/html/recipe.html",
            "app/fixtures/users.json",
            "pkg/testdata/config.yaml",
            "saleor/plugins/openid_connect/tests/conftest.py",
            "src/test/java/com/example/AuthTest.java",
            "spec/models/user_spec.rb",
            "src/stories/SiteSettings.stories.tsx",
        ] {
            assert_eq!(of_path(path), Some(Placement::Test), "{path}");
        }
    }

    #[test]
    fn documentation_translations_and_bundles_have_their_placements() {
        for (path, placement) in [
            (
                "docs/installation/1-postgresql.md",
                Placement::Documentation,
            ),
            (
                "apps/docs/content/webhooks/events.mdx",
                Placement::Documentation,
            ),
            ("README.md", Placement::Documentation),
            ("docs/local-development.rst", Placement::Documentation),
            ("docs/conf.py", Placement::Documentation),
            ("public/intl/messages/cs-CZ.json", Placement::Translation),
            ("frontend/lang/messages/da-DK.json", Placement::Translation),
            ("locale/de/LC_MESSAGES/django.po", Placement::Translation),
            (
                "static/dist/graphiql/graphiql.min.js",
                Placement::ThirdParty,
            ),
            ("vendored/authorizenet/setup.py", Placement::ThirdParty),
            (
                "netbox/project-static/dist/graphiql.js",
                Placement::ThirdParty,
            ),
            (".envs/.local/.postgres", Placement::Development),
            (".devcontainer/backend.env", Placement::Development),
        ] {
            assert_eq!(of_path(path), Some(placement), "{path}");
        }
    }

    #[test]
    fn application_code_and_configuration_have_no_placement() {
        for path in [
            "saleor/settings.py",
            "src/dispatch/plugins/dispatch_slack/models.py",
            ".env",
            "docker-compose.yml",
            "config/production.yaml",
            "apps/web/pages/api/auth/[...nextauth].ts",
            "src/latest/handler.py",
            "contest/app.py",
            "frontend/lang/messages.ts",
            "src/testimonials/views.py",
            ".envs/.production/.django",
            "local/settings.py",
        ] {
            assert_eq!(of_path(path), None, "{path}");
        }
    }

    #[test]
    fn formatless_rules_are_the_generic_and_positional_families() {
        assert!(is_formatless("generic.password-assignment"));
        assert!(is_formatless("private-key.pem"));
        assert!(is_formatless("postgres.connection-uri"));
        assert!(!is_formatless("adyen.api-key"));
        assert!(is_formatless("aws.access-key-id"));
        assert!(!is_formatless("aws.access-key"));
        assert!(!is_formatless("azure.sas-token"));
        assert!(!is_formatless("stripe.secret-key"));
    }

    fn secret_at(id: &str, path: &str, severity: Severity) -> Finding {
        let location = Location {
            kind: LocationKind::File,
            path: path.to_string(),
            line: Some(3),
            column: Some(1),
        };
        // preflight:allow (synthetic value)
        Finding::secret(
            id,
            severity,
            "m",
            location,
            Redacted::from_bytes(b"q8Zr2LwX0pTe5Vn"),
        )
    }

    #[test]
    fn generic_findings_in_tests_are_lowered_and_provider_findings_kept() {
        let mut findings = vec![
            secret_at(
                "generic.token-assignment",
                "app/tests/cassettes/a.yaml",
                Severity::Medium,
            ),
            secret_at(
                "adyen.api-key",
                "app/tests/cassettes/a.yaml",
                Severity::Critical,
            ),
            secret_at(
                "generic.token-assignment",
                "app/plugins/slack.py",
                Severity::Medium,
            ),
            secret_at("git.secret-in-history", "docs/api.md", Severity::High)
                .with_detail("rule-id", "generic.api-key-assignment"),
            secret_at("git.secret-in-history", "tests/test_pay.py", Severity::High)
                .with_detail("rule-id", "stripe.secret-key"),
        ];
        lower_examples(&mut findings);
        let severities: Vec<Severity> = findings.iter().map(|f| f.severity).collect();
        assert_eq!(
            severities,
            [
                Severity::Low,
                Severity::Critical,
                Severity::Medium,
                Severity::Low,
                Severity::High
            ]
        );
        assert!(findings[0].details["placement"].contains("test"));
        assert!(!findings[1].details.contains_key("placement"));
        assert!(findings[3].details["placement"].contains("documentation"));
    }

    #[test]
    fn findings_without_a_secret_are_left_alone() {
        let location = Location {
            kind: LocationKind::File,
            path: "tests/.env".to_string(),
            line: None,
            column: None,
        };
        let mut findings = vec![Finding::new(
            "generic.check",
            Severity::High,
            "m",
            location,
            "k",
        )];
        lower_examples(&mut findings);
        assert_eq!(findings[0].severity, Severity::High);
    }
}
