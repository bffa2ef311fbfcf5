//! Checking rules against their own examples through the full engine (`preflight rules test`
//! and the test suite): every positive example must yield exactly its secret as a finding of
//! its rule, and no negative example may yield a finding of the rule. A rule that recognises
//! public identifiers (`public = true`) is checked on its matches instead, since it never
//! reports.

use std::fmt;

use preflight_rules::Rule;

use crate::scanner::public_value;
use crate::{Scanner, Scratch};

/// One example that did not behave as its rule says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The rule's id.
    pub rule: String,
    /// `examples[i]` or `negative_examples[i]`.
    pub example: String,
    /// What happened instead.
    pub problem: String,
}

impl fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.rule, self.example, self.problem)
    }
}

/// Whether `rule` is the identifying part of some pair rule (whose value is never the pair's
/// secret).
fn is_identifier(scanner: &Scanner, rule: usize) -> bool {
    let id = &scanner.rule(rule).id;
    scanner
        .rules()
        .any(|r| r.pair.as_ref().is_some_and(|p| p.identifier == *id))
}

/// Checks the examples of every rule of `scanner`.
pub fn check_examples(scanner: &Scanner) -> Vec<ExampleFailure> {
    let mut scratch = Scratch::default();
    scanner
        .rules()
        .flat_map(|rule| check_rule(scanner, rule, &mut scratch))
        .collect()
}

/// Checks the examples of one rule, scanning them with every rule of `scanner`.
pub fn check_rule(scanner: &Scanner, rule: &Rule, scratch: &mut Scratch) -> Vec<ExampleFailure> {
    let mut failures = Vec::new();
    let mut fail = |example: String, problem: String| {
        failures.push(ExampleFailure {
            rule: rule.id.clone(),
            example,
            problem,
        });
    };
    for (index, example) in rule.examples.iter().enumerate() {
        let text = example.text.as_bytes();
        let mut found = Vec::new();
        let mut notes = Vec::new();
        let public = rule.public.then(|| public_value(rule));
        // A pair's finding shown again at its identifier's line is the same finding.
        for candidate in scanner
            .candidates(text, scratch)
            .iter()
            .filter(|c| !c.at_identifier)
        {
            let value = String::from_utf8_lossy(&text[candidate.secret.clone()]).into_owned();
            let id = &scanner.rule(candidate.rule).id;
            match &candidate.dropped {
                None if *id == rule.id => found.push(value),
                // Reported as the secret part of a pair rule's finding.
                Some(_)
                    if *id == rule.id
                        && candidate.in_pair
                        && !is_identifier(scanner, candidate.rule) =>
                {
                    found.push(value);
                }
                Some(reason) if *id == rule.id && Some(reason) == public.as_ref() => {
                    found.push(value);
                }
                None => notes.push(format!("`{value}` reported by {id}")),
                Some(reason) if *id == rule.id => {
                    notes.push(format!("`{value}` dropped: {reason}"))
                }
                Some(_) => {}
            }
        }
        if found != [example.secret.as_str()] {
            let mut problem = format!("expected `{}`, found {:?}", example.secret, found);
            if !notes.is_empty() {
                problem.push_str(&format!(" ({})", notes.join("; ")));
            }
            fail(format!("examples[{index}]"), problem);
        }
    }
    for (index, text) in rule.negative_examples.iter().enumerate() {
        let bytes = text.as_bytes();
        let reported: Vec<String> = scanner
            .candidates(bytes, scratch)
            .iter()
            .filter(|c| scanner.rule(c.rule).id == rule.id && (rule.public || c.dropped.is_none()))
            .map(|c| String::from_utf8_lossy(&bytes[c.secret.clone()]).into_owned())
            .collect();
        if !reported.is_empty() {
            fail(
                format!("negative_examples[{index}]"),
                format!("expected no finding, found {reported:?}"),
            );
        }
    }
    failures
}
