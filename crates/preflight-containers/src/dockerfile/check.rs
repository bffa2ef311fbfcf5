//! What is wrong in a parsed Dockerfile.
//!
//! Stages are followed so that only the final stage's user counts, and a final stage built
//! `FROM` an earlier one inherits that stage's `USER`. `COPY`/`ADD` sources are judged against
//! the build context on disk and its `.dockerignore`; sources taken `--from` another stage or
//! image are not in the context and are skipped.
//!
//! What passes is kept as facts, the checklist's evidence: the user the run stage ends as, a
//! `.dockerignore` that keeps `.env*` out of a whole-context copy, pinned base images.

use std::path::Path;
use std::sync::LazyLock;

use preflight_findings::{Fact, Finding, Warning};
use regex::Regex;

use super::parse::{Dockerfile, Instruction, json_form, words};
use crate::codes::{
    DOCKERFILE_ADD_URL, DOCKERFILE_COPIES_ENV, DOCKERFILE_CURL_PIPE_SHELL, DOCKERFILE_ROOT_USER,
    DOCKERFILE_SECRET_ARG, DOCKERFILE_SECRET_ENV, DOCKERFILE_SUDO, DOCKERIGNORE_ENV,
    IMAGE_UNPINNED,
};
use crate::context::{self, EnvFiles};
use crate::dockerignore::DockerIgnore;
use crate::emit::Emitter;
use crate::names::{self, Pin};

/// A download (`curl`, `wget`) piped into a shell, possibly through `sudo`.
static CURL_PIPE_SHELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:/usr)?(?:/bin/)?(?:ba|z|da|k)?sh\b",
    )
    .expect("valid pattern")
});

/// `sh -c "$(curl ...)"` and the like.
static SHELL_OF_DOWNLOAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b(?:ba|z|da|k)?sh\s+-c\s+["']?\$\(\s*(?:curl|wget)\b"#).expect("valid pattern")
});

/// `sudo` as a command.
static SUDO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[;&|(`])\s*sudo\s").expect("valid pattern"));

/// Base images that run as a user other than root unless told otherwise.
const NON_ROOT_BASES: &[&str] = &["nonroot", "unprivileged", "rootless", "bitnami/"];

/// Official images whose entrypoint steps down to their own user before starting the server.
const STEP_DOWN_IMAGES: &[&str] = &[
    "postgres",
    "postgis",
    "redis",
    "mysql",
    "mariadb",
    "mongo",
    "rabbitmq",
    "memcached",
    "elasticsearch",
    "opensearch",
    "couchdb",
];

/// Why an env file copied into an image is graded low.
const NO_SECRET_NAMED: &str = "it holds no secret-named value today";

/// Where a Dockerfile is built from.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The Dockerfile as shown in findings.
    pub shown: &'a str,
    /// The Dockerfile on disk.
    pub dockerfile: &'a Path,
    /// The build context directory.
    pub context: &'a Path,
    /// Whether the file only serves development.
    pub development: bool,
    /// The stage that is run (compose `build.target`); the last stage when `None`.
    pub target: Option<&'a str>,
}

#[derive(Debug, Default)]
struct Stage {
    name: Option<String>,
    base: String,
    from_line: u32,
    user: Option<(String, u32)>,
}

/// What one Dockerfile yields.
#[derive(Debug, Default)]
pub struct Checked {
    /// The findings.
    pub findings: Vec<Finding>,
    /// What passed, as evidence (none for a development file).
    pub facts: Vec<Fact>,
    /// Problems reading the file or its `.dockerignore`.
    pub warnings: Vec<Warning>,
}

/// Findings, facts and warnings for one Dockerfile.
pub fn check(file: &Dockerfile, ctx: &Context<'_>) -> Checked {
    let mut emit = Emitter::new(ctx.shown, ctx.development);
    let mut warnings: Vec<Warning> = file
        .problems
        .iter()
        .map(|p| Warning::at_line(ctx.shown, p.line, p.message.clone()))
        .collect();
    let ignore = DockerIgnore::load(ctx.context, ctx.dockerfile);
    if let Some(ignore) = &ignore {
        for line in &ignore.invalid {
            warnings.push(Warning::at_line(
                ignore.path.display().to_string(),
                *line,
                "the pattern is not a valid glob and was skipped",
            ));
        }
    }
    let mut stages: Vec<Stage> = Vec::new();
    let mut whole_context_copy: Option<u32> = None;
    let mut env_files: Option<EnvFiles> = None;
    for ins in &file.instructions {
        match ins.keyword.as_str() {
            "FROM" => stages.push(from(ins, &stages, &mut emit)),
            "USER" => {
                if let Some(stage) = stages.last_mut() {
                    let user = words(&ins.args).into_iter().next().unwrap_or_default();
                    stage.user = Some((user, ins.line));
                }
            }
            "ENV" => env(ins, &mut emit),
            "ARG" => arg(ins, &mut emit),
            "COPY" | "ADD" => {
                let whole = copy(ins, ctx, ignore.as_ref(), &mut env_files, &mut emit);
                if whole && whole_context_copy.is_none() {
                    whole_context_copy = Some(ins.line);
                }
            }
            "RUN" => run(ins, &mut emit),
            _ => {}
        }
    }
    if let Some(line) = whole_context_copy
        && let Some(ignore) = &ignore
        && ignore.excludes_env_files()
    {
        let name = ignore
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        emit.fact(
            DOCKERIGNORE_ENV,
            Some(line),
            format!(
                "copies the whole build context ({}), and its `{name}` excludes `.env*`",
                shown_context(ctx)
            ),
        );
    } else if let Some(line) = whole_context_copy {
        let what = match &ignore {
            Some(_) => "its .dockerignore does not exclude `.env*`",
            None => "it has no .dockerignore",
        };
        emit.push(
            DOCKERIGNORE_ENV,
            Some(line),
            "context",
            format!(
                "copies the whole build context ({}), and {what}: any .env file present at build time goes into the image",
                shown_context(ctx)
            ),
            "add `.env*` (and `**/.env*`) to .dockerignore, keeping `!.env.example` if the image needs it; the guides keep .env and .env.docker out of every artifact",
        );
    }
    let run_stage = ctx
        .target
        .map(str::to_ascii_lowercase)
        .and_then(|t| {
            stages
                .iter()
                .find(|s| s.name.as_deref() == Some(t.as_str()))
        })
        .or(stages.last());
    if let Some(stage) = run_stage {
        root_user(stage, &stages, &mut emit);
    }
    Checked {
        findings: emit.findings,
        facts: emit.facts,
        warnings,
    }
}

/// The build context as a message shows it: relative to the project root (found from where
/// the Dockerfile is and how it is shown), or "the project root" itself.
fn shown_context(ctx: &Context<'_>) -> String {
    let depth = ctx.shown.split('/').count();
    let root = ctx.dockerfile.ancestors().nth(depth);
    match root.and_then(|root| ctx.context.strip_prefix(root).ok()) {
        Some(rel) if rel.as_os_str().is_empty() => "the project root".to_string(),
        Some(rel) => format!("`{}/`", rel.to_string_lossy().replace('\\', "/")),
        None => context::shown_dir(ctx.context),
    }
}

fn from(ins: &Instruction, stages: &[Stage], emit: &mut Emitter<'_>) -> Stage {
    let parts: Vec<String> = words(&ins.args)
        .into_iter()
        .filter(|w| !w.starts_with("--"))
        .collect();
    let base = parts.first().cloned().unwrap_or_default();
    let name = match parts.as_slice() {
        [_, kw, name, ..] if kw.eq_ignore_ascii_case("as") => Some(name.to_ascii_lowercase()),
        _ => None,
    };
    let lower = base.to_ascii_lowercase();
    let is_stage = stages.iter().any(|s| s.name.as_deref() == Some(&lower));
    if !is_stage && lower != "scratch" {
        let pin = names::image_pin(&base);
        if matches!(pin, Pin::NoTag | Pin::Latest) {
            let what = if pin == Pin::Latest {
                "the `latest` tag"
            } else {
                "no tag"
            };
            emit.push(
                IMAGE_UNPINNED,
                Some(ins.line),
                &format!("from:{lower}"),
                format!("`FROM {base}` uses {what}, so each build may start from a different, unreviewed image"),
                "pin a version tag (`python:3.12.7-slim`) or a digest (`@sha256:...`) and update it on purpose",
            );
        } else if pin == Pin::Pinned {
            emit.fact(
                IMAGE_UNPINNED,
                Some(ins.line),
                format!("`FROM {base}`, {}", names::pin_kind(&base)),
            );
        }
    }
    Stage {
        name,
        base: lower,
        from_line: ins.line,
        user: None,
    }
}

/// The user a stage ends as: its own last `USER`, else the one of the stage it is built from.
fn effective_user<'a>(
    stage: &'a Stage,
    stages: &'a [Stage],
    depth: usize,
) -> Option<&'a (String, u32)> {
    if let Some(user) = &stage.user {
        return Some(user);
    }
    if depth > stages.len() {
        return None;
    }
    let parent = stages
        .iter()
        .take_while(|s| !std::ptr::eq(*s, stage))
        .filter(|s| s.name.as_deref() == Some(stage.base.as_str()))
        .last()?;
    effective_user(parent, stages, depth + 1)
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name == "0"
}

fn stage_name(stage: &Stage) -> String {
    match &stage.name {
        Some(name) => format!("`{name}`"),
        None => "final".to_string(),
    }
}

fn root_user(last: &Stage, stages: &[Stage], emit: &mut Emitter<'_>) {
    const HELP: &str = "create an unprivileged user (`RUN useradd --system --uid 10001 app`) and end the final stage with `USER app`, so a compromised process is not root in the container";
    match effective_user(last, stages, 0) {
        Some((user, line)) if is_root(user) => emit.push(
            DOCKERFILE_ROOT_USER,
            Some(*line),
            "user",
            format!(
                "the final stage switches to `USER {user}` last, so the container runs as root"
            ),
            HELP,
        ),
        Some((user, line)) => emit.fact(
            DOCKERFILE_ROOT_USER,
            Some(*line),
            format!(
                "the {} stage runs as `USER {user}`, not root",
                stage_name(last)
            ),
        ),
        None => {
            let name = last.base.rsplit('/').next().unwrap_or(&last.base);
            let name = name.split([':', '@']).next().unwrap_or(name);
            if NON_ROOT_BASES.iter().any(|b| last.base.contains(b))
                || STEP_DOWN_IMAGES.contains(&name)
            {
                let how = if STEP_DOWN_IMAGES.contains(&name) {
                    "whose entrypoint drops root before starting the server"
                } else {
                    "which runs as an unprivileged user"
                };
                emit.fact(
                    DOCKERFILE_ROOT_USER,
                    Some(last.from_line),
                    format!(
                        "the {} stage is built on `{}`, {how}",
                        stage_name(last),
                        last.base
                    ),
                );
                return;
            }
            emit.push(
                DOCKERFILE_ROOT_USER,
                Some(last.from_line),
                "user",
                format!(
                    "the {} stage never sets `USER`, so the container runs as root",
                    stage_name(last)
                ),
                HELP,
            );
        }
    }
}

/// `ENV A=1 B="2"` and the legacy `ENV A 1 2`.
fn assignments(args: &str) -> Vec<(String, String)> {
    let parts = words(args);
    if parts.first().is_some_and(|p| !p.contains('=')) {
        let mut it = parts.into_iter();
        let name = it.next().unwrap_or_default();
        return vec![(name, it.collect::<Vec<_>>().join(" "))];
    }
    parts
        .into_iter()
        .filter_map(|p| {
            let (name, value) = p.split_once('=')?;
            Some((name.to_string(), value.to_string()))
        })
        .collect()
}

/// Why a literal URL in a Dockerfile is graded low: one on the loopback interface names no
/// database the build or the container reaches (`DATABASE_URL=postgresql://user:pass@localhost/dummy`,
/// set so that a framework's build step loads), so its password is a build-time placeholder.
fn loopback_reason(value: &str) -> Option<&'static str> {
    names::is_loopback_url(value)
        .then_some("a URL on the container's own loopback, a build-time placeholder")
}

fn env(ins: &Instruction, emit: &mut Emitter<'_>) {
    for (name, value) in assignments(&ins.args) {
        if names::is_literal_secret(&name, &value) {
            emit.push_lowered(
                loopback_reason(&value),
                DOCKERFILE_SECRET_ENV,
                Some(ins.line),
                &format!("env:{name}"),
                format!("`ENV {name}` sets a secret to a literal value that every copy of the image carries (value not shown)"),
                "remove it from the Dockerfile and pass it at run time (an env file git ignores, or the platform's secrets manager); rotate the value, it is in the repository and in every pushed image",
            );
        }
    }
}

fn arg(ins: &Instruction, emit: &mut Emitter<'_>) {
    for part in words(&ins.args) {
        let Some((name, value)) = part.split_once('=') else {
            continue;
        };
        if names::is_literal_secret(name, value) {
            emit.push_lowered(
                loopback_reason(value),
                DOCKERFILE_SECRET_ARG,
                Some(ins.line),
                &format!("arg:{name}"),
                format!("`ARG {name}` has a literal secret as its default; build arguments are kept in the image history (value not shown)"),
                "drop the default and use a build secret (`RUN --mount=type=secret,id=...`), which never lands in a layer or the history; rotate the value",
            );
        }
    }
}

/// Judges a `COPY`/`ADD`; true when it copies the whole build context.
fn copy(
    ins: &Instruction,
    ctx: &Context<'_>,
    ignore: Option<&DockerIgnore>,
    env_files: &mut Option<EnvFiles>,
    emit: &mut Emitter<'_>,
) -> bool {
    let all = match json_form(&ins.args) {
        Some(list) => list,
        None => words(&ins.args),
    };
    let (flags, rest): (Vec<String>, Vec<String>) =
        all.into_iter().partition(|w| w.starts_with("--"));
    let from_elsewhere = flags.iter().any(|f| f.starts_with("--from"));
    let checksum = flags.iter().any(|f| f.starts_with("--checksum"));
    let sources = match rest.split_last() {
        Some((_, sources)) => sources,
        None => return false,
    };
    let mut whole = false;
    for source in sources {
        if source.starts_with("<<") {
            continue;
        }
        if ins.keyword == "ADD" && is_remote(source) && !checksum {
            emit.push(
                DOCKERFILE_ADD_URL,
                Some(ins.line),
                &format!("add:{}", shown_url(source)),
                format!("`ADD {}` downloads at build time without `--checksum`, so the image holds whatever the server sent", shown_url(source)),
                "download with `RUN curl -fsSLo file URL && echo \"<sha256>  file\" | sha256sum -c -`, or add `--checksum=sha256:...` to ADD",
            );
            continue;
        }
        if from_elsewhere || is_remote(source) {
            continue;
        }
        let clean = source.trim_start_matches("./").trim_end_matches('/');
        let last = clean.rsplit('/').next().unwrap_or(clean);
        if context::is_env_file(last) {
            let holds = context::holds_secret(&ctx.context.join(clean));
            emit.push_lowered(
                (holds == Some(false)).then_some(NO_SECRET_NAMED),
                DOCKERFILE_COPIES_ENV,
                Some(ins.line),
                &format!("copy:{clean}"),
                format!("`{} {source}` puts an env file into the image, where anyone who pulls it can read its secrets", ins.keyword),
                "pass settings at run time (`env_file:` in compose, the platform's variables or secrets) and keep .env files out of the build context with .dockerignore",
            );
            continue;
        }
        let is_whole = matches!(clean, "" | "." | "*");
        whole |= is_whole;
        let dir = if is_whole {
            Some(ctx.context.to_path_buf())
        } else {
            let path = ctx.context.join(clean);
            path.is_dir().then_some(path)
        };
        let Some(dir) = dir else { continue };
        let found = env_files.get_or_insert_with(|| context::env_files(ctx.context));
        for rel in found.under(ctx.context, &dir) {
            if ignore.is_some_and(|i| i.excludes(&rel)) {
                continue;
            }
            let holds = context::holds_secret(&ctx.context.join(&rel));
            emit.push_lowered(
                (holds == Some(false)).then_some(NO_SECRET_NAMED),
                DOCKERFILE_COPIES_ENV,
                Some(ins.line),
                &format!("copy:{rel}"),
                format!("`{} {source}` copies the env file `{rel}` of the build context into the image, where anyone who pulls it can read its secrets", ins.keyword),
                "add `.env*` and `**/.env*` to .dockerignore and pass settings at run time; rotate what the file holds if the image was pushed",
            );
        }
    }
    whole
}

/// A URL as shown in a message: without user info, query or fragment, which may hold a token
/// (`https://user:token@host/f`, a signed `?X-Amz-Signature=...`).
fn shown_url(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority.rsplit('@').next().unwrap_or(authority);
            format!("{scheme}://{host}{path}")
        }
        None => url.rsplit('@').next().unwrap_or(url).to_string(),
    }
}

fn is_remote(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("git@")
        || lower.starts_with("git://")
}

fn run(ins: &Instruction, emit: &mut Emitter<'_>) {
    let command = match json_form(&ins.args) {
        Some(list) => list.join(" "),
        None => ins.args.clone(),
    };
    let mut lines = vec![(ins.line, command)];
    for heredoc in &ins.heredocs {
        lines.extend(heredoc.lines.iter().cloned());
    }
    let (mut piped, mut sudo) = (false, false);
    for (line, text) in &lines {
        if !piped && (CURL_PIPE_SHELL.is_match(text) || SHELL_OF_DOWNLOAD.is_match(text)) {
            piped = true;
            emit.push(
                DOCKERFILE_CURL_PIPE_SHELL,
                Some(*line),
                &format!("pipe:{}", ins.line),
                "`RUN` pipes a download straight into a shell, running whatever the server sends at build time".to_string(),
                "download to a file, check its SHA-256 against a pinned value, then run it; or install the tool from the distribution's packages",
            );
        }
        if !sudo && SUDO.is_match(text) {
            sudo = true;
            emit.push(
                DOCKERFILE_SUDO,
                Some(*line),
                &format!("sudo:{}", ins.line),
                "`RUN` uses sudo; build steps already run as the current USER, and sudo left in the image is a way back to root".to_string(),
                "run the step before switching `USER`, or as `USER root` followed by `USER app`, and do not install sudo",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_assignments_in_both_forms() {
        assert_eq!(
            assignments(r#"A=1 B="two words""#),
            [("A".into(), "1".into()), ("B".into(), "two words".into())]
        );
        assert_eq!(
            assignments("A two words"),
            [("A".into(), "two words".into())]
        );
    }

    #[test]
    fn the_context_is_shown_from_the_project_root() {
        let context = |shown, dockerfile, context| {
            shown_context(&Context {
                shown,
                dockerfile: Path::new(dockerfile),
                context: Path::new(context),
                development: false,
                target: None,
            })
        };
        assert_eq!(
            context("Dockerfile", "/p/shop/Dockerfile", "/p/shop"),
            "the project root"
        );
        assert_eq!(
            context(
                "compose/production/django/Dockerfile",
                "/p/compose/production/django/Dockerfile",
                "/p"
            ),
            "the project root"
        );
        assert_eq!(
            context(
                "docker/api/Dockerfile",
                "/p/docker/api/Dockerfile",
                "/p/docker"
            ),
            "`docker/`"
        );
        assert_eq!(
            context("Dockerfile", "/p/Dockerfile", "/elsewhere/app"),
            "app/"
        );
    }

    #[test]
    fn curl_pipes() {
        for text in [
            "curl -fsSL https://get.example.com | sh",
            "curl -sL https://x.example.com/install | sudo -E bash -",
            "wget -qO- https://x.example.com | /bin/bash",
            "sh -c \"$(curl -fsSL https://x.example.com)\"",
        ] {
            assert!(
                CURL_PIPE_SHELL.is_match(text) || SHELL_OF_DOWNLOAD.is_match(text),
                "{text}"
            );
        }
        for text in [
            "curl -fsSLo tool.tgz https://x.example.com && sha256sum -c sums",
            "curl https://x.example.com | tar xz",
            "curl -s x | shasum",
        ] {
            assert!(
                !CURL_PIPE_SHELL.is_match(text) && !SHELL_OF_DOWNLOAD.is_match(text),
                "{text}"
            );
        }
    }

    #[test]
    fn urls_are_shown_without_credentials() {
        assert_eq!(
            shown_url("https://ci:Tk93hQ0pZ7@files.example.com/a.tgz?sig=abc#x"), // preflight:allow
            "https://files.example.com/a.tgz"
        );
        assert_eq!(shown_url("https://example.com"), "https://example.com");
        assert_eq!(
            shown_url("git@example.com:org/repo.git"),
            "example.com:org/repo.git"
        );
    }

    #[test]
    fn sudo_as_a_command() {
        assert!(SUDO.is_match("apt-get update && sudo apt-get install x"));
        assert!(SUDO.is_match("sudo make install"));
        assert!(!SUDO.is_match("apt-get install -y pseudo sudoers-doc"));
        assert!(!SUDO.is_match("apt-get install -y sudo"));
    }
}
