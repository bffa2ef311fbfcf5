//! `preflight web URL...`: checks live sites and grades each.
//!
//! Human, SARIF and Markdown output go through the shared renderers with every site's findings
//! and scores in one report. JSON is written here instead, because `preflight web --format json`
//! promises one object per site with the grade at the top (`url`, `score`, `grade`,
//! `modifiers`, `findings`, `warnings`), and an array of such objects when several sites are
//! given; the shared filters (disabled codes, severity overrides, allowlists, baseline,
//! `--min-severity`) apply to each site's findings all the same.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use preflight_findings::{Outcome, Report, Severity, Sink};
use preflight_report::RuleDoc;
use preflight_web::{CODES, Options, Scanner};
use serde::Serialize;

use crate::cli::{FormatArg, GlobalArgs};
use crate::config::Config;
use crate::output;

/// Arguments of `preflight web`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sites to check (`https://example.com/`, or `http://` to follow its redirects);
    /// default: the `urls` of the `[web]` configuration section.
    #[arg(value_name = "URL")]
    pub urls: Vec<String>,
    /// Judge certificate chains against the CA certificates in this PEM file instead of the
    /// system's roots.
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Connect and read timeout, in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Port of the http:// redirect probe for https:// URLs (default 80).
    #[arg(long, value_name = "PORT")]
    pub http_port: Option<u16>,
}

/// Runs `preflight web`.
pub fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let config = Config::load(global.config.as_deref(), &cwd)?;
    let urls = if args.urls.is_empty() {
        config.web.urls.clone()
    } else {
        args.urls.clone()
    };
    if urls.is_empty() {
        anyhow::bail!("no URL given, and no `urls` in the [web] section of the configuration");
    }
    let options = Options {
        timeout: Duration::from_secs(args.timeout.unwrap_or(config.web.timeout_seconds).max(1)),
        ca_file: args
            .ca
            .clone()
            .or_else(|| config.web.ca.as_deref().map(|ca| config.resolve(ca))),
        http_port: args.http_port.or(config.web.http_port),
    };
    let scanner = Scanner::new(options)?;
    let mut sites = Vec::new();
    for url in &urls {
        if !global.quiet && global.format == FormatArg::Human {
            output::notice(global, &format!("checking {url}"));
        }
        sites.push((url.clone(), scanner.scan(url)));
    }
    if global.format == FormatArg::Json {
        return json(global, &config, sites);
    }
    let mut all = Outcome::default();
    for (_, outcome) in sites {
        all.merge(outcome);
    }
    let context = output::Context {
        rules: rule_docs(),
        checks_run: vec!["web".to_string()],
        root: None,
    };
    output::report(global, &config, all, context)
}

fn rule_docs() -> Vec<RuleDoc> {
    CODES
        .iter()
        .map(|code| RuleDoc {
            id: code.id.to_string(),
            name: code.id.to_string(),
            description: code.description.to_string(),
            help_uri: None,
            severity: code.severity,
        })
        .collect()
}

/// One site in the JSON output.
#[derive(Serialize)]
struct Site<'a> {
    url: &'a str,
    score: Option<i32>,
    grade: Option<&'a str>,
    modifiers: &'a [preflight_findings::ScoreModifier],
    findings: &'a [preflight_findings::Finding],
    warnings: &'a [preflight_findings::Warning],
}

fn json(
    global: &GlobalArgs,
    config: &Config,
    sites: Vec<(String, Outcome)>,
) -> anyhow::Result<ExitCode> {
    let filters = output::filters(global, config)?;
    let reports: Vec<(String, Report)> = sites
        .into_iter()
        .map(|(url, outcome)| {
            let mut sink = Sink::new(filters.clone());
            sink.accept(outcome);
            let mut report = sink.finish();
            report.scrub_for_display();
            (preflight_findings::scrub(&url).into_owned(), report)
        })
        .collect();
    let objects: Vec<Site<'_>> = reports
        .iter()
        .map(|(url, report)| {
            let score = report.scores.first();
            Site {
                url,
                score: score.map(|s| s.score),
                grade: score.map(|s| s.grade.as_str()),
                modifiers: score.map_or(&[][..], |s| &s.modifiers[..]),
                findings: &report.findings,
                warnings: &report.warnings,
            }
        })
        .collect();
    let mut text = if objects.len() == 1 {
        serde_json::to_string_pretty(&objects[0])?
    } else {
        serde_json::to_string_pretty(&objects)?
    };
    text.push('\n');
    match &global.output {
        Some(path) => output::write_private(path, text.as_bytes())
            .with_context(|| format!("cannot write the report to {}", path.display()))?,
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
    }
    for (_, report) in &reports {
        for warning in &report.warnings {
            output::notice(global, &format!("warning: {warning}"));
        }
    }
    let fail_on = global.fail_on.or(config.fail_on).unwrap_or(Severity::Low);
    let fails = reports.iter().any(|(_, r)| r.fails(fail_on));
    Ok(if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
