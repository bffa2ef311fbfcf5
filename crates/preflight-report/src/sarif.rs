//! The SARIF 2.1.0 renderer, for code-scanning upload.
//!
//! One run whose driver is `preflight`, with a rule for every id in the caller's rule table plus
//! any id that appears in the report without one (so every `ruleIndex` is valid). Each finding
//! becomes a result whose level follows its severity (critical and high are errors, medium a
//! warning, low and info notes), with the finding's fingerprint under `partialFingerprints` and
//! its severity, preview and history under `properties`; the secret itself only with
//! `show_secrets`.
//!
//! Locations: files (working tree, staged, history) are URIs relative to `%SRCROOT%`, which
//! `originalUriBaseIds` maps to the scanned root; URLs are absolute URIs; databases, environment
//! variables, standard input and the project are logical locations. Columns count Unicode code
//! points, which the run declares in `columnKind`. Warnings become tool execution notifications;
//! with `explain`, dropped candidates become suppressed results saying why.
//!
//! Built as `serde_json::Value`s: the document is a tree of small objects most of whose fields are
//! optional, and only a subset of SARIF is written, so typed bindings of the whole standard would
//! be far larger than this module.

use std::collections::BTreeMap;
use std::io::{self, Write};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use preflight_findings::{
    DropReason, Dropped, Finding, Location, LocationKind, Redacted, Report, Severity, Warning,
};
use serde_json::{Map, Value, json};

use crate::text::shown;
use crate::{RenderOptions, RuleDoc};

/// Where the schema of the SARIF version written lives.
const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The base id relative file URIs hang from.
const SRCROOT: &str = "%SRCROOT%";
/// The key of preflight's fingerprint in `partialFingerprints`.
const FINGERPRINT_KEY: &str = "preflightFingerprint/v1";

/// Characters percent-encoded in a relative path: controls, space and the characters that have a
/// meaning in a URI or are not allowed in one (`/` stays a separator).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The SARIF level of a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The score code-scanning services sort and label alerts by (`security-severity`).
fn security_severity(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("3.0"),
        Severity::Info => None,
    }
}

/// The rule table: the caller's rules, then a plain entry for each id of the report that the
/// table lacks, with each id's index.
struct Rules {
    docs: Vec<RuleDoc>,
    index: BTreeMap<String, usize>,
}

impl Rules {
    fn new(report: &Report, options: &RenderOptions) -> Self {
        let mut rules = Rules {
            docs: Vec::new(),
            index: BTreeMap::new(),
        };
        for doc in &options.rules {
            rules.add(doc.clone());
        }
        for finding in &report.findings {
            rules.add_missing(&finding.id, finding.severity);
        }
        if options.explain {
            for dropped in &report.dropped {
                rules.add_missing(&dropped.id, Severity::Info);
            }
        }
        rules
    }

    fn add(&mut self, doc: RuleDoc) {
        if !self.index.contains_key(&doc.id) {
            self.index.insert(doc.id.clone(), self.docs.len());
            self.docs.push(doc);
        }
    }

    fn add_missing(&mut self, id: &str, severity: Severity) {
        self.add(RuleDoc {
            id: id.to_string(),
            name: id.to_string(),
            description: format!("preflight check `{id}`"),
            help_uri: None,
            severity,
        });
    }

    fn index_of(&self, id: &str) -> usize {
        self.index[id]
    }

    fn severity_of(&self, id: &str) -> Severity {
        self.docs[self.index_of(id)].severity
    }
}

fn rule_json(doc: &RuleDoc) -> Value {
    let mut properties = Map::new();
    properties.insert("severity".into(), json!(doc.severity));
    properties.insert("tags".into(), json!(["security"]));
    if let Some(score) = security_severity(doc.severity) {
        properties.insert("security-severity".into(), json!(score));
    }
    let mut rule = json!({
        "id": doc.id,
        "name": doc.name,
        "shortDescription": { "text": doc.description },
        "defaultConfiguration": { "level": level(doc.severity) },
        "properties": properties,
    });
    if let Some(uri) = &doc.help_uri {
        rule["helpUri"] = json!(uri);
    }
    rule
}

/// A relative path as a URI reference.
fn relative_uri(path: &str) -> String {
    utf8_percent_encode(&path.replace('\\', "/"), PATH).to_string()
}

/// The scanned root as the absolute directory URI `%SRCROOT%` stands for (or a relative
/// reference when the root is relative).
fn root_uri(root: &str) -> String {
    let mut path = root.replace('\\', "/");
    if !path.ends_with('/') {
        path.push('/');
    }
    if path.starts_with('/') {
        format!("file://{}", relative_uri(&path))
    } else if path.as_bytes().get(1) == Some(&b':') {
        // A Windows drive path, `C:/src/`.
        format!("file:///{}", relative_uri(&path))
    } else {
        relative_uri(&path)
    }
}

fn region(location: &Location) -> Option<Value> {
    let line = location.line?;
    let mut region = json!({ "startLine": line.max(1) });
    if let Some(column) = location.column {
        region["startColumn"] = json!(column.max(1));
    }
    Some(region)
}

/// A SARIF location object for `location`.
fn location_json(location: &Location) -> Value {
    let logical = |kind: &str, name: &str| json!({ "logicalLocations": [{ "name": name, "fullyQualifiedName": name, "kind": kind }] });
    match location.kind {
        LocationKind::File | LocationKind::Staged | LocationKind::GitHistory => {
            let mut physical = json!({
                "artifactLocation": { "uri": relative_uri(&location.path), "uriBaseId": SRCROOT },
            });
            if let Some(region) = region(location) {
                physical["region"] = region;
            }
            let mut sarif = json!({ "physicalLocation": physical });
            if location.kind != LocationKind::File {
                sarif["properties"] = json!({ "kind": location.kind });
            }
            sarif
        }
        LocationKind::Url => {
            let mut physical = json!({ "artifactLocation": { "uri": location.path } });
            if let Some(region) = region(location) {
                physical["region"] = region;
            }
            json!({ "physicalLocation": physical })
        }
        LocationKind::Stdin => {
            let mut sarif = logical("stdin", "standard input");
            if let Some(region) = region(location) {
                sarif["properties"] = json!({ "region": region });
            }
            sarif
        }
        LocationKind::Database => logical("database", &location.path),
        LocationKind::Environment => logical("variable", &location.path),
        LocationKind::Project => logical("project", &location.path),
    }
}

/// A secret's properties: its preview and length, and its value only with `show_secrets`.
fn insert_secret(properties: &mut Map<String, Value>, secret: &Redacted, options: &RenderOptions) {
    properties.insert("preview".into(), json!(secret.preview()));
    properties.insert("length".into(), json!(secret.len()));
    if options.show_secrets {
        properties.insert("secret".into(), json!(shown(secret, true)));
    }
}

fn result_json(finding: &Finding, rules: &Rules, options: &RenderOptions) -> Value {
    let mut properties = Map::new();
    properties.insert("severity".into(), json!(finding.severity));
    if let Some(secret) = &finding.secret {
        insert_secret(&mut properties, secret, options);
    }
    if let Some(help) = &finding.help {
        properties.insert("help".into(), json!(help));
    }
    if let Some(reference) = &finding.reference {
        properties.insert("reference".into(), json!(reference));
    }
    if let Some(history) = &finding.history {
        properties.insert("history".into(), json!(history));
    }
    if !finding.details.is_empty() {
        properties.insert("details".into(), json!(finding.details));
    }
    json!({
        "ruleId": finding.id,
        "ruleIndex": rules.index_of(&finding.id),
        "level": level(finding.severity),
        "message": { "text": finding.message },
        "locations": [location_json(&finding.location)],
        "partialFingerprints": { FINGERPRINT_KEY: finding.fingerprint.as_str() },
        "properties": properties,
    })
}

/// A dropped candidate as a suppressed result: suppressed in the source for inline markers,
/// externally for everything else (configuration, baseline, the engine's own judgement).
fn dropped_json(dropped: &Dropped, rules: &Rules, options: &RenderOptions) -> Value {
    let kind = match dropped.reason {
        DropReason::InlineMarker { .. } => "inSource",
        _ => "external",
    };
    let mut properties = Map::new();
    properties.insert("dropped".into(), json!(dropped.reason));
    if let Some(secret) = &dropped.secret {
        insert_secret(&mut properties, secret, options);
    }
    json!({
        "ruleId": dropped.id,
        "ruleIndex": rules.index_of(&dropped.id),
        "level": level(rules.severity_of(&dropped.id)),
        "message": { "text": format!("Candidate not reported: {}", dropped.reason) },
        "locations": [location_json(&dropped.location)],
        "suppressions": [{ "kind": kind, "justification": dropped.reason.to_string() }],
        "properties": properties,
    })
}

fn notification_json(warning: &Warning) -> Value {
    let mut notification = json!({
        "level": "warning",
        "message": { "text": warning.message },
    });
    if let Some(path) = &warning.path {
        let artifact = if path.contains("://") {
            json!({ "uri": path })
        } else {
            json!({ "uri": relative_uri(path), "uriBaseId": SRCROOT })
        };
        let mut physical = json!({ "artifactLocation": artifact });
        if let Some(line) = warning.line {
            physical["region"] = json!({ "startLine": line.max(1) });
        }
        notification["locations"] = json!([{ "physicalLocation": physical }]);
    }
    notification
}

/// The whole SARIF log.
fn log(report: &Report, options: &RenderOptions) -> Value {
    let rules = Rules::new(report, options);
    let mut results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result_json(f, &rules, options))
        .collect();
    if options.explain {
        results.extend(
            report
                .dropped
                .iter()
                .map(|d| dropped_json(d, &rules, options)),
        );
    }
    let mut driver = json!({
        "name": "preflight",
        "rules": rules.docs.iter().map(rule_json).collect::<Vec<_>>(),
    });
    if !options.tool_version.is_empty() {
        driver["version"] = json!(options.tool_version);
    }
    let mut run = json!({
        "tool": { "driver": driver },
        "invocations": [{
            "executionSuccessful": true,
            "toolExecutionNotifications":
                report.warnings.iter().map(notification_json).collect::<Vec<_>>(),
        }],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": { "stats": report.stats, "scores": report.scores },
    });
    if let Some(root) = &options.root {
        run["originalUriBaseIds"] = json!({ SRCROOT: { "uri": root_uri(root) } });
    }
    json!({ "$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run] })
}

/// Writes `report` as a pretty-printed SARIF 2.1.0 log and a newline.
pub(crate) fn render(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report, options))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use super::*;
    use crate::Format;
    use crate::sample::{self, render_to_string};

    /// The official SARIF 2.1.0 schema (OASIS, errata 01).
    const SCHEMA: &str = include_str!("../tests/data/sarif-schema-2.1.0.json");

    /// `value` with object keys sorted, so snapshots do not depend on whether serde_json keeps
    /// insertion order in this build.
    fn sorted(value: Value) -> Value {
        match value {
            Value::Object(map) => {
                let entries: BTreeMap<String, Value> =
                    map.into_iter().map(|(k, v)| (k, sorted(v))).collect();
                Value::Object(entries.into_iter().collect())
            }
            Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
            other => other,
        }
    }

    fn render_sorted(report: &Report, options: &RenderOptions) -> String {
        let text = render_to_string(report, Format::Sarif, options);
        let value: Value = serde_json::from_str(&text).expect("SARIF output is JSON");
        serde_json::to_string_pretty(&sorted(value)).expect("a value serialises")
    }

    fn schema_errors(text: &str) -> Vec<String> {
        let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the schema compiles");
        let instance: Value = serde_json::from_str(text).expect("SARIF output is JSON");
        validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect()
    }

    fn assert_valid(text: &str) {
        let errors = schema_errors(text);
        assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    }

    #[test]
    fn sample() {
        assert_snapshot!(render_sorted(&sample::report(), &sample::options()));
    }

    #[test]
    fn sample_explained() {
        assert_snapshot!(render_sorted(
            &sample::report(),
            &sample::explained_options()
        ));
    }

    #[test]
    fn empty() {
        let options = RenderOptions {
            root: None,
            rules: Vec::new(),
            ..sample::options()
        };
        assert_snapshot!(render_sorted(&Report::default(), &options));
    }

    #[test]
    fn secrets_only_when_shown() {
        sample::assert_secrets_only_when_shown(Format::Sarif);
    }

    #[test]
    fn validates_against_the_official_schema() {
        for explain in [false, true] {
            for show_secrets in [false, true] {
                let options = RenderOptions {
                    explain,
                    show_secrets,
                    ..sample::options()
                };
                assert_valid(&sample::render(Format::Sarif, &options));
            }
        }
        let bare = RenderOptions::default();
        assert_valid(&render_to_string(&Report::default(), Format::Sarif, &bare));
    }

    #[test]
    fn every_location_kind_validates() {
        let kinds = [
            (LocationKind::File, "src/a b.py"),
            (LocationKind::Stdin, "-"),
            (LocationKind::Staged, "settings.py"),
            (LocationKind::GitHistory, "old/.env"),
            (LocationKind::Environment, "DATABASE_URL"),
            (LocationKind::Url, "https://example.com/login?next=/"),
            (LocationKind::Database, "postgres://app@127.0.0.1:5432/app"),
            (LocationKind::Project, "."),
        ];
        let mut report = Report::default();
        for (kind, path) in kinds {
            let location = Location::whole(kind, path);
            report.findings.push(Finding::new(
                "x.code",
                Severity::Low,
                "m",
                location.clone(),
                "a",
            ));
            report.findings.push(Finding::new(
                "x.code",
                Severity::Low,
                "m",
                location.at(3, Some(4)),
                "b",
            ));
        }
        let text = render_to_string(&report, Format::Sarif, &sample::options());
        assert_valid(&text);
    }

    #[test]
    fn the_schema_check_catches_invalid_logs() {
        let text = sample::render(Format::Sarif, &sample::options());
        let mut value: Value = serde_json::from_str(&text).unwrap();
        value["runs"][0]["results"][0]["level"] = json!("fatal");
        let broken = serde_json::to_string(&value).unwrap();
        let errors = schema_errors(&broken);
        assert!(
            errors.iter().any(|e| e.contains("/runs/0/results/0/level")),
            "{errors:?}"
        );
    }

    #[test]
    fn every_result_points_at_its_rule() {
        let text = sample::render(Format::Sarif, &sample::explained_options());
        let value: Value = serde_json::from_str(&text).unwrap();
        let run = &value["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let results = run["results"].as_array().unwrap();
        let report = sample::report();
        assert_eq!(results.len(), report.findings.len() + report.dropped.len());
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
        }
    }

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(relative_uri("src/my file#1.py"), "src/my%20file%231.py");
        assert_eq!(relative_uri("docs/naïve.md"), "docs/na%C3%AFve.md");
        assert_eq!(root_uri("/srv/my app"), "file:///srv/my%20app/");
        assert_eq!(root_uri("C:\\src\\app"), "file:///C:/src/app/");
        assert_eq!(root_uri("."), "./");
    }
}
