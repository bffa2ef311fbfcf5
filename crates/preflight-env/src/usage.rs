//! The variables a project's code reads.
//!
//! A line-based reader, not a parser: each form below is recognised by a regular expression on
//! one line, which finds the common spellings without depending on a Python or JavaScript
//! grammar. What counts as *required* is what fails at start-up when the variable is absent:
//!
//! | form | required |
//! | --- | --- |
//! | `os.environ["X"]`, `environ["X"]` | yes, unless the file tests `"X" in os.environ` |
//! | `os.environ.get("X")`, `os.getenv("X")`, `getenv("X")` | no |
//! | `env("X")`, `env.str("X")`, `env.bool("X")`, ... (django-environ), `config("X")` (decouple) | unless a default is given; only where `env` is django-environ's and `config` decouple's |
//! | a field of a pydantic `BaseSettings` class | unless it has a default |
//! | `process.env.X`, `import.meta.env.X` (and `[...]`) | unless negated with `!` or followed by `??`, `\|\|`, `&&`, `?` or a comparison |
//!
//! A read only counts towards what a deployment needs when it is in code that deploys: reads in
//! tests, test configurations and CI tooling ([`is_test_path`]), in project templates
//! ([`is_template_path`]) and reads of variables the platform sets itself ([`set_by_platform`])
//! are kept but never make a variable required.
//!
//! The same pass collects the places where code names a dotenv file it loads
//! (`load_dotenv(path)`, `read_env(path)`, pydantic's `env_file=`, dotenv's `config({ path })`,
//! Vite's `envDir`): see [`Reference`].
//!
//! The walk honours `.gitignore` and skips dependency folders; unreadable files become
//! warnings.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use preflight_findings::Warning;
use regex::Regex;

use crate::policy::Profile;

/// One place where code reads a variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    /// The variable.
    pub name: String,
    /// The source file, relative to the root, with `/` separators.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// Whether the code fails without it.
    pub required: bool,
    /// The form that reads it, such as `os.environ[...]`.
    pub how: &'static str,
    /// Whether the file is a test, a test configuration, CI tooling, a documentation build
    /// ([`is_test_path`]) or part of a project template ([`is_template_path`]).
    pub test: bool,
    /// The profile the file's name implies ([`profile_of_source`]), such as production for
    /// `settings/production.py`.
    pub profile: Option<Profile>,
}

impl Usage {
    /// Whether a deployment fails without the variable: the code requires it, the code is
    /// not a test, and the platform does not set the variable itself.
    pub fn deploy_requires(&self) -> bool {
        self.required && !self.test && !set_by_platform(&self.name)
    }
}

/// Every variable the code reads, by name, with each place that reads it.
#[derive(Debug, Clone, Default)]
pub struct CodeUsage {
    /// Usages by variable name.
    pub vars: BTreeMap<String, Vec<Usage>>,
    /// Whether the code imports Django.
    pub django: bool,
    /// Files that could not be read.
    pub warnings: Vec<Warning>,
    /// Source files read.
    pub files: u64,
    /// Dotenv files (or, for Vite, directories) the code names as the ones it loads.
    pub references: Vec<Reference>,
}

/// A place where code names the dotenv file (or directory of dotenv files) it loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The source file, relative to the root, `/`-separated.
    pub from: String,
    /// 1-based line.
    pub line: u32,
    /// The path as the code spells it: its string literals joined with `/`.
    pub path: String,
    /// Whether `path` names a directory of dotenv files (Vite's `envDir`) rather than one file.
    pub directory: bool,
}

impl CodeUsage {
    /// The first read `serves` accepts whose deployment requires `name`
    /// ([`Usage::deploy_requires`]).
    pub fn requirement(&self, name: &str, serves: impl Fn(&Usage) -> bool) -> Option<&Usage> {
        self.vars
            .get(name)?
            .iter()
            .find(|u| u.deploy_requires() && serves(u))
    }

    /// Variables whose deployment requires them in the reads `serves` accepts, with the first
    /// place that requires each.
    pub fn required(&self, serves: impl Fn(&Usage) -> bool) -> impl Iterator<Item = &Usage> {
        self.vars
            .values()
            .filter_map(move |usages| usages.iter().find(|u| u.deploy_requires() && serves(u)))
    }
}

/// Directory names whose files are tests, test fixtures or CI tooling.
const TEST_DIRS: &[&str] = &[
    "tests",
    "test",
    "__tests__",
    "__mocks__",
    "e2e",
    "cypress",
    "playwright",
    ".github",
    ".gitlab",
    ".circleci",
    ".buildkite",
];

/// Whether a directory name is one of [`TEST_DIRS`], or names tests with a qualifier:
/// `_integration-test`, `integration_tests`, `test-environments`, `testing`.
fn is_test_dir(dir: &str) -> bool {
    if TEST_DIRS.contains(&dir) {
        return true;
    }
    let lower = dir.to_ascii_lowercase();
    lower
        .split(['-', '_', '.'])
        .any(|part| ["test", "tests", "testing", "e2e"].contains(&part))
}

/// Whether a path lies in a project template: a directory whose name holds a template
/// expression, such as cookiecutter's `{{cookiecutter.project_slug}}/` or Copier's
/// `{{ project_name }}/`. Its reads describe the projects it generates, not this one.
pub fn is_template_path(path: &str) -> bool {
    path.split('/')
        .any(|part| part.contains("{{") || part.contains("{%"))
}

/// Configuration files of test runners, by the name before the extension.
const TEST_CONFIGS: &[&str] = &[
    "playwright.config",
    "vitest.config",
    "vitest.workspace",
    "vitest.setup",
    "jest.config",
    "jest.setup",
    "cypress.config",
    "karma.conf",
    "conftest",
    "tests",
];

/// Whether a source file (relative, `/`-separated) is a test, a test configuration, CI
/// tooling or a documentation build: under a `tests/`, `__tests__/`, `e2e/`, `.github/` (...)
/// directory, a Sphinx `conf.py` in a `docs/` or `doc/` directory, named
/// `test_*.py`, `*_test.py`, `*.test.*`, `*.spec.*`, or a test runner's configuration such as
/// `playwright.config.ts`, `vitest.config.*`, `jest.config.*` or `conftest.py`.
pub fn is_test_path(path: &str) -> bool {
    let mut parts: Vec<&str> = path.split('/').collect();
    let Some(file) = parts.pop() else {
        return false;
    };
    if parts.iter().any(|dir| is_test_dir(dir)) {
        return true;
    }
    // A `docs/` directory may be an app of the site (a Django app named `docs`); only the
    // documentation build's configuration is tooling.
    if file == "conf.py"
        && parts
            .last()
            .is_some_and(|dir| ["docs", "doc"].contains(dir))
    {
        return true;
    }
    let lower = file.to_ascii_lowercase();
    let stem = lower
        .rsplit_once('.')
        .map_or(lower.as_str(), |(stem, _)| stem);
    let stem = stem.strip_suffix(".d").unwrap_or(stem);
    TEST_CONFIGS.contains(&stem)
        || stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_spec")
        || stem
            .split('.')
            .skip(1)
            .any(|part| part == "test" || part == "spec")
}

/// Variables the operating system, the container runtime, the hosting platform or the CI
/// service sets for every process: no dotenv file needs to provide them.
const PLATFORM_VARS: &[&str] = &[
    "CI",
    "HOME",
    "PATH",
    "PWD",
    "USER",
    "LOGNAME",
    "SHELL",
    "TERM",
    "LANG",
    "LC_ALL",
    "TZ",
    "TMPDIR",
    "HOSTNAME",
    "PORT",
    "NODE_ENV",
    "DYNO",
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "KUBERNETES_SERVICE_HOST",
];

/// Prefixes of the variables CI services and hosting platforms set.
const PLATFORM_PREFIXES: &[&str] = &[
    "GITHUB_",
    "RUNNER_",
    "GITLAB_",
    "CI_",
    "CIRCLE_",
    "BUILDKITE_",
    "TRAVIS_",
    "JENKINS_",
    "BITBUCKET_",
    "VERCEL_",
    "NETLIFY_",
    "RENDER_",
    "RAILWAY_",
    "HEROKU_",
    "FLY_",
    "AWS_LAMBDA_",
    "K_SERVICE",
];

/// Whether the platform the code runs on sets `name` itself (`CI`, `HOME`, `PATH`, `PORT`,
/// `NODE_ENV`, `HOSTNAME`, `GITHUB_*`, `VERCEL_*`, ...).
pub fn set_by_platform(name: &str) -> bool {
    PLATFORM_VARS.contains(&name) || PLATFORM_PREFIXES.iter().any(|p| name.starts_with(p))
}

const NAME: &str = r"([A-Za-z_][A-Za-z0-9_]*)";
const MAX_SOURCE_BYTES: u64 = 2 * 1024 * 1024;
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "venv",
    ".venv",
    "site-packages",
    "__pycache__",
    "target",
    "dist",
    "build",
];

struct Form {
    how: &'static str,
    regex: Regex,
}

fn form(how: &'static str, pattern: &str) -> Form {
    Form {
        how,
        regex: Regex::new(&pattern.replace("NAME", NAME)).expect("usage patterns are valid"),
    }
}

static PYTHON: LazyLock<Vec<Form>> = LazyLock::new(|| {
    // `os.environ[...]` and, after `from os import environ, getenv`, the bare names; a `.`
    // before them is someone else's attribute.
    vec![
        form(
            "os.environ[...]",
            r#"(?:\bos\.|(?:^|[^\w.]))environ\[\s*['"]NAME['"]\s*\]"#,
        ),
        form(
            "os.environ.get(...)",
            r#"(?:\bos\.|(?:^|[^\w.]))environ\.get\(\s*['"]NAME['"]"#,
        ),
        form(
            "os.getenv(...)",
            r#"(?:\bos\.|(?:^|[^\w.]))getenv\(\s*['"]NAME['"]"#,
        ),
        form(
            "env(...)",
            r#"\benv(?:\.[a-z_]+)?\(\s*['"]NAME['"]\s*(,[^)]*)?\)?"#,
        ),
        form("config(...)", r#"\bconfig\(\s*['"]NAME['"]\s*(,[^)]*)?\)?"#),
    ]
});

/// `"X" in os.environ`, `'X' not in environ`: the code tests whether X is set.
static MEMBERSHIP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&r#"['"]NAME['"]\s+(?:not\s+)?in\s+(?:os\.)?environ\b"#.replace("NAME", NAME))
        .expect("membership pattern is valid")
});

/// Where `env` is django-environ's (whose reads without a default fail): the module imports
/// `environ`, imports `env` by name, or star-imports a sibling settings module that may define
/// it. Other helpers named `env` (Sentry's takes a default of `""`) are optional reads.
static ENVIRON_ENV: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^\s*(?:import\s+(?:[\w.]+\s*,\s*)*environ\b|from\s+environ\s+import|from\s+\S+\s+import\s+(?:.*[\s,(])?env\b|from\s+\.\S*\s+import\s+\*)",
    )
    .expect("environ pattern is valid")
});

/// What `import.meta.env` holds that Vite sets itself, never from a dotenv file.
const VITE_BUILTINS: &[&str] = &["MODE", "DEV", "PROD", "SSR", "BASE_URL"];

static JAVASCRIPT: LazyLock<Vec<Form>> = LazyLock::new(|| {
    let tail = r#"(?:\.NAME|\[\s*['"]NAME['"]\s*\])(\s*(?:\?\?|\|\||&&|[!=]==?|\?(?:[^.?]|$)))?"#;
    vec![
        form("process.env", &format!(r"(!\s*)?process\.env{tail}")),
        form(
            "import.meta.env",
            &format!(r"(!\s*)?import\.meta\.env{tail}"),
        ),
    ]
});

static CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\s*)class\s+\w+\s*\(([^)]*)\)\s*:").expect("class pattern is valid")
});
static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*:\s*[^=]+?(=\s*(.*))?$")
        .expect("field pattern is valid")
});
static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"env_prefix\s*[=:]\s*['"]([A-Za-z0-9_]*)['"]"#).expect("prefix pattern is valid")
});
static ALIAS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b(?:alias|validation_alias|env)\s*=\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]"#)
        .expect("alias pattern is valid")
});

/// Reads every Python and JavaScript/TypeScript source under `root` for variable reads.
pub fn scan(root: &Path) -> CodeUsage {
    let mut usage = CodeUsage::default();
    let walker = ignore::WalkBuilder::new(root)
        .filter_entry(|entry| {
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRS.iter().any(|d| entry.file_name() == *d))
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                usage
                    .warnings
                    .push(Warning::general(format!("cannot walk the sources: {err}")));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let language = match path.extension().and_then(|e| e.to_str()) {
            Some("py") => Language::Python,
            Some("js" | "mjs" | "cjs" | "jsx" | "ts" | "tsx") => Language::JavaScript,
            _ => continue,
        };
        let relative = crate::relative(root, path);
        if entry.metadata().is_ok_and(|m| m.len() > MAX_SOURCE_BYTES) {
            usage.warnings.push(Warning::at(
                relative,
                "source file larger than 2 MiB; not read for variable usage",
            ));
            continue;
        }
        match std::fs::read(path) {
            Ok(bytes) => {
                usage.files += 1;
                let text = String::from_utf8_lossy(&bytes);
                if language == Language::Python && text.contains("django") {
                    usage.django = true;
                }
                usage
                    .references
                    .extend(references_in(&text, &relative, language));
                for found in scan_source(&text, &relative, language) {
                    usage
                        .vars
                        .entry(found.name.clone())
                        .or_default()
                        .push(found);
                }
            }
            Err(err) => usage
                .warnings
                .push(Warning::at(relative, format!("cannot read: {err}"))),
        }
    }
    usage
}

/// A source language the reader knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Python (`os.environ`, django-environ, decouple, pydantic).
    Python,
    /// JavaScript or TypeScript (`process.env`).
    JavaScript,
}

/// The variable reads in one source text.
pub fn scan_source(text: &str, path: &str, language: Language) -> Vec<Usage> {
    let test = is_test_path(path) || is_template_path(path);
    let profile = profile_of_source(path);
    let environ_env = ENVIRON_ENV.is_match(text);
    let decouple = text.contains("decouple");
    let tested: Vec<&str> = MEMBERSHIP
        .captures_iter(text)
        .filter_map(|caps| caps.get(1).map(|m| m.as_str()))
        .collect();
    let mut found = Vec::new();
    let mut settings: Option<SettingsClass> = None;
    // Python blocks (indent, names) whose `if` condition reads the names: inside, a read of
    // one of them only runs when the variable is set.
    let mut guards: Vec<(usize, Vec<String>)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let at = |name: &str, required: bool, how: &'static str| Usage {
            name: name.to_string(),
            path: path.to_string(),
            line: number,
            required,
            how,
            test,
            profile,
        };
        let mut reads = Vec::new();
        match language {
            Language::JavaScript => {
                for form in JAVASCRIPT.iter() {
                    for caps in form.regex.captures_iter(line) {
                        let name = caps.get(2).or_else(|| caps.get(3)).map(|m| m.as_str());
                        if let Some(name) = name {
                            let tested = caps.get(1).is_some() || caps.get(4).is_some();
                            let builtin =
                                form.how == "import.meta.env" && VITE_BUILTINS.contains(&name);
                            reads.push(at(name, !tested && !builtin, form.how));
                        }
                    }
                }
            }
            Language::Python => {
                let trimmed = line.trim_start();
                let indent = indent_of(line);
                if !trimmed.is_empty() && !trimmed.starts_with('#') {
                    guards.retain(|(at, _)| *at < indent);
                }
                for form in PYTHON.iter() {
                    for caps in form.regex.captures_iter(line) {
                        let whole = caps.get(0).map_or(0..0, |m| m.range());
                        if form.how == "os.environ[...]" && is_assignment(&line[whole.end..]) {
                            continue;
                        }
                        let no_default = || !caps.get(2).is_some_and(|m| has_default(m.as_str()));
                        let required = match form.how {
                            "os.environ[...]" => !tested.contains(&&caps[1]),
                            "env(...)" => environ_env && no_default(),
                            "config(...)" => decouple && no_default(),
                            _ => false,
                        };
                        reads.push(at(&caps[1], required, form.how));
                    }
                }
                for read in &mut reads {
                    if guards.iter().any(|(_, names)| names.contains(&read.name)) {
                        read.required = false;
                    }
                }
                let condition = trimmed.starts_with("if ") || trimmed.starts_with("elif ");
                if condition && trimmed.trim_end().ends_with(':') && !reads.is_empty() {
                    guards.push((indent, reads.iter().map(|r| r.name.clone()).collect()));
                }
                settings_line(&mut settings, line, number, path, &mut found);
            }
        }
        // `X if os.getenv("X") else None`, `process.env.X ? process.env.X : ""`: a read beside
        // an optional read of the same variable is guarded by it.
        let optional: Vec<String> = reads
            .iter()
            .filter(|r| !r.required)
            .map(|r| r.name.clone())
            .collect();
        for mut read in reads {
            read.required &= !optional.contains(&read.name);
            found.push(read);
        }
    }
    if let Some(class) = settings.take() {
        class.finish(&mut found);
    }
    found
}

/// Calls that load a dotenv file, with what the rest of the line holds: Python's
/// `load_dotenv(...)`, `dotenv_values(...)`, `find_dotenv(...)`, django-environ's
/// `read_env(...)`, pydantic's `env_file=`; JavaScript's dotenv `config({ path })` and Node's
/// `loadEnvFile(...)`.
static LOADS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:load_dotenv|dotenv_values|find_dotenv|read_env|loadEnvFile)\s*\((.*)|\b_?env_file\s*[=:]\s*(.*)|\bconfig\(\s*\{[^}]*?\bpath\s*:(.*)",
    )
    .expect("load pattern is valid")
});

/// Vite's `envDir: '../'` in a `vite.config.*`.
static ENV_DIR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\benvDir\s*:(.*)").expect("envDir pattern is valid"));

/// A string literal, with the text before it on the line.
static LITERAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(\w+\s*=\s*)?(?:"([^"\n]*)"|'([^'\n]*)')"#).expect("literal pattern is valid")
});

/// The dotenv files (or Vite's directory of them) that one source names as those it loads.
/// A path is the call's string literals joined with `/` (`os.path.join(BASE_DIR, ".envs",
/// ".local")`, `BASE_DIR / ".env"`), leaving out keyword arguments other than the path's own
/// (`encoding="utf-8"`); a call without a literal names no file.
pub fn references_in(text: &str, path: &str, language: Language) -> Vec<Reference> {
    let vite = language == Language::JavaScript
        && path
            .rsplit('/')
            .next()
            .is_some_and(|file| file.starts_with("vite.config."));
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') || trimmed.starts_with("//") {
            continue;
        }
        // pydantic's `env_file=(".env", ".env.prod")` lists files; a call's literals are the
        // parts of one path.
        let (args, directory, list) = if let Some(caps) = LOADS.captures(line) {
            let args = caps.get(1).or(caps.get(2)).or(caps.get(3));
            (args.map(|m| m.as_str()), false, caps.get(2).is_some())
        } else if vite && let Some(caps) = ENV_DIR.captures(line) {
            (caps.get(1).map(|m| m.as_str()), true, false)
        } else {
            continue;
        };
        let Some(args) = args else { continue };
        let parts: Vec<&str> = LITERAL
            .captures_iter(args)
            .filter(|caps| {
                caps.get(1).is_none_or(|keyword| {
                    let keyword = keyword.as_str().trim_end_matches([' ', '=']).trim();
                    ["dotenv_path", "path", "env_file", "_env_file"].contains(&keyword)
                })
            })
            .filter_map(|caps| caps.get(2).or(caps.get(3)).map(|m| m.as_str()))
            .filter(|part| !part.is_empty())
            .collect();
        let paths = if list {
            parts.iter().map(|p| p.to_string()).collect()
        } else if parts.is_empty() {
            Vec::new()
        } else {
            vec![parts.join("/")]
        };
        found.extend(paths.into_iter().map(|target| Reference {
            from: path.to_string(),
            line: line_number,
            path: target,
            directory,
        }));
    }
    found
}

/// Whether the text after `os.environ["X"]` assigns to it (`= value`, not `==`).
fn is_assignment(rest: &str) -> bool {
    let rest = rest.trim_start();
    rest.starts_with('=') && !rest.starts_with("==")
}

/// Whether the arguments after the name (`, default=None`, `, False`, `, cast=bool`) give a
/// default: a `default=` keyword or a second positional argument.
fn has_default(args: &str) -> bool {
    let args = args.trim_start_matches(',').trim_start();
    if args.contains("default") {
        return true;
    }
    let first = args.split(',').next().unwrap_or("").trim();
    let keyword = first.split_once('=').is_some_and(|(key, _)| {
        key.trim()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    !first.is_empty() && first != ")" && !keyword
}

/// The profile a settings module's name implies (`settings/production.py`, `local.py`,
/// `settings_dev.py`); its reads only matter to dotenv files of that profile.
pub fn profile_of_source(path: &str) -> Option<Profile> {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    stem.split(['_', '-', '.'])
        .find_map(|part| Profile::from_file_name(&format!(".{part}")))
}

/// A pydantic `BaseSettings` class being read.
struct SettingsClass {
    indent: usize,
    body_indent: Option<usize>,
    prefix: String,
    fields: Vec<Usage>,
}

impl SettingsClass {
    fn finish(self, found: &mut Vec<Usage>) {
        for mut field in self.fields {
            if field.how == "BaseSettings field" {
                field.name = format!("{}{}", self.prefix, field.name).to_ascii_uppercase();
            }
            found.push(field);
        }
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn settings_line(
    class: &mut Option<SettingsClass>,
    line: &str,
    number: u32,
    path: &str,
    found: &mut Vec<Usage>,
) {
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return;
    }
    if let Some(current) = class {
        let indent = indent_of(line);
        if indent <= current.indent {
            if let Some(done) = class.take() {
                done.finish(found);
            }
        } else {
            if let Some(caps) = PREFIX.captures(line) {
                current.prefix = caps[1].to_string();
            }
            let body = *current.body_indent.get_or_insert(indent);
            if indent == body
                && let Some(caps) = FIELD.captures(line)
            {
                let field = &caps[1];
                if field == "model_config" || field.starts_with('_') {
                    return;
                }
                let default = caps.get(3).map_or("", |m| m.as_str());
                let required = caps.get(2).is_none()
                    || (default.starts_with("Field(")
                        && (default.starts_with("Field(...") || !default.contains("default")));
                let (name, how) = match ALIAS.captures(default) {
                    Some(alias) => (alias[1].to_string(), "BaseSettings field alias"),
                    None => (field.to_string(), "BaseSettings field"),
                };
                current.fields.push(Usage {
                    name,
                    path: path.to_string(),
                    line: number,
                    required,
                    how,
                    test: is_test_path(path) || is_template_path(path),
                    profile: profile_of_source(path),
                });
            }
            return;
        }
    }
    if let Some(caps) = CLASS.captures(line)
        && caps[2].contains("BaseSettings")
    {
        *class = Some(SettingsClass {
            indent: caps[1].len(),
            body_indent: None,
            prefix: String::new(),
            fields: Vec::new(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(found: &[Usage]) -> Vec<(&str, u32, bool)> {
        found
            .iter()
            .map(|u| (u.name.as_str(), u.line, u.required))
            .collect()
    }

    #[test]
    fn reads_python_forms() {
        let text = r#"import os, environ
from decouple import config
DB = os.environ["DATABASE_URL"]
KEY = os.environ.get('OPENAI_API_KEY')
T = os.getenv("XERO_TENANT_ID", "x")
SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
HOSTS = env.list("ALLOWED_HOSTS")
S = config('STRIPE_SECRET_KEY')
"#;
        assert_eq!(
            names(&scan_source(text, "settings.py", Language::Python)),
            [
                ("DATABASE_URL", 3, true),
                ("OPENAI_API_KEY", 4, false),
                ("XERO_TENANT_ID", 5, false),
                ("SECRET_KEY", 6, true),
                ("DEBUG", 7, false),
                ("ALLOWED_HOSTS", 8, true),
                ("STRIPE_SECRET_KEY", 9, true),
            ]
        );
    }

    #[test]
    fn env_and_config_are_required_only_from_the_libraries_that_fail() {
        // Sentry's settings star-import a module outside the project whose `env` defaults to
        // an empty string; `app.config(...)` is someone else's config.
        let text = "from sentry.conf.server import *\n\nADDR = env(\"SENTRY_STATSD_ADDR\")\nX = config(\"FLAG\")\n";
        assert_eq!(
            names(&scan_source(
                text,
                "sentry/sentry.conf.py",
                Language::Python
            )),
            [("SENTRY_STATSD_ADDR", 3, false), ("FLAG", 4, false)]
        );
        for header in [
            "import environ\n",
            "from .base import *\n",
            "from config.settings.base import env\n",
            "from .base import APPS_DIR, env\n",
        ] {
            let text = format!("{header}KEY = env(\"MAILGUN_API_KEY\")\n");
            let found = scan_source(&text, "config/settings/production.py", Language::Python);
            assert!(found[0].required, "{header}");
        }
    }

    #[test]
    fn bare_environ_reads_and_membership_tests() {
        let text = r#"from os import environ, getenv
A = environ["API_TOKEN"]
B = getenv("HOST_NAME")
C = environ.get("MODE")
D = settings.environ["NOT_A_READ"]
HEADER = (
    tuple(json.loads(os.environ["PROXY_SSL_HEADER"]))
    if "PROXY_SSL_HEADER" in os.environ
    else None
)
"#;
        assert_eq!(
            names(&scan_source(text, "app/settings.py", Language::Python)),
            [
                ("API_TOKEN", 2, true),
                ("HOST_NAME", 3, false),
                ("MODE", 4, false),
                ("PROXY_SSL_HEADER", 7, false),
            ]
        );
    }

    #[test]
    fn reads_vite_import_meta_env() {
        let text = "const api = import.meta.env.VITE_API_URL\nconst s = import.meta.env.VITE_SENTRY_DSN || \"\"\nconst m = import.meta.env['VITE_MAP_KEY'] ?? 'none'\nif (import.meta.env.DEV) {}\nconst base = import.meta.env.BASE_URL\n";
        assert_eq!(
            names(&scan_source(
                text,
                "frontend/src/main.ts",
                Language::JavaScript
            )),
            [
                ("VITE_API_URL", 1, true),
                ("VITE_SENTRY_DSN", 2, false),
                ("VITE_MAP_KEY", 3, false),
                ("DEV", 4, true),
                ("BASE_URL", 5, false),
            ]
            .map(|(n, l, r)| (n, l, r && n != "DEV"))
        );
    }

    #[test]
    fn finds_the_dotenv_files_code_loads() {
        let python = r#"from dotenv import load_dotenv
load_dotenv(os.path.join(basedir, ".env"))
load_dotenv(dotenv_path=BASE_DIR / ".envs" / ".local", encoding="utf-8")
env.read_env(str(ROOT_DIR / ".env.production"))
load_dotenv()
# load_dotenv(".env.old")
class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=("../.env", "../.env.prod"), extra="ignore")
"#;
        let found: Vec<(String, u32, bool)> =
            references_in(python, "app/config.py", Language::Python)
                .into_iter()
                .map(|r| (r.path, r.line, r.directory))
                .collect();
        assert_eq!(
            found,
            [
                (".env".to_string(), 2, false),
                (".envs/.local".to_string(), 3, false),
                (".env.production".to_string(), 4, false),
                ("../.env".to_string(), 8, false),
                ("../.env.prod".to_string(), 8, false),
            ]
        );
        let js = "require('dotenv').config({ path: '../../.env' })\nexport default defineConfig({ envDir: '../', plugins: [] })\n";
        let found: Vec<(String, bool)> =
            references_in(js, "web/vite.config.ts", Language::JavaScript)
                .into_iter()
                .map(|r| (r.path, r.directory))
                .collect();
        assert_eq!(
            found,
            [("../../.env".to_string(), false), ("../".to_string(), true)]
        );
        assert!(references_in(js, "web/src/app.ts", Language::JavaScript).len() == 1);
    }

    #[test]
    fn reads_pydantic_settings_fields() {
        let text = r#"from pydantic_settings import BaseSettings

class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")
    database_url: str
    debug: bool = False
    xero_client_id: str = Field(..., alias="XERO_CLIENT_ID")

    def helper(self):
        value: int = 3

settings = Settings()
"#;
        assert_eq!(
            names(&scan_source(text, "config.py", Language::Python)),
            [
                ("APP_DATABASE_URL", 5, true),
                ("APP_DEBUG", 6, false),
                ("XERO_CLIENT_ID", 7, true),
            ]
        );
    }

    #[test]
    fn a_read_that_is_only_tested_is_optional() {
        let text = "forbidOnly: !!process.env.CI,\nretries: process.env.RETRY ? 2 : 0,\nconst a = process.env.A && x;\nif (process.env.MODE === 'x') {}\nconst u = process.env.API_URL?.trim();\n";
        assert_eq!(
            names(&scan_source(text, "app.ts", Language::JavaScript)),
            [
                ("CI", 1, false),
                ("RETRY", 2, false),
                ("A", 3, false),
                ("MODE", 4, false),
                ("API_URL", 5, true),
            ]
        );
    }

    #[test]
    fn tests_test_configs_and_ci_are_told_apart() {
        for path in [
            "frontend/playwright.config.ts",
            "vitest.config.mts",
            "jest.config.js",
            "backend/tests/conftest.py",
            "conftest.py",
            "app/tests.py",
            "frontend/tests/utils/mailpit.ts",
            "src/__tests__/api.js",
            "src/api.test.ts",
            "src/api.spec.tsx",
            "backend/app/test_models.py",
            "pkg/models_test.py",
            "e2e/login.ts",
            ".github/scripts/release.py",
        ] {
            assert!(is_test_path(path), "{path}");
        }
        for path in [
            "backend/app/core/config.py",
            "frontend/src/main.tsx",
            "vite.config.ts",
            "contest.py",
            "src/testimonials.ts",
            "latest/app.py",
            "attest.py",
        ] {
            assert!(!is_test_path(path), "{path}");
        }
        let found = scan_source(
            "X = os.environ['API_TOKEN']\n",
            "tests/settings.py",
            Language::Python,
        );
        assert!(found[0].required && found[0].test && !found[0].deploy_requires());
        let found = scan_source(
            "X = os.environ['API_TOKEN']\n",
            "app/settings.py",
            Language::Python,
        );
        assert!(found[0].deploy_requires());
    }

    #[test]
    fn platform_variables_are_never_required() {
        for name in [
            "CI",
            "HOME",
            "PATH",
            "NODE_ENV",
            "PORT",
            "HOSTNAME",
            "GITHUB_SHA",
            "VERCEL_URL",
        ] {
            assert!(set_by_platform(name), "{name}");
        }
        for name in [
            "DATABASE_URL",
            "SECRET_KEY",
            "CIPHER_KEY",
            "PORTAL_URL",
            "HOMEPAGE",
        ] {
            assert!(!set_by_platform(name), "{name}");
        }
        let found = scan_source(
            "const h = process.env.HOME;\n",
            "src/a.js",
            Language::JavaScript,
        );
        assert!(found[0].required && !found[0].deploy_requires());
    }

    #[test]
    fn guarded_reads_defaults_and_writes_are_not_requirements() {
        let text = r#"import environ
DEBUG = env.bool("DJANGO_DEBUG", False)
PORTS = env.int("WORKERS", cast=int)
if os.getenv("DATABASE_URL", default=None):
    DATABASES = {"default": env.db("DATABASE_URL")}
    CACHE = env("REDIS_URL")
else:
    DATABASES = {}
SENTRY = env("SENTRY_DSN")
os.environ["DJANGO_READ_DOT_ENV_FILE"] = "True"
ON = os.environ["FEATURE"] == "on"
KEY = env("API_KEY") if os.environ.get("API_KEY") else None
"#;
        assert_eq!(
            names(&scan_source(
                text,
                "config/settings/base.py",
                Language::Python
            )),
            [
                ("DJANGO_DEBUG", 2, false),
                ("WORKERS", 3, true),
                ("DATABASE_URL", 4, false),
                ("DATABASE_URL", 5, false),
                ("REDIS_URL", 6, true),
                ("SENTRY_DSN", 9, true),
                ("FEATURE", 11, true),
                ("API_KEY", 12, false),
                ("API_KEY", 12, false),
            ]
        );
        let js = "const u = process.env.API_URL ? process.env.API_URL : '';\n";
        assert_eq!(
            names(&scan_source(js, "src/a.ts", Language::JavaScript)),
            [("API_URL", 1, false), ("API_URL", 1, false)]
        );
    }

    #[test]
    fn settings_modules_carry_the_profile_of_their_name() {
        assert_eq!(
            profile_of_source("config/settings/production.py"),
            Some(Profile::Production)
        );
        assert_eq!(
            profile_of_source("config/settings/local.py"),
            Some(Profile::Development)
        );
        assert_eq!(
            profile_of_source("app/settings_dev.py"),
            Some(Profile::Development)
        );
        assert_eq!(profile_of_source("config/settings/base.py"), None);
        assert_eq!(profile_of_source("app/devices.py"), None);
        assert_eq!(profile_of_source("docs/conf.py"), None);
        assert!(is_test_path("docs/conf.py"));
        assert!(!is_test_path("docs/views.py"));
    }

    #[test]
    fn reads_process_env() {
        let text = "const a = process.env.API_URL;\nconst p = process.env.PORT || 3000;\nconst k = process.env['STRIPE_KEY'];\n";
        assert_eq!(
            names(&scan_source(text, "a.js", Language::JavaScript)),
            [
                ("API_URL", 1, true),
                ("PORT", 2, false),
                ("STRIPE_KEY", 3, true)
            ]
        );
    }
}
