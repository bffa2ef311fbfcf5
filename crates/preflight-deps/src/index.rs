//! The compact index: every advisory of the database grouped by package, so that an audit reads
//! only the packages of its lockfiles.
//!
//! The file is a magic number, the length of a header, the header, then one block per package.
//! The header holds the stamp of the sources it was built from, what the build saw (record
//! count, the newest record's date, the files it could not read) and the sorted list of
//! packages with the offset and length of each block; a block is that package's advisories.
//! Header and blocks are MessagePack (`rmp-serde`). Opening reads the header only; a lookup is a binary
//! search and one read. Lookups happen a few thousand times per audit at most, so the file is
//! read with ordinary seeks rather than mapped.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::Ecosystem;
use crate::advisory::Advisory;

/// The file's first bytes; the last one is the format version.
const MAGIC: &[u8; 8] = b"PFOSVIX\x04";

/// The largest header accepted (a full database's is a few megabytes).
const MAX_HEADER: u64 = 1 << 30;

/// What the build saw, kept in the header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// The stamp of the sources (see `db`): the index is rebuilt when it changes.
    pub stamp: String,
    /// Records read (withdrawn ones included).
    pub records: u64,
    /// Package entries kept (one record may name several packages).
    pub entries: u64,
    /// The newest record's `modified` date, RFC 3339.
    pub newest: Option<String>,
    /// Files that could not be read as records: (file, problem).
    pub unreadable: Vec<(String, String)>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    summary: Summary,
    keys: Vec<Key>,
}

#[derive(Serialize, Deserialize)]
struct Key {
    ecosystem: Ecosystem,
    name: String,
    offset: u64,
    len: u32,
}

/// Why an index file cannot be used (it is then rebuilt).
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// It could not be read.
    #[error("cannot read the index: {0}")]
    Io(#[from] std::io::Error),
    /// It is not an index of this version, or it is cut short or damaged.
    #[error("the index is damaged or of another version")]
    Damaged,
}

/// One advisory, encoded as it is read so that a database of hundreds of thousands of records
/// is held in memory as its compact encoding rather than as parsed structures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// The advisory's id, for ordering and de-duplication.
    pub id: String,
    bytes: Vec<u8>,
}

impl Encoded {
    /// Encodes `advisory`.
    pub fn of(advisory: &Advisory) -> Encoded {
        Encoded {
            id: advisory.id.clone(),
            bytes: rmp_serde::to_vec(advisory).expect("an advisory always encodes"),
        }
    }
}

/// The advisories of a database, by package, as built from its records.
pub type Packages = BTreeMap<(Ecosystem, String), Vec<Encoded>>;

/// Encodes `packages` and `summary` as an index file's bytes. A package's block is the
/// MessagePack array of its advisories, written from their encodings.
pub fn encode(packages: &Packages, summary: Summary) -> Vec<u8> {
    let mut blocks = Vec::new();
    let mut keys = Vec::with_capacity(packages.len());
    for ((ecosystem, name), advisories) in packages {
        let mut block = Vec::new();
        let count = u32::try_from(advisories.len()).expect("fewer than 4 billion advisories");
        rmp::encode::write_array_len(&mut block, count).expect("writing to memory never fails");
        for advisory in advisories {
            block.extend_from_slice(&advisory.bytes);
        }
        keys.push(Key {
            ecosystem: *ecosystem,
            name: name.clone(),
            offset: blocks.len() as u64,
            len: u32::try_from(block.len()).unwrap_or(u32::MAX),
        });
        blocks.extend_from_slice(&block);
    }
    let header = rmp_serde::to_vec(&Header { summary, keys }).expect("the header always encodes");
    let mut out = Vec::with_capacity(16 + header.len() + blocks.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&blocks);
    out
}

/// Where the blocks are read from.
enum Blocks {
    File { file: File, start: u64, len: u64 },
    Memory(Vec<u8>),
}

/// An open index.
pub struct Index {
    summary: Summary,
    keys: Vec<Key>,
    blocks: Blocks,
}

impl Index {
    /// Opens an index file, reading its header.
    pub fn open(path: &Path) -> Result<Index, IndexError> {
        let mut file = File::open(path)?;
        let total = file.metadata()?.len();
        let mut head = [0u8; 16];
        file.read_exact(&mut head)
            .map_err(|_| IndexError::Damaged)?;
        let header_len = u64::from_le_bytes(head[8..].try_into().expect("8 bytes"));
        if &head[..8] != MAGIC || header_len > MAX_HEADER || 16 + header_len > total {
            return Err(IndexError::Damaged);
        }
        let mut header = vec![0u8; usize::try_from(header_len).map_err(|_| IndexError::Damaged)?];
        file.read_exact(&mut header)?;
        let header: Header = rmp_serde::from_slice(&header).map_err(|_| IndexError::Damaged)?;
        let start = 16 + header_len;
        let len = total - start;
        if header
            .keys
            .iter()
            .any(|k| k.offset.saturating_add(u64::from(k.len)) > len)
        {
            return Err(IndexError::Damaged);
        }
        Ok(Index {
            summary: header.summary,
            keys: header.keys,
            blocks: Blocks::File { file, start, len },
        })
    }

    /// An index held in memory (when the cache directory cannot be written).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Index, IndexError> {
        if bytes.len() < 16 || &bytes[..8] != MAGIC {
            return Err(IndexError::Damaged);
        }
        let header_len = u64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes"));
        let end = usize::try_from(16 + header_len).map_err(|_| IndexError::Damaged)?;
        let header: Header = rmp_serde::from_slice(bytes.get(16..end).ok_or(IndexError::Damaged)?)
            .map_err(|_| IndexError::Damaged)?;
        Ok(Index {
            summary: header.summary,
            keys: header.keys,
            blocks: Blocks::Memory(bytes[end..].to_vec()),
        })
    }

    /// What the build saw.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// How many packages have advisories.
    pub fn packages(&self) -> usize {
        self.keys.len()
    }

    /// The advisories of a package (its name normalised for its ecosystem).
    pub fn lookup(&self, ecosystem: Ecosystem, name: &str) -> Result<Vec<Advisory>, IndexError> {
        let Ok(found) = self
            .keys
            .binary_search_by(|k| (k.ecosystem, k.name.as_str()).cmp(&(ecosystem, name)))
        else {
            return Ok(Vec::new());
        };
        let key = &self.keys[found];
        let len = usize::try_from(key.len).map_err(|_| IndexError::Damaged)?;
        let block = match &self.blocks {
            Blocks::File {
                file,
                start,
                len: total,
            } => {
                if key.offset + key.len as u64 > *total {
                    return Err(IndexError::Damaged);
                }
                let mut reader = file;
                reader.seek(SeekFrom::Start(start + key.offset))?;
                let mut block = vec![0u8; len];
                reader.read_exact(&mut block)?;
                block
            }
            Blocks::Memory(bytes) => {
                let at = usize::try_from(key.offset).map_err(|_| IndexError::Damaged)?;
                bytes.get(at..at + len).ok_or(IndexError::Damaged)?.to_vec()
            }
        };
        rmp_serde::from_slice(&block).map_err(|_| IndexError::Damaged)
    }
}

#[cfg(test)]
mod tests {
    use preflight_findings::Severity;

    use super::*;
    use crate::advisory::Event;

    fn sample() -> Packages {
        let advisory = |id: &str| Advisory {
            id: id.into(),
            aliases: vec!["CVE-2021-1".into()],
            summary: "s".into(),
            severity: Some(Severity::High),
            informational: None,
            ranges: vec![vec![
                Event::Introduced("0".into()),
                Event::Fixed("1.0".into()),
            ]],
            versions: vec!["0.9".into()],
        };
        let mut packages = Packages::new();
        packages.insert(
            (Ecosystem::PyPI, "django".into()),
            vec![Encoded::of(&advisory("A")), Encoded::of(&advisory("B"))],
        );
        packages.insert(
            (Ecosystem::Npm, "lodash".into()),
            vec![Encoded::of(&advisory("C"))],
        );
        packages
    }

    #[test]
    fn round_trip_from_file_and_memory() {
        let summary = Summary {
            stamp: "s1".into(),
            records: 3,
            ..Summary::default()
        };
        let bytes = encode(&sample(), summary.clone());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i.idx");
        std::fs::write(&path, &bytes).unwrap();
        for index in [
            Index::open(&path).unwrap(),
            Index::from_bytes(bytes).unwrap(),
        ] {
            assert_eq!(index.summary(), &summary);
            assert_eq!(index.packages(), 2);
            let django = index.lookup(Ecosystem::PyPI, "django").unwrap();
            assert_eq!(
                django.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
                ["A", "B"]
            );
            assert_eq!(index.lookup(Ecosystem::Npm, "lodash").unwrap()[0].id, "C");
            assert!(index.lookup(Ecosystem::Npm, "django").unwrap().is_empty());
        }
    }

    #[test]
    fn truncated_or_foreign_files_are_damaged() {
        let bytes = encode(&sample(), Summary::default());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i.idx");
        for cut in [0, 7, 16, 20, bytes.len() - 1] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert!(Index::open(&path).is_err(), "cut at {cut}");
        }
        std::fs::write(&path, b"PK\x03\x04 not an index at all").unwrap();
        assert!(matches!(Index::open(&path), Err(IndexError::Damaged)));
    }
}
