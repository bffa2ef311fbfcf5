//! Tests against real repositories built with `git` in temporary directories.

mod harness;
mod history;
mod hygiene;
mod incident;
mod staged;

pub use harness::*;
