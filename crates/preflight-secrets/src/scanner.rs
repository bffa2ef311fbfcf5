//! The scanner: rules compiled once, shared by every thread, run over a blob with the caller's
//! scratch buffers.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use memchr::{memchr, memrchr};
use preflight_findings::{DropReason, Dropped, Finding, Location, LocationKind, Outcome, Redacted};
use preflight_rules::{Rule, RuleSet, compile_pattern};
use regex::bytes::Regex;

use crate::ScanConfig;
use crate::checksum;
use crate::filters::{Filters, entropy};
use crate::prefilter::{Prefilter, PrefilterScratch};

/// The most bytes searched on each side of a match for its line (inline markers) or for
/// `context` words per line of context.
const LINE_CAP: usize = 4096;

/// A rule as the scanner holds it.
#[derive(Debug)]
struct CompiledRule {
    rule: Rule,
    /// Compiled on first use: a small scan touches only the rules whose keywords occur.
    regex: OnceLock<Option<Regex>>,
    /// Case-insensitive automaton over the rule's `context` words.
    context: Option<AhoCorasick>,
    /// Higher wins when matches of two rules overlap.
    priority: u8,
}

impl CompiledRule {
    fn new(rule: Rule) -> CompiledRule {
        let context = (!rule.context.is_empty()).then(|| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&rule.context)
                .expect("validated context words are literals")
        });
        let priority = (u8::from(rule.public) << 2)
            | (u8::from(rule.checksum.is_some()) << 1)
            | u8::from(!rule.is_generic());
        CompiledRule {
            rule,
            regex: OnceLock::new(),
            context,
            priority,
        }
    }

    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| compile_pattern(&self.rule.pattern).ok())
            .as_ref()
    }
}

/// A value a rule matched, and whether it was dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The index of the rule in [`Scanner::rules`].
    pub rule: usize,
    /// The secret's byte range in the blob.
    pub secret: Range<usize>,
    /// Why it is not reported, or `None` when it is a finding.
    pub dropped: Option<DropReason>,
}

/// Caller-owned buffers for scanning; one per thread, reused from blob to blob.
#[derive(Debug, Default)]
pub struct Scratch {
    prefilter: PrefilterScratch,
    candidates: Vec<Candidate>,
    order: Vec<usize>,
    kept: Vec<(usize, usize, usize)>,
}

/// The secret-scanning engine, built once from a rule set and shared by all threads.
#[derive(Debug)]
pub struct Scanner {
    rules: Vec<CompiledRule>,
    prefilter: Prefilter,
    filters: Filters,
}

impl Scanner {
    /// Builds a scanner from the rules of `rules` that `config` does not disable.
    pub fn new(rules: &RuleSet, config: &ScanConfig) -> Scanner {
        let rules: Vec<CompiledRule> = rules
            .rules()
            .iter()
            .filter(|r| !config.is_disabled(&r.id))
            .cloned()
            .map(CompiledRule::new)
            .collect();
        let keywords: Vec<Vec<String>> = rules.iter().map(|r| r.rule.keywords.clone()).collect();
        let lines = rules.iter().map(|r| r.rule.window_lines).collect();
        Scanner {
            prefilter: Prefilter::new(&keywords, lines),
            rules,
            filters: Filters::default(),
        }
    }

    /// The rules this scanner runs, in the order [`Candidate::rule`] indexes.
    pub fn rules(&self) -> impl ExactSizeIterator<Item = &Rule> {
        self.rules.iter().map(|r| &r.rule)
    }

    /// The rule at `index`.
    pub fn rule(&self, index: usize) -> &Rule {
        &self.rules[index].rule
    }

    /// Every candidate in `bytes`, sorted by position: findings (`dropped == None`) and dropped
    /// values with their reason. Overlapping findings are resolved to one.
    pub fn candidates<'s>(&self, bytes: &[u8], scratch: &'s mut Scratch) -> &'s [Candidate] {
        scratch.candidates.clear();
        self.prefilter.windows(bytes, &mut scratch.prefilter);
        for window in &scratch.prefilter.windows {
            let rule = window.rule as usize;
            let Some(regex) = self.rules[rule].regex() else {
                continue;
            };
            let haystack = &bytes[..window.end];
            let mut at = window.start;
            while at <= window.end {
                // Most windows hold no match: a plain search is cheaper than one that tracks
                // groups, which runs only on the match found.
                let Some(found) = regex.find_at(haystack, at) else {
                    break;
                };
                let Some(captures) = regex.captures_at(haystack, found.start()) else {
                    break;
                };
                let whole = captures.get(0).expect("group 0 always matches");
                at = if whole.is_empty() {
                    whole.end() + 1
                } else {
                    whole.end()
                };
                let secret = captures
                    .name("secret")
                    .or_else(|| captures.get(1))
                    .unwrap_or(whole);
                if secret.is_empty() {
                    continue;
                }
                let range = secret.start()..secret.end();
                if !self.has_context(rule, bytes, &range) {
                    continue;
                }
                let dropped = self.judge(rule, bytes, &range);
                scratch.candidates.push(Candidate {
                    rule,
                    secret: range,
                    dropped,
                });
            }
        }
        self.resolve_overlaps(scratch);
        &scratch.candidates
    }

    /// Scans one blob, adding its findings and dropped candidates to `outcome`.
    pub fn scan_blob(
        &self,
        path: &str,
        kind: LocationKind,
        bytes: &[u8],
        scratch: &mut Scratch,
        outcome: &mut Outcome,
    ) {
        let mut lines = LineCounter::default();
        let candidates = self.candidates(bytes, scratch);
        for candidate in candidates {
            let rule = &self.rules[candidate.rule].rule;
            let (line, column) = lines.locate(bytes, candidate.secret.start);
            let location = Location {
                kind,
                path: path.to_string(),
                line: Some(line),
                column: Some(column),
            };
            let secret = Redacted::from_bytes(&bytes[candidate.secret.clone()]);
            match &candidate.dropped {
                Some(reason) => outcome.dropped.push(Dropped {
                    id: rule.id.clone(),
                    location,
                    reason: reason.clone(),
                    secret: Some(secret),
                }),
                None => outcome.findings.push(finding(rule, location, secret)),
            }
        }
    }

    fn has_context(&self, rule: usize, bytes: &[u8], secret: &Range<usize>) -> bool {
        let compiled = &self.rules[rule];
        let Some(words) = &compiled.context else {
            return true;
        };
        let lines = compiled.rule.context_lines as usize;
        let cap = LINE_CAP * (lines + 1);
        let mut start = secret.start;
        let floor = start.saturating_sub(cap);
        for _ in 0..=lines {
            match memrchr(b'\n', &bytes[floor..start]) {
                Some(i) => start = floor + i,
                None => {
                    start = floor;
                    break;
                }
            }
        }
        let mut end = secret.end;
        let ceiling = end.saturating_add(cap).min(bytes.len());
        for _ in 0..=lines {
            match memchr(b'\n', &bytes[end..ceiling]) {
                Some(i) => end += i + 1,
                None => {
                    end = ceiling;
                    break;
                }
            }
        }
        words.is_match(&bytes[start..end])
    }

    /// Why the value at `secret` is not reported, or `None`.
    fn judge(&self, rule: usize, bytes: &[u8], secret: &Range<usize>) -> Option<DropReason> {
        let rule = &self.rules[rule].rule;
        if rule.public {
            return Some(public_value(rule));
        }
        let value = &bytes[secret.clone()];
        let validated = match rule.checksum {
            Some(kind) if !checksum::is_valid(kind, value) => return Some(DropReason::Checksum),
            Some(_) => true,
            None => false,
        };
        if let Some(reason) = self.filters.documentation_example(value) {
            return Some(reason);
        }
        if !validated {
            if let Some(reason) = self
                .filters
                .reference(value)
                .or_else(|| self.filters.placeholder(value))
            {
                return Some(reason);
            }
            if rule.is_generic() {
                if names_a_value(bytes, secret) {
                    return Some(DropReason::Reference);
                }
                if !value.iter().any(u8::is_ascii_digit) {
                    return Some(DropReason::Placeholder {
                        pattern: "no digit: a word, not a generated secret".to_string(),
                    });
                }
            }
            if let Some(minimum) = rule.min_entropy {
                let found = entropy(value);
                if found < minimum {
                    return Some(DropReason::Entropy { found, minimum });
                }
            }
        }
        self.filters.marker(line_of(bytes, secret))
    }

    /// Keeps one candidate where candidates overlap: higher priority (public identifiers, then
    /// checksum-validated, then provider over generic), then the longer secret, then the earlier rule. The others are
    /// dropped as superseded (unless a filter dropped them already). Dropped candidates take
    /// part too, so a generic rule does not report a value a provider rule has judged a
    /// placeholder or a failed checksum.
    fn resolve_overlaps(&self, scratch: &mut Scratch) {
        let candidates = &mut scratch.candidates;
        if candidates.len() < 2 {
            return;
        }
        scratch.order.clear();
        scratch.order.extend(0..candidates.len());
        scratch.order.sort_by(|&a, &b| {
            let (a, b) = (&candidates[a], &candidates[b]);
            let key = |c: &Candidate| {
                (
                    std::cmp::Reverse(self.rules[c.rule].priority),
                    std::cmp::Reverse(c.secret.len()),
                    c.rule,
                    c.secret.start,
                )
            };
            key(a).cmp(&key(b))
        });
        // Kept intervals, sorted by start, never overlapping one another.
        scratch.kept.clear();
        for &index in &scratch.order {
            let range = candidates[index].secret.clone();
            let at = scratch
                .kept
                .partition_point(|&(start, _, _)| start < range.end);
            let overlapping = at
                .checked_sub(1)
                .map(|i| scratch.kept[i])
                .filter(|&(_, end, _)| end > range.start);
            match overlapping {
                Some((_, _, winner)) => {
                    if candidates[index].dropped.is_none() {
                        let by = self.rules[candidates[winner].rule].rule.id.clone();
                        candidates[index].dropped = Some(DropReason::Superseded { by });
                    }
                }
                None => scratch.kept.insert(at, (range.start, range.end, index)),
            }
        }
        candidates.sort_by_key(|c| (c.secret.start, c.rule));
    }
}

/// Why a match of a rule that recognises public identifiers is not reported.
pub fn public_value(rule: &Rule) -> DropReason {
    DropReason::ValueAllowlist {
        pattern: format!("{}: public, not a secret", rule.id),
    }
}

/// Whether an unquoted value names something instead of being a literal: a code path
/// (`windows_sys::core::PCWSTR`), a word without digits (`CancellationToken`), or a snake-case
/// name with few digits (`WIN32_ERROR`, `my_password2`). Catch-all assignment rules see these in
/// type annotations, keyword arguments and documentation; a quoted value is taken literally.
fn names_a_value(bytes: &[u8], secret: &Range<usize>) -> bool {
    let value = &bytes[secret.clone()];
    if memchr::memmem::find(value, b"::").is_some() {
        return true;
    }
    let before = secret.start.checked_sub(1).map(|i| bytes[i]);
    let quoted =
        matches!(before, Some(b'"' | b'\'' | b'`')) && bytes.get(secret.end) == before.as_ref();
    let wordy = value
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b':' | b'-'));
    let digits = value.iter().filter(|b| b.is_ascii_digit()).count();
    let mixed_case =
        value.iter().any(u8::is_ascii_lowercase) && value.iter().any(u8::is_ascii_uppercase);
    let snake = value.contains(&b'_') && !mixed_case && digits <= 3;
    !quoted && wordy && (digits == 0 || snake)
}

/// The line holding the start of `secret`, capped at [`LINE_CAP`] bytes each side.
fn line_of<'a>(bytes: &'a [u8], secret: &Range<usize>) -> &'a [u8] {
    let floor = secret.start.saturating_sub(LINE_CAP);
    let start = memrchr(b'\n', &bytes[floor..secret.start]).map_or(floor, |i| floor + i + 1);
    let ceiling = secret.end.saturating_add(LINE_CAP).min(bytes.len());
    let end = memchr(b'\n', &bytes[secret.end..ceiling]).map_or(ceiling, |i| secret.end + i);
    &bytes[start..end]
}

/// The finding for a reported candidate.
fn finding(rule: &Rule, location: Location, secret: Redacted) -> Finding {
    let mut finding = Finding::secret(&rule.id, rule.severity, &rule.name, location, secret)
        .with_help(&rule.help)
        .with_detail("provider", &rule.provider)
        .with_detail("rule", &rule.name);
    if let Some(reference) = &rule.reference {
        finding = finding.with_reference(reference);
    }
    finding
}

/// Turns byte offsets, visited in increasing order, into 1-based lines and columns (in
/// characters), counting only up to each reported offset (a blob without findings costs
/// nothing, and many findings on one huge line cost the line once).
#[derive(Debug, Default)]
struct LineCounter {
    offset: usize,
    line: u32,
    column: usize,
}

impl LineCounter {
    fn locate(&mut self, bytes: &[u8], offset: usize) -> (u32, u32) {
        if offset < self.offset {
            *self = LineCounter::default();
        }
        let skipped = &bytes[self.offset..offset];
        let newlines = memchr::memchr_iter(b'\n', skipped).count();
        let counted_from = if newlines > 0 {
            self.line = self
                .line
                .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
            self.column = 0;
            self.offset + memrchr(b'\n', skipped).expect("counted at least one") + 1
        } else {
            self.offset
        };
        self.column += count_chars(&bytes[counted_from..offset]);
        self.offset = offset;
        (
            self.line.saturating_add(1),
            u32::try_from(self.column + 1).unwrap_or(u32::MAX),
        )
    }
}

/// UTF-8 characters in `bytes`: every byte that is not a continuation byte.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}
