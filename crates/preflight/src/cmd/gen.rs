//! `preflight gen`: fresh secrets from the operating system's CSPRNG, and `.env` files filled
//! from their example.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use preflight_env::generate;

use crate::cli::GlobalArgs;
use crate::config::Config;

/// What to generate.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print one fresh secret (default: 32 random bytes as hex).
    Secret(SecretArgs),
    /// Write a dotenv file from an example, with a fresh value for every secret; the file goes
    /// to `--output` (default `.env`), mode 0600.
    Env(EnvArgs),
}

/// Arguments of `preflight gen secret`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("style").multiple(false)))]
pub struct SecretArgs {
    /// BYTES random bytes as hex (`openssl rand -hex`).
    #[arg(long, value_name = "BYTES", group = "style")]
    pub hex: Option<usize>,
    /// BYTES random bytes as base64 (`openssl rand -base64`).
    #[arg(long, value_name = "BYTES", group = "style")]
    pub base64: Option<usize>,
    /// A 50-character Django SECRET_KEY.
    #[arg(long, group = "style")]
    pub django: bool,
    /// A password with upper- and lower-case letters, digits and URL-safe symbols.
    #[arg(long, group = "style")]
    pub password: bool,
    /// The password's length.
    #[arg(long, value_name = "N", requires = "password", default_value_t = 32)]
    pub length: usize,
}

/// Arguments of `preflight gen env`.
#[derive(Debug, clap::Args)]
pub struct EnvArgs {
    /// The example file to start from.
    #[arg(long, value_name = "FILE", default_value = ".env.example")]
    pub from: PathBuf,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `preflight gen`.
pub fn run(global: &GlobalArgs, command: &Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Secret(args) => secret(args),
        Command::Env(args) => env(global, args),
    }
}

fn secret(args: &SecretArgs) -> anyhow::Result<ExitCode> {
    let value = if let Some(bytes) = args.hex {
        generate::hex(bytes)?
    } else if let Some(bytes) = args.base64 {
        generate::base64(bytes)?
    } else if args.django {
        generate::django()?
    } else if args.password {
        generate::password(args.length)?
    } else {
        generate::hex(32)?
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{value}")?;
    Ok(ExitCode::SUCCESS)
}

fn env(global: &GlobalArgs, args: &EnvArgs) -> anyhow::Result<ExitCode> {
    let example = std::fs::read(&args.from)
        .with_context(|| format!("cannot read {}", args.from.display()))?;
    let root = args
        .from
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let config = Config::load(global.config.as_deref(), root)?;
    let check = super::env::build(&config)?;
    let django = root.join("manage.py").is_file();
    let filled = generate::fill(&example, check.policy(), django)?;
    let target = global.output.clone().unwrap_or_else(|| root.join(".env"));
    write_new_private(&target, filled.text.as_bytes(), args.force)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "wrote {} (mode 0600)", target.display())?;
    if !filled.generated.is_empty() {
        writeln!(out, "fresh secrets: {}", filled.generated.join(", "))?;
    }
    if !filled.left.is_empty() {
        writeln!(out, "still to fill in: {}", filled.left.join(", "))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to a file only its owner can read; refuses to replace one unless `force`.
fn write_new_private(path: &Path, bytes: &[u8], force: bool) -> anyhow::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!(
                "{} already exists; pass --force to replace it",
                path.display()
            )
        } else {
            anyhow::anyhow!("cannot write {}: {e}", path.display())
        }
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(bytes)?;
    Ok(())
}
