//! Turning outcomes into reports (being built).
