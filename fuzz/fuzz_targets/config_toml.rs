//! The configuration loader on arbitrary text, read both as `preflight.toml` and as a
//! `pyproject.toml`: it must not panic, every error names the file and any line it names is
//! inside the input, and the custom rules of a configuration that loads can be validated and
//! scan (the input itself) without panicking.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use preflight::config::Config;
use preflight_rules::{RuleSet, Strictness, validate_rule};
use preflight_secrets::{ScanConfig, Scanner, Scratch};

/// Checks an error message: it names `file`, and a `line N` it mentions is within the input.
fn check_error(message: &str, file: &str, lines: usize) {
    assert!(message.contains(file), "{message}");
    if let Some(at) = message.find("line ") {
        let digits: String = message[at + 5..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(line) = digits.parse::<usize>() {
            assert!(
                line >= 1 && line <= lines,
                "line {line} of {lines}: {message}"
            );
        }
    }
}

fn use_config(config: &Config, data: &[u8]) {
    let mut rules = RuleSet::default();
    for spec in &config.rules {
        if let Ok(rule) = validate_rule(spec.clone(), None, None, Strictness::Custom) {
            let _ = rules.add_rule(rule);
        }
    }
    let scanner = Scanner::new(&rules, &ScanConfig::default());
    let mut scratch = Scratch::default();
    for candidate in scanner.candidates(data, &mut scratch) {
        assert!(candidate.secret.end <= data.len());
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
    match Config::from_toml(Path::new("preflight.toml"), text) {
        Ok(config) => use_config(&config, data),
        Err(err) => check_error(&format!("{err:#}"), "preflight.toml", lines),
    }
    match Config::from_pyproject_toml(Path::new("pyproject.toml"), text) {
        Ok(Some(config)) => use_config(&config, data),
        Ok(None) => {}
        Err(err) => check_error(&format!("{err:#}"), "pyproject.toml", lines),
    }
});
