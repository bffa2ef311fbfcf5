//! Reading one blob for scanning, with the checks every scan applies first: size limit, missing
//! or unreadable object, Git LFS pointer.

use gix::ObjectId;
use gix::objs::{Find, FindHeader};
use preflight_findings::Warning;

/// The first line of a Git LFS pointer file, whose real content lives on an LFS server.
const LFS_POINTER: &[u8] = b"version https://git-lfs.github.com/spec/v1";

/// Reads blob `id` (at `path`) into `buf` unless it is larger than `max_size`, missing, corrupt
/// or an LFS pointer; then the error is a warning naming the object and path.
pub(crate) fn read<'b>(
    repo: &gix::Repository,
    id: &ObjectId,
    path: &str,
    max_size: u64,
    buf: &'b mut Vec<u8>,
) -> Result<&'b [u8], Warning> {
    let missing = || {
        Warning::at(
            path,
            format!(
                "blob {} is missing from the repository; not scanned",
                short(id)
            ),
        )
    };
    let unreadable = |err: &dyn std::fmt::Display| {
        Warning::at(
            path,
            format!("blob {} could not be read ({err}); not scanned", short(id)),
        )
    };
    match repo.objects.try_header(id) {
        Ok(Some(header)) if header.size > max_size => {
            return Err(too_large(id, path, header.size, max_size));
        }
        Ok(Some(_)) => {}
        Ok(None) => return Err(missing()),
        Err(err) => return Err(unreadable(&err)),
    }
    let data = match repo.objects.try_find(id, buf) {
        Ok(Some(data)) => data,
        Ok(None) => return Err(missing()),
        Err(err) => return Err(unreadable(&err)),
    };
    checked(id, path, data.data, max_size)
}

/// `data`, the content of blob `id` at `path`, unless it is larger than `max_size` or an LFS
/// pointer; then the error is a warning naming the object and path.
pub(crate) fn checked<'b>(
    id: &ObjectId,
    path: &str,
    data: &'b [u8],
    max_size: u64,
) -> Result<&'b [u8], Warning> {
    if data.len() as u64 > max_size {
        return Err(too_large(id, path, data.len() as u64, max_size));
    }
    if data.starts_with(LFS_POINTER) {
        return Err(Warning::at(
            path,
            format!(
                "Git LFS pointer (blob {}): the file's content is stored outside the \
                 repository and was not scanned",
                short(id)
            ),
        ));
    }
    Ok(data)
}

/// An object id as messages show it: abbreviated, as git shows it, so that it is not mistaken
/// for a credential and scrubbed.
pub(crate) fn short(id: &ObjectId) -> impl std::fmt::Display + '_ {
    id.to_hex_with_len(12)
}

/// The warning for blob `id` at `path`, of `size` bytes, not scanned for being over `max_size`.
fn too_large(id: &ObjectId, path: &str, size: u64, max_size: u64) -> Warning {
    Warning::at(
        path,
        format!(
            "blob {} is {size} bytes, over the {max_size}-byte limit; not scanned",
            short(id)
        ),
    )
}
