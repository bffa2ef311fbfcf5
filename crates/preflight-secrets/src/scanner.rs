//! The scanner: rules compiled once, shared by every thread, run over a blob with the caller's
//! scratch buffers.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use memchr::{memchr, memrchr};
use preflight_findings::{
    DropReason, Dropped, Finding, Location, LocationKind, Outcome, Redacted, Severity, Warning,
};
use preflight_rules::gitleaks::{self, Allowlist};
use preflight_rules::{Rule, RuleSet};
use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input};

use crate::ScanConfig;
use crate::custom::{self, CustomFilters, RuleFilter};
use crate::fallback::{self, Fallback};
use crate::filters::{self, Filters, entropy};
use crate::keys::{self, Protection};
use crate::pairs::{self, PairRule};
use crate::pattern::{self, Pattern};
use crate::prefilter::{Prefilter, PrefilterScratch};
use crate::{checksum, jwt, kubernetes};

/// The most bytes searched on each side of a match for its line (inline markers) or for
/// `context` words per line of context.
const LINE_CAP: usize = 4096;

/// Lines above and below a look-up with a literal fallback that are scanned with it, for the
/// rules' `context` words.
const FALLBACK_CONTEXT_LINES: usize = 3;

/// The slugs of rules that recognise a format any provider may issue (`jwt.token`) rather than
/// one provider's credential: in overlaps they yield to provider rules, and win over
/// `generic.*`.
const FORMAT_PROVIDERS: &[&str] = &["jwt"];

/// A rule as the scanner holds it.
#[derive(Debug)]
struct CompiledRule {
    rule: Rule,
    /// Compiled on first use: a small scan touches only the rules whose keywords occur.
    pattern: OnceLock<Option<Pattern>>,
    /// The pattern anchored at the start of the haystack, for keyword hits after an escape;
    /// compiled on first use.
    anchored: OnceLock<Option<Regex>>,
    /// Case-insensitive automaton over the rule's `context` words (`None`: the rule has none);
    /// built on first use, like the patterns, since most rules never match in a small scan.
    context: OnceLock<Option<AhoCorasick>>,
    /// Higher wins when matches of two rules overlap.
    priority: u8,
}

impl CompiledRule {
    fn new(rule: Rule) -> CompiledRule {
        // Public identifiers, then rules with a checksum, then providers' rules, then format
        // rules (`jwt.token`), then `generic.*`.
        let format = FORMAT_PROVIDERS.contains(&rule.provider_slug());
        let priority = (u8::from(rule.public) << 3)
            | (u8::from(rule.checksum.is_some()) << 2)
            | (u8::from(!rule.is_generic() && !format) << 1)
            | u8::from(!rule.is_generic());
        CompiledRule {
            rule,
            pattern: OnceLock::new(),
            anchored: OnceLock::new(),
            context: OnceLock::new(),
            priority,
        }
    }

    fn context(&self) -> Option<&AhoCorasick> {
        self.context
            .get_or_init(|| {
                (!self.rule.context.is_empty()).then(|| {
                    AhoCorasick::builder()
                        .ascii_case_insensitive(true)
                        .build(&self.rule.context)
                        .expect("validated context words are literals")
                })
            })
            .as_ref()
    }

    fn pattern(&self) -> Option<&Pattern> {
        self.pattern
            .get_or_init(|| Pattern::new(&self.rule.pattern, &self.rule.keywords))
            .as_ref()
    }

    /// Whether the pattern is compiled and every match of it starts with a keyword, so that
    /// it is tried only where one does (see [`crate::pattern`]).
    fn starts_at_keyword(&self) -> bool {
        self.pattern
            .get()
            .is_some_and(|p| p.as_ref().is_some_and(|p| p.starts_at_keyword))
    }

    /// The pattern as `^(?:pattern)`, so that a search fails as soon as no match starts at the
    /// haystack's first byte. (In a pattern with verbose mode, a line break ends any trailing
    /// comment before the closing parenthesis.)
    fn anchored(&self) -> Option<&Regex> {
        self.anchored
            .get_or_init(|| {
                let pattern = &self.rule.pattern;
                let close = if pattern.contains("(?x") { "\n)" } else { ")" };
                pattern::compile(&format!("^(?:{pattern}{close}"))
            })
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
    /// The byte range of the pattern's whole match (of both parts, for a pair).
    pub matched: Range<usize>,
    /// Why it is not reported, or `None` when it is a finding.
    pub dropped: Option<DropReason>,
    /// For a pair rule's candidate: the byte range of the identifying part.
    pub identifier: Option<Range<usize>>,
    /// Whether this is a part of a reported pair (and dropped as superseded by it): its bytes
    /// are still part of a credential, which redaction must hide.
    pub in_pair: bool,
    /// Whether this is a pair's finding placed at its identifier's line: `secret` is then the
    /// identifier's range and `identifier` the secret part's, whose value the finding holds.
    pub at_identifier: bool,
    /// For a literal fallback of a look-up (`os.getenv("X", "v")`): the byte range of the
    /// variable's name, which the finding names.
    pub fallback_of: Option<Range<usize>>,
    /// Whether `fallback_of` names the value in a JSON name/value object (`{"key": "X",
    /// "value": "v"}`) rather than a look-up.
    pub in_object: bool,
    /// Whether the value fails its rule's checksum: shaped like the provider's credential but
    /// made up, truncated or a test value. It is reported at low severity, saying why.
    pub checksum_failed: bool,
}

/// Caller-owned buffers for scanning; one per thread, reused from blob to blob.
#[derive(Debug, Default)]
pub struct Scratch {
    prefilter: PrefilterScratch,
    candidates: Vec<Candidate>,
    order: Vec<usize>,
    kept: Vec<(usize, usize, usize)>,
    /// For the decoded values of a blob (Kubernetes Secrets), which are scanned while the
    /// blob's own candidates are still in use.
    nested: Option<Box<Scratch>>,
    /// Look-ups with a literal fallback found in the blob.
    fallbacks: Vec<Fallback>,
    /// The `NAME = "value"` text a fallback is scanned as, and that scan's buffers.
    synthetic: Vec<u8>,
    nested_prefilter: PrefilterScratch,
    nested_candidates: Vec<Candidate>,
}

/// The secret-scanning engine, built once from a rule set and shared by all threads.
#[derive(Debug)]
pub struct Scanner {
    rules: Vec<CompiledRule>,
    prefilter: Prefilter,
    filters: Filters,
    pairs: Vec<PairRule>,
    /// Custom rules' filters by rule index, and allowlists for all rules.
    rule_filters: Vec<Option<RuleFilter>>,
    allowlists: Vec<Allowlist>,
    warnings: Vec<Warning>,
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
        // More entries after the rules' own: the shapes of look-ups with literal fallbacks.
        let mut keywords: Vec<Vec<String>> =
            rules.iter().map(|r| r.rule.keywords.clone()).collect();
        for shape in fallback::KEYWORDS {
            keywords.push(shape.iter().map(|k| k.to_string()).collect());
        }
        let mut lines: Vec<u32> = rules.iter().map(|r| r.rule.window_lines).collect();
        lines.extend(fallback::KEYWORDS.map(|_| 0));
        let index_of = |id: &str| rules.iter().position(|r| r.rule.id == id);
        let pairs = rules
            .iter()
            .enumerate()
            .filter_map(|(rule, r)| {
                let pair = r.rule.pair.as_ref()?;
                Some(PairRule {
                    rule,
                    identifier: index_of(&pair.identifier)?,
                    secret: index_of(&pair.secret)?,
                    lines: pair.lines,
                })
            })
            .collect();
        Scanner {
            prefilter: Prefilter::new(&keywords, lines),
            rule_filters: Vec::new(),
            allowlists: Vec::new(),
            warnings: Vec::new(),
            pairs,
            rules,
            filters: Filters::default(),
        }
    }

    /// Adds the path filters and allowlists custom rules brought (gitleaks files); filters of
    /// rules this scanner does not run are ignored.
    pub fn with_custom_filters(mut self, custom: CustomFilters) -> Scanner {
        if custom.is_empty() {
            return self;
        }
        self.rule_filters.resize(self.rules.len(), None);
        for (id, filter) in custom.rules {
            if let Some(index) = self.rules.iter().position(|r| r.rule.id == id) {
                self.rule_filters[index] = Some(filter);
            }
        }
        self.allowlists = custom.allowlists;
        self
    }

    /// Attaches problems met while loading the rules (gitleaks rules that could not be
    /// carried over), so that every scan with this scanner reports them.
    pub fn with_warnings(mut self, warnings: Vec<Warning>) -> Scanner {
        self.warnings = warnings;
        self
    }

    /// The problems met while loading the rules.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
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
        scratch.fallbacks.clear();
        self.matches(
            bytes,
            &mut scratch.prefilter,
            &mut scratch.candidates,
            Some(&mut scratch.fallbacks),
        );
        if !scratch.fallbacks.is_empty() {
            self.scan_fallbacks(bytes, scratch);
        }
        self.resolve_overlaps(scratch);
        if !self.pairs.is_empty() && scratch.candidates.len() >= 2 {
            pairs::join(
                &self.pairs,
                bytes,
                &mut scratch.candidates,
                |c| self.is_reported_or_public(c),
                |rule| self.rules[rule].rule.id.clone(),
            );
        }
        &scratch.candidates
    }

    /// Runs the rules on the windows of their keyword hits in `bytes`, pushing every match
    /// into `candidates` (overlaps unresolved). Look-ups with a literal fallback go into
    /// `fallbacks` when it is given.
    fn matches(
        &self,
        bytes: &[u8],
        prefilter: &mut PrefilterScratch,
        candidates: &mut Vec<Candidate>,
        mut fallbacks: Option<&mut Vec<Fallback>>,
    ) {
        // A rule's hits are noted once its pattern is compiled and known to start at a keyword;
        // until then (its first blob) its windows are searched whole, which finds the same.
        self.prefilter.windows(bytes, prefilter, |rule| {
            self.rules
                .get(rule as usize)
                .is_some_and(CompiledRule::starts_at_keyword)
        });
        for window in &prefilter.windows {
            let rule = window.rule as usize;
            if rule >= self.rules.len() {
                if let Some(out) = fallbacks.as_deref_mut() {
                    let shape = rule - self.rules.len();
                    fallback::find(shape, bytes, window.start, window.end, out);
                }
                continue;
            }
            let Some(pattern) = self.rules[rule].pattern() else {
                continue;
            };
            let regex = &pattern.regex;
            let haystack = &bytes[..window.end];
            let noted = &prefilter.starts;
            let from = noted.partition_point(|&n| n < (window.rule, window.start));
            let to = noted.partition_point(|&n| n < (window.rule, window.end));
            if to > from {
                // Every match starts at one of the rule's keywords: the leftmost match from
                // `at` is the first one anchored at a keyword hit at or after `at`.
                let mut at = window.start;
                for &(_, start) in &noted[from..to] {
                    if start < at {
                        continue;
                    }
                    let input = Input::new(haystack)
                        .span(start..window.end)
                        .anchored(Anchored::Yes);
                    // Most hits start no match (`eaab` in base64): a yes or no is cheaper than
                    // a search that tracks groups, which runs only where there is one.
                    if !regex.is_match(input.clone()) {
                        continue;
                    }
                    let mut captures = regex.create_captures();
                    regex.search_captures(&input, &mut captures);
                    let Some(whole) = captures.get_match() else {
                        continue;
                    };
                    at = whole.end().max(start + 1);
                    let secret = secret_of(&captures);
                    if let Some(candidate) = self.candidate(rule, bytes, whole.range(), secret) {
                        candidates.push(candidate);
                    }
                }
                continue;
            }
            let mut at = window.start;
            while at <= window.end {
                // Most windows hold no match: a plain search is cheaper than one that tracks
                // groups, which runs only on the match found.
                let Some(found) = regex.search(&Input::new(haystack).span(at..window.end)) else {
                    break;
                };
                let mut captures = regex.create_captures();
                regex.search_captures(
                    &Input::new(haystack).span(found.start()..window.end),
                    &mut captures,
                );
                let Some(whole) = captures.get_match() else {
                    break;
                };
                at = if whole.is_empty() {
                    whole.end() + 1
                } else {
                    whole.end()
                };
                let secret = secret_of(&captures);
                if let Some(candidate) = self.candidate(rule, bytes, whole.range(), secret) {
                    candidates.push(candidate);
                }
            }
        }
        // A token right after a `\n` escape: the pattern runs again, anchored at the keyword,
        // where a leading `\b` holds, and counts only a secret that starts there.
        for window in &prefilter.after_escape {
            let rule = window.rule as usize;
            let Some(regex) = self.rules.get(rule).and_then(CompiledRule::anchored) else {
                continue;
            };
            let mut captures = regex.create_captures();
            regex.captures(&bytes[window.start..window.end], &mut captures);
            let Some(whole) = captures.get_match() else {
                continue;
            };
            let secret = secret_of(&captures);
            if secret.start != 0 {
                continue;
            }
            let shift = |r: Range<usize>| window.start + r.start..window.start + r.end;
            let (whole, secret) = (shift(whole.range()), shift(secret));
            if candidates
                .iter()
                .any(|c| c.rule == rule && c.secret == secret)
            {
                continue;
            }
            if let Some(candidate) = self.candidate(rule, bytes, whole, secret) {
                candidates.push(candidate);
            }
        }
    }

    /// The candidate of `rule` whose secret is `bytes[secret]`, judged; `None` when the secret
    /// is empty or the rule's `context` words are absent.
    fn candidate(
        &self,
        rule: usize,
        bytes: &[u8],
        matched: Range<usize>,
        secret: Range<usize>,
    ) -> Option<Candidate> {
        if secret.is_empty() || !self.has_context(rule, bytes, &secret) {
            return None;
        }
        let checksum = self.rules[rule]
            .rule
            .checksum
            .map(|kind| checksum::is_valid(kind, &bytes[secret.clone()]));
        let dropped = self.judge(rule, bytes, &secret, checksum);
        Some(Candidate {
            rule,
            secret,
            matched,
            dropped,
            identifier: None,
            in_pair: false,
            at_identifier: false,
            fallback_of: None,
            in_object: false,
            checksum_failed: checksum == Some(false),
        })
    }

    /// Judges each literal fallback in `scratch.fallbacks` as an assignment to its variable:
    /// `NAME = "value"`, between the lines around the look-up (for `context` words), is scanned
    /// with every rule, and what is found in the value is added to `scratch.candidates` at the
    /// value's place in `bytes`, unless a rule already matched the same bytes there.
    fn scan_fallbacks(&self, bytes: &[u8], scratch: &mut Scratch) {
        let Scratch {
            candidates,
            fallbacks,
            synthetic,
            nested_prefilter,
            nested_candidates,
            ..
        } = scratch;
        for found in fallbacks.iter() {
            let line_start = line_start(bytes, found.name.start);
            let line_end = line_end(bytes, found.value.end);
            let mut before = line_start;
            for _ in 0..FALLBACK_CONTEXT_LINES {
                if before == 0 || line_start - before >= LINE_CAP {
                    break;
                }
                before = self::line_start(bytes, before - 1);
            }
            let mut after = line_end;
            for _ in 0..FALLBACK_CONTEXT_LINES {
                if after >= bytes.len() || after - line_end >= LINE_CAP {
                    break;
                }
                after = self::line_end(bytes, after + 1);
            }
            synthetic.clear();
            synthetic.extend_from_slice(&bytes[before..line_start]);
            synthetic.extend_from_slice(&bytes[found.name.clone()]);
            synthetic.extend_from_slice(b" = \"");
            let offset = synthetic.len();
            synthetic.extend_from_slice(&bytes[found.value.clone()]);
            let value_end = synthetic.len();
            synthetic.extend_from_slice(b"\"");
            synthetic.extend_from_slice(&bytes[line_end..after]);
            nested_candidates.clear();
            self.matches(synthetic, nested_prefilter, nested_candidates, None);
            let own = candidates.len();
            for nested in nested_candidates.drain(..) {
                if nested.secret.start < offset || nested.secret.end > value_end {
                    continue;
                }
                let start = found.value.start + (nested.secret.start - offset);
                let secret = start..start + nested.secret.len();
                // The marker is on the look-up's line, which the assignment replaced.
                let dropped = nested
                    .dropped
                    .or_else(|| self.filters.marker(line_of(bytes, &secret)));
                if let Some(same) = candidates[..own]
                    .iter_mut()
                    .find(|c| c.rule == nested.rule && c.secret == secret)
                {
                    // The rule matched the literal in place too. Its judgement stands unless it
                    // dropped what the assignment reports: read in place, Spring's
                    // `${X:Value}` looks like a type annotation.
                    if same.dropped.is_none() || dropped.is_some() {
                        continue;
                    }
                    same.dropped = Some(DropReason::Superseded {
                        by: self.rules[nested.rule].rule.id.clone(),
                    });
                }
                if dropped.is_none() {
                    // A match that reaches past the literal into the look-up around it
                    // (`${X:-v}` read as a value, or `:-v`) misread the call: it yields to the
                    // literal's finding.
                    let by = &self.rules[nested.rule].rule.id;
                    let value = &found.value;
                    for c in candidates[..own].iter_mut().filter(|c| {
                        c.secret.start < secret.end
                            && secret.start < c.secret.end
                            && (c.secret.start < value.start || c.secret.end > value.end)
                    }) {
                        c.dropped = Some(DropReason::Superseded { by: by.clone() });
                    }
                }
                candidates.push(Candidate {
                    rule: nested.rule,
                    matched: found.name.start..secret.end,
                    secret,
                    dropped,
                    identifier: None,
                    in_pair: false,
                    at_identifier: false,
                    fallback_of: Some(found.name.clone()),
                    in_object: found.object,
                    checksum_failed: nested.checksum_failed,
                });
            }
        }
    }

    /// Scans one blob, adding its findings and dropped candidates to `outcome`. A YAML file's
    /// Kubernetes Secrets are decoded and scanned too.
    pub fn scan_blob(
        &self,
        path: &str,
        kind: LocationKind,
        bytes: &[u8],
        scratch: &mut Scratch,
        outcome: &mut Outcome,
    ) {
        let decoded = if kubernetes::is_manifest_path(path) {
            let mut nested = scratch.nested.take().unwrap_or_default();
            let decoded = self.scan_decoded(bytes, &mut nested);
            scratch.nested = Some(nested);
            decoded
        } else {
            Vec::new()
        };
        let filtered = !self.rule_filters.is_empty() || !self.allowlists.is_empty();
        let mut lines = LineCounter::default();
        // The reported candidates' ranges and rules, which decoded values may yield to.
        let mut claimed: Vec<(Range<usize>, usize)> = Vec::new();
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
            let value = match (&candidate.identifier, candidate.at_identifier) {
                (Some(secret), true) => &bytes[secret.clone()],
                _ => &bytes[candidate.secret.clone()],
            };
            let dropped = candidate
                .dropped
                .clone()
                .or_else(|| self.decoded_instead(&decoded, candidate))
                .or_else(|| {
                    filtered
                        .then(|| self.custom_exclusion(candidate, path, bytes))
                        .flatten()
                });
            let secret = Redacted::from_bytes(value);
            match dropped {
                Some(reason) => outcome.dropped.push(Dropped {
                    id: rule.id.clone(),
                    location,
                    reason,
                    secret: Some(secret),
                }),
                None => {
                    if !decoded.is_empty() {
                        claimed.push((candidate.secret.clone(), candidate.rule));
                    }
                    let mut found = finding(rule, location, secret, value);
                    if candidate.checksum_failed {
                        found = checksum_failed(found);
                    }
                    if filters::for_loopback_host(bytes, &candidate.secret) {
                        found = on_loopback(found);
                    }
                    if let Some(name) = &candidate.fallback_of {
                        let name = String::from_utf8_lossy(&bytes[name.clone()]);
                        found = if candidate.in_object {
                            found.with_detail("name", format!("the value of `{name}`"))
                        } else {
                            found.with_detail(
                                "fallback",
                                format!("the literal default of `{name}` where it is read"),
                            )
                        };
                    }
                    if let Some(other) = &candidate.identifier {
                        let (identifier, secret) = if candidate.at_identifier {
                            (&candidate.secret, other)
                        } else {
                            (other, &candidate.secret)
                        };
                        found = self.pair_details(found, candidate.rule, identifier, secret, bytes);
                    }
                    outcome.findings.push(found);
                }
            }
        }
        let mut lines = LineCounter::default();
        for value in decoded {
            let (line, column) = lines.locate(bytes, value.encoded.start);
            let location = Location {
                kind,
                path: path.to_string(),
                line: Some(line),
                column: Some(column),
            };
            let rule = &self.rules[value.rule].rule;
            let secret = Redacted::from_bytes(&value.secret);
            let dropped = value.dropped.or_else(|| {
                claimed
                    .iter()
                    .find(|(range, by)| {
                        range.start < value.encoded.end
                            && value.encoded.start < range.end
                            && self.generic_under_provider(value.rule, *by)
                    })
                    .map(|(_, by)| DropReason::Superseded {
                        by: self.rules[*by].rule.id.clone(),
                    })
            });
            match dropped {
                Some(reason) => outcome.dropped.push(Dropped {
                    id: rule.id.clone(),
                    location,
                    reason,
                    secret: Some(secret),
                }),
                None => {
                    let mut found = finding(rule, location, secret, &value.secret).with_detail(
                        "decoded",
                        format!(
                            "base64 value of `data.{}` in a Kubernetes Secret, decoded",
                            value.key
                        ),
                    );
                    if value.checksum_failed {
                        found = checksum_failed(found);
                    }
                    outcome.findings.push(found);
                }
            }
        }
    }

    /// Scans the decoded `data:` values of the Kubernetes Secrets in `bytes`.
    fn scan_decoded(&self, bytes: &[u8], scratch: &mut Scratch) -> Vec<DecodedCandidate> {
        let mut out = Vec::new();
        let mut text = Vec::new();
        for value in kubernetes::secret_data(bytes) {
            text.clear();
            text.extend_from_slice(value.key.as_bytes());
            text.extend_from_slice(b": ");
            let offset = text.len();
            text.extend_from_slice(&value.decoded);
            text.push(b'\n');
            for candidate in self.candidates(&text, scratch) {
                if candidate.secret.end <= offset {
                    continue;
                }
                out.push(DecodedCandidate {
                    rule: candidate.rule,
                    key: value.key.clone(),
                    encoded: value.value.clone(),
                    secret: text[candidate.secret.clone()].to_vec(),
                    dropped: candidate.dropped.clone(),
                    checksum_failed: candidate.checksum_failed,
                });
            }
        }
        out
    }

    /// Why the candidate is excluded by a custom rule's path filter or an allowlist.
    fn custom_exclusion(
        &self,
        candidate: &Candidate,
        path: &str,
        bytes: &[u8],
    ) -> Option<DropReason> {
        let filter = self
            .rule_filters
            .get(candidate.rule)
            .and_then(Option::as_ref);
        if filter.is_none() && self.allowlists.is_empty() {
            return None;
        }
        let line = line_of(bytes, &candidate.matched);
        custom::exclude(
            &self.rules[candidate.rule].rule.id,
            filter,
            &self.allowlists,
            &gitleaks::Candidate {
                secret: &bytes[candidate.secret.clone()],
                matched: &bytes[candidate.matched.clone()],
                line,
                path: Some(path),
                commit: None,
            },
        )
    }

    /// A candidate on an encoded value whose decoded form was judged yields to that
    /// judgement: superseded by the decoded finding, or dropped for the decoded value's reason.
    fn decoded_instead(
        &self,
        decoded: &[DecodedCandidate],
        candidate: &Candidate,
    ) -> Option<DropReason> {
        let mut reason = None;
        for d in decoded.iter().filter(|d| {
            d.encoded.start < candidate.secret.end && candidate.secret.start < d.encoded.end
        }) {
            match &d.dropped {
                // A provider's rule on the encoded text (the manifest rule) says more than a
                // generic rule on the decoded value, which yields to it instead.
                None if self.generic_under_provider(d.rule, candidate.rule) => {}
                None => {
                    return Some(DropReason::Superseded {
                        by: self.rules[d.rule].rule.id.clone(),
                    });
                }
                Some(r) => reason = reason.or_else(|| Some(r.clone())),
            }
        }
        reason
    }

    /// Whether a decoded value's finding of rule `decoded` yields to a finding of rule
    /// `encoded` on its encoded text: a generic rule's to a provider's.
    fn generic_under_provider(&self, decoded: usize, encoded: usize) -> bool {
        self.rules[decoded].rule.is_generic() && !self.rules[encoded].rule.is_generic()
    }

    /// Whether a candidate is reported or a public identifier: such a candidate claims its
    /// bytes against overlapping ones, and can be one part of a pair.
    fn is_reported_or_public(&self, candidate: &Candidate) -> bool {
        match &candidate.dropped {
            None => true,
            Some(reason) => {
                let rule = &self.rules[candidate.rule].rule;
                rule.public && *reason == public_value(rule)
            }
        }
    }

    /// A pair's finding names both parts' rules and the lines of both parts.
    fn pair_details(
        &self,
        finding: Finding,
        rule: usize,
        identifier: &Range<usize>,
        secret: &Range<usize>,
        bytes: &[u8],
    ) -> Finding {
        let Some(pair) = &self.rules[rule].rule.pair else {
            return finding;
        };
        let (identifier_line, _) = LineCounter::default().locate(bytes, identifier.start);
        let (secret_line, _) = LineCounter::default().locate(bytes, secret.start);
        finding
            .with_detail("identifier_rule", &pair.identifier)
            .with_detail("secret_rule", &pair.secret)
            .with_detail("identifier_line", identifier_line.to_string())
            .with_detail("secret_line", secret_line.to_string())
    }

    fn has_context(&self, rule: usize, bytes: &[u8], secret: &Range<usize>) -> bool {
        let compiled = &self.rules[rule];
        let Some(words) = compiled.context() else {
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

    /// Why the value at `secret` is not reported, or `None`. `checksum` says whether the value
    /// passes the rule's checksum (`None`: the rule has none). A value that passes skips the
    /// filters that guess at placeholders; one that fails goes through all of them, like a
    /// value of a rule without a checksum.
    fn judge(
        &self,
        rule: usize,
        bytes: &[u8],
        secret: &Range<usize>,
        checksum: Option<bool>,
    ) -> Option<DropReason> {
        let rule = &self.rules[rule].rule;
        if rule.public {
            return Some(public_value(rule));
        }
        let value = &bytes[secret.clone()];
        let validated = checksum == Some(true);
        if let Some(reason) = self.filters.documentation_example(value) {
            return Some(reason);
        }
        if jwt::looks_like_jwt(value)
            && let Some(problem) = jwt::header_problem(value, names_jwt_header(rule, value))
        {
            return Some(DropReason::Malformed {
                problem: problem.to_string(),
            });
        }
        // A PEM block encoded whole is judged as the block: a public key or a certificate, or
        // a placeholder block, is not reported.
        if let Some(block) = keys::decode_pem(value) {
            if let Some(problem) = keys::not_a_private_key(&block) {
                return Some(DropReason::Malformed {
                    problem: problem.to_string(),
                });
            }
            if let Some(reason) = self.filters.placeholder(&block) {
                return Some(reason);
            }
        }
        if !validated && let Some(reason) = self.not_a_value(bytes, secret) {
            return Some(reason);
        }
        if !validated {
            // A value that starts with the rule's own prefix (`mlsn.`, `dt0c01.`) is that
            // provider's credential, and a URL's password a literal: not a name in code,
            // however it reads.
            let reference =
                if starts_with_keyword(rule, value) || filters::in_userinfo(bytes, secret) {
                    self.filters.syntax_reference(value)
                } else {
                    self.filters.reference(value)
                };
            if let Some(reason) = reference.or_else(|| self.filters.placeholder(value)) {
                return Some(reason);
            }
            if rule.is_generic() {
                if names_a_value(bytes, secret) {
                    return Some(DropReason::Reference);
                }
                if !value.iter().any(u8::is_ascii_digit) && filters::is_word_like(value) {
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

    /// Why the text around the value at `secret` shows it is not a credential's value: a part
    /// of an ARN, a pagination field, a type annotation, a password that repeats its user's
    /// name, or the first word of a sentence.
    fn not_a_value(&self, bytes: &[u8], secret: &Range<usize>) -> Option<DropReason> {
        if filters::in_arn(bytes, secret) {
            return Some(DropReason::Reference);
        }
        if let Some(name) = filters::assigned_name(bytes, secret)
            && filters::is_pagination_name(name)
        {
            return Some(DropReason::Malformed {
                problem: format!(
                    "the value of `{}` is a pagination token, a position in a listing",
                    String::from_utf8_lossy(name)
                ),
            });
        }
        if let Some(name) = filters::assigned_name(bytes, secret)
            && filters::is_anti_forgery_name(name)
        {
            return Some(DropReason::Malformed {
                problem: format!(
                    "the value of `{}` is an anti-forgery token, which every visitor's browser gets",
                    String::from_utf8_lossy(name)
                ),
            });
        }
        if filters::is_type_annotation(bytes, secret) {
            return Some(DropReason::Reference);
        }
        if filters::repeats_user(bytes, secret) {
            return Some(DropReason::Placeholder {
                pattern: "the user's name repeated as the password: a local default".to_string(),
            });
        }
        if filters::starts_prose(bytes, secret) {
            return Some(DropReason::Placeholder {
                pattern: "prose: the first word of a sentence".to_string(),
            });
        }
        None
    }

    /// Keeps one candidate where candidates overlap: higher priority (public identifiers, then
    /// rules with a checksum, then providers' rules, then format rules such as `jwt.token`, then
    /// `generic.*`), then the longer secret, then the earlier rule. The others are dropped as
    /// superseded (unless a filter dropped them already). Only reported candidates and public
    /// identifiers claim their bytes: a value a filter dropped for one rule never silences
    /// another rule, which judges it on its own.
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
            // Dropped (a placeholder, a reference, or superseded already, as a look-up's
            // reference is by its literal's finding): it claims no bytes. A public identifier
            // does, so that no other rule reports it.
            if !self.is_reported_or_public(&candidates[index]) {
                continue;
            }
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

/// The range of a match's secret: group `secret`, else group 1, else the whole match.
fn secret_of(captures: &Captures) -> Range<usize> {
    captures
        .get_group_by_name("secret")
        .or_else(|| captures.get_group(1))
        .or_else(|| captures.get_group(0))
        .map_or(0..0, |m| m.range())
}

/// Whether `value` begins, case-insensitively, with one of `rule`'s keywords of four characters
/// or more: a documented prefix such as `mlsn.` or `sk_live_`.
/// Whether `rule` is a provider's rule whose keyword spells the JWT-shaped `value`'s header:
/// the provider's own token format, which need not name an algorithm.
fn names_jwt_header(rule: &Rule, value: &[u8]) -> bool {
    !rule.is_generic()
        && !FORMAT_PROVIDERS.contains(&rule.provider_slug())
        && starts_with_keyword(rule, value)
}

fn starts_with_keyword(rule: &Rule, value: &[u8]) -> bool {
    rule.keywords.iter().any(|keyword| {
        keyword.len() >= 4
            && value.len() > keyword.len()
            && value[..keyword.len()].eq_ignore_ascii_case(keyword.as_bytes())
    })
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

/// The offset where the line holding `at` starts, at most [`LINE_CAP`] bytes before it.
fn line_start(bytes: &[u8], at: usize) -> usize {
    let floor = at.saturating_sub(LINE_CAP);
    memrchr(b'\n', &bytes[floor..at]).map_or(floor, |i| floor + i + 1)
}

/// The offset of the newline ending the line holding `at` (or of the blob's end), at most
/// [`LINE_CAP`] bytes after it.
fn line_end(bytes: &[u8], at: usize) -> usize {
    let ceiling = at.saturating_add(LINE_CAP).min(bytes.len());
    memchr(b'\n', &bytes[at.min(ceiling)..ceiling]).map_or(ceiling, |i| at + i)
}

/// The line holding the start of `secret`, capped at [`LINE_CAP`] bytes each side.
fn line_of<'a>(bytes: &'a [u8], secret: &Range<usize>) -> &'a [u8] {
    let floor = secret.start.saturating_sub(LINE_CAP);
    let start = memrchr(b'\n', &bytes[floor..secret.start]).map_or(floor, |i| floor + i + 1);
    let ceiling = secret.end.saturating_add(LINE_CAP).min(bytes.len());
    let end = memchr(b'\n', &bytes[secret.end..ceiling]).map_or(ceiling, |i| secret.end + i);
    &bytes[start..end]
}

/// The finding for a reported candidate whose secret is `value`. A private key protected by
/// a passphrase takes the rule's `encrypted_severity` (default: one level lower); a
/// base64-encoded block is decoded to tell.
fn finding(rule: &Rule, location: Location, secret: Redacted, value: &[u8]) -> Finding {
    let decoded = keys::decode_pem(value);
    let protection = keys::protection(decoded.as_deref().unwrap_or(value));
    let severity = match &protection {
        Some(Protection::Encrypted { .. }) => rule
            .encrypted_severity
            .unwrap_or_else(|| one_lower(rule.severity)),
        _ => rule.severity,
    };
    let mut finding = Finding::secret(&rule.id, severity, &rule.name, location, secret)
        .with_help(&rule.help)
        .with_detail("provider", &rule.provider)
        .with_detail("rule", &rule.name);
    if decoded.is_some() {
        finding = finding.with_detail("encoding", "base64 of a PEM block, decoded to judge it");
    }
    match protection {
        Some(Protection::Encrypted { cipher }) => {
            finding = finding.with_detail("encrypted", format!("yes ({cipher})"));
        }
        Some(Protection::Unencrypted) => finding = finding.with_detail("encrypted", "no"),
        None => {}
    }
    if let Some(reference) = &rule.reference {
        finding = finding.with_reference(reference);
    }
    finding
}

/// A finding whose value fails its provider's checksum: reported, since a made-up token in a
/// file is still worth a look and `redact` must hide it, but at low severity, saying why.
fn checksum_failed(finding: Finding) -> Finding {
    let mut finding = finding.with_detail(
        "checksum",
        "does not match: a made-up, truncated or test token",
    );
    finding.severity = Severity::Low;
    finding
}

/// A finding whose value is the password of a URL to this machine: reported, since the same
/// password may be used elsewhere, but at low severity, saying why.
fn on_loopback(finding: Finding) -> Finding {
    let mut finding = finding.with_detail(
        "placement",
        "the password of a service on this machine (localhost): a local development or CI default",
    );
    finding.severity = finding.severity.min(Severity::Low);
    finding
}

fn one_lower(severity: Severity) -> Severity {
    match severity {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        Severity::Medium => Severity::Low,
        Severity::Low | Severity::Info => Severity::Info,
    }
}

/// A candidate found in a decoded value: the rule, the value's key and encoded range in the
/// blob, the decoded secret and why it is dropped.
#[derive(Debug)]
struct DecodedCandidate {
    rule: usize,
    key: String,
    encoded: Range<usize>,
    secret: Vec<u8>,
    dropped: Option<DropReason>,
    checksum_failed: bool,
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
