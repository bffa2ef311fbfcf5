//! `preflight deps` and the dependency check of `preflight check`: every lockfile format
//! against a database of real advisories (the facts of a few published records: ids, aliases,
//! ranges, versions, severities), as a directory tree and as a zip, the download of exports from
//! a loopback server, the database's age, and damaged databases.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use common::{Run, preflight_command, write};
use serde_json::Value;

// --- Advisory records: the facts of published OSV records, trimmed to the fields used. ---

/// CVE-2024-27351 in Django, as the PyPI advisory database keeps it (YAML, with the explicit
/// versions list and unquoted versions).
const PYSEC_2024_47: &str = r#"id: PYSEC-2024-47
modified: 2024-03-15T23:20:34.975097Z
published: 2024-03-15T20:15:00Z
aliases:
- CVE-2024-27351
details: 'In Django 3.2 before 3.2.25, 4.2 before 4.2.11, and 5.0 before 5.0.3, the
  django.utils.text.Truncator.words() method (with html=True) and the truncatewords_html
  template filter are subject to a potential regular expression denial-of-service
  attack via a crafted string.'
affected:
- package:
    ecosystem: PyPI
    name: django
    purl: pkg:pypi/django
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: "3.2"
    - fixed: 3.2.25
    - introduced: "4.2"
    - fixed: 4.2.11
    - introduced: "5.0"
    - fixed: 5.0.3
  versions:
  - "3.2"
  - 3.2.1
  - 3.2.24
  - "4.2"
  - 4.2.10
  - "5.0"
  - 5.0.2
"#;

/// CVE-2024-24680 in Django (intcomma), from the PyPI advisory database.
const PYSEC_2024_28: &str = r#"id: PYSEC-2024-28
modified: 2024-02-07T00:25:46.826634Z
aliases:
- CVE-2024-24680
details: An issue was discovered in Django 3.2 before 3.2.24, 4.2 before 4.2.10, and
  Django 5.0 before 5.0.2. The intcomma template filter was subject to a potential
  denial-of-service attack when used with very long strings.
affected:
- package:
    ecosystem: PyPI
    name: django
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: "3.2"
    - fixed: 3.2.24
    - introduced: "4.2"
    - fixed: 4.2.10
    - introduced: "5.0"
    - fixed: 5.0.2
"#;

/// A withdrawn record (aiohttp 3.8.1, disputed): it must never be reported.
const PYSEC_2022_43059: &str = r#"id: PYSEC-2022-43059
details: 'AIOHTTP 3.8.1 can report a "ValueError: Invalid IPv6 URL" outcome.'
aliases:
- CVE-2022-33124
modified: '2024-02-16T13:47:54.655573Z'
withdrawn: '2023-11-08T00:54:24Z'
affected:
- package:
    name: aiohttp
    ecosystem: PyPI
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: '0'
  versions:
  - 3.8.1
"#;

/// GitHub's record of CVE-2024-27351: one affected entry per release line, no CVSS vector,
/// the database's own severity.
const GHSA_VM8Q: &str = r#"{
  "schema_version": "1.4.0",
  "id": "GHSA-vm8q-m57g-pff3",
  "modified": "2024-03-18T20:36:41Z",
  "aliases": ["CVE-2024-27351"],
  "summary": "Regular expression denial-of-service in Django",
  "severity": [],
  "affected": [
    {"package": {"ecosystem": "PyPI", "name": "django"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "3.2"}, {"fixed": "3.2.25"}]}]},
    {"package": {"ecosystem": "PyPI", "name": "django"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "4.2"}, {"fixed": "4.2.11"}]}]},
    {"package": {"ecosystem": "PyPI", "name": "django"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "5.0"}, {"fixed": "5.0.3"}]}]}
  ],
  "database_specific": {"cwe_ids": ["CWE-1333"], "severity": "LOW", "github_reviewed": true}
}"#;

/// Command injection in lodash (and lodash-es), CVSS 3.1 vector of high severity.
const GHSA_35JH: &str = r#"{
  "schema_version": "1.3.0",
  "id": "GHSA-35jh-r3h4-6jhm",
  "modified": "2022-02-08T21:35:09Z",
  "aliases": ["CVE-2021-23337"],
  "summary": "Command Injection in lodash",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"}],
  "affected": [
    {"package": {"ecosystem": "npm", "name": "lodash"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]},
    {"package": {"ecosystem": "npm", "name": "lodash-es"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}
  ],
  "database_specific": {"severity": "HIGH"}
}"#;

/// Prototype pollution in minimist: two release lines fixed separately, critical.
const GHSA_XVCH: &str = r#"{
  "schema_version": "1.4.0",
  "id": "GHSA-xvch-5gv4-984h",
  "modified": "2023-02-27T14:47:14Z",
  "aliases": ["CVE-2021-44906"],
  "summary": "Prototype Pollution in minimist",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
  "affected": [
    {"package": {"ecosystem": "npm", "name": "minimist"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0.0"}, {"fixed": "1.2.6"}]}]},
    {"package": {"ecosystem": "npm", "name": "minimist"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "0.2.4"}]}]}
  ],
  "database_specific": {"severity": "CRITICAL"}
}"#;

/// Buffer overflow in SmallVec::insert_many, RustSec's OSV export (SEMVER ranges).
const RUSTSEC_2021_0003: &str = r#"{
  "id": "RUSTSEC-2021-0003",
  "modified": "2023-06-13T13:10:24Z",
  "aliases": ["CVE-2021-25900", "GHSA-43w2-9j62-hq99"],
  "summary": "Buffer overflow in SmallVec::insert_many",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
  "affected": [
    {"package": {"ecosystem": "crates.io", "name": "smallvec"},
     "ranges": [{"type": "SEMVER", "events": [
        {"introduced": "0.6.3"}, {"fixed": "0.6.14"}, {"introduced": "1.0.0"}, {"fixed": "1.6.1"}]}],
     "versions": []}
  ],
  "database_specific": {"license": "CC0-1.0"}
}"#;

/// The records as the public repositories lay them out.
const RECORDS: [(&str, &str); 7] = [
    ("vulns/django/PYSEC-2024-47.yaml", PYSEC_2024_47),
    ("vulns/django/PYSEC-2024-28.yaml", PYSEC_2024_28),
    ("vulns/aiohttp/PYSEC-2022-43059.yaml", PYSEC_2022_43059),
    (
        "advisories/github-reviewed/2024/03/GHSA-vm8q-m57g-pff3/GHSA-vm8q-m57g-pff3.json",
        GHSA_VM8Q,
    ),
    (
        "advisories/github-reviewed/2021/05/GHSA-35jh-r3h4-6jhm/GHSA-35jh-r3h4-6jhm.json",
        GHSA_35JH,
    ),
    (
        "advisories/github-reviewed/2022/03/GHSA-xvch-5gv4-984h/GHSA-xvch-5gv4-984h.json",
        GHSA_XVCH,
    ),
    ("crates/RUSTSEC-2021-0003.json", RUSTSEC_2021_0003),
];

fn db_tree(dir: &Path) -> PathBuf {
    let db = dir.join("advisories");
    for (path, text) in RECORDS {
        write(&db, path, text);
    }
    // Files of the repositories that are not records.
    write(&db, ".github/workflows/ci.yaml", "name: ci\non: push\n");
    write(&db, "README.md", "# advisories\n");
    db
}

fn zip_of(path: &Path, files: &[(&str, &str)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, text) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

// --- Lockfiles, one of each format, in the shape the tools write them. ---

const REQUIREMENTS: &str = "\
# This file is autogenerated by pip-compile with Python 3.11
-r requirements/base.txt
-c constraints.txt
aiohttp==3.8.1 \\
    --hash=sha256:1ed0b6477896559f17b9eaeb6d7c0106cb8a2ca1a4ff8cb0aef8a4ecc8fb3ec1
celery[redis]>=5.2,<6 ; python_version >= \"3.8\"
gunicorn
";
const REQUIREMENTS_BASE: &str = "Django==3.2.0\nsqlparse==0.4.4  # via django\n";
const CONSTRAINTS: &str = "gunicorn==20.1.0\n";

const POETRY_LOCK: &str = r#"# This file is automatically @generated by Poetry 1.8.2 and should not be changed by hand.

[[package]]
name = "asgiref"
version = "3.7.2"
description = "ASGI specs, helper code, and adapters"
optional = false
python-versions = ">=3.7"
files = []

[[package]]
name = "django"
version = "4.2.10"
description = "A high-level Python web framework that encourages rapid development and clean, pragmatic design."
optional = false
python-versions = ">=3.8"
files = []

[package.dependencies]
asgiref = ">=3.6.0,<4"

[[package]]
name = "internal-lib"
version = "0.1.0"
description = ""
optional = false
python-versions = "*"
files = []

[package.source]
type = "git"
url = "https://example.com/internal-lib.git"
reference = "main"
resolved_reference = "5d3c1a6e8f1b2c3d4e5f60718293a4b5c6d7e8f9"

[metadata]
lock-version = "2.0"
python-versions = "^3.11"
content-hash = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
"#;

const UV_LOCK: &str = r#"version = 1
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "django" },
]

[[package]]
name = "django"
version = "5.0.2"
source = { registry = "https://example.com/simple" }
dependencies = [
    { name = "asgiref" },
    { name = "sqlparse" },
]
sdist = { url = "https://example.com/django-5.0.2.tar.gz", hash = "sha256:b5bb1d11b2518a5f91372a282f24662f58f66749666b0a286ab057029f728080", size = 10407432 }
"#;

const PIPFILE_LOCK: &str = r#"{
    "_meta": {
        "hash": {"sha256": "7d8a0c4fb2a4fcd8f3f0a0e2bb3a3f2cc1e7d0d4a5b6c7d8e9f0a1b2c3d4e5f6"},
        "pipfile-spec": 6,
        "requires": {"python_version": "3.11"},
        "sources": [{"name": "pypi", "url": "https://example.com/simple", "verify_ssl": true}]
    },
    "default": {
        "django": {
            "hashes": ["sha256:a477ab326ae7d8807dc25c186b951ab8c7648a3a23f9497763c37307a2b5ef87"],
            "index": "pypi",
            "markers": "python_version >= '3.8'",
            "version": "==3.2.25"
        }
    },
    "develop": {
        "aiohttp": {
            "hashes": [],
            "version": "==3.8.1"
        }
    }
}
"#;

const PDM_LOCK: &str = r#"# This file is @generated by PDM.
# It is not intended for manual editing.

[metadata]
groups = ["default"]
strategy = ["cross_platform"]
lock_version = "4.4.1"
content_hash = "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

[[package]]
name = "Django"
version = "3.2.24"
requires_python = ">=3.6"
summary = "A high-level Python Web framework"
dependencies = [
    "asgiref<4,>=3.3.2",
]
files = []
"#;

const PACKAGE_LOCK_V3: &str = r#"{
  "name": "web",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "web",
      "version": "1.0.0",
      "dependencies": {
        "lodash": "^4.17.20",
        "minimist": "^1.2.5"
      }
    },
    "node_modules/lodash": {
      "version": "4.17.20",
      "resolved": "https://example.com/lodash/-/lodash-4.17.20.tgz",
      "integrity": "sha512-PlhdFcillOINfeV7Ni6oF1TAEayyZBoZ8bcshTHqOYJYlrqzRK5hagpagky5o4HfCzzd1TRkXPMFq6cKk9rGmA=="
    },
    "node_modules/minimist": {
      "version": "1.2.6",
      "resolved": "https://example.com/minimist/-/minimist-1.2.6.tgz"
    },
    "node_modules/mkdirp/node_modules/minimist": {
      "version": "0.0.8",
      "resolved": "https://example.com/minimist/-/minimist-0.0.8.tgz"
    }
  }
}
"#;

const SHRINKWRAP_V1: &str = r#"{
  "name": "cli",
  "version": "2.0.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "lodash-es": {
      "version": "4.17.15",
      "resolved": "https://example.com/lodash-es/-/lodash-es-4.17.15.tgz"
    },
    "optimist": {
      "version": "0.6.1",
      "requires": {
        "minimist": "~0.0.1"
      },
      "dependencies": {
        "minimist": {
          "version": "0.0.10"
        }
      }
    },
    "minimist": {
      "version": "1.2.8"
    }
  }
}
"#;

const YARN_CLASSIC: &str = r#"# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


lodash@^4.17.15, lodash@^4.17.19:
  version "4.17.19"
  resolved "https://example.com/lodash/-/lodash-4.17.19.tgz#e48ddedbe30b3321783c5b4301fbd353bc1e4a4b"
  integrity sha512-JNvd8XER9GQX0v2qJgsaN/mzFCNA5BRe/j8JN9d+tWyGLSodKQHKFicdwNYzWwI3wjRnaKPsGj1XkBjx/F96DQ==

minimist@^1.2.0:
  version "1.2.5"
  resolved "https://example.com/minimist/-/minimist-1.2.5.tgz#67d66014b66a6a8aaa0c083c5fd58df4e4e97602"
"#;

const YARN_BERRY: &str = r#"# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 6
  cacheKey: 8

"admin@workspace:.":
  version: 0.0.0-use.local
  resolution: "admin@workspace:."
  dependencies:
    lodash: ^4.17.21
  languageName: unknown
  linkType: soft

"lodash@npm:^4.17.21":
  version: 4.17.21
  resolution: "lodash@npm:4.17.21"
  checksum: eb835a2e51d381e561e508ce932ea50a8e5a68f4ebdd771ea240d3048244a8d13658acbd502cd4829768c56f2e16bdd4340b9ea141297d472517b83868e677f7
  languageName: node
  linkType: hard

"minimist@npm:^1.2.0":
  version: 1.2.5
  resolution: "minimist@npm:1.2.5"
  languageName: node
  linkType: hard
"#;

const PNPM_LOCK: &str = r#"lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      lodash-es:
        specifier: ^4.17.20
        version: 4.17.20

packages:

  lodash-es@4.17.20:
    resolution: {integrity: sha512-AAAA}

  minimist@1.2.7:
    resolution: {integrity: sha512-BBBB}

snapshots:

  lodash-es@4.17.20: {}

  minimist@1.2.7: {}
"#;

const CARGO_LOCK: &str = r#"# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 3

[[package]]
name = "server"
version = "0.1.0"
dependencies = [
 "smallvec 0.6.10",
 "smallvec 1.6.0",
]

[[package]]
name = "smallvec"
version = "0.6.10"
source = "registry+https://github.com/rust-lang/example-index"
checksum = "ab606a9c5e214920bb66c458cd7be8ef094f813f20fe77a54cc7dbfff220d4b7"

[[package]]
name = "smallvec"
version = "1.6.0"
source = "registry+https://github.com/rust-lang/example-index"
checksum = "1a55ca5f3b68e41c979bf8c46a6f1da892ca4db8f94023ce0bd32407573b1ac0"

[[package]]
name = "smallvec"
version = "1.6.1"
source = "registry+https://github.com/rust-lang/example-index"
checksum = "fe0f37c9e8f3c5a4a66ad655a93c74daac4ad00c441533bf5c6e7990bb42604e"
"#;

fn project(dir: &Path) -> PathBuf {
    let root = dir.join("project");
    for (path, text) in [
        ("requirements.txt", REQUIREMENTS),
        ("requirements/base.txt", REQUIREMENTS_BASE),
        ("constraints.txt", CONSTRAINTS),
        ("services/api/poetry.lock", POETRY_LOCK),
        ("services/worker/uv.lock", UV_LOCK),
        ("services/legacy/Pipfile.lock", PIPFILE_LOCK),
        ("services/jobs/pdm.lock", PDM_LOCK),
        ("web/package-lock.json", PACKAGE_LOCK_V3),
        ("cli/npm-shrinkwrap.json", SHRINKWRAP_V1),
        ("docs/yarn.lock", YARN_CLASSIC),
        ("admin/yarn.lock", YARN_BERRY),
        ("landing/pnpm-lock.yaml", PNPM_LOCK),
        ("server/Cargo.lock", CARGO_LOCK),
        // Installed packages carry lockfiles of other projects: never read.
        ("web/node_modules/left/package-lock.json", PACKAGE_LOCK_V3),
    ] {
        write(&root, path, text);
    }
    root
}

// --- Running the binary. ---

fn deps(dir: &Path, cache: &Path, args: &[&str]) -> Run {
    preflight_command(dir, args)
        .env("PREFLIGHT_CACHE_DIR", cache)
        .output()
        .expect("preflight runs")
        .into()
}

/// (path, line, package, version, advisories, fixed, severity) of each vulnerable package.
type Row = (String, u64, String, String, String, String, String);

fn vulnerable(report: &Value) -> BTreeSet<Row> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "deps.vulnerable")
        .map(|f| {
            let d = &f["details"];
            let text = |v: &Value| v.as_str().unwrap_or("").to_string();
            (
                text(&f["path"]),
                f["line"].as_u64().unwrap(),
                text(&d["package"]),
                text(&d["version"]),
                text(&d["advisories"]),
                text(&d["fixed"]),
                text(&f["severity"]),
            )
        })
        .collect()
}

fn row(
    path: &str,
    line: u64,
    package: &str,
    version: &str,
    advisories: &str,
    fixed: &str,
    severity: &str,
) -> Row {
    (
        path.into(),
        line,
        package.into(),
        version.into(),
        advisories.into(),
        fixed.into(),
        severity.into(),
    )
}

const DJANGO_BOTH: &str =
    "PYSEC-2024-28, CVE-2024-24680, PYSEC-2024-47, GHSA-vm8q-m57g-pff3, CVE-2024-27351";

fn expected() -> BTreeSet<Row> {
    [
        row(
            "requirements/base.txt",
            1,
            "Django",
            "3.2.0",
            DJANGO_BOTH,
            "3.2.25",
            "medium",
        ),
        row(
            "services/api/poetry.lock",
            12,
            "django",
            "4.2.10",
            "PYSEC-2024-47, GHSA-vm8q-m57g-pff3, CVE-2024-27351",
            "4.2.11",
            "low",
        ),
        row(
            "services/worker/uv.lock",
            13,
            "django",
            "5.0.2",
            "PYSEC-2024-47, GHSA-vm8q-m57g-pff3, CVE-2024-27351",
            "5.0.3",
            "low",
        ),
        row(
            "services/jobs/pdm.lock",
            11,
            "Django",
            "3.2.24",
            "PYSEC-2024-47, GHSA-vm8q-m57g-pff3, CVE-2024-27351",
            "3.2.25",
            "low",
        ),
        row(
            "web/package-lock.json",
            15,
            "lodash",
            "4.17.20",
            "GHSA-35jh-r3h4-6jhm, CVE-2021-23337",
            "4.17.21",
            "high",
        ),
        row(
            "web/package-lock.json",
            24,
            "minimist",
            "0.0.8",
            "GHSA-xvch-5gv4-984h, CVE-2021-44906",
            "0.2.4",
            "critical",
        ),
        row(
            "cli/npm-shrinkwrap.json",
            7,
            "lodash-es",
            "4.17.15",
            "GHSA-35jh-r3h4-6jhm, CVE-2021-23337",
            "4.17.21",
            "high",
        ),
        row(
            "cli/npm-shrinkwrap.json",
            17,
            "minimist",
            "0.0.10",
            "GHSA-xvch-5gv4-984h, CVE-2021-44906",
            "0.2.4",
            "critical",
        ),
        row(
            "docs/yarn.lock",
            5,
            "lodash",
            "4.17.19",
            "GHSA-35jh-r3h4-6jhm, CVE-2021-23337",
            "4.17.21",
            "high",
        ),
        row(
            "docs/yarn.lock",
            10,
            "minimist",
            "1.2.5",
            "GHSA-xvch-5gv4-984h, CVE-2021-44906",
            "1.2.6",
            "critical",
        ),
        row(
            "admin/yarn.lock",
            23,
            "minimist",
            "1.2.5",
            "GHSA-xvch-5gv4-984h, CVE-2021-44906",
            "1.2.6",
            "critical",
        ),
        row(
            "landing/pnpm-lock.yaml",
            17,
            "lodash-es",
            "4.17.20",
            "GHSA-35jh-r3h4-6jhm, CVE-2021-23337",
            "4.17.21",
            "high",
        ),
        row(
            "server/Cargo.lock",
            14,
            "smallvec",
            "0.6.10",
            "RUSTSEC-2021-0003, GHSA-43w2-9j62-hq99, CVE-2021-25900",
            "0.6.14",
            "critical",
        ),
        row(
            "server/Cargo.lock",
            20,
            "smallvec",
            "1.6.0",
            "RUSTSEC-2021-0003, GHSA-43w2-9j62-hq99, CVE-2021-25900",
            "1.6.1",
            "critical",
        ),
    ]
    .into_iter()
    .collect()
}

fn unpinned(report: &Value) -> Vec<(String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "deps.unpinned")
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn ids_of(report: &Value) -> BTreeSet<String> {
    common::ids(report).into_iter().collect()
}

#[test]
fn every_lockfile_format_reports_exactly_the_advisories_that_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db_tree(tmp.path());
    let root = project(tmp.path());
    let cache = tmp.path().join("cache");
    let db_arg = db.display().to_string();
    let run = deps(
        &root,
        &cache,
        &[
            "deps",
            "--db",
            &db_arg,
            "--format",
            "json",
            "--fail-on",
            "critical",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(vulnerable(&report), expected());
    assert_eq!(unpinned(&report), [("requirements.txt".to_string(), 6)]);
    // The records are old: the database's age is a finding too; nothing else is reported.
    assert_eq!(
        ids_of(&report),
        ["deps.database-outdated", "deps.unpinned", "deps.vulnerable"]
            .map(String::from)
            .into()
    );
    // The findings say what to do.
    let django = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "requirements/base.txt")
        .unwrap();
    assert_eq!(django["help"], "upgrade Django 3.2.0 -> 3.2.25");
    let message = django["message"].as_str().unwrap();
    assert!(message.starts_with("Django 3.2.0 has 2 known vulnerabilities: PYSEC-2024-28 / CVE-2024-24680; PYSEC-2024-47 / GHSA-vm8q-m57g-pff3 / CVE-2024-27351"), "{message}");
    assert_eq!(
        django["reference"],
        "https://osv.dev/vulnerability/PYSEC-2024-28"
    );
    let unfixed = report["findings"].as_array().unwrap().iter().any(|f| {
        f["help"]
            .as_str()
            .is_some_and(|h| h.starts_with("no fixed version"))
    });
    assert!(!unfixed);
    // Every lockfile is listed as audited.
    let facts: BTreeSet<&str> = report["facts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "deps.vulnerable")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    // requirements/base.txt is found by its directory as well as through the include.
    assert_eq!(facts.len(), 12, "{facts:?}");
    assert!(!facts.iter().any(|p| p.contains("node_modules")));
}

#[test]
fn a_zip_of_the_same_records_gives_the_same_report_and_the_index_is_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path());
    let cache = tmp.path().join("cache");
    let zip = tmp.path().join("all.zip");
    let flat: Vec<(&str, &str)> = RECORDS
        .iter()
        .map(|(path, text)| (path.rsplit('/').next().unwrap(), *text))
        .collect();
    zip_of(&zip, &flat);
    let zip_arg = zip.display().to_string();
    let args = ["deps", "--db", zip_arg.as_str(), "--format", "json"];
    let first = deps(&root, &cache, &args);
    assert_eq!(vulnerable(&first.json()), expected(), "{}", first.stderr);
    let indexes = std::fs::read_dir(cache.join("index")).unwrap().count();
    assert_eq!(indexes, 1);
    let index = std::fs::read_dir(cache.join("index"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let built = std::fs::metadata(&index).unwrap().modified().unwrap();
    let second = deps(&root, &cache, &args);
    assert_eq!(vulnerable(&second.json()), expected());
    assert_eq!(
        std::fs::metadata(&index).unwrap().modified().unwrap(),
        built
    );
    // --reindex rebuilds it.
    std::thread::sleep(Duration::from_millis(20));
    let args = [
        "deps",
        "--db",
        zip_arg.as_str(),
        "--format",
        "json",
        "--reindex",
    ];
    let third = deps(&root, &cache, &args);
    assert_eq!(vulnerable(&third.json()), expected());
    assert_ne!(
        std::fs::metadata(&index).unwrap().modified().unwrap(),
        built
    );
}

#[test]
fn a_project_without_vulnerable_versions_has_no_vulnerability_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db_tree(tmp.path());
    let root = tmp.path().join("clean");
    write(
        &root,
        "requirements.txt",
        "Django==3.2.25\naiohttp==3.8.1\n",
    );
    write(
        &root,
        "package-lock.json",
        PACKAGE_LOCK_V3
            .replace("4.17.20", "4.17.21")
            .replace("0.0.8", "0.2.4"),
    );
    let db_arg = db.display().to_string();
    let run = deps(
        &root,
        &tmp.path().join("cache"),
        &["deps", "--db", &db_arg, "--format", "json"],
    );
    let report = run.json();
    assert!(vulnerable(&report).is_empty(), "{}", run.stdout);
    assert!(unpinned(&report).is_empty());
}

#[test]
fn a_damaged_database_is_an_error_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path());
    let cache = tmp.path().join("cache");
    let zip = tmp.path().join("osv-export.zip");
    zip_of(&zip, &[("GHSA-35jh-r3h4-6jhm.json", GHSA_35JH)]);
    let bytes = std::fs::read(&zip).unwrap();
    std::fs::write(&zip, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let zip_arg = zip.display().to_string();
    let run = deps(&root, &cache, &["deps", "--db", &zip_arg]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("osv-export.zip"), "{}", run.stderr);

    // A record that is not valid JSON is named; the others are used.
    let db = db_tree(tmp.path());
    write(
        &db,
        "advisories/github-reviewed/2024/01/GHSA-bad/GHSA-bad.json",
        "{\"id\": \"GHSA-bad\", \"affected\": [",
    );
    let db_arg = db.display().to_string();
    let run = deps(
        &root,
        &cache,
        &["deps", "--db", &db_arg, "--format", "json"],
    );
    let report = run.json();
    assert_eq!(vulnerable(&report), expected());
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("GHSA-bad.json"), "{warnings}");
}

#[test]
fn check_goes_on_when_the_database_is_damaged_or_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path());
    write(&root, ".env.example", "SECRET_KEY=\n");
    let cache = tmp.path().join("cache");
    // No database at all: a warning, and the audit is not counted as done.
    let run = deps(
        &root,
        &cache,
        &["check", "--no-history", "--format", "json"],
    );
    let report = run.json();
    assert!(
        report["warnings"]
            .to_string()
            .contains("preflight deps update"),
        "{}",
        run.stdout
    );
    assert_eq!(vulnerable(&report), BTreeSet::new());
    assert_eq!(unpinned(&report), [("requirements.txt".to_string(), 6)]);
    let markdown = run_markdown(&root, &cache);
    assert!(markdown.contains("No locked dependency has a known vulnerability, every requirement is pinned, and the advisory database used is less than a month old"), "{markdown}");

    // A truncated export in the cache: a warning naming it; the other checks still report.
    let export = cache.join("osv/npm/all.zip");
    std::fs::create_dir_all(export.parent().unwrap()).unwrap();
    std::fs::write(&export, b"PK\x03\x04\x14\x00\x00\x00").unwrap();
    let run = deps(
        &root,
        &cache,
        &["check", "--no-history", "--format", "json"],
    );
    let report = run.json();
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("osv/npm/all.zip"), "{warnings}");
    assert_eq!(unpinned(&report), [("requirements.txt".to_string(), 6)]);

    // A good export: the same check reports the vulnerable packages.
    let flat: Vec<(&str, &str)> = RECORDS
        .iter()
        .map(|(path, text)| (path.rsplit('/').next().unwrap(), *text))
        .collect();
    zip_of(&export, &flat);
    let run = deps(
        &root,
        &cache,
        &["check", "--no-history", "--format", "json"],
    );
    assert_eq!(vulnerable(&run.json()), expected(), "{}", run.stderr);
    assert!(run.json()["facts"].to_string().contains("deps.vulnerable"));
}

fn run_markdown(root: &Path, cache: &Path) -> String {
    deps(
        root,
        cache,
        &["check", "--no-history", "--format", "markdown"],
    )
    .stdout
}

/// Sets a file's modification time to `days` ago.
fn age(path: &Path, days: u64) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(days * 24 * 3600))
        .unwrap();
}

#[test]
fn the_cache_s_age_is_a_warning_after_a_week_and_a_finding_after_a_month() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path());
    let cache = tmp.path().join("cache");
    let export = cache.join("osv/PyPI/all.zip");
    std::fs::create_dir_all(export.parent().unwrap()).unwrap();
    zip_of(&export, &[("PYSEC-2024-47.yaml", PYSEC_2024_47)]);
    let fresh = deps(&root, &cache, &["deps", "--format", "json"]);
    let report = fresh.json();
    assert!(!ids_of(&report).contains("deps.database-outdated"));
    assert!(!report["warnings"].to_string().contains("days old"));
    assert_eq!(vulnerable(&report).len(), 4, "{}", fresh.stdout);

    age(&export, 10);
    let report = deps(&root, &cache, &["deps", "--format", "json"]).json();
    assert!(!ids_of(&report).contains("deps.database-outdated"));
    assert!(
        report["warnings"].to_string().contains("10 days old"),
        "{report}"
    );

    age(&export, 40);
    let report = deps(&root, &cache, &["deps", "--format", "json"]).json();
    assert!(ids_of(&report).contains("deps.database-outdated"));
}

/// A loopback HTTP server that answers each request for `/<ecosystem>/all.zip` with `body`
/// and anything else with 404; it serves `requests` requests and stops.
fn serve(body: Vec<u8>, requests: usize) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut paths = Vec::new();
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap() == 0 || header == "\r\n" {
                    break;
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_string();
            if path.ends_with("/all.zip") {
                write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .unwrap();
                stream.write_all(&body).unwrap();
            } else {
                stream
                    .write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    )
                    .unwrap();
            }
            paths.push(path);
        }
        paths
    });
    (url, handle)
}

#[test]
fn update_downloads_the_exports_from_the_configured_url() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path());
    let cache = tmp.path().join("cache");
    let zip = tmp.path().join("export.zip");
    zip_of(
        &zip,
        &[
            ("PYSEC-2024-47.yaml", PYSEC_2024_47),
            ("GHSA-vm8q-m57g-pff3.json", GHSA_VM8Q),
        ],
    );
    let body = std::fs::read(&zip).unwrap();
    let (url, server) = serve(body.clone(), 2);
    let cache_arg = cache.display().to_string();
    let update = deps(
        &root,
        &cache,
        &[
            "deps",
            "update",
            "--cache-dir",
            &cache_arg,
            "--base-url",
            &url,
            "--ecosystem",
            "PyPI,npm",
        ],
    );
    assert_eq!(update.code, 0, "{}", update.stderr);
    assert_eq!(server.join().unwrap(), ["/PyPI/all.zip", "/npm/all.zip"]);
    assert_eq!(std::fs::read(cache.join("osv/PyPI/all.zip")).unwrap(), body);
    assert!(
        update
            .stderr
            .contains("indexed 4 advisory records (packages with advisories: 1)"),
        "{}",
        update.stderr
    );
    let report = deps(
        &root,
        &cache,
        &["deps", "--cache-dir", &cache_arg, "--format", "json"],
    )
    .json();
    assert_eq!(vulnerable(&report).len(), 4, "{report}");

    // A download that is not a zip never replaces the good export.
    let (url, server) = serve(b"<html>maintenance</html>".to_vec(), 1);
    let failed = deps(
        &root,
        &cache,
        &[
            "deps",
            "update",
            "--cache-dir",
            &cache_arg,
            "--base-url",
            &url,
            "--ecosystem",
            "PyPI",
        ],
    );
    server.join().unwrap();
    assert_eq!(failed.code, 2, "{}", failed.stderr);
    assert!(
        failed.stderr.contains("not a readable zip"),
        "{}",
        failed.stderr
    );
    assert_eq!(std::fs::read(cache.join("osv/PyPI/all.zip")).unwrap(), body);
    let leftovers: Vec<_> = std::fs::read_dir(cache.join("osv/PyPI")).unwrap().collect();
    assert_eq!(leftovers.len(), 1);

    // An HTTP error names the URL.
    let (url, server) = serve(Vec::new(), 1);
    let missing = deps(
        &root,
        &cache,
        &[
            "deps",
            "update",
            "--cache-dir",
            &cache_arg,
            "--base-url",
            &format!("{url}/mirror/"),
            "--ecosystem",
            "PyPI",
        ],
    );
    drop(server);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("/mirror/PyPI/all.zip"),
        "{}",
        missing.stderr
    );
}

#[test]
fn unusual_input_never_stops_the_audit() {
    let tmp = tempfile::tempdir().unwrap();
    let db = db_tree(tmp.path());
    let root = tmp.path().join("odd");
    write(&root, "requirements.txt", b"\xff\xfe\x00garbage".as_slice());
    write(&root, "poetry.lock", "[[package]\nname = ");
    write(
        &root,
        "package-lock.json",
        "{\"packages\": {\"node_modules/a\": {\"version\": ",
    );
    write(&root, "yarn.lock", "\u{0}\u{0}lodash@^4:\n  version\n");
    write(&root, "pnpm-lock.yaml", "packages:\n  '':\n  /:\n  @:\n");
    write(
        &root,
        "Cargo.lock",
        "[[package]]\nname = \"smallvec\"\nversion = \"not.a.version\"\nsource = \"registry+x\"\n",
    );
    write(&root, "sub/package-lock.json", PACKAGE_LOCK_V3);
    let db_arg = db.display().to_string();
    let run = deps(
        &root,
        &tmp.path().join("cache"),
        &["deps", "--db", &db_arg, "--format", "json"],
    );
    let report = run.json();
    let warnings = report["warnings"].to_string();
    for file in ["requirements.txt", "poetry.lock", "package-lock.json"] {
        assert!(warnings.contains(file), "{file}: {warnings}");
    }
    // The readable lockfile is still audited.
    assert_eq!(vulnerable(&report).len(), 2, "{}", run.stdout);
}
