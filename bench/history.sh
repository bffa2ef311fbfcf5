#!/usr/bin/env bash
# Benchmarks preflight's git history scan against Kingfisher's on the same repository, in one run.
#
#   bench/history.sh REPO [REPETITIONS] [NAME]     (default: 3 repetitions, NAME from REPO)
#
# REPO is any git repository, bare or not (for example a mirror of a project with a long
# history); it is only read. Builds preflight in release mode, installs Kingfisher into
# bench/work/venv if missing (as bench/run.sh does), warms the page cache with the repository's
# object files, then runs the two scans REPETITIONS times each, taking turns, and prints the
# medians (wall, CPU, peak RSS), the blobs and bytes scanned and the ratios. The tables are
# written to bench/results/<date>-history-<NAME>.md. Nothing here is used by the test suite.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: bench/history.sh REPO [REPETITIONS] [NAME]" >&2
  exit 2
fi
repo=$(cd "$1" && pwd)
reps=${2:-3}
name=${3:-$(basename "$repo" .git)}
cd "$(dirname "$0")/.."
. bench/machine.sh
. bench/tools.sh
work=bench/work
venv=$work/venv
results=$work/results-history-$name.jsonl
mkdir -p "$work" bench/results
say() { printf '\n== %s\n' "$*" >&2; }

git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || { echo "$repo is not a git repository" >&2; exit 2; }

# --- the two programs ------------------------------------------------------------------------
kingfisher=$(kingfisher_binary "$venv")
preflight=$(preflight_binary)

# --- the repository: what there is to scan ---------------------------------------------------
git_dir=$(git -C "$repo" rev-parse --absolute-git-dir)
say "warming the page cache ($git_dir/objects)"
find "$git_dir/objects" -type f -print0 | xargs -0 cat > /dev/null
commits=$(git -C "$repo" rev-list --all --count)
# preflight's own count of what it scanned: every distinct blob reachable from any reference.
# (It exits with status 1 when it reports findings, as it will on any real history.)
stats=$({ "$preflight" scan --git --format json --quiet "$repo" || true; } | python3 -c '
import json, sys
stats = json.load(sys.stdin)["stats"]
print(stats["scanned"], stats["bytes"], stats["skipped"])')
read -r blobs bytes skipped <<< "$stats"
# Kingfisher compiles and caches its rules on its first run; that one-off cost is not measured.
warmup=$work/history-warmup.py
echo 'DEBUG = False' > "$warmup"
"$kingfisher" scan --no-validate --no-update-check --git-history none --quiet --format json \
  "$warmup" >/dev/null 2>&1 || true

preflight_cmd=("$preflight" scan --git --format json "$repo")
kingfisher_cmd=("$kingfisher" scan --no-validate --no-update-check --git-history full --quiet
  --format json "$repo")

# --- measure, taking turns -------------------------------------------------------------------
: > "$results"
load_before=$(load_average)
measure() { python3 bench/measure.py run "$results" "$@"; }
group="history of $name"
say "measuring, $reps repetitions each"
for _ in $(seq "$reps"); do
  measure "$group" preflight "$bytes" 1 -- "${preflight_cmd[@]}"
  measure "$group" kingfisher "$bytes" 1 -- "${kingfisher_cmd[@]}"
done
load_after=$(load_average)

# --- the report ------------------------------------------------------------------------------
ratio=$(python3 - "$results" <<'EOF'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    record = json.loads(line)
    runs.setdefault(record["tool"], []).extend(record["runs"])
med = {tool: {key: statistics.median(r[key] for r in rs) for key in ("wall", "cpu", "rss")}
       for tool, rs in runs.items()}
p, k = med["preflight"], med["kingfisher"]
print(f"- preflight's wall throughput is **{k['wall'] / p['wall']:.2f}x** Kingfisher's "
      f"(median {p['wall']:.2f} s against {k['wall']:.2f} s); CPU {k['cpu'] / p['cpu']:.2f}x less "
      f"({p['cpu']:.2f} s against {k['cpu']:.2f} s); peak RSS {p['rss'] / 2**20:.0f} MiB against "
      f"{k['rss'] / 2**20:.0f} MiB ({p['rss'] / k['rss']:.2f}x Kingfisher's).")
EOF
)
out=bench/results/$(date +%F)-history-$name.md
{
  echo "# History benchmark, $(date +%F), $name"
  echo
  echo "Produced by \`bench/history.sh REPO $reps $name\` (medians of $reps runs each, taking turns)."
  echo
  echo "## Machine"
  echo
  machine_section "$load_before" "$load_after"
  echo
  echo "## Repository"
  echo
  echo "- $name: $commits commits; preflight scanned $blobs distinct blobs, $bytes bytes" \
    "($skipped skipped), every blob reachable from any reference, once each"
  echo "- Object files (packs, page cache warm): $(du -sh "$git_dir/objects" | cut -f1)"
  echo
  echo "## Versions"
  echo
  versions_section "$preflight" "$kingfisher"
  echo
  echo "## Results"
  echo
  echo "$ratio"
  echo
  # The repository's location on this machine means nothing elsewhere.
  python3 bench/measure.py report "$results" | sed "s|$repo|REPO|g"
} > "$out"
cat "$out"
say "written to $out"
