#!/usr/bin/env python3
"""Benchmarks `preflight deps`: indexing a real advisory database and auditing a 2,000-package
project against it. Used by bench/deps.sh.

  deps.py BINARY DB [DB...]     prints the results' Database, Project and Times sections
  deps.py --scaled-zip OUT DB...  (internal) writes the scaled copy of the records

DB is a directory tree of OSV records (JSON or YAML) or a zip of them, such as a checkout of a
public advisory repository or an OSV `all.zip` export. The project is made from the database
itself: real package names with real versions taken from the records (introduced, fixed and
listed versions), spread over requirements files, a package-lock.json and a Cargo.lock in
proportion to the ecosystems the database covers, 2,000 packages in all. Every package has
advisories, so every lookup reads a block and runs the matcher: the slowest case for the audit.

Measured, each with wall time, user+system CPU and peak RSS (wait4):
  - indexing: `preflight deps --reindex` (reads every record, writes the index), 3 runs;
  - audit: `preflight deps` once the index exists, 10 runs;
and the index's size and the number of findings.

The findings on the real database are compared with a reference written here with Python's own
version libraries (`packaging` for PEP 440, `semver` for crates) and OSV's evaluation rules: the
vulnerable package versions and the advisory ids of each must agree.

Then the same at the scale of the full OSV exports (hundreds of thousands of records, most of
them npm's): the real records are copied SCALE times into one zip, each copy under renamed
packages and ids (`django-copy7`, `PYSEC-2024-47-copy7`), so the index holds SCALE + 1 times as
many packages and advisories while the project and its findings stay the same.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

PACKAGES = 2000
SCALE = 50
ECOSYSTEMS = {"PyPI": "PyPI", "npm": "npm", "crates.io": "crates"}


def records(db):
    """Yields (name, text) of every record file in a directory tree or zip."""
    db = Path(db)
    suffixes = (".json", ".yaml", ".yml")
    if db.is_dir():
        for path in sorted(db.rglob("*")):
            if (
                path.suffix in suffixes
                and path.is_file()
                and not any(p.startswith(".") for p in path.relative_to(db).parts)
            ):
                yield str(path), path.read_text(errors="replace")
    else:
        with zipfile.ZipFile(db) as archive:
            for name in sorted(archive.namelist()):
                if name.endswith(suffixes):
                    yield name, archive.read(name).decode(errors="replace")


def parse(name, text):
    if name.endswith(".json"):
        return json.loads(text)
    import yaml  # PyYAML reads the PyPI advisory database's records

    return yaml.safe_load(text)


def advisories(dbs):
    """Every usable record of `dbs`, parsed."""
    out = []
    for db in dbs:
        for name, text in records(db):
            try:
                record = parse(name, text)
            except Exception:
                continue
            if isinstance(record, dict) and record.get("id") and record.get("affected"):
                out.append(json.loads(json.dumps(record, default=str)))
    return out


def versions_by_package(parsed):
    """(ecosystem, name) -> [versions], real versions named by the records, in record order."""
    found = {}
    for record in parsed:
        if record.get("withdrawn"):
            continue
        for affected in record["affected"]:
            package = affected.get("package") or {}
            ecosystem = ECOSYSTEMS.get(str(package.get("ecosystem", "")).split(":")[0])
            if not ecosystem:
                continue
            seen = found.setdefault((ecosystem, package["name"]), [])
            candidates = [str(v) for v in affected.get("versions") or []]
            for r in affected.get("ranges") or []:
                for event in r.get("events") or []:
                    for key in ("introduced", "fixed", "last_affected"):
                        value = event.get(key)
                        if value is not None and str(value) != "0" and not str(value).startswith("0.0.0-"):
                            candidates.append(str(value))
            for v in candidates:
                if v not in seen:
                    seen.append(v)
    return found


def project(found, root):
    """Writes the project; returns how many packages each ecosystem got."""
    by_ecosystem = {}
    for (ecosystem, name), versions in sorted(found.items()):
        if versions:
            by_ecosystem.setdefault(ecosystem, []).append((name, versions))
    total = sum(len(v) for v in by_ecosystem.values())
    chosen = {}
    for ecosystem, packages in by_ecosystem.items():
        share = round(PACKAGES * len(packages) / total)
        # Round k takes each package's k-th version: a project has several lockfiles (services),
        # and Cargo.lock and package-lock.json hold several versions of one package.
        rounds, left, k = [], share, 0
        while left > 0 and any(len(v) > k for _, v in packages):
            entries = [(name, versions[k]) for name, versions in packages if len(versions) > k][:left]
            rounds.append(entries)
            left -= len(entries)
            k += 1
        chosen[ecosystem] = rounds
    count = sum(len(r) for rounds in chosen.values() for r in rounds)
    if count < PACKAGES:
        print(f"note: the database names only {count} package versions", file=sys.stderr)
    root.mkdir(parents=True, exist_ok=True)
    for k, entries in enumerate(chosen.get("PyPI", [])):
        directory = root if k == 0 else root / f"services/svc{k}"
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "requirements.txt").write_text("".join(f"{n}=={v}\n" for n, v in entries))
    if "npm" in chosen:
        packages = {"": {"name": "bench", "version": "1.0.0"}}
        for k, entries in enumerate(chosen["npm"]):
            prefix = "" if k == 0 else f"node_modules/holder{k}/"
            for name, version in entries:
                packages[f"{prefix}node_modules/{name}"] = {"version": version}
        lock = {"name": "bench", "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": packages}
        (root / "package-lock.json").write_text(json.dumps(lock, indent=2))
    if "crates" in chosen:
        parts = ["version = 3\n"]
        for name, version in [e for entries in chosen["crates"] for e in entries]:
            parts.append(
                f'\n[[package]]\nname = "{name}"\nversion = "{version}"\n'
                'source = "registry+https://github.com/rust-lang/bench-index"\n'
            )
        (root / "Cargo.lock").write_text("".join(parts))
    return {e: sum(len(r) for r in rounds) for e, rounds in chosen.items()}


def scaled_zip(parsed, path):
    """Writes `parsed` and SCALE renamed copies of it into one zip; returns the record count."""
    written = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for copy in range(SCALE + 1):
            suffix = "" if copy == 0 else f"-copy{copy}"
            for record in parsed:
                clone = dict(record)
                clone["id"] = record["id"] + suffix
                clone["aliases"] = [a + suffix for a in record.get("aliases") or []]
                clone["affected"] = [
                    dict(a, package=dict(a.get("package") or {}, name=(a.get("package") or {}).get("name", "") + suffix))
                    for a in record["affected"]
                ]
                archive.writestr(f"{clone['id']}.json", json.dumps(clone))
                written += 1
    return written


def timed(command, env):
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    return {
        "wall": time.perf_counter() - start,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "status": os.waitstatus_to_exitcode(status),
        "stdout": stdout,
    }


def measure(binary, project_dir, db_args, cache):
    """Index runs, audit runs, vulnerable findings, index size in MB."""
    env = dict(os.environ, PREFLIGHT_CACHE_DIR=str(cache))
    base = [binary, "deps", str(project_dir), "--format", "json", "--fail-on", "critical", *db_args]
    index_runs = [timed(base + ["--reindex"], env) for _ in range(3)]
    audit_runs = [timed(base, env) for _ in range(10)]
    for run in index_runs + audit_runs:
        if run["status"] not in (0, 1):
            sys.exit(f"preflight failed: exit status {run['status']}")
    report = json.loads(audit_runs[-1]["stdout"])
    findings = [f for f in report["findings"] if f["id"] == "deps.vulnerable"]
    size = sum(f.stat().st_size for f in (cache / "index").glob("*.idx")) / 1e6
    return index_runs, audit_runs, findings, size


def reference(parsed, project_dir, report):
    """Compares the report's requirement-file and Cargo.lock findings with a reference
    evaluation; returns (PyPI versions, crate versions, disagreements)."""
    import functools
    import re
    import tomllib

    import semver
    from packaging.version import InvalidVersion, Version

    def pep440(text):
        try:
            return Version(str(text))
        except InvalidVersion:
            return None

    def cargo(text):
        try:
            return semver.Version.parse(str(text))
        except ValueError:
            return None

    def affected(entry, version, parse):
        if any(parse(v) is not None and parse(v) == version for v in entry.get("versions") or []):
            return True
        for r in entry.get("ranges") or []:
            if r.get("type") not in ("ECOSYSTEM", "SEMVER"):
                continue
            events = []
            for event in r.get("events") or []:
                kind, value = next(iter(event.items()))
                at = None if kind == "introduced" and str(value) == "0" else parse(value)
                if at is None and not (kind == "introduced" and str(value) == "0"):
                    break
                events.append((at, kind))
            else:
                order = functools.cmp_to_key(
                    lambda a, b: (a[0] is not None) - (b[0] is not None)
                    if a[0] is None or b[0] is None
                    else (a[0] > b[0]) - (a[0] < b[0])
                )
                hit = False
                for at, kind in sorted(events, key=order):
                    if kind == "introduced" and (at is None or at <= version):
                        hit = True
                    elif kind == "fixed" and at <= version:
                        hit = False
                    elif kind == "last_affected" and at < version:
                        hit = False
                    elif kind == "limit" and at <= version:
                        hit = False
                        break
                if hit:
                    return True
        return False

    def norm_py(name):
        return re.sub(r"[-_.]+", "-", name).lower()

    def norm_crate(name):
        return name.lower().replace("_", "-")

    by_package = {}
    for record in parsed:
        if record.get("withdrawn"):
            continue
        for entry in record["affected"]:
            package = entry.get("package") or {}
            ecosystem = str(package.get("ecosystem", "")).split(":")[0]
            if ecosystem == "PyPI":
                key = ("PyPI", norm_py(package["name"]))
            elif ecosystem == "crates.io":
                key = ("crates", norm_crate(package["name"]))
            else:
                continue
            by_package.setdefault(key, []).append((record["id"], entry))

    expected = {}
    for path in sorted(project_dir.rglob("requirements.txt")):
        rel = str(path.relative_to(project_dir))
        for line, text in enumerate(path.read_text().splitlines(), 1):
            name, version = text.split("==")
            version = pep440(version)
            if version is None:
                continue
            ids = {i for i, e in by_package.get(("PyPI", norm_py(name)), []) if affected(e, version, pep440)}
            if ids:
                expected[(rel, line)] = ids
    pypi = len(expected)
    lock = project_dir / "Cargo.lock"
    if lock.exists():
        lines = [i + 1 for i, l in enumerate(lock.read_text().splitlines()) if l.startswith("name = ")]
        for package, line in zip(tomllib.loads(lock.read_text())["package"], lines):
            version = cargo(package["version"])
            if version is None:
                continue
            key = ("crates", norm_crate(package["name"]))
            ids = {i for i, e in by_package.get(key, []) if affected(e, version, cargo)}
            if ids:
                expected[("Cargo.lock", line)] = ids
    # A finding lists the records' ids and their aliases; the records' own ids are compared.
    record_ids = {r["id"] for r in parsed}
    found = {}
    for finding in report["findings"]:
        if finding["id"] == "deps.vulnerable" and (
            finding["path"].endswith("requirements.txt") or finding["path"] == "Cargo.lock"
        ):
            ids = set(finding["details"]["advisories"].split(", ")) & record_ids
            found[(finding["path"], finding["line"])] = ids
    differ = sum(1 for k in set(expected) | set(found) if expected.get(k) != found.get(k))
    return pypi, len(expected) - pypi, differ


def row(label, runs):
    walls = [r["wall"] for r in runs]
    return (
        f"| {label} | {len(runs)} | {statistics.median(walls) * 1000:.0f} ms | "
        f"{min(walls) * 1000:.0f}–{max(walls) * 1000:.0f} ms | "
        f"{statistics.median(r['cpu'] for r in runs) * 1000:.0f} ms | "
        f"{max(r['rss_mb'] for r in runs):.0f} MB |"
    )


def table(index_runs, audit_runs):
    return [
        "| step | runs | wall (median) | wall (range) | user+sys CPU (median) | peak RSS |",
        "|---|---|---|---|---|---|",
        row("index (`--reindex`: read every record, write the index, audit)", index_runs),
        row("audit (index reused)", audit_runs),
    ]


def main():
    if sys.argv[1] == "--scaled-zip":
        out, *dbs = sys.argv[2:]
        print(scaled_zip(advisories(dbs), Path(out)))
        return
    binary, *dbs = sys.argv[1:]
    work = Path(tempfile.mkdtemp(prefix="preflight-deps-bench-"))
    parsed = advisories(dbs)
    found = versions_by_package(parsed)
    counts = project(found, work / "project")
    db_args = [arg for db in dbs for arg in ("--db", db)]
    index_runs, audit_runs, findings, size = measure(binary, work / "project", db_args, work / "cache")
    report = json.loads(audit_runs[-1]["stdout"])
    pypi, crates, differ = reference(parsed, work / "project", report)

    # The copies are written by a child process: a child forked from a parent that held them
    # would report the parent's memory as its own peak RSS.
    big = work / "scaled.zip"
    big_records = int(
        subprocess.run(
            [sys.executable, __file__, "--scaled-zip", str(big), *dbs],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    big_index, big_audit, big_findings, big_size = measure(
        binary, work / "project", ["--db", str(big)], work / "cache-scaled"
    )
    lines = [
        "## Database",
        "",
        *[f"- `{Path(db).name}`" for db in dbs],
        f"- {len(parsed)} records; {len(found)} packages with advisories; index {size:.1f} MB",
        "",
        "## Project",
        "",
        f"- {sum(counts.values())} packages: "
        + ", ".join(f"{n} {e}" for e, n in sorted(counts.items()))
        + " (real names and versions from the records; every one has advisories)",
        f"- {len(findings)} vulnerable package versions reported",
        f"- reference check (`packaging`, `semver`): {pypi} PyPI and {crates} crate versions vulnerable;"
        f" {differ} disagree with preflight's findings or their advisory ids",
        "",
        "## Times",
        "",
        *table(index_runs, audit_runs),
        "",
        f"## At the scale of the full exports: {big_records} records ({SCALE} renamed copies)",
        "",
        f"- index {big_size:.1f} MB; the same project; {len(big_findings)} vulnerable package versions reported",
        "",
        *table(big_index, big_audit),
        "",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
