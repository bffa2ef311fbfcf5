//! The scanning threads: each reads blobs from its own repository handle and runs the
//! [`BlobScanner`] with its own scratch space. Threads take consecutive batches of the job list
//! (which is in pack order) from a shared cursor, so they rarely contend and each keeps some
//! locality for its delta cache.

use std::sync::atomic::{AtomicUsize, Ordering};

use preflight_findings::{Finding, Stats, Warning};

use super::walk::Job;
use crate::BlobScanner;
use crate::blob;

/// Blobs per batch taken by a scanning thread.
const BATCH: usize = 64;

/// The delta-base cache of each scanning thread.
const PACK_CACHE_BYTES: usize = 24 * 1024 * 1024;

/// What one scanning thread found.
#[derive(Default)]
pub(crate) struct Scanned {
    /// Findings by blob index.
    pub hits: Vec<(u32, Vec<Finding>)>,
    /// Blobs not scanned, and why.
    pub warnings: Vec<Warning>,
    /// Counters.
    pub stats: Stats,
}

/// Scans batches of `jobs`, taking each batch at `cursor`, until none is left.
pub(crate) fn work<S: BlobScanner>(
    repo: &gix::ThreadSafeRepository,
    scanner: &S,
    jobs: &[Job],
    cursor: &AtomicUsize,
    max_size: u64,
) -> Scanned {
    let mut repo = repo.to_thread_local();
    // Blobs are read once each, so a large delta-base cache per thread buys little and costs
    // resident memory on every thread; a small one still serves delta chains read back to back.
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::StaticLinkedList::<64>::new(
            PACK_CACHE_BYTES,
        ))
    });
    let mut scratch = scanner.scratch();
    let mut out = Scanned::default();
    let mut buf = Vec::new();
    loop {
        let start = cursor.fetch_add(BATCH, Ordering::Relaxed);
        if start >= jobs.len() {
            break;
        }
        let batch = &jobs[start..(start + BATCH).min(jobs.len())];
        for job in batch {
            match blob::read(&repo, &job.id, &job.path, max_size, &mut buf) {
                Ok(bytes) => {
                    out.stats.scanned += 1;
                    out.stats.bytes += bytes.len() as u64;
                    let findings = scanner.scan(bytes, &job.path, &mut scratch);
                    if !findings.is_empty() {
                        out.hits.push((job.index, findings));
                    }
                }
                Err(warning) => {
                    out.stats.skipped += 1;
                    out.warnings.push(warning);
                }
            }
        }
    }
    out
}
