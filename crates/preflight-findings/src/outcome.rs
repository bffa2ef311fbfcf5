use std::fmt;

use serde::Serialize;

use crate::{Finding, Location, Redacted, SafeText};

/// A problem with the input itself (an unreadable file, a corrupt object, a skipped large file):
/// reported on stderr and in the report while the run goes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The file, object, URL or target concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The 1-based line concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// What went wrong and what was done about it; quoted input is scrubbed.
    pub message: SafeText,
}

impl Warning {
    /// A warning about a path (file, object, URL).
    pub fn at(path: impl Into<String>, message: impl Into<SafeText>) -> Self {
        Warning {
            path: Some(path.into()),
            line: None,
            message: message.into(),
        }
    }

    /// A warning about a line of a file.
    pub fn at_line(path: impl Into<String>, line: u32, message: impl Into<SafeText>) -> Self {
        Warning {
            path: Some(path.into()),
            line: Some(line),
            message: message.into(),
        }
    }

    /// A warning about nothing in particular.
    pub fn general(message: impl Into<SafeText>) -> Self {
        Warning {
            path: None,
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.line) {
            (Some(path), Some(line)) => write!(f, "{path}:{line}: {}", self.message),
            (Some(path), None) => write!(f, "{path}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// Why a candidate was not reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum DropReason {
    /// The value is a placeholder such as `changeme` or `your-api-key-here`.
    Placeholder {
        /// Which placeholder pattern matched.
        pattern: String,
    },
    /// The value refers to another value (`${DB_PASSWORD}`, `os.environ[...]`, `process.env.X`).
    Reference,
    /// The value is too predictable for a real secret.
    Entropy {
        /// The Shannon entropy measured, in bits per character.
        found: f64,
        /// The rule's minimum.
        minimum: f64,
    },
    /// A well-known documentation example value.
    DocumentationExample,
    /// The value has the credential's shape but not its structure (a JWT whose header does
    /// not decode).
    Malformed {
        /// What is wrong with it.
        problem: String,
    },
    /// An inline marker on the line, such as `preflight:allow`.
    InlineMarker {
        /// The marker found.
        marker: String,
    },
    /// The path matches an allowlist glob.
    PathAllowlist {
        /// The glob that matched.
        glob: String,
    },
    /// The value matches an allowlist pattern.
    ValueAllowlist {
        /// The pattern that matched.
        pattern: String,
    },
    /// Recorded in the baseline.
    Baseline {
        /// The reason recorded with the baseline entry.
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The rule or code is disabled in the configuration.
    Disabled,
    /// Below the severity threshold.
    BelowThreshold,
    /// Another rule matched the same bytes more specifically.
    Superseded {
        /// The rule that was reported instead.
        by: String,
    },
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DropReason::Placeholder { pattern } => write!(f, "placeholder value ({pattern})"),
            DropReason::Reference => f.write_str("reference to another value, not a secret"),
            DropReason::Entropy { found, minimum } => {
                write!(
                    f,
                    "entropy {found:.2} below the rule's minimum {minimum:.2}"
                )
            }
            DropReason::DocumentationExample => f.write_str("well-known documentation example"),
            DropReason::Malformed { problem } => {
                write!(f, "not a well-formed credential ({problem})")
            }
            DropReason::InlineMarker { marker } => write!(f, "inline marker `{marker}`"),
            DropReason::PathAllowlist { glob } => write!(f, "path allowlisted by `{glob}`"),
            DropReason::ValueAllowlist { pattern } => {
                write!(f, "value allowlisted by `{pattern}`")
            }
            DropReason::Baseline { note: Some(note) } => write!(f, "in the baseline ({note})"),
            DropReason::Baseline { note: None } => f.write_str("in the baseline"),
            DropReason::Disabled => f.write_str("rule disabled in the configuration"),
            DropReason::BelowThreshold => f.write_str("below the severity threshold"),
            DropReason::Superseded { by } => write!(f, "same bytes reported by `{by}`"),
        }
    }
}

/// A candidate that was not reported, and why (shown with `--explain`).
#[derive(Debug, Clone, Serialize)]
pub struct Dropped {
    /// The rule or check code that produced the candidate.
    pub id: String,
    /// Where it was.
    pub location: Location,
    /// Why it was dropped.
    #[serde(flatten)]
    pub reason: DropReason,
    /// The value, redacted, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<Redacted>,
}

/// Counters of what a run looked at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Files, blobs or inputs scanned.
    pub scanned: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Inputs skipped (binary, too large, unreadable).
    pub skipped: u64,
    /// Findings not listed one by one because a file repeated the same problem: each such
    /// run is listed a few times, then reported as one finding that counts the rest.
    #[serde(skip_serializing_if = "is_zero")]
    pub capped: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Stats {
    /// Adds another run's counters to these.
    pub fn add(&mut self, other: Stats) {
        self.scanned += other.scanned;
        self.bytes += other.bytes;
        self.skipped += other.skipped;
        self.capped += other.capped;
    }
}

/// One line of a score's explanation: what moved it and by how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreModifier {
    /// The finding code or test that moved the score.
    pub id: String,
    /// The points added (positive) or taken (negative).
    pub points: i32,
    /// Why.
    pub reason: String,
}

/// A graded result for one target, such as a web site's security-header grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Score {
    /// What was graded (a URL, a server).
    pub target: String,
    /// The score, after modifiers.
    pub score: i32,
    /// The letter grade the score maps to.
    pub grade: String,
    /// What moved the score, in order.
    pub modifiers: Vec<ScoreModifier>,
}

/// Something a check looked at and found in order: the evidence behind a passed checklist item.
///
/// `id` is either a finding code the observation answers (`web.hsts-missing` for a site whose
/// HSTS header was seen and judged), so the fact shows exactly where that code was checked and
/// did not apply, or a check's name (`web`) for what the check looked at as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// The finding code this observation answers, or the name of the check that made it.
    pub id: String,
    /// Where it was seen.
    pub location: Location,
    /// What was seen, in a few words; quoted input is scrubbed.
    pub message: SafeText,
}

impl Fact {
    /// A fact about `id` seen at `location`.
    pub fn new(id: impl Into<String>, location: Location, message: impl Into<SafeText>) -> Self {
        Fact {
            id: id.into(),
            location,
            message: message.into(),
        }
    }
}

/// Everything one check produced: findings, dropped candidates, warnings, counters and scores.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The findings, before the user's filters.
    pub findings: Vec<Finding>,
    /// Candidates the check itself dropped, and why.
    pub dropped: Vec<Dropped>,
    /// Problems with the input; the run went on.
    pub warnings: Vec<Warning>,
    /// What was looked at.
    pub stats: Stats,
    /// Grades, for checks that grade.
    pub scores: Vec<Score>,
    /// What was seen to be in order, as evidence for the checklist.
    pub facts: Vec<Fact>,
}

impl Outcome {
    /// Moves everything from `other` into `self`.
    pub fn merge(&mut self, other: Outcome) {
        self.findings.extend(other.findings);
        self.dropped.extend(other.dropped);
        self.warnings.extend(other.warnings);
        self.stats.add(other.stats);
        self.scores.extend(other.scores);
        self.facts.extend(other.facts);
    }
}
