//! `preflight init`: drafts a `preflight.toml` from `.env.example` and the variables the code
//! reads, and lists where the two disagree.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::GlobalArgs;

/// Arguments of `preflight init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Replace an existing preflight.toml.
    #[arg(long)]
    pub force: bool,
    /// The project root, where preflight.toml is written.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}

/// Runs `preflight init`.
pub fn run(_global: &GlobalArgs, args: &Args) -> anyhow::Result<ExitCode> {
    let target = args.root.join("preflight.toml");
    if target.exists() && !args.force {
        anyhow::bail!(
            "{} already exists; pass --force to replace it",
            target.display()
        );
    }
    let draft = preflight_env::init::draft(&args.root);
    std::fs::write(&target, &draft.toml)
        .with_context(|| format!("cannot write {}", target.display()))?;
    let example = draft.example.as_deref().unwrap_or(".env.example");
    let mut out = std::io::stdout().lock();
    writeln!(out, "wrote {}", target.display())?;
    if !draft.code_only.is_empty() {
        writeln!(out, "\nread by the code but missing from {example}:")?;
        for usage in &draft.code_only {
            let need = if usage.required {
                "required"
            } else {
                "optional"
            };
            writeln!(
                out,
                "  {} ({need}; {} at {}:{})",
                usage.name, usage.how, usage.path, usage.line
            )?;
        }
    }
    if !draft.example_only.is_empty() {
        writeln!(out, "\nlisted in {example} but never read by the code:")?;
        for name in &draft.example_only {
            writeln!(out, "  {name}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
