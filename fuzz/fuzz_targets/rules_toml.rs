//! The rule-file parser on arbitrary text: it must not panic, every error names a line inside
//! the input, and rules that load can scan (the input itself) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use preflight_rules::{RuleSet, RulesError, Strictness};
use preflight_secrets::{ScanConfig, Scanner, Scratch};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
    let mut rules = RuleSet::default();
    match rules.add_file("fuzz.toml", text, Strictness::Custom) {
        Err(
            RulesError::Syntax { line, .. }
            | RulesError::Invalid { line, .. }
            | RulesError::Duplicate { line, .. },
        ) => assert!(line >= 1 && line <= lines, "line {line} of {lines}"),
        Ok(()) => {
            let scanner = Scanner::new(&rules, &ScanConfig::default());
            let mut scratch = Scratch::default();
            for candidate in scanner.candidates(data, &mut scratch) {
                assert!(candidate.secret.end <= data.len());
            }
        }
    }
});
