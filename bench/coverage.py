#!/usr/bin/env python3
"""Lists the providers each peer's public rule set names and preflight does not.

  coverage.py --kingfisher DIR --gitleaks DIR --noseyparker DIR [--preflight DIR]

Each DIR is a checkout of that tool's repository:

  git clone https://github.com/mongodb/kingfisher
  git clone https://github.com/gitleaks/gitleaks
  git clone https://github.com/praetorian-inc/noseyparker

--preflight defaults to the repository this script lives in. Only rule identifiers are read,
never patterns: Kingfisher's `data/rules/*.yml` (`id: kingfisher.<provider>.<n>`), Nosey
Parker's `crates/noseyparker/data/default/builtin/rules/*.yml` (`id: np.<provider>.<n>`),
gitleaks' `config/gitleaks.toml` (`id = "<provider>-<kind>"`), and preflight's
`crates/preflight-rules/data/rules/*.toml` (the file's `provider`, its name, and rule ids).
The YAML files are read by a small line reader for their `id:` lines, so the script needs
nothing beyond the standard library (Python 3.11 or later, for `tomllib`).

A provider name is normalised (lower case, everything but letters and digits removed) and
mapped through ALIASES, so `crates-io`, `cratesio` and `crates.io` are one provider and
`sendinblue` is `brevo`. gitleaks ids carry no separator between provider and credential kind,
so its provider is the longest leading part of the id that ALIASES names, else the shortest
leading part that any tool names, else the id with its trailing kind words (`api`, `key`,
`token`, ...) removed.

Prints totals (rules and providers per tool); per peer, the providers it names and preflight
does not, with that peer's rule count for each; the union of those over all peers, each with
the peers naming it; and the providers preflight has fewer rules for than some peer (a hint at
credential kinds still missing, or at identifiers the peer reports and preflight does not).
"""

import argparse
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

# Names that the tools spell differently for the same provider (normalised -> normalised).
ALIASES = {
    "adafruitio": "adafruit",
    "alibabacloud": "alibaba",
    "appsync": "aws",
    "arn": "aws",
    "asanaoauth": "asana",
    "azuredevops": "azure",
    "azureopenai": "azure",
    "azuresearch": "azure",
    "azurestorage": "azure",
    "blogger": "google",
    "boxcom": "box",
    "calorieninja": "calorieninjas",
    "cannyio": "canny",
    "checklyhq": "checkly",
    "ciscomeraki": "meraki",
    "closecrm": "close",
    "credentials": "generic",
    "curl": "http",
    "dailyco": "daily",
    "dockerhub": "docker",
    "droneci": "drone",
    "dtrack": "dependencytrack",
    "ecostruxureit": "ecostruxure",
    "fixerio": "fixer",
    "frame": "frameio",
    "ftp": "url",
    "gcp": "google",
    "gcs": "google",
    "geoipifi": "ipify",
    "googleoauth2": "google",
    "groovehq": "groove",
    "hashicorp": "hashicorpvault",
    "hashicorptf": "terraformcloud",
    "hereapi": "here",
    "jfrog": "artifactory",
    "jfrogartifactory": "artifactory",
    "jira": "atlassian",
    "krb5": "kerberos",
    "mailjetsms": "mailjet",
    "mandrill": "mailchimp",
    "microsoftteamswebhook": "microsoftteams",
    "msteams": "microsoftteams",
    "notify": "line",
    "nvapi": "nvidia",
    "octopusdeploy": "octopus",
    "odbc": "connectionstring",
    "opencagedata": "opencage",
    "particleio": "particle",
    "paydirtapp": "paydirt",
    "paymoapp": "paymo",
    "pem": "privatekey",
    "pkcs12": "privatekey",
    "privatekey": "privatekey",
    "privkey": "privatekey",
    "prospectcrm": "prospect365",
    "proxycrawl": "crawlbase",
    "pwhash": "htpasswd",
    "raven": "raventools",
    "reactapp": "generic",
    "s3": "aws",
    "sauce": "saucelabs",
    "scrutinizerci": "scrutinizer",
    "sendinblue": "brevo",
    "smartsheets": "smartsheet",
    "sonar": "sonarqube",
    "sonarcloud": "sonarqube",
    "sportsmonk": "sportmonks",
    "squareup": "square",
    "stitchdata": "stitch",
    "tatumio": "tatum",
    "teamworkcrm": "teamwork",
    "teamworkdesk": "teamwork",
    "teamworkspaces": "teamwork",
    "terraform": "terraformcloud",
    "tineswebhook": "tines",
    "transferwise": "wise",
    "travisci": "travis",
    "uri": "url",
    "vault": "hashicorpvault",
    "weakpassword": "generic",
    "worldweather": "worldweatheronline",
    "youneedabudget": "ynab",
    "youtube": "google",
    "zapierwebhook": "zapier",
    "zohocrm": "zoho",
}

# Trailing words of a gitleaks id that name the credential's kind, not its provider.
KIND_WORDS = {
    "access", "account", "api", "app", "auth", "bot", "client", "id", "key", "keys", "legacy", "long",
    "lived", "oauth", "org", "pat", "private", "pub", "public", "refresh", "secret", "service",
    "short", "signing", "token", "tokens", "url", "user", "webhook", "password",
}

ID_LINE = re.compile(r"^\s*(?:-\s+)?id:\s*['\"]?([A-Za-z0-9_.-]+)")


def normalise(name):
    """Lower case, letters and digits only, then the alias table."""
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    return ALIASES.get(key, key)


def yaml_ids(paths, prefix):
    """Rule ids starting with `prefix` on the `id:` lines of YAML files (line reader)."""
    ids = []
    for path in sorted(paths):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            print(f"warning: {path}: {error}", file=sys.stderr)
            continue
        for line in text.splitlines():
            found = ID_LINE.match(line)
            if found and found.group(1).startswith(prefix):
                ids.append(found.group(1))
    return ids


def dotted_providers(ids):
    """Counts rules per provider for ids shaped `<tool>.<provider>.<...>`."""
    return Counter(normalise(rule_id.split(".")[1]) for rule_id in ids if "." in rule_id)


def kingfisher(root):
    """Kingfisher's rules per provider."""
    return dotted_providers(yaml_ids((root / "data" / "rules").glob("*.yml"), "kingfisher."))


def noseyparker(root):
    """Nosey Parker's rules per provider."""
    rules = root / "crates" / "noseyparker" / "data" / "default" / "builtin" / "rules"
    return dotted_providers(yaml_ids(rules.glob("*.yml"), "np."))


def gitleaks_fallback(rule_id):
    """A gitleaks id without its trailing kind words (`defined-networking-api-token`)."""
    words = rule_id.lower().split("-")
    while len(words) > 1 and words[-1] in KIND_WORDS:
        words.pop()
    return normalise("".join(words))


def gitleaks_provider(rule_id, known):
    """The provider of a gitleaks id: its longest leading part that ALIASES names, else its
    shortest leading part that any tool names, else `gitleaks_fallback`."""
    words = rule_id.lower().split("-")
    for end in range(len(words), 0, -1):
        raw = "".join(words[:end])
        if raw in ALIASES:
            return ALIASES[raw]
    for end in range(1, len(words) + 1):
        candidate = normalise("".join(words[:end]))
        if candidate in known:
            return candidate
    return gitleaks_fallback(rule_id)


def read_toml(path):
    """A TOML file's table, or an empty one (with a warning naming the file) if it cannot be
    read or parsed."""
    try:
        with open(path, "rb") as file:
            return tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        print(f"warning: {path}: {error}", file=sys.stderr)
        return {}


def gitleaks(root, known):
    """gitleaks' rules per provider. The ids' own fallback names join `known` first, so
    `settlemint-personal-access-token` and `settlemint-service-access-token` are one provider."""
    config = read_toml(root / "config" / "gitleaks.toml")
    ids = [rule["id"] for rule in config.get("rules", []) if isinstance(rule.get("id"), str)]
    known = known | {gitleaks_fallback(rule_id) for rule_id in ids}
    return Counter(gitleaks_provider(rule_id, known) for rule_id in ids)


def preflight(root):
    """preflight's rules per provider, and every name (file stem, `provider`, id prefix) that
    counts as covering a provider."""
    counts = Counter()
    names = set()
    for path in sorted((root / "crates" / "preflight-rules" / "data" / "rules").glob("*.toml")):
        data = read_toml(path)
        stem = normalise(path.stem)
        names.add(stem)
        if isinstance(data.get("provider"), str):
            names.add(normalise(data["provider"]))
        for rule in data.get("rules", []):
            counts[stem] += 1
            if isinstance(rule.get("provider"), str):
                names.add(normalise(rule["provider"]))
            if isinstance(rule.get("id"), str):
                names.add(normalise(rule["id"].split(".")[0]))
    return counts, names


def main():
    """Reads the four rule sets and prints the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kingfisher", type=Path, required=True)
    parser.add_argument("--gitleaks", type=Path, required=True)
    parser.add_argument("--noseyparker", type=Path, required=True)
    parser.add_argument("--preflight", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    for name in ("kingfisher", "gitleaks", "noseyparker", "preflight"):
        if not getattr(args, name).is_dir():
            parser.error(f"--{name}: {getattr(args, name)} is not a directory")

    ours, covered = preflight(args.preflight)
    peers = {"kingfisher": kingfisher(args.kingfisher), "noseyparker": noseyparker(args.noseyparker)}
    known = covered | set(ALIASES) | set(ALIASES.values())
    for counts in peers.values():
        known |= set(counts)
    peers["gitleaks"] = gitleaks(args.gitleaks, known)

    print("# Totals")
    print(f"preflight: {sum(ours.values())} rules, {len(ours)} providers")
    for name, counts in peers.items():
        missing = [p for p in counts if p not in covered]
        print(
            f"{name}: {sum(counts.values())} rules, {len(counts)} providers, "
            f"{len(missing)} providers not in preflight"
        )
    union = {}
    for name, counts in peers.items():
        for provider in counts:
            if provider not in covered:
                union.setdefault(provider, []).append(name)
    print(f"all peers: {len(union)} providers not in preflight")

    for name, counts in peers.items():
        missing = sorted(p for p in counts if p not in covered)
        print(f"\n# {name}: {len(missing)} providers not in preflight (provider rules)")
        for provider in missing:
            print(f"{provider} {counts[provider]}")

    print("\n# every peer: providers not in preflight (provider peers)")
    for provider in sorted(union):
        print(f"{provider} {','.join(union[provider])}")

    print("\n# providers preflight has where a peer has more rules (provider preflight peer:rules)")
    for provider in sorted(ours):
        more = [f"{name}:{counts[provider]}" for name, counts in peers.items()
                if counts.get(provider, 0) > ours[provider]]
        if more:
            print(f"{provider} {ours[provider]} {' '.join(more)}")


if __name__ == "__main__":
    main()
