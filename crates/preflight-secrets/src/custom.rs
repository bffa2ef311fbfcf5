//! Filters that custom rules bring with them: gitleaks' per-rule `path` patterns and its
//! allowlists, global and per rule.
//!
//! preflight's own rules have no such filters (configuration allowlists apply to every
//! finding after the scan), but a team importing its gitleaks rules expects their allowlists
//! to hold. The scanner applies them to each candidate of a file, where the path is known;
//! a candidate they exclude is dropped as `path-allowlist` or `value-allowlist`. File-wide
//! allowlists apply to the candidates of every rule, as in gitleaks.

use preflight_findings::DropReason;
use preflight_rules::gitleaks::{self, Allowlist, GitleaksImport, GitleaksRule};

/// The filters of one rule.
#[derive(Debug, Clone, Default)]
pub struct RuleFilter {
    /// When set, the rule applies only to paths this pattern matches.
    pub path: Option<regex::Regex>,
    /// A candidate any of these allows is not a finding.
    pub allowlists: Vec<Allowlist>,
}

/// Filters by rule id, and allowlists for every rule.
#[derive(Debug, Clone, Default)]
pub struct CustomFilters {
    /// `(rule id, filter)`.
    pub rules: Vec<(String, RuleFilter)>,
    /// Allowlists applied to every rule's candidates.
    pub allowlists: Vec<Allowlist>,
}

impl CustomFilters {
    /// Adds the filters of an imported gitleaks file.
    pub fn add_gitleaks(&mut self, import: &GitleaksImport) {
        for GitleaksRule {
            rule,
            path,
            allowlists,
        } in &import.rules
        {
            if path.is_some() || !allowlists.is_empty() {
                self.rules.push((
                    rule.id.clone(),
                    RuleFilter {
                        path: path.clone(),
                        allowlists: allowlists.clone(),
                    },
                ));
            }
        }
        self.allowlists.extend(import.allowlists.iter().cloned());
    }

    /// Whether there is nothing to apply.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.allowlists.is_empty()
    }
}

/// Why `candidate` of the rule `rule_id` with `filter` is excluded, or `None`.
pub(crate) fn exclude(
    rule_id: &str,
    filter: Option<&RuleFilter>,
    global: &[Allowlist],
    candidate: &gitleaks::Candidate<'_>,
) -> Option<DropReason> {
    if let (Some(pattern), Some(path)) = (filter.and_then(|f| f.path.as_ref()), candidate.path)
        && !pattern.is_match(path)
    {
        return Some(DropReason::PathAllowlist {
            glob: format!("{rule_id} applies only to paths matching `{pattern}`"),
        });
    }
    let lists = filter.map_or(&[][..], |f| &f.allowlists[..]);
    let allowing = lists.iter().chain(global).find(|a| a.allows(candidate))?;
    Some(
        match candidate.path.and_then(|p| allowing.matching_path(p)) {
            Some(glob) => DropReason::PathAllowlist {
                glob: glob.to_string(),
            },
            None => DropReason::ValueAllowlist {
                pattern: allowing.label(),
            },
        },
    )
}
