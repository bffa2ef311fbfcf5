# Shared by the git benchmarks (history.sh, staged.sh): the two programs they time and the
# versions they report.

# kingfisher_binary VENV: installs Kingfisher (package kingfisher-bin) into the Python virtual
# environment VENV if it is missing, and prints the path of the native binary. The package's
# entry point is a Python launcher; the binary it starts is what gets timed.
kingfisher_binary() {
  local venv=$1
  if [ ! -x "$venv/bin/kingfisher" ]; then
    printf '\n== installing kingfisher-bin into %s\n' "$venv" >&2
    python3 -m venv "$venv" || return 1
    "$venv/bin/pip" install --quiet kingfisher-bin || return 1
  fi
  local binary
  binary=$(ls "$venv"/lib/python3*/site-packages/kingfisher/bin/kingfisher 2>/dev/null | sed -n 1p)
  echo "${binary:-$venv/bin/kingfisher}"
}

# preflight_binary: builds preflight in release mode and prints the binary's path.
preflight_binary() {
  printf '\n== building preflight (release)\n' >&2
  cargo build --release --quiet -p preflight || return 1
  echo "${CARGO_TARGET_DIR:-target}/release/preflight"
}

# versions_section PREFLIGHT KINGFISHER: the "Versions" lines of a results file.
versions_section() {
  echo "- $("$1" --version 2>/dev/null || echo "preflight (version unknown)") at commit $(git rev-parse --short HEAD)"
  echo "- $("$2" --version 2>/dev/null | sed -n 1p)"
}
