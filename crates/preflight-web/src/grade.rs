//! The grade: a transparent score in the spirit of the Mozilla HTTP Observatory.
//!
//! Every site starts at 100. Each finding code found moves the score by the points in
//! [`PENALTIES`], once per code however many times it occurs (three insecure cookies cost what
//! one does). Bonuses ([`BONUSES`]) reward practices beyond the baseline and count only for an
//! otherwise excellent site: when the score before bonuses is at least 90. The score never goes
//! below 0 and maps to a letter with [`grade_for`]. Thresholds are the guide's, stricter than the
//! Observatory's: HSTS must last a year, include subdomains and ask for preloading; TLS 1.0/1.1
//! and certificate problems count too. `GRADING.md` holds the same tables for readers; a test
//! keeps the two in step.

use preflight_findings::{Finding, Score, ScoreModifier};

use crate::codes::CODES;

/// Points each finding code moves the score by (once per code).
pub const PENALTIES: &[(&str, i32)] = &[
    ("web.redirect-missing", -20),
    ("web.redirect-off-host", -10),
    ("web.redirect-not-https-first", -10),
    ("web.redirect-too-many", -10),
    ("web.redirect-chain", 0),
    ("web.plain-http", -40),
    ("web.hsts-missing", -20),
    ("web.hsts-malformed", -20),
    ("web.hsts-short-max-age", -10),
    ("web.hsts-no-subdomains", -5),
    ("web.hsts-no-preload", -5),
    ("web.csp-missing", -25),
    ("web.csp-report-only", 0),
    ("web.csp-no-default-src", -10),
    ("web.csp-unsafe-inline", -20),
    ("web.csp-unsafe-eval", -10),
    ("web.csp-wildcard-source", -10),
    ("web.csp-http-source", -10),
    ("web.csp-object-src-missing", -5),
    ("web.csp-frame-ancestors-missing", 0),
    ("web.nosniff-missing", -5),
    ("web.framing-unprotected", -20),
    ("web.x-frame-options-invalid", -20),
    ("web.referrer-policy-missing", -5),
    ("web.referrer-policy-unsafe", -5),
    ("web.permissions-policy-missing", 0),
    ("web.x-xss-protection", 0),
    ("web.cookie-not-secure", -20),
    ("web.session-cookie-not-secure", -40),
    ("web.session-cookie-not-httponly", -30),
    ("web.cookie-samesite-missing", -5),
    ("web.cookie-samesite-invalid", -20),
    ("web.cookie-prefix-invalid", -20),
    ("web.session-cookie-long-lived", -5),
    ("web.cors-wildcard-credentials", -50),
    ("web.cors-reflected-origin", -50),
    ("web.cors-open", 0),
    ("web.server-version", -5),
    ("web.powered-by", -5),
    ("web.debug-page", -50),
    ("web.tls-legacy-version", -20),
    ("web.tls-cert-untrusted", -100),
    ("web.tls-hostname-mismatch", -100),
    ("web.tls-cert-expired", -100),
    ("web.tls-cert-expiring", -5),
    ("web.tls-weak-key", -20),
    ("web.tls-sha1-signature", -20),
    ("web.tls-certificate", 0),
];

/// A practice that earns a bonus, when the site is otherwise excellent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bonus {
    /// An enforced CSP with `default-src 'none'` or `'self'`, no unsafe or wildcard sources,
    /// `object-src 'none'` and `frame-ancestors`.
    StrictCsp,
    /// Framing controlled by CSP `frame-ancestors`.
    FrameAncestors,
    /// A Referrer-Policy that never sends the path to other sites.
    PrivateReferrer,
    /// Cookies are set and every one of them is Secure, has SameSite, and session cookies are
    /// HttpOnly.
    SecureCookies,
}

/// Each bonus's id, points and reason.
pub const BONUSES: &[(Bonus, &str, i32, &str)] = &[
    (
        Bonus::StrictCsp,
        "web.csp-strict",
        5,
        "strict enforced Content-Security-Policy",
    ),
    (
        Bonus::FrameAncestors,
        "web.csp-frame-ancestors",
        5,
        "framing controlled by CSP frame-ancestors",
    ),
    (
        Bonus::PrivateReferrer,
        "web.referrer-policy-private",
        5,
        "Referrer-Policy keeps paths private",
    ),
    (
        Bonus::SecureCookies,
        "web.cookies-secure",
        5,
        "every cookie is Secure with SameSite; session cookies are HttpOnly",
    ),
];

/// What the checks of one site found: findings and the bonuses earned.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// The findings, in the order found.
    pub findings: Vec<Finding>,
    /// The bonuses earned.
    pub bonuses: Vec<Bonus>,
}

impl Tally {
    /// Records a finding.
    pub fn add(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Records a bonus.
    pub fn bonus(&mut self, bonus: Bonus) {
        if !self.bonuses.contains(&bonus) {
            self.bonuses.push(bonus);
        }
    }
}

/// The score before bonuses from which bonuses count.
pub const BONUS_FLOOR: i32 = 90;

/// The lowest score of each grade, best first.
pub const GRADES: &[(i32, &str)] = &[
    (100, "A+"),
    (90, "A"),
    (85, "A-"),
    (80, "B+"),
    (70, "B"),
    (65, "B-"),
    (60, "C+"),
    (50, "C"),
    (45, "C-"),
    (40, "D+"),
    (30, "D"),
    (25, "D-"),
    (0, "F"),
];

/// The letter grade of a score.
pub fn grade_for(score: i32) -> &'static str {
    GRADES
        .iter()
        .find(|(floor, _)| score >= *floor)
        .map_or("F", |(_, grade)| grade)
}

fn points_of(code: &str) -> i32 {
    PENALTIES
        .iter()
        .find(|(id, _)| *id == code)
        .map_or(0, |(_, points)| *points)
}

fn description_of(code: &str) -> &'static str {
    CODES
        .iter()
        .find(|c| c.id == code)
        .map_or("", |c| c.description)
}

/// Scores a target from its findings and the bonuses it earned.
pub fn score(target: &str, findings: &[Finding], bonuses: &[Bonus]) -> Score {
    let mut modifiers: Vec<ScoreModifier> = Vec::new();
    for finding in findings {
        let points = points_of(&finding.id);
        if points != 0 && !modifiers.iter().any(|m| m.id == finding.id) {
            modifiers.push(ScoreModifier {
                id: finding.id.clone(),
                points,
                reason: description_of(&finding.id).to_string(),
            });
        }
    }
    let before_bonuses = 100 + modifiers.iter().map(|m| m.points).sum::<i32>();
    if before_bonuses >= BONUS_FLOOR {
        for (bonus, id, points, reason) in BONUSES {
            if bonuses.contains(bonus) {
                modifiers.push(ScoreModifier {
                    id: (*id).to_string(),
                    points: *points,
                    reason: (*reason).to_string(),
                });
            }
        }
    }
    let score = (100 + modifiers.iter().map(|m| m.points).sum::<i32>()).max(0);
    Score {
        target: target.to_string(),
        score,
        grade: grade_for(score).to_string(),
        modifiers,
    }
}

/// The Markdown tables of `GRADING.md`, generated from the constants above.
pub fn markdown_tables() -> String {
    let mut out = String::from("| Code | Points | Meaning |\n| --- | ---: | --- |\n");
    for (code, points) in PENALTIES {
        out.push_str(&format!(
            "| `{code}` | {points} | {} |\n",
            description_of(code)
        ));
    }
    out.push_str("\n| Bonus | Points | Earned by |\n| --- | ---: | --- |\n");
    for (_, id, points, reason) in BONUSES {
        out.push_str(&format!("| `{id}` | +{points} | {reason} |\n"));
    }
    out.push_str("\n| Score | Grade |\n| ---: | --- |\n");
    for (floor, grade) in GRADES {
        out.push_str(&format!("| {floor} or more | {grade} |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::finding;

    #[test]
    fn every_code_has_points_and_every_penalty_a_code() {
        for code in CODES {
            assert!(
                PENALTIES.iter().any(|(id, _)| *id == code.id),
                "{}",
                code.id
            );
        }
        for (id, _) in PENALTIES {
            assert!(CODES.iter().any(|c| c.id == *id), "{id}");
        }
    }

    #[test]
    fn grading_md_holds_the_generated_tables() {
        let doc = include_str!("../GRADING.md");
        let tables = markdown_tables();
        for table in tables.split("\n\n") {
            assert!(
                doc.contains(table),
                "GRADING.md is stale; its tables are:\n{tables}"
            );
        }
    }

    #[test]
    fn penalties_count_once_per_code_and_bonuses_only_when_excellent() {
        let a = finding("web.cookie-not-secure", "https://x/", "a", "m");
        let b = finding("web.cookie-not-secure", "https://x/", "b", "m");
        let score = score("https://x/", &[a, b], &[Bonus::PrivateReferrer]);
        assert_eq!(score.score, 80);
        assert_eq!(score.grade, "B+");
        assert_eq!(score.modifiers.len(), 1);
        let excellent = super::score(
            "https://x/",
            &[finding("web.server-version", "https://x/", "", "m")],
            &[Bonus::PrivateReferrer, Bonus::SecureCookies],
        );
        assert_eq!((excellent.score, excellent.grade.as_str()), (105, "A+"));
    }

    #[test]
    fn grades_cover_every_score() {
        assert_eq!(grade_for(120), "A+");
        assert_eq!(grade_for(89), "A-");
        assert_eq!(grade_for(24), "F");
        assert_eq!(grade_for(0), "F");
    }
}
