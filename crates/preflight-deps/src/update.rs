//! `preflight deps update`: each ecosystem's OSV export (`<base>/<ecosystem>/all.zip`)
//! downloaded into the cache.
//!
//! A download goes to a temporary file beside the export, is checked to be a readable zip
//! holding records, and only then renamed over the previous export, so an interrupted or
//! damaged download never replaces a good database.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::Ecosystem;
use crate::cache::Cache;

/// Where the OSV project publishes its exports.
pub const DEFAULT_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// The largest export accepted (the largest real one is a few hundred megabytes).
const MAX_BYTES: u64 = 4 << 30;

/// How long a download may take before it is given up.
const TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// What a download has done so far, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The response started; its length when the server said it.
    Started {
        /// The ecosystem.
        ecosystem: Ecosystem,
        /// The length in bytes, if known.
        total: Option<u64>,
    },
    /// Bytes received so far.
    Received {
        /// The ecosystem.
        ecosystem: Ecosystem,
        /// Bytes so far.
        bytes: u64,
    },
    /// The export is in place.
    Finished {
        /// The ecosystem.
        ecosystem: Ecosystem,
        /// Its size.
        bytes: u64,
    },
}

/// Why an update failed; the previous export, if any, is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    /// The request failed (no connection, an HTTP error status, a cut-off body).
    #[error("{url}: {problem}")]
    Download {
        /// The URL.
        url: String,
        /// What went wrong.
        problem: String,
    },
    /// What was downloaded is not a zip of records.
    #[error(
        "{url}: the download is not a readable zip of OSV records ({problem}); the previous database is kept"
    )]
    NotAnExport {
        /// The URL.
        url: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The cache could not be written.
    #[error("{}: cannot write the database: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

/// Downloads the exports of `ecosystems` from `base_url` into `cache`, one after another.
pub fn download(
    cache: &Cache,
    base_url: &str,
    ecosystems: &[Ecosystem],
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<PathBuf>, UpdateError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .timeout_connect(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut done = Vec::new();
    for &ecosystem in ecosystems {
        let url = format!(
            "{}/{}/all.zip",
            base_url.trim_end_matches('/'),
            ecosystem.osv_name()
        );
        let target = cache.export_path(ecosystem);
        fetch(&agent, &url, &target, ecosystem, progress)?;
        done.push(target);
    }
    Ok(done)
}

fn fetch(
    agent: &ureq::Agent,
    url: &str,
    target: &Path,
    ecosystem: Ecosystem,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), UpdateError> {
    let failed = |problem: String| UpdateError::Download {
        url: url.to_string(),
        problem,
    };
    let dir = target.parent().expect("an export path has a directory");
    let write_error = |source| UpdateError::Write {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(write_error)?;
    let mut response = agent.get(url).call().map_err(|e| failed(e.to_string()))?;
    let total = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    progress(Progress::Started { ecosystem, total });
    let partial = dir.join(format!(".all.zip.{}.part", std::process::id()));
    let result = (|| {
        let mut file = File::create(&partial).map_err(write_error)?;
        let mut body = response.body_mut().with_config().limit(MAX_BYTES).reader();
        let mut buffer = vec![0u8; 256 * 1024];
        let mut bytes = 0u64;
        loop {
            let n = body.read(&mut buffer).map_err(|e| failed(e.to_string()))?;
            if n == 0 {
                break;
            }
            file.write_all(&buffer[..n]).map_err(write_error)?;
            bytes += n as u64;
            progress(Progress::Received { ecosystem, bytes });
        }
        if let Some(total) = total
            && bytes != total
        {
            return Err(failed(format!("received {bytes} of {total} bytes")));
        }
        file.sync_all().map_err(write_error)?;
        check_export(&partial).map_err(|problem| UpdateError::NotAnExport {
            url: url.to_string(),
            problem,
        })?;
        std::fs::rename(&partial, target).map_err(|source| UpdateError::Write {
            path: target.to_path_buf(),
            source,
        })?;
        progress(Progress::Finished { ecosystem, bytes });
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// A zip archive with at least one JSON entry.
fn check_export(path: &Path) -> Result<(), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| e.to_string())?;
    let records = (0..archive.len())
        .filter(|&i| {
            archive
                .by_index_raw(i)
                .is_ok_and(|e| e.name().ends_with(".json"))
        })
        .count();
    if records == 0 {
        return Err("it holds no JSON record".into());
    }
    Ok(())
}
