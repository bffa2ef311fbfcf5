//! preflight-rules (under construction).
