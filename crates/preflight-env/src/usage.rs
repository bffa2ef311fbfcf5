//! The variables a project's code reads.
//!
//! A line-based reader, not a parser: each form below is recognised by a regular expression on
//! one line, which finds the common spellings without depending on a Python or JavaScript
//! grammar. What counts as *required* is what fails at start-up when the variable is absent:
//!
//! | form | required |
//! | --- | --- |
//! | `os.environ["X"]` | yes |
//! | `os.environ.get("X")`, `os.getenv("X")` | no |
//! | `env("X")`, `env.str("X")`, `env.bool("X")`, ... (django-environ), `config("X")` (decouple) | unless `default=` is given |
//! | a field of a pydantic `BaseSettings` class | unless it has a default |
//! | `process.env.X`, `process.env["X"]` | unless negated with `!` or followed by `??`, `\|\|`, `&&`, `?` or a comparison |
//!
//! A read only counts towards what a deployment needs when it is in code that deploys: reads in
//! tests, test configurations and CI tooling ([`is_test_path`]) and reads of variables the
//! platform sets itself ([`set_by_platform`]) are kept but never make a variable required.
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
    /// Whether the file is a test, a test configuration, CI tooling or a documentation build
    /// ([`is_test_path`]).
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
    if parts.iter().any(|dir| TEST_DIRS.contains(dir)) {
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
    vec![
        form("os.environ[...]", r#"os\.environ\[\s*['"]NAME['"]\s*\]"#),
        form(
            "os.environ.get(...)",
            r#"os\.environ\.get\(\s*['"]NAME['"]"#,
        ),
        form("os.getenv(...)", r#"os\.getenv\(\s*['"]NAME['"]"#),
        form(
            "env(...)",
            r#"\benv(?:\.[a-z_]+)?\(\s*['"]NAME['"]\s*(,[^)]*)?\)?"#,
        ),
        form("config(...)", r#"\bconfig\(\s*['"]NAME['"]\s*(,[^)]*)?\)?"#),
    ]
});

static JAVASCRIPT: LazyLock<Form> = LazyLock::new(|| {
    form(
        "process.env",
        r#"(!\s*)?process\.env(?:\.NAME|\[\s*['"]NAME['"]\s*\])(\s*(?:\?\?|\|\||&&|[!=]==?|\?(?:[^.?]|$)))?"#,
    )
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
    let test = is_test_path(path);
    let profile = profile_of_source(path);
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
                for caps in JAVASCRIPT.regex.captures_iter(line) {
                    let name = caps.get(2).or_else(|| caps.get(3)).map(|m| m.as_str());
                    if let Some(name) = name {
                        let tested = caps.get(1).is_some() || caps.get(4).is_some();
                        reads.push(at(name, !tested, JAVASCRIPT.how));
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
                        let required = match form.how {
                            "os.environ[...]" => true,
                            "env(...)" | "config(...)" => {
                                !caps.get(2).is_some_and(|m| has_default(m.as_str()))
                            }
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
                    test: is_test_path(path),
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
        let text = r#"import os
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
                ("DATABASE_URL", 2, true),
                ("OPENAI_API_KEY", 3, false),
                ("XERO_TENANT_ID", 4, false),
                ("SECRET_KEY", 5, true),
                ("DEBUG", 6, false),
                ("ALLOWED_HOSTS", 7, true),
                ("STRIPE_SECRET_KEY", 8, true),
            ]
        );
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
        let text = r#"import os
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
