//! The keyword prefilter and the windows the rules' patterns run on.
//!
//! Running a few hundred regular expressions over every byte would cost a few hundred passes.
//! Instead every rule names literal keywords (`sk_live_`, `ghp_`, `password`), and one
//! Aho-Corasick automaton, ASCII case-insensitive, finds every occurrence of all of them in a
//! single pass, nested ones included (`sk_` inside `sk_live_`); the pass walks several segments
//! of a blob side by side (see [`LANES`]) through a transition table laid out for that walk
//! (see `Table`), which is what makes it fast. A rule's pattern then
//! runs only on a *window* around each of its keyword hits: the hit's line (plus the rule's
//! `window_lines`), but never more than [`MAX_BEFORE`] bytes before the hit or
//! [`MAX_AFTER_LINE`] bytes after it ([`MAX_AFTER`] for a rule that spans lines).
//!
//! The cap is what keeps a 20 MB single-line minified file linear: a hit costs at most a
//! bounded window, and hits of the same rule whose windows touch are merged into one window, so
//! each byte is searched at most once per rule whose keyword occurs near it. A hit that falls
//! inside the rule's open window on the same line costs nothing more. Windows are kept in
//! caller-owned scratch buffers, so scanning allocates nothing once they have grown.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{Anchored, BuildError, MatchKind, nfa};
use memchr::{memchr, memrchr};

/// The most bytes a window reaches before its keyword hit.
pub const MAX_BEFORE: usize = 1024;
/// The most bytes a window of a multi-line rule (a PEM block, a YAML document) reaches after
/// its keyword hit.
pub const MAX_AFTER: usize = 16 * 1024;
/// The most bytes a window of a single-line rule reaches after its keyword hit: a line of
/// minified code runs for megabytes, and no single-line credential is longer than this.
pub const MAX_AFTER_LINE: usize = 4 * 1024;

/// How far after its hit a window of a rule with `extra_lines` may reach.
fn max_after(extra_lines: u32) -> usize {
    if extra_lines == 0 {
        MAX_AFTER_LINE
    } else {
        MAX_AFTER
    }
}

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
    /// The earliest hit start in the window: hits come in order of their ends, so a longer
    /// keyword may start before the hit that opened the window.
    first_hit: usize,
    /// Whether `end` is the end of the hit's line (not the byte cap), so a later hit before
    /// `end` on the same line needs no new work.
    ends_line: bool,
}

/// One keyword occurrence: the automaton's pattern and the offset just past it.
#[derive(Debug, Clone, Copy)]
struct Hit {
    pattern: u32,
    end: usize,
}

/// The window each rule has open while hits come in.
#[derive(Debug, Default)]
struct OpenWindows {
    by_rule: Vec<Option<Open>>,
    /// The rules that opened a window in this blob.
    touched: Vec<u32>,
}

/// Caller-owned buffers of the prefilter.
#[derive(Debug, Default)]
pub struct PrefilterScratch {
    open: OpenWindows,
    /// Keyword hits of each lane of the current group of segments.
    lane_hits: [Vec<Hit>; LANES],
    /// The windows found, per rule in increasing order.
    pub windows: Vec<Window>,
    /// Keyword hits that follow a `\n`, `\r` or `\t` escape (`"line\nghp_..."` in a JSON
    /// string or a snapshot): each window starts at the hit and ends with its rule's window.
    /// The escape's letter touches the keyword, so a pattern that starts with `\b` cannot
    /// match there in the hit's own window.
    pub after_escape: Vec<Window>,
    /// `(rule, start)` of each keyword hit of the rules `windows` was asked to note the hits
    /// of, sorted and without repeats.
    pub starts: Vec<(u32, usize)>,
}

/// Bytes scanned with the quick-to-build automaton before the fast one is built.
const DFA_AFTER: u64 = 1 << 20;

/// How many segments of a blob the automaton walks at once.
///
/// Each step of an automaton waits for the previous step's table lookup, so one walk is bound
/// by memory latency, not by the processor's throughput. Walking eight independent segments in
/// one loop keeps eight lookups in flight: about three times the bytes per second of one walk
/// (four lanes gave a bit over twice).
const LANES: usize = 8;
/// The most bytes of one segment, which bounds the hits kept at a time.
const SEGMENT_MAX: usize = 64 * 1024;
/// The fewest bytes of one segment: each segment re-reads up to a keyword's length before it.
const SEGMENT_MIN: usize = 64;

fn nfa(literals: &[String]) -> Result<nfa::contiguous::NFA, BuildError> {
    nfa::contiguous::NFA::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .prefilter(false)
        .build(literals)
}

/// The keyword automaton of a scanner.
///
/// Two forms of one automaton: a contiguous NFA, quick to build, for the first megabyte, so a
/// pre-commit scan of one file starts at once; and a `Table` of its transitions, about three
/// times as fast per byte but some milliseconds to build, for everything after. Both
/// report every occurrence of every keyword, overlapping ones included (`sk_` inside
/// `sk_live_`).
#[derive(Debug)]
pub struct Prefilter {
    nfa: nfa::contiguous::NFA,
    table: OnceLock<Option<Table>>,
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
        let nfa = nfa(&literals).expect("validated keywords are short literals");
        Prefilter {
            nfa,
            table: OnceLock::new(),
            scanned: AtomicU64::new(0),
            literals,
            rules_of_keyword,
            window_lines,
        }
    }

    /// Finds the windows of `haystack` into `scratch.windows`, and into `scratch.starts` where
    /// each keyword hit of a rule for which `note_starts` is true starts.
    pub fn windows(
        &self,
        haystack: &[u8],
        scratch: &mut PrefilterScratch,
        note_starts: impl Fn(u32) -> bool,
    ) {
        let PrefilterScratch {
            open,
            lane_hits,
            windows,
            after_escape,
            starts,
        } = scratch;
        windows.clear();
        after_escape.clear();
        starts.clear();
        open.touched.clear();
        if open.by_rule.len() != self.window_lines.len() {
            open.by_rule = vec![None; self.window_lines.len()];
        }
        let mut on_hit = |pattern: usize, start: usize, end: usize| {
            let escaped = follows_escape(haystack, start);
            for &rule in &self.rules_of_keyword[pattern] {
                self.add_hit(haystack, rule, start, end, open, windows);
                if note_starts(rule) {
                    starts.push((rule, start));
                }
                if escaped {
                    let lines = self.window_lines[rule as usize];
                    after_escape.push(Window {
                        rule,
                        start,
                        end: window_end(haystack, end, lines).0,
                    });
                }
            }
        };
        let len = haystack.len() as u64;
        let table = if self.scanned.fetch_add(len, Ordering::Relaxed) + len > DFA_AFTER {
            self.table
                .get_or_init(|| Some(Table::new(&self.nfa, &self.literals)))
                .as_ref()
        } else {
            None
        };
        match table {
            Some(table) => self.walk(table, haystack, lane_hits, &mut on_hit),
            None => self.walk(&Nfa(&self.nfa), haystack, lane_hits, &mut on_hit),
        }
        starts.sort_unstable();
        starts.dedup();
        for &rule in &open.touched {
            if let Some(window) = open.by_rule[rule as usize].take() {
                windows.push(Window {
                    rule,
                    start: window.start,
                    end: window.end,
                });
            }
        }
    }

    /// Walks `haystack` in groups of [`LANES`] segments and calls `on_hit(pattern, start, end)`
    /// for each keyword occurrence, in order of their ends, group by group, so the hits held at
    /// once stay bounded.
    fn walk<W: Walk>(
        &self,
        automaton: &W,
        haystack: &[u8],
        lane_hits: &mut [Vec<Hit>; LANES],
        mut on_hit: impl FnMut(usize, usize, usize),
    ) {
        // A keyword that ends in a segment may start in the one before, so each lane also reads
        // up to a keyword's length before its segment. The blob's first segment, which has
        // nothing before it, is longer by as much: every lane then reads as many bytes, and the
        // lanes run side by side to the end (only the blob's last lane is shorter).
        let overlap = self.nfa.max_pattern_len();
        let segment = haystack
            .len()
            .saturating_sub(overlap)
            .div_ceil(LANES)
            .clamp(SEGMENT_MIN, SEGMENT_MAX);
        let mut group = 0;
        while group < haystack.len() {
            let mut lanes = [Lane::default(); LANES];
            let mut own = group;
            for (index, lane) in lanes.iter_mut().enumerate() {
                let first = own.saturating_sub(overlap);
                let end = (first + overlap + segment).min(haystack.len());
                *lane = Lane {
                    bytes: &haystack[first..end],
                    first,
                    own,
                };
                own = end;
                lane_hits[index].clear();
            }
            find_hits(automaton, lanes, lane_hits);
            for hit in lane_hits.iter().flatten() {
                let pattern = hit.pattern as usize;
                on_hit(pattern, hit.end - self.literals[pattern].len(), hit.end);
            }
            group = own;
        }
    }

    fn add_hit(
        &self,
        haystack: &[u8],
        rule: u32,
        start: usize,
        end: usize,
        opened: &mut OpenWindows,
        windows: &mut Vec<Window>,
    ) {
        let extra_lines = self.window_lines[rule as usize];
        let slot = &mut opened.by_rule[rule as usize];
        if let Some(open) = slot
            && start <= open.end
        {
            if start < open.first_hit {
                open.first_hit = start;
                open.start = open.start.min(window_start(haystack, start));
            }
            if extra_lines == 0 {
                extend_single_line(haystack, open, end);
            } else {
                let (window_end, ends_line) = window_end(haystack, end, extra_lines);
                if window_end >= open.end {
                    open.end = window_end;
                    open.ends_line = ends_line;
                }
            }
            return;
        }
        let (window_end, ends_line) = window_end(haystack, end, extra_lines);
        if let Some(open) = slot {
            windows.push(Window {
                rule,
                start: open.start,
                end: open.end,
            });
        } else {
            opened.touched.push(rule);
        }
        *slot = Some(Open {
            start: window_start(haystack, start),
            end: window_end,
            first_hit: start,
            ends_line,
        });
    }
}

/// What [`find_hits`] needs of an automaton: a start state, a step, and the keywords a state
/// matches. Implemented by the quick-to-build NFA and by the [`Table`].
trait Walk {
    /// A state: cheap to copy, so that every lane's state stays in a register.
    type State: Copy;
    /// The unanchored start state.
    fn start(&self) -> Self::State;
    /// The state after `byte`.
    fn next(&self, state: Self::State, byte: u8) -> Self::State;
    /// Whether `state` may match: checked on every byte, so it is one comparison.
    fn is_special(&self, state: Self::State) -> bool;
    /// Calls `f` with each keyword `state` matches (none for a special state that is no match).
    fn matches(&self, state: Self::State, f: impl FnMut(u32));
}

/// The contiguous NFA, walked for the first megabyte.
struct Nfa<'a>(&'a nfa::contiguous::NFA);

impl Walk for Nfa<'_> {
    type State = StateID;

    fn start(&self) -> StateID {
        self.0
            .start_state(Anchored::No)
            .expect("the automata are built for unanchored searches")
    }

    #[inline(always)]
    fn next(&self, state: StateID, byte: u8) -> StateID {
        self.0.next_state(Anchored::No, state, byte)
    }

    #[inline(always)]
    fn is_special(&self, state: StateID) -> bool {
        self.0.is_special(state)
    }

    fn matches(&self, state: StateID, mut f: impl FnMut(u32)) {
        if self.0.is_match(state) {
            for index in 0..self.0.match_len(state) {
                f(self.0.match_pattern(state, index).as_u32());
            }
        }
    }
}

/// The keyword DFA's transitions, laid out for [`find_hits`].
///
/// aho-corasick builds the automaton (the NFA); this resolves each of its states' transitions
/// for every byte class, failure links followed, which is the automaton's DFA, into a layout
/// that the lanes step through with two loads and one addition per byte: a byte's class comes from a 256-entry
/// table (each letter shares its class with the other case, and every byte no keyword holds is
/// class 0), states are row offsets, so the next state is `transitions[state + class]`, and the
/// match states come first, so "may match" is one comparison. The crate's DFA offers no such
/// layout (its special states are mixed in, and each step checks more): the prefilter's pass
/// over a gigabyte of packages took 1.05 s of CPU with it, and takes 0.83 s with this table,
/// which is also built in a fraction of the time (it needs no DFA of the crate's first).
#[derive(Debug)]
struct Table {
    classes: [u8; 256],
    transitions: Vec<u32>,
    start: u32,
    /// The states below this offset are match states.
    matches_below: u32,
    /// The log2 of a row's length.
    row_bits: u32,
    /// The keywords of the match state in row `r` are
    /// `keywords[match_ranges[r] as usize..match_ranges[r + 1] as usize]`.
    match_ranges: Vec<u32>,
    keywords: Vec<u32>,
}

impl Table {
    /// Lays out the states of `automaton`, built over `literals` (lower case), with every
    /// transition resolved: the table is the automaton's DFA.
    fn new<A: Automaton>(automaton: &A, literals: &[String]) -> Table {
        // Bytes of one class lead every state to the same state: the automaton is ASCII
        // case-insensitive, and a byte that no keyword holds fails every partial match.
        let mut classes = [0u8; 256];
        let mut representatives: Vec<u8> = Vec::new();
        for &byte in literals.iter().flat_map(|l| l.as_bytes()) {
            let folded = byte.to_ascii_lowercase();
            if classes[usize::from(folded)] == 0 {
                representatives.push(folded);
                let class = u8::try_from(representatives.len()).expect("keywords are ASCII");
                classes[usize::from(folded)] = class;
                classes[usize::from(folded.to_ascii_uppercase())] = class;
            }
        }
        let other = (0..=255u8)
            .find(|&b| classes[usize::from(b)] == 0)
            .expect("keywords are printable ASCII");
        representatives.insert(0, other);
        let row = representatives.len().next_power_of_two();
        let row_bits = row.trailing_zeros();

        // Every state reachable from the start, breadth first. `index_of[id]` is a state's
        // place in `states` (state ids are offsets into the automaton's memory).
        let start = automaton
            .start_state(Anchored::No)
            .expect("the automata are built for unanchored searches");
        let mut states = vec![start];
        let mut index_of = vec![usize::MAX; start.as_usize() + 1];
        index_of[start.as_usize()] = 0;
        let mut edges: Vec<usize> = Vec::new();
        let mut at = 0;
        while at < states.len() {
            for &byte in &representatives {
                let to = automaton.next_state(Anchored::No, states[at], byte);
                if to.as_usize() >= index_of.len() {
                    index_of.resize(to.as_usize() + 1, usize::MAX);
                }
                if index_of[to.as_usize()] == usize::MAX {
                    index_of[to.as_usize()] = states.len();
                    states.push(to);
                }
                edges.push(index_of[to.as_usize()]);
            }
            at += 1;
        }

        // Match states first.
        let mut order: Vec<usize> = (0..states.len()).collect();
        order.sort_by_key(|&i| !automaton.is_match(states[i]));
        let mut offset = vec![0u32; states.len()];
        for (position, &state) in order.iter().enumerate() {
            offset[state] = u32::try_from(position << row_bits).expect("a table under 4 GiB");
        }
        let mut transitions = vec![0u32; states.len() << row_bits];
        let mut match_ranges = vec![0u32];
        let mut keywords = Vec::new();
        for &state in &order {
            let base = offset[state] as usize;
            let targets = &edges[state * representatives.len()..][..representatives.len()];
            for (class, &to) in targets.iter().enumerate() {
                transitions[base + class] = offset[to];
            }
            let id = states[state];
            if automaton.is_match(id) {
                for index in 0..automaton.match_len(id) {
                    keywords.push(automaton.match_pattern(id, index).as_u32());
                }
                match_ranges.push(u32::try_from(keywords.len()).expect("few keywords"));
            }
        }
        Table {
            classes,
            transitions,
            start: offset[0],
            matches_below: u32::try_from((match_ranges.len() - 1) << row_bits)
                .expect("a table under 4 GiB"),
            row_bits,
            match_ranges,
            keywords,
        }
    }
}

impl Walk for Table {
    type State = u32;

    fn start(&self) -> u32 {
        self.start
    }

    #[inline(always)]
    fn next(&self, state: u32, byte: u8) -> u32 {
        self.transitions[state as usize + usize::from(self.classes[usize::from(byte)])]
    }

    #[inline(always)]
    fn is_special(&self, state: u32) -> bool {
        state < self.matches_below
    }

    fn matches(&self, state: u32, mut f: impl FnMut(u32)) {
        if state < self.matches_below {
            let row = (state >> self.row_bits) as usize;
            let range = self.match_ranges[row] as usize..self.match_ranges[row + 1] as usize;
            for &keyword in &self.keywords[range] {
                f(keyword);
            }
        }
    }
}

/// One segment of a blob as a lane of [`find_hits`] reads it.
#[derive(Debug, Clone, Copy, Default)]
struct Lane<'h> {
    /// The bytes read: the segment and up to a keyword's length before it.
    bytes: &'h [u8],
    /// The blob offset of `bytes[0]`.
    first: usize,
    /// The blob offset where the segment starts: hits ending before it belong to the segment
    /// before, whose lane reports them.
    own: usize,
}

/// Walks the lanes side by side and records each lane's keyword hits, in order of their ends.
///
/// The eight walks are written out rather than looped over, so that their states stay in
/// registers: kept in an array, they go through memory on every byte.
#[inline(never)]
fn find_hits<W: Walk>(automaton: &W, lanes: [Lane; LANES], hits: &mut [Vec<Hit>; LANES]) {
    let start = automaton.start();
    let common = lanes.iter().map(|l| l.bytes.len()).min().unwrap_or(0);
    let [b0, b1, b2, b3, b4, b5, b6, b7] = lanes.map(|l| &l.bytes[..common]);
    let (mut s0, mut s1, mut s2, mut s3) = (start, start, start, start);
    let (mut s4, mut s5, mut s6, mut s7) = (start, start, start, start);
    for at in 0..common {
        s0 = automaton.next(s0, b0[at]);
        s1 = automaton.next(s1, b1[at]);
        s2 = automaton.next(s2, b2[at]);
        s3 = automaton.next(s3, b3[at]);
        s4 = automaton.next(s4, b4[at]);
        s5 = automaton.next(s5, b5[at]);
        s6 = automaton.next(s6, b6[at]);
        s7 = automaton.next(s7, b7[at]);
        let special = automaton.is_special(s0)
            | automaton.is_special(s1)
            | automaton.is_special(s2)
            | automaton.is_special(s3)
            | automaton.is_special(s4)
            | automaton.is_special(s5)
            | automaton.is_special(s6)
            | automaton.is_special(s7);
        if special {
            let states = [s0, s1, s2, s3, s4, s5, s6, s7];
            for ((state, lane), hits) in states.into_iter().zip(&lanes).zip(hits.iter_mut()) {
                record(automaton, state, lane, at, hits);
            }
        }
    }
    let states = [s0, s1, s2, s3, s4, s5, s6, s7];
    for ((mut state, lane), hits) in states.into_iter().zip(&lanes).zip(hits.iter_mut()) {
        for (at, &byte) in lane.bytes.iter().enumerate().skip(common) {
            state = automaton.next(state, byte);
            if automaton.is_special(state) {
                record(automaton, state, lane, at, hits);
            }
        }
    }
}

/// Records the keywords that end after byte `at` of `lane`, if the lane owns that position.
fn record<W: Walk>(automaton: &W, state: W::State, lane: &Lane, at: usize, hits: &mut Vec<Hit>) {
    let end = lane.first + at + 1;
    if end <= lane.own {
        return;
    }
    automaton.matches(state, |pattern| hits.push(Hit { pattern, end }));
}

/// Extends an open single-line window to cover a hit ending at `hit_end` that starts inside it.
/// Bytes before `open.end` were searched for a newline already, so the search resumes there:
/// a long run of hits on one huge line costs each byte once.
fn extend_single_line(haystack: &[u8], open: &mut Open, hit_end: usize) {
    if open.ends_line && hit_end <= open.end {
        return;
    }
    let from = open.end.max(hit_end);
    let ceiling = hit_end.saturating_add(MAX_AFTER_LINE).min(haystack.len());
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

/// Whether the keyword hit at `start` begins with a letter or digit right after a `\n`, `\r`
/// or `\t` escape (and the backslash is not itself escaped).
fn follows_escape(haystack: &[u8], start: usize) -> bool {
    start >= 2
        && haystack[start - 2] == b'\\'
        && matches!(haystack[start - 1], b'n' | b'r' | b't')
        && (start < 3 || haystack[start - 3] != b'\\')
        && haystack.get(start).is_some_and(u8::is_ascii_alphanumeric)
}

/// The start of the hit's line, at most [`MAX_BEFORE`] bytes back.
fn window_start(haystack: &[u8], hit_start: usize) -> usize {
    let floor = hit_start.saturating_sub(MAX_BEFORE);
    memrchr(b'\n', &haystack[floor..hit_start]).map_or(floor, |i| floor + i + 1)
}

/// The end of the hit's line plus `extra_lines` lines, at most [`MAX_AFTER_LINE`] bytes on for
/// a single line and [`MAX_AFTER`] for more; and
/// whether that is a line end rather than the cap.
fn window_end(haystack: &[u8], hit_end: usize, extra_lines: u32) -> (usize, bool) {
    let ceiling = hit_end
        .saturating_add(max_after(extra_lines))
        .min(haystack.len());
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
        prefilter.windows(text, &mut scratch, |_| false);
        let mut found: Vec<_> = scratch
            .windows
            .iter()
            .map(|w| (w.rule, w.start, w.end))
            .collect();
        found.sort();
        found
    }

    /// Every (pattern, start, end) the lanes report, with the NFA and with the table.
    fn lane_hits(prefilter: &Prefilter, haystack: &[u8]) -> [Vec<(usize, usize, usize)>; 2] {
        let mut scratch: [Vec<Hit>; LANES] = Default::default();
        let table = Table::new(&prefilter.nfa, &prefilter.literals);
        let mut found = [Vec::new(), Vec::new()];
        let [by_nfa, by_table] = &mut found;
        prefilter.walk(&Nfa(&prefilter.nfa), haystack, &mut scratch, |p, s, e| {
            by_nfa.push((p, s, e))
        });
        prefilter.walk(&table, haystack, &mut scratch, |p, s, e| {
            by_table.push((p, s, e))
        });
        found
    }

    /// Every occurrence of every literal, found the slow and obvious way.
    fn naive_hits(prefilter: &Prefilter, haystack: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        for (pattern, literal) in prefilter.literals.iter().enumerate() {
            let literal = literal.as_bytes();
            for start in 0..haystack.len().saturating_sub(literal.len() - 1) {
                let here = &haystack[start..start + literal.len()];
                if here.eq_ignore_ascii_case(literal) {
                    found.push((pattern, start, start + literal.len()));
                }
            }
        }
        found
    }

    #[test]
    fn lanes_find_every_occurrence_exactly_once_at_any_size() {
        let keywords: Vec<Vec<String>> =
            [&["sk_live_", "sk_"][..], &["ghp_"], &["password"], &["ss"]]
                .iter()
                .map(|k| k.iter().map(|s| s.to_string()).collect())
                .collect();
        let prefilter = Prefilter::new(&keywords, vec![0; 4]);
        // A fixed pseudo-random stream over a small alphabet, so that keywords and their
        // fragments land on every segment and group boundary.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let alphabet = b"sSk_lvGhp\n";
        for len in [
            0, 1, 7, 255, 256, 1023, 1025, 4096, 70_001, 300_007, 600_000,
        ] {
            let haystack: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize]
                })
                .collect();
            let mut expected = naive_hits(&prefilter, &haystack);
            expected.sort();
            for mut found in lane_hits(&prefilter, &haystack) {
                let in_order = found.windows(2).all(|w| w[0].2 <= w[1].2);
                assert!(in_order, "hits come in order of their ends (length {len})");
                found.sort();
                assert_eq!(found, expected, "length {len}");
            }
        }
    }

    #[test]
    fn the_table_finds_what_the_nfa_finds_with_every_builtin_keyword() {
        let rules = preflight_rules::RuleSet::builtin().unwrap();
        let keywords: Vec<Vec<String>> = rules.rules().iter().map(|r| r.keywords.clone()).collect();
        let prefilter = Prefilter::new(&keywords, vec![0; keywords.len()]);
        // Keywords and their fragments in mixed case, glued together and with other bytes, so
        // that partial matches run into each other and across lane boundaries.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut random = move |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound as u64) as usize
        };
        let mut haystack = Vec::new();
        while haystack.len() < 40_000 {
            let literal = prefilter.literals[random(prefilter.literals.len())].as_bytes();
            let piece = &literal[random(2).min(literal.len() - 1)..];
            for &byte in piece {
                haystack.push(if random(2) == 0 {
                    byte.to_ascii_uppercase()
                } else {
                    byte
                });
            }
            if random(3) == 0 {
                haystack.push(b" \n\xff=\"_9"[random(7)]);
            }
        }
        let mut expected = naive_hits(&prefilter, &haystack);
        expected.sort();
        assert!(expected.len() > 2_000, "{}", expected.len());
        for mut found in lane_hits(&prefilter, &haystack) {
            found.sort();
            assert_eq!(found, expected);
        }
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
            [
                (0, 0, 14 + MAX_AFTER_LINE),
                (0, last - MAX_BEFORE, text.len())
            ]
        );
        // A rule that spans lines reaches further on the same long line.
        let found = windows(&[&["tok_"]], vec![2], &text);
        assert_eq!(found[0], (0, 0, 14 + MAX_AFTER));
    }

    #[test]
    fn many_hits_on_one_huge_line_cover_it_once() {
        let text = b"key_ ".repeat(4 * 1024 * 1024 / 5);
        let found = windows(&[&["key_"]], vec![0], &text);
        assert_eq!(found, [(0, 0, text.len())]);
    }
}
