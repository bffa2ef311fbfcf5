//! The terminal renderer: findings grouped by file (or URL, or database), one aligned line per
//! finding with its position, severity, id and message, then indented detail lines (the secret's
//! preview, help, reference, git history, details); then scores, warnings, dropped candidates
//! (with `explain`) and a one-line summary.
//!
//! Colour is plain ANSI through `anstyle`, applied only when the caller asks for it; widths are
//! computed on the uncoloured text so alignment is the same either way. Every string that comes
//! from the scanned input goes through [`printable`].

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use preflight_findings::{Finding, History, Location, LocationKind, Report, Severity};

use crate::RenderOptions;
use crate::text::{
    describe_commit, human_bytes, plural, printable, severity_counts, shown, shown_secret,
};

/// Width of the severity column (`critical`).
const SEVERITY_WIDTH: usize = 8;
/// Width of the labels of detail lines (`introduced`).
const LABEL_WIDTH: usize = 10;

/// The styles of the renderer; all plain when colour is off.
struct Palette {
    heading: Style,
    label: Style,
    id: Style,
    color: bool,
}

impl Palette {
    fn new(color: bool) -> Self {
        let pick = |style: Style| if color { style } else { Style::new() };
        Palette {
            heading: pick(Style::new().bold().underline()),
            label: pick(Style::new().dimmed()),
            id: pick(Style::new().fg_color(Some(AnsiColor::Cyan.into()))),
            color,
        }
    }

    fn severity(&self, severity: Severity) -> Style {
        if !self.color {
            return Style::new();
        }
        match severity {
            Severity::Critical => Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
            Severity::High => Style::new().fg_color(Some(AnsiColor::Red.into())),
            Severity::Medium => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
            Severity::Low => Style::new().fg_color(Some(AnsiColor::Blue.into())),
            Severity::Info => Style::new().dimmed(),
        }
    }
}

/// `text` padded to `width` and wrapped in `style`.
fn styled(style: Style, text: &str, width: usize) -> String {
    format!("{style}{text:<width$}{style:#}")
}

/// `12:18`, `12` or empty.
fn position(location: &Location) -> String {
    match (location.line, location.column) {
        (Some(line), Some(column)) => format!("{line}:{column}"),
        (Some(line), None) => line.to_string(),
        _ => String::new(),
    }
}

/// The heading of a group: the path, with what it is when that is not a working-tree file.
fn group_heading(location: &Location) -> String {
    let path = printable(&location.path);
    match location.kind {
        LocationKind::File => path.into_owned(),
        LocationKind::Stdin => "standard input".to_string(),
        LocationKind::Staged => format!("{path} (staged)"),
        LocationKind::GitHistory => format!("{path} (git history)"),
        LocationKind::Environment => format!("{path} (environment)"),
        LocationKind::Url => path.into_owned(),
        LocationKind::Database => format!("{path} (database)"),
        LocationKind::Project => format!("{path} (project)"),
    }
}

/// Writes `report` for a person at a terminal.
pub(crate) fn render(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let palette = Palette::new(options.color);
    if let Some(root) = &options.root {
        writeln!(
            out,
            "{}\n",
            styled(
                palette.heading,
                &format!("preflight: {}", printable(root)),
                0
            )
        )?;
    }
    write_findings(report, options, &palette, out)?;
    write_scores(report, &palette, out)?;
    write_warnings(report, &palette, out)?;
    if options.explain {
        write_dropped(report, options, &palette, out)?;
    }
    write_summary(report, &palette, out)
}

fn write_findings(
    report: &Report,
    options: &RenderOptions,
    palette: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    let position_width = report
        .findings
        .iter()
        .map(|f| position(&f.location).len())
        .max()
        .unwrap_or(0);
    let id_width = report
        .findings
        .iter()
        .map(|f| f.id.len())
        .max()
        .unwrap_or(0);
    // Detail lines start under the severity column.
    let indent = " ".repeat(2 + position_width + 2);
    let mut current: Option<(LocationKind, &str)> = None;
    for finding in &report.findings {
        let key = (finding.location.kind, finding.location.path.as_str());
        if current != Some(key) {
            if current.is_some() {
                writeln!(out)?;
            }
            writeln!(
                out,
                "{}",
                styled(palette.heading, &group_heading(&finding.location), 0)
            )?;
            current = Some(key);
        }
        writeln!(
            out,
            "  {:>position_width$}  {}  {}  {}",
            position(&finding.location),
            styled(
                palette.severity(finding.severity),
                finding.severity.as_str(),
                SEVERITY_WIDTH
            ),
            styled(palette.id, &printable(&finding.id), id_width),
            printable(&finding.message),
        )?;
        let detail = |label: &str, value: &str| -> String {
            format!(
                "{indent}{} {}",
                styled(palette.label, label, LABEL_WIDTH),
                printable(value)
            )
        };
        if let Some(secret) = shown_secret(finding, options.show_secrets) {
            writeln!(out, "{}", detail("secret", &secret))?;
        }
        for line in finding_details(finding) {
            writeln!(out, "{}", detail(line.0, &line.1))?;
        }
    }
    if !report.findings.is_empty() {
        writeln!(out)?;
    }
    Ok(())
}

/// The labelled detail lines of a finding, after its secret.
fn finding_details(finding: &Finding) -> Vec<(&str, String)> {
    let mut lines = Vec::new();
    if let Some(help) = &finding.help {
        lines.push(("help", help.to_string()));
    }
    if let Some(reference) = &finding.reference {
        lines.push(("reference", reference.clone()));
    }
    if let Some(history) = &finding.history {
        lines.extend(history_lines(history));
    }
    for (key, value) in &finding.details {
        lines.push((key.as_str(), value.clone()));
    }
    lines
}

fn history_lines(history: &History) -> Vec<(&'static str, String)> {
    let mut lines = vec![("introduced", describe_commit(&history.introduced))];
    if let Some(removed) = &history.removed {
        lines.push(("removed", describe_commit(removed)));
    }
    let mut status = if history.in_head {
        "still in HEAD".to_string()
    } else {
        "only in history".to_string()
    };
    if history.in_worktree == Some(true) {
        status.push_str(" and in the working tree");
    }
    status.push_str(&format!(
        "; in {} under {}",
        plural(history.commits, "commit", "commits"),
        plural(history.paths, "path", "paths")
    ));
    lines.push(("status", status));
    lines
}

fn write_scores(report: &Report, palette: &Palette, out: &mut dyn Write) -> io::Result<()> {
    if report.scores.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", styled(palette.heading, "Scores", 0))?;
    for score in &report.scores {
        writeln!(
            out,
            "  {}  score {}, grade {}",
            printable(&score.target),
            score.score,
            printable(&score.grade)
        )?;
        let id_width = score
            .modifiers
            .iter()
            .map(|m| m.id.len())
            .max()
            .unwrap_or(0);
        for modifier in &score.modifiers {
            writeln!(
                out,
                "    {:>+4}  {}  {}",
                modifier.points,
                styled(palette.id, &printable(&modifier.id), id_width),
                printable(&modifier.reason)
            )?;
        }
    }
    writeln!(out)
}

fn write_warnings(report: &Report, palette: &Palette, out: &mut dyn Write) -> io::Result<()> {
    if report.warnings.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", styled(palette.heading, "Warnings", 0))?;
    for warning in &report.warnings {
        writeln!(out, "  {}", printable(&warning.to_string()))?;
    }
    writeln!(out)
}

fn write_dropped(
    report: &Report,
    options: &RenderOptions,
    palette: &Palette,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "{}", styled(palette.heading, "Dropped candidates", 0))?;
    if report.dropped.is_empty() {
        writeln!(out, "  none")?;
    }
    let location_width = report
        .dropped
        .iter()
        .map(|d| printable(&d.location.to_string()).chars().count())
        .max()
        .unwrap_or(0);
    let id_width = report.dropped.iter().map(|d| d.id.len()).max().unwrap_or(0);
    let reason_width = report
        .dropped
        .iter()
        .map(|d| d.reason.to_string().chars().count())
        .max()
        .unwrap_or(0);
    for dropped in &report.dropped {
        let value = dropped
            .secret
            .as_ref()
            .map(|secret| shown(secret, options.show_secrets));
        let mut line = format!(
            "  {:<location_width$}  {}  {:<reason_width$}",
            printable(&dropped.location.to_string()),
            styled(palette.id, &printable(&dropped.id), id_width),
            printable(&dropped.reason.to_string()),
        );
        if let Some(value) = value {
            line.push_str(&format!("  {}", printable(&value)));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out)
}

fn write_summary(report: &Report, palette: &Palette, out: &mut dyn Write) -> io::Result<()> {
    let findings = report.findings.len();
    let mut summary = if findings == 0 {
        "No findings".to_string()
    } else {
        format!(
            "{} ({})",
            plural(findings, "finding", "findings"),
            severity_counts(report)
        )
    };
    // Live checks read no files: their summary names no file count.
    let stats = &report.stats;
    if stats.scanned > 0 || stats.skipped > 0 {
        summary.push_str(&format!(
            " in {} ({})",
            plural(stats.scanned as usize, "file", "files"),
            human_bytes(stats.bytes)
        ));
    }
    if stats.skipped > 0 {
        summary.push_str(&format!(", {} skipped", stats.skipped));
    }
    if stats.capped > 0 {
        summary.push_str(&format!(", {} capped (counted, not listed)", stats.capped));
    }
    if !report.warnings.is_empty() {
        summary.push_str(&format!(
            ", {}",
            plural(report.warnings.len(), "warning", "warnings")
        ));
    }
    if !report.dropped.is_empty() {
        summary.push_str(&format!(", {} dropped", report.dropped.len()));
    }
    let style = match report.findings.iter().map(|f| f.severity).max() {
        _ if !palette.color => Style::new(),
        Some(worst) => palette.severity(worst).bold(),
        None => Style::new().bold().fg_color(Some(AnsiColor::Green.into())),
    };
    writeln!(out, "{}", styled(style, &summary, 0))
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use super::*;
    use crate::Format;
    use crate::sample::{self, render_to_string};

    #[test]
    fn sample() {
        assert_snapshot!(sample::render(Format::Human, &sample::options()));
    }

    #[test]
    fn sample_explained() {
        assert_snapshot!(sample::render(Format::Human, &sample::explained_options()));
    }

    #[test]
    fn empty() {
        let options = RenderOptions {
            root: None,
            ..sample::options()
        };
        assert_snapshot!(render_to_string(
            &Report::default(),
            Format::Human,
            &options
        ));
    }

    #[test]
    fn secrets_only_when_shown() {
        sample::assert_secrets_only_when_shown(Format::Human);
    }

    #[test]
    fn colour_only_when_asked() {
        let plain = sample::render(Format::Human, &sample::options());
        assert!(!plain.contains('\u{1b}'), "{plain}");
        let coloured = sample::render(
            Format::Human,
            &RenderOptions {
                color: true,
                ..sample::options()
            },
        );
        let critical = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
        assert!(coloured.contains(&format!("{critical}critical{critical:#}")));
        // The escape sequence in a scanned path stays escaped even with colour on.
        assert!(!coloured.contains("\u{1b}[2J"));
    }
}
