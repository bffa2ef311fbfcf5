//! The dotenv parser.
//!
//! Hand-written because no parser we know of accepts the syntax that both python-dotenv and
//! docker compose read (`export` prefixes, single- and double-quoted values spanning lines,
//! `${VAR}` expansion with compose's default/error/alternative forms) *and* reports every
//! deviation with its line instead of silently accepting or rejecting the whole file. The
//! parser never fails: every problem is a [`Problem`] with a 1-based line and column, and the
//! entries around it are still read.
//!
//! Design notes:
//! - Input is bytes. A byte-order mark is removed (and reported, because python-dotenv would read
//!   it as part of the first name); each line is checked for UTF-8 on its own, so one bad line is
//!   reported by number and read lossily while the rest of the file is exact. `\r\n` endings are
//!   accepted and reported once.
//! - A quoted value ends at its matching quote, possibly lines later (PEM keys, JSON). When the
//!   lines it would swallow look like assignments (`NAME=...`), the quote is far more likely
//!   unbalanced than meant to span them; the value then stops at the end of its first line and the
//!   problem is reported there, so one typo does not hide every later variable. A scan that found
//!   no closing quote is remembered, so a file full of unbalanced quotes stays linear.
//! - Expansion follows compose: `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?err}`,
//!   `${NAME?err}`, `${NAME:+alt}`, `${NAME+alt}`, in unquoted and double-quoted values only, from
//!   variables defined earlier in the same file. A reference to a variable the file does not
//!   define marks the entry unresolved (its value may come from the shell), so checks skip it.

use std::collections::HashMap;

/// How a value was quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    /// `NAME=value`.
    None,
    /// `NAME='value'`: literal, no expansion.
    Single,
    /// `NAME="value"`: escapes and expansion.
    Double,
}

/// One assignment read from a dotenv file.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    /// The variable name as written.
    pub key: String,
    /// The value after unquoting, escapes and expansion.
    pub value: String,
    /// How the value was quoted.
    pub quote: Quote,
    /// 1-based line of the name.
    pub line: u32,
    /// 1-based column (in characters) of the name.
    pub column: u32,
    /// 1-based line on which the value ends (after `line` for multi-line values).
    pub end_line: u32,
    /// Whether the line started with `export`.
    pub exported: bool,
    /// Whether the value refers to a variable the file does not define (its final value is
    /// unknown here).
    pub unresolved: bool,
    /// Whether the line was not valid UTF-8 (the value was read lossily).
    pub lossy: bool,
}

impl std::fmt::Debug for Entry {
    // The value is never shown: entries hold secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("key", &self.key)
            .field("value_len", &self.value.chars().count())
            .field("quote", &self.quote)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("end_line", &self.end_line)
            .field("exported", &self.exported)
            .field("unresolved", &self.unresolved)
            .finish()
    }
}

/// What is wrong with a line of a dotenv file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file starts with a UTF-8 byte-order mark.
    Bom,
    /// Lines end with `\r\n`.
    Crlf,
    /// The line is not valid UTF-8.
    NotUtf8,
    /// The name was already assigned on `first_line`; the later value wins.
    DuplicateKey {
        /// Where the name was first assigned.
        first_line: u32,
    },
    /// The name is not letters, digits and `_` starting with a letter or `_`.
    InvalidName,
    /// A quote opens a value and never closes.
    UnbalancedQuote,
    /// Whitespace before or after `=`.
    SpaceAroundEquals,
    /// An unquoted value contains whitespace.
    UnquotedSpace,
    /// The line starts with `export`.
    ExportPrefix,
    /// The line has a name but no `=`.
    MissingEquals,
    /// Something other than a comment follows a closing quote.
    TrailingCharacters,
    /// `${` without a closing `}`.
    UnterminatedReference,
    /// `${NAME}` where the file does not define `NAME` and gives no default.
    UndefinedReference {
        /// The name referred to.
        name: String,
    },
}

/// A syntax problem at a line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong.
    pub kind: ProblemKind,
    /// 1-based line.
    pub line: u32,
    /// 1-based column in characters.
    pub column: u32,
    /// The variable concerned, when there is one.
    pub key: Option<String>,
}

/// A parsed dotenv file: its entries in file order and its problems.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Every assignment, duplicates included, in file order.
    pub entries: Vec<Entry>,
    /// Every syntax problem, in file order.
    pub problems: Vec<Problem>,
}

impl Document {
    /// The last assignment of `key` (the one python-dotenv and compose use).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }

    /// The last assignment of each name, by name: for looking up many names in a large file,
    /// where [`Document::get`] would read the whole file for each.
    pub fn latest(&self) -> HashMap<&str, &Entry> {
        self.entries.iter().map(|e| (e.key.as_str(), e)).collect()
    }

    /// The effective entries: the last assignment of each name, in order of first appearance.
    pub fn effective(&self) -> Vec<&Entry> {
        let mut seen = HashMap::new();
        let mut out: Vec<&Entry> = Vec::new();
        for entry in &self.entries {
            match seen.get(entry.key.as_str()) {
                Some(&index) => out[index] = entry,
                None => {
                    seen.insert(entry.key.as_str(), out.len());
                    out.push(entry);
                }
            }
        }
        out
    }
}

/// Whether `name` is a portable variable name (`[A-Za-z_][A-Za-z0-9_]*`).
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Parses a dotenv file. Never fails and never panics; problems are returned with their lines.
pub fn parse(bytes: &[u8]) -> Document {
    let mut problems = Vec::new();
    let lines = split_lines(bytes, &mut problems);
    let mut parser = Parser {
        lines: &lines,
        problems,
        entries: Vec::new(),
        no_close_from: [None, None],
    };
    parser.run();
    let Parser {
        mut entries,
        mut problems,
        ..
    } = parser;
    expand_all(&mut entries, &mut problems);
    problems.sort_by_key(|p| (p.line, p.column));
    Document { entries, problems }
}

/// One physical line, decoded.
struct Line {
    text: Vec<char>,
    lossy: bool,
}

fn split_lines(bytes: &[u8], problems: &mut Vec<Problem>) -> Vec<Line> {
    let mut bytes = bytes;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        problems.push(Problem {
            kind: ProblemKind::Bom,
            line: 1,
            column: 1,
            key: None,
        });
        bytes = rest;
    }
    let mut lines = Vec::new();
    let mut crlf_reported = false;
    let mut pieces: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    if pieces.last().is_some_and(|p| p.is_empty()) {
        pieces.pop();
    }
    for (index, mut raw) in pieces.into_iter().enumerate() {
        let number = line_number(index);
        if let Some(stripped) = raw.strip_suffix(b"\r") {
            raw = stripped;
            if !crlf_reported {
                crlf_reported = true;
                problems.push(Problem {
                    kind: ProblemKind::Crlf,
                    line: number,
                    column: 1,
                    key: None,
                });
            }
        }
        let (text, lossy) = match std::str::from_utf8(raw) {
            Ok(text) => (text.chars().collect(), false),
            Err(err) => {
                let column = String::from_utf8_lossy(&raw[..err.valid_up_to()])
                    .chars()
                    .count();
                problems.push(Problem {
                    kind: ProblemKind::NotUtf8,
                    line: number,
                    column: to_u32(column + 1),
                    key: None,
                });
                (String::from_utf8_lossy(raw).chars().collect(), true)
            }
        };
        lines.push(Line { text, lossy });
    }
    lines
}

fn line_number(index: usize) -> u32 {
    to_u32(index + 1)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

struct Parser<'a> {
    lines: &'a [Line],
    problems: Vec<Problem>,
    entries: Vec<Entry>,
    /// For single (0) and double (1) quotes: a position `(line, column)` from which a scan found
    /// no closing quote, so later scans need not look again.
    no_close_from: [Option<(usize, usize)>; 2],
}

impl Parser<'_> {
    fn problem(&mut self, kind: ProblemKind, line: usize, column: usize, key: Option<&str>) {
        self.problems.push(Problem {
            kind,
            line: line_number(line),
            column: to_u32(column + 1),
            key: key.map(str::to_string),
        });
    }

    fn run(&mut self) {
        let mut first_lines: HashMap<String, u32> = HashMap::new();
        let mut index = 0;
        while index < self.lines.len() {
            index = match self.assignment(index) {
                Some((entry, next)) => {
                    if let Some(&first_line) = first_lines.get(&entry.key) {
                        self.problem(
                            ProblemKind::DuplicateKey { first_line },
                            index,
                            entry.column as usize - 1,
                            Some(&entry.key),
                        );
                    } else {
                        first_lines.insert(entry.key.clone(), entry.line);
                    }
                    self.entries.push(entry);
                    next
                }
                None => index + 1,
            };
        }
    }

    /// Reads the assignment starting on line `index`; returns it and the index of the next line.
    fn assignment(&mut self, index: usize) -> Option<(Entry, usize)> {
        let line = &self.lines[index];
        let text = &line.text;
        let mut pos = skip_spaces(text, 0);
        if pos == text.len() || text[pos] == '#' {
            return None;
        }
        let mut exported = false;
        if starts_with_word(text, pos, "export") {
            let after = skip_spaces(text, pos + 6);
            if after > pos + 6 && after < text.len() {
                exported = true;
                self.problem(ProblemKind::ExportPrefix, index, pos, None);
                pos = after;
            }
        }
        let key_start = pos;
        while pos < text.len() && text[pos] != '=' && !text[pos].is_whitespace() {
            pos += 1;
        }
        let key: String = text[key_start..pos].iter().collect();
        let mut entry = Entry {
            key: key.clone(),
            value: String::new(),
            quote: Quote::None,
            line: line_number(index),
            column: to_u32(key_start + 1),
            end_line: line_number(index),
            exported,
            unresolved: false,
            lossy: line.lossy,
        };
        if key.is_empty() || !is_valid_name(&key) {
            self.problem(ProblemKind::InvalidName, index, key_start, Some(&key));
        }
        let before_equals = pos;
        pos = skip_spaces(text, pos);
        if pos == text.len() || text[pos] != '=' {
            self.problem(ProblemKind::MissingEquals, index, before_equals, Some(&key));
            return Some((entry, index + 1));
        }
        let equals = pos;
        let value_start = skip_spaces(text, pos + 1);
        let value_has_text = value_start < text.len() && text[value_start] != '#';
        if before_equals < equals || (value_start > equals + 1 && value_has_text) {
            self.problem(ProblemKind::SpaceAroundEquals, index, equals, Some(&key));
        }
        if value_start >= text.len() {
            return Some((entry, index + 1));
        }
        match text[value_start] {
            quote @ ('\'' | '"') => {
                let (value, next) = self.quoted(index, value_start, quote, &key);
                entry.value = value;
                entry.quote = if quote == '"' {
                    Quote::Double
                } else {
                    Quote::Single
                };
                entry.end_line = line_number(next - 1);
                entry.lossy |= self.lines[index..next].iter().any(|l| l.lossy);
                Some((entry, next))
            }
            _ => {
                let value = unquoted(&text[value_start..]);
                if value.chars().any(char::is_whitespace) {
                    self.problem(ProblemKind::UnquotedSpace, index, value_start, Some(&key));
                }
                entry.value = value;
                Some((entry, index + 1))
            }
        }
    }

    /// Reads a quoted value opening at `(index, open)`; returns it and the next line's index.
    fn quoted(&mut self, index: usize, open: usize, quote: char, key: &str) -> (String, usize) {
        let slot = usize::from(quote == '"');
        let known_open = self.no_close_from[slot]
            .is_some_and(|(line, column)| (index, open + 1) >= (line, column));
        let close = if known_open {
            None
        } else {
            let found = find_close(self.lines, index, open + 1, quote);
            if found.is_none() {
                self.no_close_from[slot] = Some((index, open + 1));
            }
            found
        };
        let close = close.filter(|&(line, _)| {
            !self.lines[index + 1..=line]
                .iter()
                .any(|l| looks_like_assignment(&l.text))
        });
        let Some((close_line, close_col)) = close else {
            self.problem(ProblemKind::UnbalancedQuote, index, open, Some(key));
            let rest: String = self.lines[index].text[open + 1..].iter().collect();
            return (rest.trim_end().to_string(), index + 1);
        };
        let mut raw = String::new();
        for line in index..=close_line {
            let text = &self.lines[line].text;
            let from = if line == index { open + 1 } else { 0 };
            let to = if line == close_line {
                close_col
            } else {
                text.len()
            };
            raw.extend(&text[from..to]);
            if line != close_line {
                raw.push('\n');
            }
        }
        let tail = &self.lines[close_line].text[close_col + 1..];
        let after = skip_spaces(tail, 0);
        if after < tail.len() && tail[after] != '#' {
            self.problem(
                ProblemKind::TrailingCharacters,
                close_line,
                close_col + 1 + after,
                Some(key),
            );
        }
        let value = if quote == '"' {
            unescape_double(&raw)
        } else {
            raw.replace("\\'", "'")
        };
        (value, close_line + 1)
    }
}

/// The position of the quote closing a value opened before `(line, column)`.
fn find_close(lines: &[Line], line: usize, column: usize, quote: char) -> Option<(usize, usize)> {
    let mut column = column;
    for (offset, current) in lines[line..].iter().enumerate() {
        let text = &current.text;
        let mut pos = column;
        while pos < text.len() {
            match text[pos] {
                '\\' => pos += 2,
                c if c == quote => return Some((line + offset, pos)),
                _ => pos += 1,
            }
        }
        column = 0;
    }
    None
}

/// Whether a line reads as `NAME=` (a sign that a quote before it was left open).
fn looks_like_assignment(text: &[char]) -> bool {
    let mut pos = skip_spaces(text, 0);
    if starts_with_word(text, pos, "export") {
        pos = skip_spaces(text, pos + 6);
    }
    let start = pos;
    while pos < text.len() && (text[pos] == '_' || text[pos].is_ascii_alphanumeric()) {
        pos += 1;
    }
    pos > start
        && !text[start].is_ascii_digit()
        && pos < text.len()
        && text[pos] == '='
        && text[start..pos].iter().all(|c| !c.is_ascii_lowercase())
}

fn skip_spaces(text: &[char], mut pos: usize) -> usize {
    while pos < text.len() && (text[pos] == ' ' || text[pos] == '\t') {
        pos += 1;
    }
    pos
}

fn starts_with_word(text: &[char], pos: usize, word: &str) -> bool {
    let len = word.chars().count();
    text.len() > pos + len
        && text[pos..pos + len].iter().copied().eq(word.chars())
        && text[pos + len].is_whitespace()
}

/// An unquoted value: up to a `#` that follows whitespace, trailing whitespace removed.
fn unquoted(text: &[char]) -> String {
    let mut end = text.len();
    for i in 1..text.len() {
        if text[i] == '#' && text[i - 1].is_whitespace() {
            end = i;
            break;
        }
    }
    text[..end]
        .iter()
        .collect::<String>()
        .trim_end()
        .to_string()
}

fn unescape_double(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('$') => out.push('$'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn expand_all(entries: &mut [Entry], problems: &mut Vec<Problem>) {
    let mut defined: HashMap<String, (String, bool)> = HashMap::new();
    for entry in entries.iter_mut() {
        if entry.quote != Quote::Single && entry.value.contains("${") {
            let mut unresolved = false;
            let mut found = Vec::new();
            entry.value = expand(&entry.value, &defined, &mut unresolved, &mut found);
            entry.unresolved = unresolved;
            problems.extend(found.into_iter().map(|kind| Problem {
                kind,
                line: entry.line,
                column: entry.column,
                key: Some(entry.key.clone()),
            }));
        }
        defined.insert(entry.key.clone(), (entry.value.clone(), entry.unresolved));
    }
}

/// Expands `${...}` references in `value` from `defined`. Sets `unresolved` when a reference
/// has no known value, and collects problems into `found`.
fn expand(
    value: &str,
    defined: &HashMap<String, (String, bool)>,
    unresolved: &mut bool,
    found: &mut Vec<ProblemKind>,
) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let body_start = start + 2;
        let Some(len) = rest[body_start..].find('}') else {
            found.push(ProblemKind::UnterminatedReference);
            out.push_str(&rest[start..]);
            return out;
        };
        let body = &rest[body_start..body_start + len];
        out.push_str(&resolve(body, defined, unresolved, found));
        rest = &rest[body_start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// The value of one reference body such as `NAME:-default`.
fn resolve(
    body: &str,
    defined: &HashMap<String, (String, bool)>,
    unresolved: &mut bool,
    found: &mut Vec<ProblemKind>,
) -> String {
    let name_len = body
        .find(|c: char| !(c == '_' || c.is_ascii_alphanumeric()))
        .unwrap_or(body.len());
    let (name, operator) = body.split_at(name_len);
    let current = defined.get(name);
    if current.is_some_and(|(_, inner)| *inner) {
        // Defined from something unknown: its value is unknown too.
        *unresolved = true;
        return String::new();
    }
    let set = current.is_some();
    let non_empty = current.is_some_and(|(v, _)| !v.is_empty());
    let value = current.map(|(v, _)| v.clone()).unwrap_or_default();
    let mut undefined = || {
        *unresolved = true;
        found.push(ProblemKind::UndefinedReference {
            name: name.to_string(),
        });
        String::new()
    };
    if let Some(word) = operator.strip_prefix(":-") {
        if non_empty { value } else { word.to_string() }
    } else if let Some(word) = operator.strip_prefix(":+") {
        if non_empty {
            word.to_string()
        } else {
            String::new()
        }
    } else if operator.starts_with(":?") {
        if non_empty { value } else { undefined() }
    } else if operator.starts_with('?') {
        if set { value } else { undefined() }
    } else if let Some(word) = operator.strip_prefix('-') {
        if set { value } else { word.to_string() }
    } else if let Some(word) = operator.strip_prefix('+') {
        if set { word.to_string() } else { String::new() }
    } else if set {
        value
    } else {
        undefined()
    }
}

/// The share of the first bytes read to tell binary data from text.
const SNIFF_BYTES: usize = 64 * 1024;

/// What a file named like a dotenv file holds when it is binary data: UTF-16 text, or its
/// format when the bytes are a known one (`binary data (application/gzip)`), else `binary
/// data`. `None` for text: no NUL byte in the first 8 KiB, and at most one byte in ten outside
/// valid UTF-8.
pub fn binary_kind(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let nul = head[..head.len().min(8 * 1024)].contains(&0);
    if !nul && invalid_utf8_bytes(head) * 10 <= head.len() {
        return None;
    }
    if head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff") {
        return Some("UTF-16 text, which dotenv readers do not read (save it as UTF-8)".into());
    }
    Some(match infer::get(head) {
        Some(kind) => format!("binary data ({})", kind.mime_type()),
        None => "binary data".to_string(),
    })
}

/// The number of bytes of `bytes` that are not part of a valid UTF-8 sequence (a sequence cut
/// at the end is not counted).
fn invalid_utf8_bytes(mut bytes: &[u8]) -> usize {
    let mut invalid = 0;
    loop {
        match std::str::from_utf8(bytes) {
            Ok(_) => return invalid,
            Err(err) => match err.error_len() {
                Some(len) => {
                    invalid += len;
                    bytes = &bytes[err.valid_up_to() + len..];
                }
                None => return invalid,
            },
        }
    }
}

/// What a text file holds when it is not dotenv: most of its lines fail to parse (a name
/// that is not one, no `=`, a quote never closed). Returns what the text looks like (`JSON`,
/// `YAML`, `INI`, ...), or `None` when the file reads as dotenv, however broken some lines
/// are.
pub fn foreign_kind(bytes: &[u8], document: &Document) -> Option<&'static str> {
    let mut lines: Vec<u32> = document.entries.iter().map(|e| e.line).collect();
    let mut broken: Vec<u32> = document
        .problems
        .iter()
        .filter(|p| {
            matches!(
                p.kind,
                ProblemKind::InvalidName
                    | ProblemKind::MissingEquals
                    | ProblemKind::UnbalancedQuote
                    | ProblemKind::NotUtf8
                    | ProblemKind::TrailingCharacters
            )
        })
        .map(|p| p.line)
        .collect();
    lines.extend(&broken);
    lines.sort_unstable();
    lines.dedup();
    broken.sort_unstable();
    broken.dedup();
    if broken.len() < 3 || broken.len() * 2 <= lines.len() {
        return None;
    }
    Some(looks_like(&String::from_utf8_lossy(
        &bytes[..bytes.len().min(SNIFF_BYTES)],
    )))
}

/// What a text that is not dotenv looks like, from its first lines.
fn looks_like(text: &str) -> &'static str {
    let start = text.trim_start();
    if start.starts_with("#!") {
        return "a script";
    }
    if start.starts_with("-----BEGIN") {
        return "a PEM block (a key or a certificate)";
    }
    if start.starts_with('<') {
        return "XML or HTML";
    }
    if start.starts_with('{') || start.starts_with("[\n") || start.starts_with("[{") {
        return "JSON";
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(200)
        .collect();
    let count = |test: fn(&str) -> bool| lines.iter().filter(|l| test(l)).count();
    let sections = count(|l| l.starts_with('[') && l.ends_with(']'));
    let mapping = count(|l| {
        l == "---"
            || l.starts_with("- ")
            || l.split_once(':').is_some_and(|(key, rest)| {
                !key.is_empty()
                    && !key.contains(char::is_whitespace)
                    && (rest.is_empty() || rest.starts_with(' '))
            })
    });
    if sections > 0 && count(|l| l.contains(" = ")) + sections >= lines.len() / 2 {
        "INI"
    } else if mapping * 2 > lines.len() {
        "YAML"
    } else {
        "text that is not dotenv"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(doc: &Document) -> Vec<(u32, ProblemKind)> {
        doc.problems
            .iter()
            .map(|p| (p.line, p.kind.clone()))
            .collect()
    }

    #[test]
    fn reads_plain_quoted_exported_and_commented_values() {
        let doc = parse(
            b"# comment\nA=1\nB='two words' # note\nC=\"x\\ny\"\nexport D=4\nE=abc#not-comment\nF=v # c\nG=\n",
        );
        let got: Vec<(&str, &str)> = doc
            .entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("A", "1"),
                ("B", "two words"),
                ("C", "x\ny"),
                ("D", "4"),
                ("E", "abc#not-comment"),
                ("F", "v"),
                ("G", "")
            ]
        );
        assert_eq!(kinds(&doc), [(5, ProblemKind::ExportPrefix)]);
        assert_eq!(doc.entries[3].line, 5);
        assert_eq!(doc.entries[3].column, 8);
    }

    #[test]
    fn multi_line_values_keep_their_lines() {
        let doc = parse(b"KEY=\"-----BEGIN KEY-----\nabc\n-----END KEY-----\"\nNEXT=1\n");
        assert_eq!(
            doc.entries[0].value,
            "-----BEGIN KEY-----\nabc\n-----END KEY-----"
        );
        assert_eq!((doc.entries[0].line, doc.entries[0].end_line), (1, 3));
        assert_eq!(doc.entries[1].line, 4);
        assert!(doc.problems.is_empty());
    }

    #[test]
    fn an_unbalanced_quote_does_not_swallow_later_variables() {
        let doc = parse(b"A=\"open\nB=2\nC=\"ok\"\n");
        assert_eq!(kinds(&doc), [(1, ProblemKind::UnbalancedQuote)]);
        assert_eq!(doc.get("B").unwrap().value, "2");
        assert_eq!(doc.get("C").unwrap().value, "ok");
        let doc = parse(b"A='never closed\n");
        assert_eq!(kinds(&doc), [(1, ProblemKind::UnbalancedQuote)]);
    }

    #[test]
    fn reports_style_problems_with_lines() {
        let doc = parse(b"A = 1\nB=two words\n1X=3\nA=4\nNOEQUALS\nC=\"x\" y\n");
        assert_eq!(
            kinds(&doc),
            [
                (1, ProblemKind::SpaceAroundEquals),
                (2, ProblemKind::UnquotedSpace),
                (3, ProblemKind::InvalidName),
                (4, ProblemKind::DuplicateKey { first_line: 1 }),
                (5, ProblemKind::MissingEquals),
                (6, ProblemKind::TrailingCharacters),
            ]
        );
        assert_eq!(doc.get("A").unwrap().value, "4");
    }

    #[test]
    fn crlf_bom_and_bad_utf8_are_reported_not_fatal() {
        let doc = parse(b"\xEF\xBB\xBFA=1\r\nB=\xff\xfe\r\nC=3\r\n");
        assert_eq!(
            kinds(&doc),
            [
                (1, ProblemKind::Bom),
                (1, ProblemKind::Crlf),
                (2, ProblemKind::NotUtf8)
            ]
        );
        assert_eq!(doc.get("A").unwrap().value, "1");
        assert!(doc.get("B").unwrap().lossy);
        assert_eq!(doc.get("C").unwrap().value, "3");
    }

    #[test]
    fn expands_references_like_compose() {
        let doc = parse(
            b"P=secret\nURL=postgresql://u:${P}@h/db\nD=${MISSING:-fallback}\nS='${P}'\nE=${EMPTY-x}${P:+set}\nU=${NOPE}\nT=${P\n",
        );
        assert_eq!(doc.get("URL").unwrap().value, "postgresql://u:secret@h/db");
        assert_eq!(doc.get("D").unwrap().value, "fallback");
        assert_eq!(doc.get("S").unwrap().value, "${P}");
        assert_eq!(doc.get("E").unwrap().value, "xset");
        assert!(doc.get("U").unwrap().unresolved);
        assert!(!doc.get("URL").unwrap().unresolved);
        assert_eq!(
            kinds(&doc),
            [
                (
                    6,
                    ProblemKind::UndefinedReference {
                        name: "NOPE".into()
                    }
                ),
                (7, ProblemKind::UnterminatedReference)
            ]
        );
    }

    #[test]
    fn binary_data_is_told_from_text_with_a_few_bad_bytes() {
        // UTF-16 (a BOM and a NUL after each ASCII byte) is not text to a dotenv reader.
        assert_eq!(
            binary_kind(b"\xff\xfeA\0=\x001\0").as_deref(),
            Some("UTF-16 text, which dotenv readers do not read (save it as UTF-8)")
        );
        assert_eq!(binary_kind(b"A\0=\x001\0").as_deref(), Some("binary data"));
        assert_eq!(
            binary_kind(b"%PDF-1.7\n\0\0").as_deref(),
            Some("binary data (application/pdf)")
        );
        // Latin-1 accents on one line of many: text, reported line by line.
        assert_eq!(binary_kind(b"CITY=M\xfcnchen\nA=1\nB=2\nC=3\nD=4\n"), None);
        assert_eq!(binary_kind(b""), None);
        assert_eq!(invalid_utf8_bytes(b"ok\xff\xfeok\xe2\x82"), 2);
    }

    #[test]
    fn mostly_unparsable_text_is_named_and_mostly_good_text_is_not() {
        let kind = |text: &str| foreign_kind(text.as_bytes(), &parse(text.as_bytes()));
        assert_eq!(
            kind("[app]\nname = web\n[db]\nhost = db\n[cache]\n[log]\nlevel = info\n"),
            Some("INI")
        );
        assert_eq!(
            kind("#!/bin/sh\necho a\necho b\necho c\n"),
            Some("a script")
        );
        assert_eq!(
            kind("<html>\n<body>\n<p>x</p>\n</body>\n"),
            Some("XML or HTML")
        );
        assert_eq!(
            kind("Dear team,\nplease find the keys\nin the vault\nthanks\n"),
            Some("text that is not dotenv")
        );
        assert_eq!(kind("A=1\nB=2\noops\nC=3\nnope\nD=4\nbad\n"), None);
        assert_eq!(kind("one\ntwo\n"), None);
    }

    #[test]
    fn debug_never_shows_values() {
        let doc = parse(b"SECRET=hunter2hunter2\n");
        assert!(!format!("{doc:?}").contains("hunter2"));
    }
}
