//! Small text helpers shared by the renderers: making untrusted text safe for a terminal or a
//! Markdown cell, sizes, commit ids and dates.
//!
//! Paths, messages and secret values come from scanned input and may hold control characters; a
//! path with an escape sequence in its name must not be able to repaint the user's terminal, so
//! the human and Markdown renderers pass every such string through [`printable`].

use std::borrow::Cow;

use preflight_findings::{CommitRef, Finding, Redacted, Report, Severity};

/// `text` with control characters (newlines, escapes, NUL...) written as Rust-style escapes, so
/// it stays on one line and cannot drive the terminal.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// What to show for a finding's secret: the full value only with `show_secrets`, else the
/// redacted preview.
pub(crate) fn shown_secret(finding: &Finding, show_secrets: bool) -> Option<String> {
    Some(shown(finding.secret.as_ref()?, show_secrets))
}

/// The full value of `secret` with `show_secrets`, else its redacted preview. The one place the
/// renderers expose a secret.
pub(crate) fn shown(secret: &Redacted, show_secrets: bool) -> String {
    if show_secrets {
        secret.expose().to_string()
    } else {
        secret.preview()
    }
}

/// A byte count for people: `512 B`, `4.2 KiB`, `1.4 GiB`.
pub(crate) fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// The first seven characters of a commit id, as git abbreviates it.
pub(crate) fn abbrev(id: &str) -> &str {
    id.char_indices().nth(7).map_or(id, |(end, _)| &id[..end])
}

/// The date part (`YYYY-MM-DD`) of an RFC 3339 timestamp, or the whole text when it has none.
pub(crate) fn date_part(date: &str) -> &str {
    date.split_once('T').map_or(date, |(day, _)| day)
}

/// `1a2b3c4 by Jane <jane@example.com> on 2024-03-01 (config/settings.py)`.
pub(crate) fn describe_commit(commit: &CommitRef) -> String {
    format!(
        "{} by {} on {} ({})",
        abbrev(&commit.id),
        commit.author,
        date_part(&commit.date),
        commit.path
    )
}

/// `1 critical, 2 high`: the non-zero severity counts, highest first.
pub(crate) fn severity_counts(report: &Report) -> String {
    let mut counts: Vec<(Severity, usize)> = report
        .counts()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect();
    counts.reverse();
    counts
        .iter()
        .map(|(severity, n)| format!("{n} {severity}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `1 finding` / `3 findings`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("plain.py"), "plain.py");
        assert_eq!(printable("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\nc");
    }

    #[test]
    fn sizes_commits_and_dates() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(4300), "4.2 KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
        assert_eq!(abbrev("1a2b3c4d5e6f"), "1a2b3c4");
        assert_eq!(abbrev("abc"), "abc");
        assert_eq!(date_part("2024-03-01T10:00:00+01:00"), "2024-03-01");
        assert_eq!(date_part("yesterday"), "yesterday");
    }
}
