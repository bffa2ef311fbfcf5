//! The containers check on real project layouts in temporary directories: each problem planted
//! once, each hard negative checked to stay quiet, garbage files reported as warnings.

use std::path::Path;
use std::process::Command;

use preflight_containers::ContainersCheck;
use preflight_findings::{Check, Location, Outcome, Project, Severity};

const DB_PASSWORD: &str = "nbpcaq3LVNWB4QgNvrASMJ1T";
const SECRET_KEY: &str = "yEw5fK8tPs4otzJDIzhc6bizwL9QHaCY";
const URL_PASSWORD: &str = "7xMUKGd9XJDZUdNDwRfA3HYXS4ko";
const BUILD_TOKEN: &str = "Ht4iz1Noe3xoIODaLY7zufux521CWDQNmEZsTyy8";
const ENV_SECRET: &str = "8f6b49fb578314efc7621ae4ed0bc62d7dbfa770e8bec585a0b6ebf2f712052a";

fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, content) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, content).expect("write");
    }
    dir
}

fn run(dir: &Path) -> Outcome {
    ContainersCheck::new().run(&Project {
        root: dir.to_path_buf(),
    })
}

/// (code, path, line) of every finding, sorted.
fn found(outcome: &Outcome) -> Vec<(String, String, u32)> {
    places(outcome.findings.iter().map(|f| (&f.id, &f.location)))
}

/// (code, path, line) of every fact, sorted.
fn facts(outcome: &Outcome) -> Vec<(String, String, u32)> {
    places(outcome.facts.iter().map(|f| (&f.id, &f.location)))
}

fn places<'a>(
    items: impl Iterator<Item = (&'a String, &'a Location)>,
) -> Vec<(String, String, u32)> {
    let mut out: Vec<_> = items
        .map(|(id, l)| (id.clone(), l.path.clone(), l.line.unwrap_or(0)))
        .collect();
    out.sort();
    out
}

fn expect(outcome: &Outcome, expected: &[(&str, &str, u32)]) {
    let mut want: Vec<(String, String, u32)> = expected
        .iter()
        .map(|(c, p, l)| (c.to_string(), p.to_string(), *l))
        .collect();
    want.sort();
    assert_eq!(found(outcome), want, "warnings: {:?}", outcome.warnings);
}

/// The message of the fact of `code` at `line`.
fn fact_at(outcome: &Outcome, code: &str, line: u32) -> String {
    outcome
        .facts
        .iter()
        .find(|f| f.id == code && f.location.line == Some(line))
        .map(|f| f.message.to_string())
        .unwrap_or_else(|| panic!("no {code} fact at line {line}: {:?}", facts(outcome)))
}

fn assert_no_secret_values(outcome: &Outcome) {
    let text = format!("{:?}", outcome);
    for secret in [
        DB_PASSWORD,
        SECRET_KEY,
        URL_PASSWORD,
        BUILD_TOKEN,
        ENV_SECRET,
    ] {
        assert!(
            !text.contains(secret),
            "a secret value leaked into the outcome"
        );
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn a_compose_file_publishing_postgresql_is_reported() {
    let dir = project(&[(
        "docker-compose.yml",
        b"services:\n  db:\n    image: postgres:16.4\n    ports:\n      - 5432:5432\n",
    )]);
    let outcome = run(dir.path());
    expect(
        &outcome,
        &[("container.compose-port-published", "docker-compose.yml", 5)],
    );
    assert_eq!(outcome.findings[0].severity, Severity::High);
    assert!(outcome.findings[0].message.contains("PostgreSQL"));
    assert!(
        outcome.findings[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("127.0.0.1")
    );
}

#[test]
fn every_compose_problem_is_found_once_with_its_line() {
    let compose = format!(
        r#"x-common: &common
  restart: unless-stopped
  environment: &common-env
    JWT_SECRET: {SECRET_KEY}
    LOG_LEVEL: info

services:
  db:
    image: postgres
    environment:
      POSTGRES_PASSWORD: {DB_PASSWORD}
    ports:
      - "5432:5432"
  cache:
    image: redis:latest
    ports:
      - target: 6379
        published: "6379"
  search:
    image: elasticsearch:8.15.0
    ports:
      - "0.0.0.0:9200:9200/tcp"
  api:
    <<: *common
    build: .
    image: registry.example.com/api
    privileged: true
    cap_add: [NET_BIND_SERVICE, SYS_ADMIN]
    environment:
      - DATABASE_URL=postgres://app:{URL_PASSWORD}@db:5432/app
      - DEBUG=false
  agent:
    image: traefik:v3.1
    network_mode: host
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
  worker:
    <<: *common
    image: example/worker:2.0
"#
    );
    let dir = project(&[("docker-compose.yml", compose.as_bytes())]);
    let outcome = run(dir.path());
    let f = "docker-compose.yml";
    expect(
        &outcome,
        &[
            ("container.image-unpinned", f, 9),
            ("container.compose-secret-in-environment", f, 11),
            ("container.compose-port-published", f, 13),
            ("container.image-unpinned", f, 15),
            ("container.compose-port-published", f, 17),
            ("container.compose-port-published", f, 22),
            ("container.compose-privileged", f, 27),
            ("container.compose-capability", f, 28),
            ("container.compose-secret-in-environment", f, 30),
            ("container.compose-host-network", f, 34),
            ("container.compose-docker-socket", f, 36),
            // The worker inherits the merged environment and its secret.
            ("container.compose-secret-in-environment", f, 4),
        ],
    );
    assert_no_secret_values(&outcome);
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    // Only what passed is evidence: the pinned images, nothing about privileges or ports.
    let pinned = |line| ("container.image-unpinned".to_string(), f.to_string(), line);
    assert_eq!(facts(&outcome), vec![pinned(20), pinned(33), pinned(39)]);
}

#[test]
fn safe_compose_settings_stay_quiet() {
    let compose = br#"x-env: &env
  POSTGRES_USER: app
services:
  db:
    image: postgres:15.4
    environment:
      <<: *env
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
      POSTGRES_DB: app
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
      REDIS_PASSWORD:
      API_TOKEN: ""
    ports:
      - "127.0.0.1:5432:5432"
    expose:
      - "5432"
  cache:
    image: redis@sha256:0f3d8cc3b8ab8d5e7d1e9a5c1e3e9b7c2a4d6f8e0a1b3c5d7e9f1a3b5c7d9e1f
    ports:
      - target: 6379
        published: "6379"
        host_ip: 127.0.0.1
      - "[::1]:11211:11211"
  web:
    image: ghcr.io/example/web:1.4.2
    cap_add: [NET_BIND_SERVICE]
    privileged: false
    network_mode: bridge
    ports:
      - "443:8443"
      - "${BIND_IP:-127.0.0.1}:6379:6379"
    volumes:
      - data:/var/lib/data
      - ./static:/srv/static:ro
    environment:
      - SECRET_KEY
      - DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app
      - ACCESS_TOKEN_EXPIRE_MINUTES=60
      - STRIPE_PUBLISHABLE_KEY=pk_test_0
    env_file: .env
volumes:
  data: {}
"#;
    let dir = project(&[("compose.yaml", compose), (".env", b"SECRET_KEY=x\n")]);
    let outcome = run(dir.path());
    expect(&outcome, &[]);
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);

    // What passed is evidence at its line.
    let port = "container.compose-port-published";
    assert_eq!(
        fact_at(&outcome, port, 14),
        "service `db` publishes PostgreSQL (container port 5432) on one address only (`127.0.0.1:5432:5432`)"
    );
    assert!(fact_at(&outcome, port, 20).contains("Redis"));
    assert!(fact_at(&outcome, port, 23).contains("Memcached"));
    assert_eq!(
        fact_at(&outcome, "container.compose-secret-in-environment", 8),
        "service `db` takes `POSTGRES_PASSWORD` from a variable, not a literal"
    );
    assert_eq!(
        fact_at(&outcome, "container.image-unpinned", 25),
        "service `web` runs `ghcr.io/example/web:1.4.2`, a version tag rather than `latest`"
    );
    assert!(fact_at(&outcome, "container.image-unpinned", 18).ends_with("pinned by digest"));
    let privileges: Vec<_> = outcome
        .facts
        .iter()
        .filter(|f| f.id == "container.compose-privileged")
        .collect();
    assert_eq!(privileges.len(), 1, "{:?}", facts(&outcome));
    assert_eq!(privileges[0].location.line, None, "about the whole file");
    assert!(
        privileges[0]
            .message
            .starts_with("3 services: none is privileged")
    );

    // A database that publishes no port at all is evidence too.
    let internal = project(&[(
        "compose.yaml",
        b"services:\n  db:\n    image: postgres:16.4\n    expose: [\"5432\"]\n",
    )]);
    let outcome = run(internal.path());
    expect(&outcome, &[]);
    assert!(fact_at(&outcome, port, 3).contains("publishes no port"));
}

#[test]
fn env_file_tracked_by_git_is_reported_only_in_a_repository() {
    let compose = b"services:\n  web:\n    image: example/web:1.0\n    env_file:\n      - .env.docker\n      - path: ./config/.env.local\n        required: false\n      - .env.docker.example\n";
    let env = format!("SECRET_KEY={ENV_SECRET}\n");
    let files: &[(&str, &[u8])] = &[
        ("docker-compose.yml", compose),
        (".env.docker", env.as_bytes()),
        ("config/.env.local", b"A=1\n"),
        (".env.docker.example", b"SECRET_KEY=\n"),
    ];
    let plain = project(files);
    expect(&run(plain.path()), &[]);

    let repo = project(files);
    git(repo.path(), &["init", "-q"]);
    git(
        repo.path(),
        &[
            "add",
            "docker-compose.yml",
            ".env.docker",
            ".env.docker.example",
        ],
    );
    let outcome = run(repo.path());
    expect(
        &outcome,
        &[(
            "container.compose-env-file-tracked",
            "docker-compose.yml",
            5,
        )],
    );
    assert_no_secret_values(&outcome);
    // The env file git does not track is evidence; the tracked one is not.
    assert_eq!(
        fact_at(&outcome, "container.compose-env-file-tracked", 6),
        "service `web` reads `env_file: ./config/.env.local`, which git does not track"
    );
    assert_eq!(
        outcome
            .facts
            .iter()
            .filter(|f| f.id == "container.compose-env-file-tracked")
            .count(),
        1
    );

    // A compose file in a subdirectory names the file relative to itself.
    let nested = project(&[
        (
            "deploy/docker-compose.yml",
            b"services:\n  web:\n    image: example/web:1.0\n    env_file: ../.env.docker\n",
        ),
        (".env.docker", b"A=1\n"),
    ]);
    git(nested.path(), &["init", "-q"]);
    git(nested.path(), &["add", "."]);
    expect(
        &run(nested.path()),
        &[(
            "container.compose-env-file-tracked",
            "deploy/docker-compose.yml",
            4,
        )],
    );

    // An env file kept for local development is graded low.
    let local = project(&[
        (
            "docker-compose.yml",
            b"services:\n  web:\n    image: example/web:1.0\n    env_file: ./.envs/.local/.django\n",
        ),
        (".envs/.local/.django", b"A=1\n"),
    ]);
    git(local.path(), &["init", "-q"]);
    git(local.path(), &["add", "."]);
    let outcome = run(local.path());
    expect(
        &outcome,
        &[(
            "container.compose-env-file-tracked",
            "docker-compose.yml",
            4,
        )],
    );
    assert_eq!(outcome.findings[0].severity, Severity::Low);
}

#[test]
fn an_env_file_tracked_encrypted_is_evidence_not_a_finding() {
    let fixtures =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../preflight-env/tests/fixtures/encrypted");
    let sops = std::fs::read(fixtures.join("sops.dotenv")).unwrap();
    let git_crypt = std::fs::read(fixtures.join("git-crypt.bin")).unwrap();
    let compose = b"services:\n  web:\n    image: example/web:1.0\n    env_file:\n      - .env.production\n      - .env.shared\n      - .env.docker\n";
    let env = format!("SECRET_KEY={ENV_SECRET}\n");
    let files: &[(&str, &[u8])] = &[
        ("docker-compose.yml", compose),
        (".env.production", &sops),
        (".env.shared", &git_crypt),
        (".env.docker", env.as_bytes()),
    ];
    let repo = project(files);
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "-A"]);
    let outcome = run(repo.path());
    // Only the plain file is a finding; the encrypted ones are named as encrypted.
    expect(
        &outcome,
        &[(
            "container.compose-env-file-tracked",
            "docker-compose.yml",
            7,
        )],
    );
    assert!(
        fact_at(&outcome, "container.compose-env-file-tracked", 5).contains("encrypted with sops")
    );
    assert!(
        fact_at(&outcome, "container.compose-env-file-tracked", 6)
            .contains("encrypted with git-crypt")
    );
}

#[test]
fn development_compose_files_are_graded_low() {
    let dir = project(&[(
        "docker-compose.dev.yml",
        b"services:\n  db:\n    image: postgres:16.4\n    ports: [\"5432:5432\"]\n",
    )]);
    let outcome = run(dir.path());
    expect(
        &outcome,
        &[(
            "container.compose-port-published",
            "docker-compose.dev.yml",
            4,
        )],
    );
    assert_eq!(outcome.findings[0].severity, Severity::Low);
}

#[test]
fn multi_stage_dockerfiles_judge_the_final_stage_user() {
    let quiet = b"# syntax=docker/dockerfile:1\nFROM python:3.12-slim AS builder\nRUN pip wheel -w /wheels .\n\nFROM python:3.12-slim\nRUN useradd --system app\nCOPY --from=builder /wheels /wheels\nUSER app\nCMD [\"gunicorn\"]\n";
    let no_user = b"FROM node:22.9 AS build\nUSER node\nRUN npm ci\nFROM nginx:1.27.2\nCOPY --from=build /app/dist /usr/share/nginx/html\n";
    let root_last = b"FROM python:3.12-slim\nUSER app\nRUN echo hi\nUSER root\nCMD [\"app\"]\n";
    let inherits = b"FROM python:3.12-slim AS base\nUSER app\nFROM base AS final\nCMD [\"app\"]\n";
    let distroless = b"FROM golang:1.23 AS build\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app\n";
    let dir = project(&[
        ("quiet/Dockerfile", quiet),
        ("nouser/Dockerfile", no_user),
        ("rootlast/Dockerfile", root_last),
        ("inherits/Dockerfile", inherits),
        ("distroless/Dockerfile", distroless),
    ]);
    let outcome = run(dir.path());
    expect(
        &outcome,
        &[
            ("container.dockerfile-root-user", "nouser/Dockerfile", 4),
            ("container.dockerfile-root-user", "rootlast/Dockerfile", 4),
        ],
    );
    let users: Vec<(String, u32)> = facts(&outcome)
        .into_iter()
        .filter(|(code, _, _)| code == "container.dockerfile-root-user")
        .map(|(_, path, line)| (path, line))
        .collect();
    assert_eq!(
        users,
        [
            ("distroless/Dockerfile".to_string(), 2),
            ("inherits/Dockerfile".to_string(), 2),
            ("quiet/Dockerfile".to_string(), 8),
        ]
    );
    let quiet = outcome
        .facts
        .iter()
        .find(|f| f.location.path == "quiet/Dockerfile" && f.id == "container.dockerfile-root-user")
        .expect("the quiet Dockerfile's user");
    assert_eq!(
        quiet.message,
        "the final stage runs as `USER app`, not root"
    );
}

#[test]
fn dockerfile_secrets_in_env_and_arg() {
    let dockerfile = format!(
        "FROM python:3.12-slim\nARG NPM_TOKEN\nARG GITHUB_TOKEN={BUILD_TOKEN}\nENV DJANGO_SECRET_KEY={SECRET_KEY} \\\n    DEBUG=false\nENV DB_PASSWORD {DB_PASSWORD}\nENV API_KEY=${{API_KEY}} TOKEN_TTL=3600 PATH=/app/bin:$PATH\nENV DATABASE_URL=\"postgres://app:{URL_PASSWORD}@db/app\"\nUSER app\n"
    );
    let dir = project(&[("Dockerfile", dockerfile.as_bytes())]);
    let outcome = run(dir.path());
    expect(
        &outcome,
        &[
            ("container.dockerfile-secret-arg", "Dockerfile", 3),
            ("container.dockerfile-secret-env", "Dockerfile", 4),
            ("container.dockerfile-secret-env", "Dockerfile", 6),
            ("container.dockerfile-secret-env", "Dockerfile", 8),
        ],
    );
    assert_no_secret_values(&outcome);
}

#[test]
fn env_files_copied_into_the_image() {
    let explicit = b"FROM python:3.12-slim\nCOPY requirements.txt .env ./\nCOPY [\".env.production\", \"/app/\"]\nCOPY .env.example /app/\nUSER app\n";
    let whole = b"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nUSER app\n";
    let env = format!("SECRET_KEY={ENV_SECRET}\n");
    let dir = project(&[
        ("explicit/Dockerfile", explicit),
        ("explicit/.dockerignore", b".env*\n"),
        ("bare/Dockerfile", whole),
        ("bare/.env", env.as_bytes()),
        ("weak/Dockerfile", whole),
        ("weak/.dockerignore", b"*.pyc\n.env\n"),
        ("weak/config/.env.production", b"A=1\n"),
        ("guarded/Dockerfile", whole),
        (
            "guarded/.dockerignore",
            b"# secrets\n**/.env*\n!.env.example\n",
        ),
        ("guarded/.env", b"A=1\n"),
        ("guarded/app/.env.local", b"A=1\n"),
        ("specific/api.Dockerfile", whole),
        ("specific/api.Dockerfile.dockerignore", b".env*\n"),
        ("specific/.env", b"A=1\n"),
        (
            "subdir/Dockerfile",
            b"FROM python:3.12-slim\nCOPY config /app/config\nCOPY src/ /app/src/\nUSER app\n",
        ),
        ("subdir/config/.env", b"A=1\n"),
        ("subdir/src/main.py", b"print()\n"),
    ]);
    let outcome = run(dir.path());
    expect(
        &outcome,
        &[
            ("container.dockerfile-copies-env", "explicit/Dockerfile", 2),
            ("container.dockerfile-copies-env", "explicit/Dockerfile", 3),
            ("container.dockerfile-copies-env", "bare/Dockerfile", 3),
            ("container.dockerignore-env", "bare/Dockerfile", 3),
            ("container.dockerfile-copies-env", "weak/Dockerfile", 3),
            ("container.dockerignore-env", "weak/Dockerfile", 3),
            ("container.dockerfile-copies-env", "subdir/Dockerfile", 2),
        ],
    );
    assert_no_secret_values(&outcome);
    // The env file with a secret is graded high; the one holding none today is graded low.
    let severity = |path: &str| {
        outcome
            .findings
            .iter()
            .find(|f| f.id == "container.dockerfile-copies-env" && f.location.path == path)
            .map(|f| f.severity)
    };
    assert_eq!(severity("bare/Dockerfile"), Some(Severity::High));
    assert_eq!(severity("weak/Dockerfile"), Some(Severity::Low));
    assert_eq!(severity("explicit/Dockerfile"), Some(Severity::High));
    // A whole-context copy whose .dockerignore keeps `.env*` out is evidence at the COPY.
    let ignored: Vec<(String, u32)> = facts(&outcome)
        .into_iter()
        .filter(|(code, _, _)| code == "container.dockerignore-env")
        .map(|(_, path, line)| (path, line))
        .collect();
    assert_eq!(
        ignored,
        [
            ("guarded/Dockerfile".to_string(), 3),
            ("specific/api.Dockerfile".to_string(), 3),
        ]
    );
    let guarded = outcome
        .facts
        .iter()
        .find(|f| f.id == "container.dockerignore-env" && f.location.path == "guarded/Dockerfile")
        .expect("the guarded Dockerfile");
    assert!(
        guarded
            .message
            .ends_with("its `.dockerignore` excludes `.env*`"),
        "{}",
        guarded.message
    );
}

#[test]
fn compose_build_contexts_choose_the_dockerignore() {
    let dir = project(&[
        (
            "docker-compose.yml",
            b"services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/api/Dockerfile\n",
        ),
        ("docker/api/Dockerfile", b"FROM python:3.12-slim\nCOPY . /app\nUSER app\n"),
        (".dockerignore", b".env*\n"),
        (".env", b"A=1\n"),
    ]);
    expect(&run(dir.path()), &[]);
}

#[test]
fn build_steps_that_trust_the_network() {
    let dockerfile = b"FROM debian:12.7\nADD https://example.com/tool.tar.gz /opt/\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/ok.tar.gz /opt/\nRUN apt-get update \\\n && apt-get install -y curl \\\n && curl -fsSL https://get.example.com/install.sh | bash\nRUN <<EOF\nset -e\nsudo make install\nEOF\nRUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz && echo \"abc  /tmp/x.tgz\" | sha256sum -c -\nUSER app\n";
    let dir = project(&[("Dockerfile", dockerfile)]);
    expect(
        &run(dir.path()),
        &[
            ("container.dockerfile-add-url", "Dockerfile", 2),
            ("container.dockerfile-curl-pipe-shell", "Dockerfile", 4),
            ("container.dockerfile-sudo", "Dockerfile", 9),
        ],
    );
}

#[test]
fn unpinned_base_images() {
    let dockerfile = b"ARG PY=3.12\nFROM python AS base\nFROM base AS dev\nFROM node:latest AS assets\nFROM --platform=$BUILDPLATFORM python:${PY}-slim\nFROM scratch\nCOPY --from=base /x /x\nUSER 10001\n";
    let dir = project(&[("Dockerfile", dockerfile)]);
    expect(
        &run(dir.path()),
        &[
            ("container.image-unpinned", "Dockerfile", 2),
            ("container.image-unpinned", "Dockerfile", 4),
        ],
    );
}

#[test]
fn garbage_files_are_warnings_and_the_run_goes_on() {
    let mut bomb = String::from(
        "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for i in 1..=30 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    bomb.push_str("services:\n  web:\n    image: example/web:1.0\n    environment: *a30\n    ports: *a30\n    volumes: *a30\n");
    let mut merge_bomb = String::from("m0: &m0 {k: v}\n");
    for i in 1..=40 {
        let p = i - 1;
        merge_bomb.push_str(&format!(
            "m{i}: &m{i} {{<<: [*m{p}, *m{p}, *m{p}, *m{p}, *m{p}]}}\n"
        ));
    }
    merge_bomb.push_str("services:\n  web:\n    <<: *m40\n");
    let deep = format!("services: {}{}\n", "[".repeat(50_000), "]".repeat(50_000));
    let huge_line = format!(
        "FROM python:3.12\nRUN echo {}\nUSER app\n",
        "x".repeat(3_000_000)
    );
    let big = vec![b'a'; 10 * 1024 * 1024];
    let dir = project(&[
        (
            "bad-utf8/docker-compose.yml",
            b"services:\n  web:\n    image: \xff\xfe\n",
        ),
        ("binary/Dockerfile", b"\x00\x01\x02FROM\x00"),
        (
            "invalid/compose.yaml",
            b"services:\n  web:\n    image: [unclosed\n",
        ),
        ("bomb/docker-compose.yml", bomb.as_bytes()),
        ("mergebomb/docker-compose.yml", merge_bomb.as_bytes()),
        ("deep/docker-compose.yml", deep.as_bytes()),
        ("hugeline/Dockerfile", huge_line.as_bytes()),
        ("big/Dockerfile", &big),
        (
            "truncated/Dockerfile",
            b"FROM python:3.12\nRUN <<EOF\necho never closed",
        ),
        (
            "bad-utf8/Dockerfile",
            b"FROM python:3.12\nRUN echo \xc3\x28\nUSER app\n",
        ),
        (
            "good/docker-compose.yml",
            b"services:\n  db:\n    image: postgres:16.4\n    ports: [\"5432:5432\"]\n",
        ),
    ]);
    let outcome = run(dir.path());
    let warned = |path: &str| {
        outcome
            .warnings
            .iter()
            .any(|w| w.path.as_deref() == Some(path))
    };
    for path in [
        "bad-utf8/docker-compose.yml",
        "binary/Dockerfile",
        "invalid/compose.yaml",
        "mergebomb/docker-compose.yml",
        "big/Dockerfile",
        "truncated/Dockerfile",
        "bad-utf8/Dockerfile",
    ] {
        assert!(
            warned(path),
            "no warning for {path}: {:?}",
            outcome.warnings
        );
    }
    let line_of = |path: &str| {
        outcome
            .warnings
            .iter()
            .find(|w| w.path.as_deref() == Some(path))
            .and_then(|w| w.line)
    };
    assert_eq!(line_of("bad-utf8/docker-compose.yml"), Some(3));
    assert!(line_of("invalid/compose.yaml").is_some_and(|l| (3..=4).contains(&l)));
    assert_eq!(line_of("bad-utf8/Dockerfile"), Some(2));
    assert_eq!(line_of("truncated/Dockerfile"), Some(2));
    assert!(found(&outcome).contains(&(
        "container.compose-port-published".to_string(),
        "good/docker-compose.yml".to_string(),
        4
    )));
}

#[test]
fn compose_build_target_chooses_the_stage_that_runs() {
    let dockerfile = b"FROM python:3.12-slim AS base\nRUN useradd app\nFROM base AS production\nUSER app\nFROM base AS development\nCMD [\"run\"]\n";
    let dir = project(&[
        (
            "docker-compose.yml",
            b"services:\n  api:\n    build:\n      context: .\n      target: production\n",
        ),
        ("Dockerfile", dockerfile),
        ("other/Dockerfile", dockerfile),
    ]);
    // Built for `production`, which ends as `app`; without a target the last stage counts.
    expect(
        &run(dir.path()),
        &[("container.dockerfile-root-user", "other/Dockerfile", 5)],
    );
}

#[test]
fn images_that_step_down_from_root_themselves() {
    let dir = project(&[
        (
            "db/Dockerfile",
            b"FROM postgres:16.4\nCOPY init.sql /docker-entrypoint-initdb.d/\n",
        ),
        ("cache/Dockerfile", b"FROM redis:7.4-alpine\n"),
        (
            "proxy/Dockerfile",
            b"FROM nginx:1.27.2\nCOPY nginx.conf /etc/nginx/\n",
        ),
    ]);
    expect(
        &run(dir.path()),
        &[("container.dockerfile-root-user", "proxy/Dockerfile", 1)],
    );
}

#[test]
fn a_dockerfile_in_a_subdirectory_uses_the_nearest_dockerignore() {
    let whole = b"FROM python:3.12-slim\nCOPY . /app\nUSER app\n";
    let dir = project(&[
        ("compose/production/django/Dockerfile", whole),
        (".dockerignore", b".env*\n.envs/\n"),
        (".env", b"A=1\n"),
    ]);
    expect(&run(dir.path()), &[]);

    let bare = project(&[("compose/production/django/Dockerfile", whole)]);
    expect(
        &run(bare.path()),
        &[(
            "container.dockerignore-env",
            "compose/production/django/Dockerfile",
            2,
        )],
    );
}

#[test]
fn long_syntax_volumes_and_capabilities() {
    let compose = b"services:\n  agent:\n    image: example/agent:1.0\n    cap_add:\n      - CAP_SYS_ADMIN\n      - ALL\n    volumes:\n      - type: bind\n        source: /run/docker.sock\n        target: /var/run/docker.sock\n        read_only: true\n      - type: volume\n        source: data\n        target: /data\n";
    let dir = project(&[("compose.yaml", compose)]);
    expect(
        &run(dir.path()),
        &[
            ("container.compose-capability", "compose.yaml", 5),
            ("container.compose-capability", "compose.yaml", 6),
            ("container.compose-docker-socket", "compose.yaml", 8),
        ],
    );
}

/// The severity of the finding of `code` at `path:line`.
fn severity_at(outcome: &Outcome, code: &str, path: &str, line: u32) -> Severity {
    outcome
        .findings
        .iter()
        .find(|f| f.id == code && f.location.path == path && f.location.line == Some(line))
        .map(|f| f.severity)
        .unwrap_or_else(|| panic!("no {code} at {path}:{line}: {:?}", found(outcome)))
}

/// Laid out like django-on-docker, bakerydemo and djangoproject.com: a plain
/// `docker-compose.yml` whose web service runs Django's development server (or names
/// development settings) is a developer's setup; its literal passwords are graded low. A
/// compose file running a production server keeps them high.
#[test]
fn a_compose_file_that_runs_a_development_server_is_graded_as_development() {
    let runserver = format!(
        "services:\n  web:\n    build: ./app\n    command: python manage.py runserver 0.0.0.0:8000\n  db:\n    image: postgres:15\n    environment:\n      - POSTGRES_PASSWORD={DB_PASSWORD}\n"
    );
    let settings = format!(
        "services:\n  app:\n    image: example/app:1.0\n    environment:\n      DJANGO_SECRET_KEY: {SECRET_KEY}\n      DJANGO_SETTINGS_MODULE: bakerydemo.settings.dev\n"
    );
    let production = format!(
        "services:\n  web:\n    image: example/web:1.0\n    command: gunicorn app.wsgi:application --bind 0.0.0.0:8000\n    environment:\n      - SECRET_KEY={SECRET_KEY}\n"
    );
    let dir = project(&[
        ("dev/docker-compose.yml", runserver.as_bytes()),
        ("demo/docker-compose.yml", settings.as_bytes()),
        ("prod/docker-compose.yml", production.as_bytes()),
    ]);
    let outcome = run(dir.path());
    let code = "container.compose-secret-in-environment";
    assert_eq!(
        severity_at(&outcome, code, "dev/docker-compose.yml", 8),
        Severity::Low
    );
    assert_eq!(
        severity_at(&outcome, code, "demo/docker-compose.yml", 5),
        Severity::Low
    );
    assert_eq!(
        severity_at(&outcome, code, "prod/docker-compose.yml", 6),
        Severity::High
    );
    assert_no_secret_values(&outcome);
}

/// Laid out like linkding: compose files under `scripts/test-environments/` serve local test
/// setups; their passwords and socket mounts are graded low.
#[test]
fn compose_files_in_a_test_environments_directory_are_development() {
    let compose = format!(
        "services:\n  authelia:\n    image: authelia/authelia:4.38\n    environment:\n      - AUTHELIA_JWT_SECRET={SECRET_KEY}\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n"
    );
    let dir = project(&[(
        "scripts/test-environments/authelia-oidc/compose.yml",
        compose.as_bytes(),
    )]);
    let outcome = run(dir.path());
    assert!(!outcome.findings.is_empty());
    assert!(
        outcome.findings.iter().all(|f| f.severity == Severity::Low),
        "{:?}",
        found(&outcome)
    );
}

/// Laid out like paperless-ngx: six compose variants name one tracked `docker-compose.env`
/// template; that is one file to untrack, reported once, naming the other compose files.
#[test]
fn a_tracked_env_file_named_by_several_compose_files_is_reported_once() {
    let variant = b"services:\n  webserver:\n    image: example/paperless:2.0\n    env_file: docker-compose.env\n";
    let dir = project(&[
        ("docker/compose/docker-compose.postgres.yml", variant),
        ("docker/compose/docker-compose.sqlite.yml", variant),
        ("docker/compose/docker-compose.mariadb.yml", variant),
        (
            "docker/compose/docker-compose.env",
            b"PAPERLESS_TIME_ZONE=UTC\n",
        ),
        (
            "other/docker-compose.yml",
            b"services:\n  web:\n    image: example/web:1.0\n    env_file: .env.docker\n",
        ),
        ("other/.env.docker", b"A=1\n"),
    ]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    let outcome = run(dir.path());
    expect(
        &outcome,
        &[
            (
                "container.compose-env-file-tracked",
                "docker/compose/docker-compose.mariadb.yml",
                4,
            ),
            (
                "container.compose-env-file-tracked",
                "other/docker-compose.yml",
                4,
            ),
        ],
    );
    let kept = &outcome.findings[0];
    assert_eq!(
        kept.details["named-by"],
        "also named by docker/compose/docker-compose.postgres.yml, docker/compose/docker-compose.sqlite.yml"
    );
}

/// Laid out like getsentry/self-hosted: the services inherit `build: {context: ./sentry}`
/// through a merge key, and another service's healthcheck closes its flow sequence at the
/// key's indentation (which compose accepts). The file is read, so `sentry/Dockerfile` is
/// judged with `./sentry` as its context: the root `.env` is not in it.
#[test]
fn a_build_context_inherited_through_a_merge_key_in_a_file_compose_accepts() {
    let compose = b"x-sentry-defaults: &sentry_defaults\n  image: sentry-self-hosted-local\n  build:\n    context: ./sentry\n  command: [\"run\", \"web\"]\nservices:\n  store:\n    image: example/store:1.0\n    healthcheck:\n      test: [\n          \"CMD-SHELL\",\n          \"wget -q -O- http://store:9333/healthz\"\n      ]\n      interval: 30s\n  web:\n    <<: *sentry_defaults\n";
    let env = format!("SENTRY_SECRET_KEY={ENV_SECRET}\n");
    let dir = project(&[
        ("docker-compose.yml", compose),
        (".env", env.as_bytes()),
        (
            "sentry/Dockerfile",
            b"FROM example/sentry:25.1.0\nCOPY . /usr/src/sentry\nUSER sentry\n",
        ),
        ("sentry/entrypoint.sh", b"#!/bin/sh\n"),
        (".dockerignore", b"*.tar\n"),
    ]);
    let outcome = run(dir.path());
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    let codes: Vec<_> = found(&outcome);
    assert!(
        !codes
            .iter()
            .any(|(code, _, _)| code == "container.dockerfile-copies-env"),
        "{codes:?}"
    );
    assert_no_secret_values(&outcome);
}

/// Laid out like umami: the Dockerfile sets a dummy `DATABASE_URL` on localhost so that the
/// framework's build step loads; it names no reachable database and is graded low. The same
/// variable naming a database service stays high. Laid out like self-hosted's `vroom`: the
/// `AWS_ACCESS_KEY` of an S3-style pair is the id half; its `AWS_SECRET_KEY` is the secret.
#[test]
fn loopback_build_urls_are_low_and_access_key_ids_are_not_secrets() {
    let dockerfile = format!(
        "FROM node:22.11-alpine\nENV DATABASE_URL=postgresql://user:{URL_PASSWORD}@localhost:5432/dummy\nRUN npm run build\nUSER node\n"
    );
    let remote = format!(
        "FROM node:22.11-alpine\nENV DATABASE_URL=postgresql://app:{URL_PASSWORD}@db.internal:5432/app\nUSER node\n"
    );
    let compose = format!(
        "services:\n  vroom:\n    image: example/vroom:25.1.0\n    environment:\n      AWS_ACCESS_KEY: sentry\n      AWS_SECRET_KEY: {SECRET_KEY}\n"
    );
    let dir = project(&[
        ("build/Dockerfile", dockerfile.as_bytes()),
        ("remote/Dockerfile", remote.as_bytes()),
        ("docker-compose.yml", compose.as_bytes()),
    ]);
    let outcome = run(dir.path());
    expect(
        &outcome,
        &[
            (
                "container.compose-secret-in-environment",
                "docker-compose.yml",
                6,
            ),
            ("container.dockerfile-secret-env", "build/Dockerfile", 2),
            ("container.dockerfile-secret-env", "remote/Dockerfile", 2),
        ],
    );
    let code = "container.dockerfile-secret-env";
    assert_eq!(
        severity_at(&outcome, code, "build/Dockerfile", 2),
        Severity::Low
    );
    assert_eq!(
        severity_at(&outcome, code, "remote/Dockerfile", 2),
        Severity::High
    );
    assert_no_secret_values(&outcome);
}
