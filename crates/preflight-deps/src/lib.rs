//! preflight-deps: the project's lockfiles audited against OSV advisories.

pub mod advisory;
pub mod ecosystem;
pub mod matcher;
pub mod osv;
pub mod version;

pub use ecosystem::Ecosystem;
pub use version::Version;
pub mod lockfile;
