//! `Cargo.lock`: the crates from a registry (the project's own crates and git dependencies have
//! no registry version to audit).

use serde::Deserialize;
use toml::Spanned;

use super::{Package, line_at};
use crate::Ecosystem;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Crate>,
}

#[derive(Deserialize)]
struct Crate {
    name: Spanned<String>,
    version: String,
    #[serde(default)]
    source: Option<String>,
}

/// The registry crates of a `Cargo.lock`.
pub fn read(text: &str, rel: &str) -> Result<Vec<Package>, String> {
    let lock: Lock = toml::from_str(text).map_err(|e| e.message().to_string())?;
    Ok(lock
        .package
        .into_iter()
        .filter(|c| {
            c.source
                .as_deref()
                .is_some_and(|s| s.starts_with("registry+") || s.starts_with("sparse+"))
        })
        .map(|c| Package {
            ecosystem: Ecosystem::Crates,
            line: line_at(text, c.name.span().start),
            name: c.name.into_inner(),
            version: c.version,
            path: rel.to_string(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_crates_only() {
        let text = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"fe0f37c9e8f3c5a4a66ad655a93c74daac4ad00c441533bf5c6e7990bb42604e\"\n\n[[package]]\nname = \"forked\"\nversion = \"0.2.0\"\nsource = \"git+https://example.com/forked#1f2e3d\"\n";
        let crates = read(text, "Cargo.lock").unwrap();
        assert_eq!(crates.len(), 1);
        assert_eq!(
            (
                crates[0].name.as_str(),
                crates[0].version.as_str(),
                crates[0].line
            ),
            ("smallvec", "1.6.0", 8)
        );
    }
}
