//! From outcomes to a report on screen or in a file, and the exit status.
//!
//! Every reporting subcommand ends here: the user's filters (configuration and flags) go into a
//! [`Sink`], the report is rendered in the chosen format, and the exit status says whether a
//! finding reached `--fail-on`.

use std::fs::OpenOptions;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use preflight_findings::{Baseline, Filters, Outcome, Report, SafeText, Severity, Sink};
use preflight_report::{Format, RenderOptions, RuleDoc};

use crate::cli::{ColorArg, FormatArg, GlobalArgs};
use crate::config::Config;

/// What a subcommand knows about the report it hands over.
#[derive(Debug, Default)]
pub struct Context {
    /// Every rule or code that may appear, for SARIF's rule table.
    pub rules: Vec<RuleDoc>,
    /// The names of the checks that ran, for the Markdown checklist.
    pub checks_run: Vec<String>,
    /// The scanned root, shown in headers.
    pub root: Option<String>,
}

/// Filters `outcome`, renders the report and returns the exit status.
pub fn report(
    global: &GlobalArgs,
    config: &Config,
    outcome: Outcome,
    context: Context,
) -> anyhow::Result<ExitCode> {
    let previous = load_baseline(global, config)?;
    let mut filters = base_filters(global, config)?;
    // Writing a baseline records every current finding, including those the old baseline hid.
    if global.write_baseline.is_none()
        && let Some(baseline) = previous.clone()
    {
        filters = filters.with_baseline(baseline);
    }
    let mut sink = Sink::new(filters);
    sink.accept(outcome);
    let mut report = sink.finish();
    report.scrub_for_display();

    if let Some(path) = &global.write_baseline {
        let baseline = Baseline::record(&report.findings, previous.as_ref());
        write_private(path, baseline.to_json().as_bytes())
            .with_context(|| format!("cannot write baseline {}", path.display()))?;
        notice(
            global,
            &format!(
                "recorded {} findings in {}",
                baseline.entries.len(),
                path.display()
            ),
        );
    }

    render(global, &report, context)?;

    let fail_on = global.fail_on.or(config.fail_on).unwrap_or(Severity::Low);
    if global.write_baseline.is_none() && report.fails(fail_on) {
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// The user's filters from the configuration and the flags, with the baseline, for subcommands
/// that run the sink themselves.
pub fn filters(global: &GlobalArgs, config: &Config) -> anyhow::Result<Filters> {
    let filters = base_filters(global, config)?;
    Ok(match load_baseline(global, config)? {
        Some(baseline) => filters.with_baseline(baseline),
        None => filters,
    })
}

/// The baseline of `--baseline`, else of the configuration's `baseline` if that file exists.
fn load_baseline(global: &GlobalArgs, config: &Config) -> anyhow::Result<Option<Baseline>> {
    let path = match (&global.baseline, &config.baseline) {
        (Some(path), _) => path.clone(),
        (None, Some(path)) if config.resolve(path).exists() => config.resolve(path),
        _ => return Ok(None),
    };
    Baseline::load(&path)
        .map(Some)
        .context("cannot use the baseline")
}

/// Disabled ids, severity overrides, allowlists and the threshold.
fn base_filters(global: &GlobalArgs, config: &Config) -> anyhow::Result<Filters> {
    let mut filters = Filters::default()
        .disable(config.disable.iter().cloned())
        .allow_paths(&config.allowlist.paths)?
        .allow_values(&config.allowlist.values)?;
    for (id, severity) in &config.severity {
        filters = filters.override_severity(id.clone(), *severity);
    }
    let threshold = global
        .min_severity
        .or(config.min_severity)
        .unwrap_or(Severity::Info);
    Ok(filters.threshold(threshold))
}

fn render(global: &GlobalArgs, report: &Report, context: Context) -> anyhow::Result<()> {
    let format = match global.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Html => Format::Html,
    };
    let to_terminal = global.output.is_none() && std::io::stdout().is_terminal();
    let options = RenderOptions {
        show_secrets: global.show_secrets,
        explain: global.explain,
        color: use_color(global.color, to_terminal),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        rules: context.rules,
        root: context
            .root
            .map(|root| preflight_findings::scrub(&root).into_owned()),
        checks_run: context.checks_run,
    };
    let mut text = Vec::new();
    preflight_report::render(report, format, &options, &mut text)?;
    match &global.output {
        Some(path) => write_private(path, &text)
            .with_context(|| format!("cannot write the report to {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            // A reader that stopped early (`| head`) has what it wanted; the exit status still
            // reports the findings.
            if let Err(e) = stdout.write_all(&text).and_then(|()| stdout.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(e.into());
            }
        }
    }
    if format != Format::Human || global.output.is_some() {
        for warning in &report.warnings {
            notice(global, &format!("warning: {warning}"));
        }
    }
    Ok(())
}

/// Whether to colour: never with `NO_COLOR` set, else as `--color` says.
fn use_color(choice: ColorArg, to_terminal: bool) -> bool {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => to_terminal,
    }
}

/// Writes a file only its owner can read: reports and baselines may describe secrets.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    // `mode` applies only when the file is created; an existing report keeps no wider access.
    // Only regular files: `-o /dev/null` must not change the device.
    #[cfg(unix)]
    if file.metadata()?.is_file() {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(bytes)?;
    file.flush()
}

/// A line on standard error, unless `--quiet`; what it quotes is scrubbed as messages are.
pub fn notice(global: &GlobalArgs, message: &str) {
    if !global.quiet {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("preflight: {}", SafeText::from(message));
        }
    }
}

/// A progress line on standard error for work that takes more than a second: the current step
/// and the time spent, redrawn in place, and only when standard error is a terminal (never in
/// pipes, CI logs or with `--quiet`).
pub struct Progress {
    shown: Option<Shown>,
}

/// The line being drawn: its current step, and the thread that redraws it until told to stop.
struct Shown {
    step: Arc<Mutex<String>>,
    stop: mpsc::Sender<()>,
    drawer: thread::JoinHandle<()>,
}

impl Progress {
    /// Starts showing progress, if standard error is a terminal and `--quiet` is not given.
    pub fn start(global: &GlobalArgs) -> Progress {
        if global.quiet || !std::io::stderr().is_terminal() {
            return Progress { shown: None };
        }
        let step = Arc::new(Mutex::new(String::new()));
        let (stop, stopped) = mpsc::channel();
        let shown = Arc::clone(&step);
        let drawer = thread::spawn(move || {
            let started = Instant::now();
            let mut drawn = false;
            while let Err(mpsc::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(Duration::from_millis(250))
            {
                if started.elapsed() < Duration::from_secs(1) {
                    continue;
                }
                let step = shown.lock().map(|s| s.clone()).unwrap_or_default();
                let mut stderr = std::io::stderr().lock();
                let _ = write!(
                    stderr,
                    "\r\x1b[2Kpreflight: {step} ({:.0} s)",
                    started.elapsed().as_secs_f64()
                );
                let _ = stderr.flush();
                drawn = true;
            }
            if drawn {
                let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            }
        });
        Progress {
            shown: Some(Shown { step, stop, drawer }),
        }
    }

    /// Names the current step.
    pub fn step(&self, step: &str) {
        if let Some(shown) = &self.shown
            && let Ok(mut current) = shown.step.lock()
        {
            *current = SafeText::from(step).to_string();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(shown) = self.shown.take() {
            let _ = shown.stop.send(());
            let _ = shown.drawer.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn reports_are_owner_only_even_over_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        write_private(&path, b"{}").unwrap();
        assert_eq!(mode(&path), 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&path, b"{}").unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
    }

    #[test]
    fn writing_to_a_device_leaves_its_mode_alone() {
        let before = mode(Path::new("/dev/null"));
        write_private(Path::new("/dev/null"), b"discarded").unwrap();
        assert_eq!(mode(Path::new("/dev/null")), before);
    }
}
