//! Two-part credentials reported as one finding.
//!
//! Many credentials are an identifier and a secret that are only useful together: an AWS
//! access key id and its secret access key, a Twilio account SID and its auth token. Each part
//! has its own rule; a *pair rule* names the two and how many lines may separate them. When
//! both parts are reported near each other, the pair rule's finding replaces them: its secret
//! is the secret part (never the identifier), its severity and message are the pair rule's,
//! and the two parts are dropped as superseded by it. A part found alone keeps its own rule's
//! finding and severity: a lone secret access key is as dangerous, and a lone key id still
//! says a key leaked.
//!
//! The pair's finding is placed at the secret part and, when the identifier is on another
//! line, once more at the identifier's line (with the same secret), so that whoever reads
//! either line sees it.
//!
//! Parts are matched greedily by distance, closest first, each part used once, so a file with
//! several profiles pairs each id with its own secret.

use std::ops::Range;

use memchr::memchr_iter;
use preflight_findings::DropReason;

use crate::Candidate;

/// A pair rule as the scanner holds it: indices into the scanner's rules.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PairRule {
    /// The pair rule itself.
    pub rule: usize,
    /// The rule of the identifying part.
    pub identifier: usize,
    /// The rule of the secret part.
    pub secret: usize,
    /// The most lines between the parts.
    pub lines: u32,
}

/// Joins the parts of each pair rule in `candidates` (sorted by position); `usable` says
/// whether a candidate can be a part (reported, or a public identifier), `id_of` names a rule.
pub(crate) fn join(
    pairs: &[PairRule],
    bytes: &[u8],
    candidates: &mut Vec<Candidate>,
    usable: impl Fn(&Candidate) -> bool,
    id_of: impl Fn(usize) -> String,
) {
    let mut joined = false;
    for pair in pairs {
        let parts = |rule: usize| -> Vec<usize> {
            (0..candidates.len())
                .filter(|&i| candidates[i].rule == rule && usable(&candidates[i]))
                .collect()
        };
        let secrets = parts(pair.secret);
        if secrets.is_empty() {
            continue;
        }
        let identifiers = parts(pair.identifier);
        let mut options: Vec<(usize, usize, usize, usize)> = Vec::new();
        for &s in &secrets {
            for &i in &identifiers {
                let (a, b) = (&candidates[s].secret, &candidates[i].secret);
                if let Some(lines) = lines_between(bytes, a, b, pair.lines) {
                    options.push((lines, a.start.abs_diff(b.start), s, i));
                }
            }
        }
        options.sort_unstable();
        let mut used = Vec::new();
        for (_, _, s, i) in options {
            if used.contains(&s) || used.contains(&i) {
                continue;
            }
            used.extend([s, i]);
            let by = id_of(pair.rule);
            let secret = candidates[s].secret.clone();
            let identifier = candidates[i].secret.clone();
            let matched = secret.start.min(identifier.start)..secret.end.max(identifier.end);
            let checksum_failed = candidates[s].checksum_failed || candidates[i].checksum_failed;
            for part in [s, i] {
                candidates[part].dropped = Some(DropReason::Superseded { by: by.clone() });
                candidates[part].in_pair = true;
            }
            // The finding is also shown at the identifier's line when the parts are on two.
            let apart = memchr::memchr(b'\n', &bytes[matched.clone()]).is_some();
            if apart {
                candidates.push(Candidate {
                    rule: pair.rule,
                    secret: identifier.clone(),
                    matched: matched.clone(),
                    dropped: None,
                    identifier: Some(secret.clone()),
                    in_pair: false,
                    at_identifier: true,
                    fallback_of: None,
                    in_object: false,
                    checksum_failed,
                });
            }
            candidates.push(Candidate {
                rule: pair.rule,
                secret,
                matched,
                dropped: None,
                identifier: Some(identifier),
                in_pair: false,
                at_identifier: false,
                fallback_of: None,
                in_object: false,
                checksum_failed,
            });
            joined = true;
        }
    }
    if joined {
        candidates.sort_by_key(|c| (c.secret.start, c.rule));
    }
}

/// The lines between two ranges when there are at most `limit`.
fn lines_between(bytes: &[u8], a: &Range<usize>, b: &Range<usize>, limit: u32) -> Option<usize> {
    let (first, second) = if a.start <= b.start { (a, b) } else { (b, a) };
    if first.end > second.start {
        return None;
    }
    let limit = limit as usize;
    let lines = memchr_iter(b'\n', &bytes[first.end..second.start])
        .take(limit + 1)
        .count();
    (lines <= limit).then_some(lines)
}
