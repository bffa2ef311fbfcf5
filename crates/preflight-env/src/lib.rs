//! preflight-env: dotenv files and the process environment checked against a policy, and the
//! secrets to fill them with.
//!
//! The pieces, each in its own module:
//! - [`dotenv`] reads the syntax python-dotenv and docker compose accept, keeping lines and
//!   reporting every deviation;
//! - [`policy`] is the `[env]` section ([`Config`]) and its checked form ([`Policy`]);
//! - [`infer`] gives a rule to well-known names the policy does not list;
//! - [`usage`] finds the variables the project's code reads, and [`scope`] which of that code
//!   each dotenv file serves;
//! - [`values`] judges one value against its kind, [`strength`] measures values without showing
//!   them, [`providers`] knows credential shapes;
//! - [`encrypted`] recognises files and values encrypted by git-crypt, sops, dotenvx and the
//!   like, whose values cannot be judged from the file;
//! - [`check`] ties them into [`EnvCheck`], the check of `preflight env` and `preflight check`;
//! - [`generate`] makes secrets from the operating system's CSPRNG and fills `.env` files;
//! - [`init`] drafts a policy from `.env.example` and the code.
//!
//! No value is ever put in a message, a `Debug` output or an error: at most its length and
//! shape ([`strength::shape`]).

pub mod check;
pub mod codes;
pub mod dotenv;
pub use preflight_encryption as encrypted;
pub mod generate;
pub mod infer;
pub mod init;
pub mod policy;
pub mod providers;
pub mod scope;
pub mod strength;
pub mod usage;
pub mod values;

use std::path::Path;

pub use check::EnvCheck;
pub use codes::CODES;
pub use policy::{Config, Policy, PolicyError, Profile, parse_policy};

/// `path` relative to `root` with `/` separators, or as given when it is outside `root`.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path);
    let text = shown.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}
