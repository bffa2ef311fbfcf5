//! The HTML renderer: one self-contained page a team can attach to a release or print.
//!
//! The page needs nothing but itself: the styles are inline (one `<style>` element, with print
//! rules), there are no scripts, fonts, images or links to other hosts, so it reads the same
//! offline, in a mail attachment or on paper. Its order follows the question a reader asks:
//! a summary first (totals by severity, and how far each guide's checklist got), then each
//! guide's checklist with every item's findings under it, or, for a passed item, what the checks
//! saw in order (see `checklist.rs`), then the findings no guide item covers, every finding in a
//! table, scores, warnings and, with `explain`, the dropped candidates.
//!
//! Everything from the scanned input is escaped for HTML after control characters are made
//! visible, so a path or message cannot inject markup; the checklist's own item texts are
//! trusted, and only their code spans are turned into `<code>`.

use std::fmt::Write as _;
use std::io::{self, Write};

use preflight_findings::{Fact, Finding, Location, Report, Severity};

use crate::RenderOptions;
use crate::checklist::{Checklist, Evidence, Guide, Item, Status, looked_at};
use crate::text::{describe_commit, human_bytes, plural, printable, shown, shown_secret};

/// The page's styles: severity colours, the checklist's states, and print rules that keep an
/// item and its findings together and the colours on paper.
const STYLE: &str = r#"
:root { --critical: #7b1020; --high: #c0262d; --medium: #c25e00; --low: #8a6d00; --info: #3a5a8c;
  --pass: #1d7a3a; --fail: #c0262d; --muted: #5f6368; --line: #dadce0; --soft: #f6f7f9; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #202124; margin: 0 auto; padding: 24px 32px 48px; max-width: 1100px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 20px 0 6px; color: #3c4043; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft);
  padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
.meta { color: var(--muted); margin: 0 0 16px; }
.meta span + span::before { content: " · "; }
.summary { display: flex; flex-wrap: wrap; gap: 16px; margin: 16px 0 8px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; flex: 1 1 300px; }
.card h2 { font-size: 15px; margin: 0 0 8px; padding: 0; border: 0; }
.verdict { font-size: 18px; font-weight: 600; margin: 0 0 8px; }
.verdict.bad { color: var(--fail); } .verdict.good { color: var(--pass); }
.counts { display: flex; flex-wrap: wrap; gap: 6px; margin: 0; padding: 0; list-style: none; }
.sev { display: inline-block; min-width: 64px; text-align: center; color: #fff; border-radius: 4px;
  padding: 0 6px; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .03em; }
.sev-critical { background: var(--critical); } .sev-high { background: var(--high); }
.sev-medium { background: var(--medium); } .sev-low { background: var(--low); }
.sev-info { background: var(--info); }
.bar { display: flex; height: 10px; border-radius: 5px; overflow: hidden; background: var(--soft); margin: 6px 0 4px; }
.bar span { display: block; height: 100%; }
.bar .b-pass { background: var(--pass); } .bar .b-fail { background: var(--fail); }
.bar .b-open { background: #bdc1c6; } .bar .b-manual { background: #e8eaed; }
.legend { font-size: 13px; color: var(--muted); margin: 0; }
.guide-title { font-weight: 600; margin: 10px 0 0; }
.guide-title a { color: inherit; text-decoration: none; }
.card h2.sub { margin-top: 14px; }
ul.looked { margin: 0; padding-left: 18px; font-size: 13px; color: #3c4043; }
ul.items { list-style: none; margin: 0; padding: 0; }
li.item { border: 1px solid var(--line); border-left: 6px solid #bdc1c6; border-radius: 6px;
  margin: 6px 0; padding: 8px 12px; break-inside: avoid; }
li.item.passed { border-left-color: var(--pass); }
li.item.quiet { border-left-color: #8fc9a0; }
li.item.failed { border-left-color: var(--fail); background: #fdf4f4; }
li.item.manual { border-left-color: #e8eaed; }
.head { display: flex; gap: 10px; align-items: baseline; }
.state { flex: 0 0 120px; white-space: nowrap; font-size: 12px; font-weight: 700;
  text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.passed > .head .state { color: var(--pass); } .failed > .head .state { color: var(--fail); }
.why { color: var(--muted); font-size: 13px; margin: 4px 0 0 130px; }
ul.evidence, ul.found { margin: 6px 0 0 130px; padding: 0; list-style: none; font-size: 14px; }
ul.evidence li::before { content: "\2713\00a0"; color: var(--pass); font-weight: 700; }
ul.found li.brief { margin: 2px 0; padding: 2px 10px; font-size: 13px; break-inside: avoid; }
ul.found li.brief .sev { min-width: 56px; font-size: 11px; }
ul.evidence li.note::before { content: "i\00a0"; color: var(--info); }
.finding { margin: 6px 0; padding: 6px 10px; background: #fff; border: 1px solid var(--line);
  border-radius: 4px; break-inside: avoid; }
.finding .where { color: var(--muted); }
.finding dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 4px 0 0; font-size: 13px; }
.finding dt { color: var(--muted); } .finding dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: 6px 8px; }
th { background: var(--soft); font-weight: 600; }
tr { break-inside: avoid; }
td.msg { overflow-wrap: anywhere; }
td.sevcol { width: 92px; } td.what { width: 34%; } td.what code { overflow-wrap: anywhere; }
td.what .where { display: block; margin-top: 2px; }
td.secret { width: 150px; overflow-wrap: anywhere; }
ol.first { margin: 8px 0 0; padding-left: 20px; font-size: 13px; }
ol.first li { margin: 2px 0; }
ol.first a { color: inherit; }
.none { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print {
  @page { margin: 14mm 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 10.5pt; padding: 0; max-width: none; }
  h2 { break-after: avoid; } h3 { break-after: avoid; }
  .summary { break-inside: avoid; }
  li.item.failed { background: #fff; break-inside: auto; }
  table { font-size: 9.5pt; } td.what { width: 38%; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// `text` for HTML: control characters made visible, then `&`, `<`, `>` and quotes escaped.
fn escape(text: &str) -> String {
    let text = printable(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `text` as a `<code>` element.
fn code(text: &str) -> String {
    format!("<code>{}</code>", escape(text))
}

/// A checklist item's text (trusted Markdown with code spans) as HTML: escaped, with each
/// backtick-delimited span turned into `<code>`.
fn item_text(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&code(part));
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

/// Text from a check (a message, a fix) as HTML: escaped, with its backtick-delimited spans
/// as `<code>`; an unpaired backtick is kept as it is.
fn prose(text: &str) -> String {
    if text.matches('`').count() % 2 == 1 {
        return escape(text);
    }
    item_text(text)
}

/// `a`, `a and b`, `a, b and c`.
fn words(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `findings`, most severe first, in report order within a severity.
fn by_severity<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<&'a Finding> {
    let mut sorted: Vec<&Finding> = findings.into_iter().collect();
    sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
    sorted
}

/// `findings`, most severe first, those of one code together (in the order the codes first
/// appear), so that the brief lines of a code follow its findings shown in full.
fn grouped<'a>(findings: &[&'a Finding]) -> Vec<&'a Finding> {
    let mut sorted = by_severity(findings.iter().copied());
    let first: Vec<usize> = sorted
        .iter()
        .map(|f| {
            sorted
                .iter()
                .position(|g| g.id == f.id && g.severity == f.severity)
                .unwrap_or(0)
        })
        .collect();
    let mut keyed: Vec<(usize, &Finding)> = first.into_iter().zip(sorted.drain(..)).collect();
    keyed.sort_by_key(|(first, _)| *first);
    keyed.into_iter().map(|(_, f)| f).collect()
}

/// The severity badge of `severity`.
fn badge(severity: Severity) -> String {
    format!("<span class=\"sev sev-{severity}\">{severity}</span>")
}

/// Where something is: `config/settings.py:12:18`, with a break opportunity after each `/`
/// so that a long path wraps between its directories rather than inside a name or a number.
fn place(location: &Location) -> String {
    let parts: Vec<String> = location.to_string().split('/').map(escape).collect();
    format!("<code class=\"place\">{}</code>", parts.join("/<wbr>"))
}

/// How many findings of one code an item shows in full; the rest are listed one line each.
const FULL_PER_CODE: usize = 3;

/// Writes `report` as one HTML page.
pub(crate) fn render(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let checklist = Checklist::embedded();
    let mut page = String::with_capacity(64 * 1024);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let title = match &options.root {
        Some(root) => format!("preflight report: {}", escape(root)),
        None => "preflight report".to_string(),
    };
    let _ = writeln!(page, "<title>{title}</title>");
    let _ = writeln!(page, "<style>{STYLE}</style>\n</head>\n<body>");
    write_header(&mut page, report, options);
    let homes = homes(&checklist, report);
    write_summary(&mut page, &checklist, report, &homes, options);
    for (index, guide) in checklist.guides.iter().enumerate() {
        write_guide(&mut page, index, &checklist, guide, report, options);
    }
    write_uncovered(&mut page, report, &homes, options);
    write_findings_table(&mut page, report, options);
    write_scores(&mut page, report);
    write_warnings(&mut page, report);
    if options.explain {
        write_dropped(&mut page, report, options);
    }
    let _ = writeln!(
        page,
        "<footer>Generated by preflight{}. Secret values are shown {}.</footer>\n</body>\n</html>",
        if options.tool_version.is_empty() {
            String::new()
        } else {
            format!(" {}", escape(&options.tool_version))
        },
        if options.show_secrets {
            "in full (--show-secrets)"
        } else {
            "only as a prefix and a length"
        }
    );
    out.write_all(page.as_bytes())
}

fn write_header(page: &mut String, report: &Report, options: &RenderOptions) {
    page.push_str("<header>\n<h1>preflight report</h1>\n<p class=\"meta\">");
    if let Some(root) = &options.root {
        let _ = write!(page, "<span>Root {}</span>", code(root));
    }
    let checks = if options.checks_run.is_empty() {
        "none recorded".to_string()
    } else {
        escape(&options.checks_run.join(", "))
    };
    let _ = write!(page, "<span>Checks run: {checks}</span>");
    let stats = &report.stats;
    if stats.scanned > 0 || stats.bytes > 0 {
        let _ = write!(
            page,
            "<span>Scanned {} ({})</span>",
            plural(stats.scanned as usize, "file", "files"),
            human_bytes(stats.bytes)
        );
    }
    if stats.skipped > 0 {
        let _ = write!(page, "<span>{} skipped</span>", stats.skipped);
    }
    if stats.capped > 0 {
        let _ = write!(
            page,
            "<span>{} findings capped (counted, not listed)</span>",
            stats.capped
        );
    }
    page.push_str("</p>\n</header>\n");
}

/// How the items of one guide stand.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    open: usize,
    manual: usize,
}

impl Tally {
    fn of(statuses: &[Status]) -> Tally {
        let mut tally = Tally::default();
        for status in statuses {
            match status {
                Status::Passed | Status::PartlyChecked { .. } => tally.passed += 1,
                Status::Failed { .. } => tally.failed += 1,
                Status::NotChecked => tally.open += 1,
                Status::Manual => tally.manual += 1,
            }
        }
        tally
    }

    fn total(&self) -> usize {
        self.passed + self.failed + self.open + self.manual
    }

    fn line(&self) -> String {
        format!(
            "{} passed, {} failed, {} not checked in this run, {} for a person to confirm",
            self.passed, self.failed, self.open, self.manual
        )
    }
}

fn statuses<'a>(
    checklist: &Checklist,
    guide: &'a Guide,
    report: &'a Report,
    options: &'a RenderOptions,
) -> Vec<Status<'a>> {
    guide
        .items
        .iter()
        .map(|item| checklist.status(item, report, &options.checks_run))
        .collect()
}

fn write_summary(
    page: &mut String,
    checklist: &Checklist,
    report: &Report,
    homes: &[Option<String>],
    options: &RenderOptions,
) {
    page.push_str(
        "<section class=\"summary\" id=\"summary\">\n<div class=\"card\">\n<h2>Findings</h2>\n",
    );
    let problems = report
        .findings
        .iter()
        .filter(|f| f.severity > Severity::Info)
        .count();
    if problems == 0 {
        page.push_str("<p class=\"verdict good\">No problems found</p>\n");
    } else {
        let _ = writeln!(
            page,
            "<p class=\"verdict bad\">{}</p>",
            plural(problems, "problem found", "problems found")
        );
    }
    page.push_str("<ul class=\"counts\">");
    for (severity, count) in report.counts().into_iter().rev() {
        let _ = write!(page, "<li>{} {count}</li>", badge(severity));
    }
    page.push_str("</ul>\n");
    write_fix_first(page, report, homes);
    if !report.warnings.is_empty() {
        let _ = writeln!(
            page,
            "<p class=\"legend\"><a href=\"#warnings\">{}</a>: inputs that could not be checked in full</p>",
            plural(report.warnings.len(), "warning", "warnings")
        );
    }
    let looked = looked_at(report);
    if !looked.is_empty() {
        page.push_str("<h2 class=\"sub\">What was checked</h2>\n<ul class=\"looked\">");
        for fact in looked {
            let _ = write!(
                page,
                "<li><b>{}</b> {}: {}</li>",
                escape(&fact.id),
                place(&fact.location),
                prose(&fact.message)
            );
        }
        page.push_str("</ul>\n");
    }
    page.push_str("</div>\n<div class=\"card\">\n<h2>Checklists</h2>\n");
    for (index, guide) in checklist.guides.iter().enumerate() {
        let tally = Tally::of(&statuses(checklist, guide, report, options));
        let total = tally.total().max(1) as f64;
        let _ = writeln!(
            page,
            "<p class=\"guide-title\"><a href=\"#guide-{index}\">{}</a></p>",
            escape(&guide.title)
        );
        page.push_str("<div class=\"bar\">");
        for (class, n) in [
            ("b-pass", tally.passed),
            ("b-fail", tally.failed),
            ("b-open", tally.open),
            ("b-manual", tally.manual),
        ] {
            if n > 0 {
                let _ = write!(
                    page,
                    "<span class=\"{class}\" style=\"width:{:.2}%\"></span>",
                    n as f64 * 100.0 / total
                );
            }
        }
        let _ = writeln!(page, "</div>\n<p class=\"legend\">{}</p>", tally.line());
    }
    page.push_str("</div>\n</section>\n");
}

/// For each finding of `report`, in order, the anchor of the first checklist item it belongs
/// to, or `None` when no item covers it.
fn homes(checklist: &Checklist, report: &Report) -> Vec<Option<String>> {
    report
        .findings
        .iter()
        .map(|finding| {
            checklist.guides.iter().enumerate().find_map(|(g, guide)| {
                guide
                    .items
                    .iter()
                    .position(|item| checklist.covers(item, finding))
                    .map(|i| format!("item-{g}-{i}"))
            })
        })
        .collect()
}

/// How many findings the summary lists as the ones to fix first.
const FIX_FIRST: usize = 5;

/// The most severe problems, each linked to the first checklist item it fails (or to the
/// other findings).
fn write_fix_first(page: &mut String, report: &Report, homes: &[Option<String>]) {
    // One line per code, at its most severe finding, with how many findings share it.
    let mut firsts: Vec<(usize, usize)> = Vec::new();
    for (index, finding) in report.findings.iter().enumerate() {
        if finding.severity <= Severity::Info {
            continue;
        }
        match firsts
            .iter_mut()
            .find(|(first, _)| report.findings[*first].id == finding.id)
        {
            Some((first, count)) => {
                *count += 1;
                if finding.severity > report.findings[*first].severity {
                    *first = index;
                }
            }
            None => firsts.push((index, 1)),
        }
    }
    if firsts.is_empty() {
        return;
    }
    firsts.sort_by_key(|&(index, count)| {
        (
            std::cmp::Reverse(report.findings[index].severity),
            std::cmp::Reverse(count),
        )
    });
    let _ = write!(
        page,
        "<p class=\"legend\">{}:</p>\n<ol class=\"first\">",
        if firsts.len() > FIX_FIRST {
            format!(
                "Fix first ({FIX_FIRST} of {} kinds of problem)",
                firsts.len()
            )
        } else {
            "Fix first".to_string()
        }
    );
    for (index, count) in firsts.into_iter().take(FIX_FIRST) {
        let finding = &report.findings[index];
        let anchor = homes[index].as_deref().unwrap_or("other");
        let more = if count > 1 {
            format!(" and {} more", count - 1)
        } else {
            String::new()
        };
        let _ = write!(
            page,
            "<li>{} <a href=\"#{anchor}\">{}</a> <span class=\"where\">at {}{more}</span></li>",
            badge(finding.severity),
            code(&finding.id),
            place(&finding.location)
        );
    }
    page.push_str("</ol>\n");
}

fn write_guide(
    page: &mut String,
    index: usize,
    checklist: &Checklist,
    guide: &Guide,
    report: &Report,
    options: &RenderOptions,
) {
    let statuses = statuses(checklist, guide, report, options);
    let _ = writeln!(
        page,
        "<section class=\"guide\" id=\"guide-{index}\">\n<h2>Checklist: {}</h2>\n<p class=\"legend\">{}</p>",
        escape(&guide.title),
        Tally::of(&statuses).line()
    );
    let mut section: Option<&str> = None;
    for (number, (item, status)) in guide.items.iter().zip(&statuses).enumerate() {
        if section != Some(item.section.as_str()) {
            if section.is_some() {
                page.push_str("</ul>\n");
            }
            let _ = writeln!(
                page,
                "<h3>{}</h3>\n<ul class=\"items\">",
                escape(&item.section)
            );
            section = Some(&item.section);
        }
        let anchor = format!("item-{index}-{number}");
        write_item(page, &anchor, checklist, item, status, report, options);
    }
    if section.is_some() {
        page.push_str("</ul>\n");
    }
    page.push_str("</section>\n");
}

fn write_item(
    page: &mut String,
    anchor: &str,
    checklist: &Checklist,
    item: &Item,
    status: &Status,
    report: &Report,
    options: &RenderOptions,
) {
    // A pass is only as good as what was seen: without evidence it says nothing was found.
    let evidence = checklist.evidence(item, report);
    let (class, state) = match status {
        Status::Passed | Status::PartlyChecked { .. } if evidence.is_empty() => {
            ("passed quiet", "Nothing found")
        }
        Status::Passed => ("passed", "Passed"),
        Status::PartlyChecked { .. } => ("passed", "Partly passed"),
        Status::Failed { .. } => ("failed", "Failed"),
        Status::NotChecked => ("open", "Not checked"),
        Status::Manual => ("manual", "For a person"),
    };
    let _ = write!(
        page,
        "<li class=\"item {class}\" id=\"{anchor}\"><div class=\"head\"><span class=\"state\">{state}</span><span>{}</span></div>",
        item_text(&item.text)
    );
    match status {
        Status::Failed { findings } => {
            page.push_str("<ul class=\"found\">");
            let mut shown: Vec<(&str, usize)> = Vec::new();
            for finding in grouped(findings) {
                let count = match shown.iter_mut().find(|(id, _)| *id == finding.id) {
                    Some((_, count)) => {
                        *count += 1;
                        *count
                    }
                    None => {
                        shown.push((&finding.id, 1));
                        1
                    }
                };
                if count > FULL_PER_CODE {
                    page.push_str("<li class=\"brief\">");
                    write_brief(page, finding, options);
                } else {
                    page.push_str("<li>");
                    write_finding(page, finding, options);
                }
                page.push_str("</li>");
            }
            page.push_str("</ul>");
        }
        Status::Passed | Status::PartlyChecked { .. } => {
            let missing: &[&str] = match status {
                Status::PartlyChecked { missing } => missing,
                _ => &[],
            };
            let ran: Vec<&str> = item
                .checks
                .iter()
                .map(String::as_str)
                .filter(|c| !missing.contains(c))
                .collect();
            let mut why = format!("Checked by {}", escape(&words(&ran)));
            if !missing.is_empty() {
                let _ = write!(why, " ({} did not run)", escape(&words(missing)));
            }
            if evidence.is_empty() {
                why.push_str("; nothing found.");
            } else {
                why.push('.');
            }
            let _ = write!(page, "<p class=\"why\">{why}</p>");
            write_evidence(page, &evidence);
        }
        Status::NotChecked => {
            let checks: Vec<&str> = item.checks.iter().map(String::as_str).collect();
            let _ = write!(
                page,
                "<p class=\"why\">Needs the {} {}, which did not run or found nothing to judge.</p>",
                escape(&words(&checks)),
                if checks.len() == 1 { "check" } else { "checks" }
            );
        }
        Status::Manual => {}
    }
    page.push_str("</li>\n");
}

fn write_evidence(page: &mut String, evidence: &Evidence) {
    if evidence.is_empty() {
        return;
    }
    page.push_str("<ul class=\"evidence\">");
    for fact in &evidence.facts {
        let _ = write!(page, "<li>{}</li>", fact_line(fact));
    }
    for note in &evidence.notes {
        let _ = write!(
            page,
            "<li class=\"note\">{}: {} <span class=\"where\">({})</span></li>",
            code(&note.id),
            prose(&note.message),
            place(&note.location)
        );
    }
    page.push_str("</ul>");
}

fn fact_line(fact: &Fact) -> String {
    format!(
        "{} <span class=\"where\">at {}</span>",
        prose(&fact.message),
        place(&fact.location)
    )
}

/// One finding: severity, id, place and message, then what to do and, for a secret, its
/// preview (its value only with `show_secrets`) and where it entered history.
fn write_finding(page: &mut String, finding: &Finding, options: &RenderOptions) {
    let _ = write!(
        page,
        "<div class=\"finding\">{} {} <span class=\"where\">at {}</span><br>{}",
        badge(finding.severity),
        code(&finding.id),
        place(&finding.location),
        prose(&finding.message)
    );
    let mut rows: Vec<(&str, String)> = Vec::new();
    if let Some(secret) = shown_secret(finding, options.show_secrets) {
        rows.push(("secret", code(&secret)));
    }
    if let Some(history) = &finding.history {
        rows.push(("introduced", escape(&describe_commit(&history.introduced))));
        if let Some(removed) = &history.removed {
            rows.push(("removed", escape(&describe_commit(removed))));
        }
        rows.push((
            "still in",
            escape(match (history.in_head, history.in_worktree) {
                (true, _) => "HEAD",
                (false, Some(true)) => "the working tree",
                _ => "history only",
            }),
        ));
    }
    if let Some(help) = &finding.help {
        rows.push(("fix", prose(help)));
    }
    if let Some(reference) = &finding.reference {
        rows.push(("reference", escape(reference)));
    }
    if !rows.is_empty() {
        page.push_str("<dl>");
        for (label, value) in rows {
            let _ = write!(page, "<dt>{label}</dt><dd>{value}</dd>");
        }
        page.push_str("</dl>");
    }
    page.push_str("</div>");
}

/// A finding on one line, after others of its code were shown in full with their fix: severity,
/// code, place and message, and a secret's preview.
fn write_brief(page: &mut String, finding: &Finding, options: &RenderOptions) {
    let secret = shown_secret(finding, options.show_secrets)
        .map(|value| format!(" <span class=\"where\">secret</span> {}", code(&value)))
        .unwrap_or_default();
    let _ = write!(
        page,
        "{} {} <span class=\"where\">at {}</span> {}{secret}",
        badge(finding.severity),
        code(&finding.id),
        place(&finding.location),
        prose(&finding.message)
    );
}

/// Findings that no guide item covers, so that grouping by item loses none.
fn write_uncovered(
    page: &mut String,
    report: &Report,
    homes: &[Option<String>],
    options: &RenderOptions,
) {
    let uncovered: Vec<&Finding> = report
        .findings
        .iter()
        .zip(homes)
        .filter(|(f, home)| f.severity > Severity::Info && home.is_none())
        .map(|(f, _)| f)
        .collect();
    if uncovered.is_empty() {
        return;
    }
    let _ = writeln!(
        page,
        "<section id=\"other\">\n<h2>Other findings</h2>\n<p class=\"legend\">{} that no guide item covers.</p>",
        plural(uncovered.len(), "finding", "findings")
    );
    for finding in by_severity(uncovered) {
        write_finding(page, finding, options);
    }
    page.push_str("</section>\n");
}

fn write_findings_table(page: &mut String, report: &Report, options: &RenderOptions) {
    page.push_str("<section id=\"findings\">\n<h2>All findings</h2>\n");
    if report.findings.is_empty() {
        page.push_str("<p class=\"none\">No findings.</p>\n</section>\n");
        return;
    }
    // The secret column only when some finding holds a secret.
    let secrets = report.findings.iter().any(|f| f.secret.is_some());
    let _ = writeln!(
        page,
        "<table>\n<thead><tr><th>Severity</th><th>Finding</th><th>Message</th>{}</tr></thead>\n<tbody>",
        if secrets { "<th>Secret</th>" } else { "" }
    );
    for finding in by_severity(&report.findings) {
        let secret = if secrets {
            let value = shown_secret(finding, options.show_secrets)
                .map(|value| code(&value))
                .unwrap_or_default();
            format!("<td class=\"secret\">{value}</td>")
        } else {
            String::new()
        };
        let _ = writeln!(
            page,
            "<tr><td class=\"sevcol\">{}</td><td class=\"what\">{}<span class=\"where\">{}</span></td><td class=\"msg\">{}</td>{secret}</tr>",
            badge(finding.severity),
            code(&finding.id),
            place(&finding.location),
            prose(&finding.message)
        );
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

fn write_scores(page: &mut String, report: &Report) {
    if report.scores.is_empty() {
        return;
    }
    page.push_str("<section id=\"scores\">\n<h2>Scores</h2>\n");
    for score in &report.scores {
        let _ = writeln!(
            page,
            "<h3>{}: grade {}, score {}</h3>\n<table>\n<thead><tr><th>Points</th><th>Id</th><th>Why</th></tr></thead>\n<tbody>",
            code(&score.target),
            escape(&score.grade),
            score.score
        );
        for modifier in &score.modifiers {
            let _ = writeln!(
                page,
                "<tr><td>{:+}</td><td>{}</td><td class=\"msg\">{}</td></tr>",
                modifier.points,
                code(&modifier.id),
                escape(&modifier.reason)
            );
        }
        page.push_str("</tbody>\n</table>\n");
    }
    page.push_str("</section>\n");
}

fn write_warnings(page: &mut String, report: &Report) {
    if report.warnings.is_empty() {
        return;
    }
    page.push_str("<section id=\"warnings\">\n<h2>Warnings</h2>\n<ul>\n");
    for warning in &report.warnings {
        let at = match (&warning.path, warning.line) {
            (Some(path), Some(line)) => format!("{}: ", code(&format!("{path}:{line}"))),
            (Some(path), None) => format!("{}: ", code(path)),
            _ => String::new(),
        };
        let _ = writeln!(page, "<li>{at}{}</li>", escape(&warning.message));
    }
    page.push_str("</ul>\n</section>\n");
}

fn write_dropped(page: &mut String, report: &Report, options: &RenderOptions) {
    page.push_str("<section id=\"dropped\">\n<h2>Dropped candidates</h2>\n");
    if report.dropped.is_empty() {
        page.push_str("<p class=\"none\">None.</p>\n</section>\n");
        return;
    }
    page.push_str("<table>\n<thead><tr><th>Id</th><th>Location</th><th>Why</th><th>Value</th></tr></thead>\n<tbody>\n");
    for dropped in &report.dropped {
        let value = dropped
            .secret
            .as_ref()
            .map(|secret| code(&shown(secret, options.show_secrets)))
            .unwrap_or_default();
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>{}</td><td class=\"msg\">{}</td><td>{value}</td></tr>",
            code(&dropped.id),
            place(&dropped.location),
            escape(&dropped.reason.to_string())
        );
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;
    use scraper::{Html, Selector};

    use super::*;
    use crate::Format;
    use crate::sample::{self, render_to_string};

    #[test]
    fn sample() {
        assert_snapshot!(sample::render(Format::Html, &sample::options()));
    }

    #[test]
    fn sample_explained() {
        assert_snapshot!(sample::render(Format::Html, &sample::explained_options()));
    }

    #[test]
    fn empty() {
        let options = RenderOptions {
            root: None,
            checks_run: Vec::new(),
            ..sample::options()
        };
        assert_snapshot!(render_to_string(&Report::default(), Format::Html, &options));
    }

    #[test]
    fn secrets_only_when_shown() {
        sample::assert_secrets_only_when_shown(Format::Html);
    }

    /// Parses `html` as a browser would, failing on every parse error the HTML standard
    /// defines.
    fn parse_strictly(html: &str) -> Html {
        let document = Html::parse_document(html);
        assert!(
            document.errors.is_empty(),
            "parse errors: {:?}",
            document.errors
        );
        document
    }

    fn select<'a>(document: &'a Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
        let selector = Selector::parse(selector).expect("a valid selector");
        document.select(&selector).collect()
    }

    #[test]
    fn the_page_is_well_formed_and_self_contained() {
        for options in [
            sample::options(),
            sample::explained_options(),
            RenderOptions {
                show_secrets: true,
                ..sample::explained_options()
            },
        ] {
            let html = sample::render(Format::Html, &options);
            let document = parse_strictly(&html);
            assert!(select(&document, "script").is_empty());
            assert!(select(&document, "link").is_empty());
            assert!(select(&document, "img, iframe, object, embed").is_empty());
            assert_eq!(select(&document, "style").len(), 1);
            for link in select(&document, "a[href]") {
                let href = link.value().attr("href").unwrap();
                assert!(href.starts_with('#'), "a link leaves the page: {href}");
            }
            assert!(html.contains("@media print"));
            assert!(!html.contains("url("), "no fetched resources");
        }
        parse_strictly(&render_to_string(
            &Report::default(),
            Format::Html,
            &sample::options(),
        ));
    }

    #[test]
    fn findings_are_grouped_under_the_items_they_fail() {
        let html = sample::render(Format::Html, &sample::options());
        let document = parse_strictly(&html);
        let failed = select(&document, "li.item.failed");
        let stripe_item = failed
            .iter()
            .find(|li| {
                li.text()
                    .collect::<String>()
                    .contains("No Stripe, Twilio or OpenAI credential")
            })
            .expect("the API-key item failed");
        let text: String = stripe_item.text().collect();
        assert!(text.contains("stripe.secret-key"), "{text}");
        assert!(text.contains("openai.project-key"), "{text}");
        assert!(!text.contains("git.env-tracked"), "{text}");
        // Colours follow severity.
        let badges = select(&document, "li.item.failed .sev-critical");
        assert!(!badges.is_empty());
        // A summary comes first.
        let summary = html.find("id=\"summary\"").unwrap();
        assert!(summary < html.find("id=\"guide-0\"").unwrap());
        assert!(html.contains("problems found"));
    }

    #[test]
    fn passed_items_show_their_evidence() {
        let html = sample::render(Format::Html, &sample::options());
        let document = parse_strictly(&html);
        let passed = select(&document, "li.item.passed");
        let files = passed
            .iter()
            .find(|li| {
                li.text()
                    .collect::<String>()
                    .contains("Files and directories named in the settings exist")
            })
            .expect("the paths item passed");
        let text: String = files.text().collect();
        assert!(text.contains("MEDIA_ROOT"), "{text}");
        assert!(text.contains(".env.production:9"), "{text}");
        assert!(text.contains("Checked by env"), "{text}");
    }

    #[test]
    fn fix_first_names_each_kind_of_problem_once() {
        let mut report = sample::report();
        let placeholder = report
            .findings
            .iter()
            .find(|f| f.id == "env.placeholder")
            .unwrap()
            .clone();
        for line in [8, 9] {
            let mut more = placeholder.clone();
            more.location.line = Some(line);
            report.findings.push(more);
        }
        report.sort();
        let html = render_to_string(&report, Format::Html, &sample::options());
        let document = parse_strictly(&html);
        let first: Vec<String> = select(&document, "ol.first li")
            .iter()
            .map(|li| li.text().collect())
            .collect();
        assert_eq!(first.len(), 5, "{first:?}");
        assert_eq!(
            first
                .iter()
                .filter(|l| l.contains("env.placeholder"))
                .count(),
            1,
            "{first:?}"
        );
        assert!(
            first
                .iter()
                .any(|l| l.contains("env.placeholder") && l.contains("and 2 more")),
            "{first:?}"
        );
        assert!(first[0].contains("stripe.secret-key"), "most severe first");
    }

    #[test]
    fn many_findings_of_one_code_are_listed_briefly_after_the_first_few() {
        let mut report = sample::report();
        let placeholder = report
            .findings
            .iter()
            .find(|f| f.id == "env.placeholder")
            .unwrap()
            .clone();
        for line in 20..25 {
            let mut more = placeholder.clone();
            more.location.line = Some(line);
            report.findings.push(more);
        }
        report.sort();
        let html = render_to_string(&report, Format::Html, &sample::options());
        let document = parse_strictly(&html);
        let item = select(&document, "li.item.failed")
            .into_iter()
            .find(|li| {
                li.text()
                    .collect::<String>()
                    .contains("No placeholder or example value is left")
            })
            .expect("the placeholder item failed");
        let inner = Html::parse_fragment(&item.html());
        let full = select(&inner, "div.finding");
        let brief = select(&inner, "li.brief");
        assert_eq!(full.len(), FULL_PER_CODE, "{}", item.html());
        assert_eq!(full.len() + brief.len(), 6, "every finding is still listed");
        let line: String = brief[0].text().collect();
        assert!(line.contains("env.placeholder"), "{line}");
        assert!(line.contains(".env.production:"), "{line}");
        assert!(!line.contains("fix"), "the fix was given above: {line}");
    }

    #[test]
    fn an_item_s_findings_of_one_code_stay_together() {
        let at = |id: &str, severity: Severity, line: u32| {
            Finding::new(id, severity, "m", Location::file("a.py", line, 1), "k")
        };
        let findings = [
            at("x.a", Severity::High, 1),
            at("x.b", Severity::High, 2),
            at("x.c", Severity::Low, 3),
            at("x.a", Severity::High, 4),
            at("x.b", Severity::Critical, 5),
        ];
        let refs: Vec<&Finding> = findings.iter().collect();
        let order: Vec<(String, u32)> = grouped(&refs)
            .into_iter()
            .map(|f| (f.id.clone(), f.location.line.unwrap()))
            .collect();
        let expected = [("x.b", 5), ("x.a", 1), ("x.a", 4), ("x.b", 2), ("x.c", 3)]
            .map(|(id, line)| (id.to_string(), line));
        assert_eq!(order, expected);
    }

    #[test]
    fn paths_wrap_between_directories() {
        let location = Location::file("a/b<c>/settings.py", 12, 3);
        assert_eq!(
            place(&location),
            "<code class=\"place\">a/<wbr>b&lt;c&gt;/<wbr>settings.py:12:3</code>"
        );
    }

    #[test]
    fn lists_of_checks_read_as_prose() {
        assert_eq!(words(&[]), "");
        assert_eq!(words(&["git"]), "git");
        assert_eq!(words(&["git", "env"]), "git and env");
        assert_eq!(words(&["git", "env", "db"]), "git, env and db");
    }

    #[test]
    fn input_text_cannot_inject_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            item_text("`.env` is <ignored>"),
            "<code>.env</code> is &lt;ignored&gt;"
        );
        assert_eq!(prose("a `<b>` c"), "a <code>&lt;b&gt;</code> c");
        assert_eq!(prose("odd ` tick <x>"), "odd ` tick &lt;x&gt;");
        let mut report = sample::report();
        report.findings[0].message = "</div><script>alert(1)</script>".to_string().into();
        report.findings[0].location.path = "<img src=x onerror=alert(1)>".to_string();
        let html = render_to_string(&report, Format::Html, &sample::options());
        let document = parse_strictly(&html);
        assert!(select(&document, "script").is_empty());
        assert!(select(&document, "img").is_empty());
    }
}
