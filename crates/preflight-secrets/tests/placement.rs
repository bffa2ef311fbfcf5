//! Generic values in tests, cassettes, fixtures, documentation and translation catalogues are
//! reported at low, and so are identifiers alone (an AWS key id in a saved page); provider
//! keys keep their severity wherever they are. The project below is
//! laid out like the real ones these classes came from (Saleor's cassettes and plugin tests,
//! documenso's end-to-end specs and MDX docs, mealie's translation catalogues and saved pages), written to a
//! temporary directory and scanned file by file as the command line does.

use std::path::{Path, PathBuf};

use preflight_findings::{LocationKind, Outcome, Severity};
use preflight_rules::RuleSet;
use preflight_secrets::placement::lower_examples;
use preflight_secrets::{ScanConfig, Scanner, Scratch};

const TOKEN: &str = "8DbX2OO3igBd65PUv0GW1THTFfH4NC6p";
const PASSWORD: &str = "tztyftlLiNpUk7SiH5bO";
const APP_TOKEN: &str = "tGhGJ7OmENsEhshzXxmKvV8wZkXupZlXzczxtmAJ";
const ADYEN_KEY: &str = "AQE2zT8iwOqXJshWIjz3d8PBSlyPdmP5DavhDrex8M5a4ie1u3t5xqxB6Bji5MbM73v=-ATPw4HGqwRC9aNGYa90XQiux74yKg8MQAtUVMQqo=-zyvPGC984bBL";
const DOC_TOKEN: &str = "3y1oEERoRalCtLu6nw9DTZPK";
const LOCAL_PASSWORD: &str = "oCFyr2Z6U6T5KxGugP8CP66H27Mdir";
const KEY_ID: &str = "AKIAJ7QRMTGMZGN3B6O3";

/// A directory under the system's temporary directory, removed when dropped.
struct TempProject(PathBuf);

impl TempProject {
    fn new(files: &[(&str, String)]) -> TempProject {
        let root = std::env::temp_dir().join(format!(
            "preflight-placement-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        TempProject(root)
    }
}

impl Drop for TempProject {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Scans every file of the project and applies the placement policy, as `check` does.
fn check(project: &TempProject) -> Outcome {
    let scanner = Scanner::new(&RuleSet::builtin().unwrap(), &ScanConfig::default());
    let mut files = Vec::new();
    files_under(&project.0, &mut files);
    let mut outcome = Outcome::default();
    let mut scratch = Scratch::default();
    for file in files {
        let shown = file
            .strip_prefix(&project.0)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(&file).unwrap();
        scanner.scan_blob(
            &shown,
            LocationKind::File,
            &bytes,
            &mut scratch,
            &mut outcome,
        );
    }
    lower_examples(&mut outcome.findings);
    outcome
}

/// (rule, path, severity) of every finding, sorted.
fn found(outcome: &Outcome) -> Vec<(String, String, Severity)> {
    let mut out: Vec<_> = outcome
        .findings
        .iter()
        .map(|f| (f.id.clone(), f.location.path.clone(), f.severity))
        .collect();
    out.sort();
    out
}

fn row(id: &str, path: &str, severity: Severity) -> (String, String, Severity) {
    (id.to_string(), path.to_string(), severity)
}

#[test]
fn generic_values_in_tests_docs_and_catalogues_are_low_and_provider_keys_are_not() {
    let project = TempProject::new(&[
        (
            "saleor/app/tests/cassettes/test_install_app.yaml",
            format!(
                "interactions:\n- request:\n    body: null\n    headers:\n      auth_token: {TOKEN}\n"
            ),
        ),
        (
            "saleor/payment/gateways/adyen/tests/cassettes/test_capture.yaml",
            format!(
                "interactions:\n- request:\n    headers:\n      X-API-Key:\n      - {ADYEN_KEY}\n"
            ),
        ),
        (
            "packages/app-tests/e2e/user/password.spec.ts",
            format!(
                "test('change password', async () => {{\n  const password = '{PASSWORD}';\n}});\n"
            ),
        ),
        (
            "apps/docs/content/developers/webhooks/events.mdx",
            format!("```json\n{{\n  \"token\": \"{DOC_TOKEN}\"\n}}\n```\n"),
        ),
        (
            "frontend/lang/messages/da-DK.json",
            "{\n  \"user\": {\n    \"confirm-password\": \"Bekræft adgangskode\"\n  }\n}\n"
                .to_string(),
        ),
        (
            "tests/data/html/pepperoni-pizza.html",
            format!(
                "<a href=\"https://shop.example.com/dp/B0061SWV8Y?SubscriptionId={KEY_ID}&amp;tag=x\">knife</a>\n"
            ),
        ),
        (
            ".envs/.local/.postgres",
            format!("POSTGRES_HOST=postgres\nPOSTGRES_PASSWORD={LOCAL_PASSWORD}\n"),
        ),
        (
            ".envs/.production/.postgres",
            format!("POSTGRES_HOST=postgres\nPOSTGRES_PASSWORD={LOCAL_PASSWORD}\n"),
        ),
        (
            "saleor/plugins/slack/client.py",
            format!("SLACK_TOKEN = \"{APP_TOKEN}\"\n"),
        ),
    ]);
    let outcome = check(&project);
    let found = found(&outcome);
    assert!(
        found.contains(&row(
            "adyen.api-key",
            "saleor/payment/gateways/adyen/tests/cassettes/test_capture.yaml",
            Severity::Critical
        )),
        "{found:?}"
    );
    let application: Vec<_> = found
        .iter()
        .filter(|(_, path, _)| {
            path == "saleor/plugins/slack/client.py" || path == ".envs/.production/.postgres"
        })
        .collect();
    assert!(
        !application.is_empty() && application.iter().all(|(_, _, s)| *s > Severity::Low),
        "{found:?}"
    );
    for path in [
        "saleor/app/tests/cassettes/test_install_app.yaml",
        "packages/app-tests/e2e/user/password.spec.ts",
        "apps/docs/content/developers/webhooks/events.mdx",
        "tests/data/html/pepperoni-pizza.html",
        ".envs/.local/.postgres",
    ] {
        let here: Vec<_> = found.iter().filter(|(_, p, _)| p == path).collect();
        assert!(!here.is_empty(), "nothing found in {path}: {found:?}");
        assert!(
            here.iter().all(|(_, _, s)| *s <= Severity::Low),
            "{path}: {found:?}"
        );
    }
    assert!(
        found
            .iter()
            .filter(|(_, p, _)| p.starts_with("frontend/lang/"))
            .all(|(_, _, s)| *s <= Severity::Low),
        "{found:?}"
    );
    let lowered = outcome
        .findings
        .iter()
        .find(|f| f.location.path.ends_with("password.spec.ts"))
        .unwrap();
    assert!(lowered.details["placement"].contains("test"));
}

#[test]
fn passwords_of_services_on_this_machine_are_low_and_remote_ones_are_not() {
    // Laid out like Saleor's settings and documenso's CI workflow: default URLs to local
    // services, beside one to a real host.
    let project = TempProject::new(&[
        (
            "saleor/settings.py",
            format!(
                "DATABASE_URL = os.environ.get('DATABASE_URL', 'postgres://saleor:{LOCAL_PASSWORD}@localhost:5432/saleor')\n\
                 CACHE_URL = 'redis://:{LOCAL_PASSWORD}@127.0.0.1:6379/1'\n"
            ),
        ),
        (
            ".github/workflows/e2e-tests.yml",
            format!("env:\n  DATABASE_URL: postgresql://ci:{LOCAL_PASSWORD}@[::1]:5432/ci\n"),
        ),
        (
            "deploy/settings.py",
            format!(
                "DATABASE_URL = 'postgres://saleor:{LOCAL_PASSWORD}@db.prod.internal.example:5432/saleor'\n"
            ),
        ),
    ]);
    let outcome = check(&project);
    let severities: Vec<(String, Severity)> = outcome
        .findings
        .iter()
        .map(|f| (f.location.path.clone(), f.severity))
        .collect();
    assert!(
        severities.contains(&("deploy/settings.py".to_string(), Severity::High))
            || severities.contains(&("deploy/settings.py".to_string(), Severity::Critical)),
        "{severities:?}"
    );
    let local: Vec<_> = severities
        .iter()
        .filter(|(path, _)| path != "deploy/settings.py")
        .collect();
    assert_eq!(local.len(), 3, "{severities:?}");
    assert!(
        local.iter().all(|(_, s)| *s == Severity::Low),
        "{severities:?}"
    );
    assert!(
        outcome
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Low)
            .all(|f| f.details["placement"].contains("localhost"))
    );
}

#[test]
fn keys_in_web_pages_saved_as_test_data_are_low_and_in_code_they_are_not() {
    // Laid out like mealie's scraper tests: recipe pages saved from public sites, whose image
    // links carry the site's own Azure SAS signatures.
    let sas = "https://recipes.blob.core.windows.net/img/jam.jpg?sp=r&st=2024-01-01&se=2031-01-01&spr=https&sv=2022-11-02&sr=b&sig=w%2Bpf55ce6vRq414SZ5mSYD0SEUjWedhfhlPzAvhquOo%3D";
    let project = TempProject::new(&[
        (
            "tests/data/html/jam-roly-poly.html",
            format!("<html><body><img src=\"{sas}\"></body></html>\n"),
        ),
        ("app/storage.py", format!("IMAGE_URL = \"{sas}\"\n")),
    ]);
    let outcome = check(&project);
    let found = found(&outcome);
    let page: Vec<_> = found
        .iter()
        .filter(|(_, p, _)| p.ends_with(".html"))
        .collect();
    let code: Vec<_> = found
        .iter()
        .filter(|(_, p, _)| p == "app/storage.py")
        .collect();
    assert!(!page.is_empty() && !code.is_empty(), "{found:?}");
    assert!(
        page.iter().all(|(_, _, s)| *s == Severity::Low),
        "{found:?}"
    );
    assert!(code.iter().all(|(_, _, s)| *s > Severity::Low), "{found:?}");
    let saved = outcome
        .findings
        .iter()
        .find(|f| f.location.path.ends_with(".html"))
        .unwrap();
    assert!(saved.details["placement"].contains("saved"));
}
