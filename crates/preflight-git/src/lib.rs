//! Git for preflight: secrets in history and in staged changes, repository hygiene, and the
//! incident report for a credential that reached history.
//!
//! Design notes:
//! - This crate knows nothing of secret rules. Whatever scans bytes for secrets is handed in as a
//!   [`BlobScanner`]; the history and staged scans only decide *which* bytes to scan and *where*
//!   each finding came from. That keeps the object-database walking apart from matching, and lets
//!   the tests use a trivial marker scanner.
//! - History is read straight from the object database with `gix` (packs and loose objects), never
//!   through `git log -p`: every distinct tree is read once and every distinct blob is scanned once,
//!   on several threads, in pack order. Attribution (which commit introduced a secret,
//!   which removed it, how many commits and paths carry it) is computed afterwards, only for the
//!   few blobs that produced findings.
//! - Every per-object problem (missing object, corrupt pack, submodule, LFS pointer, huge blob,
//!   non-UTF-8 path) becomes a [`preflight_findings::Warning`] naming the object or path, and the
//!   scan goes on.

mod blob;
mod check;
mod codes;
mod error;
pub mod history;
pub mod hook;
pub mod hygiene;
pub mod incident;
mod repo;
mod scanner;
pub mod staged;

pub use check::{HistoryCheck, HygieneCheck};
pub use codes::CODES;
pub use error::GitError;
pub use scanner::BlobScanner;
