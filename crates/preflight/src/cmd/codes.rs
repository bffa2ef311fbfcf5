//! `preflight codes`: every finding code a check can report, with its severity and meaning.
//!
//! Secret rules are listed by `preflight rules list`; this lists the codes of the other checks.

use std::io::Write;
use std::process::ExitCode;

use preflight_findings::CodeInfo;

use crate::cli::{FormatArg, GlobalArgs};

/// Arguments of `preflight codes`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Every check's codes, in check order, each list as its crate declares it.
pub fn all() -> Vec<&'static CodeInfo> {
    [
        preflight_git::CODES,
        preflight_env::CODES,
        preflight_web::CODES,
        preflight_db::CODES,
        preflight_containers::CODES,
        preflight_framework::CODES,
        preflight_deps::CODES,
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Prints the codes as a table, or as JSON with `--format json`.
pub fn run(global: &GlobalArgs, _args: &Args) -> anyhow::Result<ExitCode> {
    let codes = all();
    let mut out = std::io::stdout().lock();
    if global.format == FormatArg::Json {
        let list: Vec<serde_json::Value> = codes
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id,
                    "severity": c.severity,
                    "description": c.description,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
    } else {
        let width = codes.iter().map(|c| c.id.len()).max().unwrap_or(0);
        for code in codes {
            writeln!(
                out,
                "{:<width$}  {:<8}  {}",
                code.id, code.severity, code.description
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_namespaced_kebab_case_and_described() {
        let codes = all();
        let mut seen = BTreeSet::new();
        for code in &codes {
            assert!(seen.insert(code.id), "duplicate code {}", code.id);
            let (check, name) = code.id.split_once('.').expect("codes are `<check>.<name>`");
            assert!(
                [
                    "git",
                    "env",
                    "web",
                    "db",
                    "container",
                    "django-settings",
                    "fastapi",
                    "deps"
                ]
                .contains(&check),
                "{}",
                code.id
            );
            assert!(
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                code.id
            );
            assert!(
                !code.description.trim().is_empty(),
                "{} has no description",
                code.id
            );
        }
    }

    /// The full list, so that a renamed or removed code shows in review.
    #[test]
    fn snapshot_of_every_code() {
        let listing: String = all()
            .iter()
            .map(|c| format!("{} [{}] {}\n", c.id, c.severity, c.description))
            .collect();
        insta::assert_snapshot!(listing);
    }
}
