#!/usr/bin/env bash
# Measures the accuracy of preflight, Kingfisher and detect-secrets on the accuracy suite's
# labelled corpus (crates/preflight-secrets/tests/accuracy/), in one run.
#
#   bench/accuracy.sh
#
# Installs the peers into bench/work/venv if missing (Kingfisher from the package
# kingfisher-bin, detect-secrets), builds preflight in release mode, copies the corpus to a
# temporary directory outside this repository (so no tool applies this repository's ignore
# files or preflight.toml, which allowlists the corpus), runs every tool on the copy with its
# default rules and no network validation, and scores each by file and line with
# bench/accuracy.py: a labelled secret is found when the tool reports anything on its line, and
# every other line it reports is a false positive. Prints the tables and writes them to
# bench/results/<date>-accuracy.md. Nothing here is used by the test suite.
set -euo pipefail

cd "$(dirname "$0")/.."
. bench/machine.sh
. bench/tools.sh

suite=crates/preflight-secrets/tests/accuracy
work=bench/work
venv=$work/venv
out=$work/accuracy
mkdir -p "$out" bench/results
say() { printf '\n== %s\n' "$*" >&2; }

kingfisher=$(kingfisher_binary "$venv")
if [ ! -x "$venv/bin/detect-secrets" ]; then
  say "installing detect-secrets into $venv"
  "$venv/bin/pip" install --quiet detect-secrets
fi
preflight=$(preflight_binary)
root=$PWD
# The tools run from the corpus copy, so every path they are given is absolute.
absolute() { case $1 in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }
kingfisher=$(absolute "$kingfisher")
preflight=$(absolute "$preflight")

corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp -R "$suite/corpus/." "$corpus/"
load_before=$(load_average)

# Each tool runs from the corpus root so that every report names files relative to it. Exit
# statuses are ignored: each tool exits non-zero when it finds something, which it will.
say "preflight"
(cd "$corpus" && "$preflight" scan --format json -o "$root/$out/preflight.json" . >/dev/null 2>"$root/$out/preflight.err") || true
say "Kingfisher"
# --no-dedup reports every location of a secret (the default reports a value once).
(cd "$corpus" && "$kingfisher" scan --no-validate --no-update-check --git-history none --no-dedup \
  --format json -o "$root/$out/kingfisher.json" . >/dev/null 2>"$root/$out/kingfisher.err") || true
say "detect-secrets"
(cd "$corpus" && "$root/$venv/bin/detect-secrets" scan --all-files . >"$root/$out/detect-secrets.json" 2>"$root/$out/detect-secrets.err") || true
load_after=$(load_average)

for report in preflight kingfisher detect-secrets; do
  [ -s "$out/$report.json" ] || { echo "$report wrote no report; see $out/$report.err" >&2; exit 1; }
done

tables=$out/tables.md
python3 bench/accuracy.py "$suite/expected.toml" \
  "preflight=preflight:$out/preflight.json" \
  "Kingfisher=kingfisher:$out/kingfisher.json" \
  "detect-secrets=detect-secrets:$out/detect-secrets.json" \
  --markdown "$tables"

labels=$(python3 -c 'import sys, tomllib; m = tomllib.load(open(sys.argv[1], "rb")); s = m.get("secret", []); print(len([x for x in s if not x.get("optional")]), len(m.get("negative", [])), len({x["file"] for x in s + m.get("negative", [])}))' "$suite/expected.toml")
read -r secrets negatives files <<<"$labels"
corpus_files=$(find "$suite/corpus" -type f | wc -l)

result=bench/results/$(date -u +%F)-accuracy.md
{
  echo "# Accuracy: preflight, Kingfisher and detect-secrets on the labelled corpus"
  echo
  echo "\`bench/accuracy.sh\`, $(date -u '+%F %H:%M UTC')."
  echo
  echo "## Corpus"
  echo
  echo "\`$suite/corpus\`: $corpus_files realistic project files (settings modules, \`.env\` files,"
  echo "Maven \`settings.xml\`, Tomcat users, \`redis.conf\`, \`.npmrc\`, GitHub CLI \`hosts.yml\`,"
  echo "\`appsettings.json\`, Dockerfiles, shell scripts, Terraform, Kubernetes and Helm YAML, Java, Go,"
  echo "Rust, JavaScript, TypeScript, Ruby, Python, key files) with $secrets labelled secrets and"
  echo "$negatives labelled hard negatives. Secrets are synthetic: random values of each provider's"
  echo "alphabet and length, with valid checksums where the provider has one (GitHub and npm CRC32)."
  echo "Categories: \`providers\` (provider credentials of a documented shape), \`fallback\` (defaults"
  echo "in \`os.getenv\`, \`config(..., default=)\`, \`process.env.X || ...\`, \`ENV.fetch\`), \`positional\`"
  echo "(credentials passed to clients, commands, connection strings, XML elements, credential files),"
  echo "\`django\` (Django secret keys under any name), \`key-ids\` (AWS and Twilio key ids alone or"
  echo "first in a pair), \`generic\` (signing and encryption keys, hex or base64), \`private-keys\` (PEM"
  echo "in files, JSON strings, YAML block scalars, concatenated strings; OpenSSH, PuTTY, encrypted"
  echo "PKCS#8) and \`not-secrets\` (negatives only: pagination tokens, ARNs, prose, type annotations,"
  echo "instructional placeholders)."
  echo
  echo "## How it is scored"
  echo
  echo "Each tool scans a copy of the corpus with its default rules and no network validation"
  echo "(Kingfisher with \`--no-dedup\`, so that it reports every location rather than every value"
  echo "once; detect-secrets with \`--all-files\`). Scoring is by line for every tool: a labelled secret"
  echo "is found when the tool reports anything on its file and line; any other line it reports is a"
  echo "false positive, counted in the category of the hard negative on that line or else as"
  echo "\"unlabelled\"; the second line of a credential pair may be reported or not. Recall = found /"
  echo "labelled, precision = found / (found + false positives), F1 = 2TP / (2TP + FP + FN). preflight's"
  echo "test (\`cargo test -p preflight-secrets --test accuracy\`) also requires the finding to come from"
  echo "the labelled rule or provider, and asserts F1 >= 0.95 overall and >= 0.85 per category."
  echo
  echo "The corpus is written for preflight's suite, so it is not neutral ground: its categories are"
  echo "the classes preflight is being built to cover, and the peers were never tuned on it."
  echo
  cat "$tables"
  echo "## Versions"
  echo
  versions_section "$preflight" "$kingfisher"
  echo "- detect-secrets $("$venv/bin/detect-secrets" --version 2>/dev/null)"
  echo
  echo "## Machine"
  echo
  machine_section "$load_before" "$load_after"
} >"$result"
say "wrote $result"
