//! The keyword prefilter and the windows the rules' patterns run on.
//!
//! Running a few hundred regular expressions over every byte would cost a few hundred passes.
//! Instead every rule names literal keywords (`sk_live_`, `ghp_`, `password`), and one
//! Aho-Corasick automaton, ASCII case-insensitive, finds all of them in a single pass. The
//! search is leftmost-longest, restarted one byte after each hit's start, so every position
//! where a keyword starts is seen; a keyword inside a longer one (`sk_` in `sk_live_`) inherits
//! the longer one's hits when the automaton is built. A rule's pattern then runs only on a
//! *window* around each of its keyword hits: the hit's line (plus the rule's `window_lines`),
//! but never more than [`MAX_BEFORE`] bytes before the hit or [`MAX_AFTER`] bytes after it.
//!
//! The cap is what keeps a 20 MB single-line minified file linear: a hit costs at most a
//! bounded window, and hits of the same rule whose windows touch are merged into one window, so
//! each byte is searched at most once per rule whose keyword occurs near it. A hit that falls
//! inside the rule's open window on the same line costs nothing more. Windows are kept in
//! caller-owned scratch buffers, so scanning allocates nothing once they have grown.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use aho_corasick::{
    AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, BuildError, Input, MatchKind,
};
use memchr::{memchr, memrchr};

/// The most bytes a window reaches before its keyword hit.
pub const MAX_BEFORE: usize = 1024;
/// The most bytes a window reaches after its keyword hit.
pub const MAX_AFTER: usize = 16 * 1024;

/// A range of a blob one rule's pattern runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The rule's index in the scanner.
    pub rule: u32,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// The open window of one rule while hits come in.
#[derive(Debug, Clone, Copy)]
struct Open {
    start: usize,
    end: usize,
    /// Whether `end` is the end of the hit's line (not the byte cap), so a later hit before
    /// `end` on the same line needs no new work.
    ends_line: bool,
}

/// Caller-owned buffers of the prefilter.
#[derive(Debug, Default)]
pub struct PrefilterScratch {
    open: Vec<Option<Open>>,
    touched: Vec<u32>,
    /// The windows found, per rule in increasing order.
    pub windows: Vec<Window>,
}

/// Bytes scanned with the quick-to-build automaton before the fast one is built.
const DFA_AFTER: u64 = 1 << 20;

fn automaton(literals: &[String], kind: AhoCorasickKind) -> Result<AhoCorasick, BuildError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(kind))
        .build(literals)
}

/// The keyword automaton of a scanner.
///
/// Two forms of one automaton: a contiguous NFA, quick to build, for the first megabyte, so a
/// pre-commit scan of one file starts at once; and a DFA, about twice as fast per byte but a
/// few milliseconds to build, for everything after.
#[derive(Debug)]
pub struct Prefilter {
    nfa: AhoCorasick,
    dfa: OnceLock<AhoCorasick>,
    scanned: AtomicU64,
    literals: Vec<String>,
    /// For each automaton pattern, the rules that have it as a keyword.
    rules_of_keyword: Vec<Vec<u32>>,
    /// For each rule, its `window_lines`.
    window_lines: Vec<u32>,
}

impl Prefilter {
    /// Builds the automaton over every rule's keywords; `keywords[i]` and `window_lines[i]`
    /// belong to rule `i`.
    pub fn new(keywords: &[Vec<String>], window_lines: Vec<u32>) -> Prefilter {
        let mut literals: Vec<String> = Vec::new();
        let mut rules_of_keyword: Vec<Vec<u32>> = Vec::new();
        let mut index_of: HashMap<String, usize> = HashMap::new();
        for (rule, words) in keywords.iter().enumerate() {
            let rule = u32::try_from(rule).expect("fewer than 4 billion rules");
            for word in words {
                let word = word.to_ascii_lowercase();
                match index_of.get(&word) {
                    Some(&i) if !rules_of_keyword[i].contains(&rule) => {
                        rules_of_keyword[i].push(rule);
                    }
                    Some(_) => {}
                    None => {
                        index_of.insert(word.clone(), literals.len());
                        literals.push(word);
                        rules_of_keyword.push(vec![rule]);
                    }
                }
            }
        }
        // A hit of a keyword is a hit of every keyword inside it: the search reports only the
        // longest keyword starting at a position.
        let inherited: Vec<Vec<u32>> = literals
            .iter()
            .map(|outer| {
                let mut rules = Vec::new();
                for (inner, inner_rules) in literals.iter().zip(&rules_of_keyword) {
                    if inner.len() < outer.len() && outer.contains(inner.as_str()) {
                        rules.extend(inner_rules.iter().copied());
                    }
                }
                rules
            })
            .collect();
        for (rules, extra) in rules_of_keyword.iter_mut().zip(inherited) {
            for rule in extra {
                if !rules.contains(&rule) {
                    rules.push(rule);
                }
            }
        }
        let nfa = automaton(&literals, AhoCorasickKind::ContiguousNFA)
            .expect("validated keywords are short literals");
        Prefilter {
            nfa,
            dfa: OnceLock::new(),
            scanned: AtomicU64::new(0),
            literals,
            rules_of_keyword,
            window_lines,
        }
    }

    /// Finds the windows of `haystack` into `scratch.windows`.
    pub fn windows(&self, haystack: &[u8], scratch: &mut PrefilterScratch) {
        scratch.windows.clear();
        scratch.touched.clear();
        if scratch.open.len() != self.window_lines.len() {
            scratch.open = vec![None; self.window_lines.len()];
        }
        // Leftmost-longest search, restarted one byte after each hit's start: every position
        // where a keyword starts is reported once, with its longest keyword (whose rules include
        // those of the keywords inside it). This is the automaton's fast path; an overlapping
        // search walks the automaton byte by byte and costs about twice as much.
        let len = haystack.len() as u64;
        let automaton = if self.scanned.fetch_add(len, Ordering::Relaxed) + len > DFA_AFTER {
            self.dfa.get_or_init(|| {
                automaton(&self.literals, AhoCorasickKind::DFA).unwrap_or_else(|_| self.nfa.clone())
            })
        } else {
            &self.nfa
        };
        let mut at = 0;
        while at < haystack.len() {
            let input = Input::new(haystack).span(at..haystack.len());
            let Some(hit) = automaton.find(input) else {
                break;
            };
            for &rule in &self.rules_of_keyword[hit.pattern().as_usize()] {
                self.add_hit(haystack, rule, hit.start(), hit.end(), scratch);
            }
            at = hit.start() + 1;
        }
        for &rule in &scratch.touched {
            if let Some(open) = scratch.open[rule as usize].take() {
                scratch.windows.push(Window {
                    rule,
                    start: open.start,
                    end: open.end,
                });
            }
        }
    }

    fn add_hit(
        &self,
        haystack: &[u8],
        rule: u32,
        start: usize,
        end: usize,
        scratch: &mut PrefilterScratch,
    ) {
        let extra_lines = self.window_lines[rule as usize];
        let slot = &mut scratch.open[rule as usize];
        if let Some(open) = slot
            && extra_lines == 0
            && start <= open.end
        {
            extend_single_line(haystack, open, end);
            return;
        }
        let (window_end, ends_line) = window_end(haystack, end, extra_lines);
        if let Some(open) = slot {
            if start <= open.end {
                open.end = open.end.max(window_end);
                open.ends_line = ends_line;
                return;
            }
            scratch.windows.push(Window {
                rule,
                start: open.start,
                end: open.end,
            });
        } else {
            scratch.touched.push(rule);
        }
        *slot = Some(Open {
            start: window_start(haystack, start),
            end: window_end,
            ends_line,
        });
    }
}

/// Extends an open single-line window to cover a hit ending at `hit_end` that starts inside it.
/// Bytes before `open.end` were searched for a newline already, so the search resumes there:
/// a long run of hits on one huge line costs each byte once.
fn extend_single_line(haystack: &[u8], open: &mut Open, hit_end: usize) {
    if open.ends_line && hit_end <= open.end {
        return;
    }
    let from = open.end.max(hit_end);
    let ceiling = hit_end.saturating_add(MAX_AFTER).min(haystack.len());
    if from >= ceiling {
        return;
    }
    match memchr(b'\n', &haystack[from..ceiling]) {
        Some(i) => {
            open.end = from + i;
            open.ends_line = true;
        }
        None => {
            open.end = ceiling;
            open.ends_line = ceiling == haystack.len();
        }
    }
}

/// The start of the hit's line, at most [`MAX_BEFORE`] bytes back.
fn window_start(haystack: &[u8], hit_start: usize) -> usize {
    let floor = hit_start.saturating_sub(MAX_BEFORE);
    memrchr(b'\n', &haystack[floor..hit_start]).map_or(floor, |i| floor + i + 1)
}

/// The end of the hit's line plus `extra_lines` lines, at most [`MAX_AFTER`] bytes on; and
/// whether that is a line end rather than the cap.
fn window_end(haystack: &[u8], hit_end: usize, extra_lines: u32) -> (usize, bool) {
    let ceiling = hit_end.saturating_add(MAX_AFTER).min(haystack.len());
    let mut at = hit_end;
    for _ in 0..=extra_lines {
        match memchr(b'\n', &haystack[at..ceiling]) {
            Some(i) => at += i + 1,
            None => return (ceiling, ceiling == haystack.len()),
        }
    }
    (at - 1, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn windows(keywords: &[&[&str]], lines: Vec<u32>, text: &[u8]) -> Vec<(u32, usize, usize)> {
        let keywords: Vec<Vec<String>> = keywords
            .iter()
            .map(|k| k.iter().map(|s| s.to_string()).collect())
            .collect();
        let prefilter = Prefilter::new(&keywords, lines);
        let mut scratch = PrefilterScratch::default();
        prefilter.windows(text, &mut scratch);
        let mut found: Vec<_> = scratch
            .windows
            .iter()
            .map(|w| (w.rule, w.start, w.end))
            .collect();
        found.sort();
        found
    }

    #[test]
    fn a_hit_opens_a_window_on_its_line_case_insensitively() {
        let text = b"one\nkey SK_LIVE_abc\nthree";
        assert_eq!(windows(&[&["sk_live_"]], vec![0], text), [(0, 4, 19)]);
    }

    #[test]
    fn overlapping_keywords_of_different_rules_both_hit() {
        let text = b"x sk_live_abc";
        assert_eq!(
            windows(&[&["sk_live_"], &["sk_"]], vec![0, 0], text),
            [(0, 0, 13), (1, 0, 13)]
        );
    }

    #[test]
    fn hits_at_buffer_edges_and_repeated_hits_merge() {
        let text = b"ghp_a ghp_b\nghp_c";
        assert_eq!(
            windows(&[&["ghp_"]], vec![0], text),
            [(0, 0, 11), (0, 12, 17)]
        );
        assert_eq!(windows(&[&["ghp_"]], vec![0], b"ghp_"), [(0, 0, 4)]);
    }

    #[test]
    fn window_lines_reach_further_lines() {
        let text = b"-----BEGIN x\nAAA\nBBB\n-----END x\nafter";
        assert_eq!(windows(&[&["-----begin"]], vec![3], text), [(0, 0, 31)]);
    }

    #[test]
    fn a_long_line_is_capped_and_stays_linear() {
        let mut text = vec![b'a'; 3 * MAX_AFTER];
        text[10..14].copy_from_slice(b"tok_");
        let last = text.len() - 10;
        text[last..last + 4].copy_from_slice(b"tok_");
        let found = windows(&[&["tok_"]], vec![0], &text);
        assert_eq!(
            found,
            [(0, 0, 14 + MAX_AFTER), (0, last - MAX_BEFORE, text.len())]
        );
    }

    #[test]
    fn many_hits_on_one_huge_line_cover_it_once() {
        let text = b"key_ ".repeat(4 * 1024 * 1024 / 5);
        let found = windows(&[&["key_"]], vec![0], &text);
        assert_eq!(found, [(0, 0, text.len())]);
    }
}
