#!/usr/bin/env python3
"""Measures commands and writes the comparison table; used by bench/run.sh.

  measure.py run  RESULTS GROUP TOOL BYTES REPS -- COMMAND...   append REPS timed runs to RESULTS
  measure.py report RESULTS                                      print the Markdown tables

Runs recorded by several calls for the same group and tool are reported together, so a caller
can interleave the tools' repetitions.

Each run's wall time comes from a monotonic clock around the child; its user and system CPU time
and its peak resident set size come from wait4(2), so they cover the process and every
descendant it waited for. Standard output goes to a file under bench/work/logs (never
/dev/null, which some tools detect and use to stop early), standard error beside it.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

LOGS = Path(__file__).resolve().parent / "work" / "logs"


def run_once(command, label):
    LOGS.mkdir(parents=True, exist_ok=True)
    with open(LOGS / f"{label}.out", "wb") as out, open(LOGS / f"{label}.err", "wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "rss": usage.ru_maxrss * 1024,  # Linux reports KiB
        "exit": child.returncode,
    }


def cmd_run(args):
    results, group, tool, size, reps = args[:5]
    if args[5] != "--":
        sys.exit("usage: measure.py run RESULTS GROUP TOOL BYTES REPS -- COMMAND...")
    command = args[6:]
    label = f"{group}-{tool}".replace(" ", "_").replace("/", "_")
    runs = []
    for index in range(int(reps)):
        run = run_once(command, label)
        runs.append(run)
        print(
            f"  {group:<22} {tool:<16} run {index + 1}/{reps}: {run['wall']:8.3f}s wall, "
            f"{run['cpu']:8.3f}s cpu, {run['rss'] / 2**20:7.1f} MiB, exit {run['exit']}",
            file=sys.stderr,
        )
    record = {"group": group, "tool": tool, "bytes": int(size), "command": command, "runs": runs}
    with open(results, "a") as out:
        out.write(json.dumps(record) + "\n")


def median(runs, key):
    return statistics.median(run[key] for run in runs)


def throughput(size, seconds):
    if size >= 10**6:
        return f"{size / seconds / 10**6:.1f} MB/s"
    return "-"


def cmd_report(args):
    records = [json.loads(line) for line in open(args[0]) if line.strip()]
    # Runs of one tool in one group may come from several calls (interleaved repetitions).
    groups = {}
    for record in records:
        rows = groups.setdefault(record["group"], [])
        same = next((row for row in rows if row["tool"] == record["tool"]), None)
        if same:
            same["runs"].extend(record["runs"])
        else:
            rows.append(record)
    for group, rows in groups.items():
        base = next((row for row in rows if row["tool"] == "preflight"), None)
        size = rows[0]["bytes"]
        shown = f"{size / 10**6:.1f} MB" if size >= 10**6 else f"{size} bytes"
        print(f"### {group} ({shown})\n")
        print("| tool | runs | wall (median) | user+sys CPU | peak RSS | throughput "
              "| wall vs preflight | CPU vs preflight | RSS vs preflight | exit |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows:
            runs = row["runs"]
            wall, cpu, rss = median(runs, "wall"), median(runs, "cpu"), median(runs, "rss")
            if base:
                bw, bc, br = median(base["runs"], "wall"), median(base["runs"], "cpu"), median(base["runs"], "rss")
                ratios = f"{wall / bw:.2f}x | {cpu / bc:.2f}x | {rss / br:.2f}x"
            else:
                ratios = "- | - | -"
            exits = ",".join(sorted({str(run["exit"]) for run in runs}))
            wall_shown = f"{wall * 1000:.0f} ms" if wall < 1 else f"{wall:.2f} s"
            cpu_shown = f"{cpu * 1000:.0f} ms" if cpu < 1 else f"{cpu:.2f} s"
            print(f"| {row['tool']} | {len(runs)} | {wall_shown} | {cpu_shown} | "
                  f"{rss / 2**20:.1f} MiB | {throughput(row['bytes'], wall)} | {ratios} | {exits} |")
        print()
        print("Commands:\n")
        for row in rows:
            print(f"- {row['tool']}: `{' '.join(row['command'])}`")
        print()


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("run", "report"):
        sys.exit(__doc__)
    {"run": cmd_run, "report": cmd_report}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
