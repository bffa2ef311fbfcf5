//! preflight's secret-scanning engine.
//!
//! # Design
//!
//! A [`Scanner`] is built once from a [`preflight_rules::RuleSet`] and shared by every thread
//! (it is `Sync`); each thread owns a [`Scratch`] whose buffers are reused from blob to blob.
//! The hot path takes a blob as `&[u8]`: content that is not UTF-8 is scanned as bytes with
//! `regex::bytes`, and secrets are ASCII anyway.
//!
//! Scanning a blob is a pipeline:
//!
//! 1. **Prefilter** ([`prefilter`]): one ASCII case-insensitive Aho-Corasick automaton over the
//!    keywords of all rules finds every keyword occurrence in one pass. Rules without keywords
//!    are rejected when loaded, so no rule ever scans a whole blob.
//! 2. **Windows**: around each hit, the rule's pattern runs on the hit's line, capped to a
//!    bounded number of bytes on each side; touching windows of one rule merge, so the cost is
//!    linear even for a 20 MB single-line file.
//! 3. **Regex**: each rule's pattern is compiled the first time one of its keywords occurs
//!    (a one-file scan compiles only the few rules it needs). A pattern whose every match
//!    starts with one of its rule's keywords (`pattern`) is tried anchored at those keyword
//!    hits only, instead of searching the window. Group `secret`, else group 1, is
//!    the value. A rule with `context` words only keeps matches with one of them nearby.
//! 4. **Filters** ([`filters`], [`checksum`], [`jwt`]): well-known documentation examples,
//!    JWT-shaped values whose header does not decode, references (`${X}`, `os.environ[...]`),
//!    placeholders (`changeme`, `xxxx`, sequences), entropy, and inline allow markers on the
//!    line. A value that passes its rule's checksum skips the guesses at placeholders; one that
//!    fails goes through them all and, if reported, is reported at low severity. A dropped value keeps its [`preflight_findings::DropReason`]
//!    for `--explain`.
//! 5. **Overlaps**: where two rules match overlapping bytes, the most specific wins
//!    (a rule with a checksum, then a provider's rule, then a format rule such as `jwt.token`,
//!    then `generic.*`, then the longer secret); the
//!    other is dropped as superseded. Only reported candidates and public identifiers claim
//!    bytes: a value one rule dropped is judged by the others on their own.
//! 6. **Pairs** (`pairs`): an identifier and its secret found near each other (AWS key id and
//!    secret key) become one finding of the pair rule; the parts are dropped as superseded.
//! 7. **Findings**: lines and columns are computed only for candidates, by counting newlines
//!    with `memchr` from one candidate to the next. A private key protected by a passphrase
//!    ([`keys`]) is reported one severity lower than an unencrypted one. Custom rules' path
//!    filters and allowlists ([`custom`]) apply here, where the path is known.
//!
//! Look-ups that fall back to a literal (`os.getenv("X", "v")`, `process.env.X || "v"`,
//! `${X:-v}`, Spring's `${x.y:v}`) are found by keywords of their own and judged as `X = "v"` ([`fallback`]).
//!
//! YAML files also have the base64 `data:` values of their Kubernetes Secrets decoded and
//! scanned ([`kubernetes`]); what is found there is reported at the encoded value's line.
//!
//! Where a finding sits decides the severity of rules with no format of their own: a generic
//! assignment in a test, fixture, cassette or documentation file is an example, reported at
//! `low` ([`placement`]); the callers apply it to the findings they report.
//!
//! [`redact`] reuses the same pipeline on a stream, line by line in bounded memory.

pub mod checksum;
mod config;
pub mod custom;
mod examples;
pub mod fallback;
pub mod filters;
pub mod jwt;
pub mod keys;
pub mod kubernetes;
mod pairs;
mod pattern;
pub mod placement;
pub mod prefilter;
pub mod redact;
mod scanner;

pub use config::ScanConfig;
pub use custom::{CustomFilters, RuleFilter};
pub use examples::{ExampleFailure, check_examples, check_rule};
pub use redact::{RedactStats, Redactor, redact_stream};
pub use scanner::{Candidate, Scanner, Scratch};
