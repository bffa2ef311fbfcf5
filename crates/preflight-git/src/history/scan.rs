//! Reading and scanning the blobs the walk found, on several threads.
//!
//! Two ways to read a blob, chosen pack by pack:
//! - **Whole packs.** A pack stores most blobs as deltas against other objects, in chains.
//!   Looked up one by one, each blob costs its whole chain: every delta from the chain's base up
//!   is inflated and applied again. When the scan wants a good share of a pack (a full-history
//!   scan wants nearly all of it), the pack's delta tree is resolved instead, every object
//!   decoded exactly once from its already-decoded base, and the wanted blobs are scanned as
//!   they come out: on a 27k-commit history, about a sixth of the CPU of the lookups.
//! - **One by one**, for the rest: blobs in packs the scan needs little of (an incremental
//!   range), loose objects, objects of alternates, and any blob a damaged pack did not yield.
//!   They are read in pack order, in batches, so that each thread's small delta-base cache
//!   serves chains read back to back; reading them again by id is also what turns a damaged
//!   object into a warning that names it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use gix::ObjectId;
use gix::odb::pack;
use preflight_findings::{Finding, Fingerprint, Stats, Warning};

use super::walk::Job;
use crate::BlobScanner;
use crate::blob;

/// The delta-base cache of each thread reading blobs one by one.
const PACK_CACHE_BYTES: usize = 24 * 1024 * 1024;

/// Blobs per batch taken by a thread reading one by one: whole runs of a pack, so that the
/// threads' delta caches rarely need the same bases.
const BATCH: usize = 256;

/// A pack is decoded whole when the scan wants at least one of this many of its objects.
/// Decoding every object once costs about a twentieth of looking one blob up by id (measured
/// on a long history: about 3 µs an object against 60 µs a blob).
const WHOLE_PACK_SHARE: usize = 16;

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

/// What the scanning threads found.
///
/// A secret kept in a file for years is found again in every version of that file, so full
/// findings are not kept per blob: only fingerprints, and one finding per distinct secret.
/// The report scans again the one blob it shows for each secret.
#[derive(Default)]
pub(crate) struct Scanned {
    /// Blobs with findings.
    pub hits: Vec<Hit>,
    /// The first finding of each distinct secret met.
    pub first: HashMap<Fingerprint, Finding>,
    /// Blobs not scanned, and why.
    pub warnings: Vec<Warning>,
    /// Counters.
    pub stats: Stats,
}

impl Scanned {
    fn merge(&mut self, other: Scanned) {
        self.hits.extend(other.hits);
        for (fingerprint, finding) in other.first {
            self.first.entry(fingerprint).or_insert(finding);
        }
        self.warnings.extend(other.warnings);
        self.stats.add(other.stats);
    }

    /// Scans the bytes of `job`'s blob, or records why they could not be scanned.
    fn scan<S: BlobScanner>(
        &mut self,
        scanner: &S,
        scratch: &mut S::Scratch,
        job: &Job,
        bytes: Result<&[u8], Warning>,
    ) {
        let bytes = match bytes {
            Ok(bytes) => bytes,
            Err(warning) => {
                self.stats.skipped += 1;
                self.warnings.push(warning);
                return;
            }
        };
        self.stats.scanned += 1;
        self.stats.bytes += bytes.len() as u64;
        let findings = scanner.scan(bytes, &job.path, scratch);
        if findings.is_empty() {
            return;
        }
        let mut secrets: Vec<Fingerprint> = Vec::new();
        for finding in findings {
            if !secrets.contains(&finding.fingerprint) {
                secrets.push(finding.fingerprint.clone());
            }
            if !self.first.contains_key(&finding.fingerprint) {
                self.first.insert(finding.fingerprint.clone(), finding);
            }
        }
        self.hits.push(Hit {
            index: job.index,
            id: job.id,
            path: job.path.clone(),
            secrets,
        });
    }
}

/// Reads and scans the blobs of `jobs` on `threads` threads.
pub(crate) fn scan_all<S: BlobScanner>(
    repo: &gix::Repository,
    scanner: &S,
    jobs: &[Job],
    threads: usize,
    max_size: u64,
) -> Scanned {
    let packs = open_packs(repo);
    let located: Vec<Option<(usize, u64)>> = jobs.iter().map(|job| locate(&packs, job)).collect();
    let done: Vec<AtomicBool> = jobs.iter().map(|_| AtomicBool::new(false)).collect();
    let results = Mutex::new(Scanned::default());
    // For each pack, the jobs whose blob it holds, by blob id.
    let mut wanted_by_pack: Vec<HashMap<ObjectId, usize>> = vec![HashMap::new(); packs.len()];
    for (job, at) in located.iter().enumerate() {
        if let Some((pack, _)) = at {
            wanted_by_pack[*pack].insert(jobs[job].id, job);
        }
    }
    for (bundle, wanted) in packs.iter().zip(&wanted_by_pack) {
        if wanted.is_empty()
            || wanted.len() * WHOLE_PACK_SHARE < bundle.index.num_objects() as usize
        {
            continue;
        }
        let reader = PackReader {
            scanner,
            jobs,
            wanted,
            done: &done,
            max_size,
            results: &results,
            scratch: None,
            found: Scanned::default(),
        };
        decode_pack(bundle, reader, threads);
    }

    let mut rest: Vec<(usize, u64, &Job)> = jobs
        .iter()
        .zip(&located)
        .zip(&done)
        .filter(|(_, done)| !done.load(Ordering::Relaxed))
        .map(|((job, at), _)| {
            let (pack, offset) = at.unwrap_or((usize::MAX, u64::from(job.index)));
            (pack, offset, job)
        })
        .collect();
    if !rest.is_empty() {
        rest.sort_unstable_by_key(|(pack, offset, _)| (*pack, *offset));
        let rest: Vec<&Job> = rest.into_iter().map(|(_, _, job)| job).collect();
        let next = AtomicUsize::new(0);
        let sync = repo.clone().into_sync();
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads.min(rest.len().div_ceil(BATCH)))
                .map(|_| scope.spawn(|| read_each(&sync, scanner, &rest, &next, max_size)))
                .collect();
            for worker in workers {
                let found = worker.join().expect("a scanning thread panicked");
                if let Ok(mut results) = results.lock() {
                    results.merge(found);
                }
            }
        });
    }
    results
        .into_inner()
        .expect("a scanning thread panicked while holding the results")
}

/// The packs of the repository's own object directory, in name order.
fn open_packs(repo: &gix::Repository) -> Vec<pack::Bundle> {
    let pack_dir = repo.objects.store_ref().path().join("pack");
    let mut index_paths: Vec<PathBuf> = std::fs::read_dir(&pack_dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "idx"))
                .collect()
        })
        .unwrap_or_default();
    index_paths.sort();
    index_paths
        .iter()
        .filter_map(|path| pack::Bundle::at(path, repo.object_hash()).ok())
        .collect()
}

/// The pack holding `job`'s blob (the first, if several do) and the blob's offset there.
fn locate(packs: &[pack::Bundle], job: &Job) -> Option<(usize, u64)> {
    packs.iter().enumerate().find_map(|(number, bundle)| {
        let index = &bundle.index;
        index
            .lookup(job.id)
            .map(|entry| (number, index.pack_offset_at_index(entry)))
    })
}

/// Resolves every object of `bundle` once, handing each to a clone of `reader` on the
/// decoding threads. A pack that cannot be decoded to the end leaves its remaining blobs
/// unmarked, and they are read one by one afterwards, which names each object that fails.
fn decode_pack<S: BlobScanner>(
    bundle: &pack::Bundle,
    mut reader: PackReader<'_, S>,
    threads: usize,
) {
    let never = AtomicBool::new(false);
    let options = pack::index::traverse::with_index::Options {
        thread_limit: Some(threads),
        check: pack::index::traverse::SafetyCheck::SkipFileAndObjectChecksumVerificationAndNoAbortOnDecodeError,
        alloc_limit_bytes: None,
    };
    let _ = bundle.index.traverse_with_index(
        &bundle.pack,
        move |kind, data: &[u8], entry: &pack::index::Entry, _: &dyn gix::progress::Progress| {
            if kind == gix::object::Kind::Blob {
                reader.blob(&entry.oid, data);
            }
            Ok(())
        },
        &mut gix::progress::Discard,
        &never,
        options,
    );
}

/// Scans the wanted blobs of a pack as its decoding threads produce them. Each thread works
/// on its own clone, with its own scratch space and findings, which go to the shared results
/// when the clone is dropped at the thread's end.
struct PackReader<'a, S: BlobScanner> {
    scanner: &'a S,
    jobs: &'a [Job],
    /// The index in `jobs` of each blob wanted from this pack.
    wanted: &'a HashMap<ObjectId, usize>,
    /// Which jobs have been read.
    done: &'a [AtomicBool],
    max_size: u64,
    results: &'a Mutex<Scanned>,
    scratch: Option<S::Scratch>,
    found: Scanned,
}

impl<S: BlobScanner> PackReader<'_, S> {
    fn blob(&mut self, id: &gix::oid, data: &[u8]) {
        let Some(&job) = self.wanted.get(id) else {
            return;
        };
        if self.done[job].swap(true, Ordering::Relaxed) {
            return;
        }
        let job = &self.jobs[job];
        let scratch = self.scratch.get_or_insert_with(|| self.scanner.scratch());
        let bytes = blob::checked(&job.id, &job.path, data, self.max_size);
        self.found.scan(self.scanner, scratch, job, bytes);
    }
}

impl<S: BlobScanner> Clone for PackReader<'_, S> {
    fn clone(&self) -> Self {
        PackReader {
            scratch: None,
            found: Scanned::default(),
            ..*self
        }
    }
}

impl<S: BlobScanner> Drop for PackReader<'_, S> {
    fn drop(&mut self) {
        let found = std::mem::take(&mut self.found);
        // A poisoned lock means another thread panicked; that panic is what gets reported.
        if let Ok(mut results) = self.results.lock() {
            results.merge(found);
        }
    }
}

/// Reads and scans batches of `jobs`, taken in turn through `next`, until none is left.
fn read_each<S: BlobScanner>(
    repo: &gix::ThreadSafeRepository,
    scanner: &S,
    jobs: &[&Job],
    next: &AtomicUsize,
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
    let mut found = Scanned::default();
    let mut buf = Vec::new();
    loop {
        let start = next.fetch_add(BATCH, Ordering::Relaxed);
        let Some(batch) = jobs.get(start..(start + BATCH).min(jobs.len())) else {
            break;
        };
        for job in batch {
            let bytes = blob::read(&repo, &job.id, &job.path, max_size, &mut buf);
            found.scan(scanner, &mut scratch, job, bytes);
        }
    }
    found
}
