//! preflight-db (under construction).
