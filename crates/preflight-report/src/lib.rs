//! Renderers: they turn one [`Report`] into terminal text, JSON, SARIF 2.1.0, a Markdown
//! checklist or a self-contained HTML page.
//!
//! Design notes:
//! - Renderers know nothing of the checks. They read the shared model and the [`RenderOptions`]
//!   the binary builds (colour, secrets, the rule table, which checks ran).
//! - One module per format behind [`Format`]; each has the same snapshot tests over the same
//!   sample report (see `sample.rs`), plus a test that the secret's value appears only with
//!   `show_secrets`.
//! - Secret values are read through [`preflight_findings::Redacted::expose`] in exactly one place
//!   per format, guarded by `show_secrets`; everywhere else the redacted preview is used.
//! - No terminal detection here: whether to colour is the caller's decision.

mod checklist;
mod html;
mod human;
mod json;
mod markdown;
#[cfg(test)]
mod sample;
mod sarif;
mod text;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use preflight_findings::{CodeInfo, Report, Severity};

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Text for a person at a terminal, grouped by file.
    Human,
    /// One JSON object (schema in `SCHEMA.md`).
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// A Markdown checklist per security guide, then a findings table.
    Markdown,
    /// One self-contained HTML page: a summary, the checklists with findings and evidence.
    Html,
}

impl Format {
    /// Every format, in the order `--format` lists them.
    pub const ALL: [Format; 5] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Html,
    ];

    /// The name used by `--format`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a format name that is not one of [`Format::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown format `{}` (expected one of: human, json, sarif, markdown, html)",
            self.0
        )
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.to_ascii_lowercase();
        match name.as_str() {
            "md" => Ok(Format::Markdown),
            "text" => Ok(Format::Human),
            "htm" => Ok(Format::Html),
            _ => Format::ALL
                .into_iter()
                .find(|format| format.as_str() == name)
                .ok_or_else(|| UnknownFormat(s.to_string())),
        }
    }
}

/// What a rule or code is, for SARIF's rule table and Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDoc {
    /// The rule id or check code (`stripe.secret-key`, `env.placeholder`).
    pub id: String,
    /// A short human name (`Stripe secret key`).
    pub name: String,
    /// One line saying what it detects.
    pub description: String,
    /// Where to read more (for secrets: how to rotate the credential).
    pub help_uri: Option<String>,
    /// The severity it reports at by default.
    pub severity: Severity,
}

impl RuleDoc {
    /// The documentation of a check code, named after its id.
    pub fn from_code(code: &CodeInfo) -> Self {
        RuleDoc {
            id: code.id.to_string(),
            name: code.id.to_string(),
            description: code.description.to_string(),
            help_uri: None,
            severity: code.severity,
        }
    }
}

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Print secret values in full (only then).
    pub show_secrets: bool,
    /// Also list dropped candidates and why.
    pub explain: bool,
    /// ANSI colour (the binary decides: terminal, `--color`, `NO_COLOR`).
    pub color: bool,
    /// The preflight version, for JSON and SARIF.
    pub tool_version: String,
    /// Every rule and code that may appear (SARIF's rules array, Markdown's descriptions).
    pub rules: Vec<RuleDoc>,
    /// The scanned root, shown in headers; SARIF's `%SRCROOT%`.
    pub root: Option<String>,
    /// The names of the checks that ran (`secrets`, `git`, `env`, `web`, `db`, ...), so the
    /// checklists can tell a passed item from one not checked in this run.
    pub checks_run: Vec<String>,
}

/// Writes `report` in `format`.
pub fn render(
    report: &Report,
    format: Format,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, options, out),
        Format::Json => json::render(report, options, out),
        Format::Sarif => sarif::render(report, options, out),
        Format::Markdown => markdown::render(report, options, out),
        Format::Html => html::render(report, options, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_from_their_names() {
        for format in Format::ALL {
            assert_eq!(format.as_str().parse::<Format>(), Ok(format));
        }
        assert_eq!("MD".parse::<Format>(), Ok(Format::Markdown));
        assert!("xml".parse::<Format>().is_err());
    }

    /// A snapshot whose test was renamed or removed would otherwise linger unnoticed: every
    /// committed snapshot must belong to a test that still exists.
    #[test]
    fn every_snapshot_belongs_to_a_test() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut checked = 0;
        for entry in std::fs::read_dir(src.join("snapshots")).expect("snapshots are committed") {
            let name = entry.expect("readable directory").file_name();
            let name = name.to_string_lossy();
            let Some(stem) = name.strip_suffix(".snap") else {
                continue;
            };
            let parts: Vec<&str> = stem.split("__").collect();
            let [crate_name, module, "tests", test] = parts[..] else {
                panic!("unexpected snapshot name {name}");
            };
            assert_eq!(crate_name, "preflight_report", "{name}");
            let source = std::fs::read_to_string(src.join(format!("{module}.rs")))
                .unwrap_or_else(|_| panic!("{name}: no module {module}"));
            assert!(
                source.contains(&format!("fn {test}()")),
                "{name} is stale: {module}.rs has no test `{test}`"
            );
            checked += 1;
        }
        assert_eq!(checked, 5 * 3, "each format has three snapshot tests");
    }
}
