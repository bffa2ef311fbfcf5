//! Literal fallback values of environment and configuration look-ups.
//!
//! Code often reads a credential from the environment and falls back to a literal when the
//! variable is unset: `os.getenv("XERO_CLIENT_SECRET", "<value>")`, `config("X", default="v")`,
//! `env('X', 'v')`, `System.getProperty("x", "v")`, `process.env.X || "v"`,
//! `ENV.fetch("X") { "v" }`, `${X:-v}` and `${X-v}` (shell, compose), `${x.y:v}` (Spring). The
//! literal is the secret, and the variable's name says
//! what it is, but no assignment rule sees the two together. This module recognises those call
//! shapes around a keyword hit and gives back the name and the value's byte range; the scanner
//! then scans `NAME = "value"` with every rule (with the lines around the call, for `context`
//! words) and reports what it finds at the value's place in the blob.
//!
//! A call without a literal fallback (`os.getenv("X")`, `env("X", default=None)`,
//! `getenv("X", other)`) yields nothing. The shapes are matched with regular expressions that
//! run only on the lines where one of their [`KEYWORDS`] occurs, so a blob without such a call
//! costs a few more literals in the prefilter's automaton and nothing else.

use std::ops::Range;
use std::sync::OnceLock;

use regex::bytes::{Captures, Regex};

/// For each shape (see [`find`]), literals (matched case-insensitively) of which every
/// look-up of that shape contains one: calls (any function whose name holds `env` and takes a
/// name and a literal: `getEnv`, `envOr`, `env.Get`, `getEnvVar`), property reads, shell
/// expansions. Each shape's
/// pattern runs only around its own keywords, so the common `process.env.X` costs one pattern,
/// not three.
pub const KEYWORDS: [&[&str]; 4] = [
    &[
        "getenv",
        "environ.get",
        "environ.setdefault",
        "env(",
        "env.str(",
        "env.fetch(",
        "env.get(",
        "envor",
        "env_or",
        "envvar",
        "env_var",
        "envdefault",
        "env_default",
        "env::var",
        "config(",
        "getordefault",
        "getproperty",
    ],
    &["process.env", "meta.env", "env[", "environ["],
    &["${"],
    &["\"value\""],
];

/// The longest variable name and fallback value taken.
const MAX_NAME: usize = 128;
const MAX_VALUE: usize = 1000;

/// A variable name as look-ups spell it: `XERO_CLIENT_SECRET`, `services.stripe.secret`.
const NAME: &str = r"[A-Za-z_][A-Za-z0-9_.\-]*";

/// A quoted literal on one line; groups `dq`, `sq`, `bq` by quote. (Lengths are checked in
/// code: counted repetitions would make the automata too big.)
const VALUE: &str =
    r#"(?:"(?P<dq>(?:[^"\\\r\n]|\\.)+)"|'(?P<sq>(?:[^'\\\r\n]|\\.)+)'|`(?P<bq>[^`\\\r\n$]+)`)"#;

/// An operator that falls back when the left side is unset: `||`, `??`, `?:`, Python's `or`.
const OR: &str = r"(?:\|\||\?\?|\?:|\bor\b)";

/// The call shapes, each with groups naming the variable (`name`, `sname`, `dname`, `pname`,
/// `oname`) and the value (see [`VALUE`], and `pv`, `ov`).
fn shapes() -> &'static [Regex; 4] {
    static SHAPES: OnceLock<[Regex; 4]> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let call = format!(
            r#"(?i)(?:\b\w*env\w*(?:\.\w+)?|\bconfig|\.fetch|\bgetordefault|\bgetproperty|\benv::var)\s*\(\s*(?:"(?P<name>{NAME})"|'(?P<sname>{NAME})')\s*(?:,\s*(?:default\s*[=:]\s*)?|\)\s*(?:{OR}|\{{|\.unwrap_or(?:_else)?\(\s*(?:\|_\|\s*)?(?:String::from\(\s*)?))\s*{VALUE}"#
        );
        let property = format!(
            r#"(?:\bprocess\.env|\bimport\.meta\.env|\bENV|\$_ENV|\bos\.environ)(?:\.(?P<name>[A-Za-z_]\w*)|\[\s*(?:"(?P<sname>{NAME})"|'(?P<dname>{NAME})')\s*\])\s*{OR}\s*{VALUE}"#
        );
        // Spring's `${name:default}` first (its default may not begin with an operator's
        // `-`, `=`, `?` or `+`), then the shell's `${X:-v}`, `${X-v}`, `${X:=v}`, `${X=v}`.
        let expansion = r#"\$\{(?:(?P<pname>[A-Za-z_][\w.\-]*):(?P<pv>[^\-=?+\s"'}$][^\s"'}$]*)|(?P<name>[A-Za-z_]\w*):?[\-=](?:"(?P<dq>[^"\r\n}]+)"|'(?P<sq>[^'\r\n}]+)'|(?P<bq>[^\s"'}$]+)))\}"#;
        // JSON objects that pair a name with its value: Postman's `{"key": "X", "value": "v"}`
        // (with at most one field between), HAR's `{"name": "X", "value": "v"}`, and
        // Terraform state's outputs and attributes `"x": {"value": "v"}`.
        let object = format!(
            r#""(?:key|name)"\s*:\s*"(?P<name>{NAME})"\s*,\s*(?:"\w+"\s*:\s*(?:"[^"\\\r\n]*"|true|false|null|-?\d+)\s*,\s*)?"value"\s*:\s*"(?P<dq>(?:[^"\\\r\n]|\\.)+)"|"(?P<oname>{NAME})"\s*:\s*\{{\s*"value"\s*:\s*"(?P<ov>(?:[^"\\\r\n]|\\.)+)""#
        );
        [call.as_str(), property.as_str(), expansion, object.as_str()]
            .map(|pattern| Regex::new(pattern).expect("the fallback shapes are valid patterns"))
    })
}

/// A look-up with a literal fallback, or a JSON object pairing a name with a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// The variable's name's byte range.
    pub name: Range<usize>,
    /// The literal's byte range, without its quotes.
    pub value: Range<usize>,
    /// Whether this is a JSON name/value object rather than a look-up.
    pub object: bool,
}

/// The shape (an index into [`KEYWORDS`]) of JSON name/value objects.
const OBJECT_SHAPE: usize = 3;

/// Every look-up of `shape` (an index into [`KEYWORDS`]) with a literal fallback that starts in
/// `bytes[start..end]`; matches may not reach past `end`.
pub fn find(shape: usize, bytes: &[u8], start: usize, end: usize, out: &mut Vec<Fallback>) {
    let Some(pattern) = shapes().get(shape) else {
        return;
    };
    for captures in pattern.captures_iter(&bytes[start..end]) {
        if let Some(found) = fallback(&captures, start, shape == OBJECT_SHAPE) {
            out.push(found);
        }
    }
}

fn fallback(captures: &Captures<'_>, offset: usize, object: bool) -> Option<Fallback> {
    let first = |names: &[&str]| names.iter().find_map(|n| captures.name(n));
    let name = first(&["name", "sname", "dname", "pname", "oname"])?;
    let value = first(&["dq", "sq", "bq", "pv", "ov"])?;
    if name.len() > MAX_NAME || value.len() > MAX_VALUE {
        return None;
    }
    Some(Fallback {
        name: offset + name.start()..offset + name.end(),
        value: offset + value.start()..offset + value.end(),
        object,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for shape in 0..KEYWORDS.len() {
            find(shape, text.as_bytes(), 0, text.len(), &mut out);
        }
        out.into_iter()
            .map(|f| (text[f.name].to_string(), text[f.value].to_string()))
            .collect()
    }

    fn one(name: &str, value: &str) -> Vec<(String, String)> {
        vec![(name.to_string(), value.to_string())]
    }

    #[test]
    fn calls_with_a_literal_default_give_the_name_and_the_value() {
        for (text, name, value) in [
            (
                r#"secret = os.getenv("XERO_CLIENT_SECRET", "v4lue")"#,
                "XERO_CLIENT_SECRET",
                "v4lue",
            ),
            (
                r#"os.environ.get('API_TOKEN', 'v4lue')"#,
                "API_TOKEN",
                "v4lue",
            ),
            (r#"os.environ.setdefault("K", "v4lue")"#, "K", "v4lue"),
            (
                r#"SECRET_KEY = config("SECRET_KEY", default="v4lue")"#,
                "SECRET_KEY",
                "v4lue",
            ),
            (
                r#"env("DB_PASSWORD", default='v4lue')"#,
                "DB_PASSWORD",
                "v4lue",
            ),
            (
                r#"env.str('DB_PASSWORD', default='v4lue')"#,
                "DB_PASSWORD",
                "v4lue",
            ),
            (
                r#"'key' => env('STRIPE_SECRET', 'v4lue'),"#,
                "STRIPE_SECRET",
                "v4lue",
            ),
            (
                r#"ENV.fetch("SMTP_PASSWORD", "v4lue")"#,
                "SMTP_PASSWORD",
                "v4lue",
            ),
            (
                r#"ENV.fetch("SMTP_PASSWORD") { "v4lue" }"#,
                "SMTP_PASSWORD",
                "v4lue",
            ),
            (r#"pass := getEnv("DB_PASS", "v4lue")"#, "DB_PASS", "v4lue"),
            (r#"getEnvOrDefault("DB_PASS", "v4lue")"#, "DB_PASS", "v4lue"),
            (
                r#"key := envOr("WEBHOOK_KEY", "v4lue")"#,
                "WEBHOOK_KEY",
                "v4lue",
            ),
            (
                r#"t := env.Get("API_TOKEN", "v4lue")"#,
                "API_TOKEN",
                "v4lue",
            ),
            (r#"k := getEnvVar("API_KEY", "v4lue")"#, "API_KEY", "v4lue"),
            (r#"k := env_or("API_KEY", "v4lue")"#, "API_KEY", "v4lue"),
            (
                r#"val key = System.getenv("API_KEY") ?: "v4lue""#,
                "API_KEY",
                "v4lue",
            ),
            (
                r#"env::var("API_KEY").unwrap_or_else(|_| String::from("v4lue"))"#,
                "API_KEY",
                "v4lue",
            ),
            (
                r#"std::env::var("API_KEY").unwrap_or("v4lue")"#,
                "API_KEY",
                "v4lue",
            ),
            (
                r#"System.getProperty("crm.smtp.password", "v4lue")"#,
                "crm.smtp.password",
                "v4lue",
            ),
            (
                r#"System.getenv().getOrDefault("API_KEY", "v4lue");"#,
                "API_KEY",
                "v4lue",
            ),
            (
                r#"var k = Environment.GetEnvironmentVariable("API_KEY") ?? "v4lue";"#,
                "API_KEY",
                "v4lue",
            ),
            (r#"$k = getenv('API_KEY') ?: 'v4lue';"#, "API_KEY", "v4lue"),
            (
                r#"os.environ.get("API_KEY") or "v4lue""#,
                "API_KEY",
                "v4lue",
            ),
            (
                r#"env::var("API_KEY").unwrap_or("v4lue".to_string())"#,
                "API_KEY",
                "v4lue",
            ),
            (
                r#"env::var("API_KEY").unwrap_or_else(|_| "v4lue".into())"#,
                "API_KEY",
                "v4lue",
            ),
            (
                r#"const key = process.env.API_KEY || "v4lue";"#,
                "API_KEY",
                "v4lue",
            ),
            (
                r#"const key = process.env["API_KEY"] ?? 'v4lue';"#,
                "API_KEY",
                "v4lue",
            ),
            (
                r#"const key = import.meta.env.VITE_KEY || `v4lue`;"#,
                "VITE_KEY",
                "v4lue",
            ),
            (r#"key = ENV['API_KEY'] || 'v4lue'"#, "API_KEY", "v4lue"),
            (r#"$key = $_ENV['API_KEY'] ?? 'v4lue';"#, "API_KEY", "v4lue"),
            ("PASSWORD=${DB_PASSWORD:-v4lue}", "DB_PASSWORD", "v4lue"),
            (
                "      - PASSWORD=${DB_PASSWORD:-\"v4lue\"}",
                "DB_PASSWORD",
                "v4lue",
            ),
            ("PASSWORD=${DB_PASSWORD-v4lue}", "DB_PASSWORD", "v4lue"),
            ("PASSWORD=${DB_PASSWORD:=v4lue}", "DB_PASSWORD", "v4lue"),
            ("  password: ${DB_PASSWORD:v4lue}", "DB_PASSWORD", "v4lue"),
            (
                r#"@Value("${acme.api-key:v4lue}")"#,
                "acme.api-key",
                "v4lue",
            ),
            (
                "url: ${DB_URL:jdbc:postgresql://db:5432/app}",
                "DB_URL",
                "jdbc:postgresql://db:5432/app",
            ),
            (
                r#"{ "key": "X-Api-Key", "value": "v4lue" },"#,
                "X-Api-Key",
                "v4lue",
            ),
            (
                r#"{ "key": "adminPassword", "value": "v4\"lue", "type": "secret" }"#,
                "adminPassword",
                r#"v4\"lue"#,
            ),
            (
                r#"{"name": "Authorization", "value": "Bearer v4lue"}"#,
                "Authorization",
                "Bearer v4lue",
            ),
            (
                r#"{ "key": "token", "type": "string", "value": "v4lue" }"#,
                "token",
                "v4lue",
            ),
            (
                r#""db_password": { "value": "v4lue", "type": "string" },"#,
                "db_password",
                "v4lue",
            ),
        ] {
            assert_eq!(found(text), one(name, value), "{text}");
        }
    }

    #[test]
    fn look_ups_without_a_literal_default_give_nothing() {
        for text in [
            r#"os.getenv("XERO_CLIENT_SECRET")"#,
            r#"os.getenv("XERO_CLIENT_SECRET", None)"#,
            r#"os.getenv("XERO_CLIENT_SECRET", default)"#,
            r#"config("SECRET_KEY", cast=str)"#,
            r#"connect(os.getenv("DB_HOST"), "v4lue")"#,
            r#"process.env.API_KEY || fallbackKey"#,
            r#"process.env.API_KEY"#,
            "${DB_PASSWORD}",
            "${DB_PASSWORD:-}",
            "${DB_PASSWORD:-$OTHER}",
            "${DB_PASSWORD:}",
            "${DB_PASSWORD:${OTHER}}",
            "${DB_PASSWORD:?must be set}",
            "${DB_PASSWORD:+--password}",
            "const s = `${user.name}: ${count}`;",
            "`${ok ? 'a' : 'b'}`",
            r#"getenv("X", "")"#,
            r#"{ "key": "X-Api-Key", "value": "" }"#,
            r#"{ "value": "v4lue", "key": "X-Api-Key" }"#,
            r#"{ "key": "X-Api-Key", "value": apiKey }"#,
            r#"envOr("WEBHOOK_KEY", fallbackKey)"#,
            r#"env.Get("API_TOKEN")"#,
            r#"event("API_TOKEN", "v4lue")"#,
            r#"inventory("API_TOKEN", "v4lue")"#,
            r#"env::var("API_KEY").unwrap_or_else(|_| String::new())"#,
            r#"env::var("API_KEY").unwrap_or(default_key)"#,
        ] {
            assert_eq!(found(text), Vec::new(), "{text}");
        }
    }

    #[test]
    fn matches_are_bounded_by_the_window() {
        let text = r#"x = 1; os.getenv("API_KEY", "v4lue")"#;
        let mut out = Vec::new();
        find(0, text.as_bytes(), 0, 20, &mut out);
        assert!(out.is_empty());
        find(1, text.as_bytes(), 0, text.len(), &mut out);
        assert!(out.is_empty());
        find(0, text.as_bytes(), 7, text.len(), &mut out);
        assert_eq!(out.len(), 1);
    }
}
