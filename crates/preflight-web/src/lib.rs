//! preflight-web (under construction).
