//! Hygiene findings on real repositories.

use preflight_findings::Severity;
use preflight_git::hygiene;

use crate::Repo;

fn codes_at(repo: &Repo) -> Vec<(String, String)> {
    let outcome = hygiene::check(repo.path()).expect("hygiene check runs");
    let mut found: Vec<(String, String)> = outcome
        .findings
        .iter()
        .map(|f| (f.id.clone(), f.location.path.clone()))
        .collect();
    found.sort();
    found
}

#[test]
fn files_that_must_never_be_tracked_are_reported() {
    let repo = Repo::init();
    repo.commit(
        &[
            (".env", "A=1\n"),
            ("deploy/.env.production", "A=1\n"),
            (".env.docker", "A=1\n"),
            (".env.example", "A=\n"),
            (".env.sample", "A=\n"),
            ("keys/id_rsa", "whatever\n"),
            ("certs/server.pem", "-----BEGIN PRIVATE KEY-----\nabc\n"),
            ("certs/ca.pem", "-----BEGIN CERTIFICATE-----\nabc\n"),
            (".pgpass", "db:5432:app:app:pw\n"),
            (".npmrc", "//registry/:_authToken=abc\n"),
            ("web/.npmrc", "save-exact=true\n"),
            ("README.md", "hi\n"),
        ],
        "everything",
    );
    assert_eq!(
        codes_at(&repo),
        [
            (
                "git.credentials-file-tracked".to_string(),
                ".npmrc".to_string()
            ),
            (
                "git.credentials-file-tracked".to_string(),
                ".pgpass".to_string()
            ),
            ("git.env-tracked".to_string(), ".env".to_string()),
            ("git.env-tracked".to_string(), ".env.docker".to_string()),
            (
                "git.env-tracked".to_string(),
                "deploy/.env.production".to_string()
            ),
            (
                "git.private-key-tracked".to_string(),
                "certs/server.pem".to_string()
            ),
            (
                "git.private-key-tracked".to_string(),
                "keys/id_rsa".to_string()
            ),
        ]
    );
}

#[test]
fn env_files_outside_gitignore_are_reported() {
    let repo = Repo::init();
    repo.commit(
        &[(".gitignore", ".env\nignored-dir/\n"), ("a.txt", "a\n")],
        "start",
    );
    repo.write(".env", "A=1\n");
    repo.write("services/api/.env.local", "A=1\n");
    repo.write("ignored-dir/.env.local", "A=1\n");
    repo.write("services/.env.example", "A=\n");
    assert_eq!(
        codes_at(&repo),
        [(
            "git.env-not-ignored".to_string(),
            "services/api/.env.local".to_string()
        )]
    );
}

#[test]
fn example_env_files_with_real_looking_values_are_reported() {
    let repo = Repo::init();
    repo.commit(
        &[(
            ".env.docker.example",
            "POSTGRES_PASSWORD=change-me\nOPENAI_API_KEY=Zq4T8mWv2Lx9Rk7Np3Hs6Bd1\n",
        )],
        "examples",
    );
    let outcome = hygiene::check(repo.path()).expect("runs");
    assert_eq!(outcome.findings.len(), 1);
    let finding = &outcome.findings[0];
    assert_eq!(finding.id, "git.env-example-real-value");
    assert_eq!(finding.location.path, ".env.docker.example");
    assert_eq!(finding.location.line, Some(2));
    assert!(!format!("{finding:?}").contains("Zq4T8m"));
}

/// An encrypted env file as its tool wrote it (the fixtures of the env check).
fn encrypted_fixture(name: &str) -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../preflight-env/tests/fixtures/encrypted");
    std::fs::read(dir.join(name)).expect("fixture exists")
}

/// Each tool's fixture under an env file name, and the tool a fact must name.
const ENCRYPTED: &[(&str, &str, &str)] = &[
    ("git-crypt.bin", ".env", "git-crypt"),
    ("ansible-vault.txt", ".env.vault", "ansible-vault"),
    ("age.bin", ".env.age", "age"),
    ("age-armor.txt", "deploy/.env.age", "age"),
    ("pgp-armor.txt", ".env.asc", "PGP"),
    ("pgp.bin", ".env.gpg", "PGP"),
    ("sops.dotenv", ".env.production", "sops"),
    ("sops.yaml", ".env.sops.yaml", "sops"),
    ("sops.json", ".env.sops.json", "sops"),
    ("sops.ini", ".env.sops.ini", "sops"),
    ("dotenvx.dotenv", ".env.staging", "dotenvx"),
    ("dotenv-vault.dotenv", "web/.env.vault", "dotenv-vault"),
    ("sealed-secret.yaml", ".env.sealed.yaml", "SealedSecrets"),
];

#[test]
fn tracked_encrypted_env_files_are_facts_not_findings() {
    let repo = Repo::init();
    for (fixture, name, _) in ENCRYPTED {
        repo.write(name, encrypted_fixture(fixture));
    }
    repo.commit(&[], "encrypted env files");
    let outcome = hygiene::check(repo.path()).expect("runs");
    assert_eq!(codes_at(&repo), []);
    for (_, name, tool) in ENCRYPTED {
        let fact = outcome
            .facts
            .iter()
            .find(|f| f.location.path == *name)
            .unwrap_or_else(|| panic!("{name} has a fact"));
        assert_eq!(fact.id, "git.env-tracked");
        assert!(
            fact.message.contains(&format!("encrypted with {tool} (")),
            "{}",
            fact.message
        );
    }
}

#[test]
fn a_plain_env_file_beside_its_tracked_encrypted_twin_is_still_reported() {
    let repo = Repo::init();
    repo.write(".env.production.enc", encrypted_fixture("sops.dotenv"));
    repo.commit(
        &[(".env.production", "DATABASE_URL=postgresql://app@db/app\n")],
        "both",
    );
    let outcome = hygiene::check(repo.path()).expect("runs");
    assert_eq!(
        codes_at(&repo),
        [("git.env-tracked".to_string(), ".env.production".to_string())]
    );
    assert!(
        outcome.findings[0]
            .message
            .to_string()
            .contains("beside its encrypted twin `.env.production.enc`"),
        "{}",
        outcome.findings[0].message
    );
}

#[test]
fn dotenvx_keys_beside_their_encrypted_file_are_reported() {
    let repo = Repo::init();
    repo.write(".env.production", encrypted_fixture("dotenvx.dotenv"));
    repo.commit(
        &[(
            ".env.keys",
            "DOTENV_PRIVATE_KEY_PRODUCTION=b19db1f06fc6664df85c86ef3407d6eb8df663eddafd8783aad0fca92e4d1ee0\n",
        )],
        "keys too",
    );
    let outcome = hygiene::check(repo.path()).expect("runs");
    assert_eq!(
        codes_at(&repo),
        [("git.env-tracked".to_string(), ".env.keys".to_string())]
    );
    assert!(
        outcome.findings[0]
            .message
            .to_string()
            .contains("private keys that decrypt dotenvx's encrypted env files")
    );
}

#[test]
fn git_crypt_files_are_judged_by_the_staged_blob_not_the_unlocked_work_tree() {
    // An unlocked git-crypt repository: the work tree holds the plain text, the index the
    // blob git-crypt's filter encrypted.
    let repo = Repo::init();
    repo.commit(&[("README.md", "app\n")], "start");
    repo.write(".env", encrypted_fixture("git-crypt.bin"));
    let blob = repo.git(&["hash-object", "-w", ".env"]);
    repo.write(".env", "SECRET_KEY=plain-once-unlocked\n");
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("100644,{blob},.env"),
    ]);
    assert_eq!(codes_at(&repo), []);
    // The same plain text staged as it is: reported.
    repo.git(&["add", ".env"]);
    assert_eq!(
        codes_at(&repo),
        [("git.env-tracked".to_string(), ".env".to_string())]
    );
}

#[test]
fn untracked_encrypted_env_files_need_not_be_ignored() {
    let repo = Repo::init();
    repo.commit(&[("a.txt", "a\n")], "start");
    repo.write(".env.production", encrypted_fixture("sops.dotenv"));
    repo.write(".env.shared", encrypted_fixture("git-crypt.bin"));
    repo.write(".env.local", "A=1\n");
    assert_eq!(
        codes_at(&repo),
        [("git.env-not-ignored".to_string(), ".env.local".to_string())]
    );
}

/// django-on-docker's `-sample` files, self-hosted's `.env.patch`, and a frontend `.npmrc`
/// that takes its token from the environment: none is a tracked env or credentials file; the
/// `.env` beside them and an `.npmrc` with a literal token still are.
#[test]
fn samples_patches_and_npmrc_references_are_not_tracked_secrets() {
    let repo = Repo::init();
    repo.commit(
        &[
            (".env.dev-sample", "DEBUG=1\nSECRET_KEY=change_me\n"),
            (".env.prod-sample", "DEBUG=0\nSECRET_KEY=change_me\n"),
            (".env.prod.db-sample", "POSTGRES_PASSWORD=change_me\n"),
            (
                "optional-modifications/patches/external-kafka/.env.patch",
                "--- .env\n+++ .env\n@@ -1 +1 @@\n-KAFKA=kafka\n+KAFKA=broker\n",
            ),
            (
                "src/static/dispatch/.npmrc",
                "@acme:registry=https://npm.acme.invalid/\n//npm.acme.invalid/:_authToken=${ACME_NPM_TOKEN}\n",
            ),
            (
                "web/.npmrc",
                "//npm.acme.invalid/:_authToken=\"${ACME_NPM_TOKEN}\"\n; _authToken=old\n",
            ),
            (
                "legacy/.npmrc",
                "//npm.acme.invalid/:_authToken=yZePbJaHFnQpXngIYAQf47EayTk1r8Jf7G32\n",
            ),
            (".env", "COMPOSE_PROJECT_NAME=app\n"),
        ],
        "samples",
    );
    assert_eq!(
        codes_at(&repo),
        [
            (
                "git.credentials-file-tracked".to_string(),
                "legacy/.npmrc".to_string()
            ),
            ("git.env-tracked".to_string(), ".env".to_string()),
        ]
    );
}

/// Laid out like paperless-ngx and the FastAPI template: a tracked `.env` that holds only
/// `COMPOSE_PROJECT_NAME` (or a public `VITE_API_URL`) is graded low, with the reason; one
/// that assigns a secret-named variable, even a placeholder, stays high.
#[test]
fn a_tracked_env_file_without_secret_named_variables_is_low() {
    let repo = Repo::init();
    repo.commit(
        &[
            (".env", "COMPOSE_PROJECT_NAME=paperless\n"),
            ("frontend/.env", "VITE_API_URL=http://localhost:8000\n"),
            ("backend/.env", "PROJECT_NAME=app\nSECRET_KEY=changethis\n"),
        ],
        "env files",
    );
    let outcome = hygiene::check(repo.path()).expect("hygiene check runs");
    let severity = |path: &str| {
        outcome
            .findings
            .iter()
            .find(|f| f.id == "git.env-tracked" && f.location.path == path)
            .map(|f| (f.severity, f.message.to_string()))
            .unwrap_or_else(|| panic!("no git.env-tracked for {path}"))
    };
    for path in [".env", "frontend/.env"] {
        let (level, message) = severity(path);
        assert_eq!(level, Severity::Low, "{path}");
        assert!(message.contains("no secret-named variable"), "{message}");
    }
    assert_eq!(severity("backend/.env").0, Severity::High);
}
