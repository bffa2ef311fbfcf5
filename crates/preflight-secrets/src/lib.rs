//! preflight-secrets (under construction).
