#!/usr/bin/env bash
# Benchmarks `preflight deps` on a real advisory database: indexing time, audit time for a
# 2,000-package project once indexed, and memory. See bench/deps.py for what is measured.
#
#   bench/deps.sh DB [DB...]
#
# Each DB is a directory of OSV records (a checkout of a public advisory repository, such as the
# PyPI advisory database, or RustSec's `osv` branch) or an OSV `all.zip` export. Reading YAML
# records needs PyYAML, and the reference check `packaging` and `semver` (`pip install pyyaml
# packaging semver`). The results go to bench/results/<date>-deps.md.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bench/deps.sh DB [DB...]" >&2; exit 2; }
source bench/machine.sh
cargo build --release -p preflight >&2
results="bench/results/$(date +%F)-deps.md"
before=$(load_average)
body=$(python3 bench/deps.py target/release/preflight "$@")
after=$(load_average)
{
  echo "# \`preflight deps\`: indexing and auditing"
  echo
  echo "Run on $(date +%F) with \`bench/deps.sh\`."
  echo
  echo "## Machine"
  echo
  machine_section "$before" "$after"
  echo
  echo "$body"
} | tee "$results"
