//! The `fastapi` check: CORS, debug mode and interactive docs in FastAPI and Starlette apps,
//! and development servers in deployment files.
//!
//! Every Python file that mentions `FastAPI`, `Starlette` or `CORSMiddleware` (outside test
//! directories and test files) is run by the interpreter ([`crate::python`]), so arguments
//! read from module constants, pydantic `BaseSettings` fields (imported from other project
//! modules) or `os.getenv` defaults are known. Calls are found anywhere in the file:
//! `FastAPI(...)`/`Starlette(...)`, `app.add_middleware(CORSMiddleware, ...)`,
//! `Middleware(CORSMiddleware, ...)` and `CORSMiddleware(app, ...)`. As for Django, each file is
//! evaluated with the defaults in the code and again with the production env files' values.
//!
//! Development servers are read line by line from deployment files ([`launch`]).
//!
//! What passes is kept as facts, the checklist's evidence: an app created without debug or
//! with its docs off, CORS limited to listed origins, a deployment file that starts the server
//! without reloading. A fact whose code a finding reports for the same file is dropped.

mod launch;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use preflight_findings::{Check, Fact, Finding, Location, Outcome, Project};
use tree_sitter::Node;

use crate::codes::{self, severity_of};
use crate::envfiles::{EnvSource, EnvView};
use crate::python::eval::{Scope, eval};
use crate::python::module::Loader;
use crate::python::{Evaluated, Value, line_of, text};
use crate::walk::{self, read_limited};

/// What marks a file as worth parsing.
const MARKERS: &[&[u8]] = &[b"FastAPI", b"Starlette", b"CORSMiddleware"];

/// The FastAPI and Starlette check of `preflight check`.
#[derive(Debug, Clone, Default)]
pub struct FastApiCheck;

impl FastApiCheck {
    /// A FastAPI check.
    pub fn new() -> Self {
        FastApiCheck
    }
}

impl Check for FastApiCheck {
    fn name(&self) -> &'static str {
        "fastapi"
    }

    fn run(&self, project: &Project) -> Outcome {
        let root = &project.root;
        let mut outcome = Outcome::default();
        let mut apps: Vec<PathBuf> = Vec::new();
        for file in walk::files(root, |name| name.ends_with(".py")) {
            if is_test_file(root, &file) {
                continue;
            }
            let Ok(bytes) = read_limited(&file) else {
                // The loader reports unreadable files when it reads them; these are not ours.
                continue;
            };
            if MARKERS
                .iter()
                .any(|m| bytes.windows(m.len()).any(|w| w == *m))
            {
                apps.push(file);
            }
        }
        let defaults = EnvView::defaults();
        let (production, env_warnings) = EnvView::production(root);
        let mut seen = HashSet::new();
        if !apps.is_empty() {
            outcome.warnings.extend(env_warnings);
            let mut views = vec![&defaults];
            if !production.is_empty() {
                views.push(&production);
            }
            for view in views {
                let mut loader = Loader::new(root, view);
                for file in &apps {
                    let module = loader.load(file);
                    if std::ptr::eq(view, &defaults) {
                        outcome.stats.scanned += 1;
                        outcome.stats.bytes += module.source.len() as u64;
                    }
                    let Some(tree) = &module.tree else {
                        continue;
                    };
                    let scope = Scope {
                        source: &module.source,
                        names: &module.names,
                        env: view,
                    };
                    let found = calls(&scope, &module.rel, tree.root_node());
                    for finding in found.findings {
                        if seen.insert((finding.id.clone(), finding.location.clone())) {
                            outcome.findings.push(finding);
                        }
                    }
                    outcome.facts.extend(found.facts);
                }
                outcome.warnings.append(&mut loader.warnings);
            }
        }
        let launch = launch::check(root);
        outcome.findings.extend(launch.findings);
        outcome.facts.extend(launch.facts);
        outcome.warnings.extend(launch.warnings);
        outcome.stats.scanned += launch.scanned;
        let mut unique = HashSet::new();
        outcome.warnings.retain(|w| unique.insert(w.to_string()));
        let failed: HashSet<(String, String)> = outcome
            .findings
            .iter()
            .map(|f| (f.id.clone(), f.location.path.clone()))
            .collect();
        let mut unique = HashSet::new();
        outcome.facts.retain(|fact| {
            !failed.contains(&(fact.id.clone(), fact.location.path.clone()))
                && unique.insert((fact.id.clone(), fact.location.clone(), fact.message.clone()))
        });
        outcome
    }
}

/// Whether a file is a test: under a test directory, or named `test_*.py`, `*_test.py`,
/// `conftest.py`.
fn is_test_file(root: &Path, file: &Path) -> bool {
    let shown = file.strip_prefix(root).unwrap_or(file);
    let name = shown
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.starts_with("test_")
        || name.ends_with("_test.py")
        || name == "conftest.py"
        || shown.parent().is_some_and(|dir| {
            dir.components().any(|c| {
                matches!(
                    c.as_os_str()
                        .to_string_lossy()
                        .to_ascii_lowercase()
                        .as_str(),
                    "tests" | "test" | "testing" | "docs" | "examples" | "docs_src"
                )
            })
        })
}

/// The keyword arguments of a call, with their nodes.
fn keywords<'t>(call: Node<'t>, source: &[u8]) -> Vec<(String, Node<'t>)> {
    let Some(args) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    let mut cursor = args.walk();
    args.named_children(&mut cursor)
        .filter(|a| a.kind() == "keyword_argument")
        .filter_map(|a| {
            let name = a.child_by_field_name("name")?;
            let value = a.child_by_field_name("value")?;
            Some((text(&name, source).into_owned(), value))
        })
        .collect()
}

/// Whether a call passes `**mapping` or `*sequence` arguments.
fn has_splat(call: Node<'_>) -> bool {
    call.child_by_field_name("arguments").is_some_and(|args| {
        let mut cursor = args.walk();
        args.named_children(&mut cursor)
            .any(|a| matches!(a.kind(), "dictionary_splat" | "list_splat"))
    })
}

fn first_positional<'t>(call: Node<'t>) -> Option<Node<'t>> {
    let args = call.child_by_field_name("arguments")?;
    let mut cursor = args.walk();
    args.named_children(&mut cursor)
        .find(|a| a.kind() != "keyword_argument" && a.kind() != "comment")
}

/// The findings and facts of one file's calls.
#[derive(Default)]
struct Found {
    findings: Vec<Finding>,
    facts: Vec<Fact>,
}

/// Every finding and fact about the calls under `root`.
fn calls(scope: &Scope<'_>, rel: &str, root: Node<'_>) -> Found {
    let mut findings = Found::default();
    let mut cursor = root.walk();
    let mut depth = 0usize;
    loop {
        let node = cursor.node();
        if node.kind() == "call" {
            inspect_call(scope, rel, node, &mut findings);
        }
        if depth < 512 && cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return findings;
            }
            depth = depth.saturating_sub(1);
        }
    }
}

fn inspect_call(scope: &Scope<'_>, rel: &str, call: Node<'_>, findings: &mut Found) {
    let Some(function) = call.child_by_field_name("function") else {
        return;
    };
    let callee = text(&function, scope.source).into_owned();
    let last = callee.rsplit('.').next().unwrap_or(&callee).to_string();
    let first_is_cors =
        first_positional(call).is_some_and(|a| text(&a, scope.source).ends_with("CORSMiddleware"));
    if last == "FastAPI" || last == "Starlette" {
        app(scope, rel, call, &last, findings);
    } else if last == "CORSMiddleware"
        || ((last == "add_middleware" || last == "Middleware") && first_is_cors)
    {
        cors(scope, rel, call, findings);
    }
}

fn app(scope: &Scope<'_>, rel: &str, call: Node<'_>, kind: &str, found: &mut Found) {
    let kwargs = keywords(call, scope.source);
    let get = |name: &str| -> Option<(Node<'_>, Evaluated)> {
        kwargs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, node)| (*node, eval(scope, *node)))
    };
    let debug = get("debug");
    match &debug {
        None if !has_splat(call) => found.facts.push(Fact::new(
            codes::FASTAPI_DEBUG,
            Location::file(rel, line_of(&call), 1),
            format!("`{kind}(...)` is created without debug"),
        )),
        Some((node, e)) if e.value.truthy() == Some(false) => found.facts.push(Fact::new(
            codes::FASTAPI_DEBUG,
            Location::file(rel, line_of(node), 1),
            format!("`{kind}(debug=...)` is false{}", origin(e)),
        )),
        _ => {}
    }
    if let Some((node, debug)) = debug
        && debug.value.truthy() == Some(true)
    {
        found.findings.push(
            Finding::new(
                codes::FASTAPI_DEBUG,
                severity_of(codes::FASTAPI_DEBUG),
                format!(
                    "{kind}(debug=...) is true{}: unhandled errors return tracebacks with source and local values to the client",
                    origin(&debug)
                ),
                Location::file(rel, line_of(&node), 1),
                "debug",
            )
            .with_help("remove debug=True, or read it from settings with a False default")
            .with_reference("https://fastapi.tiangolo.com/reference/fastapi/#fastapi.FastAPI--example"),
        );
    }
    if kind != "FastAPI" || has_splat(call) {
        // `FastAPI(**options)` may turn the docs off in arguments not seen here.
        return;
    }
    let off = |name: &str| -> Option<bool> {
        match get(name) {
            None => Some(false),
            // FastAPI serves a route only when its URL is truthy: None and "" both turn it off.
            Some((_, e)) => match e.value {
                Value::None => Some(true),
                Value::Str(url) => Some(url.is_empty()),
                _ => None,
            },
        }
    };
    let schema_off = off("openapi_url");
    let docs_off = off("docs_url");
    let redoc_off = off("redoc_url");
    let exposed = match (schema_off, docs_off, redoc_off) {
        (Some(true), _, _) => false,
        (Some(false), Some(true), Some(true)) => false,
        (Some(false), Some(_), Some(_)) => true,
        _ => false,
    };
    if schema_off == Some(true) || (docs_off == Some(true) && redoc_off == Some(true)) {
        found.facts.push(Fact::new(
            codes::FASTAPI_DOCS,
            Location::file(rel, line_of(&call), 1),
            if schema_off == Some(true) {
                "`FastAPI(openapi_url=None)`: no schema and no interactive docs are served"
            } else {
                "`FastAPI(docs_url=None, redoc_url=None)`: the interactive docs are off"
            },
        ));
    }
    if exposed {
        found.findings.push(
            Finding::new(
                codes::FASTAPI_DOCS,
                severity_of(codes::FASTAPI_DOCS),
                "FastAPI() serves the interactive docs (/docs, /redoc) and the OpenAPI schema, which map every endpoint for anyone".to_string(),
                Location::file(rel, line_of(&call), 1),
                "docs",
            )
            .with_help("in production pass docs_url=None, redoc_url=None and openapi_url=None (e.g. from a setting), unless the API is public by design")
            .with_reference("https://fastapi.tiangolo.com/how-to/conditional-openapi/"),
        );
    }
}

fn cors(scope: &Scope<'_>, rel: &str, call: Node<'_>, found: &mut Found) {
    let kwargs = keywords(call, scope.source);
    let get = |name: &str| -> Option<(Node<'_>, Evaluated)> {
        kwargs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, node)| (*node, eval(scope, *node)))
    };
    let origins = get("allow_origins");
    let regex = get("allow_origin_regex");
    let mut any: Option<(Node<'_>, Evaluated, &str)> = None;
    if let Some((node, e)) = &origins
        && e.value.items().is_some_and(|items| {
            items
                .iter()
                .any(|o| o.as_str().is_some_and(|o| o.trim() == "*"))
        })
    {
        any = Some((*node, e.clone(), "allow_origins contains \"*\""));
    }
    if any.is_none()
        && let Some((node, e)) = &regex
        && e.value
            .as_str()
            .is_some_and(crate::django::matches_anything)
    {
        any = Some((*node, e.clone(), "allow_origin_regex matches any origin"));
    }
    let Some((node, origins, what)) = any else {
        if let Some((node, e)) = &origins
            && let Some(listed) = e
                .value
                .items()
                .and_then(|items| items.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
            && regex.is_none()
        {
            let message = match listed.len() {
                0 => "CORSMiddleware allows no other origin".to_string(),
                1 => format!(
                    "CORSMiddleware allows one listed origin, `{}`{}",
                    listed[0]
                        .chars()
                        .filter(|c| !c.is_control() && *c != '`')
                        .take(80)
                        .collect::<String>(),
                    self::origin(e)
                ),
                n => format!(
                    "CORSMiddleware allows {n} listed origins and no wildcard{}",
                    self::origin(e)
                ),
            };
            found.facts.push(Fact::new(
                codes::FASTAPI_CORS_ANY,
                Location::file(rel, line_of(node), 1),
                message,
            ));
        }
        return;
    };
    let credentials = get("allow_credentials");
    let with_credentials = credentials
        .as_ref()
        .is_some_and(|(_, e)| e.value.truthy() == Some(true));
    let (code, message, help) = if with_credentials {
        (
            codes::FASTAPI_CORS_CREDENTIALS,
            format!(
                "CORSMiddleware: {what}{} and allow_credentials is true{}, so Starlette echoes any site's Origin with credentials allowed: any web page can call the API as the logged-in user and read the answers",
                origin(&origins),
                credentials
                    .as_ref()
                    .map(|(_, e)| origin(e))
                    .unwrap_or_default()
            ),
            "list the front-end origins in allow_origins (e.g. from a setting), or set allow_credentials=False for a public API",
        )
    } else {
        (
            codes::FASTAPI_CORS_ANY,
            format!(
                "CORSMiddleware: {what}{}, so any web site can read the API's responses",
                origin(&origins)
            ),
            "list the front-end origins in allow_origins unless the API is meant to be public",
        )
    };
    found.findings.push(
        Finding::new(
            code,
            severity_of(code),
            message,
            Location::file(rel, line_of(&node), 1),
            "cors",
        )
        .with_help(help)
        .with_reference("https://fastapi.tiangolo.com/tutorial/cors/"),
    );
}

/// Where an environment-read argument came from, for a message.
fn origin(value: &Evaluated) -> String {
    match &value.env {
        Some(read) => match &read.source {
            EnvSource::Default => format!(
                " (the default in the code, used when {} is unset)",
                read.var
            ),
            EnvSource::File { path, line } => {
                format!(" ({} as set in {path} line {line})", read.var)
            }
            EnvSource::Unset => String::new(),
        },
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_files_are_recognised() {
        let root = Path::new("/p");
        assert!(is_test_file(root, Path::new("/p/tests/test_main.py")));
        assert!(is_test_file(root, Path::new("/p/app/conftest.py")));
        assert!(!is_test_file(root, Path::new("/p/app/main.py")));
    }
}
