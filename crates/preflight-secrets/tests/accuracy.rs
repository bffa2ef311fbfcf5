//! Accuracy of the built-in rules, measured on a labelled corpus.
//!
//! `tests/accuracy/corpus/` holds realistic project files (settings modules, `.env` files,
//! manifests, CI configs, code in several languages, notebooks, lockfiles, credential files)
//! with synthetic secrets among hard negatives. `tests/accuracy/expected.toml` labels them:
//!
//! - a `[[secret]]` is a line the engine must report, with the category it belongs to (the
//!   kind of leak: a provider's key, a fallback default in code, a credential passed
//!   positionally, a Django secret key, a key id alone, a generic key, a private key) and
//!   optionally the exact `rule` or the `provider` slug the finding must come from; an
//!   `optional` secret (the second part of a credential pair) may be reported or not;
//! - a `[[negative]]` is a hard negative, a line the engine must stay quiet about, with the
//!   category whose precision it tests (`not-secrets` for text that only looks like one:
//!   pagination tokens, ARNs, prose, type annotations, instructional placeholders).
//!
//! A label is found when a finding on its file and line satisfies it; a finding of another rule
//! there does not find it (a provider's token reported only by a catch-all rule is a miss of the
//! provider), but is no false alarm either. A finding on a line without a secret label is a
//! false positive, counted in the category of the negative on that line, else in the category
//! of its rule's provider (`[slug-categories]`, default `providers`). Per category and overall the test prints recall, precision and F1, and for
//! negatives how many stayed quiet; the table is printed by
//! `cargo test -p preflight-secrets --test accuracy -- --nocapture`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use preflight_findings::{LocationKind, Outcome};
use preflight_rules::RuleSet;
use preflight_secrets::{ScanConfig, Scanner, Scratch};
use serde::Deserialize;

/// The F1 score the rule set must reach over the whole corpus.
const OVERALL_TARGET: f64 = 0.95;
/// The floor for every category, so a strong category cannot hide a weak one.
const CATEGORY_TARGET: f64 = 0.85;
/// The category of negatives that imitate secrets without belonging to any provider.
const NOT_SECRETS: &str = "not-secrets";
/// Each category needs at least this many hard negatives, so its precision means something.
const MIN_NEGATIVES: usize = 5;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Manifest {
    /// Every category, in the order the table prints them.
    categories: Vec<String>,
    /// Provider slug (the part of a rule id before the dot) -> category, for false positives
    /// on unlabelled lines; slugs not listed are `providers`.
    slug_categories: BTreeMap<String, String>,
    #[serde(default, rename = "secret")]
    secrets: Vec<Secret>,
    #[serde(default, rename = "negative")]
    negatives: Vec<Negative>,
}

/// A line the engine must report.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Secret {
    file: String,
    line: u32,
    category: String,
    /// The exact rule id the finding must have.
    rule: Option<String>,
    /// The provider slug the finding's rule id must start with.
    provider: Option<String>,
    /// Reporting it is right, not reporting it is no miss (the second part of a pair).
    #[serde(default)]
    optional: bool,
}

impl Secret {
    fn accepts(&self, rule: &str) -> bool {
        let slug = rule.split('.').next().unwrap_or(rule);
        self.rule.as_deref().is_none_or(|r| r == rule)
            && self.provider.as_deref().is_none_or(|p| p == slug)
    }
}

/// A line the engine must not report.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Negative {
    file: String,
    line: u32,
    category: String,
}

/// One finding the engine reported.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Found {
    file: String,
    line: u32,
    rule: String,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    /// Required labels.
    expected: usize,
    /// Required labels found.
    true_positives: usize,
    /// Findings that satisfy no label.
    false_positives: usize,
    /// Hard negatives.
    negatives: usize,
    /// Hard negatives with no finding on their line.
    quiet: usize,
}

impl Counts {
    fn recall(self) -> f64 {
        ratio(self.true_positives, self.expected)
    }

    fn precision(self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    fn f1(self) -> f64 {
        // 2TP / (2TP + FP + FN); 1.0 for a category with nothing expected and nothing found.
        let missed = self.expected - self.true_positives;
        ratio(
            2 * self.true_positives,
            2 * self.true_positives + self.false_positives + missed,
        )
    }

    fn quiet_rate(self) -> f64 {
        ratio(self.quiet, self.negatives)
    }

    fn add(&mut self, other: Counts) {
        self.expected += other.expected;
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.negatives += other.negatives;
        self.quiet += other.quiet;
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
    categories: Vec<(String, Counts)>,
    overall: Counts,
    false_positives: Vec<(Found, String)>,
    misses: Vec<Secret>,
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
fn reported(scanner: &Scanner) -> BTreeSet<Found> {
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
        // Through `scan_blob`, as the command line scans: Kubernetes Secrets' encoded values
        // are decoded and reported at their line.
        let mut outcome = Outcome::default();
        scanner.scan_blob(
            &name,
            LocationKind::File,
            &bytes,
            &mut scratch,
            &mut outcome,
        );
        for finding in outcome.findings {
            found.insert(Found {
                file: name.clone(),
                line: finding.location.line.expect("file findings have a line"),
                rule: finding.id,
            });
        }
    }
    found
}

fn measure() -> Measurement {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let manifest = manifest();
    for secret in &manifest.secrets {
        if let Some(rule) = &secret.rule {
            assert!(
                rules.get(rule).is_some(),
                "expected.toml names an unknown rule: {secret:?}"
            );
        }
    }
    let scanner = Scanner::new(&rules, &ScanConfig::default());
    score(&manifest, &reported(&scanner))
}

/// Matches findings to labels line by line and counts them per category.
fn score(manifest: &Manifest, found: &BTreeSet<Found>) -> Measurement {
    type Key = (String, u32);
    let secret_lines: BTreeSet<Key> = manifest
        .secrets
        .iter()
        .map(|s| (s.file.clone(), s.line))
        .collect();
    let negatives: BTreeMap<Key, &Negative> = manifest
        .negatives
        .iter()
        .map(|n| ((n.file.clone(), n.line), n))
        .collect();
    let slug_category = |rule: &str| {
        let slug = rule.split('.').next().unwrap_or(rule);
        manifest
            .slug_categories
            .get(slug)
            .cloned()
            .unwrap_or_else(|| "providers".to_string())
    };

    let mut counts: BTreeMap<String, Counts> = manifest
        .categories
        .iter()
        .map(|c| (c.clone(), Counts::default()))
        .collect();
    let mut false_positives = Vec::new();
    let mut misses = Vec::new();

    for s in manifest.secrets.iter().filter(|s| !s.optional) {
        let c = counts.entry(s.category.clone()).or_default();
        c.expected += 1;
        let hit = found
            .iter()
            .any(|f| f.file == s.file && f.line == s.line && s.accepts(&f.rule));
        if hit {
            c.true_positives += 1;
        } else {
            misses.push(s.clone());
        }
    }
    for f in found {
        let key = (f.file.clone(), f.line);
        if secret_lines.contains(&key) {
            continue;
        }
        let category = negatives
            .get(&key)
            .map_or_else(|| slug_category(&f.rule), |n| n.category.clone());
        counts.entry(category.clone()).or_default().false_positives += 1;
        false_positives.push((f.clone(), category));
    }
    for n in &manifest.negatives {
        let c = counts.entry(n.category.clone()).or_default();
        c.negatives += 1;
        if !found.iter().any(|f| f.file == n.file && f.line == n.line) {
            c.quiet += 1;
        }
    }

    let mut overall = Counts::default();
    let mut categories = Vec::new();
    for name in &manifest.categories {
        let c = counts.remove(name).unwrap_or_default();
        overall.add(c);
        categories.push((name.clone(), c));
    }
    // Categories named by a label or a slug but missing from the list still count.
    for (name, c) in counts {
        overall.add(c);
        categories.push((name, c));
    }
    Measurement {
        categories,
        overall,
        false_positives,
        misses,
    }
}

fn table(m: &Measurement) -> String {
    let mut out = String::new();
    let row = |out: &mut String, name: &str, c: Counts| {
        // A category of negatives only has no recall, precision or F1.
        let metric = |value: f64| {
            if c.expected == 0 {
                "-".to_string()
            } else {
                format!("{value:.3}")
            }
        };
        writeln!(
            out,
            "{name:<14} {:>8} {:>5} {:>5} {:>7} {:>9} {:>6} {:>9}",
            c.expected,
            c.true_positives,
            c.false_positives,
            metric(c.recall()),
            metric(c.precision()),
            metric(c.f1()),
            format!("{}/{}", c.quiet, c.negatives),
        )
        .expect("writing to a String");
    };
    writeln!(
        out,
        "{:<14} {:>8} {:>5} {:>5} {:>7} {:>9} {:>6} {:>9}",
        "category", "expected", "tp", "fp", "recall", "precision", "f1", "quiet"
    )
    .expect("writing to a String");
    for (name, counts) in &m.categories {
        row(&mut out, name, *counts);
    }
    row(&mut out, "overall", m.overall);
    for (f, category) in &m.false_positives {
        writeln!(
            out,
            "false positive: {}:{} {} [{category}]",
            f.file, f.line, f.rule
        )
        .expect("writing to a String");
    }
    for s in &m.misses {
        let wanted = s
            .rule
            .clone()
            .or_else(|| s.provider.as_ref().map(|p| format!("{p}.*")))
            .unwrap_or_else(|| "any rule".to_string());
        writeln!(
            out,
            "missed:         {}:{} {wanted} [{}]",
            s.file, s.line, s.category
        )
        .expect("writing to a String");
    }
    out
}

#[test]
#[allow(clippy::print_stdout)] // The table is this test's report; `--nocapture` shows it.
fn f1_meets_the_targets_overall_and_in_every_category() {
    let m = measure();
    let report = table(&m);
    println!("{report}");
    assert!(m.overall.expected > 0, "the corpus has labelled secrets");
    assert!(
        m.overall.f1() >= OVERALL_TARGET,
        "overall F1 {:.3} below {OVERALL_TARGET}\n{report}",
        m.overall.f1()
    );
    for (name, counts) in &m.categories {
        if counts.expected > 0 {
            assert!(
                counts.f1() >= CATEGORY_TARGET,
                "category {name}: F1 {:.3} below {CATEGORY_TARGET}\n{report}",
                counts.f1()
            );
        } else {
            // A category of negatives only has no F1; its negatives must stay quiet.
            assert!(
                counts.quiet_rate() >= CATEGORY_TARGET,
                "category {name}: {} of {} negatives quiet\n{report}",
                counts.quiet,
                counts.negatives
            );
        }
    }
}

#[test]
fn every_label_points_at_a_line_of_its_file() {
    let root = suite_dir().join("corpus");
    let m = manifest();
    let labels = m
        .secrets
        .iter()
        .map(|s| (&s.file, s.line))
        .chain(m.negatives.iter().map(|n| (&n.file, n.line)));
    for (file, line) in labels {
        let text =
            std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let lines = text.lines().count();
        assert!(
            (1..=lines).contains(&(line as usize)),
            "{file}:{line} is past the end of the file ({lines} lines)"
        );
    }
}

#[test]
fn labels_are_consistent_and_every_category_has_both_kinds() {
    let m = manifest();
    let known: BTreeSet<&str> = m.categories.iter().map(String::as_str).collect();
    for category in m
        .secrets
        .iter()
        .map(|s| &s.category)
        .chain(m.negatives.iter().map(|n| &n.category))
        .chain(m.slug_categories.values())
    {
        assert!(
            known.contains(category.as_str()),
            "unknown category {category}"
        );
    }
    let secret_lines: BTreeSet<(&str, u32)> = m
        .secrets
        .iter()
        .map(|s| (s.file.as_str(), s.line))
        .collect();
    for n in &m.negatives {
        assert!(
            !secret_lines.contains(&(n.file.as_str(), n.line)),
            "{}:{} is labelled both a secret and a negative",
            n.file,
            n.line
        );
    }
    for category in &m.categories {
        let positives = m
            .secrets
            .iter()
            .filter(|s| &s.category == category && !s.optional)
            .count();
        let negatives = m
            .negatives
            .iter()
            .filter(|n| &n.category == category)
            .count();
        if category != NOT_SECRETS {
            assert!(positives > 0, "category {category} has no secrets");
        }
        assert!(
            negatives >= MIN_NEGATIVES,
            "category {category} has {negatives} hard negatives, fewer than {MIN_NEGATIVES}"
        );
    }
}

#[test]
fn scoring_counts_misses_wrong_rules_and_negatives() {
    let manifest: Manifest = toml::from_str(
        r#"
categories = ["providers", "generic", "not-secrets"]
[slug-categories]
generic = "generic"
[[secret]]
file = "a"
line = 1
category = "providers"
provider = "stripe"
[[secret]]
file = "a"
line = 2
category = "providers"
[[secret]]
file = "a"
line = 3
category = "providers"
optional = true
[[negative]]
file = "a"
line = 4
category = "not-secrets"
[[negative]]
file = "a"
line = 5
category = "not-secrets"
"#,
    )
    .expect("the manifest parses");
    let found = |file: &str, line, rule: &str| Found {
        file: file.to_string(),
        line,
        rule: rule.to_string(),
    };
    let findings: BTreeSet<Found> = [
        found("a", 1, "generic.api-key"), // wrong provider: a miss, but no false alarm
        found("a", 2, "aws.secret-key"),  // any rule will do
        found("a", 3, "twilio.auth-token"), // optional: neither counted nor false
        found("a", 4, "generic.api-key"), // on a negative
        found("b", 9, "generic.api-key"), // unlabelled: the slug's category
    ]
    .into_iter()
    .collect();
    let m = score(&manifest, &findings);
    let get = |name: &str| {
        m.categories
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| *c)
            .expect("category is listed")
    };
    let providers = get("providers");
    assert_eq!((providers.expected, providers.true_positives), (2, 1));
    assert_eq!(providers.false_positives, 0);
    assert_eq!(get("generic").false_positives, 1);
    let not_secrets = get("not-secrets");
    assert_eq!((not_secrets.negatives, not_secrets.quiet), (2, 1));
    assert_eq!(not_secrets.false_positives, 1);
    assert_eq!(m.misses.len(), 1);
    assert_eq!(m.overall.false_positives, 2);
    // 2*1 / (2*1 + 2 + 1)
    assert!((m.overall.f1() - 2.0 / 5.0).abs() < 1e-9);
}
