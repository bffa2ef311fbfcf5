//! preflight-report (under construction).
