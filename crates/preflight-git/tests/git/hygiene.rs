//! Hygiene findings on real repositories.

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
