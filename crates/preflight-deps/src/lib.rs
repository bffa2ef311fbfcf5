//! preflight-deps: the project's lockfiles audited against OSV advisories.

pub mod advisory;
pub mod ecosystem;
pub mod matcher;
pub mod osv;
pub mod version;

pub use ecosystem::Ecosystem;
pub use version::Version;
pub mod audit;
pub mod cache;
pub mod codes;
pub mod db;
pub mod index;
pub mod lockfile;
pub mod update;

pub use codes::CODES;
pub mod check;

pub use check::{DbSource, DepsCheck};
