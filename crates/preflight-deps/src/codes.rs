//! Every finding code the dependency audit emits, with its default severity.
//!
//! A vulnerable package is reported at the severity of its worst advisory (from the CVSS
//! vector, else the database's rating, else medium); the severity listed here is the default.

preflight_findings::finding_codes! {
    "Every code the dependency audit can emit, with its severity and meaning.";
    VULNERABLE = "deps.vulnerable", High, "A package version a lockfile installs has known vulnerabilities (OSV advisories); the finding names the lowest version that fixes them all.";
    UNPINNED = "deps.unpinned", Low, "A requirement is not pinned to one version (a range, no version, a URL), so it cannot be audited and may change under you.";
    DATABASE_OUTDATED = "deps.database-outdated", Medium, "The advisory database is more than 31 days old; run `preflight deps update` every month at least.";
}
