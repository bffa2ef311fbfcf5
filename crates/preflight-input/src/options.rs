//! What a walk includes.

/// The default size limit: 50 MiB.
const DEFAULT_MAX_FILE_SIZE: u64 = 50 * 1024 * 1024;

/// What a directory walk includes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkOptions {
    /// Honour `.gitignore`, `.ignore`, `.git/info/exclude` and the global git excludes
    /// (default true; `--no-ignore` turns it off).
    pub respect_ignore: bool,
    /// Scan files with a NUL byte in their first 8 KiB (default false; `--binary`).
    pub include_binary: bool,
    /// Files larger than this many bytes are skipped with a warning (default 50 MiB).
    pub max_file_size: u64,
    /// Walker threads; 0 means one per CPU.
    pub threads: usize,
    /// Follow symbolic links to files and directories (default false: links are reported only
    /// when broken or looping). Loops are detected and reported when following.
    pub follow_links: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            respect_ignore: true,
            include_binary: false,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            threads: 0,
            follow_links: false,
        }
    }
}

impl WalkOptions {
    /// The number of walker threads to use.
    pub(crate) fn thread_count(&self) -> usize {
        if self.threads > 0 {
            return self.threads;
        }
        std::thread::available_parallelism().map_or(1, usize::from)
    }
}
