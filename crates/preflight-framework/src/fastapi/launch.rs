//! Development servers in deployment files: `uvicorn --reload` or `--debug` (also through
//! gunicorn's uvicorn worker) and `fastapi dev`, in Dockerfiles, compose files and Procfiles.
//!
//! A line-level read is enough here: the command is one logical line. Dockerfile lines ending
//! in `\` are joined first. In compose files a command may be a YAML list over several lines,
//! so a `--reload` line counts when `uvicorn` appears on it or within the eight lines before it.
//! Files whose name says development (`Dockerfile.dev`, `docker-compose.override.yml`,
//! `Procfile.dev`) and files under test directories are not read: reloading is their purpose.
//!
//! A deployment file that starts a server and has no such line gets a fact at the first line
//! that starts it: the evidence that production runs without reloading.

use std::path::Path;

use preflight_findings::{Fact, Finding, Location, Warning};

use crate::codes::{self, severity_of};
use crate::django::{compose_is_development, is_compose_name};
use crate::walk::{self, is_binary, read_limited, relative};

/// How far back a compose `--reload` line looks for `uvicorn`.
const COMPOSE_WINDOW: usize = 8;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dockerfile,
    Compose,
    Procfile,
}

fn kind_of(name: &str) -> Option<Kind> {
    let lower = name.to_ascii_lowercase();
    let kind = if lower == "dockerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
    {
        Kind::Dockerfile
    } else if is_compose_name(&lower) {
        Kind::Compose
    } else if lower == "procfile" || lower.starts_with("procfile.") {
        Kind::Procfile
    } else {
        return None;
    };
    (!compose_is_development(&lower)).then_some(kind)
}

/// What the deployment files of a project show.
#[derive(Debug, Default)]
pub struct Launch {
    /// Development servers started in deployment files.
    pub findings: Vec<Finding>,
    /// Deployment files that start a server without a development flag.
    pub facts: Vec<Fact>,
    /// Files that could not be read.
    pub warnings: Vec<Warning>,
    /// The number of files read.
    pub scanned: u64,
}

/// Findings, facts, warnings and the number of files read.
pub fn check(root: &Path) -> Launch {
    let mut findings = Vec::new();
    let mut facts = Vec::new();
    let mut warnings = Vec::new();
    let mut scanned = 0;
    for file in walk::files(root, |name| kind_of(name).is_some()) {
        let shown = relative(root, &file);
        if shown
            .split('/')
            .rev()
            .skip(1)
            .any(|d| matches!(d, "tests" | "test" | "testing" | "examples" | "docs"))
        {
            continue;
        }
        let Some(kind) = file.file_name().and_then(|n| kind_of(&n.to_string_lossy())) else {
            continue;
        };
        let bytes = match read_limited(&file) {
            Ok(bytes) => bytes,
            Err(message) => {
                warnings.push(Warning::at(&shown, message));
                continue;
            }
        };
        if is_binary(&bytes) {
            warnings.push(Warning::at(&shown, "binary content; not read"));
            continue;
        }
        scanned += 1;
        let text = String::from_utf8_lossy(&bytes);
        let reloads = reload_lines(&text, kind);
        if reloads.is_empty()
            && let Some((line, server)) = server_line(&text)
        {
            facts.push(Fact::new(
                codes::FASTAPI_RELOAD,
                Location::file(&shown, line, 1),
                format!("{server} starts without --reload or --debug"),
            ));
        }
        for (line, flag) in reloads {
            findings.push(
                Finding::new(
                    codes::FASTAPI_RELOAD,
                    severity_of(codes::FASTAPI_RELOAD),
                    format!(
                        "the server starts with {flag}, a development mode: it watches the files and restarts, costs memory and CPU, and {}",
                        if flag.contains("debug") {
                            "returns tracebacks to clients"
                        } else {
                            "is not meant for production"
                        }
                    ),
                    Location::file(&shown, line, 1),
                    &format!("{flag}:{line}"),
                )
                .with_help("start the production server without --reload/--debug (e.g. `uvicorn app.main:app --workers 4` or `fastapi run`)")
                .with_reference("https://www.uvicorn.org/deployment/"),
            );
        }
    }
    Launch {
        findings,
        facts,
        warnings,
        scanned,
    }
}

/// The first line that starts an ASGI server (`uvicorn`, through gunicorn's worker too, or
/// `fastapi run`), with the server's name.
fn server_line(text: &str) -> Option<(u32, &'static str)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let code = strip_comment(line);
        let server = if mentions_uvicorn(code) {
            "uvicorn"
        } else if code.contains("fastapi run") {
            "`fastapi run`"
        } else {
            return None;
        };
        Some((u32::try_from(i + 1).unwrap_or(u32::MAX), server))
    })
}

/// The 1-based lines that start a development server, with the flag found.
fn reload_lines(text: &str, kind: Kind) -> Vec<(u32, &'static str)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut logical = String::new();
    let mut start = 0usize;
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim();
        if logical.is_empty() {
            start = i;
        }
        if kind == Kind::Dockerfile {
            if line.starts_with('#') {
                continue;
            }
            if let Some(body) = line.strip_suffix('\\') {
                logical.push_str(body);
                logical.push(' ');
                continue;
            }
        }
        logical.push_str(line);
        let context_has_uvicorn = match kind {
            Kind::Compose => lines[i.saturating_sub(COMPOSE_WINDOW)..=i]
                .iter()
                .any(|l| mentions_uvicorn(strip_comment(l))),
            _ => mentions_uvicorn(strip_comment(&logical)),
        };
        let code = strip_comment(&logical);
        let found = if code.contains("fastapi dev") {
            Some("`fastapi dev`")
        } else if context_has_uvicorn && has_flag(code, "--reload") {
            Some("--reload")
        } else if context_has_uvicorn && has_flag(code, "--debug") {
            Some("--debug")
        } else {
            None
        };
        if let Some(flag) = found {
            let line_no = if kind == Kind::Dockerfile { start } else { i };
            out.push((u32::try_from(line_no + 1).unwrap_or(u32::MAX), flag));
        }
        logical.clear();
    }
    out
}

fn mentions_uvicorn(line: &str) -> bool {
    line.contains("uvicorn")
}

fn strip_comment(line: &str) -> &str {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') { "" } else { line }
}

/// Whether `flag` appears as an option (not as part of a longer word such as `--reloaded`).
fn has_flag(line: &str, flag: &str) -> bool {
    line.match_indices(flag).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + flag.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_continuations_and_exec_form() {
        let text = "FROM python:3.12\nCMD uvicorn app.main:app \\\n    --host 0.0.0.0 --reload\n";
        assert_eq!(reload_lines(text, Kind::Dockerfile), vec![(2, "--reload")]);
        let exec = "CMD [\"uvicorn\", \"app.main:app\", \"--reload\"]\n";
        assert_eq!(reload_lines(exec, Kind::Dockerfile), vec![(1, "--reload")]);
        let safe =
            "CMD [\"uvicorn\", \"app.main:app\", \"--workers\", \"4\"]\n# uvicorn --reload\n";
        assert!(reload_lines(safe, Kind::Dockerfile).is_empty());
    }

    #[test]
    fn compose_lists_and_procfiles() {
        let compose = "services:\n  api:\n    command:\n      - uvicorn\n      - app.main:app\n      - --reload\n";
        assert_eq!(reload_lines(compose, Kind::Compose), vec![(6, "--reload")]);
        assert_eq!(
            reload_lines("web: fastapi dev app/main.py\n", Kind::Procfile),
            vec![(1, "`fastapi dev`")]
        );
        assert!(reload_lines("web: gunicorn app:app --reloaded\n", Kind::Procfile).is_empty());
    }

    #[test]
    fn the_line_that_starts_the_server() {
        let text = "FROM python:3.12\n# uvicorn --reload\nCMD [\"uvicorn\", \"app.main:app\"]\n";
        assert_eq!(server_line(text), Some((3, "uvicorn")));
        assert_eq!(
            server_line("web: fastapi run app/main.py\n"),
            Some((1, "`fastapi run`"))
        );
        assert_eq!(server_line("web: gunicorn app.wsgi\n"), None);
    }

    #[test]
    fn development_files_are_not_read() {
        assert!(kind_of("Dockerfile.dev").is_none());
        assert!(kind_of("docker-compose.override.yml").is_none());
        assert!(kind_of("Dockerfile") == Some(Kind::Dockerfile));
        assert!(kind_of("Procfile") == Some(Kind::Procfile));
    }
}
