//! Reading one input into a caller-owned buffer, within the size limit, stopping early for
//! binary content.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// How much of the start of an input is searched for a NUL byte.
pub(crate) const BINARY_PROBE: usize = 8 * 1024;

/// A buffer that grew past this for one large file is shrunk back afterwards, so one 50 MiB
/// file does not keep 50 MiB per thread for the rest of the walk.
const RETAINED_CAPACITY: usize = 8 * 1024 * 1024;

/// What became of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loaded {
    /// The buffer holds the whole input.
    Complete,
    /// The buffer holds the first `max_file_size` bytes of a stream that went on.
    Truncated,
    /// A NUL byte in the first [`BINARY_PROBE`] bytes; not read further.
    Binary,
    /// Larger than the limit; not read.
    TooLarge {
        /// The size found.
        size: u64,
    },
    /// Not a regular file (a FIFO, socket or device); not read.
    NotRegular,
}

/// The limits that apply to reading.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The size limit in bytes.
    pub max_file_size: u64,
    /// Whether binary content is read.
    pub include_binary: bool,
}

/// Reads the regular file at `path` into `buffer` (cleared first).
pub(crate) fn read_file(path: &Path, limits: Limits, buffer: &mut Vec<u8>) -> io::Result<Loaded> {
    buffer.clear();
    let file = open_without_blocking(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Ok(Loaded::NotRegular);
    }
    let size = metadata.len();
    if size > limits.max_file_size {
        return Ok(Loaded::TooLarge { size });
    }
    // One more than the size, so the read that finds the end needs no reallocation.
    buffer.reserve(usize::try_from(size).unwrap_or(0).saturating_add(1));
    // Read one byte past the limit to tell a file that grew while being read.
    let read = read_bounded(&file, limits, buffer)?;
    if read == Loaded::Truncated {
        return Ok(Loaded::TooLarge {
            size: size.max(buffer.len() as u64 + 1),
        });
    }
    Ok(read)
}

/// Reads a stream (standard input) into `buffer` (cleared first), keeping at most
/// `max_file_size` bytes.
pub(crate) fn read_stream(
    stream: impl io::Read,
    limits: Limits,
    buffer: &mut Vec<u8>,
) -> io::Result<Loaded> {
    buffer.clear();
    read_bounded(stream, limits, buffer)
}

/// Reads at most `max_file_size` bytes, looking at the first block for a NUL byte before
/// reading the rest.
fn read_bounded(stream: impl io::Read, limits: Limits, buffer: &mut Vec<u8>) -> io::Result<Loaded> {
    let mut stream = stream.take(limits.max_file_size.saturating_add(1));
    (&mut stream)
        .take(BINARY_PROBE as u64)
        .read_to_end(buffer)?;
    if !limits.include_binary && is_binary(buffer) {
        return Ok(Loaded::Binary);
    }
    stream.read_to_end(buffer)?;
    let limit = usize::try_from(limits.max_file_size).unwrap_or(usize::MAX);
    if buffer.len() > limit {
        buffer.truncate(limit);
        return Ok(Loaded::Truncated);
    }
    Ok(Loaded::Complete)
}

/// Whether content counts as binary: a NUL byte in its first block.
pub(crate) fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_PROBE)]).is_some()
}

/// Gives memory back after an unusually large input.
pub(crate) fn release_large(buffer: &mut Vec<u8>) {
    if buffer.capacity() > RETAINED_CAPACITY {
        buffer.clear();
        buffer.shrink_to(RETAINED_CAPACITY);
    }
}

/// Opens a file for reading without blocking: a path that turned into a FIFO since it was listed
/// opens at once instead of waiting for a writer (it is then rejected as not regular).
fn open_without_blocking(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_file_size: 16,
        include_binary: false,
    };

    #[test]
    fn a_stream_within_the_limit_is_read_whole() {
        let mut buffer = Vec::new();
        let read = read_stream(&b"API_KEY=x\n"[..], LIMITS, &mut buffer).expect("in memory");
        assert_eq!(read, Loaded::Complete);
        assert_eq!(buffer, b"API_KEY=x\n");
    }

    #[test]
    fn a_stream_over_the_limit_keeps_exactly_the_limit() {
        let mut buffer = Vec::new();
        let read = read_stream(&[b'a'; 40][..], LIMITS, &mut buffer).expect("in memory");
        assert_eq!(read, Loaded::Truncated);
        assert_eq!(buffer.len(), 16);
    }

    #[test]
    fn a_nul_in_the_first_block_is_binary_but_not_later() {
        let mut early = vec![b'a'; 100];
        early[50] = 0;
        assert!(is_binary(&early));
        let mut late = vec![b'a'; BINARY_PROBE + 10];
        late[BINARY_PROBE + 5] = 0;
        assert!(!is_binary(&late));
    }

    #[test]
    fn binary_streams_are_read_only_when_asked() {
        let bytes = b"\0\x01\x02rest";
        let mut buffer = Vec::new();
        assert_eq!(
            read_stream(&bytes[..], LIMITS, &mut buffer).expect("in memory"),
            Loaded::Binary
        );
        let limits = Limits {
            include_binary: true,
            ..LIMITS
        };
        assert_eq!(
            read_stream(&bytes[..], limits, &mut buffer).expect("in memory"),
            Loaded::Complete
        );
        assert_eq!(buffer, bytes);
    }

    #[test]
    fn buffers_are_reused_and_cleared() {
        let mut buffer = b"previous content".to_vec();
        read_stream(&b"new"[..], LIMITS, &mut buffer).expect("in memory");
        assert_eq!(buffer, b"new");
    }

    #[test]
    fn large_buffers_are_released() {
        let mut buffer = Vec::with_capacity(RETAINED_CAPACITY * 2);
        release_large(&mut buffer);
        assert!(buffer.capacity() <= RETAINED_CAPACITY);
    }

    #[test]
    fn a_missing_file_is_an_io_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut buffer = Vec::new();
        let error = read_file(&dir.path().join("gone"), LIMITS, &mut buffer).expect_err("missing");
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    }
}
