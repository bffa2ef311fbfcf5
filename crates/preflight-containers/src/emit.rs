//! Findings of one file, graded for the file's purpose, and the facts of what it does right.

use preflight_findings::{Fact, Finding, Location, Severity};

use crate::codes::severity_of;

/// Collects the findings of one file. In a development file every finding is lowered to
/// [`Severity::Low`] and says so.
///
/// It also collects facts: what passed, as the checklist's evidence. A development file's
/// facts are not kept, since what a laptop setup does right says nothing of a deployment.
#[derive(Debug)]
pub struct Emitter<'a> {
    path: &'a str,
    development: bool,
    /// The findings so far.
    pub findings: Vec<Finding>,
    /// The facts so far.
    pub facts: Vec<Fact>,
}

impl<'a> Emitter<'a> {
    /// An emitter for the file shown as `path`.
    pub fn new(path: &'a str, development: bool) -> Self {
        Emitter {
            path,
            development,
            findings: Vec::new(),
            facts: Vec::new(),
        }
    }

    /// Records that the file passes `code` at `line` (or as a whole): `message` says what was
    /// seen, never a secret value. Nothing is kept for a development file.
    pub fn fact(&mut self, code: &str, line: Option<u32>, message: String) {
        if !self.development {
            let location = self.location(line);
            self.facts.push(Fact::new(code, location, message));
        }
    }

    /// Whether a finding of `code` was emitted.
    pub fn reported(&self, code: &str) -> bool {
        self.findings.iter().any(|f| f.id == code)
    }

    fn location(&self, line: Option<u32>) -> Location {
        let location = match line {
            Some(line) => Location::file(self.path, line, 1),
            None => Location::whole(preflight_findings::LocationKind::File, self.path),
        };
        Location {
            column: None,
            ..location
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
        let location = self.location(line);
        self.findings
            .push(Finding::new(code, severity, message, location, key).with_help(help));
    }
}
