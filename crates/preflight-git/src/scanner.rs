use preflight_findings::Finding;

/// Whatever finds secrets in bytes: the history and staged scans call it once per blob, from
/// several threads, each thread with its own scratch space.
///
/// `scan` returns findings located at `path` with 1-based lines within `bytes`; the caller
/// rewrites the location kind (history, staged) and attaches the blob's history. Findings are
/// grouped across blobs by their [`Finding::fingerprint`], so a scanner must fingerprint a secret
/// by its rule and value (as [`Finding::secret`] does), not by where it is.
pub trait BlobScanner: Sync {
    /// Per-thread reusable state (match buffers and the like).
    type Scratch: Send;

    /// Fresh scratch space for one thread.
    fn scratch(&self) -> Self::Scratch;

    /// The findings in one blob, whose path (with `/` separators) is `path`.
    fn scan(&self, bytes: &[u8], path: &str, scratch: &mut Self::Scratch) -> Vec<Finding>;
}
