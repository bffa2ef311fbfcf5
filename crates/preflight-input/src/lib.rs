//! preflight-input (under construction).
