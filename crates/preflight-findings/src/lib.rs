//! The shared model of preflight.
//!
//! Every check (secret scanning, git hygiene, configuration, live web and database checks) reports
//! what it finds as [`Finding`]s collected in an [`Outcome`]. The [`Sink`] applies the user's
//! filters (disabled ids, severity overrides, path and value allowlists, the baseline) and produces
//! one [`Report`], which the renderers turn into text, JSON or SARIF.
//!
//! Vocabulary:
//! - a *candidate* is something a check noticed; it becomes a [`Finding`] or a [`Dropped`] entry
//!   that says why it was not reported (shown with `--explain`);
//! - a *finding* has a stable `id` (a rule id such as `stripe.secret-key` or a check code such as
//!   `env.placeholder`), a [`Severity`], a [`Location`] and a [`Fingerprint`];
//! - a secret is held as [`Redacted`], whose `Debug` and `Display` never show the value;
//! - messages are [`SafeText`], which scrubs credential-shaped input out of whatever they quote.

mod baseline;
mod check;
mod finding;
mod fingerprint;
mod outcome;
mod redacted;
mod report;
mod safe_text;
mod severity;
mod sink;

pub use baseline::{Baseline, BaselineEntry, BaselineError};
pub use check::{Check, CodeInfo, Project};
pub use finding::{CommitRef, Finding, History, Location, LocationKind};
pub use fingerprint::Fingerprint;
pub use outcome::{DropReason, Dropped, Fact, Outcome, Score, ScoreModifier, Stats, Warning};
pub use redacted::Redacted;
pub use report::Report;
pub use safe_text::{SafeText, quote_line, scrub};
pub use severity::{Severity, UnknownSeverity};
pub use sink::{Filters, FiltersError, Sink, id_matches};
