//! The filters a matched value goes through before it becomes a finding.
//!
//! Each returns the [`DropReason`] that `--explain` shows. They look only at the value (and, for
//! inline markers, its line), are cheap, and run only on regex matches, which are rare; so they
//! favour clarity over speed.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use preflight_findings::DropReason;

/// Substrings that mark a value as a placeholder, lowercase.
const PLACEHOLDER_PARTS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changethis",
    "change_this",
    "your_",
    "your-",
    "yourapi",
    "yoursecret",
    "yourtoken",
    "yourpass",
    "yourkey",
    "example",
    "dummy",
    "redacted",
    "placeholder",
    "place_holder",
    "password",
    "passw0rd",
    "sample",
    "fake",
    "xxxx",
    "****",
    "...",
    "todo",
    "fixme",
    "insert_",
    "insert-",
    "replace_",
    "replace-",
    "replaceme",
    "notreal",
    "not_real",
    "not-real",
    "_here",
    "-here",
    "foobar",
    "lorem",
    "mysecret",
    "my_secret",
    "my-secret",
    "supersecret",
    "super_secret",
    "secret123",
    "password123",
    "p@ssw0rd",
    "s3cr3t",
    "hunter2",
];

/// Whole values that are placeholders, lowercase.
const PLACEHOLDER_VALUES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "admin",
    "root",
    "test",
    "testing",
    "null",
    "none",
    "nil",
    "postgres",
    "postgresql",
    "mysql",
    "mongo",
    "mongodb",
    "redis",
    "rabbitmq",
    "user",
    "username",
    "password1",
    "secret1",
    "undefined",
    "true",
    "false",
    "pass",
    "default",
    "string",
    "value",
    "key",
    "apikey",
    "api_key",
    "empty",
    "required",
    "optional",
    "secretkey",
    "secret_key",
    "private",
    "guest",
    "letmein",
    "qwerty",
    "unknown",
    "missing",
    "disabled",
    "invalid",
    "foo",
    "bar",
    "baz",
    "qux",
    "pwd",
    "s3cret",
    "changeit",
    "welcome",
    "1234",
    "12345",
    "123456",
    "1234567",
    "abc123",
    "pass123",
    "test123",
    "admin123",
    "testpass",
    "mypass",
    "userpass",
];

/// Endings of values that name a password instead of being one (`redis_pass`, `db-pwd`),
/// lowercase.
const PLACEHOLDER_SUFFIXES: &[&str] = &["_pass", "-pass", "_pwd", "-pwd", "_passwd", "_secret"];

/// Well-known example credentials from providers' documentation; a value containing one is
/// dropped.
const DOCUMENTATION_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    // The random part of GitHub's example token, which copies carry under every prefix.
    "16C7e42F292c6912E7710c838347Ae178B4a",
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    // The Azure Storage emulator's (Azurite's) fixed development account key.
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    // Cisco Meraki's public read-only sandbox key, printed in its documentation.
    "6bec40cf957de430a6f1f2baa056b99a4fac9ea0",
    // The SAS signature of the sample token in AWS DataSync's Azure Blob documentation.
    "aBBKDWQvyuVcTPH9EBp%2FXTI9E%2F%2Fmq171%2BZU178wcwqU%3D",
];

/// Inline markers that allow a line, from preflight and the tools teams migrate from.
pub const INLINE_MARKERS: &[&str] = &[
    "preflight:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
    "kingfisher:ignore",
    "trufflehog:ignore",
];

/// Values that refer to another value instead of being one, lowercase.
const REFERENCE_PARTS: &[&str] = &[
    "${",
    "{{",
    "}}",
    "os.environ",
    "os.getenv",
    "getenv(",
    "process.env",
    "import.meta.env",
    "env(",
    "env[",
    "env.fetch",
    "settings.",
    "config.",
    "config[",
    "secrets.",
    "vault:",
    "#{",
];

/// The automata the filters search with, built once per scanner.
#[derive(Debug, Clone)]
pub struct Filters {
    markers: AhoCorasick,
    placeholders: AhoCorasick,
    references: AhoCorasick,
    examples: AhoCorasick,
}

fn automaton(patterns: &[&str], case_insensitive: bool) -> AhoCorasick {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(case_insensitive)
        .match_kind(MatchKind::LeftmostFirst)
        .build(patterns)
        .expect("a few literal patterns always build")
}

impl Default for Filters {
    fn default() -> Self {
        Filters {
            markers: automaton(INLINE_MARKERS, true),
            placeholders: automaton(PLACEHOLDER_PARTS, true),
            references: automaton(REFERENCE_PARTS, true),
            examples: automaton(DOCUMENTATION_EXAMPLES, false),
        }
    }
}

impl Filters {
    /// The inline marker on `line`, if any.
    pub fn marker(&self, line: &[u8]) -> Option<DropReason> {
        self.markers.find(line).map(|m| DropReason::InlineMarker {
            marker: INLINE_MARKERS[m.pattern().as_usize()].to_string(),
        })
    }

    /// Whether `value` is or contains a documentation example.
    pub fn documentation_example(&self, value: &[u8]) -> Option<DropReason> {
        self.examples
            .is_match(value)
            .then_some(DropReason::DocumentationExample)
    }

    /// Whether `value` refers to another value: by syntax (`${X}`, `os.environ[...]`,
    /// `process.env.X`) or by being the name of one (see [`Filters::code_name`]).
    pub fn reference(&self, value: &[u8]) -> Option<DropReason> {
        self.syntax_reference(value)
            .or_else(|| self.code_name(value))
    }

    /// Whether `value` refers to another value by syntax: `${X}`, `$X`, `%(x)s`,
    /// `os.environ[...]`, `process.env.X`, `{{ x }}`, or a format string (`Bearer %s`); or
    /// stands for a value decrypted where it is used: an encrypted value (see
    /// [`encrypted_by`]), which is never the credential itself.
    pub fn syntax_reference(&self, value: &[u8]) -> Option<DropReason> {
        if let Some(tool) = encrypted_by(value) {
            return Some(DropReason::Malformed {
                problem: format!("a value encrypted by {tool}, not the credential"),
            });
        }
        let is_variable = value.first() == Some(&b'$')
            && value
                .get(1)
                .is_some_and(|&b| b == b'{' || b == b'(' || b.is_ascii_uppercase() || b == b'_');
        let is_format = value.starts_with(b"%(") || is_format_string(value);
        (is_variable || is_format || self.references.is_match(value))
            .then_some(DropReason::Reference)
    }

    /// Whether `value` is shaped like the name of a value in code: a dotted name
    /// (`settings.api_key`), a constant (`CLIENT_TRAFFIC_SECRET_0`) or a call of a dotted name
    /// (`json.load(open(...))`, which computes the value). Values that begin with a rule's
    /// documented prefix are not judged by this (the scanner's caller decides).
    pub fn code_name(&self, value: &[u8]) -> Option<DropReason> {
        (is_dotted_name(value) || is_constant_name(value) || is_dotted_call(value))
            .then_some(DropReason::Reference)
    }

    /// Whether `value` is a placeholder, and which kind.
    pub fn placeholder(&self, value: &[u8]) -> Option<DropReason> {
        let reason = |pattern: &str| {
            Some(DropReason::Placeholder {
                pattern: pattern.to_string(),
            })
        };
        if let Some(m) = self.placeholders.find(value) {
            return reason(PLACEHOLDER_PARTS[m.pattern().as_usize()]);
        }
        if let Some(word) = PLACEHOLDER_VALUES
            .iter()
            .find(|w| value.eq_ignore_ascii_case(w.as_bytes()))
        {
            return reason(word);
        }
        if let Some(suffix) = PLACEHOLDER_SUFFIXES.iter().find(|s| {
            value.len() > s.len()
                && value[value.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
        }) {
            return reason(suffix);
        }
        if has_bracketed_placeholder(value) {
            return reason("<...>");
        }
        if value.starts_with(b"-----BEGIN") && memchr::memmem::find(value, b"..").is_some() {
            return reason("a key block with elided lines");
        }
        if is_user_and_hash(value) {
            return reason("a user and password hash, not a password");
        }
        if is_word_slug(value) {
            return reason("lower-case words joined by hyphens: an instruction, not a secret");
        }
        shape(body(value)).and_then(reason)
    }
}

/// The tool that encrypted `value`, when it is an encrypted value: sops
/// (`ENC[AES256_GCM,data:...]`, possibly cut short by the rule's pattern) or dotenvx
/// (`encrypted:` and base64).
pub fn encrypted_by(value: &[u8]) -> Option<&'static str> {
    if value.starts_with(b"ENC[AES256_GCM,data:") {
        return Some("sops");
    }
    let dotenvx = value.strip_prefix(b"encrypted:").is_some_and(|body| {
        body.len() >= 16
            && body.iter().all(|&b| {
                b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')
            })
    });
    dotenvx.then_some("dotenvx")
}

/// Whether `value` holds a bracketed placeholder: `<password>`, `<your-api-key>`,
/// `<API KEY>`, `sk_live_<redacted>`, or a template tag (`<%= ENV["KEY"] %>`). Inside the
/// brackets are two characters or more, letters (one at least), digits, `_`, `-`, `.` and
/// spaces; a random key whose alphabet holds `<` and `>` (WordPress salts, Django keys) has
/// other characters between them.
pub fn has_bracketed_placeholder(value: &[u8]) -> bool {
    if memchr::memmem::find(value, b"<%").is_some() && memchr::memmem::find(value, b"%>").is_some()
    {
        return true;
    }
    // One pass: each `>` closes the latest `<` before it.
    let mut open = None;
    for (i, &b) in value.iter().enumerate() {
        match b {
            b'<' => open = Some(i),
            b'>' => {
                if let Some(start) = open.take() {
                    let word = &value[start + 1..i];
                    if word.len() >= 2
                        && word.iter().any(u8::is_ascii_alphabetic)
                        && word.iter().all(|b| {
                            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b' ')
                        })
                    {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether `value` is a format string whose directives (`%s`, `%d`, `%(name)s`, `{}`, `{0}`,
/// `{name}`) a value fills in: `Bearer %s`, `%(password)s`, `postgres://%s:%s@%s/%s`,
/// `Token {}`. A long value whose text around
/// the directives is random (high entropy, not a URL, not a sentence) is a generated secret
/// that happens to hold `%s` or `%d`, as Django secret keys and WordPress salts may.
pub fn is_format_string(value: &[u8]) -> bool {
    let mut directives = 0;
    let mut scheme_tag = false;
    let mut literal = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'%' {
            match value.get(i + 1) {
                Some(b's' | b'd') => {
                    directives += 1;
                    i += 2;
                    continue;
                }
                Some(b'(') => {
                    let rest = &value[i + 2..];
                    let close = rest.iter().position(|&b| b == b')');
                    if let Some(close) = close
                        && close > 0
                        && rest[..close]
                            .iter()
                            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
                        && matches!(rest.get(close + 1), Some(b's' | b'd' | b'r'))
                    {
                        directives += 1;
                        i += close + 4;
                        continue;
                    }
                }
                _ => {}
            }
        }
        if value[i] == b'{'
            && let Some(close) = value[i + 1..].iter().take(33).position(|&b| b == b'}')
        {
            let inside = &value[i + 1..i + 1 + close];
            let placeholder = inside.iter().all(u8::is_ascii_digit)
                || (inside[0].is_ascii_alphabetic() || inside[0] == b'_')
                    && inside
                        .iter()
                        .all(|b| b.is_ascii_alphanumeric() || *b == b'_');
            if placeholder {
                // A named tag that opens a value (`{SHA}...`, `{bcrypt}$2a$...`, `{noop}...`)
                // names the password's storage scheme.
                scheme_tag |= i == 0 && !inside.is_empty() && !inside[0].is_ascii_digit();
                directives += 1;
                i += close + 2;
                continue;
            }
        }
        literal.push(value[i]);
        i += 1;
    }
    if directives == 0
        || (scheme_tag
            && directives == 1
            && !literal.is_empty()
            && !literal.iter().any(u8::is_ascii_whitespace))
    {
        return false;
    }
    let spaces = literal.iter().filter(|b| b.is_ascii_whitespace()).count();
    let url = memchr::memmem::find(value, b"://").is_some();
    let random = value.len() >= 40 && spaces <= 2 && !url && entropy(&literal) >= 4.3;
    // A shorter password may hold `%s` too: one directive in a run of ten characters or more
    // that mixes capitals, small letters, digits and symbols, with no space and not in words
    // (`Api-Key-%s-v2`), is not a template.
    let mixed = directives == 1
        && literal.len() >= 10
        && spaces == 0
        && !url
        && literal.iter().any(u8::is_ascii_uppercase)
        && literal.iter().any(u8::is_ascii_lowercase)
        && literal.iter().any(u8::is_ascii_digit)
        && literal.iter().any(u8::is_ascii_punctuation)
        && !reads_as_words(&literal);
    !(random || mixed)
}

/// Whether `value` is an instruction or a description written as a slug
/// (`generate-with-openssl-rand-hex-32`, `set_this_in_production`): three or more lower-case
/// words joined by `-` or `_`, with at most counts beside them. Generated secrets mix letters
/// and digits within their parts; a UUID's parts are hex, so at least one word must hold a
/// letter beyond `f`.
pub fn is_word_slug(value: &[u8]) -> bool {
    let parts = || value.split(|&b| b == b'-' || b == b'_');
    let words = parts()
        .filter(|p| p.len() >= 2 && p.iter().all(u8::is_ascii_lowercase))
        .count();
    let well_formed = parts().all(|p| {
        !p.is_empty() && (p.iter().all(u8::is_ascii_lowercase) || p.iter().all(u8::is_ascii_digit))
    });
    let beyond_hex = parts().any(|p| p.iter().any(|&b| b > b'f' && b.is_ascii_lowercase()));
    well_formed && words >= 3 && beyond_hex
}

/// The name a value is assigned to on its line (`NextToken` in `"NextToken": "..."`,
/// `apiKey` in `apiKey?: string`), or `None` when the value does not follow `name =`, `name:`,
/// `name:=` or `name =>`.
pub fn assigned_name<'a>(bytes: &'a [u8], secret: &Range<usize>) -> Option<&'a [u8]> {
    let floor = secret.start.saturating_sub(256);
    let start =
        memchr::memrchr(b'\n', &bytes[floor..secret.start]).map_or(floor, |i| floor + i + 1);
    let line = &bytes[start..secret.start];
    let mut i = line.len();
    let skip = |i: &mut usize, set: &[u8]| {
        while *i > 0 && set.contains(&line[*i - 1]) {
            *i -= 1;
        }
    };
    skip(&mut i, b"\"'` \t");
    if line[..i].ends_with(b"=>") || line[..i].ends_with(b":=") {
        i -= 2;
    } else if i > 0 && matches!(line[i - 1], b'=' | b':') {
        i -= 1;
    } else {
        return None;
    }
    skip(&mut i, b"\"'` \t?");
    let end = i;
    while i > 0
        && (line[i - 1].is_ascii_alphanumeric() || matches!(line[i - 1], b'_' | b'-' | b'.'))
    {
        i -= 1;
    }
    (i < end).then(|| &line[i..end])
}

/// Whether `name` is a pagination field (`NextToken`, `nextPageToken`, `continuation_token`,
/// `cursor`, `NextMarker`): its value is a position in a listing, not a credential.
///
/// The last dotted part of the name is cut into words (at `_`, `-` and camel-case humps), and
/// the name counts when its last words together spell a pagination field: `next_page_token`
/// does, but `statuspage_token` (a Statuspage API token) ends with `statuspage`, `token`, and
/// `FB_PAGE_TOKEN` is a page's credential (`page_token` counts only as the whole name).
pub fn is_pagination_name(name: &[u8]) -> bool {
    const NAMES: &[&[u8]] = &[
        b"nexttoken",
        b"nextmarker",
        b"nextcursor",
        b"nextkey",
        b"nextlink",
        b"nextpage",
        b"nextpagetoken",
        b"prevpagetoken",
        b"previouspagetoken",
        b"continuationtoken",
        b"paginationtoken",
        b"startingtoken",
        b"cursor",
        b"marker",
        b"lastevaluatedkey",
        b"exclusivestartkey",
    ];
    let last = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
    // Where each word starts: after a separator, or at a capital that follows a lower-case
    // letter or a digit.
    let starts: Vec<usize> = (0..last.len())
        .filter(|&i| {
            let b = last[i];
            if matches!(b, b'_' | b'-') {
                return false;
            }
            i == 0
                || matches!(last[i - 1], b'_' | b'-')
                || (b.is_ascii_uppercase()
                    && (last[i - 1].is_ascii_lowercase() || last[i - 1].is_ascii_digit()))
        })
        .collect();
    starts.iter().any(|&start| {
        let folded: Vec<u8> = last[start..]
            .iter()
            .filter(|&&b| b != b'_' && b != b'-')
            .map(u8::to_ascii_lowercase)
            .collect();
        // `page_token` alone is the request parameter; after another word it may be a
        // page's credential (`FB_PAGE_TOKEN`).
        NAMES.contains(&folded.as_slice()) || (start == 0 && folded == b"pagetoken")
    })
}

/// Whether `name` names an anti-forgery token (`csrf_token`, `X-CSRF-Token`, `xsrfToken`): a
/// value the server hands every visitor's browser, not a credential.
pub fn is_anti_forgery_name(name: &[u8]) -> bool {
    name.windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"csrf") || w.eq_ignore_ascii_case(b"xsrf"))
}

/// Whether the value at `secret` is the password in a URL's `//user:password@`: a literal,
/// never a name in code, whatever its dots.
pub fn in_userinfo(bytes: &[u8], secret: &Range<usize>) -> bool {
    let Some((floor, colon)) = before_password(bytes, secret) else {
        return false;
    };
    bytes[floor..colon]
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'%')))
        .is_some_and(|i| floor + i >= 1 && &bytes[floor + i - 1..=floor + i] == b"//")
}

/// Whether the value at `secret` is the password of a `user:password@` pair (in a URL or a
/// DSN) that repeats the user's name (`postgres://shop:shop@localhost/shop`): a local
/// development default, not a secret.
pub fn repeats_user(bytes: &[u8], secret: &Range<usize>) -> bool {
    let Some((floor, colon)) = before_password(bytes, secret) else {
        return false;
    };
    let user_start = bytes[floor..colon]
        .iter()
        .rposition(|b| {
            b.is_ascii_whitespace() || matches!(b, b'/' | b'"' | b'\'' | b'`' | b'=' | b'(')
        })
        .map_or(floor, |i| floor + i + 1);
    bytes[user_start..colon].eq_ignore_ascii_case(&bytes[secret.clone()])
}

/// Whether the value at `secret` is the password of a URL whose host is this machine
/// (`postgres://app:pw@localhost/app`, `redis://:pw@127.0.0.1:6379`): a local development or
/// CI service, whose password opens nothing another machine can reach.
pub fn for_loopback_host(bytes: &[u8], secret: &Range<usize>) -> bool {
    if !in_userinfo(bytes, secret) {
        return false;
    }
    let host_start = secret.end + 1;
    let rest = &bytes[host_start..bytes.len().min(host_start + 256)];
    let host_len = rest
        .iter()
        .position(|b| {
            matches!(b, b'/' | b'?' | b'#' | b',' | b'"' | b'\'' | b'`') || b.is_ascii_whitespace()
        })
        .unwrap_or(rest.len());
    let host = &rest[..host_len];
    let host = match host.strip_prefix(b"[") {
        Some(bracketed) => bracketed.split(|&b| b == b']').next().unwrap_or(bracketed),
        None => host.split(|&b| b == b':').next().unwrap_or(host),
    };
    host.eq_ignore_ascii_case(b"localhost")
        || host == b"::1"
        || host == b"0.0.0.0"
        || host.starts_with(b"127.")
}

/// For a value at `secret` between `:` and `@` (the password of a `user:password@` pair): where
/// the 128 bytes looked at for its user begin, and the colon's offset; `None` otherwise.
fn before_password(bytes: &[u8], secret: &Range<usize>) -> Option<(usize, usize)> {
    if secret.start == 0 || bytes[secret.start - 1] != b':' || bytes.get(secret.end) != Some(&b'@')
    {
        return None;
    }
    let colon = secret.start - 1;
    Some((colon.saturating_sub(128), colon))
}

/// Whether the value at `secret` is part of an Amazon Resource Name
/// (`arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf`,
/// `arn:aws:ssm:...:parameter/prod/api-key`), which names a secret instead of holding it.
pub fn in_arn(bytes: &[u8], secret: &Range<usize>) -> bool {
    let floor = secret.start.saturating_sub(512);
    let token_start = bytes[floor..secret.start]
        .iter()
        .rposition(|b| {
            b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`' | b'=' | b'(' | b',')
        })
        .map_or(floor, |i| floor + i + 1);
    let token = &bytes[token_start..secret.end];
    // `aws:arn:` is a common slip for `arn:aws:` in documentation.
    let arn = (token.len() > 4 && token[..4].eq_ignore_ascii_case(b"arn:"))
        || memchr::memmem::find(token, b":arn:").is_some();
    arn && memchr::memchr_iter(b':', token).count() >= 3
}

/// Whether the value at `secret` is a type in an annotation rather than a value:
/// `apiKey: SensitiveString;`, `token?: string`, `password: string | undefined`,
/// `secret: Option<String>,`, `DeviceToken: NonEmptySensitiveString1600;`, or a union in a
/// type alias (`export type MqttPassword = Buffer|Uint8Array|Blob|string;`).
///
/// The value is an unquoted name (or `|`-joined names) after a `:` (or after `type X =`) that
/// an annotation follows with `;`, `,`, `|`, `>`, `[]`, `)`, `=`, `}` or the end of the line.
/// A name may end with a number (`SensitiveString2048`) or hold two digits only before such
/// punctuation; at the end of a line only a name without digits counts, since a YAML value
/// sits there too.
pub fn is_type_annotation(bytes: &[u8], secret: &Range<usize>) -> bool {
    let value = &bytes[secret.clone()];
    let names: Vec<&[u8]> = value
        .split(|&b| b == b'|' || b == b'&')
        .map(<[u8]>::trim_ascii)
        .collect();
    if !names.iter().all(|n| is_type_name(n)) {
        return false;
    }
    let digits = value.iter().filter(|b| b.is_ascii_digit()).count();
    let floor = secret.start.saturating_sub(128);
    let line_start =
        memchr::memrchr(b'\n', &bytes[floor..secret.start]).map_or(floor, |i| floor + i + 1);
    let before = &bytes[line_start..secret.start];
    let trimmed = before.trim_ascii_end();
    let annotated = trimmed.ends_with(b":") && !trimmed.ends_with(b"::");
    // `type Name =`, wherever it sits on the line (code, a comment, a string).
    let alias = trimmed.strip_suffix(b"=").is_some_and(|head| {
        let head = head.trim_ascii_end();
        let name_start = head
            .iter()
            .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
            .map_or(0, |i| i + 1);
        name_start < head.len() && head[..name_start].ends_with(b"type ")
    });
    let quoted = before
        .last()
        .is_some_and(|b| matches!(b, b'"' | b'\'' | b'`'));
    let rest = &bytes[secret.end..bytes.len().min(secret.end + 64)];
    let rest = rest.trim_ascii_start();
    let ends_line = rest.is_empty() || matches!(rest[0], b'\n' | b'\r');
    let closes = matches!(
        rest.first(),
        Some(b';' | b',' | b'|' | b'>' | b')' | b'[' | b'=' | b'}')
    );
    (annotated || alias) && !quoted && (closes || (ends_line && digits == 0))
}

/// Type names that begin with a lower-case letter: the primitives of TypeScript, Python and
/// Rust annotations.
const PRIMITIVE_TYPES: &[&[u8]] = &[
    b"string",
    b"number",
    b"boolean",
    b"bigint",
    b"any",
    b"unknown",
    b"object",
    b"never",
    b"void",
    b"null",
    b"undefined",
    b"symbol",
    b"str",
    b"int",
    b"bool",
    b"bytes",
    b"float",
];

/// Whether `name` reads as a type's name: a capitalised name (`SensitiveString`) or a primitive
/// (`string`, `str`), with name characters and generics (`Option<String>`, `string[]`), not a
/// generated run, and two digits at most unless they are one number at its end
/// (`SensitiveString2048`, `Uint8Array`).
fn is_type_name(name: &[u8]) -> bool {
    let base = name
        .split(|&b| matches!(b, b'<' | b'['))
        .next()
        .unwrap_or(name);
    let named = name.first().is_some_and(u8::is_ascii_uppercase)
        || PRIMITIVE_TYPES.iter().any(|p| base.eq_ignore_ascii_case(p));
    if !named {
        return false;
    }
    let digits = name.iter().filter(|b| b.is_ascii_digit()).count();
    let switches = name
        .windows(2)
        .filter(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit())
        .count();
    name.first().is_some_and(u8::is_ascii_alphabetic)
        && name.iter().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'<' | b'>' | b'[' | b']')
        })
        && !looks_generated(name)
        && (digits <= 2 || (switches == 1 && name.last().is_some_and(u8::is_ascii_digit)))
}

/// Whether the value at `secret` begins prose rather than a value: it is a plain word (letters,
/// a capital at most after the first, three digits at most), and the rest of its line is a
/// sentence (at least four more words of letters), as in a comment or documentation
/// (`password: stored in the vault and rotated monthly`, `token: sha256 of the request body`).
pub fn starts_prose(bytes: &[u8], secret: &Range<usize>) -> bool {
    let value = &bytes[secret.clone()];
    let word = value
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'\'' | b','))
        && value.iter().filter(|b| b.is_ascii_digit()).count() <= 3
        && value
            .iter()
            .skip(1)
            .filter(|b| b.is_ascii_uppercase())
            .count()
            <= 1;
    if !word {
        return false;
    }
    let end = bytes.len().min(secret.end + 256);
    let rest = &bytes[secret.end..end];
    let rest = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
    rest.split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .take_while(|w| {
            w.iter()
                .all(|b| b.is_ascii_alphabetic() || matches!(b, b',' | b'.' | b'\'' | b'-'))
        })
        .count()
        >= 4
}

/// Whether a value without digits reads as words rather than as a generated secret: letters
/// only (`Password`, `letmein`), one case throughout with separators (`my-secret-pass`,
/// `DB_PASSWORD`), or mixed case where every run of letters splits into words
/// (`Settings.Default.ApiKey`, `Change Me Now`). A password a generator made mixes case and
/// symbols in humps without vowels (`Xq`, `Tzp`), which words seldom have: more than one such
/// hump, or fewer than three humps in all for one, make the value random.
pub fn is_word_like(value: &[u8]) -> bool {
    let has_upper = value.iter().any(u8::is_ascii_uppercase);
    let has_lower = value.iter().any(u8::is_ascii_lowercase);
    if value.iter().all(u8::is_ascii_alphabetic) || !(has_upper && has_lower) {
        return true;
    }
    reads_as_words(value)
}

/// Calls `visit` with each hump of the runs of letters in `value` (`Api`, `Key`, `HTTP`,
/// `Qm`) and whether it ends its run.
fn each_hump(value: &[u8], mut visit: impl FnMut(&[u8], bool)) {
    for part in value.split(|b| !b.is_ascii_alphabetic()) {
        let mut i = 0;
        while i < part.len() {
            // A hump: capitals, then lower-case letters; a run of capitals before a capitalised
            // word (`HTTPServer`) gives the word its last capital.
            let upper_end = i + part[i..]
                .iter()
                .take_while(|b| b.is_ascii_uppercase())
                .count();
            let lower_end = upper_end
                + part[upper_end..]
                    .iter()
                    .take_while(|b| b.is_ascii_lowercase())
                    .count();
            let end = if upper_end - i > 1 && lower_end > upper_end {
                upper_end - 1
            } else {
                lower_end
            };
            visit(&part[i..end], end == part.len());
            i = end;
        }
    }
}

/// Whether `hump` holds a vowel.
fn has_vowel(hump: &[u8]) -> bool {
    hump.iter().any(|b| {
        matches!(
            b.to_ascii_lowercase(),
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
        )
    })
}

/// The humps of `value` (see [`each_hump`]), and how many of them are odd for a word: two
/// letters or more, not all capitals, and no vowel. (A single letter is a minified name or an
/// escape's `\n` as often as a random pick.)
fn humps(value: &[u8]) -> (usize, usize) {
    let (mut humps, mut odd) = (0usize, 0usize);
    each_hump(value, |hump, _| {
        humps += 1;
        let acronym = hump.iter().all(u8::is_ascii_uppercase);
        if !acronym && !has_vowel(hump) && hump.len() >= 2 {
            odd += 1;
        }
    });
    (humps, odd)
}

/// Whether `value` is a dotted name in code (`self.api_key`, `settings.SECRET`), which names a
/// value rather than being one.
fn is_dotted_name(value: &[u8]) -> bool {
    // A name is snake_case, UPPER_SNAKE or camelCase: random mixed-case runs (the parts of a
    // JWT) are not names, and neither are long runs where letters and digits alternate (the
    // hex or base32 parts of `mlsn.<hex>` or Dynatrace's `dt0c01.<id>.<secret>`). Parts after
    // the first may hold `$` (`string.$S2.delim`, a grammar scope with a capture reference);
    // the first may not, so a crypt hash (`$2b$...`) is never a name.
    let identifier = |(index, p): (usize, &[u8])| {
        let upper = p.iter().filter(|b| b.is_ascii_uppercase()).count();
        let lower = p.iter().filter(|b| b.is_ascii_lowercase()).count();
        let name_byte =
            |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || (index > 0 && *b == b'$');
        p.first()
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_' || (index > 0 && *b == b'$'))
            && p.iter().all(name_byte)
            && (lower == 0 || upper <= 3 || is_camel_case(p))
            && (lower == 0 || upper == 0 || !has_inner_digit(p) || words_between_digits(p))
            && !looks_generated(p)
    };
    value.contains(&b'.') && value.split(|&b| b == b'.').enumerate().all(identifier)
}

/// Whether `value` starts with a call of a dotted name (`json.load(`, `os.path.join(`), maybe
/// inside plain calls (`str(json.load(`): code that computes a value, which an unquoted
/// assignment's pattern took for the value. Secret alphabets that hold `(` (Django's) have no
/// `.`, so a random value never reads this way.
fn is_dotted_call(value: &[u8]) -> bool {
    let mut rest = value;
    while let Some(open) = memchr::memchr(b'(', rest) {
        let callee = &rest[..open];
        if is_dotted_name(callee) {
            return true;
        }
        let plain = callee.len() >= 2
            && callee[0].is_ascii_alphabetic()
            && callee
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'_');
        if !plain {
            return false;
        }
        rest = &rest[open + 1..];
    }
    false
}

/// Whether a digit in `part` has a letter after it (`oauth2Client`, `ZlY3Szf2mjaox`).
fn has_inner_digit(part: &[u8]) -> bool {
    part.iter()
        .position(u8::is_ascii_digit)
        .is_some_and(|i| part[i..].iter().any(u8::is_ascii_alphabetic))
}

/// Whether the runs of letters between the digits of `part` are single letters or CamelCase
/// words (`oauth2Client`, `s3Bucket`, `sha256Digest`), as in names, not random runs
/// (`L0EtvC6`).
fn words_between_digits(part: &[u8]) -> bool {
    part.split(|b| !b.is_ascii_alphabetic())
        .all(|run| run.len() <= 1 || is_camel_case(run))
}

/// Whether the runs of letters in `part` read as words: at most one odd hump, and three humps
/// for it (see [`humps`]).
fn reads_as_words(part: &[u8]) -> bool {
    let (humps, odd) = humps(part);
    odd <= 1 && humps >= 3 * odd
}

/// Whether an identifier is CamelCase words with a count at most (`ApiKeyHeaderName2`,
/// `HTTPServer`): every hump a word of two letters or more with a vowel, or capitals before
/// another word.
fn is_camel_case(part: &[u8]) -> bool {
    let end = part.len() - part.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let letters = &part[..end];
    let mut words = true;
    each_hump(letters, |hump, last| {
        let acronym = hump.iter().all(u8::is_ascii_uppercase);
        words &= hump.len() >= 2 && if acronym { !last } else { has_vowel(hump) };
    });
    !letters.is_empty() && letters.iter().all(u8::is_ascii_alphabetic) && words
}

/// Whether `value` is a constant's name (`CLIENT_TRAFFIC_SECRET_0`, `DB_PASSWORD_FILE`):
/// upper-case words joined by at least two underscores, with a count or version at most.
fn is_constant_name(value: &[u8]) -> bool {
    let underscores = value.iter().filter(|&&b| b == b'_').count();
    let digits = value.iter().filter(|b| b.is_ascii_digit()).count();
    value.first().is_some_and(u8::is_ascii_uppercase)
        && value
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        && value.split(|&b| b == b'_').all(|word| !word.is_empty())
        && underscores >= 2
        && digits <= 3
}

/// Whether a run of letters and digits reads as generated rather than named: long, and
/// switching between letters and digits often. Names carry a version or a count at most
/// (`WIN32_ERROR`, `sha256_digest`, `oauth2Client`), a few switches; hex and base32 switch
/// every few characters.
fn looks_generated(part: &[u8]) -> bool {
    let switches = part
        .windows(2)
        .filter(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit())
        .count();
    part.len() >= 16 && switches >= 6
}

/// Whether `value` is an htpasswd-style `user:hash` pair (`admin:$2y$05$...`,
/// `ops:$apr1$...`, `web:{SHA}...`): a password's hash stored for checking, not the password.
fn is_user_and_hash(value: &[u8]) -> bool {
    let Some(colon) = value.iter().position(|&b| b == b':') else {
        return false;
    };
    let hash = &value[colon + 1..];
    let user = &value[..colon];
    let crypt = [
        &b"$2a$"[..],
        b"$2b$",
        b"$2y$",
        b"$apr1$",
        b"$1$",
        b"$5$",
        b"$6$",
        b"$y$",
    ];
    !user.is_empty()
        && user
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'@' | b'-'))
        && (crypt.iter().any(|p| hash.starts_with(p)) || hash.starts_with(b"{SHA}"))
}

/// The part of a value that should look random: after the last `_` or `-` when that part is
/// long enough (`sk_live_` is a fixed prefix), else the whole value.
fn body(value: &[u8]) -> &[u8] {
    match value.iter().rposition(|&b| b == b'_' || b == b'-') {
        Some(i) if value.len() - i > 8 => &value[i + 1..],
        _ => value,
    }
}

/// Why a value's shape is a placeholder's: too few distinct characters, a run of one character
/// that makes up a third of it or more, an ascending or descending sequence, or a short unit
/// repeated. Long values (private keys, certificates) legitimately contain runs such as
/// `AAAAAAAA`, so only values up to 128 bytes are judged by shape.
fn shape(body: &[u8]) -> Option<&'static str> {
    if body.len() > 128 || body.len() < 4 {
        return None;
    }
    let mut distinct = [false; 256];
    for &b in body {
        distinct[b as usize] = true;
    }
    if distinct.iter().filter(|&&d| d).count() <= 2 {
        return Some("repeated characters");
    }
    let run = |step: i16| {
        let mut longest = 1;
        let mut current = 1;
        for pair in body.windows(2) {
            if i16::from(pair[1]) - i16::from(pair[0]) == step && pair[0].is_ascii_alphanumeric() {
                current += 1;
                longest = longest.max(current);
            } else {
                current = 1;
            }
        }
        longest
    };
    // A run that is most of the value is filler (`AKIA0000000000000000`); a run inside a
    // long random value is part of the format (Dropbox long-lived tokens carry ten `A`s).
    let repeated = run(0);
    if repeated >= 8 && repeated * 3 >= body.len() {
        return Some("repeated characters");
    }
    if run(1) >= 8 || run(-1) >= 8 {
        return Some("sequential characters");
    }
    for unit in 1..=4 {
        if body.len() >= unit * 3
            && body.len().is_multiple_of(unit)
            && body.chunks(unit).all(|c| c == &body[..unit])
        {
            return Some("repeated characters");
        }
    }
    None
}

/// The Shannon entropy of `value` in bits per byte.
pub fn entropy(value: &[u8]) -> f64 {
    if value.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in value {
        counts[b as usize] += 1;
    }
    let len = value.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholder(value: &str) -> Option<String> {
        Filters::default()
            .placeholder(value.as_bytes())
            .map(|r| r.to_string())
    }

    #[test]
    fn placeholders_are_recognised_by_word_value_and_shape() {
        for value in [
            "changeme",
            "your-api-key-here",
            "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "<password>",
            "<your-api-key>",
            "<API KEY>",
            "sk_live_<redacted>",
            "<<SLACK_TOKEN>>",
            "<%= ENV['API_KEY'] %>",
            "EXAMPLEKEY123",
            "dummy-token",
            "[REDACTED]",
            "Password",
            "sk_live_aaaaaaaaaaaaaaaaaaaaaaaa",
            "sk_live_1234567890abcdefghij",
            "abcabcabcabc",
            "zyxwvutsrq",
            "bar",
            "redis_pass",
            "MONGO_PWD",
            "app_secret",
            "-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgw..DL45vSN\n-----END PRIVATE KEY-----",
            "admin:$2y$05$zgjczyp96jCIp//CGmnWiefhd7G3l54IdsZoV4IwA1UWtd04L0lE2",
            "ab",
        ] {
            if value == "ab" {
                assert_eq!(placeholder(value), None, "{value}");
            } else {
                assert!(placeholder(value).is_some(), "{value}");
            }
        }
        for value in [
            "sk_live_4qFh7TzK2mLw9RcVxB3nYd8P", // preflight:allow (synthetic test value)
            "Zr8#kq2!Lw9vTb",
            "$2y$05$zgjczyp96jCIp//CGmnWiefhd7G3l54IdsZoV4IwA1UWtd04L0lE2",
            "Kx9:mQ2$w7Lp4vRt",
            // WordPress salts and Django keys may hold `<` and `>`.
            "#y{O7MhhG:{8T#<x{K}`UJyb2etr(Sf/TL1kC}qH4mk<fud.AM_4F=p&{xN+t{]C", // preflight:allow (synthetic test value)
            "1jCw4o5pru*;Z5tU{,QmhMOCJQnB[&jw-}ka;=.U!sG}+CTUD6`|aDY6<-Pg25Wi", // preflight:allow (synthetic test value)
            "q8>Zr2!m<4Kx9@vL", // preflight:allow (synthetic test value)
            "x9<k>Qz2mL",
            "ghp_Xk3mP9qR2sT7vW1yZ4bC6dF8gH0jL51x2Yz3", // preflight:allow (synthetic test value)
        ] {
            assert_eq!(placeholder(value), None, "{value}");
        }
    }

    #[test]
    fn runs_inside_random_values_are_part_of_the_format() {
        // A Dropbox long-lived token: ten `A`s between random parts.
        let dropbox = "k3Xq9Lm2Vw7AAAAAAAAAAZr8Tb4Nc1Hd5Tf3Jm6Ps0YeGq2Wx9Kv4Lb7Hn3Mz8Rp"; // preflight:allow (synthetic test value)
        assert_eq!(placeholder(dropbox), None);
        assert!(placeholder("AKIA0000000000000000").is_some());
        assert!(placeholder("sk_live_00000000000000Xz9q").is_some());
    }

    #[test]
    fn long_values_are_not_judged_by_shape() {
        let pem_like = format!("MII{}xyz", "A".repeat(200));
        assert_eq!(placeholder(&pem_like), None);
    }

    #[test]
    fn encrypted_values_are_never_candidates() {
        let filters = Filters::default();
        let sops = b"ENC[AES256_GCM,data:PtCJHg8WkuahH6MUwfm3IJkngKme2nXL,iv:ZjpA6+XUmdUXedJTPYUw6vI58uDQAx6HKIk7xz5Mj9A=,tag:QSPEMYwp0dY2uqwAJDPP1A==,type:str]"; // preflight:allow
        let cut = &sops[..40];
        let dotenvx = b"encrypted:boVqm51kgoWj/UhWLKgNdwLPdxJIhXFMZFDRcGzrz4xq8X70CnHaQmDYCh4InpSOZVQxLBttRAji2YSK"; // preflight:allow
        for value in [&sops[..], cut, &dotenvx[..]] {
            assert!(
                matches!(
                    filters.syntax_reference(value),
                    Some(DropReason::Malformed { .. })
                ),
                "{}",
                String::from_utf8_lossy(value)
            );
        }
        assert_eq!(encrypted_by(sops), Some("sops"));
        assert_eq!(encrypted_by(dotenvx), Some("dotenvx"));
        for value in [
            &b"ENC[other]"[..],
            b"encrypted:short",
            b"encrypted: a sentence",
            b"ENCRYPTED",
        ] {
            assert_eq!(
                encrypted_by(value),
                None,
                "{}",
                String::from_utf8_lossy(value)
            );
        }
    }

    #[test]
    fn references_are_recognised() {
        let filters = Filters::default();
        for value in [
            "${DB_PASSWORD}",
            "$DB_PASSWORD",
            "os.environ[\"X\"]",
            "os.getenv(",
            "process.env.API_KEY",
            "{{ vault_password }}",
            "%(password)s",
        ] {
            assert!(filters.reference(value.as_bytes()).is_some(), "{value}");
        }
        assert!(filters.reference(b"self.api_key").is_some());
        assert!(filters.reference(b"$2b$12$abcdefghijk").is_none());
        assert!(filters.reference(b"k3%(x9z#q").is_none());
        assert!(filters.reference(b"v1.Zr8kq2Lw9vTb.0").is_none());
        assert!(
            filters
                .reference(b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhYmMifQ.QmVhcmVy")
                .is_none()
        );
        assert!(filters.reference(b"Zr8kq2Lw9vTb").is_none());
        // Tokens whose random parts start with a letter are not dotted names.
        assert!(
            filters
                .reference(b"mlsn.e2b7c4f19a3d5e8b0c6f2a4d9e1b7c3f5a8d0e2b4c6f9a1d3e5b7c9f0a2d4e6b") // preflight:allow (synthetic test value)
                .is_none()
        );
        assert!(
            filters
                .reference(b"dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM") // preflight:allow (synthetic test value)
                .is_none()
        );
        assert!(filters.reference(b"settings.WIN32_ERROR_2024").is_some());
        assert!(filters.reference(b"string.$S2.delim").is_some());
        assert!(
            filters
                .reference(b"$2b$12$Kx9mQ2w7Lp4.vRtZr8Tb4Nc1Hd5")
                .is_none()
        );
        assert!(filters.reference(b"CLIENT_TRAFFIC_SECRET_0").is_some());
        assert!(filters.reference(b"K7QX_P2ZV_9RMW_4TNB_8JHL").is_none());
        assert!(filters.reference(b"AKIAQ3EGT5OPLMNB7XYZ").is_none()); // preflight:allow (synthetic test value)
        assert!(
            filters
                .reference(b"client.oauth2Client.sha256_digest")
                .is_some()
        );
        // Parts of CamelCase words are names however many capitals they hold.
        for value in [
            "Constants.ApiKeyHeaderName2",
            "Settings.Default.ApiKey",
            "AppSettings.StripeWebhookSigningSecret",
        ] {
            assert!(filters.reference(value.as_bytes()).is_some(), "{value}");
        }
        // Mixed-case parts that do not split into words are random, and so are mixed-case
        // parts with digits inside that do not read as words.
        assert!(filters.reference(b"prod.QmTzvPaLxWbNiEa.sig").is_none());
        assert!(filters.reference(b"ZdKp.EDgyj.aVHEAGR").is_none()); // preflight:allow (synthetic test value)
        assert!(filters.reference(b"L0EtvC6.w20Re2yUrT").is_none()); // preflight:allow (synthetic test value)
        assert!(filters.reference(b"config.s3Bucket.ec2Instance").is_some());
        assert!(filters.reference(b"ZlY3Szf2mjaox.N").is_none()); // preflight:allow (synthetic test value)
        assert!(
            filters
                .reference(b"client.oauth2Client.sha256Digest")
                .is_some()
        );
    }

    #[test]
    fn format_strings_are_short_or_mostly_literal() {
        for value in [
            "Bearer %s",
            "%(password)s",
            "%s:%s",
            "user_%d",
            "token=%d",
            "postgres://%s:%s@%s:%d/%s?sslmode=require",
            "https://api.example.com/v1/users/%s/tokens?key=%s",
            "Failed to refresh the access token for account %s: %s",
            "Authorization: Bearer %(token)s for user %(user)s",
            "{}",
            "Token {0}",
            "Bearer {access_token}",
            "{user}:{password}@{host}",
            "Api-Key-%s-v2.Live",
            "session:%s:Token42",
        ] {
            assert!(is_format_string(value.as_bytes()), "{value}");
            assert!(
                Filters::default().reference(value.as_bytes()).is_some(),
                "{value}"
            );
        }
        for value in [
            // A Django secret key and a WordPress salt that hold `%s`/`%d` by chance.
            "wmj$e#l-aetf4_kqay4!871@=%sz0s^vk4$*+lv!^r@z3j5(%t", // preflight:allow (synthetic test value)
            "x@y6teze3^=6&ukc9*8%a1l*u%d2h3s*p5v9ndos!qvg%=wlqm", // preflight:allow (synthetic test value)
            "AL*xB1biv_-vW)?p/b tGRkFuVMy?;cKkv[fq%d/:]o@NkWKUt,xaESEgIMo/u-", // preflight:allow (synthetic test value)
            "k3%(x9z#q",
            "100%",
            "XBV%e%rkQ74YCU-uHe63", // preflight:allow (synthetic test value)
            "#y{O7MhhG:{8T#<x{K}`UJyb2etr(Sf/TL1kC}qH4mk<fud.AM_4F=p&{xN+t{]C", // preflight:allow (synthetic test value)
            "Zr8{kq-2}Lw9vTb", // preflight:allow (synthetic test value)
            "{SHA}dCaESTy8A3uK0KnrQha80or8zFz=", // preflight:allow (synthetic test value)
            "{noop}Zr8kq2Lw9vTb", // preflight:allow (synthetic test value)
            // A short password with `%s` among random characters.
            "GQqBVA#%s8r^.BwZ8", // preflight:allow (synthetic test value)
        ] {
            assert!(!is_format_string(value.as_bytes()), "{value}");
            assert!(
                Filters::default()
                    .syntax_reference(value.as_bytes())
                    .is_none(),
                "{value}"
            );
        }
    }

    #[test]
    fn markers_and_documentation_examples() {
        let filters = Filters::default();
        let reason = filters.marker(b"key = 'abc' # PREFLIGHT:ALLOW").unwrap();
        assert_eq!(reason.to_string(), "inline marker `preflight:allow`");
        assert!(filters.marker(b"x # pragma: allowlist secret").is_some());
        assert!(filters.marker(b"key = 'abc'").is_none());
        assert!(
            filters
                .documentation_example(b"AKIAIOSFODNN7EXAMPLE")
                .is_some()
        );
        assert!(
            filters
                .documentation_example(b"AKIAQ3EGT5OPLMNB7XYZ") // preflight:allow (synthetic test value)
                .is_none()
        );
    }

    fn at<'a>(text: &'a str, value: &str) -> (&'a [u8], Range<usize>) {
        let start = text.find(value).expect("value in text");
        (text.as_bytes(), start..start + value.len())
    }

    #[test]
    fn values_without_digits_are_words_unless_case_and_symbols_mix_at_random() {
        for value in [
            "Password",
            "letmein",
            "xKqPzLmWvTrBnYcD",
            "my-secret-password",
            "DB_PASSWORD_FILE",
            "Settings.Default.ApiKey",
            "config.Jwt.SigningKey",
            "Constants.ApiKeyHeaderName",
            "Change Me Now",
            "HTTPServer.ListenAndServe",
            "getEnv",
            "CancellationToken\\n\\t",
            "module$exports$jspb$internal.DoNotFreezeToken",
            "r.compileUnsafe=r.compile=void",
        ] {
            assert!(is_word_like(value.as_bytes()), "{value}");
        }
        for value in [
            "-NiXqTzpL%rWbkEa", // preflight:allow (synthetic test value)
            "JR.kQmTzvPaL-xWb", // preflight:allow (synthetic test value)
            "sn%HwQpTrKz!vBmL", // preflight:allow (synthetic test value)
            "aBcD-eFgH_iJkLm",
        ] {
            assert!(!is_word_like(value.as_bytes()), "{value}");
        }
    }

    #[test]
    fn words_joined_by_hyphens_are_instructions() {
        for value in [
            "generate-with-openssl-rand-hex-32",
            "set_this_in_production",
            "use-a-long-random-string",
            "replace-with-output-of-pwgen-64",
        ] {
            assert!(is_word_slug(value.as_bytes()), "{value}");
            assert!(placeholder(value).is_some(), "{value}");
        }
        for value in [
            "8f14e45f-ceea-467f-a0e6-4c2a1b3d5e7f",
            "django-insecure-k3x9q2m7w1",
            "sk-proj-Xk3mP9qR2sT7vW1yZ4bC6dF8", // preflight:allow (synthetic test value)
            "two-words",
            "Zr8kq2Lw9vTbQm4x",
        ] {
            assert!(!is_word_slug(value.as_bytes()), "{value}");
        }
    }

    #[test]
    fn the_assigned_name_is_read_back_from_the_value() {
        for (text, value, name) in [
            (
                r#""NextToken": "Zr8kq2Lw9vTb""#,
                "Zr8kq2Lw9vTb",
                Some("NextToken"),
            ),
            (
                "next_page_token = 'Zr8kq2Lw9vTb'",
                "Zr8kq2Lw9vTb",
                Some("next_page_token"),
            ),
            ("token?: string", "string", Some("token")),
            (
                "opts.cursor := Zr8kq2Lw9vTb",
                "Zr8kq2Lw9vTb",
                Some("opts.cursor"),
            ),
            ("'marker' => 'Zr8kq2Lw9vTb'", "Zr8kq2Lw9vTb", Some("marker")),
            ("bearer Zr8kq2Lw9vTb", "Zr8kq2Lw9vTb", None),
        ] {
            let (bytes, range) = at(text, value);
            assert_eq!(
                assigned_name(bytes, &range),
                name.map(str::as_bytes),
                "{text}"
            );
        }
    }

    #[test]
    fn pagination_names_are_recognised() {
        for name in [
            "NextToken",
            "nextPageToken",
            "next_page_token",
            "continuationToken",
            "page_token",
            "response.cursor",
            "NextMarker",
            "LastEvaluatedKey",
            "startingToken",
            "NEXT_PAGE_TOKEN",
            "listing.nextPageToken",
            "Search-Cursor",
            "ExclusiveStartKey",
        ] {
            assert!(is_pagination_name(name.as_bytes()), "{name}");
        }
        for name in [
            "statuspage_token",
            "STATUSPAGE_TOKEN",
            "FB_PAGE_TOKEN",
            "statuspageToken",
            "bookmarker",
            "watermarker_key",
            "NEXTAUTH_SECRET",
            "NEXT_PUBLIC_API_TOKEN",
            "access_token",
            "SessionToken",
            "api_key",
        ] {
            assert!(!is_pagination_name(name.as_bytes()), "{name}");
        }
    }

    #[test]
    fn passwords_in_a_url_are_found_by_their_place() {
        let postgres = "postgres://geo:bh5kT1lFgS.H25@db/geo"; // preflight:allow (synthetic test value)
        let redis = "redis://:s3cr.et@cache:6379"; // preflight:allow (synthetic test value)
        for (text, value, expected) in [
            (postgres, "bh5kT1lFgS.H25", true),
            (redis, "s3cr.et", true),
            (
                "password = settings.DB.password@x",
                "settings.DB.password",
                false,
            ),
            ("user:pw.x@host", "pw.x", false),
        ] {
            let (bytes, range) = at(text, value);
            assert_eq!(in_userinfo(bytes, &range), expected, "{text}");
        }
    }

    #[test]
    fn a_password_that_repeats_the_user_is_a_local_default() {
        for (text, value) in [
            ("postgres://shop:shop@localhost/shop", "shop"),
            ("DATABASE_URL=mysql://Celery:celery@db:3306/x", "celery"),
            ("\"dsn\": \"app:app@tcp(db:3306)/app\"", "app"),
        ] {
            let start = text.rfind(&format!(":{value}@")).unwrap() + 1;
            let range = start..start + value.len();
            assert!(repeats_user(text.as_bytes(), &range), "{text}");
        }
        for (text, value) in [
            ("postgres://shop:Pseg4kLq@localhost/shop", "Pseg4kLq"), // preflight:allow (synthetic test value)
            ("postgres://shopper:shop@localhost/x", "shop"), // preflight:allow (synthetic test value)
            ("postgres://:shop@localhost/x", "shop"), // preflight:allow (synthetic test value)
        ] {
            let start = text.rfind(&format!(":{value}@")).unwrap() + 1;
            let range = start..start + value.len();
            assert!(!repeats_user(text.as_bytes(), &range), "{text}");
        }
    }

    #[test]
    fn values_inside_arns_name_a_secret() {
        for (text, value) in [
            (
                r#""SecretId": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-Xy12Ab""#,
                "prod/db-Xy12Ab",
            ),
            (
                "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api_key9Zr8",
                "prod/api_key9Zr8",
            ),
            ("ARN=arn:aws-cn:secretsmanager:cn-north-1:1:secret:k9", "k9"),
            (
                r#""ARN": "aws:arn:secretsmanager:us-west-2:123456789012:secret:Db-a1b2c3""#,
                "Db-a1b2c3",
            ),
        ] {
            let (bytes, range) = at(text, value);
            assert!(in_arn(bytes, &range), "{text}");
        }
        for (text, value) in [
            ("secret: prod/db-Xy12Ab", "prod/db-Xy12Ab"), // preflight:allow (synthetic test value)
            ("token = 'arnXy12Ab:Zr8kq2Lw9'", "arnXy12Ab:Zr8kq2Lw9"), // preflight:allow (synthetic test value)
            ("learn:Xy12AbZr8kq2", "Xy12AbZr8kq2"),
        ] {
            let (bytes, range) = at(text, value);
            assert!(!in_arn(bytes, &range), "{text}");
        }
    }

    #[test]
    fn type_annotations_are_not_values() {
        for (text, value) in [
            ("  apiKey: SensitiveString;", "SensitiveString"),
            ("  token?: string", "string"),
            ("  password: string | undefined;", "string"),
            ("  secret: Option<String>,", "Option<String>"),
            ("  accessToken: OAuthAccessToken)", "OAuthAccessToken"),
            ("  accessToken: OAuth2AccessToken;", "OAuth2AccessToken"),
            (
                "  DeviceToken: NonEmptySensitiveString1600;",
                "NonEmptySensitiveString1600",
            ),
            (
                "export type MqttPassword = Buffer|Uint8Array|Blob|string;",
                "Buffer|Uint8Array|Blob|string",
            ),
        ] {
            let (bytes, range) = at(text, value);
            assert!(is_type_annotation(bytes, &range), "{text}");
        }
        for (text, value) in [
            ("  apiKey: 'SensitiveString';", "SensitiveString"),
            ("  token: Zr8kq2Lw9vTbQm4x;", "Zr8kq2Lw9vTbQm4x"), // preflight:allow (synthetic test value)
            ("  password = hunterTwo;", "hunterTwo"),
            ("  secret: Xk3mP9qR2sT7vW1y and more", "Xk3mP9qR2sT7vW1y"), // preflight:allow (synthetic test value)
            ("  password: Summer2024", "Summer2024"), // preflight:allow (synthetic test value)
            ("  token: Xk3mP9qR2sT7vW1y;", "Xk3mP9qR2sT7vW1y"), // preflight:allow (synthetic test value)
            (
                "password = Buffer|Xk3mP9qR2sT7vW1y;", // preflight:allow (synthetic test value)
                "Buffer|Xk3mP9qR2sT7vW1y",
            ),
            ("  password: Summer2024x9;", "Summer2024x9"), // preflight:allow (synthetic test value)
            ("(username: test, password: testing123)", "testing123"), // preflight:allow (synthetic test value)
            ("  token: abcdefgh;", "abcdefgh"),
        ] {
            let (bytes, range) = at(text, value);
            assert!(!is_type_annotation(bytes, &range), "{text}");
        }
    }

    #[test]
    fn a_value_that_starts_a_sentence_is_prose() {
        for (text, value) in [
            (
                "# the password: stored in the vault and rotated monthly",
                "stored",
            ),
            ("token: sha256 of the request body, hex encoded", "sha256"),
            (
                "Secret: Generated by the deploy job at first boot",
                "Generated",
            ),
        ] {
            let (bytes, range) = at(text, value);
            assert!(starts_prose(bytes, &range), "{text}");
        }
        for (text, value) in [
            ("password: Zr8kq2Lw9vTb", "Zr8kq2Lw9vTb"), // preflight:allow (synthetic test value)
            (
                "token: Xk3mP9qR2sT7vW1y # rotated by the deploy job", // preflight:allow (synthetic test value)
                "Xk3mP9qR2sT7vW1y",
            ),
            ("password: hunter2 stays", "hunter2"),
        ] {
            let (bytes, range) = at(text, value);
            assert!(!starts_prose(bytes, &range), "{text}");
        }
    }

    #[test]
    fn entropy_measures_bits_per_byte() {
        assert_eq!(entropy(b""), 0.0);
        assert_eq!(entropy(b"aaaa"), 0.0);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!(entropy(b"Xk3mP9qR2sT7vW1yZ4bC6dF8gH0jL5") > 4.5);
    }

    #[test]
    fn a_call_of_a_dotted_name_is_code_not_a_value() {
        let filters = Filters::default();
        for value in [
            "json.load(open(BASE.child(",
            "str(json.load(open(BASE.ancestor(2).child(",
            "os.path.join(BASE_DIR,",
            "self.vault.read(key)",
        ] {
            assert!(filters.code_name(value.as_bytes()).is_some(), "{value}");
        }
        // Django's alphabet holds `(` but no `.`; a key with `(` stays a value.
        for value in [
            "j51*ymyakusu1o!s4@os00bn@f@9g27%(l5+c9o%-(=c*xr$%j", // preflight:allow (synthetic test value)
            "load(Zr8kq2Lw9vTbXk3mP9qR2sT7vW1y", // preflight:allow (synthetic test value)
        ] {
            assert!(filters.code_name(value.as_bytes()).is_none(), "{value}");
        }
    }
}
