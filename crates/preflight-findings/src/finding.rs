use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::{Fingerprint, Redacted, SafeText, Severity};

/// What a location points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LocationKind {
    /// A file in the working tree.
    File,
    /// Standard input.
    Stdin,
    /// A file as staged in the git index.
    Staged,
    /// A blob in git history (the path is the one it had where it entered).
    GitHistory,
    /// A variable of the process environment.
    Environment,
    /// A URL of a live site.
    Url,
    /// A database server.
    Database,
    /// The project as a whole (for findings about something missing).
    Project,
}

/// Where a finding is: a path (a file path relative to the scanned root, `-` for standard input,
/// a URL or a database target), and a 1-based line and column where that makes sense.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// What the path names.
    pub kind: LocationKind,
    /// The file path (with `/` separators), URL or target.
    pub path: String,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column in characters, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl Location {
    /// A location in a working-tree file.
    pub fn file(path: impl Into<String>, line: u32, column: u32) -> Self {
        Location {
            kind: LocationKind::File,
            path: path.into(),
            line: Some(line),
            column: Some(column),
        }
    }

    /// A location with no line, such as a URL, a database or a whole file.
    pub fn whole(kind: LocationKind, path: impl Into<String>) -> Self {
        Location {
            kind,
            path: path.into(),
            line: None,
            column: None,
        }
    }

    /// The same location with a line (and optionally a column).
    pub fn at(mut self, line: u32, column: Option<u32>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// A commit as reported in a finding's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitRef {
    /// The full commit id.
    pub id: String,
    /// Author name and email, `Name <email>`.
    pub author: SafeText,
    /// Author date, RFC 3339.
    pub date: String,
    /// The first line of the commit message.
    pub summary: SafeText,
    /// The path of the file at that commit.
    pub path: String,
}

/// Where a secret found in git history came from and where it still is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct History {
    /// The first commit (in topological order) whose tree holds the secret.
    pub introduced: CommitRef,
    /// The commit that removed it from the branch of `HEAD`, if it was removed there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<CommitRef>,
    /// How many commits have a tree that holds it.
    pub commits: usize,
    /// How many distinct paths held it.
    pub paths: usize,
    /// Whether the tree of `HEAD` still holds it.
    pub in_head: bool,
    /// Whether the working tree still holds it, when that was checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_worktree: Option<bool>,
}

/// One problem found by a check.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The rule id (`stripe.secret-key`) or check code (`env.placeholder`): stable, lowercase,
    /// dot-separated kebab-case.
    pub id: String,
    /// How bad it is.
    pub severity: Severity,
    /// One sentence saying what is wrong; input it quotes is scrubbed of anything shaped like a
    /// credential.
    pub message: SafeText,
    /// Where it is.
    pub location: Location,
    /// The secret, when the finding is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<Redacted>,
    /// A stable identity that does not depend on line numbers.
    pub fingerprint: Fingerprint,
    /// How to fix it (for secrets: how to rotate the credential).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<SafeText>,
    /// A link to the provider's or standard's documentation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// For secrets found in git history: where they entered and where they still are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<History>,
    /// Further facts (provider, key kind, measured value, ...). Never a secret value.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, String>,
}

impl Finding {
    /// A finding without a secret; its fingerprint hashes the id, the location's path and `key`
    /// (something that tells this finding from others of the same id at the same path, such as
    /// the variable or header name).
    pub fn new(
        id: impl Into<String>,
        severity: Severity,
        message: impl Into<SafeText>,
        location: Location,
        key: &str,
    ) -> Self {
        let id = id.into();
        let fingerprint =
            Fingerprint::of_parts(&[id.as_bytes(), location.path.as_bytes(), key.as_bytes()]);
        Finding {
            id,
            severity,
            message: message.into(),
            location,
            secret: None,
            fingerprint,
            help: None,
            reference: None,
            history: None,
            details: BTreeMap::new(),
        }
    }

    /// A finding about a secret; its fingerprint hashes the rule id and the secret.
    pub fn secret(
        rule_id: impl Into<String>,
        severity: Severity,
        message: impl Into<SafeText>,
        location: Location,
        secret: Redacted,
    ) -> Self {
        let id = rule_id.into();
        let fingerprint = Fingerprint::of_secret(&id, secret.expose().as_bytes());
        Finding {
            id,
            severity,
            message: message.into(),
            location,
            secret: Some(secret),
            fingerprint,
            help: None,
            reference: None,
            history: None,
            details: BTreeMap::new(),
        }
    }

    /// Sets how to fix it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(SafeText::from(help.into()));
        self
    }

    /// Sets the documentation link.
    pub fn with_reference(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }

    /// Adds a detail: a fact the check knows (an id, a count, a kind), never quoted input.
    pub fn with_detail(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.details.insert(key.into(), value.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_findings_fingerprint_by_rule_and_value_not_line() {
        let a = Finding::secret(
            "openai.api-key",
            Severity::High,
            "OpenAI API key",
            Location::file("a.py", 3, 1),
            Redacted::new("sk-proj-abc"),
        );
        let b = Finding::secret(
            "openai.api-key",
            Severity::High,
            "OpenAI API key",
            Location::file("a.py", 40, 9),
            Redacted::new("sk-proj-abc"),
        );
        assert_eq!(a.fingerprint, b.fingerprint);
        let json = serde_json::to_string(&a).unwrap();
        assert!(!json.contains("sk-proj-abc"), "{json}");
    }

    #[test]
    fn locations_display_as_path_line_column() {
        assert_eq!(Location::file("src/a.py", 3, 7).to_string(), "src/a.py:3:7");
        assert_eq!(
            Location::whole(LocationKind::Url, "https://example.com/").to_string(),
            "https://example.com/"
        );
    }
}
