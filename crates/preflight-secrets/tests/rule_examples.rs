//! Every built-in rule's examples and negative examples, through the full engine.

use preflight_rules::{RuleSet, compile_pattern};
use preflight_secrets::{ScanConfig, Scanner, check_examples};

#[test]
fn every_builtin_rule_compiles_and_passes_its_examples() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    for rule in rules.rules() {
        if let Err(e) = compile_pattern(&rule.pattern) {
            panic!("rule {}: pattern does not compile: {e}", rule.id);
        }
    }
    let scanner = Scanner::new(&rules, &ScanConfig::default());
    let failures = check_examples(&scanner);
    let report: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
    assert!(
        report.is_empty(),
        "{} failing examples:\n{}",
        report.len(),
        report.join("\n")
    );
}

#[test]
fn there_are_at_least_sixty_rules() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    assert!(rules.len() >= 60, "only {} rules", rules.len());
}
