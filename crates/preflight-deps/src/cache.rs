//! Where downloaded exports and indexes live: `PREFLIGHT_CACHE_DIR`, else the platform's cache
//! directory (`~/.cache/preflight` on Linux, `~/Library/Caches/preflight` on macOS), or a
//! directory given on the command line.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::Ecosystem;

/// The variable that overrides the cache directory.
pub const CACHE_ENV: &str = "PREFLIGHT_CACHE_DIR";

/// The cache directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    root: PathBuf,
}

/// A downloaded export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// Its ecosystem.
    pub ecosystem: Ecosystem,
    /// The zip file.
    pub path: PathBuf,
    /// When it was downloaded (the file's modification time).
    pub downloaded: SystemTime,
}

impl Cache {
    /// A cache in `root`.
    pub fn at(root: impl Into<PathBuf>) -> Cache {
        Cache { root: root.into() }
    }

    /// The cache named by `PREFLIGHT_CACHE_DIR`, else the platform's; `None` when there is no
    /// home directory to put it in.
    pub fn default_location() -> Option<Cache> {
        match std::env::var_os(CACHE_ENV).filter(|v| !v.is_empty()) {
            Some(dir) => Some(Cache::at(dir)),
            None => dirs::cache_dir().map(|d| Cache::at(d.join("preflight"))),
        }
    }

    /// The cache directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where an ecosystem's export is kept.
    pub fn export_path(&self, ecosystem: Ecosystem) -> PathBuf {
        self.root
            .join("osv")
            .join(ecosystem.osv_name())
            .join("all.zip")
    }

    /// Where indexes are kept.
    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }

    /// The exports downloaded so far.
    pub fn exports(&self) -> Vec<Export> {
        Ecosystem::ALL
            .into_iter()
            .filter_map(|ecosystem| {
                let path = self.export_path(ecosystem);
                let downloaded = std::fs::metadata(&path).ok()?.modified().ok()?;
                Some(Export {
                    ecosystem,
                    path,
                    downloaded,
                })
            })
            .collect()
    }
}
