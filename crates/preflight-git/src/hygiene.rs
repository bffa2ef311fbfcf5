//! Repository hygiene: files that must never be tracked, environment files that `.gitignore`
//! does not cover, and example environment files holding real-looking values.
//!
//! An environment file encrypted with git-crypt, sops, dotenvx, age, PGP or ansible-vault is
//! what the guides recommend committing: tracked, it is a fact, not a finding, and untracked it
//! need not be ignored. Git-crypt's files are judged by the staged blob, which git-crypt's
//! filter encrypts even when the working tree holds the plain text.
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
use preflight_env::encrypted::{self, Encryption};
use preflight_findings::{Fact, Finding, Location, LocationKind, Outcome, Severity, Warning};

use crate::GitError;

/// Directories deeper than this below the root are not walked for untracked files.
const MAX_WALK_DEPTH: usize = 32;

/// What an encrypted copy of an env file is named after the plain file's name
/// (`.env.production.enc`, `.env.sops.yaml`).
const ENCRYPTED_SUFFIXES: &[&str] = &[
    "enc",
    "encrypted",
    "age",
    "gpg",
    "pgp",
    "asc",
    "sops",
    "vault",
    "sealed",
    "crypt",
];

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
    let mut env_files = Vec::new();
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
        if is_env_file(file_name(&rela)) {
            let bytes = content(&mut buf);
            let encryption = bytes.as_deref().and_then(encrypted::recognise);
            // Unread (too large) counts as holding secrets.
            let secrets = bytes.as_deref().is_none_or(example::assigns_secret);
            env_files.push(TrackedEnv {
                path: rela,
                encryption,
                secrets,
            });
            continue;
        }
        if let Some(finding) = tracked_finding(&rela, || content(&mut buf)) {
            outcome.findings.push(finding);
        }
        if example::is_example_env(file_name(&rela))
            && let Some(bytes) = content(&mut buf)
        {
            outcome.findings.extend(example::check(&rela, &bytes));
        }
    }
    tracked_env_files(&env_files, &mut outcome);
    if let Some(workdir) = repo.workdir() {
        untracked_env_files(&repo, workdir, &tracked, &mut outcome);
    }
    Ok(outcome)
}

/// A tracked environment file, as its staged content shows it.
struct TrackedEnv {
    path: String,
    encryption: Option<Encryption>,
    /// Whether it assigns a secret-named variable or a URL with a password.
    secrets: bool,
}

/// Judges the tracked environment files, each with its staged content's encryption: an
/// encrypted file is what the guides recommend committing (a fact), a plain one is a finding,
/// which names the plain file's encrypted twin when one is tracked too. A plain file that
/// assigns no secret-named variable (`COMPOSE_PROJECT_NAME=app`) is graded low: nothing in it
/// needs rotating, though the next secret added to it would be committed.
fn tracked_env_files(files: &[TrackedEnv], outcome: &mut Outcome) {
    for TrackedEnv {
        path,
        encryption,
        secrets,
    } in files
    {
        let location = Location::whole(LocationKind::File, path.as_str());
        if let Some(encryption) = encryption {
            outcome.facts.push(Fact::new(
                "git.env-tracked",
                location,
                format!("tracked encrypted with {encryption}, as the guides recommend"),
            ));
            continue;
        }
        let name = file_name(path);
        let twin = files.iter().find(|other| {
            other.encryption.is_some()
                && other
                    .path
                    .strip_prefix(path.as_str())
                    .and_then(|rest| rest.strip_prefix('.'))
                    .and_then(|rest| rest.split('.').next())
                    .is_some_and(|suffix| ENCRYPTED_SUFFIXES.contains(&suffix))
        });
        let message = match twin {
            Some(twin) => format!(
                "environment file `{name}` is tracked by git in plain text beside its encrypted twin `{}`",
                file_name(&twin.path)
            ),
            None if name == ".env.keys" => format!(
                "environment file `{name}` is tracked by git: it holds the private keys that decrypt dotenvx's encrypted env files"
            ),
            None if !secrets => format!(
                "environment file `{name}` is tracked by git; it assigns no secret-named variable today, so graded low"
            ),
            None => format!("environment file `{name}` is tracked by git"),
        };
        let severity = if *secrets || twin.is_some() {
            Severity::High
        } else {
            Severity::Low
        };
        outcome.findings.push(
            Finding::new("git.env-tracked", severity, message, location, "").with_help(
                "Run `git rm --cached` on it, add it to .gitignore, commit an example file with \
                 placeholders instead (or the file encrypted with sops, dotenvx or git-crypt), \
                 and rotate every secret it held (it stays in history).",
            ),
        );
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether a file name is an environment file that holds real settings (`.env`, `.env.local`,
/// `.env.docker`), not an example of one.
pub fn is_env_file(name: &str) -> bool {
    (name == ".env" || name.starts_with(".env."))
        && !example::is_example_env(name)
        && !has_other_format(name)
}

/// Extensions that make a `.env.*` name another kind of file: a patch, documentation or a
/// script (`.env.patch`, `.env.md`, `.env.sh`), not settings.
const OTHER_FORMATS: &[&str] = &[
    "patch", "diff", "orig", "rej", "md", "rst", "sh", "py", "js", "mjs", "cjs", "ts", "rb", "go",
    "php",
];

/// Whether `name` ends with an extension of [`OTHER_FORMATS`].
fn has_other_format(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    OTHER_FORMATS.contains(&last.as_str())
}

/// Whether an `.npmrc` holds a credential: an `_authToken`, `_auth` or `_password` set to a
/// literal. One that takes each from the environment (`_authToken=${NPM_TOKEN}`, npm's own
/// interpolation) holds none.
fn npmrc_has_credential(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes).lines().any(|line| {
        let line = line.trim();
        if line.starts_with(['#', ';']) {
            return false;
        }
        let Some((key, value)) = line.split_once('=') else {
            return false;
        };
        let key = key.trim();
        let credential = ["_authToken", "_auth", "_password"]
            .iter()
            .any(|k| key == *k || key.ends_with(&format!(":{k}")));
        let value = value.trim().trim_matches(['"', '\'']);
        let reference =
            value.starts_with("${") && value.ends_with('}') && !value[2..].contains('$');
        credential && !value.is_empty() && !reference
    })
}

/// The finding for a tracked file that must not be tracked, if it is one; `content` reads the
/// staged bytes when the name alone does not tell.
fn tracked_finding(path: &str, content: impl FnOnce() -> Option<Vec<u8>>) -> Option<Finding> {
    let name = file_name(path);
    let lower = name.to_ascii_lowercase();
    let location = Location::whole(LocationKind::File, path);
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
        ".npmrc" => content().is_some_and(|b| npmrc_has_credential(&b)),
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

/// Whether the file at `path` is encrypted (an encrypted env file may be committed; leaving it
/// out of `.gitignore` is no mistake). Files larger than [`MAX_CONTENT`] are not read.
fn is_encrypted_on_disk(path: &Path) -> bool {
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_CONTENT);
    small
        && std::fs::read(path)
            .ok()
            .and_then(|bytes| encrypted::recognise(&bytes))
            .is_some()
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
            } else if kind.is_file()
                && is_env_file(&name)
                && !ignored
                && !tracked.contains(&rela)
                && !is_encrypted_on_disk(&entry.path())
            {
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
