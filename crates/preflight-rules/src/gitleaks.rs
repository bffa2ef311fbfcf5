//! Custom rules written in gitleaks' TOML format, loaded as preflight rules so that a team's
//! existing rules come along when it switches.
//!
//! A gitleaks file has `[[rules]]` tables with `id`, `description`, `regex`, `secretGroup`,
//! `entropy`, `keywords`, `path` and allowlists, plus file-wide allowlists. Each rule maps onto
//! preflight's schema and goes through the same validation as any custom rule:
//!
//! - the id becomes `custom.<kebab-case id>`, the description the rule's name, the file's
//!   `title` its provider; gitleaks has no severities, so every rule is `high`;
//! - `secretGroup = N` names capture group N `secret` in the pattern (the engine takes the
//!   `secret` group, else group 1); a pattern without any group is wrapped in one, so the whole
//!   match is the secret, as in gitleaks;
//! - preflight's prefilter needs keywords of three or more characters. Missing keywords are
//!   derived from the literal prefixes of the pattern; a rule with none is skipped with a
//!   reason, as are path-only rules (they match file names, not content), composite rules
//!   (`[[rules.required]]`) and patterns the engine's regex flavour rejects;
//! - allowlists (`regexes` with their `regexTarget`, `stopwords`, `paths`, `commits`,
//!   `condition`) have no equivalent in a preflight rule, so they are returned beside the rule
//!   as an [`Allowlist`] for the caller to apply to each candidate, together with the rule's
//!   `path` filter.
//!
//! The engine compiles patterns on bytes with ASCII classes; gitleaks' Go patterns mostly mean
//! the same there. `(?i)`, `\b`, classes and repetitions carry over; Unicode classes such as
//! `\p{L}` do not, and such rules are skipped with the regex error as the reason.

use regex::bytes::{Regex, RegexBuilder};
use regex_syntax::ast::{self, Ast, GroupKind};
use regex_syntax::hir::literal::Extractor;
use serde::Deserialize;

use crate::RulesError;
use crate::load::line_column;
use crate::rule::{MIN_KEYWORD_LEN, Rule, Strictness, validate_rule};
use crate::spec::RuleSpec;

/// The provider name given to imported rules when the file has no `title`.
pub const DEFAULT_PROVIDER: &str = "Custom (gitleaks)";

/// The most keywords derived from one pattern; more means the prefix is too vague to be useful.
const MAX_DERIVED_KEYWORDS: usize = 32;

/// What a gitleaks file yields: the rules that load, the file-wide allowlists, and the rules
/// that could not be carried over with the reason.
#[derive(Debug, Clone, Default)]
pub struct GitleaksImport {
    /// Rules mapped onto preflight's schema, each with its own filters.
    pub rules: Vec<GitleaksRule>,
    /// File-wide allowlists (`[allowlist]` and `[[allowlists]]`); a candidate any of them
    /// allows is not a finding.
    pub allowlists: Vec<Allowlist>,
    /// Rules that were left out, and why.
    pub skipped: Vec<SkippedRule>,
}

/// One imported rule.
#[derive(Debug, Clone)]
pub struct GitleaksRule {
    /// The rule, validated like any custom rule.
    pub rule: Rule,
    /// The rule's `path` pattern: when set, the rule applies only to paths it matches.
    pub path: Option<regex::Regex>,
    /// The rule's allowlists; a candidate any of them allows is not a finding.
    pub allowlists: Vec<Allowlist>,
}

impl GitleaksRule {
    /// Whether the rule applies to a file at `path` (always, when it has no `path` pattern).
    pub fn applies_to(&self, path: &str) -> bool {
        self.path.as_ref().is_none_or(|p| p.is_match(path))
    }
}

/// A rule that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRule {
    /// The gitleaks id.
    pub id: String,
    /// 1-based line of its `[[rules]]` table.
    pub line: usize,
    /// Why it was skipped.
    pub reason: String,
}

/// What an allowlist's `regexes` are matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegexTarget {
    /// The secret (gitleaks' default).
    #[default]
    Secret,
    /// The whole match.
    Match,
    /// The line the match is on.
    Line,
}

/// A gitleaks allowlist: conditions under which a candidate is not a finding.
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    /// Optional description, for `--explain`.
    pub description: Option<String>,
    regexes: Vec<Regex>,
    regex_target: RegexTarget,
    stopwords: Vec<String>,
    paths: Vec<regex::Regex>,
    commits: Vec<String>,
    require_all: bool,
}

/// A candidate as an allowlist sees it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// The secret.
    pub secret: &'a [u8],
    /// The whole match of the rule's pattern.
    pub matched: &'a [u8],
    /// The line (or lines) the match is on.
    pub line: &'a [u8],
    /// The file path, when the candidate comes from a file.
    pub path: Option<&'a str>,
    /// The commit id, when the candidate comes from git history.
    pub commit: Option<&'a str>,
}

impl Allowlist {
    /// Whether this allowlist lets `candidate` through as not-a-secret. With `condition =
    /// "AND"` every configured check must hold; otherwise any one is enough.
    pub fn allows(&self, candidate: &Candidate<'_>) -> bool {
        let target = match self.regex_target {
            RegexTarget::Secret => candidate.secret,
            RegexTarget::Match => candidate.matched,
            RegexTarget::Line => candidate.line,
        };
        let lowered = candidate.secret.to_ascii_lowercase();
        let checks = [
            (!self.commits.is_empty()).then(|| {
                candidate
                    .commit
                    .is_some_and(|c| self.commits.iter().any(|x| x == c))
            }),
            (!self.paths.is_empty()).then(|| {
                candidate
                    .path
                    .is_some_and(|p| self.paths.iter().any(|r| r.is_match(p)))
            }),
            (!self.regexes.is_empty()).then(|| self.regexes.iter().any(|r| r.is_match(target))),
            (!self.stopwords.is_empty()).then(|| {
                self.stopwords
                    .iter()
                    .any(|w| contains(&lowered, w.as_bytes()))
            }),
        ];
        let mut configured = checks.iter().flatten().peekable();
        if configured.peek().is_none() {
            return false;
        }
        if self.require_all {
            configured.all(|&held| held)
        } else {
            configured.any(|&held| held)
        }
    }
}

impl Allowlist {
    /// The first of the allowlist's `paths` patterns that `path` matches, if any: when it
    /// allows a candidate at such a path, the path is why.
    pub fn matching_path(&self, path: &str) -> Option<&str> {
        self.paths
            .iter()
            .find(|r| r.is_match(path))
            .map(regex::Regex::as_str)
    }

    /// A short description for `--explain`: the `description`, else its patterns and words.
    pub fn label(&self) -> String {
        if let Some(description) = self.description.as_deref().filter(|d| !d.trim().is_empty()) {
            return format!("gitleaks allowlist: {description}");
        }
        let parts: Vec<&str> = self
            .regexes
            .iter()
            .map(Regex::as_str)
            .chain(self.stopwords.iter().map(String::as_str))
            .chain(self.commits.iter().map(String::as_str))
            .collect();
        format!("gitleaks allowlist: {}", parts.join(", "))
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Whether `text` looks like a gitleaks configuration rather than a preflight rule file: its
/// rules use gitleaks' `regex` key, or it has gitleaks-only tables.
pub fn looks_like_gitleaks(text: &str) -> bool {
    let Ok(value) = text.parse::<toml::Table>() else {
        return false;
    };
    let gitleaks_rule = value
        .get("rules")
        .and_then(toml::Value::as_array)
        .is_some_and(|rules| {
            rules
                .iter()
                .any(|r| r.get("regex").is_some() || r.get("secretGroup").is_some())
        });
    gitleaks_rule
        || value.contains_key("extend")
        || value.contains_key("allowlist")
        || value.contains_key("allowlists")
}

#[derive(Debug, Deserialize)]
struct FileSpec {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    allowlist: Option<AllowlistSpec>,
    #[serde(default)]
    allowlists: Vec<AllowlistSpec>,
    #[serde(default)]
    rules: Vec<RuleSpecGl>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RuleSpecGl {
    id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    allowlist: Option<AllowlistSpec>,
    #[serde(default)]
    allowlists: Vec<AllowlistSpec>,
    #[serde(default)]
    required: Vec<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AllowlistSpec {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    regex_target: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    commits: Vec<String>,
}

/// Parses a gitleaks configuration. A file that is not valid TOML, or an allowlist whose
/// pattern does not compile, is an error naming the file and line; a rule that cannot be
/// carried over is listed in [`GitleaksImport::skipped`] and the others still load.
pub fn parse_gitleaks(file: &str, text: &str) -> Result<GitleaksImport, RulesError> {
    let spec: FileSpec = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_column(text, s.start));
        RulesError::Syntax {
            file: file.to_string(),
            line,
            column,
            message: e.message().to_string(),
        }
    })?;
    let syntax = |line: usize, message: String| RulesError::Syntax {
        file: file.to_string(),
        line,
        column: 1,
        message,
    };
    let provider = spec
        .title
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_PROVIDER.to_string());
    let mut import = GitleaksImport::default();
    for list in spec.allowlist.into_iter().chain(spec.allowlists) {
        import
            .allowlists
            .push(allowlist(list).map_err(|m| syntax(table_line(text, "allowlist", 0), m))?);
    }
    for (index, gl) in spec.rules.into_iter().enumerate() {
        let line = table_line(text, "rules", index);
        let id = gl.id.clone();
        match import_rule(gl, &provider) {
            Ok(Some(rule)) => import.rules.push(rule),
            Ok(None) => {}
            Err(reason) => import.skipped.push(SkippedRule { id, line, reason }),
        }
    }
    Ok(import)
}

/// Maps one gitleaks rule; `Err` carries the reason it is skipped.
fn import_rule(gl: RuleSpecGl, provider: &str) -> Result<Option<GitleaksRule>, String> {
    if !gl.required.is_empty() {
        return Err("composite rules (`[[rules.required]]`) are not supported".into());
    }
    let Some(regex) = gl.regex.filter(|r| !r.is_empty()) else {
        return Err(if gl.path.is_some() {
            "path-only rules match file names, not content".into()
        } else {
            "the rule has no `regex`".into()
        });
    };
    let slug = kebab(&gl.id);
    if slug.is_empty() {
        return Err("the id has no letters or digits".into());
    }
    let pattern = with_secret_group(&regex, gl.secret_group.unwrap_or(0))?;
    let keywords = keywords(&gl.keywords, &pattern)?;
    let mut table = toml::Table::new();
    table.insert("id".into(), format!("custom.{slug}").into());
    table.insert(
        "name".into(),
        gl.description
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| gl.id.clone())
            .into(),
    );
    table.insert("severity".into(), "high".into());
    table.insert(
        "keywords".into(),
        toml::Value::Array(keywords.into_iter().map(Into::into).collect()),
    );
    table.insert("pattern".into(), pattern.into());
    if let Some(entropy) = gl.entropy.filter(|e| *e > 0.0) {
        table.insert("min_entropy".into(), entropy.into());
    }
    let spec = RuleSpec::deserialize(toml::Value::Table(table))
        .map_err(|e| format!("cannot be mapped: {e}"))?;
    let rule =
        validate_rule(spec, Some(provider), None, Strictness::Custom).map_err(|e| e.to_string())?;
    let path = gl
        .path
        .filter(|p| !p.is_empty())
        .map(|p| regex::Regex::new(&p).map_err(|e| format!("`path` does not compile: {e}")))
        .transpose()?;
    let allowlists = gl
        .allowlist
        .into_iter()
        .chain(gl.allowlists)
        .map(allowlist)
        .collect::<Result<_, _>>()?;
    Ok(Some(GitleaksRule {
        rule,
        path,
        allowlists,
    }))
}

fn allowlist(spec: AllowlistSpec) -> Result<Allowlist, String> {
    let regexes = spec
        .regexes
        .iter()
        .map(|r| {
            RegexBuilder::new(r)
                .unicode(false)
                .build()
                .map_err(|e| format!("allowlist regex `{r}` does not compile: {e}"))
        })
        .collect::<Result<_, _>>()?;
    let paths = spec
        .paths
        .iter()
        .map(|p| {
            regex::Regex::new(p).map_err(|e| format!("allowlist path `{p}` does not compile: {e}"))
        })
        .collect::<Result<_, _>>()?;
    let regex_target = match spec.regex_target.as_deref().map(str::to_ascii_lowercase) {
        None => RegexTarget::Secret,
        Some(t) if t == "secret" || t.is_empty() => RegexTarget::Secret,
        Some(t) if t == "match" => RegexTarget::Match,
        Some(t) if t == "line" => RegexTarget::Line,
        Some(t) => return Err(format!("unknown regexTarget `{t}` (secret, match or line)")),
    };
    let require_all = match spec.condition.as_deref().map(str::to_ascii_uppercase) {
        None => false,
        Some(c) if c == "OR" || c.is_empty() => false,
        Some(c) if c == "AND" => true,
        Some(c) => return Err(format!("unknown condition `{c}` (AND or OR)")),
    };
    Ok(Allowlist {
        description: spec.description,
        regexes,
        regex_target,
        stopwords: spec
            .stopwords
            .into_iter()
            .map(|w| w.to_ascii_lowercase())
            .collect(),
        paths,
        commits: spec.commits,
        require_all,
    })
}

/// `AWS Access Key` and `aws_access-key` both become `aws-access-key`.
fn kebab(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Names capture group `group` `secret` (group 0: the pattern's own groups stand, and a
/// pattern with none is wrapped so the whole match is the secret).
fn with_secret_group(pattern: &str, group: usize) -> Result<String, String> {
    let ast = ast::parse::Parser::new()
        .parse(pattern)
        .map_err(|e| format!("regex does not parse: {e}"))?;
    let mut groups = Vec::new();
    collect_groups(&ast, &mut groups);
    if group == 0 {
        return Ok(if groups.is_empty() {
            format!("(?P<secret>{pattern})")
        } else {
            pattern.to_string()
        });
    }
    let Some(&(_, open, name_end)) = groups.iter().find(|(index, _, _)| *index == group) else {
        return Err(format!(
            "secretGroup {group} but the regex has {} capture groups",
            groups.len()
        ));
    };
    // `open` is the offset just after `(`; `name_end` the end of an existing `?P<name>`.
    Ok(match name_end {
        Some(end) => format!("{}?P<secret>{}", &pattern[..open], &pattern[end..]),
        None => format!("{}?P<secret>{}", &pattern[..open], &pattern[open..]),
    })
}

/// Capture groups as (index, offset after `(`, end of the `?P<name>` prefix when named).
fn collect_groups(ast: &Ast, out: &mut Vec<(usize, usize, Option<usize>)>) {
    match ast {
        Ast::Group(g) => {
            let open = g.span.start.offset + 1;
            match &g.kind {
                GroupKind::CaptureIndex(i) => out.push((*i as usize, open, None)),
                GroupKind::CaptureName { name, .. } => {
                    out.push((name.index as usize, open, Some(name.span.end.offset + 1)));
                }
                GroupKind::NonCapturing(_) => {}
            }
            collect_groups(&g.ast, out);
        }
        Ast::Repetition(r) => collect_groups(&r.ast, out),
        Ast::Alternation(a) => a.asts.iter().for_each(|x| collect_groups(x, out)),
        Ast::Concat(c) => c.asts.iter().for_each(|x| collect_groups(x, out)),
        _ => {}
    }
}

/// The rule's own keywords when they are long enough, else literal prefixes of the pattern.
fn keywords(given: &[String], pattern: &str) -> Result<Vec<String>, String> {
    let usable = |k: &str| k.len() >= MIN_KEYWORD_LEN && k.bytes().all(|b| b.is_ascii_graphic());
    let mut out: Vec<String> = given
        .iter()
        .map(|k| k.to_ascii_lowercase())
        .filter(|k| usable(k))
        .collect();
    if out.is_empty() {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(pattern)
            .map_err(|e| format!("regex does not parse: {e}"))?;
        let seq = Extractor::new().extract(&hir);
        if let Some(literals) = seq.literals() {
            for literal in literals {
                let text = String::from_utf8_lossy(literal.as_bytes()).to_ascii_lowercase();
                if !usable(&text) {
                    out.clear();
                    break;
                }
                out.push(text);
            }
        }
    }
    out.sort();
    out.dedup();
    if out.is_empty() || out.len() > MAX_DERIVED_KEYWORDS {
        return Err(format!(
            "no keyword of {MIN_KEYWORD_LEN}+ characters: add `keywords` (literal text every match contains)"
        ));
    }
    Ok(out)
}

/// The 1-based line of the `index`-th `[[table]]` (or `[table]`) header in `text`.
fn table_line(text: &str, table: &str, index: usize) -> usize {
    let headers = [format!("[[{table}]]"), format!("[{table}]")];
    text.lines()
        .enumerate()
        .filter(|(_, l)| headers.iter().any(|h| l.trim() == h))
        .nth(index)
        .map_or(1, |(n, _)| n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"
title = "Acme secrets"

[allowlist]
description = "test data"
paths = ['''(^|/)testdata/''']

[[rules]]
id = "acme-api-token"
description = "Acme API token"
regex = '''(?i)(acme)[_-]?token\s*=\s*["']?(acme_[a-z0-9]{32})'''
secretGroup = 2
entropy = 3.0
keywords = ["acme_"]
[rules.allowlist]
stopwords = ["acme_dev"]

[[rules]]
id = "Internal Service Key"
regex = '''isk-[A-Z0-9]{24}'''

[[rules]]
id = "pkcs12-file"
path = '''\.p12$'''

[[rules]]
id = "vague"
regex = '''[a-f0-9]{40}'''
"#;

    #[test]
    fn rules_map_onto_preflight_rules() {
        let import = parse_gitleaks("gitleaks.toml", CONFIG).unwrap();
        let ids: Vec<&str> = import.rules.iter().map(|r| r.rule.id.as_str()).collect();
        assert_eq!(
            ids,
            ["custom.acme-api-token", "custom.internal-service-key"]
        );
        let acme = &import.rules[0].rule;
        assert_eq!(acme.provider, "Acme secrets");
        assert_eq!(acme.name, "Acme API token");
        assert_eq!(acme.keywords, ["acme_"]);
        assert_eq!(acme.min_entropy, Some(3.0));
        let re = crate::compile_pattern(&acme.pattern).unwrap();
        let caps = re
            .captures(b"ACME_TOKEN = 'acme_0123456789abcdef0123456789abcdef'")
            .unwrap();
        assert_eq!(
            &caps["secret"],
            b"acme_0123456789abcdef0123456789abcdef".as_slice()
        );
        // Keywords derived from the literal prefix; the whole match is the secret.
        let isk = &import.rules[1].rule;
        assert_eq!(isk.keywords, ["isk-"]);
        assert_eq!(isk.pattern, "(?P<secret>isk-[A-Z0-9]{24})");
        let skipped: Vec<(&str, usize)> = import
            .skipped
            .iter()
            .map(|s| (s.id.as_str(), s.line))
            .collect();
        assert_eq!(skipped, [("pkcs12-file", 22), ("vague", 26)]);
        assert!(import.skipped[1].reason.contains("keywords"));
    }

    #[test]
    fn allowlists_follow_gitleaks_semantics() {
        let import = parse_gitleaks("gitleaks.toml", CONFIG).unwrap();
        let candidate = |secret: &'static [u8], path| Candidate {
            secret,
            matched: secret,
            line: secret,
            path: Some(path),
            commit: None,
        };
        let global = &import.allowlists[0];
        assert!(global.allows(&candidate(b"x", "pkg/testdata/keys.txt")));
        assert!(!global.allows(&candidate(b"x", "pkg/main.go")));
        let rule = &import.rules[0].allowlists[0];
        assert!(rule.allows(&candidate(b"ACME_DEV_0123", "a.py")));
        assert!(!rule.allows(&candidate(b"acme_prod_0123", "a.py")));

        let both = allowlist(AllowlistSpec {
            condition: Some("AND".into()),
            regex_target: Some("line".into()),
            regexes: vec!["fixture".into()],
            paths: vec!["_test\\.go$".into()],
            ..AllowlistSpec::default()
        })
        .unwrap();
        let line = Candidate {
            secret: b"s",
            matched: b"s",
            line: b"key := \"s\" // fixture",
            path: Some("a_test.go"),
            commit: None,
        };
        assert!(both.allows(&line));
        assert!(!both.allows(&Candidate {
            path: Some("a.go"),
            ..line
        }));
        assert!(!Allowlist::default().allows(&line));
    }

    #[test]
    fn a_named_secret_group_is_renamed() {
        let p = with_secret_group(r"(?P<user>\w+):(?P<pw>\S+)", 2).unwrap();
        assert_eq!(p, r"(?P<user>\w+):(?P<secret>\S+)");
        assert!(with_secret_group(r"(a)", 3).is_err());
    }

    #[test]
    fn bad_input_is_reported_not_a_panic() {
        let err = parse_gitleaks("g.toml", "[[rules]]\nid = 1\n").unwrap_err();
        assert!(matches!(err, RulesError::Syntax { line: 2, .. }), "{err}");
        let import = parse_gitleaks(
            "g.toml",
            "[[rules]]\nid = \"greek\"\nregex = '''\\p{Greek}+token'''\nkeywords = [\"token\"]\n",
        )
        .unwrap();
        assert_eq!(import.skipped.len(), 1);
        assert!(parse_gitleaks("g.toml", "[allowlist]\nregexes = ['''(''']\n").is_err());
    }

    #[test]
    fn gitleaks_files_are_told_from_preflight_rule_files() {
        assert!(looks_like_gitleaks(CONFIG));
        assert!(looks_like_gitleaks("[extend]\nuseDefault = true\n"));
        let preflight = "provider = \"Acme\"\n[[rules]]\nid = \"acme.key\"\npattern = '''(x)'''\n";
        assert!(!looks_like_gitleaks(preflight));
        assert!(!looks_like_gitleaks("not toml ["));
    }
}
