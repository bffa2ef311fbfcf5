//! The scanning threads: each reads blobs from its own repository handle and runs the
//! [`BlobScanner`] with its own scratch space. The walk sends batches of jobs (in pack order
//! within each batch) over a bounded channel while it goes on; the threads take whole batches,
//! so each keeps some locality for its delta cache, and scanning starts with the first batch
//! rather than after the walk.

use std::sync::Mutex;
use std::sync::mpsc::Receiver;

use gix::ObjectId;
use std::collections::HashMap;

use preflight_findings::{Finding, Fingerprint, Stats, Warning};

use super::walk::Job;
use crate::BlobScanner;
use crate::blob;

/// The delta-base cache of each scanning thread.
const PACK_CACHE_BYTES: usize = 24 * 1024 * 1024;

/// The secrets found in one blob.
pub(crate) struct Hit {
    /// The blob's index in the walk.
    pub index: u32,
    /// The blob id.
    pub id: ObjectId,
    /// The path it was scanned under.
    pub path: String,
    /// The fingerprints of its findings, each once, in the order found.
    pub secrets: Vec<Fingerprint>,
}

/// What one scanning thread found.
///
/// A secret kept in a file for years is found again in every version of that file, so full
/// findings are not kept per blob: only fingerprints, and one finding per distinct secret.
/// The report scans again the one blob it shows for each secret.
#[derive(Default)]
pub(crate) struct Scanned {
    /// Blobs with findings.
    pub hits: Vec<Hit>,
    /// The first finding of each distinct secret this thread met.
    pub first: HashMap<Fingerprint, Finding>,
    /// Blobs not scanned, and why.
    pub warnings: Vec<Warning>,
    /// Counters.
    pub stats: Stats,
}

/// Scans the batches of jobs `batches` yields until the walk is over and none is left.
pub(crate) fn work<S: BlobScanner>(
    repo: &gix::ThreadSafeRepository,
    scanner: &S,
    batches: &Mutex<Receiver<Vec<Job>>>,
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
        // A poisoned lock means another scanning thread panicked; the scope reports that.
        let next = match batches.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => break,
        };
        let Ok(batch) = next else { break };
        for job in batch {
            match blob::read(&repo, &job.id, &job.path, max_size, &mut buf) {
                Ok(bytes) => {
                    out.stats.scanned += 1;
                    out.stats.bytes += bytes.len() as u64;
                    let findings = scanner.scan(bytes, &job.path, &mut scratch);
                    if findings.is_empty() {
                        continue;
                    }
                    let mut secrets: Vec<Fingerprint> = Vec::new();
                    for finding in findings {
                        if !secrets.contains(&finding.fingerprint) {
                            secrets.push(finding.fingerprint.clone());
                        }
                        if !out.first.contains_key(&finding.fingerprint) {
                            out.first.insert(finding.fingerprint.clone(), finding);
                        }
                    }
                    out.hits.push(Hit {
                        index: job.index,
                        id: job.id,
                        path: job.path,
                        secrets,
                    });
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
