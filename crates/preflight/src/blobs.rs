//! The secret engine as the git crate's blob scanner: history, staged changes and incident
//! reports scan blobs through the same rules and filters as the working tree.

use std::sync::Arc;

use preflight_findings::{Finding, LocationKind, Outcome};
use preflight_git::BlobScanner;
use preflight_secrets::{Scanner, Scratch};

/// Scans git blobs with a shared [`Scanner`], locating findings as `kind`.
pub struct EngineBlobs {
    scanner: Arc<Scanner>,
    kind: LocationKind,
}

impl EngineBlobs {
    /// Blobs of git history.
    pub fn history(scanner: Arc<Scanner>) -> Self {
        EngineBlobs {
            scanner,
            kind: LocationKind::GitHistory,
        }
    }

    /// Files as staged in the index.
    pub fn staged(scanner: Arc<Scanner>) -> Self {
        EngineBlobs {
            scanner,
            kind: LocationKind::Staged,
        }
    }
}

impl BlobScanner for EngineBlobs {
    type Scratch = Scratch;

    fn scratch(&self) -> Scratch {
        Scratch::default()
    }

    fn scan(&self, bytes: &[u8], path: &str, scratch: &mut Scratch) -> Vec<Finding> {
        let mut outcome = Outcome::default();
        self.scanner
            .scan_blob(path, self.kind, bytes, scratch, &mut outcome);
        outcome.findings
    }
}
