//! Configuration files (being built).
