#!/usr/bin/env bash
# Benchmarks the pre-commit case: `preflight scan --staged` against `kingfisher scan --staged`
# on a large repository with a typical commit staged (two files changed, one added).
#
#   bench/staged.sh [FILES] [REPETITIONS]     (default: 100000 files, 10 repetitions)
#
# Builds (once, under bench/work) a repository of FILES small Python files in 400 directories,
# committed, so that the index is as large as a big monorepo's; then stages the same small
# change before every run and takes turns running the two tools. Writes the medians and ratios
# to bench/results/<date>-staged.md. Nothing here is used by the test suite.
set -euo pipefail

files=${1:-100000}
reps=${2:-10}
cd "$(dirname "$0")/.."
. bench/machine.sh
. bench/tools.sh
work=bench/work
venv=$work/venv
repo=$work/staged-$files
results=$work/results-staged.jsonl
mkdir -p "$work" bench/results
say() { printf '\n== %s\n' "$*" >&2; }
git_in() {
  git -C "$repo" -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false "$@"
}

# --- the two programs ------------------------------------------------------------------------
kingfisher=$(kingfisher_binary "$venv")
preflight=$(preflight_binary)

# --- the repository --------------------------------------------------------------------------
if [ ! -d "$repo/.git" ]; then
  say "building a repository of $files files in $repo"
  rm -rf "$repo"
  mkdir -p "$repo"
  python3 - "$repo" "$files" <<'EOF'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
per_dir = max(1, count // 400)
for n in range(count):
    folder = os.path.join(root, "src", f"pkg{n // per_dir}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"mod{n % per_dir}.py"), "w") as out:
        out.write(f"# module {n}\nVALUE = {n}\n\n\ndef value():\n    return VALUE\n")
EOF
  git_in init -q
  git_in add -A
  git_in commit -q -m "initial import"
fi
tracked=$(git_in ls-files | wc -l)
first=$(git_in ls-files | sed -n 1p)
last=$(git_in ls-files | tail -n1)

# The commit under test: two files edited, one added, one of them with a credential-shaped
# line, staged afresh before each run (a run leaves the index as it found it anyway).
stage() {
  git_in reset -q --hard
  rm -f "$repo/src/settings_local.py"
  echo "TIMEOUT = 30" >> "$repo/$first"
  echo "RETRIES = 3" >> "$repo/$last"
  # A made-up credential that both scanners must report.
  printf 'DATABASE_URL = "postgres://app:Kx93hfQ0z2LmPq7@db.internal:5432/app"\n' > "$repo/src/settings_local.py" # preflight:allow
  git_in add "$first" "$last" src/settings_local.py
}

preflight_cmd=("$preflight" scan --staged --format json "$repo")
kingfisher_cmd=("$kingfisher" scan --staged --no-validate --no-update-check --quiet
  --format json "$repo")

# Warm-up: the page cache, and Kingfisher's one-off rule compilation.
stage
staged_bytes=$(cd "$repo" && cat "$first" "$last" src/settings_local.py | wc -c)
"${preflight_cmd[@]}" > /dev/null 2>&1 || true
"${kingfisher_cmd[@]}" > /dev/null 2>&1 || true

: > "$results"
load_before=$(load_average)
measure() { python3 bench/measure.py run "$results" "$@"; }
group="staged commit, $tracked tracked files"
say "measuring, $reps repetitions each"
for _ in $(seq "$reps"); do
  stage
  measure "$group" preflight "$staged_bytes" 1 -- "${preflight_cmd[@]}"
  stage
  measure "$group" kingfisher "$staged_bytes" 1 -- "${kingfisher_cmd[@]}"
done
load_after=$(load_average)
git_in reset -q --hard
rm -f "$repo/src/settings_local.py"

out=bench/results/$(date +%F)-staged.md
{
  echo "# Pre-commit benchmark, $(date +%F)"
  echo
  echo "Produced by \`bench/staged.sh $files $reps\` (medians of $reps runs each, taking turns)."
  echo
  echo "## Machine"
  echo
  machine_section "$load_before" "$load_after"
  echo
  echo "## Repository"
  echo
  echo "- $tracked tracked files in one commit; staged: two files edited (a line appended to" \
    "each) and one added, holding a database URL with a password"
  echo
  echo "## Versions"
  echo
  versions_section "$preflight" "$kingfisher"
  echo
  echo "## Results"
  echo
  python3 bench/measure.py report "$results" | sed "s|$repo|REPO|g"
} > "$out"
cat "$out"
say "written to $out"
