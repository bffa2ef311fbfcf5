//! The parallel walk: roots to blobs, one visitor and one read buffer per thread.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};
use preflight_findings::{LocationKind, Warning};

use crate::display::{as_given, display_path, human_size};
use crate::problems::{Tally, describe_io, is_loop};
use crate::read::{Limits, Loaded, read_file, read_stream, release_large};
use crate::{Blob, Visitor, WalkOptions, Walked};

/// The root that stands for standard input.
const STDIN: &str = "-";

/// Walks files and directories in parallel (a `-` root reads standard input), calling a visitor
/// made by `new_visitor` on each thread; `.git/` is never walked as files.
pub fn walk<V: Visitor>(
    roots: &[PathBuf],
    options: &WalkOptions,
    new_visitor: &(dyn Fn() -> V + Sync),
) -> Walked<V> {
    walk_with_stdin(roots, options, new_visitor, io::stdin().lock())
}

/// [`walk`], reading the `-` root from `stdin`.
fn walk_with_stdin<V: Visitor>(
    roots: &[PathBuf],
    options: &WalkOptions,
    new_visitor: &(dyn Fn() -> V + Sync),
    stdin: impl io::Read,
) -> Walked<V> {
    let shared = Shared {
        options,
        limits: Limits {
            max_file_size: options.max_file_size,
            include_binary: options.include_binary,
        },
        new_visitor,
        several_roots: roots.iter().filter(|r| r.as_os_str() != STDIN).count() > 1,
        idle_visitors: Mutex::new(Vec::new()),
        tally: Mutex::new(Tally::default()),
    };
    let (stdin_roots, path_roots): (Vec<&PathBuf>, Vec<&PathBuf>) =
        roots.iter().partition(|root| root.as_os_str() == STDIN);
    if !stdin_roots.is_empty() {
        // Standard input can be read only once, however often `-` is given.
        Worker::new(&shared).visit_stream(stdin);
    }
    if let Some((first, rest)) = path_roots.split_first() {
        let mut builder = walk_builder(first, options);
        for root in rest {
            builder.add(root);
        }
        builder
            .build_parallel()
            .visit(&mut WorkerBuilder { shared: &shared });
    }
    Walked {
        visitors: shared
            .idle_visitors
            .into_inner()
            .expect("a visitor thread panicked"),
        outcome: shared
            .tally
            .into_inner()
            .expect("a visitor thread panicked")
            .finish(),
    }
}

/// The directory walker, configured from the options.
fn walk_builder(first: &Path, options: &WalkOptions) -> WalkBuilder {
    let mut builder = WalkBuilder::new(first);
    builder
        .standard_filters(options.respect_ignore)
        // Secrets hide in `.env` and other dot files.
        .hidden(false)
        // A project's ignore files say what is not its own, in a git checkout or not.
        .require_git(false)
        .follow_links(options.follow_links)
        .threads(options.thread_count())
        .filter_entry(|entry| !is_git_dir(entry));
    builder
}

/// Whether an entry is a `.git` directory, whose content is history, not files.
fn is_git_dir(entry: &DirEntry) -> bool {
    entry.file_name() == ".git" && entry.file_type().is_some_and(|kind| kind.is_dir())
}

/// What every thread of a walk shares.
struct Shared<'w, V> {
    options: &'w WalkOptions,
    limits: Limits,
    new_visitor: &'w (dyn Fn() -> V + Sync),
    /// Whether several roots were given: paths then keep their root (`a/x.py`, `b/x.py`), since
    /// paths relative to each root could name two files alike.
    several_roots: bool,
    /// Visitors not in use; a thread takes one (or makes one) and puts it back when done.
    idle_visitors: Mutex<Vec<V>>,
    /// What the finished threads saw.
    tally: Mutex<Tally>,
}

/// Makes a [`Worker`] for each walker thread.
struct WorkerBuilder<'s, 'w, V> {
    shared: &'s Shared<'w, V>,
}

impl<'s, V: Visitor> ParallelVisitorBuilder<'s> for WorkerBuilder<'s, '_, V> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Worker::new(self.shared))
    }
}

/// One thread's share of a walk: a visitor, a read buffer and a tally, handed back on drop.
struct Worker<'s, 'w, V: Visitor> {
    shared: &'s Shared<'w, V>,
    visitor: Option<V>,
    buffer: Vec<u8>,
    tally: Tally,
}

impl<'s, 'w, V: Visitor> Worker<'s, 'w, V> {
    fn new(shared: &'s Shared<'w, V>) -> Self {
        let idle = shared
            .idle_visitors
            .lock()
            .expect("a visitor thread panicked")
            .pop();
        Worker {
            shared,
            visitor: Some(idle.unwrap_or_else(|| (shared.new_visitor)())),
            buffer: Vec::new(),
            tally: Tally::default(),
        }
    }

    /// Reads standard input and visits it.
    fn visit_stream(&mut self, stdin: impl io::Read) {
        match read_stream(stdin, self.shared.limits, &mut self.buffer) {
            Ok(Loaded::Truncated) => {
                let limit = human_size(self.shared.options.max_file_size);
                self.tally.outcome.warnings.push(Warning::at(
                    STDIN,
                    format!(
                        "only the first {limit} were scanned: standard input is over the size limit"
                    ),
                ));
                self.visit_buffer(STDIN, LocationKind::Stdin);
            }
            Ok(loaded) => self.handle(STDIN, LocationKind::Stdin, loaded),
            Err(error) => self.tally.io_error(STDIN, &error),
        }
    }

    /// Looks at one entry of the walk.
    fn visit_entry(&mut self, entry: &DirEntry) {
        let Some(kind) = entry.file_type() else {
            return;
        };
        if kind.is_dir() {
            return;
        }
        let shown = if self.shared.several_roots {
            as_given(entry.path())
        } else {
            display_path(entry.path(), entry.depth())
        };
        if kind.is_symlink() {
            // Only reached when links are not followed: report the ones that lead nowhere.
            if let Err(error) = fs::metadata(entry.path()) {
                let message = if is_loop(&error) {
                    "symbolic link loop, not followed".to_owned()
                } else if error.kind() == io::ErrorKind::NotFound {
                    "broken symbolic link (its target does not exist), not scanned".to_owned()
                } else {
                    describe_io(&error)
                };
                self.tally.skipped(shown, message);
            }
            return;
        }
        if !kind.is_file() {
            self.tally.skipped(
                shown,
                "not a regular file (a FIFO, socket or device), not read",
            );
            return;
        }
        match read_file(entry.path(), self.shared.limits, &mut self.buffer) {
            Ok(loaded) => self.handle(&shown, LocationKind::File, loaded),
            Err(error) => self.tally.io_error(shown, &error),
        }
        release_large(&mut self.buffer);
    }

    /// Visits what was read, or records why it was not.
    fn handle(&mut self, shown: &str, kind: LocationKind, loaded: Loaded) {
        match loaded {
            Loaded::Complete | Loaded::Truncated => self.visit_buffer(shown, kind),
            Loaded::Binary => self.tally.binary(),
            Loaded::TooLarge { size } => {
                self.tally
                    .too_large(shown, size, self.shared.options.max_file_size);
            }
            Loaded::NotRegular => self.tally.skipped(
                shown,
                "not a regular file (a FIFO, socket or device), not read",
            ),
        }
    }

    /// Hands the buffer to the visitor.
    fn visit_buffer(&mut self, shown: &str, kind: LocationKind) {
        self.tally.scanned(self.buffer.len());
        let visitor = self
            .visitor
            .as_mut()
            .expect("a worker holds its visitor until dropped");
        visitor.visit(Blob {
            path: shown,
            kind,
            bytes: &self.buffer,
        });
    }
}

impl<V: Visitor> ParallelVisitor for Worker<'_, '_, V> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(entry) => self.visit_entry(&entry),
            Err(error) => self.tally.walk_error(&error),
        }
        WalkState::Continue
    }
}

impl<V: Visitor> Drop for Worker<'_, '_, V> {
    fn drop(&mut self) {
        // A poisoned lock means a visitor panicked; that panic is already on its way.
        if let Some(visitor) = self.visitor.take()
            && let Ok(mut idle) = self.shared.idle_visitors.lock()
        {
            idle.push(visitor);
        }
        if let Ok(mut tally) = self.shared.tally.lock() {
            tally.merge(std::mem::take(&mut self.tally));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Recorder(Vec<(String, LocationKind, Vec<u8>)>);

    impl Visitor for Recorder {
        fn visit(&mut self, blob: Blob<'_>) {
            self.0
                .push((blob.path.to_owned(), blob.kind, blob.bytes.to_vec()));
        }
    }

    fn seen(walked: Walked<Recorder>) -> Vec<(String, LocationKind, Vec<u8>)> {
        walked
            .visitors
            .into_iter()
            .flat_map(|recorder| recorder.0)
            .collect()
    }

    #[test]
    fn standard_input_is_read_once_as_dash() {
        let roots = [PathBuf::from("-"), PathBuf::from("-")];
        let walked = walk_with_stdin(
            &roots,
            &WalkOptions::default(),
            &Recorder::default,
            &b"TOKEN=abc\n"[..],
        );
        assert!(walked.outcome.warnings.is_empty());
        assert_eq!(walked.outcome.stats.scanned, 1);
        assert_eq!(
            seen(walked),
            [("-".to_owned(), LocationKind::Stdin, b"TOKEN=abc\n".to_vec())]
        );
    }

    #[test]
    fn standard_input_over_the_limit_is_scanned_up_to_it_with_a_warning() {
        let options = WalkOptions {
            max_file_size: 4,
            ..WalkOptions::default()
        };
        let walked = walk_with_stdin(
            &[PathBuf::from("-")],
            &options,
            &Recorder::default,
            &b"0123456789"[..],
        );
        let warnings = walked.outcome.warnings.clone();
        assert_eq!(
            seen(walked),
            [("-".to_owned(), LocationKind::Stdin, b"0123".to_vec())]
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].path.as_deref(), Some("-"));
        assert!(
            warnings[0]
                .message
                .starts_with("only the first 4 bytes were scanned")
        );
    }

    #[test]
    fn binary_standard_input_is_skipped_unless_asked() {
        let walked = walk_with_stdin(
            &[PathBuf::from("-")],
            &WalkOptions::default(),
            &Recorder::default,
            &b"\0\x01"[..],
        );
        assert_eq!(walked.outcome.stats.skipped, 1);
        assert!(seen(walked).is_empty());
    }
}
