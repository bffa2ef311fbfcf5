//! The JSON renderer: one object, documented in `SCHEMA.md`.
//!
//! The shape is the renderer's own (the structs below), not the model's `Serialize`, so the
//! schema stays stable when the model grows: a finding's location is flattened into `kind`,
//! `path`, `line` and `column`; `preview` and `length` describe its secret without showing it;
//! `secret` appears only with `show_secrets`. Fields that always exist are always written (as
//! `null` when unknown); optional extras are left out when absent.

use std::collections::BTreeMap;
use std::io::{self, Write};

use preflight_findings::{
    DropReason, Dropped, Finding, History, LocationKind, Redacted, Report, Score, Severity, Stats,
    Warning,
};
use serde::Serialize;

use crate::RenderOptions;

/// The version of the JSON schema in `SCHEMA.md`; bumped on any incompatible change.
const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: Tool<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    root: Option<&'a str>,
    findings: Vec<JsonFinding<'a>>,
    warnings: &'a [Warning],
    stats: &'a Stats,
    scores: &'a [Score],
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    dropped: Option<Vec<JsonDropped<'a>>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    facts: Vec<JsonFact<'a>>,
}

#[derive(Serialize)]
struct JsonFact<'a> {
    id: &'a str,
    kind: LocationKind,
    path: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    message: &'a str,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    id: &'a str,
    severity: Severity,
    message: &'a str,
    kind: LocationKind,
    path: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    fingerprint: &'a str,
    preview: Option<String>,
    length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<&'a History>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    details: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
struct JsonDropped<'a> {
    id: &'a str,
    kind: LocationKind,
    path: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    #[serde(flatten)]
    reason: &'a DropReason,
    explanation: String,
    preview: Option<String>,
    length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
}

#[derive(Serialize)]
struct Summary {
    total: usize,
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

/// The secret's full value, only when the user asked for it.
fn exposed(secret: Option<&Redacted>, show_secrets: bool) -> Option<&str> {
    secret.filter(|_| show_secrets).map(Redacted::expose)
}

fn finding<'a>(finding: &'a Finding, options: &RenderOptions) -> JsonFinding<'a> {
    let secret = finding.secret.as_ref();
    JsonFinding {
        id: &finding.id,
        severity: finding.severity,
        message: &finding.message,
        kind: finding.location.kind,
        path: &finding.location.path,
        line: finding.location.line,
        column: finding.location.column,
        fingerprint: finding.fingerprint.as_str(),
        preview: secret.map(Redacted::preview),
        length: secret.map(Redacted::len),
        secret: exposed(secret, options.show_secrets),
        help: finding.help.as_deref(),
        reference: finding.reference.as_deref(),
        history: finding.history.as_ref(),
        details: &finding.details,
    }
}

fn dropped<'a>(dropped: &'a Dropped, options: &RenderOptions) -> JsonDropped<'a> {
    let secret = dropped.secret.as_ref();
    JsonDropped {
        id: &dropped.id,
        kind: dropped.location.kind,
        path: &dropped.location.path,
        line: dropped.location.line,
        column: dropped.location.column,
        reason: &dropped.reason,
        explanation: dropped.reason.to_string(),
        preview: secret.map(Redacted::preview),
        length: secret.map(Redacted::len),
        secret: exposed(secret, options.show_secrets),
    }
}

fn summary(report: &Report) -> Summary {
    let count = |severity: Severity| {
        report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    Summary {
        total: report.findings.len(),
        critical: count(Severity::Critical),
        high: count(Severity::High),
        medium: count(Severity::Medium),
        low: count(Severity::Low),
        info: count(Severity::Info),
    }
}

/// Writes `report` as one pretty-printed JSON object and a newline.
pub(crate) fn render(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let document = JsonReport {
        version: SCHEMA_VERSION,
        tool: Tool {
            name: "preflight",
            version: &options.tool_version,
        },
        root: options.root.as_deref(),
        findings: report
            .findings
            .iter()
            .map(|f| finding(f, options))
            .collect(),
        warnings: &report.warnings,
        stats: &report.stats,
        scores: &report.scores,
        summary: summary(report),
        dropped: options
            .explain
            .then(|| report.dropped.iter().map(|d| dropped(d, options)).collect()),
        facts: report
            .facts
            .iter()
            .map(|fact| JsonFact {
                id: &fact.id,
                kind: fact.location.kind,
                path: &fact.location.path,
                line: fact.location.line,
                column: fact.location.column,
                message: &fact.message,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;
    use serde_json::Value;

    use super::*;
    use crate::Format;
    use crate::sample::{self, render_to_string};

    #[test]
    fn sample() {
        assert_snapshot!(sample::render(Format::Json, &sample::options()));
    }

    #[test]
    fn sample_explained() {
        assert_snapshot!(sample::render(Format::Json, &sample::explained_options()));
    }

    #[test]
    fn empty() {
        let options = RenderOptions {
            root: None,
            ..sample::options()
        };
        assert_snapshot!(render_to_string(&Report::default(), Format::Json, &options));
    }

    #[test]
    fn secrets_only_when_shown() {
        sample::assert_secrets_only_when_shown(Format::Json);
    }

    #[test]
    fn every_finding_has_the_documented_fields() {
        let value: Value =
            serde_json::from_str(&sample::render(Format::Json, &sample::options())).unwrap();
        let findings = value["findings"].as_array().unwrap();
        assert_eq!(findings.len(), sample::report().findings.len());
        for finding in findings {
            for field in [
                "id",
                "severity",
                "message",
                "kind",
                "path",
                "line",
                "column",
                "fingerprint",
                "preview",
                "length",
            ] {
                assert!(finding.get(field).is_some(), "{field} missing in {finding}");
            }
            assert!(finding.get("secret").is_none());
        }
        assert_eq!(value["summary"]["total"], findings.len());
        assert!(value.get("dropped").is_none());
    }
}
