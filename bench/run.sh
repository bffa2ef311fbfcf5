#!/usr/bin/env bash
# Benchmarks preflight against its peers on the same corpus, in one run.
#
#   bench/run.sh [full|small] [REPETITIONS]     (defaults: full 3)
#
# Builds the corpus from ../shared/bench/corpus.sh into bench/corpus/<size>, installs the peers
# into bench/work if missing, builds preflight in release mode, warms the page cache, measures
# every tool REPETITIONS times, prints the tables and writes them to
# bench/results/<date>-<size>.md. See bench/README.md for how to read them.
# Nothing here is used by the test suite.
set -euo pipefail

cd "$(dirname "$0")/.."
. bench/machine.sh
size=${1:-full}
reps=${2:-3}
case $size in full | small) ;; *) echo "usage: bench/run.sh [full|small] [REPETITIONS]" >&2; exit 2 ;; esac

corpus=bench/corpus/$size
work=bench/work
venv=$work/venv
results=$work/results-$size.jsonl
mkdir -p "$work" bench/results
say() { printf '\n== %s\n' "$*" >&2; }

# --- (a) the corpus --------------------------------------------------------------------------
if [ ! -d "$corpus/pypi" ] || { [ "$size" = full ] && [ ! -d "$corpus/crates" ]; }; then
  say "building the $size corpus in $corpus (downloads ~1.4 GB for full)"
  mkdir -p "$corpus"
  # corpus.sh vendors crates with cargo in $corpus/.dl; inside this repository cargo would take
  # it for an undeclared member of our workspace. A workspace manifest at the corpus root claims
  # it first; it is removed again so it is not part of the measured bytes.
  printf '[workspace]\nmembers = [".dl/cratesws"]\n' > "$corpus/Cargo.toml"
  trap 'rm -f "$corpus/Cargo.toml" "$corpus/Cargo.lock"' EXIT
  ../shared/bench/corpus.sh "$corpus" "$size"
  rm -f "$corpus/Cargo.toml" "$corpus/Cargo.lock"
fi
corpus_bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
corpus_files=$(find "$corpus" -type f | wc -l)

# --- (b) the peers ---------------------------------------------------------------------------
if [ ! -x "$venv/bin/detect-secrets" ] || [ ! -x "$venv/bin/kingfisher" ]; then
  say "installing kingfisher-bin and detect-secrets into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet kingfisher-bin detect-secrets
fi
# The wheel's entry point is a Python launcher; time the native binary it starts.
kingfisher=$(ls "$venv"/lib/python3*/site-packages/kingfisher/bin/kingfisher 2>/dev/null | head -n1)
kingfisher=${kingfisher:-$venv/bin/kingfisher}
if ! command -v rg >/dev/null; then
  say "installing ripgrep"
  if command -v apt-get >/dev/null && apt-get install -y ripgrep >/dev/null 2>&1; then :; else
    "$venv/bin/pip" install --quiet ripgrep
    PATH=$PWD/$venv/bin:$PATH
  fi
fi

# --- (c) preflight, release build ------------------------------------------------------------
say "building preflight (release)"
cargo build --release --quiet -p preflight
preflight=${CARGO_TARGET_DIR:-target}/release/preflight

# The ripgrep baseline searches for every rule keyword, as preflight's prefilter must.
keywords=$work/keywords.txt
python3 bench/keywords.py "$preflight" crates/preflight-rules/data/rules > "$keywords"
[ -s "$keywords" ] || { echo "no rule keywords found" >&2; exit 1; }

# The pre-commit case: one 2 KB configuration file.
precommit=$work/precommit/settings.py
mkdir -p "$(dirname "$precommit")"
python3 - "$precommit" <<'EOF'
import sys
lines = ["# Django settings for a small shop.", "import os", "",
         "DEBUG = os.environ.get('DEBUG') == '1'",
         "ALLOWED_HOSTS = ['shop.example.com']",
         "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'shop'}}"]
n = 0
while sum(len(line) + 1 for line in lines) < 2048 - 40:
    lines.append(f"FEATURE_FLAG_{n} = os.environ.get('FEATURE_FLAG_{n}', 'off')")
    n += 1
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
EOF

# --- (d) warm the page cache, and each tool's own caches (Kingfisher compiles its rules once) --
say "warming the page cache ($corpus_files files, $corpus_bytes bytes)"
find "$corpus" -type f -print0 | xargs -0 cat > /dev/null

preflight_cmd=("$preflight" scan --format json -o /dev/null)
kingfisher_cmd=("$kingfisher" scan --no-validate --no-update-check --git-history none --quiet
  --format json -o /dev/null)
rg_cmd=(rg --hidden --ignore-case --fixed-strings --count-matches -f "$keywords")
detect_cmd=("$venv/bin/detect-secrets" scan --all-files)
"${preflight_cmd[@]}" "$precommit" >/dev/null 2>&1 || true
"${kingfisher_cmd[@]}" "$precommit" >/dev/null 2>&1 || true

# --- (e, f) measure --------------------------------------------------------------------------
: > "$results"
load_before=$(load_average)
measure() { python3 bench/measure.py run "$results" "$@"; }
group="$size corpus"
say "measuring, $reps repetitions each"
# Repetitions are interleaved (preflight, Kingfisher, ripgrep, preflight, ...) so a change in
# the machine's load while the benchmark runs falls on every tool alike.
for _ in $(seq "$reps"); do
  measure "$group" preflight "$corpus_bytes" 1 -- "${preflight_cmd[@]}" "$corpus"
  measure "$group" kingfisher "$corpus_bytes" 1 -- "${kingfisher_cmd[@]}" "$corpus"
  measure "$group" ripgrep "$corpus_bytes" 1 -- "${rg_cmd[@]}" "$corpus"
done

# detect-secrets is single-threaded Python and takes many minutes on the full corpus, so there
# it runs once, on the part of the full corpus that is the small corpus (the same packages),
# against preflight on the same part. On the small corpus it runs like the others.
if [ "$size" = full ]; then
  subset=("$corpus"/pypi/Django "$corpus"/pypi/ansible-core "$corpus"/pypi/botocore
    "$corpus"/npm/typescript@5.7.2 "$corpus"/npm/three@0.171.0)
  subset_bytes=$(find "${subset[@]}" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
  measure "small-corpus packages" preflight "$subset_bytes" "$reps" -- "${preflight_cmd[@]}" "${subset[@]}"
  measure "small-corpus packages" detect-secrets "$subset_bytes" 1 -- "${detect_cmd[@]}" "${subset[@]}"
else
  measure "$group" detect-secrets "$corpus_bytes" "$reps" -- "${detect_cmd[@]}" "$corpus"
fi

precommit_bytes=$(stat -c %s "$precommit")
for _ in $(seq 10); do
  measure "pre-commit, one file" preflight "$precommit_bytes" 1 -- "${preflight_cmd[@]}" "$precommit"
  measure "pre-commit, one file" kingfisher "$precommit_bytes" 1 -- "${kingfisher_cmd[@]}" "$precommit"
done

load_after=$(load_average)

# --- the report ------------------------------------------------------------------------------
out=bench/results/$(date +%F)-$size.md
{
  echo "# Benchmark, $(date +%F), $size corpus"
  echo
  echo "Produced by \`bench/run.sh $size $reps\` (medians of $reps runs; 10 for the pre-commit case)."
  echo
  echo "## Machine"
  echo
  machine_section "$load_before" "$load_after"
  echo "- Corpus: $corpus_files files, $corpus_bytes bytes ($(du -sh "$corpus" | cut -f1) on disk), page cache warm"
  echo
  echo "## Versions"
  echo
  echo "- $("$preflight" --version 2>/dev/null || echo "preflight (version unknown)") at commit $(git rev-parse --short HEAD)"
  echo "- $("$kingfisher" --version 2>/dev/null | head -n1)"
  echo "- detect-secrets $("$venv/bin/detect-secrets" --version 2>/dev/null)"
  echo "- $(rg --version | head -n1)"
  echo "- ripgrep searched $(wc -l < "$keywords") rule keywords"
  echo
  echo "## Results"
  echo
  python3 bench/measure.py report "$results"
} > "$out"
cat "$out"
say "written to $out"
