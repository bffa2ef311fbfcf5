//! The advisory database: OSV records from directory trees (JSON or YAML files, as the public
//! advisory repositories keep them) and zip files (the per-ecosystem `all.zip` exports), read
//! once into an [`index`](crate::index) kept in the cache directory.
//!
//! The index is keyed by a stamp of its sources: for a zip, its path, size and modification
//! time; for a directory, its path and the modification times of the directories in its top
//! four levels, which change when records are added, removed or replaced. A record edited in
//! place deeper down goes unnoticed until `--reindex`. A damaged index is rebuilt; a damaged
//! source is an error naming the file, and a record that cannot be read is listed by name in
//! every audit while the others are used.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use preflight_findings::Fingerprint;

use crate::advisory::Advisory;
use crate::index::{self, Encoded, Index, Packages, Summary};
use crate::osv::{self, Syntax};

/// The largest record read, in bytes (real ones are a few kilobytes).
const MAX_RECORD: u64 = 16 * 1024 * 1024;

/// How deep a directory's own directories take part in its stamp.
const STAMP_DEPTH: usize = 4;

/// Why the database cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A source does not exist.
    #[error("{}: no advisory database there", .0.display())]
    Missing(PathBuf),
    /// A source could not be read (a truncated or damaged zip, an unreadable directory).
    #[error("{}: cannot read the advisory database: {problem}", path.display())]
    Unreadable {
        /// The file or directory.
        path: PathBuf,
        /// What went wrong.
        problem: String,
    },
    /// A source holds no OSV record at all.
    #[error("{}: holds no OSV record", .0.display())]
    Empty(PathBuf),
}

/// An open database.
pub struct Database {
    index: Index,
    /// Whether this open built the index (rather than reusing the cached one).
    pub built: bool,
}

impl Database {
    /// Opens the database made of `sources`, reusing the index in `index_dir` when it was built
    /// from the same sources, else building it there; without a directory, or when it cannot be
    /// written, the index is built in memory for this run only.
    pub fn open(
        sources: &[PathBuf],
        index_dir: Option<&Path>,
        reindex: bool,
    ) -> Result<Database, DbError> {
        let stamp = stamp(sources)?;
        let names: Vec<String> = sources.iter().map(|s| canonical(s)).collect();
        let name_parts: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
        let path = index_dir.map(|dir| {
            dir.join(format!(
                "{}.idx",
                Fingerprint::of_parts(&name_parts).as_str()
            ))
        });
        if !reindex
            && let Some(path) = &path
            && let Ok(index) = Index::open(path)
            && index.summary().stamp == stamp
        {
            return Ok(Database {
                index,
                built: false,
            });
        }
        let (packages, mut summary) = build(sources)?;
        summary.stamp = stamp;
        let bytes = index::encode(&packages, summary);
        let written = path
            .filter(|path| write_atomically(path, &bytes).is_ok())
            .and_then(|path| Index::open(&path).ok());
        let index = match written {
            Some(index) => index,
            None => Index::from_bytes(bytes).expect("a freshly encoded index reads back"),
        };
        Ok(Database { index, built: true })
    }

    /// The index.
    pub fn index(&self) -> &Index {
        &self.index
    }
}

fn canonical(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so
/// that a reader never sees half an index.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let temporary = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("index"),
        std::process::id()
    ));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// A stamp that changes when a source changes.
fn stamp(sources: &[PathBuf]) -> Result<String, DbError> {
    let mut parts: Vec<Vec<u8>> = vec![b"format 4".to_vec()];
    for source in sources {
        let meta = std::fs::metadata(source).map_err(|_| DbError::Missing(source.clone()))?;
        parts.push(canonical(source).into_bytes());
        if meta.is_dir() {
            for entry in walkdir::WalkDir::new(source)
                .max_depth(STAMP_DEPTH)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| !hidden(e.file_name()))
                .flatten()
                .filter(|e| e.file_type().is_dir())
            {
                parts.push(entry.path().display().to_string().into_bytes());
                parts.push(modified(&entry.metadata().ok()).into_bytes());
            }
        } else {
            parts.push(format!("{} {}", meta.len(), modified(&Some(meta))).into_bytes());
        }
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    Ok(Fingerprint::of_parts(&refs).as_str().to_string())
}

fn modified(meta: &Option<std::fs::Metadata>) -> String {
    meta.as_ref()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos().to_string())
        .unwrap_or_default()
}

fn hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n.len() > 1 && n != "..")
}

/// A record file read and converted, or why it could not be.
struct Loaded {
    name: String,
    outcome: Result<Option<Converted>, String>,
}

/// What the audit keeps of one record.
struct Converted {
    modified: Option<jiff::Timestamp>,
    entries: Vec<(crate::Ecosystem, String, Advisory)>,
}

fn convert(name: String, bytes: &[u8], syntax: Syntax) -> Loaded {
    let outcome = osv::parse(bytes, syntax)
        .map(|record| {
            record.map(|r| Converted {
                modified: r.modified.as_deref().and_then(|m| m.parse().ok()),
                entries: Advisory::from_record(&r),
            })
        })
        .map_err(|e| e.to_string());
    Loaded { name, outcome }
}

/// Advisories by package, and the summary of what was read.
#[derive(Default)]
struct Collected {
    packages: Packages,
    summary: Summary,
    newest: Option<jiff::Timestamp>,
}

impl Collected {
    fn add(&mut self, read: Loaded) {
        let converted = match read.outcome {
            Ok(Some(converted)) => converted,
            Ok(None) => return,
            Err(problem) => {
                self.summary.unreadable.push((read.name, problem));
                return;
            }
        };
        self.summary.records += 1;
        if converted.modified > self.newest {
            self.newest = converted.modified;
        }
        for (ecosystem, name, advisory) in converted.entries {
            self.packages
                .entry((ecosystem, name))
                .or_default()
                .push(Encoded::of(&advisory));
        }
    }
}

/// Reads every record of `sources`.
fn build(sources: &[PathBuf]) -> Result<(Packages, Summary), DbError> {
    let mut collected = Collected::default();
    for source in sources {
        let before = collected.summary.records;
        if source.is_dir() {
            read_dir(source, &mut collected)?;
        } else {
            read_zip(source, &mut collected)?;
        }
        if collected.summary.records == before {
            return Err(DbError::Empty(source.clone()));
        }
    }
    for advisories in collected.packages.values_mut() {
        advisories.sort_by(|a, b| a.id.cmp(&b.id));
        // The same record in two sources (a zip and a checkout) counts once.
        advisories.dedup_by(|a, b| a.id == b.id);
        collected.summary.entries += advisories.len() as u64;
    }
    collected.summary.newest = collected.newest.map(|t| t.to_string());
    collected.summary.unreadable.sort();
    Ok((collected.packages, collected.summary))
}

/// Runs `work(thread, threads, emit)` on every core; what each emits goes to `collected` as it
/// comes, through a bounded channel, so converted records are never held twice.
fn in_parallel(
    collected: &mut Collected,
    work: impl Fn(usize, usize, &dyn Fn(Loaded)) -> Result<(), DbError> + Sync,
) -> Result<(), DbError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (send, receive) = std::sync::mpsc::sync_channel::<Loaded>(1024);
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let send = send.clone();
                scope.spawn(move || {
                    work(t, threads, &|loaded| {
                        // The receiver outlives every worker; a send cannot fail.
                        let _ = send.send(loaded);
                    })
                })
            })
            .collect();
        drop(send);
        for loaded in receive {
            collected.add(loaded);
        }
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("reading records does not panic"))
    })
}

/// Every `.json`, `.yaml` and `.yml` file under `dir`, hidden directories left out.
fn read_dir(dir: &Path, collected: &mut Collected) -> Result<(), DbError> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !hidden(e.file_name()))
    {
        let entry = entry.map_err(|e| DbError::Unreadable {
            path: e.path().unwrap_or(dir).to_path_buf(),
            problem: e.to_string(),
        })?;
        if entry.file_type().is_file()
            && let Some(syntax) = entry.file_name().to_str().and_then(Syntax::of)
        {
            files.push((entry.into_path(), syntax));
        }
    }
    in_parallel(collected, |t, threads, emit| {
        for (path, syntax) in files.iter().skip(t).step_by(threads) {
            let name = path.display().to_string();
            emit(match read_limited(path) {
                Ok(bytes) => convert(name, &bytes, *syntax),
                Err(problem) => Loaded {
                    name,
                    outcome: Err(problem),
                },
            });
        }
        Ok(())
    })
}

fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_RECORD + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_RECORD {
        return Err(format!("larger than {MAX_RECORD} bytes"));
    }
    Ok(bytes)
}

/// Every record file in a zip; each thread opens the archive on its own.
fn read_zip(path: &Path, collected: &mut Collected) -> Result<(), DbError> {
    let unreadable = |problem: String| DbError::Unreadable {
        path: path.to_path_buf(),
        problem,
    };
    let open = || -> Result<zip::ZipArchive<File>, DbError> {
        let file = File::open(path).map_err(|e| unreadable(e.to_string()))?;
        zip::ZipArchive::new(file)
            .map_err(|e| unreadable(format!("not a readable zip archive ({e})")))
    };
    let count = open()?.len();
    in_parallel(collected, |t, threads, emit| {
        let mut archive = open()?;
        for i in (t..count).step_by(threads) {
            let mut entry = archive
                .by_index(i)
                .map_err(|e| unreadable(format!("entry {i}: {e}")))?;
            let Some(syntax) = Syntax::of(entry.name()) else {
                continue;
            };
            let name = format!("{}:{}", path.display(), entry.name());
            if entry.size() > MAX_RECORD {
                emit(Loaded {
                    name,
                    outcome: Err(format!("larger than {MAX_RECORD} bytes")),
                });
                continue;
            }
            let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
            // A damaged entry (bad CRC, cut short) makes the whole archive suspect.
            entry
                .read_to_end(&mut bytes)
                .map_err(|e| unreadable(format!("{}: {e}", entry.name())))?;
            emit(convert(name, &bytes, syntax));
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::Ecosystem;

    const DJANGO: &str = r#"{"id":"GHSA-1","aliases":["CVE-1"],"modified":"2024-03-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"Django"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.2.25"}]}]}]}"#;
    const PYSEC: &str = "id: PYSEC-1\nmodified: '2024-05-01T00:00:00Z'\naffected:\n- package:\n    name: django\n    ecosystem: PyPI\n  versions:\n  - 3.2.0\n";

    fn zip_of(path: &Path, files: &[(&str, &str)]) {
        let mut zip = zip::ZipWriter::new(File::create(path).unwrap());
        for (name, text) in files {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }

    #[test]
    fn directory_and_zip_sources_are_indexed_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("tree");
        std::fs::create_dir_all(tree.join("vulns/django")).unwrap();
        std::fs::create_dir_all(tree.join(".github")).unwrap();
        std::fs::write(tree.join("vulns/django/PYSEC-1.yaml"), PYSEC).unwrap();
        std::fs::write(tree.join("vulns/django/broken.json"), "{\"id\": ").unwrap();
        std::fs::write(tree.join(".github/ci.yaml"), "{{{").unwrap();
        let zip = dir.path().join("all.zip");
        zip_of(&zip, &[("GHSA-1.json", DJANGO), ("README.txt", "x")]);
        let cache = dir.path().join("cache");
        let sources = [tree.clone(), zip.clone()];

        let db = Database::open(&sources, Some(&cache), false).unwrap();
        assert!(db.built);
        let summary = db.index().summary();
        assert_eq!(summary.records, 2);
        assert_eq!(summary.newest.as_deref(), Some("2024-05-01T00:00:00Z"));
        assert_eq!(summary.unreadable.len(), 1, "{:?}", summary.unreadable);
        assert!(summary.unreadable[0].0.ends_with("broken.json"));
        let ids: Vec<String> = db
            .index()
            .lookup(Ecosystem::PyPI, "django")
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(ids, ["GHSA-1", "PYSEC-1"]);

        assert!(!Database::open(&sources, Some(&cache), false).unwrap().built);
        // Without a cache directory the index lives in memory and is built every time.
        let in_memory = Database::open(&sources, None, false).unwrap();
        assert!(in_memory.built);
        assert_eq!(in_memory.index().summary().records, 2);
        assert!(Database::open(&sources, Some(&cache), true).unwrap().built);
        // A record added to the tree changes the stamp.
        std::fs::write(
            tree.join("vulns/django/PYSEC-2.yaml"),
            PYSEC.replace("PYSEC-1", "PYSEC-2"),
        )
        .unwrap();
        let again = Database::open(&sources, Some(&cache), false).unwrap();
        assert!(again.built);
        assert_eq!(
            again
                .index()
                .lookup(Ecosystem::PyPI, "django")
                .unwrap()
                .len(),
            3
        );
        // A damaged index is rebuilt.
        for entry in std::fs::read_dir(&cache).unwrap() {
            std::fs::write(entry.unwrap().path(), b"PFOSVIX").unwrap();
        }
        assert!(Database::open(&sources, Some(&cache), false).unwrap().built);
    }

    #[test]
    fn truncated_zips_missing_paths_and_empty_sources_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let zip = dir.path().join("all.zip");
        zip_of(&zip, &[("GHSA-1.json", DJANGO)]);
        let bytes = std::fs::read(&zip).unwrap();
        std::fs::write(&zip, &bytes[..bytes.len() / 2]).unwrap();
        let cache = dir.path().join("cache");
        let error = Database::open(std::slice::from_ref(&zip), Some(&cache), false)
            .err()
            .unwrap();
        assert!(matches!(error, DbError::Unreadable { .. }), "{error}");
        assert!(error.to_string().contains("all.zip"), "{error}");

        let missing = dir.path().join("nowhere");
        let error = Database::open(&[missing], Some(&cache), false)
            .err()
            .unwrap();
        assert!(error.to_string().contains("nowhere"), "{error}");

        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        std::fs::write(empty.join("package.json"), "{\"name\": \"x\"}").unwrap();
        let error = Database::open(&[empty], Some(&cache), false).err().unwrap();
        assert!(matches!(error, DbError::Empty(_)), "{error}");
    }
}
