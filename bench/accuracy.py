"""Scores secret scanners on the accuracy suite's labelled corpus.

    python3 bench/accuracy.py EXPECTED_TOML TOOL=KIND:REPORT [TOOL=KIND:REPORT ...] [--markdown OUT]

KIND is the report's format: `preflight` (preflight's JSON report), `kingfisher` (Kingfisher's
JSON report) or `detect-secrets` (detect-secrets' baseline JSON). Paths in every report must be
relative to the corpus root (the scripts run each tool from there).

Every tool is scored the same way, by line, so that rule names (which differ between tools) do
not matter: a labelled secret counts as found when the tool reports anything on its file and
line; a reported line that carries no secret label is a false positive (counted in the category
of the hard negative on that line, else under "unlabelled"); a line labelled `optional` (the
second part of a credential pair) counts neither way. preflight's own test
(crates/preflight-secrets/tests/accuracy.rs) is stricter: there, a finding must also come from
the labelled rule or provider.

Prints per category and overall: expected, true and false positives, recall, precision, F1 and
how many hard negatives stayed quiet, then the first tool's misses and false positives by file
and line; with --markdown, also writes all of it to OUT.
"""

import json
import sys
import tomllib
from collections import defaultdict


def load_labels(path):
    with open(path, "rb") as f:
        manifest = tomllib.load(f)
    return manifest["categories"], manifest.get("secret", []), manifest.get("negative", [])


def preflight_lines(report):
    return {(f["path"], int(f["line"])) for f in report.get("findings", []) if f.get("line")}


def kingfisher_lines(report):
    found = set()
    for item in report.get("findings", []):
        finding = item.get("finding", {})
        if finding.get("path") and finding.get("line"):
            found.add((finding["path"], int(finding["line"])))
    return found


def detect_secrets_lines(report):
    return {
        (path, int(r["line_number"]))
        for path, results in report.get("results", {}).items()
        for r in results
    }


READERS = {
    "preflight": preflight_lines,
    "kingfisher": kingfisher_lines,
    "detect-secrets": detect_secrets_lines,
}


def normalise(path):
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def score(categories, secrets, negatives, reported):
    """Counts per category: expected, tp, fp, negatives, quiet."""
    counts = {c: defaultdict(int) for c in categories}
    counts["unlabelled"] = defaultdict(int)
    labelled = {(s["file"], s["line"]) for s in secrets}
    negative_category = {(n["file"], n["line"]): n["category"] for n in negatives}
    for s in secrets:
        if s.get("optional"):
            continue
        c = counts.setdefault(s["category"], defaultdict(int))
        c["expected"] += 1
        if (s["file"], s["line"]) in reported:
            c["tp"] += 1
    for line in reported:
        if line in labelled:
            continue
        counts[negative_category.get(line, "unlabelled")]["fp"] += 1
    for n in negatives:
        c = counts[n["category"]]
        c["negatives"] += 1
        if (n["file"], n["line"]) not in reported:
            c["quiet"] += 1
    overall = defaultdict(int)
    for c in counts.values():
        for k, v in c.items():
            overall[k] += v
    counts["overall"] = overall
    return counts


def mistakes(secrets, negatives, reported):
    """The first tool's missed secrets and false-positive lines, as Markdown list items."""
    labelled = {(s["file"], s["line"]) for s in secrets}
    negative_category = {(n["file"], n["line"]): n["category"] for n in negatives}
    out = []
    for s in sorted(secrets, key=lambda s: (s["category"], s["file"], s["line"])):
        if not s.get("optional") and (s["file"], s["line"]) not in reported:
            out.append(f"- missed: `{s['file']}:{s['line']}` ({s['category']})")
    for file, line in sorted(reported - labelled):
        category = negative_category.get((file, line), "unlabelled")
        out.append(f"- false positive: `{file}:{line}` ({category})")
    return out or ["- none"]


def ratio(part, whole):
    return part / whole if whole else 1.0


def metrics(c):
    tp, fp, expected = c["tp"], c["fp"], c["expected"]
    recall = ratio(tp, expected)
    precision = ratio(tp, tp + fp)
    f1 = ratio(2 * tp, 2 * tp + fp + (expected - tp))
    return recall, precision, f1


def tool_table(counts):
    rows = ["| category | expected | tp | fp | recall | precision | F1 | negatives quiet |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, c in counts.items():
        if name == "unlabelled" and not c["fp"]:
            continue
        r, p, f1 = metrics(c)
        label = f"**{name}**" if name == "overall" else name
        quiet = f"{c['quiet']}/{c['negatives']}" if c["negatives"] else "-"
        rows.append(f"| {label} | {c['expected']} | {c['tp']} | {c['fp']} | {r:.3f} | {p:.3f} | {f1:.3f} | {quiet} |")
    return "\n".join(rows)


def side_by_side(all_counts):
    tools = list(all_counts)
    head = "| category | " + " | ".join(f"{t} R / P / F1" for t in tools) + " |"
    rule = "| --- |" + " ---: |" * len(tools)
    rows = [head, rule]
    names = [n for n in next(iter(all_counts.values())) if n not in ("unlabelled", "overall")]
    for name in names + ["overall"]:
        cells = []
        for t in tools:
            c = all_counts[t][name]
            if not c["expected"]:
                cells.append(f"{c['fp']} fp ({c['quiet']}/{c['negatives']} quiet)")
                continue
            r, p, f1 = metrics(c)
            cells.append(f"{r:.2f} / {p:.2f} / **{f1:.2f}**" if name == "overall" else f"{r:.2f} / {p:.2f} / {f1:.2f}")
        label = f"**{name}**" if name == "overall" else name
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv):
    markdown = None
    if "--markdown" in argv:
        i = argv.index("--markdown")
        markdown = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    if len(argv) < 2:
        sys.exit(__doc__)
    categories, secrets, negatives = load_labels(argv[0])
    all_counts = {}
    first_reported = None
    for spec in argv[1:]:
        tool, rest = spec.split("=", 1)
        kind, report_path = rest.split(":", 1)
        with open(report_path, encoding="utf-8") as f:
            report = json.load(f)
        reported = {(normalise(p), line) for p, line in READERS[kind](report)}
        all_counts[tool] = score(categories, secrets, negatives, reported)
        if first_reported is None:
            first_reported = (tool, reported)
    out = ["## Side by side (recall / precision / F1 per category)", "", side_by_side(all_counts), ""]
    for tool, counts in all_counts.items():
        out += [f"## {tool}", "", tool_table(counts), ""]
    tool, reported = first_reported
    out += [f"## What {tool} misses and reports wrongly", ""] + mistakes(secrets, negatives, reported) + [""]
    text = "\n".join(out)
    print(text)
    if markdown:
        with open(markdown, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
