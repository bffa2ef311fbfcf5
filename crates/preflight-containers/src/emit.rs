//! Findings of one file, graded for the file's purpose.

use preflight_findings::{Finding, Location, Severity};

use crate::codes::severity_of;

/// Collects the findings of one file. In a development file every finding is lowered to
/// [`Severity::Low`] and says so.
#[derive(Debug)]
pub struct Emitter<'a> {
    path: &'a str,
    development: bool,
    /// The findings so far.
    pub findings: Vec<Finding>,
}

impl<'a> Emitter<'a> {
    /// An emitter for the file shown as `path`.
    pub fn new(path: &'a str, development: bool) -> Self {
        Emitter {
            path,
            development,
            findings: Vec::new(),
        }
    }

    /// Adds a finding of `code` at `line` (or the whole file); `key` tells it from others of
    /// the same code in the file (a service and variable name, never a value).
    pub fn push(&mut self, code: &str, line: Option<u32>, key: &str, message: String, help: &str) {
        self.push_for(false, code, line, key, message, help);
    }

    /// [`Emitter::push`] for a finding that also concerns development only when `development`
    /// (an env file kept under `.envs/.local/`), even in a file that is not.
    pub fn push_for(
        &mut self,
        development: bool,
        code: &str,
        line: Option<u32>,
        key: &str,
        message: String,
        help: &str,
    ) {
        let reason = development.then_some("in a development file");
        self.push_lowered(reason, code, line, key, message, help);
    }

    /// [`Emitter::push`], lowered to [`Severity::Low`] for `reason` when there is one (or when
    /// the file serves development); the message says why.
    pub fn push_lowered(
        &mut self,
        reason: Option<&str>,
        code: &str,
        line: Option<u32>,
        key: &str,
        message: String,
        help: &str,
    ) {
        let mut severity = severity_of(code);
        let mut message = message;
        let reason = reason.or(self.development.then_some("in a development file"));
        if let Some(reason) = reason
            && severity > Severity::Low
        {
            severity = Severity::Low;
            message.push_str(&format!(" ({reason}, so graded low)"));
        }
        let location = match line {
            Some(line) => Location::file(self.path, line, 1),
            None => Location::whole(preflight_findings::LocationKind::File, self.path),
        };
        let location = Location {
            column: None,
            ..location
        };
        self.findings
            .push(Finding::new(code, severity, message, location, key).with_help(help));
    }
}
