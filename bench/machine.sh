# Shared by the benchmark scripts: the "Machine" section of a results file, so that every
# result says what it ran on and how busy the machine was.

# load_average: the 1, 5 and 15 minute load averages, or "unknown".
load_average() {
  cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown
}

# machine_section LOAD_BEFORE LOAD_AFTER: prints the section's lines (without its heading).
machine_section() {
  echo "- CPU: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1), $(nproc) cores available"
  echo "- Memory: $(free -g 2>/dev/null | awk '/^Mem:/ { print $2 " GiB" }')"
  echo "- OS: $(uname -sr)"
  echo "- Load average (1, 5, 15 min) before the runs: $1; after: $2." \
    "Other work on the machine competes for the cores and inflates wall times; CPU times are" \
    "much less affected."
}
