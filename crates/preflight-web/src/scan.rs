//! One site's scan: the redirect probe, the page itself, the CORS and 404 probes, the TLS
//! probes, then the grade.
//!
//! Request budget per site, whatever the server does: at most 11 requests for the `http://`
//! redirect chain, 11 for the `https://` chain, one CORS probe, one 404 probe and two legacy
//! TLS probes, each bounded by the connect and read timeouts.

use preflight_findings::{Fact, Location, LocationKind, Outcome, Warning};

use crate::codes::finding;
use crate::cors::PROBE_ORIGIN;
use crate::grade::{self, Tally};
use crate::http::{FetchError, Response};
use crate::target::{Scheme, Target};
use crate::{Scanner, cookies, cors, csp, disclosure, facts, headers, hsts, legacy, tls};

/// The most redirects followed from one URL.
pub const MAX_REDIRECTS: usize = 10;

/// The responses of a redirect chain, in order, and how it ended.
struct Chain {
    responses: Vec<(Target, Response)>,
    error: Option<FetchError>,
    too_many: bool,
}

impl Chain {
    fn last(&self) -> Option<&(Target, Response)> {
        self.responses.last()
    }
}

impl Scanner {
    /// Follows redirects from `start`, at most [`MAX_REDIRECTS`] of them.
    fn follow(&self, start: &Target) -> Chain {
        let mut chain = Chain {
            responses: Vec::new(),
            error: None,
            too_many: false,
        };
        let mut current = start.clone();
        for _ in 0..=MAX_REDIRECTS {
            let response = match self.client.get(&current, &[]) {
                Ok(r) => r,
                Err(e) => {
                    chain.error = Some(e);
                    return chain;
                }
            };
            let next = response.redirect_location().map(|l| current.join(l));
            chain.responses.push((current.clone(), response));
            match next {
                None => return chain,
                Some(Ok(target)) => current = target,
                Some(Err(bad)) => {
                    chain.error = Some(FetchError::Malformed(format!(
                        "bad redirect Location: {bad}"
                    )));
                    return chain;
                }
            }
        }
        chain.too_many = true;
        chain
    }

    /// Scans one site and grades it.
    pub fn scan(&self, url: &str) -> Outcome {
        let mut outcome = Outcome::default();
        let entry = match Target::parse(url) {
            Ok(t) => t,
            Err(e) => {
                outcome.warnings.push(Warning::at(url, e.to_string()));
                return outcome;
            }
        };
        let label = entry.to_string();
        let mut tally = Tally::default();
        let http_start = match entry.scheme {
            Scheme::Http => entry.clone(),
            Scheme::Https => entry.with_scheme(
                Scheme::Http,
                self.options
                    .http_port
                    .unwrap_or(Scheme::Http.default_port()),
            ),
        };
        let http_chain = self.follow(&http_start);
        let main_chain = match entry.scheme {
            Scheme::Http => None,
            Scheme::Https => Some(self.follow(&entry)),
        };
        let main = main_chain.as_ref().unwrap_or(&http_chain);
        if let Some(error) = &http_chain.error {
            let unreachable = http_chain.responses.is_empty()
                && matches!(error, FetchError::Refused { .. } | FetchError::Dns { .. });
            // A site that does not listen on http:// at all needs no redirect.
            if !(entry.scheme == Scheme::Https && unreachable) {
                outcome.warnings.push(Warning::at(
                    http_start.to_string(),
                    format!("following the http:// redirects stopped: {error}"),
                ));
            }
        }
        if !http_chain.responses.is_empty() {
            judge_redirects(&http_chain, &http_start, &mut tally);
        }
        if let (Some(chain), Some(error)) = (
            &main_chain,
            &main_chain.as_ref().and_then(|c| c.error.as_ref()),
        ) {
            let at = chain
                .responses
                .last()
                .map_or(label.clone(), |(t, _)| t.to_string());
            outcome.warnings.push(Warning::at(at, error.to_string()));
        }
        let Some((final_target, page)) = main.last() else {
            outcome.findings = tally.findings;
            return outcome;
        };
        let page_url = final_target.to_string();

        match final_target.scheme {
            Scheme::Http => tally.add(
                finding(
                    "web.plain-http",
                    &page_url,
                    "scheme",
                    "the page is served over plain HTTP: anyone on the network can read and change it",
                )
                .with_help("serve the site over HTTPS and redirect http:// to it (Django: SECURE_SSL_REDIRECT = True)"),
            ),
            Scheme::Https => hsts::check(page, &page_url, &mut tally),
        }
        csp::check(page, &page_url, &mut tally);
        headers::check(page, &page_url, &mut tally);
        disclosure::banners(page, &page_url, &mut tally);
        let every_response: Vec<&Response> = http_chain
            .responses
            .iter()
            .chain(main_chain.iter().flat_map(|c| c.responses.iter()))
            .map(|(_, r)| r)
            .collect();
        cookies::check(&every_response, &page_url, &mut tally);

        let probe = self.client.get(final_target, &[("Origin", PROBE_ORIGIN)]);
        if let Err(e) = &probe {
            outcome
                .warnings
                .push(Warning::at(&page_url, format!("CORS probe failed: {e}")));
        }
        cors::check(page, probe.as_ref().ok(), &page_url, &mut tally);

        let missing = final_target.with_path(&format!("/preflight-probe-{:08x}-missing", nonce()));
        let not_found_probed = match self.client.get(&missing, &[]) {
            Ok(response) => {
                disclosure::debug_page(&response, &missing.to_string(), &page_url, &mut tally);
                true
            }
            Err(e) => {
                outcome.warnings.push(Warning::at(
                    missing.to_string(),
                    format!("404 probe failed: {e}"),
                ));
                false
            }
        };

        let mut legacy_probed = false;
        let mut tls_facts = Vec::new();
        if final_target.scheme == Scheme::Https {
            if let Some(session) = &page.tls {
                tls_facts = tls::inspect(
                    session,
                    &final_target.host,
                    &self.trust,
                    &page_url,
                    &mut tally,
                );
            }
            let problems = legacy::check(
                &self.client,
                &final_target.host,
                final_target.port,
                &page_url,
                &mut tally,
            );
            legacy_probed = problems.is_empty();
            for problem in problems {
                outcome.warnings.push(Warning::at(&page_url, problem));
            }
        }

        let score = grade::score(&label, &tally.findings, &tally.bonuses);
        let redirect = http_chain.responses.first().and_then(|(from, response)| {
            let to = from.join(response.redirect_location()?).ok()?;
            Some((from.to_string(), to.to_string()))
        });
        let seen = facts::Seen {
            page,
            page_url: &page_url,
            https: final_target.scheme == Scheme::Https,
            redirect,
            responses: &every_response,
            cors_probe: probe.as_ref().ok(),
            not_found_probed,
            legacy_probed,
        };
        outcome.facts = facts::record(&seen, &tally.findings);
        outcome.facts.extend(tls_facts);
        outcome.facts.push(Fact::new(
            "web",
            Location::whole(LocationKind::Url, &label),
            format!(
                "scanned the page, its redirects, cookies, CORS, 404 page and TLS: grade {} (score {})",
                score.grade, score.score
            ),
        ));
        outcome.findings = tally.findings;
        outcome.scores.push(score);
        outcome
    }
}

/// Judges the chain that started at the `http://` URL.
fn judge_redirects(chain: &Chain, start: &Target, tally: &mut Tally) {
    let url = start.to_string();
    let Some((_, first)) = chain.responses.first() else {
        return;
    };
    let hops: Vec<String> = chain
        .responses
        .iter()
        .filter_map(|(from, r)| {
            r.redirect_location().map(|l| {
                format!(
                    "{} {from} -> {}",
                    r.status,
                    from.join(l).map_or(l.to_string(), |t| t.to_string())
                )
            })
        })
        .collect();
    if !hops.is_empty() {
        let mut info = finding(
            "web.redirect-chain",
            &url,
            "chain",
            format!("{} redirect(s): {}", hops.len(), hops.join("; ")),
        );
        for (i, hop) in hops.iter().enumerate() {
            info = info.with_detail(format!("hop-{:02}", i + 1), hop.clone());
        }
        tally.add(info);
    }
    if chain.too_many {
        tally.add(finding(
            "web.redirect-too-many",
            &url,
            "chain",
            format!("more than {MAX_REDIRECTS} redirects; stopped following"),
        ));
    }
    let first_hop = first.redirect_location().and_then(|l| start.join(l).ok());
    match first_hop {
        None => {
            tally.add(
                finding(
                    "web.redirect-missing",
                    &url,
                    "redirect",
                    format!("{url} answers {} instead of redirecting to https://", first.status),
                )
                .with_help("redirect every http:// request to https:// on the same host (Django: SECURE_SSL_REDIRECT = True)"),
            );
            return;
        }
        Some(hop) if hop.host != start.host => tally.add(finding(
            "web.redirect-off-host",
            &url,
            "redirect",
            format!("the first redirect goes to another host ({hop}); browsers then never see this host's HSTS"),
        )),
        Some(hop) if hop.scheme != Scheme::Https => tally.add(finding(
            "web.redirect-not-https-first",
            &url,
            "redirect",
            format!("the first redirect stays on plain HTTP ({hop})"),
        )),
        Some(_) => {}
    }
    if chain
        .last()
        .is_some_and(|(t, r)| t.scheme == Scheme::Http && r.redirect_location().is_none())
    {
        tally.add(finding(
            "web.redirect-missing",
            &url,
            "redirect",
            "the redirects from http:// never reach https://",
        ));
    }
}

/// A value that differs from run to run, for the 404 probe's path.
fn nonce() -> u32 {
    let mut bytes = [0u8; 4];
    match rustls::crypto::ring::default_provider()
        .secure_random
        .fill(&mut bytes)
    {
        Ok(()) => u32::from_be_bytes(bytes),
        Err(_) => std::process::id(),
    }
}
