//! What a walk hands out (blobs, to visitors) and what it gives back.

use preflight_findings::{LocationKind, Outcome};

/// One input to scan: its display path (relative to the root it was found under, `/`
/// separators, `-` for standard input), its kind, and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct Blob<'a> {
    /// The path to show: relative to its root, `/`-separated, lossy for non-UTF-8 names.
    pub path: &'a str,
    /// [`LocationKind::File`] or [`LocationKind::Stdin`].
    pub kind: LocationKind,
    /// The content, which may be any bytes (not necessarily UTF-8).
    pub bytes: &'a [u8],
}

/// Called once per blob; there is one visitor per walker thread, so it can own scratch buffers.
pub trait Visitor: Send {
    /// Looks at one blob. The bytes are only borrowed: the buffer is reused for the next file.
    fn visit(&mut self, blob: Blob<'_>);
}

/// What a walk produced: the visitors (holding whatever they gathered) and what the walk saw
/// besides the blobs: warnings (unreadable, broken links, loops, too large, binary files
/// skipped) and stats (files scanned, bytes, skipped).
#[derive(Debug)]
pub struct Walked<V> {
    /// Every visitor that was made, in no particular order.
    pub visitors: Vec<V>,
    /// Warnings and stats of the walk itself; it holds no findings.
    pub outcome: Outcome,
}
