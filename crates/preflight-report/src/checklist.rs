//! The security-guide checklists behind the Markdown report, and how a report settles each item.
//!
//! The items are data (`checklist.toml`, embedded at build time) so that adding a guide item or
//! a code to an item is an edit to one file. An automated item fails when a finding of at least
//! `low` severity matches one of its patterns (an `info` finding is worth listing but is never a
//! problem by itself); it passes when every check that covers it ran and nothing matched; it is
//! partly checked when only some of them ran, and not checked when none did. Manual items are
//! lines for a person to tick.
//!
//! An item's evidence is what the checks saw in order: the [`Fact`]s whose id matches one of
//! its patterns (a code that was checked and did not apply there), and its `info` findings.
//! Facts named after a check rather than a code (what that check looked at as a whole) belong
//! to the report, not to one item: see [`looked_at`].

use preflight_findings::{Fact, Finding, LocationKind, Report, Severity};
use serde::Deserialize;

/// The embedded checklist data.
const DATA: &str = include_str!("checklist.toml");

/// The pattern that matches every secret rule.
const ANY_SECRET: &str = "@secret";

/// Every location kind, for checking the names in `fails_in`.
const ALL_KINDS: [LocationKind; 8] = [
    LocationKind::File,
    LocationKind::Stdin,
    LocationKind::Staged,
    LocationKind::GitHistory,
    LocationKind::Environment,
    LocationKind::Url,
    LocationKind::Database,
    LocationKind::Project,
];

/// The checks an item may name, each with the namespaces of its codes (the secrets check
/// reports under its rules' ids instead). The history check reports under `git`, as hygiene
/// does, but runs on its own (`--no-history` skips it).
const KNOWN_CHECKS: [(&str, &[&str]); 10] = [
    ("secrets", &[]),
    ("git", &["git"]),
    ("history", &["git"]),
    ("env", &["env"]),
    ("web", &["web"]),
    ("db", &["db"]),
    ("django", &["django-settings"]),
    ("fastapi", &["fastapi"]),
    ("containers", &["container"]),
    ("deps", &["deps"]),
];

/// The first check whose codes live under `namespace`.
fn check_of_namespace(namespace: &str) -> Option<&'static str> {
    KNOWN_CHECKS
        .iter()
        .find(|(_, namespaces)| namespaces.contains(&namespace))
        .map(|(check, _)| *check)
}

/// All the guides.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Checklist {
    /// The first segments of check codes; any other id is a secret rule.
    check_namespaces: Vec<String>,
    /// The guides, in order.
    #[serde(rename = "guide")]
    pub(crate) guides: Vec<Guide>,
}

/// One security guide.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Guide {
    /// What the guide is for.
    pub(crate) title: String,
    /// Its items, grouped by section in order.
    #[serde(rename = "item")]
    pub(crate) items: Vec<Item>,
}

/// One line of a guide.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Item {
    /// The section heading it belongs under.
    pub(crate) section: String,
    /// What must hold, in preflight's words (Markdown).
    pub(crate) text: String,
    /// Whether only a person can confirm it.
    #[serde(default)]
    manual: bool,
    /// The checks that cover it.
    #[serde(default)]
    pub(crate) checks: Vec<String>,
    /// The finding id patterns that fail it.
    #[serde(default)]
    fails_on: Vec<String>,
    /// Location kinds (`git-history`, `staged`...) where any finding fails it.
    #[serde(default)]
    fails_in: Vec<String>,
}

/// The name of a location kind in `fails_in`, as the JSON report spells it.
fn kind_name(kind: LocationKind) -> &'static str {
    match kind {
        LocationKind::File => "file",
        LocationKind::Stdin => "stdin",
        LocationKind::Staged => "staged",
        LocationKind::GitHistory => "git-history",
        LocationKind::Environment => "environment",
        LocationKind::Url => "url",
        LocationKind::Database => "database",
        LocationKind::Project => "project",
    }
}

/// The facts that say what a check looked at as a whole (their id is the check's name, not a
/// code), in report order.
pub(crate) fn looked_at(report: &Report) -> Vec<&Fact> {
    report
        .facts
        .iter()
        .filter(|fact| !fact.id.contains('.'))
        .collect()
}

/// What was seen in order for an item.
#[derive(Debug, Default)]
pub(crate) struct Evidence<'a> {
    /// Facts recorded by the checks.
    pub(crate) facts: Vec<&'a Fact>,
    /// `info` findings: worth showing, never a failure.
    pub(crate) notes: Vec<&'a Finding>,
}

impl Evidence<'_> {
    /// Whether nothing was recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.facts.is_empty() && self.notes.is_empty()
    }
}

/// Where an item stands after a run.
#[derive(Debug)]
pub(crate) enum Status<'a> {
    /// Only a person can confirm it.
    Manual,
    /// None of the checks that cover it ran.
    NotChecked,
    /// Nothing failed it, but these checks that cover it did not run.
    PartlyChecked { missing: Vec<&'a str> },
    /// Every check that covers it ran and nothing failed it.
    Passed,
    /// These findings fail it.
    Failed { findings: Vec<&'a Finding> },
}

impl Checklist {
    /// The embedded checklist.
    pub(crate) fn embedded() -> Self {
        Self::parse(DATA).expect("the embedded checklist is valid (tested)")
    }

    /// Parses and checks checklist data.
    fn parse(text: &str) -> Result<Self, String> {
        let checklist: Checklist = toml::from_str(text).map_err(|e| e.to_string())?;
        for item in checklist.guides.iter().flat_map(|g| &g.items) {
            let automated = !item.checks.is_empty() || !item.fails_on.is_empty();
            if item.manual == automated {
                return Err(format!(
                    "item `{}` must be either manual or have checks and fails_on",
                    item.text
                ));
            }
            if automated && (item.checks.is_empty() || item.fails_on.is_empty()) {
                return Err(format!(
                    "item `{}` needs both checks and fails_on",
                    item.text
                ));
            }
            if let Some(kind) = item
                .fails_in
                .iter()
                .find(|k| !ALL_KINDS.iter().any(|kind| kind_name(*kind) == k.as_str()))
            {
                return Err(format!(
                    "item `{}` names an unknown location kind `{kind}`",
                    item.text
                ));
            }
            if let Some(check) = item
                .checks
                .iter()
                .find(|c| !KNOWN_CHECKS.iter().any(|(known, _)| known == c))
            {
                return Err(format!(
                    "item `{}` names an unknown check `{check}`",
                    item.text
                ));
            }
        }
        Ok(checklist)
    }

    /// Whether `id` is a secret rule's id rather than a check's code.
    fn is_secret_rule(&self, id: &str) -> bool {
        let namespace = id.split('.').next().unwrap_or(id);
        !self.check_namespaces.iter().any(|n| n == namespace)
            && check_of_namespace(namespace).is_none()
    }

    /// Whether `pattern` matches `id`.
    fn matches(&self, pattern: &str, id: &str) -> bool {
        if pattern == ANY_SECRET {
            self.is_secret_rule(id)
        } else if let Some(prefix) = pattern.strip_suffix('*') {
            id.starts_with(prefix)
        } else {
            id == pattern
                || id
                    .strip_prefix(pattern)
                    .is_some_and(|rest| rest.starts_with('.'))
        }
    }

    /// Whether `finding` belongs to `item`: one of its patterns or location kinds matches.
    pub(crate) fn covers(&self, item: &Item, finding: &Finding) -> bool {
        item.fails_on.iter().any(|p| self.matches(p, &finding.id))
            || item
                .fails_in
                .iter()
                .any(|k| k == kind_name(finding.location.kind))
    }

    /// The findings of `report` that match `item`, in report order.
    pub(crate) fn findings_for<'a>(&self, item: &Item, report: &'a Report) -> Vec<&'a Finding> {
        report
            .findings
            .iter()
            .filter(|f| self.covers(item, f))
            .collect()
    }

    /// What the checks saw in order for `item`: facts about its codes and its `info` findings,
    /// in report order.
    pub(crate) fn evidence<'a>(&self, item: &Item, report: &'a Report) -> Evidence<'a> {
        let facts = report
            .facts
            .iter()
            .filter(|fact| {
                fact.id.contains('.') && item.fails_on.iter().any(|p| self.matches(p, &fact.id))
            })
            .collect();
        let notes = self
            .findings_for(item, report)
            .into_iter()
            .filter(|f| f.severity == Severity::Info)
            .collect();
        Evidence { facts, notes }
    }

    /// Where `item` stands after a run of `checks_run` that produced `report`.
    pub(crate) fn status<'a>(
        &self,
        item: &'a Item,
        report: &'a Report,
        checks_run: &[String],
    ) -> Status<'a> {
        if item.manual {
            return Status::Manual;
        }
        let failing: Vec<&Finding> = self
            .findings_for(item, report)
            .into_iter()
            .filter(|f| f.severity > Severity::Info)
            .collect();
        if !failing.is_empty() {
            return Status::Failed { findings: failing };
        }
        let missing: Vec<&str> = item
            .checks
            .iter()
            .map(String::as_str)
            .filter(|c| !checks_run.iter().any(|ran| ran == c))
            .collect();
        if missing.is_empty() {
            Status::Passed
        } else if missing.len() == item.checks.len() {
            Status::NotChecked
        } else {
            Status::PartlyChecked { missing }
        }
    }
}

#[cfg(test)]
mod tests {
    use preflight_findings::{Location, Redacted};

    use super::*;

    fn finding(id: &str, severity: Severity) -> Finding {
        Finding::secret(
            id,
            severity,
            "m",
            Location::file("a", 1, 1),
            Redacted::new("value-of-some-length"),
        )
    }

    fn item(checks: &[&str], fails_on: &[&str]) -> Item {
        Item {
            section: "s".into(),
            text: "t".into(),
            manual: false,
            fails_in: Vec::new(),
            checks: checks.iter().map(|c| c.to_string()).collect(),
            fails_on: fails_on.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn ran(checks: &[&str]) -> Vec<String> {
        checks.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn the_embedded_checklist_is_valid_and_covers_both_guides() {
        let checklist = Checklist::parse(DATA).unwrap();
        assert_eq!(checklist.guides.len(), 2);
        for guide in &checklist.guides {
            assert!(guide.items.iter().any(|i| i.manual), "{}", guide.title);
            assert!(guide.items.iter().any(|i| !i.manual), "{}", guide.title);
        }
    }

    #[test]
    fn every_check_code_pattern_is_checked_by_its_namespace() {
        let checklist = Checklist::embedded();
        for item in checklist.guides.iter().flat_map(|g| &g.items) {
            for pattern in &item.fails_on {
                let covered = if checklist.is_secret_rule(pattern) || pattern == ANY_SECRET {
                    item.checks.iter().any(|c| c == "secrets")
                } else {
                    let namespace = pattern.split('.').next().unwrap();
                    assert!(
                        check_of_namespace(namespace).is_some(),
                        "`{pattern}`: no check owns `{namespace}`"
                    );
                    item.checks.iter().any(|c| {
                        KNOWN_CHECKS
                            .iter()
                            .any(|(check, owned)| check == c && owned.contains(&namespace))
                    })
                };
                assert!(
                    covered,
                    "`{pattern}` in `{}` has no covering check",
                    item.text
                );
            }
        }
    }

    #[test]
    fn bad_items_are_rejected() {
        let both = "check_namespaces = []\n[[guide]]\ntitle = \"g\"\n[[guide.item]]\nsection = \"s\"\ntext = \"t\"\nmanual = true\nchecks = [\"env\"]\nfails_on = [\"env.x\"]\n";
        assert!(Checklist::parse(both).is_err());
        let unknown = both
            .replace("manual = true\n", "")
            .replace("\"env\"]", "\"dns\"]");
        assert!(
            Checklist::parse(&unknown)
                .unwrap_err()
                .contains("unknown check")
        );
        let typo = both.replace("manual", "manaul");
        assert!(Checklist::parse(&typo).is_err());
    }

    #[test]
    fn patterns_match_ids_namespaces_prefixes_and_secrets() {
        let checklist = Checklist::embedded();
        assert!(checklist.matches("git.env-tracked", "git.env-tracked"));
        assert!(!checklist.matches("git.env-tracked", "git.env-tracked-too"));
        assert!(checklist.matches("stripe", "stripe.secret-key"));
        assert!(!checklist.matches("stripe", "stripe-like.key"));
        assert!(checklist.matches("env.database-url-*", "env.database-url-invalid"));
        assert!(checklist.matches("@secret", "aws.access-key-id"));
        assert!(!checklist.matches("@secret", "env.placeholder"));
    }

    #[test]
    fn status_follows_findings_and_the_checks_that_ran() {
        let checklist = Checklist::embedded();
        let covered = item(&["env", "db"], &["env.database-*", "db.tls-*"]);
        let mut report = Report::default();
        let status = |report: &Report, checks: &[&str]| {
            format!("{:?}", checklist.status(&covered, report, &ran(checks)))
        };
        assert_eq!(status(&report, &["env", "db"]), "Passed");
        assert_eq!(status(&report, &["secrets"]), "NotChecked");
        assert_eq!(
            status(&report, &["env"]),
            r#"PartlyChecked { missing: ["db"] }"#
        );
        report
            .findings
            .push(finding("db.tls-version-old", Severity::Info));
        assert_eq!(
            status(&report, &["env", "db"]),
            "Passed",
            "an info finding does not fail an item"
        );
        report
            .findings
            .push(finding("db.tls-not-enforced", Severity::High));
        let Status::Failed { findings } = checklist.status(&covered, &report, &ran(&["env"]))
        else {
            panic!("a matching finding fails the item");
        };
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].id, "db.tls-not-enforced");
    }

    #[test]
    fn every_namespace_of_the_data_belongs_to_a_known_check() {
        let checklist = Checklist::embedded();
        for namespace in &checklist.check_namespaces {
            assert!(
                check_of_namespace(namespace).is_some(),
                "no check owns `{namespace}`"
            );
        }
        // A namespace of a known check is never read as a secret rule, listed or not.
        assert!(!checklist.is_secret_rule("django-settings.debug"));
        assert!(!checklist.is_secret_rule("container.compose-privileged"));
    }

    #[test]
    fn evidence_is_the_facts_about_an_item_s_codes_and_its_info_findings() {
        use preflight_findings::{Fact, Location};
        let checklist = Checklist::embedded();
        let hsts = item(
            &["web", "django"],
            &["web.hsts-*", "django-settings.hsts-*"],
        );
        let mut report = Report {
            facts: vec![
                Fact::new(
                    "web.hsts-missing",
                    Location::file("https://a.example/", 1, 1),
                    "Strict-Transport-Security: max-age=63072000",
                ),
                Fact::new(
                    "web.csp-missing",
                    Location::file("https://a.example/", 1, 1),
                    "Content-Security-Policy: default-src 'self'",
                ),
                Fact::new("web", Location::file("https://a.example/", 1, 1), "scanned"),
            ],
            ..Report::default()
        };
        report
            .findings
            .push(finding("django-settings.hsts-note", Severity::Info));
        report
            .findings
            .push(finding("django-settings.hsts-short", Severity::Low));
        let evidence = checklist.evidence(&hsts, &report);
        let facts: Vec<&str> = evidence.facts.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            facts,
            ["web.hsts-missing"],
            "a check-wide fact is not an item's"
        );
        let notes: Vec<&str> = evidence.notes.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            notes,
            ["django-settings.hsts-note"],
            "only info findings are notes"
        );
        let looked: Vec<&str> = looked_at(&report).iter().map(|f| f.id.as_str()).collect();
        assert_eq!(looked, ["web"]);
        let unrelated = item(&["env"], &["env.placeholder"]);
        assert!(checklist.evidence(&unrelated, &report).is_empty());
    }
}
