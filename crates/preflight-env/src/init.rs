//! A starting policy drafted from `.env.example` and the variables the code reads.
//!
//! Every variable of the example and every variable the code reads gets a table with the kind
//! its name implies (`string` when nothing is known). It is required when the example lists it
//! or the code fails without it. The draft is parsed back by the test suite, so it is always a
//! valid policy.

use std::fmt::Write as _;
use std::path::Path;

use crate::check::find_example;
use crate::dotenv;
use crate::infer::{self, Context};
use crate::policy::{DEFAULT_PASSWORD_LENGTH, DEFAULT_SECRET_LENGTH, Kind, Policy};
use crate::usage::{self, Usage};

/// A drafted policy and what the example and the code disagree on.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The text of a `preflight.toml` with an `[env]` section.
    pub toml: String,
    /// The example file read, relative to the root.
    pub example: Option<String>,
    /// Variables the code reads that the example does not list (first place that reads each).
    pub code_only: Vec<Usage>,
    /// Variables the example lists that the code never reads.
    pub example_only: Vec<String>,
}

/// Drafts a policy for the project at `root`.
pub fn draft(root: &Path) -> Draft {
    let code = usage::scan(root);
    let example_path = find_example(root, &root.join(".env"));
    let example = example_path
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .map(|bytes| dotenv::parse(&bytes))
        .unwrap_or_default();
    let policy = Policy::default();
    let ctx = Context {
        policy: &policy,
        django: code.django || root.join("manage.py").is_file(),
    };
    let mut names: Vec<(String, bool)> = Vec::new();
    for entry in example.effective() {
        if dotenv::is_valid_name(&entry.key) {
            names.push((entry.key.clone(), true));
        }
    }
    let mut code_only = Vec::new();
    for (name, usages) in &code.vars {
        // Variables only tests or CI read, or that the platform sets, need no policy entry.
        let deployed = usages
            .iter()
            .any(|u| !u.test && !usage::set_by_platform(&u.name));
        if example.get(name).is_none() && deployed {
            let required = usages.iter().any(Usage::deploy_requires);
            names.push((name.clone(), required));
            let first = usages
                .iter()
                .find(|u| u.deploy_requires())
                .or_else(|| usages.iter().find(|u| !u.test))
                .unwrap_or(&usages[0]);
            code_only.push(first.clone());
        }
    }
    let example_only = example
        .effective()
        .iter()
        .filter(|e| !code.vars.contains_key(&e.key))
        .map(|e| e.key.clone())
        .collect();

    let mut toml = String::new();
    let sources = match &example_path {
        Some(path) => format!("{} and the code", crate::relative(root, path)),
        None => "the code".to_string(),
    };
    let _ = writeln!(
        toml,
        "# The environment policy of this project, drafted from {sources}."
    );
    let _ = writeln!(
        toml,
        "# Check it with `preflight env`; kinds and options are documented in `preflight env --help`."
    );
    let _ = writeln!(toml, "[env]");
    let _ = writeln!(toml, "profile = \"production\"");
    let _ = writeln!(toml, "# min-secret-length = {DEFAULT_SECRET_LENGTH}");
    let _ = writeln!(toml, "# min-password-length = {DEFAULT_PASSWORD_LENGTH}");
    for (name, required) in names {
        let kind = infer::infer(&name, ctx).map(|i| i.kind);
        let postgres_example = example
            .get(&name)
            .is_some_and(|e| e.value.starts_with("postgres"));
        let _ = writeln!(toml, "\n[env.vars.{name}]");
        toml.push_str(&kind_lines(kind.as_ref(), postgres_example));
        let _ = writeln!(toml, "required = {required}");
    }
    Draft {
        toml,
        example: example_path.map(|p| crate::relative(root, &p)),
        code_only,
        example_only,
    }
}

fn kind_lines(kind: Option<&Kind>, postgres: bool) -> String {
    let mut out = String::new();
    let Some(kind) = kind else {
        out.push_str("kind = \"string\"\n");
        return out;
    };
    let name = match kind {
        Kind::DatabaseUrl { .. } if postgres => "postgres_url",
        _ => kind.name(),
    };
    let _ = writeln!(out, "kind = \"{name}\"");
    match kind {
        Kind::Secret { min_length, django } => {
            if *django {
                out.push_str("django = true\n");
            } else if *min_length != DEFAULT_SECRET_LENGTH {
                let _ = writeln!(out, "min-length = {min_length}");
            }
        }
        Kind::ApiKey {
            provider: Some(provider),
        } => {
            let _ = writeln!(out, "provider = \"{}\"", provider.id());
        }
        Kind::Bool {
            production_value: Some(value),
        } => {
            let _ = writeln!(out, "production-value = {value}");
        }
        Kind::Int { min, max } => {
            if let Some(min) = min {
                let _ = writeln!(out, "min = {min}");
            }
            if let Some(max) = max {
                let _ = writeln!(out, "max = {max}");
            }
        }
        Kind::Path { key_file: true, .. } => out.push_str("key-file = true\n"),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_a_valid_policy_and_lists_the_differences() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join(".env.example"),
            "DATABASE_URL=postgresql://user:password@host:5432/db\nSECRET_KEY=changeme\nUNUSED_FLAG=1\nDEBUG=False\n",
        )
        .unwrap();
        std::fs::write(
            root.join("app.py"),
            "import os\nDB = os.environ['DATABASE_URL']\nKEY = os.environ['SECRET_KEY']\nDEBUG = os.getenv('DEBUG')\nT = os.environ['XERO_TENANT_ID']\n",
        )
        .unwrap();
        let draft = draft(root);
        let policy = crate::parse_policy(&draft.toml).unwrap();
        assert_eq!(policy.vars["DATABASE_URL"].kind.name(), "postgres_url");
        assert_eq!(policy.vars["XERO_TENANT_ID"].kind.name(), "api_key");
        assert_eq!(policy.vars["UNUSED_FLAG"].kind.name(), "string");
        let code_only: Vec<&str> = draft.code_only.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(code_only, ["XERO_TENANT_ID"]);
        assert_eq!(draft.example_only, ["UNUSED_FLAG"]);
        assert_eq!(draft.example.as_deref(), Some(".env.example"));
    }
}
