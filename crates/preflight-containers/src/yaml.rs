//! A YAML document as a tree of nodes with line numbers, built from the parser's events.
//!
//! The parser (`saphyr-parser`) gives events with positions; its sibling loaders expand every
//! alias into a copy of what it names, which lets a few kilobytes of nested aliases (a "billion
//! laughs" file) ask for gigabytes. Here an alias is a reference to the node that was already
//! built, so the tree is never larger than the file. An anchor is registered when its node is
//! complete, so an alias can only name an earlier node and the tree has no cycles.
//!
//! Merge keys (`<<: *default`, `<<: [*a, *b]`) are resolved on lookup, where the keys of the
//! mapping itself win over merged ones. Resolving spends from a budget shared by the document:
//! once it is spent, lookups stop following merges and [`Document::exhausted`] says so.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScanError};

/// Merge keys followed through at most this many levels.
const MAX_MERGE_DEPTH: usize = 16;

/// Mappings visited while resolving merge keys, for the whole document.
const MERGE_BUDGET: usize = 100_000;

/// A node of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A scalar's text (`~`, `null` and an empty value are kept as text).
    Scalar(String),
    /// A sequence of node ids.
    Sequence(Vec<usize>),
    /// A mapping's entries, key and value node ids, in file order.
    Mapping(Vec<(usize, usize)>),
}

/// A node and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// What the node holds.
    pub value: Value,
    /// The 1-based line of the node's first character.
    pub line: u32,
}

/// A parse error, with the 1-based line where the parser stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// The 1-based line.
    pub line: u32,
    /// What the parser said.
    pub message: String,
}

/// Every document of a YAML stream, sharing one arena of nodes.
#[derive(Debug, Default)]
pub struct Document {
    nodes: Vec<Node>,
    /// The root node of each document in the stream.
    pub roots: Vec<usize>,
    budget: Cell<usize>,
    exhausted: Cell<bool>,
}

enum Frame {
    Sequence(usize),
    Mapping(usize, Option<usize>),
}

/// Closing brackets re-indented at most this many times for one file (see [`parse`]).
const MAX_BRACKET_FIXES: usize = 16;

/// Parses a YAML stream.
///
/// Compose's own YAML reader accepts a flow collection whose closing `]` or `}` sits at its
/// key's indentation (`test: [` ... `]` in a healthcheck), which the YAML specification and
/// the parser here reject as "invalid indentation". Such a line is indented one more space
/// and the text parsed again (a few times at most, lines unchanged), so that files compose
/// runs are read as compose reads them.
pub fn parse(text: &str) -> Result<Document, YamlError> {
    let mut fixed: Option<String> = None;
    for _ in 0..MAX_BRACKET_FIXES {
        let current = fixed.as_deref().unwrap_or(text);
        match parse_strict(current) {
            Err(err) if err.message.contains("invalid indentation") => {
                match indent_closing_bracket(current, err.line) {
                    Some(next) => fixed = Some(next),
                    None => return Err(err),
                }
            }
            result => return result,
        }
    }
    parse_strict(fixed.as_deref().unwrap_or(text))
}

/// `text` with line `line` (1-based) indented one more space, when that line is only a flow
/// collection's closing bracket (with an optional comment or comma).
fn indent_closing_bracket(text: &str, line: u32) -> Option<String> {
    let index = usize::try_from(line).ok()?.checked_sub(1)?;
    let target = text.split_inclusive('\n').nth(index)?;
    let rest = target.trim_start_matches(' ');
    if !(rest.starts_with(']') || rest.starts_with('}')) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 1);
    for (i, part) in text.split_inclusive('\n').enumerate() {
        if i == index {
            out.push(' ');
        }
        out.push_str(part);
    }
    Some(out)
}

/// Parses a YAML stream as the specification says.
fn parse_strict(text: &str) -> Result<Document, YamlError> {
    let mut doc = Document {
        budget: Cell::new(MERGE_BUDGET),
        ..Document::default()
    };
    let mut anchors: HashMap<usize, usize> = HashMap::new();
    let mut stack: Vec<(Frame, usize)> = Vec::new();
    let mut null = None;
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| scan_error(&e))?;
        let line = u32::try_from(span.start.line()).unwrap_or(u32::MAX).max(1);
        let produced = match event {
            Event::Scalar(value, _, anchor, _) => {
                let id = doc.push(Value::Scalar(value.into_owned()), line);
                if anchor > 0 {
                    anchors.insert(anchor, id);
                }
                Some(id)
            }
            Event::Alias(anchor) => Some(match anchors.get(&anchor) {
                Some(&id) => id,
                None => *null.get_or_insert_with(|| doc.push(Value::Scalar(String::new()), line)),
            }),
            Event::SequenceStart(anchor, _) => {
                let id = doc.push(Value::Sequence(Vec::new()), line);
                stack.push((Frame::Sequence(id), anchor));
                None
            }
            Event::MappingStart(anchor, _) => {
                let id = doc.push(Value::Mapping(Vec::new()), line);
                stack.push((Frame::Mapping(id, None), anchor));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (frame, anchor) = stack.pop().ok_or_else(|| YamlError {
                    line,
                    message: "a collection ends that never started".to_string(),
                })?;
                let id = match frame {
                    Frame::Sequence(id) | Frame::Mapping(id, _) => id,
                };
                if anchor > 0 {
                    anchors.insert(anchor, id);
                }
                Some(id)
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => None,
        };
        if let Some(id) = produced {
            doc.attach(&mut stack, id);
        }
    }
    Ok(doc)
}

fn scan_error(error: &ScanError) -> YamlError {
    YamlError {
        line: u32::try_from(error.marker().line())
            .unwrap_or(u32::MAX)
            .max(1),
        message: error.info().to_string(),
    }
}

impl Document {
    fn push(&mut self, value: Value, line: u32) -> usize {
        self.nodes.push(Node { value, line });
        self.nodes.len() - 1
    }

    fn attach(&mut self, stack: &mut [(Frame, usize)], id: usize) {
        match stack.last_mut() {
            None => self.roots.push(id),
            Some((Frame::Sequence(seq), _)) => {
                if let Value::Sequence(items) = &mut self.nodes[*seq].value {
                    items.push(id);
                }
            }
            Some((Frame::Mapping(map, pending), _)) => match pending.take() {
                None => *pending = Some(id),
                Some(key) => {
                    if let Value::Mapping(entries) = &mut self.nodes[*map].value {
                        entries.push((key, id));
                    }
                }
            },
        }
    }

    /// The node `id`.
    pub fn node(&self, id: usize) -> &Node {
        &self.nodes[id]
    }

    /// The 1-based line of node `id`.
    pub fn line(&self, id: usize) -> u32 {
        self.nodes[id].line
    }

    /// The text of node `id` when it is a scalar.
    pub fn scalar(&self, id: usize) -> Option<&str> {
        match &self.nodes[id].value {
            Value::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// The items of node `id` when it is a sequence.
    pub fn items(&self, id: usize) -> Option<&[usize]> {
        match &self.nodes[id].value {
            Value::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// Whether node `id` is a mapping.
    pub fn is_mapping(&self, id: usize) -> bool {
        matches!(self.nodes[id].value, Value::Mapping(_))
    }

    /// Whether merge resolution ran out of budget somewhere, so some merged keys were not seen.
    pub fn exhausted(&self) -> bool {
        self.exhausted.get()
    }

    /// The value of `key` in mapping `map`, its own entries first, then its merged mappings.
    pub fn get(&self, map: usize, key: &str) -> Option<usize> {
        self.get_at(map, key, 0)
    }

    fn get_at(&self, map: usize, key: &str, depth: usize) -> Option<usize> {
        let Value::Mapping(entries) = &self.nodes[map].value else {
            return None;
        };
        if let Some(&(_, value)) = entries.iter().find(|(k, _)| self.scalar(*k) == Some(key)) {
            return Some(value);
        }
        self.merged(entries, depth)
            .into_iter()
            .find_map(|source| self.get_at(source, key, depth + 1))
    }

    /// Every entry of mapping `map` as (key text, value id), merged entries included; an own key
    /// hides a merged one. Keys that are not scalars are left out.
    pub fn entries(&self, map: usize) -> Vec<(Cow<'_, str>, usize)> {
        let mut out: Vec<(Cow<'_, str>, usize)> = Vec::new();
        self.entries_at(map, 0, &mut out);
        out
    }

    fn entries_at<'a>(&'a self, map: usize, depth: usize, out: &mut Vec<(Cow<'a, str>, usize)>) {
        let Value::Mapping(entries) = &self.nodes[map].value else {
            return;
        };
        for &(key, value) in entries {
            if let Some(text) = self.scalar(key)
                && text != "<<"
                && !out.iter().any(|(k, _)| k == text)
            {
                out.push((Cow::Borrowed(text), value));
            }
        }
        for source in self.merged(entries, depth) {
            self.entries_at(source, depth + 1, out);
        }
    }

    /// The mappings the `<<` entries of `entries` merge in, spending from the budget.
    fn merged(&self, entries: &[(usize, usize)], depth: usize) -> Vec<usize> {
        let mut sources = Vec::new();
        for &(key, value) in entries {
            if self.scalar(key) != Some("<<") {
                continue;
            }
            match &self.nodes[value].value {
                Value::Mapping(_) => sources.push(value),
                Value::Sequence(items) => {
                    sources.extend(items.iter().copied().filter(|&i| self.is_mapping(i)))
                }
                Value::Scalar(_) => {}
            }
        }
        if sources.is_empty() {
            return sources;
        }
        let left = self.budget.get();
        if depth >= MAX_MERGE_DEPTH || left < sources.len() {
            self.exhausted.set(true);
            return Vec::new();
        }
        self.budget.set(left - sources.len());
        sources
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based_and_merge_keys_resolve() {
        let doc = parse(
            "x-base: &base\n  restart: always\n  image: a:1\nservices:\n  web:\n    <<: *base\n    image: b:2\n",
        )
        .expect("valid");
        let root = doc.roots[0];
        let services = doc.get(root, "services").expect("services");
        assert_eq!(doc.line(services), 5);
        let web = doc.get(services, "web").expect("web");
        let image = doc.get(web, "image").expect("image");
        assert_eq!(doc.scalar(image), Some("b:2"));
        assert_eq!(doc.line(image), 7);
        let restart = doc.get(web, "restart").expect("merged");
        assert_eq!(doc.scalar(restart), Some("always"));
        let keys: Vec<String> = doc
            .entries(web)
            .into_iter()
            .map(|(k, _)| k.into_owned())
            .collect();
        assert_eq!(keys, ["image", "restart"]);
    }

    #[test]
    fn alias_bombs_stay_small() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..40 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let doc = parse(&text).expect("valid");
        assert!(doc.nodes.len() < 1000);
    }

    #[test]
    fn merge_bombs_spend_the_budget() {
        let mut text = String::from("m0: &m0 {k: v}\n");
        for i in 1..30 {
            let p = i - 1;
            text.push_str(&format!(
                "m{i}: &m{i} {{<<: [*m{p}, *m{p}, *m{p}, *m{p}]}}\n"
            ));
        }
        text.push_str("top:\n  <<: *m29\n");
        let doc = parse(&text).expect("valid");
        let top = doc.get(doc.roots[0], "top").expect("top");
        assert_eq!(doc.get(top, "missing"), None);
        assert!(doc.exhausted());
    }

    #[test]
    fn errors_carry_a_line() {
        let err = parse("a: 1\nb: [unclosed\n").expect_err("invalid");
        assert!(err.line >= 2, "{err:?}");
    }

    #[test]
    fn a_closing_bracket_at_its_keys_indentation_is_read_as_compose_reads_it() {
        let text = "services:\n  store:\n    healthcheck:\n      test: [\n          \"CMD-SHELL\",\n          # a comment\n          \"wget -q -O- http://store:9333/healthz\"\n      ]\n      interval: 30s\n";
        let doc = parse(text).expect("parsed after re-indenting the bracket");
        let root = doc.roots[0];
        let store = doc
            .get(doc.get(root, "services").unwrap(), "store")
            .unwrap();
        let check = doc.get(store, "healthcheck").unwrap();
        let test = doc.get(check, "test").unwrap();
        assert_eq!(doc.items(test).map(<[usize]>::len), Some(2));
        let interval = doc.get(check, "interval").unwrap();
        assert_eq!(doc.line(interval), 9);
        // Other indentation errors are still errors, with their line.
        let err = parse("a:\n    b: 1\n  c: 2\n").unwrap_err();
        assert_eq!(err.line, 3);
    }
}
