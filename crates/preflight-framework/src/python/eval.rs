//! Evaluates one Python expression to a [`Value`], reading names from a module's bindings and
//! environment variables from an [`EnvView`].
//!
//! Environment reads are recognised by their shape: `os.environ["X"]`, `os.environ.get("X", d)`,
//! `os.getenv("X", d)`, django-environ and environs readers (`env("X", default=d)`,
//! `env.bool(...)`, `env.int`, `env.list`, defaults declared in `environ.Env(X=(bool, d))`) and
//! python-decouple's `config("X", default=d, cast=bool)`. The value is the env file's when the
//! view has one, else the default, converted the way the library converts it (django-environ
//! returns a default unconverted, decouple converts it). Recursion is bounded, so deeply nested
//! input yields [`Value::Unknown`] instead of exhausting the stack.

use std::collections::BTreeMap;

use tree_sitter::Node;

use super::{Binding, Cast, EnvRead, Evaluated, Value, parse_bool, text};
use crate::envfiles::{EnvSource, EnvView};

/// Deeper expressions than this evaluate to [`Value::Unknown`].
const MAX_DEPTH: usize = 64;

/// Lists longer than this (from comprehensions or splits) are not built.
const MAX_ITEMS: usize = 10_000;

/// What an expression is evaluated against.
pub struct Scope<'a> {
    /// The module's source.
    pub source: &'a [u8],
    /// The module-level names bound so far.
    pub names: &'a BTreeMap<String, Binding>,
    /// The environment.
    pub env: &'a EnvView,
}

/// Evaluates `node`.
pub fn eval(scope: &Scope<'_>, node: Node<'_>) -> Evaluated {
    Evaluator {
        scope,
        locals: Vec::new(),
    }
    .eval(node, 0)
}

struct Evaluator<'s, 'a> {
    scope: &'s Scope<'a>,
    locals: Vec<(String, Evaluated)>,
}

fn merge(a: &Evaluated, b: &Evaluated) -> Option<EnvRead> {
    a.env.clone().or_else(|| b.env.clone())
}

fn with_env(value: Value, env: Option<EnvRead>) -> Evaluated {
    Evaluated { value, env }
}

impl Evaluator<'_, '_> {
    fn text(&self, node: Node<'_>) -> String {
        text(&node, self.scope.source).into_owned()
    }

    fn lookup(&self, name: &str) -> Evaluated {
        if let Some((_, v)) = self.locals.iter().rev().find(|(n, _)| n == name) {
            return v.clone();
        }
        self.scope
            .names
            .get(name)
            .map(|b| b.value.clone())
            .unwrap_or_else(Evaluated::unknown)
    }

    fn eval(&mut self, node: Node<'_>, depth: usize) -> Evaluated {
        if depth > MAX_DEPTH {
            return Evaluated::unknown();
        }
        let d = depth + 1;
        match node.kind() {
            "string" => Evaluated::plain(self.string(node, d)),
            "concatenated_string" => {
                let mut out = String::new();
                let mut cursor = node.walk();
                for part in node.named_children(&mut cursor) {
                    match self.string(part, d) {
                        Value::Str(s) => out.push_str(&s),
                        _ => return Evaluated::unknown(),
                    }
                }
                Evaluated::plain(Value::Str(out))
            }
            "integer" => Evaluated::plain(parse_int(&self.text(node))),
            "float" => Evaluated::plain(
                self.text(node)
                    .replace('_', "")
                    .parse::<f64>()
                    .map(Value::Float)
                    .unwrap_or(Value::Unknown),
            ),
            "true" => Evaluated::plain(Value::Bool(true)),
            "false" => Evaluated::plain(Value::Bool(false)),
            "none" => Evaluated::plain(Value::None),
            "identifier" => {
                let name = self.text(node);
                self.lookup(&name)
            }
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => self.eval(inner, d),
                None => Evaluated::unknown(),
            },
            "list" | "set" | "tuple" | "expression_list" => {
                let mut items = Vec::new();
                let mut env = None;
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                for child in children {
                    if child.kind() == "comment" {
                        continue;
                    }
                    if child.kind() == "list_splat" {
                        let Some(inner) = child.named_child(0) else {
                            return Evaluated::unknown();
                        };
                        let e = self.eval(inner, d);
                        env = env.or(e.env);
                        match e.value.items() {
                            Some(v) => items.extend(v.iter().cloned()),
                            None => return with_env(Value::Unknown, env),
                        }
                        continue;
                    }
                    let e = self.eval(child, d);
                    env = env.or(e.env);
                    items.push(e.value);
                }
                let value = if matches!(node.kind(), "tuple" | "expression_list") {
                    Value::Tuple(items)
                } else {
                    Value::List(items)
                };
                with_env(value, env)
            }
            "dictionary" => {
                let mut pairs = Vec::new();
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                for child in children {
                    match child.kind() {
                        "pair" => {
                            let (Some(k), Some(v)) = (
                                child.child_by_field_name("key"),
                                child.child_by_field_name("value"),
                            ) else {
                                continue;
                            };
                            let key = self.eval(k, d).value;
                            let value = self.eval(v, d).value;
                            pairs.push((key, value));
                        }
                        "dictionary_splat" => {
                            let Some(inner) = child.named_child(0) else {
                                return Evaluated::unknown();
                            };
                            match self.eval(inner, d).value {
                                Value::Dict(more) => pairs.extend(more),
                                _ => return Evaluated::unknown(),
                            }
                        }
                        "comment" => {}
                        _ => return Evaluated::unknown(),
                    }
                }
                Evaluated::plain(Value::Dict(pairs))
            }
            "unary_operator" => {
                let (Some(op), Some(arg)) = (
                    node.child_by_field_name("operator"),
                    node.child_by_field_name("argument"),
                ) else {
                    return Evaluated::unknown();
                };
                let e = self.eval(arg, d);
                let value = match (self.text(op).as_str(), &e.value) {
                    ("-", Value::Int(i)) => {
                        i.checked_neg().map(Value::Int).unwrap_or(Value::Unknown)
                    }
                    ("-", Value::Float(f)) => Value::Float(-f),
                    ("+", v @ (Value::Int(_) | Value::Float(_))) => v.clone(),
                    _ => Value::Unknown,
                };
                with_env(value, e.env)
            }
            "not_operator" => match node.child_by_field_name("argument") {
                Some(arg) => {
                    let e = self.eval(arg, d);
                    let value = e
                        .value
                        .truthy()
                        .map(|b| Value::Bool(!b))
                        .unwrap_or(Value::Unknown);
                    with_env(value, e.env)
                }
                None => Evaluated::unknown(),
            },
            "boolean_operator" => self.boolean(node, d),
            "binary_operator" => self.binary(node, d),
            "comparison_operator" => self.comparison(node, d),
            "conditional_expression" => {
                let mut cursor = node.walk();
                let parts: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                if parts.len() != 3 {
                    return Evaluated::unknown();
                }
                let condition = self.eval(parts[1], d);
                match condition.value.truthy() {
                    Some(true) => self.eval(parts[0], d),
                    Some(false) => self.eval(parts[2], d),
                    None => Evaluated::unknown(),
                }
            }
            "subscript" => self.subscript(node, d),
            "attribute" => self.attribute(node, d),
            "call" => self.call(node, d),
            "list_comprehension" => self.comprehension(node, d),
            _ => Evaluated::unknown(),
        }
    }

    fn string(&mut self, node: Node<'_>, d: usize) -> Value {
        if node.kind() != "string" {
            return Value::Unknown;
        }
        let mut out = String::new();
        let mut raw = false;
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            match child.kind() {
                "string_start" => {
                    let prefix = self.text(child).to_ascii_lowercase();
                    raw = prefix.contains('r');
                }
                "string_content" => {
                    // Escape sequences are children of the content node.
                    let start = child.start_byte();
                    let mut at = start;
                    let mut inner = child.walk();
                    for esc in child.named_children(&mut inner) {
                        if esc.kind() == "interpolation" {
                            out.push_str(&String::from_utf8_lossy(
                                &self.scope.source[at..esc.start_byte()],
                            ));
                            match self.interpolation(esc, d) {
                                Some(piece) => out.push_str(&piece),
                                None => return Value::Unknown,
                            }
                            at = esc.end_byte();
                            continue;
                        }
                        out.push_str(&String::from_utf8_lossy(
                            &self.scope.source[at..esc.start_byte()],
                        ));
                        let escaped = self.text(esc);
                        if raw || esc.kind() != "escape_sequence" {
                            out.push_str(&escaped);
                        } else {
                            out.push_str(&unescape(&escaped));
                        }
                        at = esc.end_byte();
                    }
                    out.push_str(&String::from_utf8_lossy(
                        &self.scope.source[at..child.end_byte()],
                    ));
                }
                "interpolation" => match self.interpolation(child, d) {
                    Some(piece) => out.push_str(&piece),
                    None => return Value::Unknown,
                },
                "escape_sequence" => {
                    let escaped = self.text(child);
                    if raw {
                        out.push_str(&escaped);
                    } else {
                        out.push_str(&unescape(&escaped));
                    }
                }
                _ => {}
            }
        }
        Value::Str(out)
    }

    /// The text of an f-string's `{expression}` when it is a known string or number and has
    /// no conversion or format specification.
    fn interpolation(&mut self, node: Node<'_>, d: usize) -> Option<String> {
        if node.child_by_field_name("type_conversion").is_some()
            || node.child_by_field_name("format_specifier").is_some()
        {
            return None;
        }
        let expression = node.child_by_field_name("expression")?;
        match self.eval(expression, d).value {
            Value::Str(s) => Some(s),
            Value::Int(i) => Some(i.to_string()),
            _ => None,
        }
    }

    fn boolean(&mut self, node: Node<'_>, d: usize) -> Evaluated {
        let (Some(l), Some(op), Some(r)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("operator"),
            node.child_by_field_name("right"),
        ) else {
            return Evaluated::unknown();
        };
        let left = self.eval(l, d);
        let is_and = self.text(op) == "and";
        match left.value.truthy() {
            Some(t) if t != is_and => left,
            Some(_) => {
                let right = self.eval(r, d);
                let env = merge(&right, &left);
                with_env(right.value, env)
            }
            None => Evaluated::unknown(),
        }
    }

    fn binary(&mut self, node: Node<'_>, d: usize) -> Evaluated {
        let (Some(l), Some(op), Some(r)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("operator"),
            node.child_by_field_name("right"),
        ) else {
            return Evaluated::unknown();
        };
        let left = self.eval(l, d);
        let right = self.eval(r, d);
        let env = merge(&left, &right);
        let value = match (self.text(op).as_str(), &left.value, &right.value) {
            ("+", Value::Int(a), Value::Int(b)) => {
                a.checked_add(*b).map(Value::Int).unwrap_or(Value::Unknown)
            }
            ("-", Value::Int(a), Value::Int(b)) => {
                a.checked_sub(*b).map(Value::Int).unwrap_or(Value::Unknown)
            }
            ("*", Value::Int(a), Value::Int(b)) => {
                a.checked_mul(*b).map(Value::Int).unwrap_or(Value::Unknown)
            }
            ("//", Value::Int(a), Value::Int(b)) if *b != 0 => Value::Int(a.div_euclid(*b)),
            ("%", Value::Int(a), Value::Int(b)) if *b != 0 => Value::Int(a.rem_euclid(*b)),
            ("**", Value::Int(a), Value::Int(b)) => u32::try_from(*b)
                .ok()
                .and_then(|b| a.checked_pow(b))
                .map(Value::Int)
                .unwrap_or(Value::Unknown),
            ("/", a, b) => match (as_f64(a), as_f64(b)) {
                (Some(a), Some(b)) if b != 0.0 => Value::Float(a / b),
                _ => Value::Unknown,
            },
            ("+" | "-" | "*", a, b) if as_f64(a).is_some() && as_f64(b).is_some() => {
                let (a, b) = (as_f64(a).unwrap_or(0.0), as_f64(b).unwrap_or(0.0));
                match self.text(op).as_str() {
                    "+" => Value::Float(a + b),
                    "-" => Value::Float(a - b),
                    _ => Value::Float(a * b),
                }
            }
            ("+", Value::Str(a), Value::Str(b)) => Value::Str(format!("{a}{b}")),
            ("+", Value::List(a), Value::List(b)) => {
                Value::List(a.iter().chain(b).cloned().collect())
            }
            ("+", Value::Tuple(a), Value::Tuple(b)) => {
                Value::Tuple(a.iter().chain(b).cloned().collect())
            }
            ("|", Value::Dict(a), Value::Dict(b)) => {
                Value::Dict(a.iter().chain(b).cloned().collect())
            }
            _ => Value::Unknown,
        };
        with_env(value, env)
    }

    fn comparison(&mut self, node: Node<'_>, d: usize) -> Evaluated {
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        let mut operands = Vec::new();
        let mut operators = Vec::new();
        for child in children {
            if child.is_named() && child.kind() != "comment" {
                operands.push(child);
            } else if !child.is_extra() {
                operators.push(self.text(child));
            }
        }
        if operands.len() != operators.len() + 1 || operators.is_empty() {
            return Evaluated::unknown();
        }
        let mut env = None;
        let mut left = self.eval(operands[0], d);
        env = env.or(left.env.clone());
        let mut result = true;
        for (i, op) in operators.iter().enumerate() {
            let right = self.eval(operands[i + 1], d);
            env = env.or(right.env.clone());
            let op: String = op.split_whitespace().collect::<Vec<_>>().join(" ");
            let Some(holds) = compare(&op, &left.value, &right.value) else {
                return with_env(Value::Unknown, env);
            };
            result &= holds;
            left = right;
        }
        with_env(Value::Bool(result), env)
    }

    fn subscript(&mut self, node: Node<'_>, d: usize) -> Evaluated {
        let (Some(value), Some(index)) = (
            node.child_by_field_name("value"),
            node.child_by_field_name("subscript"),
        ) else {
            return Evaluated::unknown();
        };
        let target = self.text(value);
        let key = self.eval(index, d);
        if is_environ(&target) {
            return match key.value.as_str() {
                Some(var) => self.read_env(var, None, Cast::Str, false),
                None => Evaluated::unknown(),
            };
        }
        let container = self.eval(value, d);
        let env = container.env.clone();
        let found = match (&container.value, &key.value) {
            (Value::Dict(pairs), k) if !k.is_unknown() => pairs
                .iter()
                .rev()
                .find(|(pk, _)| pk == k)
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Unknown),
            (Value::List(items) | Value::Tuple(items), Value::Int(i)) => {
                let index = if *i < 0 { items.len() as i64 + i } else { *i };
                usize::try_from(index)
                    .ok()
                    .and_then(|i| items.get(i).cloned())
                    .unwrap_or(Value::Unknown)
            }
            _ => Value::Unknown,
        };
        with_env(found, env)
    }

    fn attribute(&mut self, node: Node<'_>, d: usize) -> Evaluated {
        let (Some(object), Some(attr)) = (
            node.child_by_field_name("object"),
            node.child_by_field_name("attribute"),
        ) else {
            return Evaluated::unknown();
        };
        let base = self.eval(object, d);
        match &base.value {
            Value::Settings(fields) => fields
                .get(&self.text(attr))
                .cloned()
                .unwrap_or_else(Evaluated::unknown),
            _ => Evaluated::unknown(),
        }
    }

    fn comprehension(&mut self, node: Node<'_>, d: usize) -> Evaluated {
        let Some(body) = node.child_by_field_name("body") else {
            return Evaluated::unknown();
        };
        let mut cursor = node.walk();
        let clauses: Vec<Node<'_>> = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "for_in_clause" || c.kind() == "if_clause")
            .collect();
        let [for_clause, filters @ ..] = clauses.as_slice() else {
            return Evaluated::unknown();
        };
        if for_clause.kind() != "for_in_clause" || filters.iter().any(|f| f.kind() != "if_clause") {
            return Evaluated::unknown();
        }
        let (Some(left), Some(right)) = (
            for_clause.child_by_field_name("left"),
            for_clause.child_by_field_name("right"),
        ) else {
            return Evaluated::unknown();
        };
        if left.kind() != "identifier" {
            return Evaluated::unknown();
        }
        let name = self.text(left);
        let source = self.eval(right, d);
        let Some(items) = source.value.items().map(<[Value]>::to_vec) else {
            return with_env(Value::Unknown, source.env);
        };
        let mut out = Vec::new();
        for item in items.into_iter().take(MAX_ITEMS) {
            self.locals
                .push((name.clone(), with_env(item, source.env.clone())));
            let mut keep = Some(true);
            for filter in filters {
                if let Some(condition) = filter.named_child(0) {
                    let holds = self.eval(condition, d).value.truthy();
                    keep = match (keep, holds) {
                        (Some(a), Some(b)) => Some(a && b),
                        _ => None,
                    };
                }
            }
            let value = self.eval(body, d).value;
            self.locals.pop();
            match keep {
                Some(true) => out.push(value),
                Some(false) => {}
                None => return with_env(Value::Unknown, source.env),
            }
        }
        with_env(Value::List(out), source.env)
    }

    fn call(&mut self, node: Node<'_>, d: usize) -> Evaluated {
        let Some(function) = node.child_by_field_name("function") else {
            return Evaluated::unknown();
        };
        let args = Args::read(self, node, d);
        let callee = self.text(function);
        // Environment reads by the standard library.
        if matches!(
            callee.as_str(),
            "os.getenv" | "getenv" | "os.environ.get" | "environ.get"
        ) {
            return match args.positional.first().and_then(|v| v.value.as_str()) {
                Some(var) => {
                    let default = args
                        .positional
                        .get(1)
                        .cloned()
                        .or_else(|| args.keyword("default"))
                        .unwrap_or_else(|| Evaluated::plain(Value::None));
                    self.read_env(var, Some(default), Cast::Str, false)
                }
                None => Evaluated::unknown(),
            };
        }
        if callee.ends_with("environ.Env") || callee == "Env" || callee.ends_with(".Env") {
            return Evaluated::plain(Value::EnvReader(self.env_scheme(&args)));
        }
        if callee == "AutoConfig" || callee.ends_with(".AutoConfig") || callee == "decouple.config"
        {
            if callee == "decouple.config" {
                return self.decouple(&args);
            }
            return Evaluated::plain(Value::Decouple);
        }
        if function.kind() == "identifier" {
            let bound = self.lookup(&callee);
            match bound.value {
                Value::EnvReader(scheme) => return self.environ_read(&scheme, "str", &args),
                Value::Decouple => return self.decouple(&args),
                Value::Settings(fields) => return Evaluated::plain(Value::Settings(fields)),
                _ => {}
            }
            if callee == "env" && bound.value.is_unknown() {
                return self.environ_read(&BTreeMap::new(), "str", &args);
            }
            if let Some(read) = self.own_env_function(&callee, &args) {
                return read;
            }
            return self.builtin(&callee, &args);
        }
        if function.kind() == "attribute" {
            let (Some(object), Some(attr)) = (
                function.child_by_field_name("object"),
                function.child_by_field_name("attribute"),
            ) else {
                return Evaluated::unknown();
            };
            let method = self.text(attr);
            let object_text = self.text(object);
            let receiver = self.eval(object, d);
            if let Value::EnvReader(scheme) = &receiver.value {
                return self.environ_read(scheme, &method, &args);
            }
            if object_text == "env" && receiver.value.is_unknown() {
                return self.environ_read(&BTreeMap::new(), &method, &args);
            }
            return string_method(receiver, &method, &args);
        }
        Evaluated::unknown()
    }

    fn env_scheme(&self, args: &Args) -> BTreeMap<String, (Cast, Evaluated)> {
        let mut scheme = BTreeMap::new();
        for (name, value) in &args.keywords {
            if let Value::Tuple(parts) = &value.value
                && parts.len() == 2
            {
                let cast = match &parts[0] {
                    Value::Str(c) => cast_named(c),
                    _ => Cast::Other,
                };
                scheme.insert(name.clone(), (cast, Evaluated::plain(parts[1].clone())));
            }
        }
        scheme
    }

    fn environ_read(
        &self,
        scheme: &BTreeMap<String, (Cast, Evaluated)>,
        method: &str,
        args: &Args,
    ) -> Evaluated {
        let cast = match method {
            "str" | "__call__" => Cast::Str,
            "bool" => Cast::Bool,
            "int" => Cast::Int,
            "list" | "tuple" => Cast::List,
            // URLs parsed into dicts, paths, JSON: not modelled.
            _ => return Evaluated::unknown(),
        };
        let Some(var) = args.positional.first().and_then(|v| v.value.as_str()) else {
            return Evaluated::unknown();
        };
        let default = args
            .keyword("default")
            .or_else(|| args.positional.get(1).cloned())
            .or_else(|| scheme.get(var).map(|(_, d)| d.clone()));
        let cast = match (cast, scheme.get(var)) {
            (Cast::Str, Some((declared, _))) if method != "str" => *declared,
            _ => cast,
        };
        self.read_env(var, default, cast, false)
    }

    fn decouple(&self, args: &Args) -> Evaluated {
        let Some(var) = args.positional.first().and_then(|v| v.value.as_str()) else {
            return Evaluated::unknown();
        };
        let cast = match args.keyword_text.get("cast") {
            None => Cast::Str,
            Some(text) if text.starts_with("Csv") => Cast::List,
            Some(text) => cast_named(text),
        };
        let default = args
            .keyword("default")
            .or_else(|| args.positional.get(1).cloned());
        self.read_env(var, default, cast, true)
    }

    /// Reads `var`: the env file's value when the view has one, else `default`.
    fn read_env(
        &self,
        var: &str,
        default: Option<Evaluated>,
        cast: Cast,
        cast_default: bool,
    ) -> Evaluated {
        if let Some(found) = self.scope.env.get(var) {
            return with_env(
                apply_cast(Value::Str(found.value.clone()), cast),
                Some(EnvRead {
                    var: var.to_string(),
                    source: EnvSource::File {
                        path: found.path.clone(),
                        line: found.line,
                    },
                }),
            );
        }
        match default {
            Some(default) => {
                let value = if cast_default {
                    apply_cast(default.value, cast)
                } else {
                    default.value
                };
                with_env(
                    value,
                    Some(EnvRead {
                        var: var.to_string(),
                        source: EnvSource::Default,
                    }),
                )
            }
            None => with_env(
                Value::Unknown,
                Some(EnvRead {
                    var: var.to_string(),
                    source: EnvSource::Unset,
                }),
            ),
        }
    }

    /// A project's own function that reads the environment, recognised by its name and shape:
    /// `get_bool_from_env("DEBUG", True)`, `env_int("PORT", 8000)`, `getenv_list("HOSTS", ...)`
    /// with a variable name first and the default second (or as `default=`).
    fn own_env_function(&self, callee: &str, args: &Args) -> Option<Evaluated> {
        let lower = callee.to_ascii_lowercase();
        if !lower.contains("env") || lower == "env" {
            return None;
        }
        let var = args.positional.first()?.value.as_str()?;
        if !var
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            || var.is_empty()
        {
            return None;
        }
        let cast = if lower.contains("bool") {
            Cast::Bool
        } else if lower.contains("int") {
            Cast::Int
        } else if lower.contains("list") {
            Cast::List
        } else {
            Cast::Str
        };
        let default = args
            .positional
            .get(1)
            .cloned()
            .or_else(|| args.keyword("default"))
            .or_else(|| args.keyword("default_value"));
        // Such a function returns its type whichever value it read, so its default is converted too.
        Some(self.read_env(var, default, cast, true))
    }

    fn builtin(&self, name: &str, args: &Args) -> Evaluated {
        let Some(first) = args.positional.first().cloned() else {
            return match name {
                "list" | "set" => Evaluated::plain(Value::List(Vec::new())),
                "tuple" => Evaluated::plain(Value::Tuple(Vec::new())),
                "dict" => Evaluated::plain(Value::Dict(
                    args.keywords
                        .iter()
                        .map(|(k, v)| (Value::Str(k.clone()), v.value.clone()))
                        .collect(),
                )),
                _ => Evaluated::unknown(),
            };
        };
        let value = match (name, &first.value) {
            ("int", Value::Str(s)) => s
                .trim()
                .parse::<i64>()
                .map(Value::Int)
                .unwrap_or(Value::Unknown),
            ("int", Value::Int(i)) => Value::Int(*i),
            ("int", Value::Bool(b)) => Value::Int(i64::from(*b)),
            ("int", Value::Float(f)) if f.is_finite() && f.abs() < 9.0e18 => Value::Int(*f as i64),
            ("str", Value::Str(s)) => Value::Str(s.clone()),
            ("str", Value::Int(i)) => Value::Str(i.to_string()),
            ("bool", v) => v.truthy().map(Value::Bool).unwrap_or(Value::Unknown),
            ("list" | "set", Value::List(v) | Value::Tuple(v)) => Value::List(v.clone()),
            ("tuple", Value::List(v) | Value::Tuple(v)) => Value::Tuple(v.clone()),
            _ => Value::Unknown,
        };
        with_env(value, first.env)
    }
}

/// The arguments of a call, evaluated.
struct Args {
    positional: Vec<Evaluated>,
    keywords: Vec<(String, Evaluated)>,
    /// The source text of each keyword argument's value (for `cast=bool`).
    keyword_text: BTreeMap<String, String>,
}

impl Args {
    fn read(ev: &mut Evaluator<'_, '_>, call: Node<'_>, d: usize) -> Args {
        let mut args = Args {
            positional: Vec::new(),
            keywords: Vec::new(),
            keyword_text: BTreeMap::new(),
        };
        let Some(list) = call.child_by_field_name("arguments") else {
            return args;
        };
        let mut cursor = list.walk();
        let children: Vec<Node<'_>> = list.named_children(&mut cursor).collect();
        for child in children {
            match child.kind() {
                "keyword_argument" => {
                    let (Some(name), Some(value)) = (
                        child.child_by_field_name("name"),
                        child.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    let name = ev.text(name);
                    let evaluated = if value.kind() == "identifier"
                        && matches!(ev.text(value).as_str(), "bool" | "int" | "str" | "list")
                    {
                        // A type passed as a value (`DEBUG=(bool, False)`): keep its name.
                        Evaluated::plain(Value::Str(ev.text(value)))
                    } else {
                        ev.eval(value, d)
                    };
                    args.keyword_text.insert(name.clone(), ev.text(value));
                    args.keywords.push((name, evaluated));
                }
                "comment" => {}
                "tuple" => {
                    // `environ.Env(DEBUG=(bool, False))` arrives as a keyword; a bare tuple is
                    // positional.
                    let e = ev.eval(child, d);
                    args.positional.push(e);
                }
                _ => {
                    let e = ev.eval(child, d);
                    args.positional.push(e);
                }
            }
        }
        // Types inside keyword tuples (`(bool, False)`) evaluate to unknown names; read them
        // again by text so the reader's scheme knows its casts.
        for child in list.named_children(&mut list.walk()) {
            if child.kind() != "keyword_argument" {
                continue;
            }
            let (Some(name), Some(value)) = (
                child.child_by_field_name("name"),
                child.child_by_field_name("value"),
            ) else {
                continue;
            };
            if value.kind() == "tuple" && value.named_child_count() == 2 {
                let (Some(kind), Some(default)) = (value.named_child(0), value.named_child(1))
                else {
                    continue;
                };
                let kind = ev.text(kind);
                let default = ev.eval(default, d).value;
                let name = ev.text(name);
                if let Some(slot) = args.keywords.iter_mut().find(|(n, _)| *n == name) {
                    slot.1 = Evaluated::plain(Value::Tuple(vec![Value::Str(kind), default]));
                }
            }
        }
        args
    }

    fn keyword(&self, name: &str) -> Option<Evaluated> {
        self.keywords
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

fn cast_named(name: &str) -> Cast {
    match name {
        "bool" => Cast::Bool,
        "int" => Cast::Int,
        "str" => Cast::Str,
        "list" | "tuple" => Cast::List,
        _ => Cast::Other,
    }
}

/// Converts a value read from the environment the way the libraries do.
pub fn apply_cast(value: Value, cast: Cast) -> Value {
    match (cast, value) {
        (Cast::Str, v) => v,
        (Cast::Bool, Value::Str(s)) => parse_bool(&s).map(Value::Bool).unwrap_or(Value::Unknown),
        (Cast::Bool, v @ Value::Bool(_)) => v,
        (Cast::Int, Value::Str(s)) => s
            .trim()
            .parse::<i64>()
            .map(Value::Int)
            .unwrap_or(Value::Unknown),
        (Cast::Int, v @ Value::Int(_)) => v,
        (Cast::List, Value::Str(s)) => Value::List(split_list(&s)),
        (Cast::List, v @ (Value::List(_) | Value::Tuple(_))) => v,
        _ => Value::Unknown,
    }
}

/// A comma-separated list, items trimmed, empty items dropped.
pub fn split_list(text: &str) -> Vec<Value> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .take(MAX_ITEMS)
        .map(|s| Value::Str(s.to_string()))
        .collect()
}

fn string_method(receiver: Evaluated, method: &str, args: &Args) -> Evaluated {
    let Value::Str(s) = &receiver.value else {
        return with_env(Value::Unknown, receiver.env);
    };
    let value = match method {
        "lower" | "casefold" => Value::Str(s.to_lowercase()),
        "upper" => Value::Str(s.to_uppercase()),
        "strip" | "lstrip" | "rstrip" => {
            let chars: Vec<char> = match args.positional.first().map(|v| &v.value) {
                None | Some(Value::None) => Vec::new(),
                Some(Value::Str(c)) => c.chars().collect(),
                Some(_) => return with_env(Value::Unknown, receiver.env),
            };
            let strip = |c: char| {
                if chars.is_empty() {
                    c.is_whitespace()
                } else {
                    chars.contains(&c)
                }
            };
            Value::Str(match method {
                "lstrip" => s.trim_start_matches(strip).to_string(),
                "rstrip" => s.trim_end_matches(strip).to_string(),
                _ => s.trim_matches(strip).to_string(),
            })
        }
        "split" => match args.positional.first().map(|v| &v.value) {
            None | Some(Value::None) => Value::List(
                s.split_whitespace()
                    .take(MAX_ITEMS)
                    .map(|p| Value::Str(p.to_string()))
                    .collect(),
            ),
            Some(Value::Str(sep)) if !sep.is_empty() => Value::List(
                s.split(sep.as_str())
                    .take(MAX_ITEMS)
                    .map(|p| Value::Str(p.to_string()))
                    .collect(),
            ),
            _ => Value::Unknown,
        },
        _ => Value::Unknown,
    };
    with_env(value, receiver.env)
}

fn compare(op: &str, a: &Value, b: &Value) -> Option<bool> {
    if a.is_unknown() || b.is_unknown() {
        return None;
    }
    match op {
        "==" => Some(equal(a, b)),
        "!=" => Some(!equal(a, b)),
        "in" | "not in" => {
            let holds = match (a, b) {
                (Value::Str(needle), Value::Str(hay)) => hay.contains(needle.as_str()),
                (needle, Value::List(items) | Value::Tuple(items)) => {
                    if items.iter().any(Value::is_unknown) {
                        return None;
                    }
                    items.iter().any(|i| equal(i, needle))
                }
                (needle, Value::Dict(pairs)) => pairs.iter().any(|(k, _)| equal(k, needle)),
                _ => return None,
            };
            Some(if op == "in" { holds } else { !holds })
        }
        "is" => match (a, b) {
            (Value::None, Value::None) => Some(true),
            (Value::None, _) | (_, Value::None) => Some(false),
            (Value::Bool(x), Value::Bool(y)) => Some(x == y),
            _ => None,
        },
        "is not" => compare("is", a, b).map(|h| !h),
        "<" | "<=" | ">" | ">=" => {
            let (x, y) = (as_f64(a)?, as_f64(b)?);
            Some(match op {
                "<" => x < y,
                "<=" => x <= y,
                ">" => x > y,
                _ => x >= y,
            })
        }
        _ => None,
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (as_f64(a), as_f64(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    }
}

fn parse_int(text: &str) -> Value {
    let clean = text.replace('_', "").to_ascii_lowercase();
    let parsed = if let Some(hex) = clean.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(oct) = clean.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()
    } else if let Some(bin) = clean.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()
    } else {
        clean.parse::<i64>().ok()
    };
    parsed.map(Value::Int).unwrap_or(Value::Unknown)
}

fn unescape(escape: &str) -> String {
    match escape {
        "\\n" => "\n".into(),
        "\\t" => "\t".into(),
        "\\r" => "\r".into(),
        "\\\\" => "\\".into(),
        "\\'" => "'".into(),
        "\\\"" => "\"".into(),
        "\\0" => "\0".into(),
        other => other.to_string(),
    }
}

/// Whether an expression's text names the process environment mapping.
pub fn is_environ(text: &str) -> bool {
    matches!(text, "os.environ" | "environ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envfiles::EnvValue;

    fn value_of(source: &str, env: &EnvView) -> Evaluated {
        let tree = crate::python::parse(source.as_bytes()).expect("parse");
        let root = tree.root_node();
        let statement = root.named_child(0).expect("statement");
        let expression = statement.named_child(0).expect("expression");
        let names = BTreeMap::new();
        let scope = Scope {
            source: source.as_bytes(),
            names: &names,
            env,
        };
        eval(&scope, expression)
    }

    fn plain(source: &str) -> Value {
        value_of(source, &EnvView::defaults()).value
    }

    #[test]
    fn literals_and_arithmetic() {
        assert_eq!(plain("60 * 60 * 24 * 14"), Value::Int(1_209_600));
        assert_eq!(plain("'a' 'b'"), Value::Str("ab".into()));
        assert_eq!(plain("-5"), Value::Int(-5));
        assert_eq!(plain("f'{x}'"), Value::Unknown);
        assert_eq!(
            plain("[1, *[2, 3]]"),
            Value::List(vec![Value::Int(1), Value::Int(2), Value::Int(3)])
        );
        assert_eq!(plain("{'a': 1}['a']"), Value::Int(1));
        assert_eq!(plain("2 ** 70"), Value::Unknown);
    }

    #[test]
    fn environment_reads_use_their_defaults() {
        let debug = value_of("os.getenv('DEBUG', 'True') == 'True'", &EnvView::defaults());
        assert_eq!(debug.value, Value::Bool(true));
        assert_eq!(debug.env.expect("env read").source, EnvSource::Default);
        assert_eq!(
            plain("os.environ.get('DEBUG', 'false').lower() in ('true', '1')"),
            Value::Bool(false)
        );
        assert_eq!(
            plain("env.bool('DEBUG', default=False)"),
            Value::Bool(false)
        );
        assert_eq!(
            plain("env('DEBUG', default='True')"),
            Value::Str("True".into())
        );
        assert_eq!(plain("os.environ['SECRET_KEY']"), Value::Unknown);
        assert_eq!(
            plain("os.getenv('HOSTS', 'a.example,b.example').split(',')"),
            Value::List(vec![
                Value::Str("a.example".into()),
                Value::Str("b.example".into())
            ])
        );
        assert_eq!(
            plain("[h.strip() for h in os.getenv('H', ' a , b').split(',')]"),
            Value::List(vec![Value::Str("a".into()), Value::Str("b".into())])
        );
    }

    #[test]
    fn env_file_values_replace_defaults_and_are_cast() {
        let env = EnvView::from_pairs([(
            "DEBUG".to_string(),
            EnvValue {
                value: "on".into(),
                path: ".env.production".into(),
                line: 2,
            },
        )]);
        let debug = value_of("env.bool('DEBUG', default=False)", &env);
        assert_eq!(debug.value, Value::Bool(true));
        assert_eq!(
            debug.env.expect("env read").source,
            EnvSource::File {
                path: ".env.production".into(),
                line: 2
            }
        );
    }

    #[test]
    fn f_strings_project_env_functions_and_strip() {
        assert_eq!(
            plain("f\"{'/api'}/openapi.json\""),
            Value::Str("/api/openapi.json".into())
        );
        assert_eq!(plain("f\"{x!r}\""), Value::Unknown);
        assert_eq!(plain("get_bool_from_env('DEBUG', True)"), Value::Bool(true));
        assert_eq!(plain("envbool('DEBUG', 'True')"), Value::Bool(true));
        assert_eq!(plain("get_bool_from_env('debug', True)"), Value::Unknown);
        assert_eq!(plain("'/x/'.strip('/')"), Value::Str("x".into()));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let source = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(plain(&source), Value::Unknown);
    }
}
