//! The inputs preflight scans: directories, files and standard input, turned into blobs of bytes.
//!
//! Design notes:
//! - The walker knows nothing of matching. [`walk`] hands each readable blob to a [`Visitor`]; a
//!   visitor is made once per walker thread, so it can own its scanner and scratch buffers, and all
//!   visitors are handed back in [`Walked`] for the caller to merge their results.
//! - Directories are walked in parallel by the `ignore` crate, which honours `.gitignore`,
//!   `.ignore`, `.git/info/exclude` and the global git excludes (also outside a git repository:
//!   a project's ignore files state what it considers not its own). Hidden files are scanned, since
//!   secrets hide in `.env`; `.git/` directories are never walked, their content is history.
//! - Each thread reads files into one reusable buffer. Memory maps were not an option: the
//!   workspace forbids `unsafe`, and mapping a file that another process truncates is undefined.
//! - Only regular files are opened, and with `O_NONBLOCK`, so a FIFO or a device never hangs the
//!   walk. Symbolic links are not followed unless asked (like git, the link is not the content);
//!   broken links and link loops are reported.
//! - Nothing about one input stops the walk: unreadable, vanished, oversized or odd files become
//!   [`Warning`](preflight_findings::Warning)s naming the path, and binary files are counted and
//!   reported in one summary warning.
//! - Paths are shown relative to the root they were found under (with several roots, with the
//!   root in front, so that two roots cannot show two files alike), with `/` separators, lossily
//!   for names that are not UTF-8; a root that is a file is shown as given; standard input is `-`.

mod blob;
mod display;
mod options;
mod problems;
mod read;
mod walk;

pub use blob::{Blob, Visitor, Walked};
pub use options::WalkOptions;
pub use walk::walk;
