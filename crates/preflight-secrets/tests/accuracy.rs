//! Accuracy of the built-in rules, measured on a labelled corpus.
//!
//! `tests/accuracy/corpus/` holds realistic project files (settings modules, `.env` files,
//! manifests, CI configs, code in several languages, notebooks, lockfiles, credential files)
//! with synthetic secrets among hard negatives: placeholders, template references,
//! documentation example keys, publishable keys, UUIDs, commit ids, integrity hashes, base64
//! images and minified code. `tests/accuracy/expected.toml` labels every finding the engine
//! should report by file, line and rule, and maps provider slugs to groups.
//!
//! A finding counts as a true positive when its file, line and rule match a label; anything
//! else the engine reports is a false positive, and any label it does not report is a miss.
//! The table is printed by `cargo test -p preflight-secrets --test accuracy -- --nocapture`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use preflight_rules::RuleSet;
use preflight_secrets::{ScanConfig, Scanner, Scratch};
use serde::Deserialize;

/// Overall recall and precision the rule set must reach on the corpus.
const OVERALL_TARGET: f64 = 0.95;
/// The floor for every provider group, so a strong group cannot hide a weak one.
const GROUP_TARGET: f64 = 0.85;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// Group name -> provider slugs (the part of a rule id before the dot).
    groups: BTreeMap<String, Vec<String>>,
    #[serde(rename = "finding")]
    findings: Vec<Label>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
struct Label {
    file: String,
    line: u32,
    rule: String,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    expected: usize,
    found: usize,
    true_positives: usize,
}

impl Counts {
    fn recall(self) -> f64 {
        ratio(self.true_positives, self.expected)
    }

    fn precision(self) -> f64 {
        ratio(self.true_positives, self.found)
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// What one run over the corpus measured.
struct Measurement {
    groups: BTreeMap<String, Counts>,
    overall: Counts,
    false_positives: Vec<Label>,
    misses: Vec<Label>,
}

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/accuracy")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus directory is readable")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(suite_dir().join("expected.toml")).expect("expected.toml");
    toml::from_str(&text).expect("expected.toml parses")
}

/// Scans the corpus with every built-in rule and returns what the engine reports.
fn reported(scanner: &Scanner) -> BTreeSet<Label> {
    let root = suite_dir().join("corpus");
    let mut files = Vec::new();
    files_under(&root, &mut files);
    let mut scratch = Scratch::default();
    let mut found = BTreeSet::new();
    for path in files {
        let bytes = std::fs::read(&path).expect("corpus file is readable");
        let name = path
            .strip_prefix(&root)
            .expect("under the corpus root")
            .to_string_lossy()
            .replace('\\', "/");
        for candidate in scanner.candidates(&bytes, &mut scratch) {
            if candidate.dropped.is_some() {
                continue;
            }
            let line = 1 + bytes[..candidate.secret.start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            found.insert(Label {
                file: name.clone(),
                line: u32::try_from(line).expect("corpus files are small"),
                rule: scanner.rule(candidate.rule).id.clone(),
            });
        }
    }
    found
}

fn measure() -> Measurement {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let manifest = manifest();
    for label in &manifest.findings {
        assert!(
            rules.get(&label.rule).is_some(),
            "expected.toml names an unknown rule: {label:?}"
        );
    }
    let group_of: BTreeMap<&str, &str> = manifest
        .groups
        .iter()
        .flat_map(|(group, slugs)| slugs.iter().map(move |s| (s.as_str(), group.as_str())))
        .collect();
    let group = |rule: &str| {
        let slug = rule.split('.').next().unwrap_or(rule);
        group_of.get(slug).copied().unwrap_or("other").to_string()
    };

    let scanner = Scanner::new(&rules, &ScanConfig::default());
    let found = reported(&scanner);
    let expected: BTreeSet<Label> = manifest.findings.iter().cloned().collect();

    let mut groups: BTreeMap<String, Counts> = BTreeMap::new();
    let mut overall = Counts::default();
    for label in &expected {
        groups.entry(group(&label.rule)).or_default().expected += 1;
        overall.expected += 1;
    }
    for label in &found {
        let counts = groups.entry(group(&label.rule)).or_default();
        counts.found += 1;
        overall.found += 1;
        if expected.contains(label) {
            counts.true_positives += 1;
            overall.true_positives += 1;
        }
    }
    Measurement {
        groups,
        overall,
        false_positives: found.difference(&expected).cloned().collect(),
        misses: expected.difference(&found).cloned().collect(),
    }
}

fn table(m: &Measurement) -> String {
    let mut out = String::new();
    let row = |out: &mut String, name: &str, c: Counts| {
        writeln!(
            out,
            "{name:<16} {:>8} {:>6} {:>6} {:>6} {:>8.3} {:>9.3}",
            c.expected,
            c.found,
            c.true_positives,
            c.found - c.true_positives,
            c.recall(),
            c.precision()
        )
        .expect("writing to a String");
    };
    writeln!(
        out,
        "{:<16} {:>8} {:>6} {:>6} {:>6} {:>8} {:>9}",
        "group", "expected", "found", "tp", "fp", "recall", "precision"
    )
    .expect("writing to a String");
    for (name, counts) in &m.groups {
        row(&mut out, name, *counts);
    }
    row(&mut out, "overall", m.overall);
    for label in &m.false_positives {
        writeln!(
            out,
            "false positive: {}:{} {}",
            label.file, label.line, label.rule
        )
        .expect("writing to a String");
    }
    for label in &m.misses {
        writeln!(
            out,
            "missed:         {}:{} {}",
            label.file, label.line, label.rule
        )
        .expect("writing to a String");
    }
    out
}

#[test]
#[allow(clippy::print_stdout)] // The table is this test's report; `--nocapture` shows it.
fn recall_and_precision_meet_the_targets() {
    let m = measure();
    let report = table(&m);
    println!("{report}");
    assert!(m.overall.expected > 0, "the corpus has labelled findings");
    assert!(
        m.overall.recall() >= OVERALL_TARGET && m.overall.precision() >= OVERALL_TARGET,
        "overall recall {:.3} / precision {:.3} below {OVERALL_TARGET}\n{report}",
        m.overall.recall(),
        m.overall.precision()
    );
    for (name, counts) in &m.groups {
        assert!(
            counts.recall() >= GROUP_TARGET && counts.precision() >= GROUP_TARGET,
            "group {name}: recall {:.3} / precision {:.3} below {GROUP_TARGET}\n{report}",
            counts.recall(),
            counts.precision()
        );
    }
}

#[test]
fn every_label_points_at_a_line_of_its_file() {
    let root = suite_dir().join("corpus");
    for label in manifest().findings {
        let text = std::fs::read_to_string(root.join(&label.file))
            .unwrap_or_else(|e| panic!("{}: {e}", label.file));
        let lines = text.lines().count();
        assert!(
            (1..=lines).contains(&(label.line as usize)),
            "{}:{} is past the end of the file ({lines} lines)",
            label.file,
            label.line
        );
    }
}
