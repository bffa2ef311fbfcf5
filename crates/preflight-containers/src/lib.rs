//! preflight-containers: the container files of a project, checked for the mistakes that ship
//! secrets or open the host.
//!
//! The pieces, each in its own module:
//! - [`yaml`] builds a line-numbered tree from YAML events, with aliases kept as references;
//! - [`compose`] judges each compose service (environment, ports, privileges, volumes, env
//!   files, image) and says which Dockerfile it builds from which context;
//! - [`dockerfile`] reads the Dockerfile grammar ([`dockerfile::parse`]) and judges the stages
//!   and instructions ([`dockerfile::check`]);
//! - [`dockerignore`] tells what a build context leaves out, [`context`] finds env files in it;
//! - [`names`] holds the judgements both share: secret names, references, image pins;
//! - [`check`] ties them into [`ContainersCheck`], the check of `preflight check`.
//!
//! No value of a secret-named variable is ever put in a message: findings name the variable.

pub mod check;
pub mod codes;
pub mod compose;
pub mod context;
pub mod dockerfile;
pub mod dockerignore;
mod emit;
pub mod names;
pub mod tracked;
pub mod yaml;

pub use check::ContainersCheck;
pub use codes::CODES;
