//! The incident report for secrets that reached git history: what leaked, where and when it
//! entered, whether it is still there, how to rotate it, and how to purge it.
//!
//! Purging uses `git filter-repo --replace-text FILE`, whose file holds one expression per line:
//! `literal:TEXT==>REPLACEMENT` (or `regex:` for text a literal line cannot hold). That file
//! necessarily contains every secret in full, so it is written with mode 0600 and never printed;
//! the report names it and shows only redacted previews. The steps follow the guides' order:
//! rotate first (purging does not un-leak), purge in a fresh mirror clone, force-push, have every
//! clone re-made, notify, monitor, document.

use std::io::Write;
use std::path::{Path, PathBuf};

use preflight_findings::{CommitRef, Finding, Severity};
use serde::Serialize;

use crate::GitError;

/// What replaces each secret in rewritten history.
pub const REPLACEMENT: &str = "***REMOVED***";

/// One leaked secret.
#[derive(Debug, Clone, Serialize)]
pub struct LeakedSecret {
    /// The rule that found it (`stripe.secret-key`).
    pub rule: String,
    /// The provider, from the finding's details or the rule id's first part.
    pub provider: String,
    /// How bad it is.
    pub severity: Severity,
    /// A redacted preview of the value.
    pub preview: String,
    /// The commit where it entered, with the path there.
    pub introduced: Option<CommitRef>,
    /// The commit that removed it from `HEAD`'s line, if any.
    pub removed: Option<CommitRef>,
    /// Whether `HEAD` still holds it.
    pub in_head: bool,
    /// Whether the working tree still holds it, when known.
    pub in_worktree: Option<bool>,
    /// How many commits hold it.
    pub commits: usize,
    /// How many paths held it.
    pub paths: usize,
    /// The provider's rotation reference.
    pub rotation: Option<String>,
}

/// One step of the purge plan.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// What the step does and why.
    pub title: String,
    /// The commands to run, in order (empty for steps people do by hand).
    pub commands: Vec<String>,
}

/// The whole incident report.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentReport {
    /// The secrets found in history.
    pub secrets: Vec<LeakedSecret>,
    /// The replacement file for `git filter-repo --replace-text` (mode 0600), when written.
    pub replacements: Option<PathBuf>,
    /// The purge plan.
    pub steps: Vec<Step>,
}

impl IncidentReport {
    /// The report for `findings` (from a history scan); `replacements` is where the replacement
    /// file was written and `remote` the URL to push the rewritten history to.
    pub fn build(findings: &[Finding], replacements: Option<&Path>, remote: Option<&str>) -> Self {
        let secrets: Vec<LeakedSecret> = findings
            .iter()
            .filter(|f| f.secret.is_some())
            .map(leaked)
            .collect();
        let steps = if secrets.is_empty() {
            Vec::new()
        } else {
            plan(&secrets, replacements, remote)
        };
        IncidentReport {
            secrets,
            replacements: replacements.map(Path::to_path_buf),
            steps,
        }
    }

    /// The report as pretty JSON (never holding a secret in full).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an incident report always serialises")
    }

    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Incident report: secrets in git history\n\n");
        if self.secrets.is_empty() {
            out.push_str("No secret was found in git history. Nothing to rotate or purge.\n");
            return out;
        }
        out.push_str(&format!(
            "{} secret(s) found in git history. Anyone with a clone, a fork or a cached copy \
             has them: rotate every one, then purge history.\n\n## Secrets\n\n",
            self.secrets.len()
        ));
        for (n, secret) in self.secrets.iter().enumerate() {
            out.push_str(&format!(
                "### {}. {} (`{}`, {})\n\n- Value: `{}`\n",
                n + 1,
                secret.provider,
                secret.rule,
                secret.severity,
                secret.preview
            ));
            if let Some(c) = &secret.introduced {
                out.push_str(&format!(
                    "- Entered: commit `{}` by {} on {} (\"{}\"), in `{}`\n",
                    short(&c.id),
                    c.author,
                    c.date,
                    c.summary,
                    c.path
                ));
            }
            if let Some(c) = &secret.removed {
                out.push_str(&format!(
                    "- Removed: commit `{}` by {} on {} (\"{}\"), from `{}`\n",
                    short(&c.id),
                    c.author,
                    c.date,
                    c.summary,
                    c.path
                ));
            }
            let now = match (secret.in_head, secret.in_worktree) {
                (true, _) => "still in HEAD",
                (false, Some(true)) => "not in HEAD, still in the working tree",
                (false, _) => "only in history (still exposed)",
            };
            out.push_str(&format!(
                "- Present: {now}; held by {} commit(s) under {} path(s)\n",
                secret.commits, secret.paths
            ));
            if let Some(rotation) = &secret.rotation {
                out.push_str(&format!("- Rotate: {rotation}\n"));
            }
            out.push('\n');
        }
        out.push_str("## Purge plan\n\n");
        for (n, step) in self.steps.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", n + 1, step.title));
            if !step.commands.is_empty() {
                out.push_str("\n   ```sh\n");
                for command in &step.commands {
                    out.push_str(&format!("   {command}\n"));
                }
                out.push_str("   ```\n");
            }
            out.push('\n');
        }
        out
    }
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

fn leaked(finding: &Finding) -> LeakedSecret {
    let provider = finding.details.get("provider").cloned().unwrap_or_else(|| {
        finding
            .id
            .split('.')
            .next()
            .unwrap_or(&finding.id)
            .to_string()
    });
    let history = finding.history.as_ref();
    LeakedSecret {
        rule: finding
            .details
            .get("rule-id")
            .cloned()
            .unwrap_or_else(|| finding.id.clone()),
        provider,
        severity: finding.severity,
        preview: finding
            .secret
            .as_ref()
            .map(|s| s.preview())
            .unwrap_or_default(),
        introduced: history.map(|h| h.introduced.clone()),
        removed: history.and_then(|h| h.removed.clone()),
        in_head: history.is_some_and(|h| h.in_head),
        in_worktree: history.and_then(|h| h.in_worktree),
        commits: history.map_or(0, |h| h.commits),
        paths: history.map_or(0, |h| h.paths),
        rotation: finding.reference.clone(),
    }
}

fn plan(secrets: &[LeakedSecret], replacements: Option<&Path>, remote: Option<&str>) -> Vec<Step> {
    let file = replacements.map_or_else(
        || "REPLACEMENTS-FILE".to_string(),
        |p| shell_quote(&p.display().to_string()),
    );
    let remote = remote.map_or_else(|| "REMOTE-URL".to_string(), shell_quote);
    let mut rotate = String::from(
        "Rotate (revoke and regenerate) every secret above first, at the provider: purging \
         history does not un-leak it. Then update every `.env` and secret store that used it.",
    );
    let references: Vec<&str> = secrets
        .iter()
        .filter_map(|s| s.rotation.as_deref())
        .collect();
    if !references.is_empty() {
        rotate.push_str(" References: ");
        rotate.push_str(&references.join(", "));
    }
    let still_present = secrets
        .iter()
        .any(|s| s.in_head || s.in_worktree == Some(true));
    let mut steps = vec![Step {
        title: rotate,
        commands: Vec::new(),
    }];
    if still_present {
        steps.push(Step {
            title: "Remove the secrets still in the current files, move them to environment \
                    variables, and commit that change."
                .into(),
            commands: Vec::new(),
        });
    }
    steps.extend([
        Step {
            title: "Rewrite history in a fresh mirror clone, replacing each secret with \
                    `***REMOVED***` (the replacement file is private: mode 0600, never print it)."
                .into(),
            commands: vec![
                format!("git clone --mirror {remote} purge.git"),
                "cd purge.git".into(),
                format!("git filter-repo --replace-text {file}"),
            ],
        },
        Step {
            title: "Check the rewritten history holds no secret any more.".into(),
            commands: vec!["preflight incident .".into()],
        },
        Step {
            title: "Force-push every branch and tag to every remote (filter-repo removes the \
                    `origin` remote on purpose; add it back)."
                .into(),
            commands: vec![
                format!("git remote add origin {remote}"),
                "git push --force --all origin".into(),
                "git push --force --tags origin".into(),
            ],
        },
        Step {
            title: "Have every collaborator delete their clone and clone again (a pull or rebase \
                    would bring the old history back); ask the hosting service to drop cached \
                    views and pull-request refs, and delete forks."
                .into(),
            commands: vec![format!("git clone {remote}")],
        },
        Step {
            title: "Notify the team and stakeholders, watch the providers' access logs for use of \
                    the old credentials, and document the incident."
                .into(),
            commands: Vec::new(),
        },
        Step {
            title: "Delete the replacement file once the purge is done.".into(),
            commands: vec![format!("rm {file}")],
        },
    ]);
    steps
}

/// Quotes `text` for a POSIX shell when it needs it.
fn shell_quote(text: &str) -> String {
    if text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-:@+=,".contains(&b))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The lines of a `git filter-repo --replace-text` file for `findings`: one literal expression
/// per secret (and per line of a multi-line secret), each replaced by [`REPLACEMENT`].
pub fn replacement_lines(findings: &[Finding]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for secret in findings.iter().filter_map(|f| f.secret.as_ref()) {
        for part in secret.expose().lines().map(str::trim) {
            if part.len() < 8 || part.starts_with("-----") {
                continue;
            }
            let line = if part.contains("==>") {
                format!("regex:{}==>{REPLACEMENT}", regex_escape(part))
            } else {
                format!("literal:{part}==>{REPLACEMENT}")
            };
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    lines
}

/// Escapes every character a Python regular expression treats specially.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if !c.is_ascii_alphanumeric() && c != '_' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Writes the replacement file for `findings` to `path`, created with mode 0600 (an existing
/// file is truncated and its mode tightened). Returns how many expressions it holds.
pub fn write_replacements(findings: &[Finding], path: &Path) -> Result<usize, GitError> {
    let lines = replacement_lines(findings);
    let io = |source| GitError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(io)?;
    }
    let mut text = lines.join("\n");
    text.push('\n');
    file.write_all(text.as_bytes()).map_err(io)?;
    Ok(lines.len())
}

/// The default place for the replacement file: inside the repository's git directory, where it
/// can never be committed.
pub fn default_replacements_path(repository: &Path) -> Result<PathBuf, GitError> {
    let repo = crate::repo::open(repository)?;
    Ok(repo.git_dir().join("preflight-replace-text.txt"))
}

/// The URL of the `origin` remote, if there is one.
pub fn origin_url(repository: &Path) -> Option<String> {
    let repo = crate::repo::open(repository).ok()?;
    let url = repo.config_snapshot().string("remote.origin.url")?;
    Some(url.to_string())
}
