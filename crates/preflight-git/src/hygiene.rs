//! Repository hygiene: files that must never be tracked, environment files that `.gitignore`
//! does not cover, and example environment files holding real-looking values.
//!
//! Tracked files are read from the index (what the next commit would hold), not from the working
//! tree, so a file deleted on disk but still staged is still reported. Files whose name alone
//! is not enough (`*.pem`, `*.key`, `.npmrc`, `.pypirc`) are judged by their staged content.
//! Untracked environment files are found by walking the working tree, never descending into
//! ignored directories, and asked of git's own ignore rules (`.gitignore` at every level,
//! `.git/info/exclude`, `core.excludesFile`).

mod example;

use std::path::Path;

use gix::index::entry::Mode;
use gix::objs::Find;
use preflight_findings::{Finding, Location, LocationKind, Outcome, Severity, Warning};

use crate::GitError;

/// Directories deeper than this below the root are not walked for untracked files.
const MAX_WALK_DEPTH: usize = 32;

/// Staged files larger than this are not read to judge their content.
const MAX_CONTENT: u64 = 1024 * 1024;

/// Runs every hygiene check on the repository containing `path`.
pub fn check(path: &Path) -> Result<Outcome, GitError> {
    let repo = crate::repo::open(path)?;
    let index = repo
        .index_or_empty()
        .map_err(|e| GitError::read("the index", e))?;
    let mut outcome = Outcome::default();
    let mut tracked = std::collections::HashSet::new();
    let mut buf = Vec::new();
    for entry in index.entries() {
        if entry.stage_raw() != 0 || entry.mode == Mode::COMMIT || entry.mode == Mode::DIR {
            continue;
        }
        let rela = crate::repo::path_text(entry.path(&index));
        tracked.insert(rela.clone());
        let content = |buf: &mut Vec<u8>| -> Option<Vec<u8>> {
            use gix::objs::FindHeader;
            let header = repo.objects.try_header(&entry.id).ok().flatten()?;
            if header.size > MAX_CONTENT {
                return None;
            }
            repo.objects
                .try_find(&entry.id, buf)
                .ok()
                .flatten()
                .map(|d| d.data.to_vec())
        };
        if let Some(finding) = tracked_finding(&rela, || content(&mut buf)) {
            outcome.findings.push(finding);
        }
        if example::is_example_env(file_name(&rela))
            && let Some(bytes) = content(&mut buf)
        {
            outcome.findings.extend(example::check(&rela, &bytes));
        }
    }
    if let Some(workdir) = repo.workdir() {
        untracked_env_files(&repo, workdir, &tracked, &mut outcome);
    }
    Ok(outcome)
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether a file name is an environment file that holds real settings (`.env`, `.env.local`,
/// `.env.docker`), not an example of one.
pub fn is_env_file(name: &str) -> bool {
    (name == ".env" || name.starts_with(".env.")) && !example::is_example_env(name)
}

/// The finding for a tracked file that must not be tracked, if it is one; `content` reads the
/// staged bytes when the name alone does not tell.
fn tracked_finding(path: &str, content: impl FnOnce() -> Option<Vec<u8>>) -> Option<Finding> {
    let name = file_name(path);
    let lower = name.to_ascii_lowercase();
    let location = Location::whole(LocationKind::File, path);
    if is_env_file(name) {
        return Some(
            Finding::new(
                "git.env-tracked",
                Severity::High,
                format!("environment file `{name}` is tracked by git"),
                location,
                "",
            )
            .with_help(
                "Run `git rm --cached` on it, add it to .gitignore, commit an example file with \
                 placeholders instead, and rotate every secret it held (it stays in history).",
            ),
        );
    }
    let key_name = matches!(
        lower.as_str(),
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk"
    );
    let key_container = lower.ends_with(".p12") || lower.ends_with(".pfx");
    let key_file = lower.ends_with(".pem") || lower.ends_with(".key");
    if key_name || key_container || key_file {
        let holds_key = key_name
            || key_container
            || content().is_some_and(|bytes| contains(&bytes, b"PRIVATE KEY"));
        return holds_key.then(|| {
            Finding::new(
                "git.private-key-tracked",
                Severity::Critical,
                format!("private key file `{name}` is tracked by git"),
                location,
                "",
            )
            .with_help(
                "Revoke the key and issue a new one, remove the file with `git rm --cached`, \
                 ignore it, and purge it from history.",
            )
        });
    }
    let credentials = match lower.as_str() {
        ".pgpass" | ".git-credentials" | ".netrc" | "_netrc" => true,
        ".npmrc" => content().is_some_and(|b| {
            contains(&b, b"_authToken") || contains(&b, b"_auth=") || contains(&b, b"_password")
        }),
        ".pypirc" => content().is_some_and(|b| contains(&b, b"password")),
        _ => false,
    };
    credentials.then(|| {
        Finding::new(
            "git.credentials-file-tracked",
            Severity::High,
            format!("credentials file `{name}` is tracked by git"),
            location,
            "",
        )
        .with_help(
            "Rotate the credentials it holds, remove it with `git rm --cached`, ignore it, and \
             keep credentials in the user's home directory or the CI's secret store.",
        )
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Reports environment files in the working tree that are neither tracked nor ignored.
fn untracked_env_files(
    repo: &gix::Repository,
    workdir: &Path,
    tracked: &std::collections::HashSet<String>,
    outcome: &mut Outcome,
) {
    let Some(worktree) = repo.worktree() else {
        return;
    };
    let mut excludes = match worktree.excludes(None) {
        Ok(excludes) => excludes,
        Err(err) => {
            outcome.warnings.push(Warning::general(format!(
                "ignore rules could not be read ({err}); untracked environment files not checked"
            )));
            return;
        }
    };
    let mut stack: Vec<(std::path::PathBuf, String, usize)> =
        vec![(workdir.to_path_buf(), String::new(), 0)];
    while let Some((dir, rela_dir, depth)) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) => {
                outcome.warnings.push(Warning::at(
                    dir.display().to_string(),
                    format!("cannot read directory: {err}"),
                ));
                continue;
            }
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == ".git" {
                continue;
            }
            let rela = if rela_dir.is_empty() {
                name.clone()
            } else {
                format!("{rela_dir}/{name}")
            };
            let mode = kind.is_dir().then_some(Mode::DIR);
            let ignored = excludes
                .at_path(Path::new(&rela), mode)
                .map(|p| p.is_excluded())
                .unwrap_or(false);
            if kind.is_dir() {
                if !ignored && depth < MAX_WALK_DEPTH {
                    stack.push((entry.path(), rela, depth + 1));
                }
            } else if kind.is_file() && is_env_file(&name) && !ignored && !tracked.contains(&rela) {
                outcome.findings.push(
                    Finding::new(
                        "git.env-not-ignored",
                        Severity::High,
                        format!("environment file `{name}` is not covered by .gitignore"),
                        Location::whole(LocationKind::File, rela),
                        "",
                    )
                    .with_help(format!(
                        "Add `{name}` (or `.env*` with `!.env.example`) to .gitignore so that \
                         `git add -A` can never commit it."
                    )),
                );
            }
        }
    }
}
