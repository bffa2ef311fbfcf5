//! Tests against real repositories built with `git` in temporary directories.

mod harness;
mod history;

pub use harness::*;
