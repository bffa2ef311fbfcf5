#!/usr/bin/env python3
"""Prints every preflight rule keyword, one a line, for the ripgrep baseline.

  keywords.py PREFLIGHT_BINARY RULES_DIR

Asks the binary (`preflight rules list --format json`) and falls back to the rule files'
`keywords` when the binary cannot say.
"""

import json
import subprocess
import sys
import tomllib
from pathlib import Path


def collect(value, found):
    """Gathers the strings of every `keywords` array anywhere in a JSON or TOML document."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "keywords" and isinstance(inner, list):
                found.update(word for word in inner if isinstance(word, str) and word)
            else:
                collect(inner, found)
    elif isinstance(value, list):
        for inner in value:
            collect(inner, found)


def from_binary(binary):
    try:
        listed = subprocess.run([binary, "rules", "list", "--format", "json"],
                                capture_output=True, check=True, timeout=60)
        found = set()
        collect(json.loads(listed.stdout), found)
        return found
    except (OSError, subprocess.SubprocessError, ValueError):
        return set()


def from_files(rules_dir):
    found = set()
    for path in sorted(Path(rules_dir).glob("**/*.toml")):
        collect(tomllib.loads(path.read_text()), found)
    return found


def main():
    binary, rules_dir = sys.argv[1:3]
    keywords = from_binary(binary) or from_files(rules_dir)
    for keyword in sorted(keywords, key=str.lower):
        print(keyword)


if __name__ == "__main__":
    main()
