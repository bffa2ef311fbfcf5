//! A static reading of Python modules: parse with tree-sitter, then run the module's top-level
//! statements in a small abstract interpreter that knows literals, arithmetic, string methods and
//! the ways settings read the environment, and nothing else.
//!
//! Nothing is imported or executed. What cannot be known statically (a function's result, a
//! name from a package outside the project, a branch on an unknown condition) becomes
//! [`Value::Unknown`], and checks never judge an unknown value: a missed finding is preferred
//! to a false alarm.
//!
//! - [`eval`] evaluates one expression;
//! - [`module`] runs a module's statements, follows its imports inside the project and caches
//!   the result per file.

pub mod eval;
pub mod module;

use std::collections::BTreeMap;

use crate::envfiles::EnvSource;

/// A value the interpreter could compute, or [`Value::Unknown`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An integer that fits 64 bits.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string (bytes literals are read lossily).
    Str(String),
    /// A list or set.
    List(Vec<Value>),
    /// A tuple.
    Tuple(Vec<Value>),
    /// A dict, in insertion order.
    Dict(Vec<(Value, Value)>),
    /// A pydantic `BaseSettings` class or one of its instances: field name -> value.
    Settings(BTreeMap<String, Evaluated>),
    /// A django-environ or environs reader (`environ.Env(...)`, `Env()`), with the defaults its
    /// constructor declares (`DEBUG=(bool, False)`).
    EnvReader(BTreeMap<String, (Cast, Evaluated)>),
    /// python-decouple's `config`.
    Decouple,
    /// Anything else.
    Unknown,
}

impl Value {
    /// Python truthiness, when known.
    pub fn truthy(&self) -> Option<bool> {
        match self {
            Value::None => Some(false),
            Value::Bool(b) => Some(*b),
            Value::Int(i) => Some(*i != 0),
            Value::Float(f) => Some(*f != 0.0),
            Value::Str(s) => Some(!s.is_empty()),
            Value::List(v) | Value::Tuple(v) => Some(!v.is_empty()),
            Value::Dict(v) => Some(!v.is_empty()),
            _ => None,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a list or tuple.
    pub fn items(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Tuple(v) => Some(v),
            _ => None,
        }
    }

    /// The value under a string key of a dict.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Dict(pairs) => pairs
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Whether nothing about the value is known.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }
}

/// How a value read from the environment is converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cast {
    /// Kept as text.
    Str,
    /// A boolean (`true`, `1`, `yes`, `on`...).
    Bool,
    /// An integer.
    Int,
    /// A comma-separated list.
    List,
    /// Something the interpreter does not model.
    Other,
}

/// Where a value read from the environment came from.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvRead {
    /// The variable's name.
    pub var: String,
    /// Whether the default in the code was used or a project env file gave the value.
    pub source: EnvSource,
}

/// A value and, when it was read from the environment, from where.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    /// The value.
    pub value: Value,
    /// The environment read it came from, if any.
    pub env: Option<EnvRead>,
}

impl Evaluated {
    /// A value that does not come from the environment.
    pub fn plain(value: Value) -> Self {
        Evaluated { value, env: None }
    }

    /// Nothing known.
    pub fn unknown() -> Self {
        Evaluated::plain(Value::Unknown)
    }
}

/// A module-level name: its value and the assignment that gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// The value, with its environment source.
    pub value: Evaluated,
    /// The file of the assignment, relative to the project root.
    pub file: String,
    /// The 1-based line of the assignment.
    pub line: u32,
}

/// Parses Python source. tree-sitter recovers from syntax errors, so this fails only when the
/// grammar cannot be loaded, which is a build problem.
pub fn parse(source: &[u8]) -> Option<tree_sitter::Tree> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .ok()?;
    parser.parse(source, None)
}

/// The first line (1-based) of the first syntax error in the tree, if any.
pub fn first_error_line(tree: &tree_sitter::Tree) -> Option<u32> {
    let root = tree.root_node();
    if !root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            return Some(line_of(&node));
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return Some(line_of(&root));
            }
        }
    }
}

/// The 1-based line a node starts on.
pub fn line_of(node: &tree_sitter::Node<'_>) -> u32 {
    u32::try_from(node.start_position().row)
        .unwrap_or(u32::MAX - 1)
        .saturating_add(1)
}

/// The source text of a node (lossy for invalid UTF-8).
pub fn text<'s>(node: &tree_sitter::Node<'_>, source: &'s [u8]) -> std::borrow::Cow<'s, str> {
    String::from_utf8_lossy(&source[node.byte_range()])
}

/// How a string from the environment reads as a boolean, the way django-environ,
/// python-decouple and pydantic read it; `None` when it is not a boolean word.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" | "y" | "t" | "ok" => Some(true),
        "0" | "false" | "no" | "off" | "n" | "f" | "" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_source_still_parses_and_names_the_error_line() {
        let tree = parse(b"A = 1\nB = (\nC = 3\n").expect("grammar loads");
        assert!(first_error_line(&tree).is_some());
        let clean = parse(b"A = 1\n").expect("grammar loads");
        assert_eq!(first_error_line(&clean), None);
    }

    #[test]
    fn booleans_read_as_the_libraries_read_them() {
        assert_eq!(parse_bool("True"), Some(true));
        assert_eq!(parse_bool(" on "), Some(true));
        assert_eq!(parse_bool("False"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }
}
