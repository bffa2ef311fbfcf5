//! Runs a module's top-level statements and follows its imports inside the project.
//!
//! Statements understood: assignments (also annotated, tuple targets, and `X["k"] = v` into a
//! dict), `+=`, `.append`/`.extend`/`.insert`/`.update` on a bound list or dict, `from M import *`
//! and `from M import a, b as c` for modules inside the project, `if`/`elif`/`else` on a
//! condition the interpreter can decide, the body and `else` of `try`, and pydantic
//! `BaseSettings` classes. A branch on an undecidable condition, a loop or a `with` block makes
//! every name it assigns unknown. A module whose names may come from somewhere unseen (a star
//! import that does not resolve, `globals().update`, `exec`) is marked
//! [`ModuleResult::incomplete`], so checks do not report a setting as missing from it.
//!
//! A star import inside `try` that names a development module (`from .local import *` guarded
//! by `except ImportError`) is an optional local override and is not followed: a production
//! module is judged without it. Import cycles are cut and reported once per file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use preflight_findings::Warning;
use tree_sitter::{Node, Tree};

use super::eval::{self, Scope};
use super::{Binding, Evaluated, Value, first_error_line, line_of, parse, text};
use crate::envfiles::EnvView;
use crate::walk::{is_binary, read_limited, relative};

/// Nested blocks deeper than this are not entered.
const MAX_BLOCK_DEPTH: usize = 32;

/// Named imports are followed while fewer modules than this are being loaded.
const MAX_NAMED_IMPORT_DEPTH: usize = 3;

/// At most this many modules are loaded by one loader.
const MAX_MODULES: usize = 5000;

/// A module after its statements ran.
pub struct ModuleResult {
    /// The file.
    pub path: PathBuf,
    /// The file relative to the project root.
    pub rel: String,
    /// The module-level names at the end of the module.
    pub names: BTreeMap<String, Binding>,
    /// Why some names may be missing from [`Self::names`], when they may be.
    pub incomplete: Option<String>,
    /// The project modules it star-imports, in order.
    pub star_imports: Vec<PathBuf>,
    /// The source, when it was read.
    pub source: Vec<u8>,
    /// The syntax tree, when the source parsed.
    pub tree: Option<Tree>,
}

impl ModuleResult {
    fn empty(path: &Path, rel: String, reason: &str) -> Self {
        ModuleResult {
            path: path.to_path_buf(),
            rel,
            names: BTreeMap::new(),
            incomplete: Some(reason.to_string()),
            star_imports: Vec::new(),
            source: Vec::new(),
            tree: None,
        }
    }
}

/// Loads modules in one environment, caching each file's result.
pub struct Loader<'e> {
    root: PathBuf,
    env: &'e EnvView,
    cache: HashMap<PathBuf, Rc<ModuleResult>>,
    stack: Vec<PathBuf>,
    warned: HashSet<(String, String)>,
    /// Problems with the files read (unreadable, binary, syntax errors, import cycles).
    pub warnings: Vec<Warning>,
}

impl<'e> Loader<'e> {
    /// A loader for the project at `root`, reading environment variables from `env`.
    pub fn new(root: &Path, env: &'e EnvView) -> Self {
        Loader {
            root: root.to_path_buf(),
            env,
            cache: HashMap::new(),
            stack: Vec::new(),
            warned: HashSet::new(),
            warnings: Vec::new(),
        }
    }

    fn warn(&mut self, rel: &str, line: Option<u32>, message: String) {
        if self.warned.insert((rel.to_string(), message.clone())) {
            self.warnings.push(match line {
                Some(line) => Warning::at_line(rel, line, message),
                None => Warning::at(rel, message),
            });
        }
    }

    /// The result of running `path`.
    pub fn load(&mut self, path: &Path) -> Rc<ModuleResult> {
        self.load_from(path, true)
    }

    /// Loads `path`; an import cycle is reported only when it runs through star imports
    /// (`star`), since cycles of named imports are ordinary in Python packages.
    fn load_from(&mut self, path: &Path, star: bool) -> Rc<ModuleResult> {
        if let Some(done) = self.cache.get(path) {
            return Rc::clone(done);
        }
        let rel = relative(&self.root, path);
        if self.stack.iter().any(|p| p == path) {
            if !star {
                return Rc::new(ModuleResult::empty(path, rel, "import cycle"));
            }
            let chain: Vec<String> = self
                .stack
                .iter()
                .skip_while(|p| *p != path)
                .map(|p| relative(&self.root, p))
                .chain(std::iter::once(rel.clone()))
                .collect();
            self.warn(
                &rel,
                None,
                format!(
                    "import cycle {}; the cycle is not followed",
                    chain.join(" -> ")
                ),
            );
            return Rc::new(ModuleResult::empty(path, rel, "import cycle"));
        }
        if self.cache.len() >= MAX_MODULES || self.stack.len() > MAX_BLOCK_DEPTH {
            return Rc::new(ModuleResult::empty(path, rel, "too many modules"));
        }
        let result = self.run(path, rel);
        let result = Rc::new(result);
        self.cache.insert(path.to_path_buf(), Rc::clone(&result));
        result
    }

    fn run(&mut self, path: &Path, rel: String) -> ModuleResult {
        let source = match read_limited(path) {
            Ok(bytes) => bytes,
            Err(message) => {
                self.warn(&rel, None, message);
                return ModuleResult::empty(path, rel, "unreadable");
            }
        };
        if is_binary(&source) {
            self.warn(&rel, None, "binary content; not read as Python".into());
            return ModuleResult::empty(path, rel, "binary");
        }
        if std::str::from_utf8(&source).is_err() {
            self.warn(
                &rel,
                None,
                "not valid UTF-8; read with the invalid bytes replaced".into(),
            );
        }
        let Some(tree) = parse(&source) else {
            self.warn(&rel, None, "the Python parser could not start".into());
            return ModuleResult::empty(path, rel, "unparsed");
        };
        if let Some(line) = first_error_line(&tree) {
            self.warn(
                &rel,
                Some(line),
                "syntax error; the statements around it are read as far as they parse".into(),
            );
        }
        self.stack.push(path.to_path_buf());
        let mut state = State {
            names: BTreeMap::new(),
            incomplete: None,
            star_imports: Vec::new(),
        };
        let root = tree.root_node();
        self.block(&mut state, path, &rel, &source, root, 0, false);
        self.stack.pop();
        ModuleResult {
            path: path.to_path_buf(),
            rel,
            names: state.names,
            incomplete: state.incomplete,
            star_imports: state.star_imports,
            tree: Some(tree),
            source,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn block(
        &mut self,
        state: &mut State,
        path: &Path,
        rel: &str,
        source: &[u8],
        node: Node<'_>,
        depth: usize,
        in_try: bool,
    ) {
        if depth > MAX_BLOCK_DEPTH {
            return;
        }
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        for statement in children {
            let ctx = Ctx {
                path,
                rel,
                source,
                depth,
                in_try,
            };
            self.statement(state, &ctx, statement);
        }
    }

    fn statement(&mut self, state: &mut State, ctx: &Ctx<'_>, node: Node<'_>) {
        match node.kind() {
            "expression_statement" => {
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                for child in children {
                    match child.kind() {
                        "assignment" => self.assignment(state, ctx, child),
                        "augmented_assignment" => self.augmented(state, ctx, child),
                        "call" => self.mutation(state, ctx, child),
                        _ => {}
                    }
                }
            }
            "import_from_statement" => self.import_from(state, ctx, node),
            "import_statement" => {
                // `import os`, `import environ`: names of packages, not values.
                let mut cursor = node.walk();
                let names: Vec<String> = node
                    .children_by_field_name("name", &mut cursor)
                    .map(|n| {
                        let t = text(&n, ctx.source);
                        let bound = t.split(" as ").last().unwrap_or(&t).trim().to_string();
                        bound.split('.').next().unwrap_or("").to_string()
                    })
                    .collect();
                for name in names {
                    state.bind(ctx, name, Evaluated::unknown(), line_of(&node));
                }
            }
            "if_statement" => self.if_statement(state, ctx, node),
            "try_statement" => {
                if let Some(body) = node.child_by_field_name("body") {
                    self.block(
                        state,
                        ctx.path,
                        ctx.rel,
                        ctx.source,
                        body,
                        ctx.depth + 1,
                        true,
                    );
                }
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                for child in children {
                    match child.kind() {
                        "else_clause" | "finally_clause" => {
                            if let Some(body) = child
                                .child_by_field_name("body")
                                .or_else(|| child.named_child(0))
                            {
                                self.block(
                                    state,
                                    ctx.path,
                                    ctx.rel,
                                    ctx.source,
                                    body,
                                    ctx.depth + 1,
                                    ctx.in_try,
                                );
                            }
                        }
                        "except_clause" | "except_group_clause" => {
                            self.forget_assigned(state, ctx, child)
                        }
                        _ => {}
                    }
                }
            }
            "class_definition" => self.class(state, ctx, node),
            "decorated_definition" => {
                if let Some(definition) = node.child_by_field_name("definition") {
                    self.statement(state, ctx, definition);
                }
            }
            "function_definition" => {
                if let Some(name) = node.child_by_field_name("name") {
                    let name = text(&name, ctx.source).into_owned();
                    state.bind(ctx, name, Evaluated::unknown(), line_of(&node));
                }
            }
            "for_statement" | "while_statement" | "with_statement" | "match_statement" => {
                self.forget_assigned(state, ctx, node)
            }
            _ => {}
        }
    }

    fn assignment(&mut self, state: &mut State, ctx: &Ctx<'_>, node: Node<'_>) {
        let Some(left) = node.child_by_field_name("left") else {
            return;
        };
        let line = line_of(&node);
        let Some(right) = node.child_by_field_name("right") else {
            // An annotation alone (`X: int`) binds nothing.
            return;
        };
        let value = if right.kind() == "assignment" {
            // `A = B = value`: bind the inner target first, then this one.
            self.assignment(state, ctx, right);
            match right.child_by_field_name("left") {
                Some(inner) if inner.kind() == "identifier" => state
                    .names
                    .get(text(&inner, ctx.source).as_ref())
                    .map(|b| b.value.clone())
                    .unwrap_or_else(Evaluated::unknown),
                _ => Evaluated::unknown(),
            }
        } else {
            self.eval(state, ctx, right)
        };
        self.bind_target(state, ctx, left, value, line, 0);
    }

    fn bind_target(
        &mut self,
        state: &mut State,
        ctx: &Ctx<'_>,
        left: Node<'_>,
        value: Evaluated,
        line: u32,
        depth: usize,
    ) {
        if depth > MAX_BLOCK_DEPTH {
            return;
        }
        match left.kind() {
            "identifier" => {
                let name = text(&left, ctx.source).into_owned();
                state.bind(ctx, name, value, line);
            }
            "parenthesized_expression" => {
                if let Some(inner) = left.named_child(0) {
                    self.bind_target(state, ctx, inner, value, line, depth + 1);
                }
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" => {
                let mut cursor = left.walk();
                let targets: Vec<Node<'_>> = left.named_children(&mut cursor).collect();
                let items = value.value.items().map(<[Value]>::to_vec);
                for (i, target) in targets.into_iter().enumerate() {
                    let item = match &items {
                        Some(items) if i < items.len() => Evaluated {
                            value: items[i].clone(),
                            env: value.env.clone(),
                        },
                        _ => Evaluated::unknown(),
                    };
                    self.bind_target(state, ctx, target, item, line, depth + 1);
                }
            }
            "subscript" => self.store_subscript(state, ctx, left, value),
            _ => {}
        }
    }

    /// `NAME["a"]["b"] = value`: stores into the bound dict, or makes the name unknown.
    fn store_subscript(
        &mut self,
        state: &mut State,
        ctx: &Ctx<'_>,
        left: Node<'_>,
        value: Evaluated,
    ) {
        let mut keys = Vec::new();
        let mut node = left;
        while node.kind() == "subscript" {
            if keys.len() > MAX_BLOCK_DEPTH {
                return;
            }
            let (Some(inner), Some(index)) = (
                node.child_by_field_name("value"),
                node.child_by_field_name("subscript"),
            ) else {
                return;
            };
            keys.push(self.eval(state, ctx, index).value);
            node = inner;
        }
        if node.kind() != "identifier" {
            return;
        }
        keys.reverse();
        let name = text(&node, ctx.source).into_owned();
        let Some(binding) = state.names.get_mut(&name) else {
            return;
        };
        // The binding keeps the line of the assignment that made the dict.
        if !store(&mut binding.value.value, &keys, value.value) {
            binding.value = Evaluated::unknown();
        }
    }

    fn augmented(&mut self, state: &mut State, ctx: &Ctx<'_>, node: Node<'_>) {
        let (Some(left), Some(op), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("operator"),
            node.child_by_field_name("right"),
        ) else {
            return;
        };
        if left.kind() != "identifier" {
            return;
        }
        let name = text(&left, ctx.source).into_owned();
        let added = self.eval(state, ctx, right);
        let current = state
            .names
            .get(&name)
            .map(|b| b.value.clone())
            .unwrap_or_else(Evaluated::unknown);
        let value = match (text(&op, ctx.source).as_ref(), current.value, added.value) {
            ("+=", Value::List(mut a), Value::List(b) | Value::Tuple(b)) => {
                a.extend(b);
                Value::List(a)
            }
            ("+=", Value::Tuple(mut a), Value::Tuple(b)) => {
                a.extend(b);
                Value::Tuple(a)
            }
            ("+=", Value::Int(a), Value::Int(b)) => {
                a.checked_add(b).map(Value::Int).unwrap_or(Value::Unknown)
            }
            ("+=", Value::Str(a), Value::Str(b)) => Value::Str(a + &b),
            _ => Value::Unknown,
        };
        let env = current.env.or(added.env);
        state.bind(ctx, name, Evaluated { value, env }, line_of(&node));
    }

    /// `NAME.append(x)`, `.extend`, `.insert`, `.remove`, `.update` at module level.
    fn mutation(&mut self, state: &mut State, ctx: &Ctx<'_>, call: Node<'_>) {
        let Some(function) = call.child_by_field_name("function") else {
            return;
        };
        let callee = text(&function, ctx.source).into_owned();
        if callee.starts_with("globals()") || callee == "exec" || callee.starts_with("vars()") {
            state.incomplete = Some(format!("names set through `{callee}`"));
            return;
        }
        if function.kind() != "attribute" {
            return;
        }
        let (Some(object), Some(method)) = (
            function.child_by_field_name("object"),
            function.child_by_field_name("attribute"),
        ) else {
            return;
        };
        if object.kind() != "identifier" {
            return;
        }
        let name = text(&object, ctx.source).into_owned();
        let method = text(&method, ctx.source).into_owned();
        if !matches!(
            method.as_str(),
            "append" | "extend" | "insert" | "remove" | "update" | "pop" | "clear"
        ) {
            return;
        }
        let mut args = Vec::new();
        if let Some(list) = call.child_by_field_name("arguments") {
            let mut cursor = list.walk();
            let children: Vec<Node<'_>> = list.named_children(&mut cursor).collect();
            for arg in children {
                if arg.kind() == "keyword_argument" {
                    args.push(Value::Unknown);
                } else {
                    args.push(self.eval(state, ctx, arg).value);
                }
            }
        }
        let Some(binding) = state.names.get_mut(&name) else {
            return;
        };
        let value = std::mem::replace(&mut binding.value.value, Value::Unknown);
        binding.value.value = match (value, method.as_str(), args.as_slice()) {
            (Value::List(mut items), "append", [item]) => {
                items.push(item.clone());
                Value::List(items)
            }
            (Value::List(mut items), "extend", [Value::List(more) | Value::Tuple(more)]) => {
                items.extend(more.iter().cloned());
                Value::List(items)
            }
            (Value::List(mut items), "insert", [Value::Int(at), item]) => {
                let at = usize::try_from(*at).unwrap_or(0).min(items.len());
                items.insert(at, item.clone());
                Value::List(items)
            }
            (Value::List(mut items), "remove", [item]) if !item.is_unknown() => {
                if let Some(pos) = items.iter().position(|i| i == item) {
                    items.remove(pos);
                }
                Value::List(items)
            }
            (Value::Dict(mut pairs), "update", [Value::Dict(more)]) => {
                pairs.extend(more.iter().cloned());
                Value::Dict(pairs)
            }
            _ => Value::Unknown,
        };
    }

    fn if_statement(&mut self, state: &mut State, ctx: &Ctx<'_>, node: Node<'_>) {
        let mut branches: Vec<(Option<Node<'_>>, Node<'_>)> = Vec::new();
        if let (Some(condition), Some(body)) = (
            node.child_by_field_name("condition"),
            node.child_by_field_name("consequence"),
        ) {
            branches.push((Some(condition), body));
        }
        let mut cursor = node.walk();
        let alternatives: Vec<Node<'_>> = node
            .children_by_field_name("alternative", &mut cursor)
            .collect();
        for alternative in alternatives {
            match alternative.kind() {
                "elif_clause" => {
                    if let (Some(condition), Some(body)) = (
                        alternative.child_by_field_name("condition"),
                        alternative.child_by_field_name("consequence"),
                    ) {
                        branches.push((Some(condition), body));
                    }
                }
                "else_clause" => {
                    if let Some(body) = alternative.child_by_field_name("body") {
                        branches.push((None, body));
                    }
                }
                _ => {}
            }
        }
        for (i, (condition, body)) in branches.iter().enumerate() {
            let decided = match condition {
                None => Some(true),
                Some(condition) => self.eval(state, ctx, *condition).value.truthy(),
            };
            match decided {
                Some(true) => {
                    self.block(
                        state,
                        ctx.path,
                        ctx.rel,
                        ctx.source,
                        *body,
                        ctx.depth + 1,
                        ctx.in_try,
                    );
                    return;
                }
                Some(false) => continue,
                None => {
                    // Undecidable: whatever this or a later branch assigns is unknown.
                    for (_, body) in &branches[i..] {
                        self.forget_assigned(state, ctx, *body);
                    }
                    return;
                }
            }
        }
    }

    /// Makes every name assigned (or star-imported) under `node` unknown.
    fn forget_assigned(&mut self, state: &mut State, ctx: &Ctx<'_>, node: Node<'_>) {
        let mut names = Vec::new();
        let mut star = false;
        let mut cursor = node.walk();
        let mut depth = 0usize;
        loop {
            let current = cursor.node();
            match current.kind() {
                "assignment" | "augmented_assignment" => {
                    if let Some(left) = current.child_by_field_name("left") {
                        collect_identifiers(left, ctx.source, &mut names);
                    }
                }
                "for_statement" => {
                    if let Some(left) = current.child_by_field_name("left") {
                        collect_identifiers(left, ctx.source, &mut names);
                    }
                }
                "wildcard_import" => star = true,
                "function_definition" | "class_definition" => {
                    if let Some(name) = current.child_by_field_name("name") {
                        names.push(text(&name, ctx.source).into_owned());
                    }
                }
                "call" => {
                    if let Some(function) = current.child_by_field_name("function")
                        && function.kind() == "attribute"
                        && let Some(object) = function.child_by_field_name("object")
                        && object.kind() == "identifier"
                    {
                        names.push(text(&object, ctx.source).into_owned());
                    }
                }
                _ => {}
            }
            let descend = !matches!(
                current.kind(),
                "function_definition" | "class_definition" | "lambda"
            );
            if descend && depth < 256 && cursor.goto_first_child() {
                depth += 1;
                continue;
            }
            loop {
                if cursor.node() == node {
                    for name in names {
                        if let Some(binding) = state.names.get_mut(&name) {
                            binding.value = Evaluated::unknown();
                        } else {
                            state.bind(ctx, name, Evaluated::unknown(), line_of(&node));
                        }
                    }
                    if star {
                        state.incomplete = Some("a star import under a condition".into());
                    }
                    return;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
                depth = depth.saturating_sub(1);
            }
        }
    }

    fn import_from(&mut self, state: &mut State, ctx: &Ctx<'_>, node: Node<'_>) {
        let Some(module) = node.child_by_field_name("module_name") else {
            return;
        };
        let (level, dotted) = module_path(module, ctx.source);
        let line = line_of(&node);
        let mut cursor = node.walk();
        let star = node
            .children(&mut cursor)
            .any(|c| c.kind() == "wildcard_import");
        let mut cursor = node.walk();
        let imported: Vec<(String, String)> = node
            .children_by_field_name("name", &mut cursor)
            .filter_map(|n| match n.kind() {
                "dotted_name" => {
                    let name = text(&n, ctx.source).into_owned();
                    Some((name.clone(), name))
                }
                "aliased_import" => {
                    let name = n.child_by_field_name("name")?;
                    let alias = n.child_by_field_name("alias")?;
                    Some((
                        text(&name, ctx.source).into_owned(),
                        text(&alias, ctx.source).into_owned(),
                    ))
                }
                _ => None,
            })
            .collect();
        if dotted.first().map(String::as_str) == Some("decouple") && level == 0 {
            for (name, alias) in &imported {
                let value = if name == "config" {
                    Value::Decouple
                } else {
                    Value::Unknown
                };
                state.bind(ctx, alias.clone(), Evaluated::plain(value), line);
            }
            return;
        }
        let target = resolve(&self.root, ctx.path, level, &dotted);
        if star {
            let Some(target) = target else {
                state.incomplete = Some(format!(
                    "`{}` is not a module of the project",
                    text(&module, ctx.source)
                ));
                return;
            };
            if ctx.in_try && is_development_module(&target) {
                return;
            }
            let loaded = self.load_from(&target, true);
            state.star_imports.push(target);
            if let Some(reason) = &loaded.incomplete {
                state.incomplete = Some(format!("{} ({reason})", loaded.rel));
            }
            for (name, binding) in &loaded.names {
                if !name.starts_with('_') {
                    state.names.insert(name.clone(), binding.clone());
                }
            }
            return;
        }
        // Named imports are followed a few modules deep: far enough for a settings object
        // defined in a config module, not through a whole application.
        let loaded = target
            .filter(|_| self.stack.len() <= MAX_NAMED_IMPORT_DEPTH)
            .map(|t| self.load_from(&t, false));
        for (name, alias) in imported {
            match loaded.as_ref().and_then(|m| m.names.get(&name)) {
                // The binding keeps the line of its assignment in the imported module.
                Some(binding) => {
                    state.names.insert(alias, binding.clone());
                }
                None => state.bind(ctx, alias, Evaluated::unknown(), line),
            }
        }
    }

    fn class(&mut self, state: &mut State, ctx: &Ctx<'_>, node: Node<'_>) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let name = text(&name, ctx.source).into_owned();
        let line = line_of(&node);
        let mut fields = BTreeMap::new();
        let mut is_settings = false;
        if let Some(bases) = node.child_by_field_name("superclasses") {
            let mut cursor = bases.walk();
            for base in bases.named_children(&mut cursor) {
                let base_text = text(&base, ctx.source);
                if base_text == "BaseSettings" || base_text.ends_with(".BaseSettings") {
                    is_settings = true;
                } else if let Some(Value::Settings(inherited)) =
                    state.names.get(base_text.as_ref()).map(|b| &b.value.value)
                {
                    is_settings = true;
                    fields.extend(inherited.clone());
                }
            }
        }
        if !is_settings {
            state.bind(ctx, name, Evaluated::unknown(), line);
            return;
        }
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        let mut prefix = String::new();
        let mut cursor = body.walk();
        let statements: Vec<Node<'_>> = body.named_children(&mut cursor).collect();
        for statement in &statements {
            let Some(assignment) = statement
                .named_child(0)
                .filter(|a| statement.kind() == "expression_statement" && a.kind() == "assignment")
            else {
                continue;
            };
            let Some(left) = assignment.child_by_field_name("left") else {
                continue;
            };
            if text(&left, ctx.source) == "model_config"
                && let Some(right) = assignment.child_by_field_name("right")
            {
                prefix = env_prefix(right, ctx.source).unwrap_or_default();
            }
        }
        for statement in statements {
            let Some(assignment) = statement
                .named_child(0)
                .filter(|a| statement.kind() == "expression_statement" && a.kind() == "assignment")
            else {
                continue;
            };
            let Some(left) = assignment.child_by_field_name("left") else {
                continue;
            };
            if left.kind() != "identifier" {
                continue;
            }
            let field = text(&left, ctx.source).into_owned();
            if field == "model_config" {
                continue;
            }
            let annotation = assignment
                .child_by_field_name("type")
                .map(|t| text(&t, ctx.source).into_owned())
                .unwrap_or_default();
            let default = match assignment.child_by_field_name("right") {
                Some(right) => self.field_default(state, ctx, right),
                None => Evaluated::unknown(),
            };
            let value = settings_field(self.env, &format!("{prefix}{field}"), &annotation, default);
            fields.insert(field, value);
        }
        state.bind(ctx, name, Evaluated::plain(Value::Settings(fields)), line);
    }

    /// A field's default: the value, or `Field(default=...)` / `Field(value, ...)`.
    fn field_default(&mut self, state: &mut State, ctx: &Ctx<'_>, right: Node<'_>) -> Evaluated {
        if right.kind() == "call"
            && let Some(function) = right.child_by_field_name("function")
            && text(&function, ctx.source) == "Field"
        {
            let Some(args) = right.child_by_field_name("arguments") else {
                return Evaluated::unknown();
            };
            let mut cursor = args.walk();
            let children: Vec<Node<'_>> = args.named_children(&mut cursor).collect();
            for arg in children {
                if arg.kind() == "keyword_argument" {
                    let name = arg.child_by_field_name("name");
                    let value = arg.child_by_field_name("value");
                    if let (Some(name), Some(value)) = (name, value)
                        && text(&name, ctx.source) == "default"
                    {
                        return self.eval(state, ctx, value);
                    }
                } else if arg.kind() != "comment" {
                    return self.eval(state, ctx, arg);
                }
            }
            return Evaluated::unknown();
        }
        self.eval(state, ctx, right)
    }

    fn eval(&mut self, state: &State, ctx: &Ctx<'_>, node: Node<'_>) -> Evaluated {
        let scope = Scope {
            source: ctx.source,
            names: &state.names,
            env: self.env,
        };
        eval::eval(&scope, node)
    }
}

/// A pydantic settings field: the env file's value when there is one (names compared without
/// case, as pydantic does), else the default.
fn settings_field(env: &EnvView, var: &str, annotation: &str, default: Evaluated) -> Evaluated {
    use super::{Cast, EnvRead};
    use crate::envfiles::EnvSource;
    let Some(found) = env.get_ignore_case(var) else {
        return Evaluated {
            value: default.value,
            env: Some(EnvRead {
                var: var.to_string(),
                source: EnvSource::Default,
            }),
        };
    };
    let lower = annotation.to_ascii_lowercase();
    let value = if lower.contains("list") || lower.contains("set[") || lower.contains("tuple") {
        match serde_json::from_str::<serde_json::Value>(found.value.trim()) {
            Ok(serde_json::Value::Array(items)) => Value::List(
                items
                    .into_iter()
                    .map(|i| match i {
                        serde_json::Value::String(s) => Value::Str(s),
                        _ => Value::Unknown,
                    })
                    .collect(),
            ),
            _ => eval::apply_cast(Value::Str(found.value.clone()), Cast::List),
        }
    } else if lower.contains("bool") {
        eval::apply_cast(Value::Str(found.value.clone()), Cast::Bool)
    } else if lower.contains("int") {
        eval::apply_cast(Value::Str(found.value.clone()), Cast::Int)
    } else if lower.is_empty() || lower.contains("str") {
        Value::Str(found.value.clone())
    } else {
        Value::Unknown
    };
    Evaluated {
        value,
        env: Some(EnvRead {
            var: var.to_string(),
            source: EnvSource::File {
                path: found.path.clone(),
                line: found.line,
            },
        }),
    }
}

/// `env_prefix` in `SettingsConfigDict(env_prefix="APP_")` or `{"env_prefix": "APP_"}`.
fn env_prefix(node: Node<'_>, source: &[u8]) -> Option<String> {
    let body = text(&node, source);
    let at = body.find("env_prefix")?;
    let rest = &body[at + "env_prefix".len()..];
    let quote_at = rest.find(['"', '\''])?;
    let quote = rest[quote_at..].chars().next()?;
    let value = &rest[quote_at + 1..];
    let end = value.find(quote)?;
    Some(value[..end].to_string())
}

fn collect_identifiers(node: Node<'_>, source: &[u8], out: &mut Vec<String>) {
    collect_identifiers_within(node, source, out, 0);
}

fn collect_identifiers_within(node: Node<'_>, source: &[u8], out: &mut Vec<String>, depth: usize) {
    if depth > MAX_BLOCK_DEPTH {
        return;
    }
    match node.kind() {
        "identifier" => out.push(text(&node, source).into_owned()),
        "subscript" | "attribute" => {
            let mut base = node;
            let mut steps = 0;
            while let Some(inner) = base
                .child_by_field_name("value")
                .or_else(|| base.child_by_field_name("object"))
            {
                base = inner;
                steps += 1;
                if steps > 10_000 {
                    return;
                }
            }
            if base.kind() == "identifier" {
                out.push(text(&base, source).into_owned());
            }
        }
        _ => {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                if matches!(
                    child.kind(),
                    "identifier"
                        | "subscript"
                        | "attribute"
                        | "pattern_list"
                        | "tuple_pattern"
                        | "list_pattern"
                        | "parenthesized_expression"
                ) {
                    collect_identifiers_within(child, source, out, depth + 1);
                }
            }
        }
    }
}

/// Stores `value` at `keys` inside `target`; false when the path cannot be followed.
fn store(target: &mut Value, keys: &[Value], value: Value) -> bool {
    let Some((key, rest)) = keys.split_first() else {
        *target = value;
        return true;
    };
    if key.is_unknown() {
        return false;
    }
    match target {
        Value::Dict(pairs) => {
            if let Some((_, slot)) = pairs.iter_mut().rev().find(|(k, _)| k == key) {
                store(slot, rest, value)
            } else if rest.is_empty() {
                pairs.push((key.clone(), value));
                true
            } else {
                false
            }
        }
        _ => false,
    }
}

/// The statement being run and where it is.
struct Ctx<'a> {
    path: &'a Path,
    rel: &'a str,
    source: &'a [u8],
    depth: usize,
    in_try: bool,
}

struct State {
    names: BTreeMap<String, Binding>,
    incomplete: Option<String>,
    star_imports: Vec<PathBuf>,
}

impl State {
    fn bind(&mut self, ctx: &Ctx<'_>, name: String, value: Evaluated, line: u32) {
        self.names.insert(
            name,
            Binding {
                value,
                file: ctx.rel.to_string(),
                line,
            },
        );
    }
}

/// The level (leading dots) and dotted parts of an import's module name.
fn module_path(node: Node<'_>, source: &[u8]) -> (usize, Vec<String>) {
    let written = text(&node, source);
    let level = written.chars().take_while(|c| *c == '.').count();
    let parts = written[level..]
        .split('.')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    (level, parts)
}

/// The project file a module name refers to from `from`: relative names from the importing
/// file's package; absolute names from each directory between the file and the root, then
/// `src/`.
pub fn resolve(root: &Path, from: &Path, level: usize, parts: &[String]) -> Option<PathBuf> {
    let candidates = |base: &Path| -> Option<PathBuf> {
        let mut path = base.to_path_buf();
        for part in parts {
            path.push(part);
        }
        let file = path.with_extension("py");
        if !parts.is_empty() && file.is_file() {
            return Some(file);
        }
        let package = path.join("__init__.py");
        package.is_file().then_some(package)
    };
    if level > 0 {
        let mut base = from.parent()?.to_path_buf();
        for _ in 1..level {
            base = base.parent()?.to_path_buf();
        }
        if !base.starts_with(root) {
            return None;
        }
        return candidates(&base);
    }
    if parts.is_empty() {
        return None;
    }
    let mut dir = from.parent();
    while let Some(d) = dir {
        if !d.starts_with(root) {
            break;
        }
        if let Some(found) = candidates(d) {
            return Some(found);
        }
        dir = d.parent();
    }
    candidates(&root.join("src"))
}

/// Words in a module's name that mark it as development, test or CI settings.
const DEVELOPMENT_WORDS: &[&str] = &[
    "dev",
    "develop",
    "development",
    "local",
    "test",
    "tests",
    "testing",
    "ci",
    "debug",
    "sandbox",
    "example",
    "sample",
    "docker_dev",
    "e2e",
    "pytest",
];

/// Whether a settings module's file name says it is for development, tests or CI.
pub fn is_development_module(path: &Path) -> bool {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    stem.split(['_', '-', '.'])
        .any(|word| DEVELOPMENT_WORDS.contains(&word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(files: &[(&str, &str)], main: &str) -> (Rc<ModuleResult>, Vec<Warning>) {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, body) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(full, body).expect("write");
        }
        let env = EnvView::defaults();
        let mut loader = Loader::new(dir.path(), &env);
        let result = loader.load(&dir.path().join(main));
        (result, loader.warnings)
    }

    #[test]
    fn star_imports_carry_names_and_lines_of_the_base() {
        let (result, warnings) = run(
            &[
                ("s/base.py", "DEBUG = True\nAPPS = ['a']\n"),
                ("s/prod.py", "from .base import *\nAPPS += ['b']\n"),
            ],
            "s/prod.py",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        let debug = &result.names["DEBUG"];
        assert_eq!((debug.file.as_str(), debug.line), ("s/base.py", 1));
        assert_eq!(
            result.names["APPS"].value.value,
            Value::List(vec![Value::Str("a".into()), Value::Str("b".into())])
        );
        assert!(result.incomplete.is_none());
    }

    #[test]
    fn dict_items_are_stored_and_undecidable_branches_forget() {
        let (result, _) = run(
            &[(
                "settings.py",
                "import os\nD = {'default': {'ENGINE': 'x'}}\nD['default']['OPTIONS'] = {'sslmode': 'require'}\nif os.environ['X']:\n    A = 1\nB = 2\nif B == 2:\n    C = 3\nelse:\n    C = 4\n",
            )],
            "settings.py",
        );
        let options = result.names["D"]
            .value
            .value
            .get("default")
            .and_then(|d| d.get("OPTIONS"))
            .cloned();
        assert_eq!(
            options.and_then(|o| o.get("sslmode").cloned()),
            Some(Value::Str("require".into()))
        );
        assert_eq!(result.names["A"].value.value, Value::Unknown);
        assert_eq!(result.names["C"].value.value, Value::Int(3));
    }

    #[test]
    fn import_cycles_are_cut_with_a_warning() {
        let (result, warnings) = run(
            &[
                ("s/a.py", "from .b import *\nA = 1\n"),
                ("s/b.py", "from .a import *\nB = 1\n"),
            ],
            "s/a.py",
        );
        assert_eq!(result.names["B"].value.value, Value::Int(1));
        assert!(
            warnings.iter().any(|w| w.message.contains("import cycle")),
            "{warnings:?}"
        );
    }

    #[test]
    fn optional_local_overrides_in_try_are_not_followed() {
        let (result, _) = run(
            &[
                ("s/local.py", "DEBUG = True\n"),
                (
                    "s/production.py",
                    "DEBUG = False\ntry:\n    from .local import *\nexcept ImportError:\n    pass\n",
                ),
            ],
            "s/production.py",
        );
        assert_eq!(result.names["DEBUG"].value.value, Value::Bool(false));
    }

    #[test]
    fn unresolved_star_imports_mark_the_module_incomplete() {
        let (result, _) = run(
            &[("settings.py", "from elsewhere.conf import *\n")],
            "settings.py",
        );
        assert!(result.incomplete.is_some());
    }

    #[test]
    fn pydantic_settings_fields_and_instances() {
        let (result, _) = run(
            &[(
                "app/config.py",
                "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    CORS_ORIGINS: list[str] = ['*']\n    DEBUG: bool = Field(default=False)\nsettings = Settings()\n",
            )],
            "app/config.py",
        );
        let Value::Settings(fields) = &result.names["settings"].value.value else {
            panic!("settings instance expected");
        };
        assert_eq!(
            fields["CORS_ORIGINS"].value,
            Value::List(vec![Value::Str("*".into())])
        );
        assert_eq!(fields["DEBUG"].value, Value::Bool(false));
    }

    #[test]
    fn development_module_names() {
        assert!(is_development_module(Path::new("settings/local.py")));
        assert!(is_development_module(Path::new("settings_dev.py")));
        assert!(is_development_module(Path::new("test_settings.py")));
        assert!(!is_development_module(Path::new("settings/production.py")));
        assert!(!is_development_module(Path::new("settings.py")));
    }
}
