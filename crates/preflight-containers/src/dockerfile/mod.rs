//! Dockerfiles: [`parse`] reads the instructions, [`check`] judges them.

pub mod check;
pub mod parse;

pub use check::{Context, check};
pub use parse::{Dockerfile, parse};
