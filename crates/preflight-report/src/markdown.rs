//! The Markdown renderer: a report a team can paste into a pull request or a release ticket.
//!
//! A short header (root, version, the checks that ran, totals), then one checklist per security
//! guide (see `checklist.rs`): each item ticked when it passed (with what the checks saw in
//! order, when they recorded it), unticked with its findings when it
//! failed, marked when it was not (or only partly) checked in this run, and marked manual when a
//! person must confirm it. Then a table of all findings, scores, warnings and, with `explain`,
//! the dropped candidates.
//!
//! Text from the scanned input (paths, messages, previews) is escaped so it cannot break the
//! table or inject links or HTML; the checklist's own item texts are trusted Markdown.

use std::io::{self, Write};

use preflight_findings::{Finding, Location, Report};

use crate::RenderOptions;
use crate::checklist::{Checklist, Guide, Item, Status, looked_at};
use crate::text::{human_bytes, plural, printable, severity_counts, shown, shown_secret};

/// `text` as inline Markdown: control characters escaped, and the characters that could start
/// markup or break a table cell backslash-escaped.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in printable(text).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text from a check (a fact's message) as inline Markdown: its backtick-delimited spans kept
/// as code spans, everything else escaped; with an unpaired backtick, all of it escaped.
fn prose(text: &str) -> String {
    if text.matches('`').count() % 2 == 1 {
        return inline(text);
    }
    text.split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { code(part) } else { inline(part) })
        .collect()
}

/// `text` as a code span that survives backticks in it.
fn code(text: &str) -> String {
    let text = printable(text);
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// `text` as a code span in a table cell, where a pipe must be escaped even inside code.
fn code_cell(text: &str) -> String {
    code(text).replace('|', "\\|")
}

/// Where a finding is, as a code span: `config/settings.py:12:18`.
fn place(location: &Location) -> String {
    code(&location.to_string())
}

/// Writes `report` as Markdown.
pub(crate) fn render(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    write_header(report, options, out)?;
    let checklist = Checklist::embedded();
    for guide in &checklist.guides {
        write_guide(&checklist, guide, report, options, out)?;
    }
    write_findings(report, options, out)?;
    write_scores(report, out)?;
    write_warnings(report, out)?;
    if options.explain {
        write_dropped(report, options, out)?;
    }
    Ok(())
}

fn write_header(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# preflight report\n")?;
    if let Some(root) = &options.root {
        writeln!(out, "- Root: {}", code(root))?;
    }
    if !options.tool_version.is_empty() {
        writeln!(out, "- preflight {}", inline(&options.tool_version))?;
    }
    let checks = if options.checks_run.is_empty() {
        "none recorded".to_string()
    } else {
        options
            .checks_run
            .iter()
            .map(|c| inline(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(out, "- Checks run: {checks}")?;
    let stats = &report.stats;
    let mut scanned = format!(
        "- Scanned: {} ({})",
        plural(stats.scanned as usize, "file", "files"),
        human_bytes(stats.bytes)
    );
    if stats.skipped > 0 {
        scanned.push_str(&format!(", {} skipped", stats.skipped));
    }
    if stats.capped > 0 {
        scanned.push_str(&format!(
            ", {} findings capped (counted, not listed)",
            stats.capped
        ));
    }
    writeln!(out, "{scanned}")?;
    for fact in looked_at(report) {
        writeln!(
            out,
            "- {} looked at {}: {}",
            inline(&fact.id),
            place(&fact.location),
            inline(&fact.message)
        )?;
    }
    if report.findings.is_empty() {
        writeln!(out, "- **No findings**\n")
    } else {
        writeln!(
            out,
            "- **{}**: {}\n",
            plural(report.findings.len(), "finding", "findings"),
            severity_counts(report)
        )
    }
}

fn write_guide(
    checklist: &Checklist,
    guide: &Guide,
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let statuses: Vec<Status> = guide
        .items
        .iter()
        .map(|item| checklist.status(item, report, &options.checks_run))
        .collect();
    let tally = |wanted: fn(&Status) -> bool| statuses.iter().filter(|s| wanted(s)).count();
    writeln!(out, "## Checklist: {}\n", guide.title)?;
    writeln!(
        out,
        "{} passed, {} failed, {} not checked in this run, {} manual\n",
        tally(|s| matches!(s, Status::Passed | Status::PartlyChecked { .. })),
        tally(|s| matches!(s, Status::Failed { .. })),
        tally(|s| matches!(s, Status::NotChecked)),
        tally(|s| matches!(s, Status::Manual)),
    )?;
    let mut section: Option<&str> = None;
    for (item, status) in guide.items.iter().zip(&statuses) {
        if section != Some(item.section.as_str()) {
            if section.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "### {}\n", item.section)?;
            section = Some(&item.section);
        }
        match status {
            Status::Passed => {
                writeln!(out, "- [x] {}", item.text)?;
                write_evidence(checklist, item, report, out)?;
            }
            Status::PartlyChecked { missing } => {
                writeln!(
                    out,
                    "- [x] {} (_partly checked: {} did not run_)",
                    item.text,
                    missing.join(", ")
                )?;
                write_evidence(checklist, item, report, out)?;
            }
            Status::NotChecked => writeln!(out, "- [ ] {} (_not checked in this run_)", item.text)?,
            Status::Manual => writeln!(out, "- [ ] {} (_manual_)", item.text)?,
            Status::Failed { findings } => {
                writeln!(
                    out,
                    "- [ ] {} (**failed**: {})",
                    item.text,
                    plural(findings.len(), "finding", "findings")
                )?;
                for finding in findings {
                    writeln!(out, "  - {}", finding_line(finding))?;
                }
            }
        }
    }
    writeln!(out)
}

/// A passed item's evidence, one line each: what the checks saw in order, and `info` notes.
fn write_evidence(
    checklist: &Checklist,
    item: &Item,
    report: &Report,
    out: &mut dyn Write,
) -> io::Result<()> {
    let evidence = checklist.evidence(item, report);
    for fact in evidence.facts {
        writeln!(
            out,
            "  - seen at {}: {}",
            place(&fact.location),
            prose(&fact.message)
        )?;
    }
    for note in evidence.notes {
        writeln!(out, "  - note: {}", finding_line(note))?;
    }
    Ok(())
}

/// `high` `openai.project-key` at `deploy/.env:3:16`: OpenAI project API key
fn finding_line(finding: &Finding) -> String {
    format!(
        "{} {} at {}: {}",
        finding.severity,
        code(&finding.id),
        place(&finding.location),
        inline(&finding.message)
    )
}

fn write_findings(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## Findings\n")?;
    if report.findings.is_empty() {
        return writeln!(out, "No findings.\n");
    }
    writeln!(out, "| Severity | Id | Location | Message | Secret |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for finding in &report.findings {
        let secret = shown_secret(finding, options.show_secrets)
            .map(|value| code_cell(&value))
            .unwrap_or_default();
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            finding.severity,
            code_cell(&finding.id),
            code_cell(&finding.location.to_string()),
            inline(&finding.message),
            secret
        )?;
    }
    writeln!(out)
}

fn write_scores(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.scores.is_empty() {
        return Ok(());
    }
    writeln!(out, "## Scores\n")?;
    for score in &report.scores {
        writeln!(
            out,
            "- {}: score **{}**, grade **{}**",
            code(&score.target),
            score.score,
            inline(&score.grade)
        )?;
        for modifier in &score.modifiers {
            writeln!(
                out,
                "  - {:+} {}: {}",
                modifier.points,
                code(&modifier.id),
                inline(&modifier.reason)
            )?;
        }
    }
    writeln!(out)
}

fn write_warnings(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.warnings.is_empty() {
        return Ok(());
    }
    writeln!(out, "## Warnings\n")?;
    for warning in &report.warnings {
        let at = match (&warning.path, warning.line) {
            (Some(path), Some(line)) => format!("{}: ", code(&format!("{path}:{line}"))),
            (Some(path), None) => format!("{}: ", code(path)),
            _ => String::new(),
        };
        writeln!(out, "- {at}{}", inline(&warning.message))?;
    }
    writeln!(out)
}

fn write_dropped(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## Dropped candidates\n")?;
    if report.dropped.is_empty() {
        return writeln!(out, "None.\n");
    }
    writeln!(out, "| Id | Location | Why | Value |")?;
    writeln!(out, "|---|---|---|---|")?;
    for dropped in &report.dropped {
        let value = dropped
            .secret
            .as_ref()
            .map(|secret| code_cell(&shown(secret, options.show_secrets)))
            .unwrap_or_default();
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            code_cell(&dropped.id),
            code_cell(&dropped.location.to_string()),
            inline(&dropped.reason.to_string()),
            value
        )?;
    }
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use super::*;
    use crate::Format;
    use crate::sample::{self, render_to_string};

    #[test]
    fn sample() {
        assert_snapshot!(sample::render(Format::Markdown, &sample::options()));
    }

    #[test]
    fn sample_explained() {
        assert_snapshot!(sample::render(
            Format::Markdown,
            &sample::explained_options()
        ));
    }

    #[test]
    fn empty() {
        let options = RenderOptions {
            root: None,
            checks_run: Vec::new(),
            ..sample::options()
        };
        assert_snapshot!(render_to_string(
            &Report::default(),
            Format::Markdown,
            &options
        ));
    }

    #[test]
    fn secrets_only_when_shown() {
        sample::assert_secrets_only_when_shown(Format::Markdown);
    }

    #[test]
    fn input_text_cannot_break_tables_or_inject_markup() {
        assert_eq!(
            inline("a|b <img> [x](y) *z*"),
            "a\\|b \\<img\\> \\[x\\](y) \\*z\\*"
        );
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code_cell("a|b"), "`a\\|b`");
        assert_eq!(code("line\nbreak"), "`line\\nbreak`");
        assert_eq!(prose("HSTS: `max-age=1` <b>"), "HSTS: `max-age=1` \\<b\\>");
        assert_eq!(prose("odd ` tick"), "odd \\` tick");
    }

    #[test]
    fn items_fail_pass_and_go_unchecked_by_the_run() {
        let output = sample::render(Format::Markdown, &sample::options());
        assert!(output.contains(
            "- [ ] No Stripe, Twilio or OpenAI credential is in the code or configuration files (**failed**: 2 findings)"
        ));
        assert!(output.contains("- [x] Files and directories named in the settings exist\n"));
        // The database check did not run in the sample.
        assert!(output.contains(
            "- [ ] The application connects as its own role with only the privileges it needs (_not checked in this run_)"
        ));
        assert!(
            output
                .contains("- [ ] Firewall rules limit who can reach the database host (_manual_)")
        );
    }
}
