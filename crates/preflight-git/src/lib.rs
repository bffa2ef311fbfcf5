//! preflight-git (under construction).
