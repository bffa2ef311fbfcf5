//! `preflight scan`: secrets in files, directories or standard input; with `--git`, `--since`
//! or `--staged`, in git history or staged changes (the [`git`] module).
//!
//! The walk (`preflight-input`) hands blobs to one visitor per thread; each visitor owns a
//! [`Scratch`] and an [`Outcome`], and all share one [`Scanner`]. This module also builds that
//! scanner from the built-in rules plus custom ones (`[[rules]]` in the configuration and
//! `--rules FILE`), and offers the secret scan as a [`Check`] for `preflight check`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use preflight_findings::{Check, Outcome, Project, Warning};
use preflight_input::{Blob, Visitor, WalkOptions, walk};
use preflight_report::RuleDoc;
use preflight_rules::{RuleSet, Strictness, gitleaks, key_line, validate_rule};
use preflight_secrets::{CustomFilters, ScanConfig, Scanner, Scratch};

use crate::cli::GlobalArgs;
use crate::config::Config;
use crate::output::{self, Context};

mod git;

/// Arguments of `preflight scan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories to scan; `-` reads standard input (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Scan files that .gitignore, .ignore or .git/info/exclude exclude.
    #[arg(long)]
    pub no_ignore: bool,
    /// Scan binary files (a NUL byte in the first 8 KiB) too.
    #[arg(long)]
    pub binary: bool,
    /// Skip files larger than this, with a warning (bytes, or with a K, M or G suffix; default 50M).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Also run the rules of this file (the format of the built-in rule files, or a gitleaks
    /// configuration).
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Scanning threads (default: one per CPU).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Scan git history instead of files: every blob reachable from any reference (branches,
    /// tags, stash, notes) of the repository at PATH (default: the current directory), once each;
    /// each secret is reported where it entered, with its history.
    #[arg(long, help_heading = "Git")]
    pub git: bool,
    /// With --git: also scan objects that no reference reaches. Implies --git.
    #[arg(long, help_heading = "Git")]
    pub all_objects: bool,
    /// Scan only what the commits after REV introduced, up to HEAD (REV..HEAD); a range A..B
    /// scans what the commits of A..B introduced. For incremental CI runs. Implies --git.
    #[arg(long, value_name = "REV|A..B", help_heading = "Git")]
    pub since: Option<String>,
    /// Scan only the lines the index adds relative to HEAD, reporting staged path and line
    /// (what the pre-commit hook of `preflight hook install` runs).
    #[arg(long, conflicts_with_all = ["git", "all_objects", "since"], help_heading = "Git")]
    pub staged: bool,
}

/// Runs `preflight scan`.
pub fn run(global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    if args.staged || args.git || args.all_objects || args.since.is_some() {
        return git::run(global, args);
    }
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let config_root = roots
        .iter()
        .find(|r| r.as_os_str() != "-" && r.is_dir())
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let config = Config::load(global.config.as_deref(), &config_root)?;
    let scanner = load_scanner(&config, &args.rules)?;
    let mut scan = config.scan.clone();
    scan.no_ignore |= args.no_ignore;
    scan.binary |= args.binary;
    if args.max_file_size.is_some() {
        scan.max_file_size = args.max_file_size;
    }
    let mut options = walk_options(&scan);
    options.threads = args.threads.unwrap_or(0);
    let progress = output::Progress::start(global);
    progress.step("scanning files");
    let mut outcome = scan_paths(&roots, &options, &scanner);
    preflight_secrets::placement::lower_examples(&mut outcome.findings);
    drop(progress);
    let context = Context {
        rules: rule_docs(&scanner),
        checks_run: vec!["secrets".to_string()],
        root: Some(
            roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(" "),
        ),
    };
    output::report(global, &config, outcome, context)
}

/// Scans `roots` (files, directories, `-` for standard input) with `scanner`.
pub fn scan_paths(roots: &[PathBuf], options: &WalkOptions, scanner: &Scanner) -> Outcome {
    let walked = walk(roots, options, &|| SecretsVisitor {
        scanner,
        scratch: Scratch::default(),
        outcome: Outcome::default(),
    });
    let mut outcome = walked.outcome;
    for visitor in walked.visitors {
        outcome.merge(visitor.outcome);
    }
    outcome.warnings.extend(scanner.warnings().iter().cloned());
    outcome
}

/// One walker thread's scanning state.
struct SecretsVisitor<'s> {
    scanner: &'s Scanner,
    scratch: Scratch,
    outcome: Outcome,
}

impl Visitor for SecretsVisitor<'_> {
    fn visit(&mut self, blob: Blob<'_>) {
        self.scanner.scan_blob(
            blob.path,
            blob.kind,
            blob.bytes,
            &mut self.scratch,
            &mut self.outcome,
        );
    }
}

/// The walk settings a scan configuration asks for.
pub fn walk_options(scan: &ScanConfig) -> WalkOptions {
    let defaults = WalkOptions::default();
    WalkOptions {
        respect_ignore: !scan.no_ignore,
        include_binary: scan.binary,
        max_file_size: scan.max_file_size.unwrap_or(defaults.max_file_size),
        ..defaults
    }
}

/// The built-in rules, the configuration's `[[rules]]` and the rules of `extra_files`.
pub fn load_rules(config: &Config, extra_files: &[PathBuf]) -> anyhow::Result<RuleSet> {
    Ok(load_custom(config, extra_files)?.rules)
}

/// Rules with what custom rule files bring along: gitleaks files' path filters and
/// allowlists, and warnings for the rules that could not be carried over.
pub struct LoadedRules {
    /// Every rule.
    pub rules: RuleSet,
    /// Path filters and allowlists of imported gitleaks rules.
    pub filters: CustomFilters,
    /// Rules of gitleaks files that were skipped, naming file, line and reason.
    pub warnings: Vec<Warning>,
}

/// The built-in rules, the configuration's `[[rules]]` and `rules-file`, and the rules of
/// `extra_files`. A file in gitleaks' format (told by its `regex` keys or allowlist tables) is
/// imported as it is.
pub fn load_custom(config: &Config, extra_files: &[PathBuf]) -> anyhow::Result<LoadedRules> {
    let mut loaded = LoadedRules {
        rules: RuleSet::builtin().context("the built-in rules are invalid")?,
        filters: CustomFilters::default(),
        warnings: Vec::new(),
    };
    if !config.rules.is_empty() {
        let source = config.source.as_deref();
        let text = source.and_then(|p| std::fs::read_to_string(p).ok());
        let name = source.map_or_else(|| "configuration".to_string(), |p| p.display().to_string());
        for (index, spec) in config.rules.iter().enumerate() {
            let at = |key: &str| {
                text.as_deref()
                    .and_then(|t| key_line(t, "rules", index, key))
                    .map_or(String::new(), |line| format!(":{line}"))
            };
            let rule = validate_rule(spec.clone(), None, None, Strictness::Custom)
                .map_err(|e| anyhow::anyhow!("{name}{}: {e}", at(e.key)))?;
            loaded
                .rules
                .add_rule(rule)
                .map_err(|e| anyhow::anyhow!("{name}{}: {e}", at("id")))?;
        }
    }
    let configured = config.rules_file.as_deref().map(|f| config.resolve(f));
    for file in configured.iter().chain(extra_files) {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read rules file {}", file.display()))?;
        let name = file.display().to_string();
        if gitleaks::looks_like_gitleaks(&text) {
            add_gitleaks(&mut loaded, &name, &text)?;
        } else {
            loaded.rules.add_file(&name, &text, Strictness::Custom)?;
        }
    }
    loaded
        .rules
        .check_pairs()
        .map_err(|e| anyhow::anyhow!("custom rules: {e}"))?;
    Ok(loaded)
}

/// Imports a gitleaks file: its rules, their filters, and a warning per skipped rule.
fn add_gitleaks(loaded: &mut LoadedRules, name: &str, text: &str) -> anyhow::Result<()> {
    let import = gitleaks::parse_gitleaks(name, text)?;
    for rule in &import.rules {
        loaded
            .rules
            .add_rule(rule.rule.clone())
            .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    }
    for skipped in &import.skipped {
        loaded.warnings.push(Warning::at_line(
            name,
            u32::try_from(skipped.line).unwrap_or(u32::MAX),
            format!(
                "gitleaks rule `{}` not loaded: {}",
                skipped.id, skipped.reason
            ),
        ));
    }
    loaded.filters.add_gitleaks(&import);
    Ok(())
}

/// A scanner of [`load_custom`], without the rules `disable` or `[scan] disable` names: a
/// disabled rule takes no part in overlaps, so another rule matching its value still reports it.
pub fn load_scanner(config: &Config, extra_files: &[PathBuf]) -> anyhow::Result<Scanner> {
    let loaded = load_custom(config, extra_files)?;
    let mut scan = config.scan.clone();
    scan.disable.extend(config.disable.iter().cloned());
    Ok(Scanner::new(&loaded.rules, &scan)
        .with_custom_filters(loaded.filters)
        .with_warnings(loaded.warnings))
}

/// The rules of `scanner`, described for reports (SARIF's rule table).
pub fn rule_docs(scanner: &Scanner) -> Vec<RuleDoc> {
    scanner
        .rules()
        .map(|rule| RuleDoc {
            id: rule.id.clone(),
            name: rule.name.clone(),
            description: format!("{} ({})", rule.name, rule.provider),
            help_uri: rule.reference.clone(),
            severity: rule.severity,
        })
        .collect()
}

/// The secret scan of a project's working tree, for `preflight check`.
#[derive(Debug)]
pub struct SecretsCheck {
    scanner: Arc<Scanner>,
    options: WalkOptions,
}

impl SecretsCheck {
    /// A check running `scanner` (shared with the history check) with the walk `options`.
    pub fn new(scanner: Arc<Scanner>, options: WalkOptions) -> Self {
        SecretsCheck { scanner, options }
    }
}

impl Check for SecretsCheck {
    fn name(&self) -> &'static str {
        "secrets"
    }

    fn run(&self, project: &Project) -> Outcome {
        scan_paths(
            std::slice::from_ref(&project.root),
            &self.options,
            &self.scanner,
        )
    }
}

/// Parses `4096`, `64K`, `10M`, `1G` (also `KiB`, `MB`, ...; powers of 1024).
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size such as 4096, 64K or 10M"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("unknown size unit in `{text}` (use K, M or G)")),
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_accept_binary_suffixes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("10MiB"), Ok(10 << 20));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5T").is_err());
    }

    #[test]
    fn custom_rules_from_configuration_are_validated_with_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("preflight.toml");
        std::fs::write(
            &path,
            "[[rules]]\nid = \"acme.key\"\nname = \"Acme key\"\nprovider = \"Acme\"\nseverity = \"high\"\nkeywords = [\"acme_\"]\npattern = '(acme_[a-z'\n",
        )
        .unwrap();
        let config = Config::load(Some(&path), dir.path()).unwrap();
        let err = load_rules(&config, &[]).unwrap_err().to_string();
        assert!(
            err.contains("preflight.toml:7: rule `acme.key`, key `pattern`"),
            "{err}"
        );
    }

    #[test]
    fn a_disabled_rule_leaves_its_values_to_other_rules() {
        let dir = tempfile::tempdir().unwrap();
        let rules = dir.path().join("rules.toml");
        std::fs::write(
            &rules,
            concat!(
                "provider = \"Acme\"\n[[rules]]\nid = \"acme.pem\"\nname = \"Acme key\"\n",
                "severity = \"high\"\nkeywords = [\"-----begin\"]\nwindow_lines = 10\n",
                "pattern = '(?P<secret>-----BEGIN RSA PRIVATE KEY-----[A-Za-z0-9+/=\\s]{40,}?",
                "-----END RSA PRIVATE KEY-----)'\n",
            ),
        )
        .unwrap();
        // A key-shaped body made up here, so that no key is written in the source.
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let body: String = (0..320usize)
            .map(|i| match i % 65 {
                64 => '\n',
                n => char::from(alphabet[(i * 37 + n * 11) % 64]),
            })
            .collect();
        let text =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n");
        let ids = |config: &Config| {
            let scanner = load_scanner(config, std::slice::from_ref(&rules)).unwrap();
            let mut outcome = Outcome::default();
            scanner.scan_blob(
                "key.pem",
                preflight_findings::LocationKind::File,
                text.as_bytes(),
                &mut Scratch::default(),
                &mut outcome,
            );
            let mut ids: Vec<String> = outcome.findings.iter().map(|f| f.id.clone()).collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(&Config::default()), ["private-key.pem"]);
        let config = Config {
            disable: vec!["private-key".to_string()],
            ..Config::default()
        };
        assert_eq!(ids(&config), ["acme.pem"]);
    }

    #[test]
    fn the_secrets_check_scans_the_project_root() {
        let dir = tempfile::tempdir().unwrap();
        let key = "sk_live_4qFh7TzK2mLw9RcVxB3nYd8PzQ1"; // preflight:allow (synthetic test value)
        std::fs::write(
            dir.path().join(".env"),
            format!("STRIPE_SECRET_KEY={key}\n"),
        )
        .unwrap();
        let scanner = load_scanner(&Config::default(), &[]).unwrap();
        let check = SecretsCheck::new(Arc::new(scanner), WalkOptions::default());
        let outcome = check.run(&Project {
            root: dir.path().to_path_buf(),
        });
        let ids: Vec<&str> = outcome.findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["stripe.secret-key"]);
        assert_eq!(outcome.findings[0].location.path, ".env");
        assert_eq!(check.name(), "secrets");
    }
}
