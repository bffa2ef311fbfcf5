use preflight_findings::{CodeInfo, Severity};

/// Every code the git checks can emit.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        id: "git.env-tracked",
        severity: Severity::High,
        description: "an environment file (.env, .env.production, ...) is tracked by git",
    },
    CodeInfo {
        id: "git.private-key-tracked",
        severity: Severity::Critical,
        description: "a private key file is tracked by git",
    },
    CodeInfo {
        id: "git.credentials-file-tracked",
        severity: Severity::High,
        description: "a credentials file (.pgpass, .netrc, .git-credentials, .npmrc or .pypirc with a token) is tracked by git",
    },
    CodeInfo {
        id: "git.env-not-ignored",
        severity: Severity::High,
        description: "an environment file in the working tree is not covered by .gitignore",
    },
    CodeInfo {
        id: "git.env-example-real-value",
        severity: Severity::Medium,
        description: "an example environment file holds a value that looks real instead of a placeholder",
    },
    CodeInfo {
        id: "git.secret-in-history",
        severity: Severity::High,
        description: "a secret removed from the working tree is still in git history and must be rotated",
    },
];
