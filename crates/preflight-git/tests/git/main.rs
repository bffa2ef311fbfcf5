//! Tests against real repositories built with `git` in temporary directories.

mod harness;
mod history;
mod staged;

pub use harness::*;
