//! The judgments on one production settings module's names.
//!
//! A setting whose value is unknown (a function's result, an environment variable with no
//! default) is not judged. A setting that is absent gets Django's default, and a finding about
//! it names the module, unless the module may hold names the interpreter could not see (an
//! unresolved star import), in which case absence proves nothing and is not reported.
//!
//! A setting that passes is recorded as a [`Fact`] under the code it answers, at its assignment
//! (or at the module, when Django's safe default applies): the evidence a checklist shows
//! for a passed item. Facts quote setting names and non-secret values only; of `SECRET_KEY`
//! they give the length and the number of distinct characters.

use std::collections::BTreeMap;

use preflight_findings::{Fact, Finding, Location, LocationKind, Severity};

use crate::codes::{self, severity_of};
use crate::envfiles::EnvSource;
use crate::python::{Binding, Value};

/// One year in seconds: the HSTS duration the guides and the preload list ask for.
const YEAR: i64 = 31_536_000;

/// Sessions longer than this are reported.
const DAY: i64 = 86_400;

/// Django's default session length, two weeks.
const DEFAULT_SESSION_AGE: i64 = 1_209_600;

/// Django's hashers that store passwords with a fast digest or DES crypt. PBKDF2 with SHA1
/// is not among them: it is a slow, iterated construction.
const WEAK_HASHERS: &[&str] = &[
    "MD5PasswordHasher",
    "UnsaltedMD5PasswordHasher",
    "SHA1PasswordHasher",
    "UnsaltedSHA1PasswordHasher",
    "CryptPasswordHasher",
];

/// Apps that lock out or throttle repeated failed logins.
const LOCKOUT_APPS: &[&str] = &[
    "axes",
    "defender",
    "allauth",
    "django_ratelimit",
    "ratelimit",
];

/// Every finding about the settings `names` of the production module `module`, and the facts
/// of the settings that passed.
pub fn judge(
    module: &str,
    names: &BTreeMap<String, Binding>,
    incomplete: bool,
) -> (Vec<Finding>, Vec<Fact>) {
    let mut s = Settings {
        module,
        names,
        incomplete,
        out: Vec::new(),
        facts: Vec::new(),
    };
    debug(&mut s);
    secret_key(&mut s);
    allowed_hosts(&mut s);
    middleware(&mut s);
    hsts(&mut s);
    transport(&mut s);
    headers(&mut s);
    session_age(&mut s);
    passwords(&mut s);
    lockout(&mut s);
    uploads(&mut s);
    hashers(&mut s);
    databases(&mut s);
    cors(&mut s);
    logging(&mut s);
    (s.out, s.facts)
}

/// What a settings module says about one name.
enum Lookup<'a> {
    /// Not assigned: Django's default applies (if the module is complete).
    Missing,
    /// Assigned, with a value the interpreter could not compute.
    Unknown,
    /// Assigned, with this value.
    Known(&'a Binding),
}

struct Settings<'a> {
    module: &'a str,
    names: &'a BTreeMap<String, Binding>,
    incomplete: bool,
    out: Vec<Finding>,
    facts: Vec<Fact>,
}

impl<'a> Settings<'a> {
    fn lookup(&self, name: &str) -> Lookup<'a> {
        match self.names.get(name) {
            None => Lookup::Missing,
            Some(b) if b.value.value.is_unknown() => Lookup::Unknown,
            Some(b) => Lookup::Known(b),
        }
    }

    fn value(&self, name: &str) -> Option<&'a Value> {
        match self.lookup(name) {
            Lookup::Known(b) => Some(&b.value.value),
            _ => None,
        }
    }

    /// Where a judgment of a setting is shown, and its message: at the assignment (saying where
    /// the value came from and that this module inherits it), or at the module when the setting
    /// is absent. `None` when it is absent from a module with unresolved star imports, where
    /// absence proves nothing.
    fn place(&self, binding: Option<&Binding>, message: String) -> Option<(Location, String)> {
        match binding {
            Some(b) => {
                let inherited = if b.file == self.module {
                    String::new()
                } else {
                    format!("; {} inherits it", self.module)
                };
                Some((
                    Location::file(b.file.clone(), b.line, 1),
                    format!("{message}{}{inherited}", origin(b)),
                ))
            }
            None if self.incomplete => None,
            None => Some((Location::whole(LocationKind::File, self.module), message)),
        }
    }

    /// Reports `code` for `setting`, at its assignment or (when absent) at the module.
    fn report(
        &mut self,
        code: &'static str,
        severity: Option<Severity>,
        setting: &str,
        binding: Option<&Binding>,
        message: String,
        help: &str,
    ) {
        let Some((location, message)) = self.place(binding, message) else {
            return;
        };
        let anchor = setting.to_ascii_lowercase().replace('_', "-");
        self.out.push(
            Finding::new(
                code,
                severity.unwrap_or_else(|| severity_of(code)),
                message,
                location,
                setting,
            )
            .with_help(help)
            .with_reference(format!(
                "https://docs.djangoproject.com/en/stable/ref/settings/#{anchor}"
            ))
            .with_detail("setting", setting),
        );
    }

    /// Records that `setting` passes the judgment of `code`: at its assignment, or, when it is
    /// absent (`binding` is `None`) and Django's default is safe, at the module. Absence proves
    /// nothing in a module with unresolved star imports, so nothing is recorded there.
    fn pass(&mut self, code: &'static str, binding: Option<&Binding>, message: String) {
        let Some((location, message)) = self.place(binding, message) else {
            return;
        };
        self.facts.push(Fact::new(code, location, message));
    }

    /// Records `setting = <its value>` as passing `code`.
    fn pass_assigned(&mut self, code: &'static str, setting: &str, binding: &Binding) {
        let message = format!("`{setting} = {}`", shown(&binding.value.value));
        self.pass(code, Some(binding), message);
    }

    /// Records that `setting` is not set and Django's default, `default`, passes `code`.
    fn pass_default(&mut self, code: &'static str, setting: &str, default: &str) {
        let message = format!("{setting} is not set; Django's default `{default}` applies");
        self.pass(code, None, message);
    }

    /// Reports `code` when the boolean setting is not True (absent counts as `default`).
    fn require_true(
        &mut self,
        code: &'static str,
        setting: &str,
        default: bool,
        why: &str,
        help: &str,
    ) {
        match self.lookup(setting) {
            Lookup::Missing if !default => self.report(
                code,
                None,
                setting,
                None,
                format!("{setting} is not set (Django's default is False): {why}"),
                help,
            ),
            Lookup::Known(b) if b.value.value.truthy() == Some(false) => self.report(
                code,
                None,
                setting,
                Some(b),
                format!("{setting} is {}: {why}", shown(&b.value.value)),
                help,
            ),
            Lookup::Known(b) if b.value.value.truthy() == Some(true) => {
                self.pass_assigned(code, setting, b);
            }
            Lookup::Missing if default => self.pass_default(code, setting, "True"),
            _ => {}
        }
    }

    /// Whether MIDDLEWARE has a middleware whose class is `class`; true when MIDDLEWARE is not
    /// a known list, so that an unreadable list does not hide findings.
    fn uses_middleware(&self, class: &str) -> bool {
        match self.value("MIDDLEWARE").and_then(strings) {
            Some(items) => items.iter().any(|m| m.rsplit('.').next() == Some(class)),
            None => true,
        }
    }

    fn installed_apps(&self) -> Option<Vec<&'a str>> {
        strings(self.value("INSTALLED_APPS")?)
    }
}

/// Where an environment-read value came from, for a message.
fn origin(binding: &Binding) -> String {
    match &binding.value.env {
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

/// A short rendering of a non-secret value for a message.
fn shown(value: &Value) -> String {
    match value {
        Value::None => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => shown_text(s),
        Value::List(_) | Value::Tuple(_) => "a list".into(),
        Value::Dict(_) => "a dict".into(),
        _ => "a value".into(),
    }
}

/// A non-secret string for a message: quoted, without control characters, cut at 60.
fn shown_text(text: &str) -> String {
    let short: String = text.chars().filter(|c| !c.is_control()).take(60).collect();
    format!("\"{short}\"")
}

/// All items as strings, when every item is a known string.
fn strings(value: &Value) -> Option<Vec<&str>> {
    value.items()?.iter().map(Value::as_str).collect()
}

fn debug(s: &mut Settings<'_>) {
    let b = match s.lookup("DEBUG") {
        Lookup::Known(b) => b,
        Lookup::Missing => return s.pass_default(codes::DEBUG, "DEBUG", "False"),
        Lookup::Unknown => return,
    };
    if b.value.value.truthy() == Some(false) {
        return s.pass_assigned(codes::DEBUG, "DEBUG", b);
    }
    if b.value.value.truthy() != Some(true) {
        return;
    }
    let note = if matches!(b.value.value, Value::Str(_)) {
        " (a non-empty string, which Python treats as true)"
    } else {
        ""
    };
    s.report(
        codes::DEBUG,
        None,
        "DEBUG",
        Some(b),
        format!(
            "DEBUG is {}{note} in production: error pages show tracebacks, settings and SQL to visitors",
            shown(&b.value.value)
        ),
        "set DEBUG = False for production; read it as a boolean with a False default, e.g. `DEBUG = env.bool(\"DJANGO_DEBUG\", default=False)`",
    );
}

fn secret_key(s: &mut Settings<'_>) {
    let b = match s.lookup("SECRET_KEY") {
        Lookup::Known(b) => b,
        Lookup::Unknown => {
            // Read from the environment with no default in the code: nothing to leak or guess.
            if let Some(b) = s.names.get("SECRET_KEY")
                && let Some(read) = &b.value.env
                && read.source == EnvSource::Unset
            {
                let message = format!(
                    "SECRET_KEY is read from `{}` with no default in the code",
                    read.var
                );
                s.pass(codes::SECRET_KEY_INSECURE, Some(b), message);
            }
            return;
        }
        Lookup::Missing => return,
    };
    let Some(key) = b.value.value.as_str() else {
        return;
    };
    let help = "generate a new key (`preflight gen secret --django`), read it from the environment with no default, and rotate the old one";
    if key.starts_with("django-insecure-") {
        s.report(
            codes::SECRET_KEY_INSECURE,
            None,
            "SECRET_KEY",
            Some(b),
            "SECRET_KEY starts with `django-insecure-`: it is the development key startproject wrote, and anyone with the code can forge sessions and signed data".into(),
            help,
        );
        return;
    }
    let length = key.chars().count();
    let unique = key.chars().collect::<std::collections::BTreeSet<_>>().len();
    if length >= 50 && unique >= 5 {
        let measure = format!("SECRET_KEY has {length} characters, {unique} of them distinct");
        s.pass(codes::SECRET_KEY_WEAK, Some(b), measure);
        s.pass(
            codes::SECRET_KEY_INSECURE,
            Some(b),
            "SECRET_KEY is not a `django-insecure-` development key".into(),
        );
    } else {
        s.report(
            codes::SECRET_KEY_WEAK,
            None,
            "SECRET_KEY",
            Some(b),
            format!(
                "SECRET_KEY has {length} characters, {unique} of them distinct; Django asks for at least 50 characters and 5 distinct ones"
            ),
            help,
        );
    }
}

fn allowed_hosts(s: &mut Settings<'_>) {
    let help = "list the site's host names, e.g. `ALLOWED_HOSTS = [\"www.example.com\"]`";
    match s.lookup("ALLOWED_HOSTS") {
        Lookup::Missing => s.report(
            codes::ALLOWED_HOSTS,
            None,
            "ALLOWED_HOSTS",
            None,
            "ALLOWED_HOSTS is not set: with DEBUG off Django rejects every request, and the usual quick fix is `*`".into(),
            help,
        ),
        Lookup::Known(b) => {
            let Some(hosts) = strings(&b.value.value) else {
                return;
            };
            if hosts.iter().any(|h| h.trim() == "*") {
                s.report(
                    codes::ALLOWED_HOSTS,
                    None,
                    "ALLOWED_HOSTS",
                    Some(b),
                    "ALLOWED_HOSTS accepts any host (`*`): forged Host headers reach password-reset links and cache keys".into(),
                    help,
                );
            } else if hosts.is_empty() {
                s.report(
                    codes::ALLOWED_HOSTS,
                    Some(Severity::Low),
                    "ALLOWED_HOSTS",
                    Some(b),
                    "ALLOWED_HOSTS is empty: with DEBUG off Django rejects every request".into(),
                    help,
                );
            } else {
                let listed: Vec<String> = hosts.iter().take(4).map(|h| shown_text(h)).collect();
                let more = if hosts.len() > listed.len() { ", …" } else { "" };
                let message = format!("ALLOWED_HOSTS lists {}{more}", listed.join(", "));
                s.pass(codes::ALLOWED_HOSTS, Some(b), message);
            }
        }
        Lookup::Unknown => {}
    }
}

fn middleware(s: &mut Settings<'_>) {
    let Lookup::Known(b) = s.lookup("MIDDLEWARE") else {
        return;
    };
    let Some(items) = strings(&b.value.value) else {
        return;
    };
    if items.contains(&"django.middleware.security.SecurityMiddleware") {
        s.pass(
            codes::SECURITY_MIDDLEWARE,
            Some(b),
            "MIDDLEWARE includes `SecurityMiddleware`".into(),
        );
    } else {
        s.report(
            codes::SECURITY_MIDDLEWARE,
            None,
            "MIDDLEWARE",
            Some(b),
            "MIDDLEWARE lacks SecurityMiddleware, so HSTS, the HTTPS redirect, nosniff and the referrer and opener policies are never sent".into(),
            "add \"django.middleware.security.SecurityMiddleware\" at the top of MIDDLEWARE",
        );
    }
    if items.contains(&"django.middleware.clickjacking.XFrameOptionsMiddleware") {
        s.pass(
            codes::X_FRAME_OPTIONS,
            Some(b),
            "MIDDLEWARE includes `XFrameOptionsMiddleware`".into(),
        );
    } else {
        s.report(
            codes::X_FRAME_OPTIONS,
            None,
            "MIDDLEWARE",
            Some(b),
            "MIDDLEWARE lacks XFrameOptionsMiddleware, so pages can be framed by other sites (clickjacking)".into(),
            "add \"django.middleware.clickjacking.XFrameOptionsMiddleware\" to MIDDLEWARE",
        );
    }
}

fn hsts(s: &mut Settings<'_>) {
    let help = "set SECURE_HSTS_SECONDS = 31536000 with SECURE_HSTS_INCLUDE_SUBDOMAINS = True and SECURE_HSTS_PRELOAD = True once every subdomain serves HTTPS (or check that the TLS proxy sends Strict-Transport-Security)";
    let seconds = match s.lookup("SECURE_HSTS_SECONDS") {
        Lookup::Missing => {
            s.report(
                codes::HSTS_MISSING,
                None,
                "SECURE_HSTS_SECONDS",
                None,
                "SECURE_HSTS_SECONDS is not set, so no Strict-Transport-Security header is sent and a first plain-HTTP visit can be intercepted".into(),
                help,
            );
            return;
        }
        Lookup::Unknown => return,
        Lookup::Known(b) => {
            let seconds = match &b.value.value {
                Value::Int(i) => *i,
                Value::None | Value::Bool(false) => 0,
                _ => return,
            };
            if seconds <= 0 {
                s.report(
                    codes::HSTS_MISSING,
                    None,
                    "SECURE_HSTS_SECONDS",
                    Some(b),
                    "SECURE_HSTS_SECONDS is 0, so no Strict-Transport-Security header is sent"
                        .into(),
                    help,
                );
                return;
            }
            if seconds >= YEAR {
                let message = format!("`SECURE_HSTS_SECONDS = {seconds}` ({})", duration(seconds));
                s.pass(codes::HSTS_SHORT, Some(b), message);
            } else {
                let severity = if seconds < DAY {
                    Severity::Medium
                } else {
                    Severity::Low
                };
                s.report(
                    codes::HSTS_SHORT,
                    Some(severity),
                    "SECURE_HSTS_SECONDS",
                    Some(b),
                    format!(
                        "SECURE_HSTS_SECONDS is {seconds} ({}); the guides ask for at least one year (31536000)",
                        duration(seconds)
                    ),
                    help,
                );
            }
            seconds
        }
    };
    if seconds > 0 {
        s.require_true(
            codes::HSTS_SUBDOMAINS,
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            false,
            "subdomains are not covered by HSTS",
            help,
        );
        s.require_true(
            codes::HSTS_PRELOAD,
            "SECURE_HSTS_PRELOAD",
            false,
            "the site cannot join the browsers' HSTS preload list",
            help,
        );
    }
}

/// A byte count for a message: `5 MiB`, `512 KiB`, `1000 bytes`.
fn size(bytes: i64) -> String {
    const KIB: i64 = 1024;
    if bytes > 0 && bytes % (KIB * KIB) == 0 {
        format!("{} MiB", bytes / (KIB * KIB))
    } else if bytes > 0 && bytes % KIB == 0 {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

fn duration(seconds: i64) -> String {
    let (count, unit) = if seconds % DAY == 0 {
        (seconds / DAY, "day")
    } else if seconds % 3600 == 0 {
        (seconds / 3600, "hour")
    } else if seconds % 60 == 0 {
        (seconds / 60, "minute")
    } else {
        (seconds, "second")
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural}")
}

fn transport(s: &mut Settings<'_>) {
    s.require_true(
        codes::SSL_REDIRECT,
        "SECURE_SSL_REDIRECT",
        false,
        "requests over plain HTTP are served instead of redirected to HTTPS",
        "set SECURE_SSL_REDIRECT = True (and SECURE_PROXY_SSL_HEADER behind a TLS-terminating proxy)",
    );
    let sessions = s.uses_middleware("SessionMiddleware");
    let csrf = s.uses_middleware("CsrfViewMiddleware");
    if sessions {
        s.require_true(
            codes::SESSION_COOKIE_SECURE,
            "SESSION_COOKIE_SECURE",
            false,
            "the session cookie is sent over plain HTTP, where it can be stolen",
            "set SESSION_COOKIE_SECURE = True",
        );
    }
    if csrf {
        s.require_true(
            codes::CSRF_COOKIE_SECURE,
            "CSRF_COOKIE_SECURE",
            false,
            "the CSRF cookie is sent over plain HTTP",
            "set CSRF_COOKIE_SECURE = True",
        );
    }
    if sessions {
        s.require_true(
            codes::SESSION_COOKIE_HTTPONLY,
            "SESSION_COOKIE_HTTPONLY",
            true,
            "scripts (and so any XSS) can read the session cookie",
            "remove the setting or set SESSION_COOKIE_HTTPONLY = True",
        );
    }
    s.require_true(
        codes::CONTENT_TYPE_NOSNIFF,
        "SECURE_CONTENT_TYPE_NOSNIFF",
        true,
        "browsers may guess content types and run uploaded files as scripts",
        "remove the setting or set SECURE_CONTENT_TYPE_NOSNIFF = True",
    );
}

fn headers(s: &mut Settings<'_>) {
    match s.lookup("X_FRAME_OPTIONS") {
        Lookup::Known(b)
            if b.value
                .value
                .as_str()
                .is_some_and(|v| v.eq_ignore_ascii_case("DENY")) =>
        {
            s.pass_assigned(codes::X_FRAME_OPTIONS, "X_FRAME_OPTIONS", b);
        }
        Lookup::Missing if s.uses_middleware("XFrameOptionsMiddleware") => {
            s.pass_default(codes::X_FRAME_OPTIONS, "X_FRAME_OPTIONS", "DENY");
        }
        _ => {}
    }
    if let Lookup::Known(b) = s.lookup("X_FRAME_OPTIONS")
        && let Some(value) = b.value.value.as_str()
        && !value.eq_ignore_ascii_case("DENY")
    {
        let severity = if value.eq_ignore_ascii_case("SAMEORIGIN") {
            Severity::Low
        } else {
            Severity::Medium
        };
        s.report(
            codes::X_FRAME_OPTIONS,
            Some(severity),
            "X_FRAME_OPTIONS",
            Some(b),
            format!(
                "X_FRAME_OPTIONS is {}; Django's deploy check asks for DENY unless the site frames its own pages",
                shown(&b.value.value)
            ),
            "set X_FRAME_OPTIONS = \"DENY\" (the default)",
        );
    }
    match s.lookup("SECURE_REFERRER_POLICY") {
        Lookup::Missing => s.pass_default(
            codes::REFERRER_POLICY,
            "SECURE_REFERRER_POLICY",
            "same-origin",
        ),
        Lookup::Known(b) if b.value.value.as_str().is_some_and(|p| !leaks_referrer(p)) => {
            s.pass_assigned(codes::REFERRER_POLICY, "SECURE_REFERRER_POLICY", b);
        }
        _ => {}
    }
    if let Lookup::Known(b) = s.lookup("SECURE_REFERRER_POLICY") {
        let leaky = match &b.value.value {
            Value::None => true,
            Value::Str(p) => leaks_referrer(p),
            _ => false,
        };
        if leaky {
            s.report(
                codes::REFERRER_POLICY,
                None,
                "SECURE_REFERRER_POLICY",
                Some(b),
                format!(
                    "SECURE_REFERRER_POLICY is {}, so full URLs (with tokens in their query strings) are sent to other sites",
                    shown(&b.value.value)
                ),
                "set SECURE_REFERRER_POLICY = \"same-origin\" (the default) or \"strict-origin-when-cross-origin\"",
            );
        }
    }
    match s.lookup("SECURE_CROSS_ORIGIN_OPENER_POLICY") {
        Lookup::Missing => s.pass_default(
            codes::COOP,
            "SECURE_CROSS_ORIGIN_OPENER_POLICY",
            "same-origin",
        ),
        Lookup::Known(b) if b.value.value.as_str().is_some_and(|p| p != "unsafe-none") => {
            s.pass_assigned(codes::COOP, "SECURE_CROSS_ORIGIN_OPENER_POLICY", b);
        }
        _ => {}
    }
    if let Lookup::Known(b) = s.lookup("SECURE_CROSS_ORIGIN_OPENER_POLICY") {
        let off = match &b.value.value {
            Value::None => true,
            Value::Str(p) => p == "unsafe-none",
            _ => false,
        };
        if off {
            s.report(
                codes::COOP,
                None,
                "SECURE_CROSS_ORIGIN_OPENER_POLICY",
                Some(b),
                format!(
                    "SECURE_CROSS_ORIGIN_OPENER_POLICY is {}, so pages opened from other sites share a browsing context with them",
                    shown(&b.value.value)
                ),
                "set SECURE_CROSS_ORIGIN_OPENER_POLICY = \"same-origin\" (the default)",
            );
        }
    }
}

/// Whether a referrer policy (possibly a comma-separated fallback list) sends full URLs to
/// other sites.
fn leaks_referrer(policy: &str) -> bool {
    policy
        .split(',')
        .map(str::trim)
        .any(|p| matches!(p, "unsafe-url" | "no-referrer-when-downgrade"))
}

fn session_age(s: &mut Settings<'_>) {
    if !s.uses_middleware("SessionMiddleware") {
        return;
    }
    let help = "set SESSION_COOKIE_AGE to 86400 (24 hours) or less";
    match s.lookup("SESSION_COOKIE_AGE") {
        Lookup::Missing => s.report(
            codes::SESSION_AGE,
            None,
            "SESSION_COOKIE_AGE",
            None,
            format!(
                "SESSION_COOKIE_AGE is not set, so sessions last Django's default of {}; the guides ask for at most 24 hours",
                duration(DEFAULT_SESSION_AGE)
            ),
            help,
        ),
        Lookup::Known(b) => {
            if let Value::Int(age) = b.value.value
                && age <= DAY
            {
                let message = format!("`SESSION_COOKIE_AGE = {age}` ({})", duration(age));
                s.pass(codes::SESSION_AGE, Some(b), message);
            } else if let Value::Int(age) = b.value.value
                && age > DAY
            {
                s.report(
                    codes::SESSION_AGE,
                    None,
                    "SESSION_COOKIE_AGE",
                    Some(b),
                    format!(
                        "SESSION_COOKIE_AGE is {age} ({}); the guides ask for at most 24 hours",
                        duration(age)
                    ),
                    help,
                );
            }
        }
        Lookup::Unknown => {}
    }
}

fn uses_auth(s: &Settings<'_>) -> bool {
    s.installed_apps()
        .is_some_and(|apps| apps.contains(&"django.contrib.auth"))
}

fn passwords(s: &mut Settings<'_>) {
    if !uses_auth(s) {
        return;
    }
    let help = "list django.contrib.auth.password_validation's MinimumLengthValidator (OPTIONS min_length 8 or more, 12 is better), CommonPasswordValidator, UserAttributeSimilarityValidator and NumericPasswordValidator in AUTH_PASSWORD_VALIDATORS";
    let binding = match s.lookup("AUTH_PASSWORD_VALIDATORS") {
        Lookup::Missing => {
            s.report(
                codes::PASSWORD_VALIDATORS,
                None,
                "AUTH_PASSWORD_VALIDATORS",
                None,
                "AUTH_PASSWORD_VALIDATORS is not set, so any password is accepted, even one character long".into(),
                help,
            );
            return;
        }
        Lookup::Unknown => return,
        Lookup::Known(b) => b,
    };
    let Some(items) = binding.value.value.items() else {
        return;
    };
    if items.is_empty() {
        s.report(
            codes::PASSWORD_VALIDATORS,
            None,
            "AUTH_PASSWORD_VALIDATORS",
            Some(binding),
            "AUTH_PASSWORD_VALIDATORS is empty, so any password is accepted, even one character long".into(),
            help,
        );
        return;
    }
    s.pass(
        codes::PASSWORD_VALIDATORS,
        Some(binding),
        format!(
            "AUTH_PASSWORD_VALIDATORS lists {}",
            if items.len() == 1 {
                "1 validator".to_string()
            } else {
                format!("{} validators", items.len())
            }
        ),
    );
    let mut names = Vec::new();
    let mut min_length: Option<Option<i64>> = None;
    for item in items {
        let Some(name) = item.get("NAME").and_then(Value::as_str) else {
            return;
        };
        names.push(name);
        if name.ends_with("MinimumLengthValidator") {
            let length = match item.get("OPTIONS").and_then(|o| o.get("min_length")) {
                None => Some(8),
                Some(Value::Int(n)) => Some(*n),
                Some(_) => None,
            };
            min_length = Some(length);
        }
    }
    match min_length {
        Some(Some(n)) if n < 8 => s.report(
            codes::PASSWORD_MIN_LENGTH,
            None,
            "AUTH_PASSWORD_VALIDATORS",
            Some(binding),
            format!("MinimumLengthValidator allows passwords of {n} characters; the guides ask for at least 8"),
            help,
        ),
        None if !names.iter().any(|n| n.contains("Length")) => s.report(
            codes::PASSWORD_MIN_LENGTH,
            None,
            "AUTH_PASSWORD_VALIDATORS",
            Some(binding),
            "AUTH_PASSWORD_VALIDATORS has no MinimumLengthValidator, so short passwords are accepted".into(),
            help,
        ),
        Some(Some(n)) => s.pass(
            codes::PASSWORD_MIN_LENGTH,
            Some(binding),
            format!("`MinimumLengthValidator` asks for at least {n} characters"),
        ),
        _ => {}
    }
    if names.iter().any(|n| n.ends_with("CommonPasswordValidator")) {
        s.pass(
            codes::PASSWORD_COMMON,
            Some(binding),
            "AUTH_PASSWORD_VALIDATORS includes `CommonPasswordValidator`".into(),
        );
    } else {
        s.report(
            codes::PASSWORD_COMMON,
            None,
            "AUTH_PASSWORD_VALIDATORS",
            Some(binding),
            "AUTH_PASSWORD_VALIDATORS has no CommonPasswordValidator, so the 20,000 most common passwords are accepted".into(),
            help,
        );
    }
}

fn lockout(s: &mut Settings<'_>) {
    let Lookup::Known(b) = s.lookup("INSTALLED_APPS") else {
        return;
    };
    let Some(apps) = strings(&b.value.value) else {
        return;
    };
    if !apps.contains(&"django.contrib.auth") {
        return;
    }
    let locked = apps.iter().find(|app| {
        let top = app.split('.').next().unwrap_or(app);
        LOCKOUT_APPS.contains(&top)
    });
    if let Some(app) = locked {
        let message = format!("INSTALLED_APPS includes `{app}`, which limits failed logins");
        s.pass(codes::LOGIN_LOCKOUT, Some(b), message);
    } else {
        s.report(
            codes::LOGIN_LOCKOUT,
            None,
            "INSTALLED_APPS",
            Some(b),
            "no login lockout or throttling app is installed, so passwords can be guessed without limit".into(),
            "install django-axes (add \"axes\" to INSTALLED_APPS and its middleware and backend) or django-defender",
        );
    }
}

fn uploads(s: &mut Settings<'_>) {
    let mut any_set = false;
    for setting in [
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
        "FILE_UPLOAD_MAX_MEMORY_SIZE",
        "DATA_UPLOAD_MAX_NUMBER_FIELDS",
        "DATA_UPLOAD_MAX_NUMBER_FILES",
    ] {
        match s.lookup(setting) {
            Lookup::Missing => {}
            Lookup::Unknown => any_set = true,
            Lookup::Known(b) => {
                any_set = true;
                if let Value::Int(limit) = b.value.value {
                    let message = format!("`{setting} = {limit}` ({})", size(limit));
                    s.pass(codes::UPLOAD_LIMITS, Some(b), message);
                } else if b.value.value == Value::None {
                    s.report(
                        codes::UPLOAD_LIMITS,
                        None,
                        setting,
                        Some(b),
                        format!("{setting} is None, which switches the limit off: one request can exhaust memory or CPU"),
                        "set a limit sized to the largest legitimate request",
                    );
                }
            }
        }
    }
    if !any_set {
        s.report(
            codes::UPLOAD_LIMITS_DEFAULT,
            None,
            "DATA_UPLOAD_MAX_MEMORY_SIZE",
            None,
            "no upload limit is set (DATA_UPLOAD_MAX_MEMORY_SIZE, FILE_UPLOAD_MAX_MEMORY_SIZE); Django's 2.5 MB defaults apply".into(),
            "set DATA_UPLOAD_MAX_MEMORY_SIZE and FILE_UPLOAD_MAX_MEMORY_SIZE to the sizes the app needs, and limit request bodies at the proxy",
        );
    }
}

fn hashers(s: &mut Settings<'_>) {
    let b = match s.lookup("PASSWORD_HASHERS") {
        Lookup::Known(b) => b,
        Lookup::Missing => {
            return s.pass_default(
                codes::WEAK_HASHER,
                "PASSWORD_HASHERS",
                "PBKDF2PasswordHasher",
            );
        }
        Lookup::Unknown => return,
    };
    let Some(items) = strings(&b.value.value) else {
        return;
    };
    let class_of = |hasher: &str| hasher.rsplit('.').next().unwrap_or(hasher).to_string();
    if !items.is_empty()
        && items
            .iter()
            .all(|h| !WEAK_HASHERS.contains(&class_of(h).as_str()))
    {
        let message = format!(
            "PASSWORD_HASHERS stores new passwords with `{}` and lists no MD5, SHA1 or crypt hasher",
            class_of(items[0])
        );
        s.pass(codes::WEAK_HASHER, Some(b), message);
    }
    for (i, hasher) in items.iter().enumerate() {
        let class = hasher.rsplit('.').next().unwrap_or(hasher);
        let weak = WEAK_HASHERS.contains(&class);
        if !weak {
            continue;
        }
        let (severity, role) = if i == 0 {
            (
                Severity::High,
                "first, so every new password is stored with it",
            )
        } else {
            (
                Severity::Low,
                "listed to verify old passwords, which stay weakly hashed until their users log in",
            )
        };
        s.report(
            codes::WEAK_HASHER,
            Some(severity),
            "PASSWORD_HASHERS",
            Some(b),
            format!("PASSWORD_HASHERS lists {class} {role}; MD5, SHA1 and crypt hashes are cracked in bulk"),
            "put Argon2PasswordHasher or PBKDF2PasswordHasher first and remove the weak hasher once old hashes are upgraded",
        );
    }
}

fn databases(s: &mut Settings<'_>) {
    let Lookup::Known(b) = s.lookup("DATABASES") else {
        return;
    };
    let Value::Dict(aliases) = &b.value.value else {
        return;
    };
    for (alias, config) in aliases {
        let (Some(alias), Value::Dict(_)) = (alias.as_str(), config) else {
            continue;
        };
        let Some(engine) = config.get("ENGINE").and_then(Value::as_str) else {
            continue;
        };
        if !(engine.contains("postgres") || engine.contains("postgis")) {
            continue;
        }
        // A named remote host is medium; an unknown host or a one-label name (a compose or
        // cluster service on a private network) is low.
        let severity = match config.get("HOST") {
            Some(Value::Str(host)) if is_local_host(host) => continue,
            None => continue,
            Some(Value::Str(host))
                if host.contains('.')
                    && host
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') =>
            {
                Severity::Medium
            }
            _ => Severity::Low,
        };
        let sslmode = config
            .get("OPTIONS")
            .map(|o| o.get("sslmode"))
            .unwrap_or(Some(&Value::None));
        match sslmode {
            Some(Value::Str(mode))
                if matches!(mode.as_str(), "require" | "verify-ca" | "verify-full") =>
            {
                let message = format!("DATABASES[\"{alias}\"] OPTIONS ask for `sslmode={mode}`");
                s.pass(codes::DATABASE_SSLMODE, Some(b), message);
            }
            Some(Value::Unknown) => {}
            Some(other) if !matches!(other, Value::Str(_) | Value::None) => {}
            Some(Value::None) if config.get("OPTIONS").is_some_and(Value::is_unknown) => {}
            mode => {
                let said = match mode {
                    Some(Value::Str(m)) => format!("asks for sslmode {m}"),
                    _ => "does not set sslmode".into(),
                };
                s.report(
                    codes::DATABASE_SSLMODE,
                    Some(severity),
                    "DATABASES",
                    Some(b),
                    format!("DATABASES[\"{alias}\"] connects to PostgreSQL and {said}, so the connection may be unencrypted"),
                    "set \"OPTIONS\": {\"sslmode\": \"require\"} (or verify-full with the server's CA)",
                );
            }
        }
    }
}

fn is_local_host(host: &str) -> bool {
    let host = host.trim();
    host.is_empty() || host.starts_with('/') || matches!(host, "localhost" | "127.0.0.1" | "::1")
}

fn cors(s: &mut Settings<'_>) {
    let mut all = None;
    for setting in ["CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"] {
        if let Lookup::Known(b) = s.lookup(setting)
            && b.value.value.truthy() == Some(true)
        {
            all = Some((setting, b));
        }
    }
    if all.is_none()
        && let Lookup::Known(b) = s.lookup("CORS_ALLOWED_ORIGIN_REGEXES")
        && strings(&b.value.value).is_some_and(|r| r.iter().any(|r| matches_anything(r)))
    {
        all = Some(("CORS_ALLOWED_ORIGIN_REGEXES", b));
    }
    let Some((setting, b)) = all else {
        if let Lookup::Known(b) = s.lookup("CORS_ALLOWED_ORIGINS")
            && let Some(origins) = strings(&b.value.value)
        {
            let message = match origins.len() {
                0 => "CORS_ALLOWED_ORIGINS is empty: no other origin may read responses".into(),
                1 => format!(
                    "CORS_ALLOWED_ORIGINS lists one origin, {}",
                    shown_text(origins[0])
                ),
                n => format!("CORS_ALLOWED_ORIGINS lists {n} origins and no wildcard"),
            };
            s.pass(codes::CORS_ALL, Some(b), message);
        }
        return;
    };
    let credentials = matches!(s.lookup("CORS_ALLOW_CREDENTIALS"), Lookup::Known(c) if c.value.value.truthy() == Some(true));
    if credentials {
        s.report(
            codes::CORS_ALL_WITH_CREDENTIALS,
            None,
            setting,
            Some(b),
            format!("{setting} allows every origin and CORS_ALLOW_CREDENTIALS is True, so any web site can make requests with the user's cookies and read the answers"),
            "list the trusted origins in CORS_ALLOWED_ORIGINS instead of allowing all",
        );
    } else {
        s.report(
            codes::CORS_ALL,
            None,
            setting,
            Some(b),
            format!("{setting} allows every origin to read the API's responses"),
            "list the trusted origins in CORS_ALLOWED_ORIGINS unless the API is meant to be public",
        );
    }
}

/// Whether an origin regex accepts any origin.
pub(crate) fn matches_anything(pattern: &str) -> bool {
    let core = pattern.trim_start_matches('^').trim_end_matches('$');
    matches!(
        core,
        ".*" | ".+" | "*" | "(.*)" | "https?://.*" | "https://.*" | "http://.*"
    )
}

fn logging(s: &mut Settings<'_>) {
    let b = match s.lookup("LOGGING") {
        Lookup::Known(b) => b,
        Lookup::Missing => {
            let message = "LOGGING is not set; Django's default logs no request data or SQL at DEBUG in production".into();
            return s.pass(codes::LOGGING_DEBUG, None, message);
        }
        Lookup::Unknown => return,
    };
    let reported = s.out.len();
    logging_loggers(s, b);
    if s.out.len() == reported
        && b.value
            .value
            .get("loggers")
            .is_some_and(|l| matches!(l, Value::Dict(_)))
    {
        s.pass(
            codes::LOGGING_DEBUG,
            Some(b),
            "LOGGING sets no `django`, `django.request` or `django.db.backends` logger to DEBUG level".into(),
        );
    }
}

/// Reports each Django logger that LOGGING writes at DEBUG level.
fn logging_loggers(s: &mut Settings<'_>, b: &Binding) {
    let Some(loggers) = b.value.value.get("loggers") else {
        return;
    };
    let Value::Dict(loggers) = loggers else {
        return;
    };
    let handlers = b.value.value.get("handlers");
    for (name, config) in loggers {
        let Some(name) = name.as_str() else {
            continue;
        };
        if !matches!(
            name,
            "django" | "django.request" | "django.db.backends" | "django.server"
        ) {
            continue;
        }
        let Some(level) = config.get("level").and_then(Value::as_str) else {
            continue;
        };
        if !level.eq_ignore_ascii_case("DEBUG") {
            continue;
        }
        // A DEBUG logger whose every handler drops DEBUG records writes nothing at DEBUG.
        if let Some(names) = config.get("handlers").and_then(strings)
            && !names.is_empty()
            && names.iter().all(|h| {
                handlers
                    .and_then(|all| all.get(h))
                    .and_then(|handler| handler.get("level"))
                    .and_then(Value::as_str)
                    .is_some_and(|l| !l.eq_ignore_ascii_case("DEBUG"))
            })
        {
            continue;
        }
        let what = if name == "django.db.backends" || name == "django" {
            "every SQL query with its parameters (passwords, tokens, personal data)"
        } else {
            "request details"
        };
        s.report(
            codes::LOGGING_DEBUG,
            None,
            "LOGGING",
            Some(b),
            format!("LOGGING sends the `{name}` logger at DEBUG level, which writes {what} to the logs"),
            "log `django`, `django.request` and `django.db.backends` at INFO or WARNING in production",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_origin_regexes() {
        assert!(matches_anything("^.*$"));
        assert!(matches_anything(".*"));
        assert!(matches_anything("^https://.*$"));
        assert!(!matches_anything(r"^https://\w+\.example\.com$"));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(1_209_600), "14 days");
        assert_eq!(duration(3600), "1 hour");
        assert_eq!(duration(7200), "2 hours");
        assert_eq!(duration(90), "90 seconds");
        assert_eq!(duration(60), "1 minute");
    }
}
