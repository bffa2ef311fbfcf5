//! Turning what went wrong with an input into a warning that names it, and counting what was
//! scanned and skipped.

use std::io;
use std::path::Path;

use preflight_findings::{Outcome, Warning};

use crate::display::{as_given, display_path, human_size, root_of};

/// What one thread of a walk saw besides the blobs.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Warnings and counters.
    pub outcome: Outcome,
    /// Binary files skipped, reported together in one warning at the end.
    pub binary_skipped: u64,
}

impl Tally {
    /// Counts a scanned input.
    pub fn scanned(&mut self, bytes: usize) {
        self.outcome.stats.scanned += 1;
        self.outcome.stats.bytes += bytes as u64;
    }

    /// Counts a skipped input and says why.
    pub fn skipped(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.outcome.stats.skipped += 1;
        self.outcome
            .warnings
            .push(Warning::at(path, Into::<String>::into(message)));
    }

    /// Counts a skipped binary input.
    pub fn binary(&mut self) {
        self.outcome.stats.skipped += 1;
        self.binary_skipped += 1;
    }

    /// Counts an input over the size limit.
    pub fn too_large(&mut self, path: impl Into<String>, size: u64, limit: u64) {
        self.skipped(
            path,
            format!(
                "skipped: {} is over the size limit of {}",
                human_size(size),
                human_size(limit)
            ),
        );
    }

    /// Records an error reading or listing `path`.
    pub fn io_error(&mut self, path: impl Into<String>, error: &io::Error) {
        self.skipped(path, describe_io(error));
    }

    /// Records an error of the directory walker.
    pub fn walk_error(&mut self, error: &ignore::Error) {
        let (context, error) = unwrap_walk_error(error, Context::default());
        // A walk error with several causes reports each of them.
        if let ignore::Error::Partial(errors) = error {
            for error in errors {
                self.walk_error(error);
            }
            return;
        }
        let path = context.path.map(|path| match context.depth {
            Some(depth) => display_path(path, depth),
            None => as_given(path),
        });
        let message = match error {
            ignore::Error::Io(io_error) => {
                self.outcome.stats.skipped += 1;
                describe_io(io_error)
            }
            ignore::Error::Loop { ancestor, child } => {
                self.outcome.stats.skipped += 1;
                let ancestor_shown = context
                    .depth
                    .and_then(|depth| root_of(child, depth))
                    .and_then(|root| ancestor.strip_prefix(root).ok())
                    .map_or_else(|| as_given(ancestor), as_given);
                let ancestor_shown = if ancestor_shown.is_empty() {
                    ".".to_owned()
                } else {
                    ancestor_shown
                };
                format!("symbolic link loop (leads back to `{ancestor_shown}`), not followed")
            }
            other => format!("ignore rules could not be applied: {other}"),
        };
        self.outcome.warnings.push(Warning {
            path,
            line: context.line.and_then(|line| u32::try_from(line).ok()),
            message: message.into(),
        });
    }

    /// Adds another thread's tally to this one.
    pub fn merge(&mut self, other: Tally) {
        self.outcome.merge(other.outcome);
        self.binary_skipped += other.binary_skipped;
    }

    /// The walk's outcome, with warnings in path order and the binary summary last.
    pub fn finish(mut self) -> Outcome {
        self.outcome
            .warnings
            .sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
        if self.binary_skipped > 0 {
            let files = if self.binary_skipped == 1 {
                "file"
            } else {
                "files"
            };
            self.outcome.warnings.push(Warning::general(format!(
                "skipped {} binary {files} (a NUL byte in the first 8 KiB); --binary scans them",
                self.binary_skipped
            )));
        }
        self.outcome
    }
}

/// Where a walk error happened: its path, depth and line, found by unwrapping its layers.
#[derive(Default, Clone, Copy)]
struct Context<'e> {
    path: Option<&'e Path>,
    depth: Option<usize>,
    line: Option<u64>,
}

/// Takes the context layers off a walk error.
fn unwrap_walk_error<'e>(
    error: &'e ignore::Error,
    mut context: Context<'e>,
) -> (Context<'e>, &'e ignore::Error) {
    match error {
        ignore::Error::WithPath { path, err } => {
            context.path = context.path.or(Some(path));
            unwrap_walk_error(err, context)
        }
        ignore::Error::WithDepth { depth, err } => {
            context.depth = context.depth.or(Some(*depth));
            unwrap_walk_error(err, context)
        }
        ignore::Error::WithLineNumber { line, err } => {
            context.line = context.line.or(Some(*line));
            unwrap_walk_error(err, context)
        }
        ignore::Error::Loop { child, .. } => {
            context.path = context.path.or(Some(child));
            (context, error)
        }
        _ => (context, error),
    }
}

/// Says what an I/O error means for the input, without the operating system's jargon.
pub(crate) fn describe_io(error: &io::Error) -> String {
    if is_loop(error) {
        return "symbolic link loop, not followed".to_owned();
    }
    match error.kind() {
        io::ErrorKind::NotFound => {
            "not found (removed during the scan, or a broken symbolic link), not scanned".to_owned()
        }
        io::ErrorKind::PermissionDenied => "permission denied, not scanned".to_owned(),
        _ => format!("could not be read ({error}), not scanned"),
    }
}

/// Whether an error is the operating system saying a chain of symbolic links loops.
pub(crate) fn is_loop(error: &io::Error) -> bool {
    #[cfg(unix)]
    {
        error.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_are_described_plainly() {
        let missing = io::Error::from(io::ErrorKind::NotFound);
        assert!(describe_io(&missing).starts_with("not found"));
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(describe_io(&denied), "permission denied, not scanned");
    }

    #[cfg(unix)]
    #[test]
    fn eloop_is_a_symlink_loop() {
        let error = io::Error::from_raw_os_error(libc::ELOOP);
        assert_eq!(describe_io(&error), "symbolic link loop, not followed");
    }

    #[test]
    fn walk_errors_name_the_path_relative_to_the_root() {
        let error = ignore::Error::WithPath {
            path: "root/secret/dir".into(),
            err: Box::new(ignore::Error::WithDepth {
                depth: 2,
                err: Box::new(ignore::Error::Io(io::Error::from(
                    io::ErrorKind::PermissionDenied,
                ))),
            }),
        };
        let mut tally = Tally::default();
        tally.walk_error(&error);
        let outcome = tally.finish();
        assert_eq!(outcome.warnings[0].path.as_deref(), Some("secret/dir"));
        assert_eq!(
            outcome.warnings[0].message,
            "permission denied, not scanned"
        );
        assert_eq!(outcome.stats.skipped, 1);
    }

    #[test]
    fn binary_files_are_summarised_in_one_warning() {
        let mut tally = Tally::default();
        tally.binary();
        tally.binary();
        let outcome = tally.finish();
        assert_eq!(outcome.warnings.len(), 1);
        assert!(
            outcome.warnings[0]
                .message
                .starts_with("skipped 2 binary files")
        );
        assert_eq!(outcome.stats.skipped, 2);
    }
}
