//! preflight-env (under construction).
