//! The configuration format of the `preflight` command, as a library so that the fuzz targets
//! can run the loader on arbitrary input; the command itself lives in `main.rs`.

pub mod config;
