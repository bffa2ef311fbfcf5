//! A rule's pattern as the scanner runs it, and whether its matches start at a keyword.
//!
//! The pattern is compiled exactly as [`preflight_rules::compile_pattern`] compiles it (on
//! bytes, ASCII classes, the same size limit), but as the `regex-automata` regex underneath
//! `regex::bytes::Regex`, which can search a span anchored at its first byte while still seeing
//! the bytes around it (a leading `\b` looks at the byte before).
//!
//! Most provider rules' matches begin with one of the rule's keywords (`ghp_…`, `AKIA…`,
//! `xoxb-…`). Where that holds for every possible match, which the literal prefixes of the
//! parsed pattern tell, a match can only start where the prefilter found one of the rule's
//! keywords, so the scanner tries the pattern anchored at those positions instead of searching
//! every byte of the window. On a minified file, whose windows span whole megabyte-long lines
//! for a keyword that occurs every few kilobytes (`eaab` in base64), that is the difference
//! between searching the line and a few anchored attempts of a hundred bytes.

use regex_automata::MatchKind;
use regex_automata::meta::{self, Regex};
use regex_automata::util::syntax;
use regex_syntax::hir::literal::{ExtractKind, Extractor};

/// A rule's compiled pattern.
#[derive(Debug)]
pub(crate) struct Pattern {
    /// The regex.
    pub(crate) regex: Regex,
    /// Whether every match begins with one of the rule's keywords (compared ignoring ASCII
    /// case, as the prefilter compares them).
    pub(crate) starts_at_keyword: bool,
}

impl Pattern {
    /// Compiles `pattern`, a rule's, whose keywords are `keywords`; `None` if it does not
    /// compile (a built-in rule's always does: the test suite compiles every one).
    pub(crate) fn new(pattern: &str, keywords: &[String]) -> Option<Pattern> {
        Some(Pattern {
            regex: compile(pattern)?,
            starts_at_keyword: starts_at_keyword(pattern, keywords),
        })
    }
}

/// Compiles `pattern` with the configuration `regex::bytes::RegexBuilder` gives the regex of
/// [`preflight_rules::compile_pattern`]: leftmost-first, empty matches anywhere, Unicode and
/// UTF-8 off, an NFA of at most 4 MiB and the default lazy DFA cache.
pub(crate) fn compile(pattern: &str) -> Option<Regex> {
    meta::Builder::new()
        .configure(
            meta::Config::new()
                .match_kind(MatchKind::LeftmostFirst)
                .utf8_empty(false)
                .nfa_size_limit(Some(4 << 20))
                .hybrid_cache_capacity(2 << 20),
        )
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .build(pattern)
        .ok()
}

/// Whether every match of `pattern` begins with one of `keywords`, ignoring ASCII case: the
/// pattern's literal prefixes are a finite set (every match begins with one of them) and each
/// begins with a keyword. Look-arounds (`\b`, `^`) match no bytes and do not get in the way; a
/// prefix set cut short before a keyword's end, or a pattern that may start anywhere, does.
fn starts_at_keyword(pattern: &str, keywords: &[String]) -> bool {
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
    else {
        return false;
    };
    let prefixes = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
    let Some(literals) = prefixes.literals() else {
        return false;
    };
    !literals.is_empty()
        && literals.iter().all(|literal| {
            let literal = literal.as_bytes();
            keywords.iter().any(|keyword| {
                literal.len() >= keyword.len()
                    && literal[..keyword.len()].eq_ignore_ascii_case(keyword.as_bytes())
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn prefixes_that_are_keywords_start_every_match() {
        let aws = r"\b((?:AKIA|ASIA)[A-Z2-7]{16})\b";
        assert!(starts_at_keyword(aws, &keywords(&["akia", "asia"])));
        let slack = r"(?m)^(?P<secret>xox[bp]-[0-9]{10,13})";
        assert!(starts_at_keyword(slack, &keywords(&["xoxb-", "xoxp-"])));
        let insensitive = r"(?i)\btoken_([a-z0-9]{20})";
        assert!(starts_at_keyword(insensitive, &keywords(&["token_"])));
    }

    #[test]
    fn a_match_that_may_start_before_or_without_a_keyword_does_not() {
        // The name before the keyword may be anything.
        let assignment = r"[a-z_]*token\s*=\s*([a-z0-9]{20})";
        assert!(!starts_at_keyword(assignment, &keywords(&["token"])));
        // One branch starts with no keyword of the rule.
        let either = r"(?:AKIA[A-Z0-9]{16}|key=([a-z]{8}))";
        assert!(starts_at_keyword(either, &keywords(&["akia", "key="])));
        assert!(!starts_at_keyword(either, &keywords(&["akia"])));
        // The prefix stops at a class before the keyword ends.
        let class = r"KEY[0-9A-F]{32}";
        assert!(!starts_at_keyword(class, &keywords(&["key0", "key1"])));
        // No keyword is a prefix of the literal.
        assert!(!starts_at_keyword(r"ab(cd)", &keywords(&["abd"])));
    }

    /// Every example text of every built-in rule, once as lines and once as one long line (whose
    /// windows merge), scanned by a fresh scanner, which searches each window whole, then again
    /// by the same scanner, which by then tries the rules that start at a keyword only there:
    /// both scans find the same candidates.
    #[test]
    fn anchored_attempts_at_keywords_find_what_whole_windows_find() {
        let rules = preflight_rules::RuleSet::builtin().unwrap();
        let mut texts: Vec<&str> = Vec::new();
        for rule in rules.rules() {
            texts.extend(rule.examples.iter().map(|e| e.text.as_str()));
            texts.extend(rule.negative_examples.iter().map(String::as_str));
        }
        for separator in ["\n", " "] {
            let blob = texts.join(separator);
            let scanner = crate::Scanner::new(&rules, &crate::ScanConfig::default());
            let mut scratch = crate::Scratch::default();
            let cold = scanner.candidates(blob.as_bytes(), &mut scratch).to_vec();
            let warm = scanner.candidates(blob.as_bytes(), &mut scratch).to_vec();
            assert!(cold.len() > 1000, "{}", cold.len());
            assert_eq!(cold, warm);
        }
        let anchored = rules
            .rules()
            .iter()
            .filter(|r| r.pair.is_none() && starts_at_keyword(&r.pattern, &r.keywords))
            .count();
        assert!(anchored > 300, "{anchored}");
    }

    #[test]
    fn compiles_like_the_rules_crate_and_searches_anchored_with_context() {
        use regex_automata::{Anchored, Input};
        let pattern = r"\b(ghp_[A-Za-z0-9]{4})\b";
        let regex = compile(pattern).unwrap();
        let plain = preflight_rules::compile_pattern(pattern).unwrap();
        let haystack = b"x ghp_abcd y xghp_efgh ghp_ijkl";
        let ours: Vec<_> = regex.find_iter(haystack).map(|m| m.range()).collect();
        let theirs: Vec<_> = plain.find_iter(haystack).map(|m| m.range()).collect();
        assert_eq!(ours, theirs);
        // Anchored at 14, inside `xghp_efgh`: the `\b` sees the `x` before and fails.
        let at = |start: usize| {
            Input::new(&haystack[..])
                .span(start..haystack.len())
                .anchored(Anchored::Yes)
        };
        assert!(regex.search(&at(14)).is_none());
        assert_eq!(regex.search(&at(2)).map(|m| m.range()), Some(2..10));
        assert!(compile("(unclosed").is_none());
    }
}
