//! The env check: finds the dotenv files, resolves each variable's rule, and turns syntax
//! problems, missing variables and bad values into findings.
//!
//! The profile of a file is, in order: the one given on the command line, the one its name
//! implies (`.env.staging`), the policy's default. A variable's rule is the policy's when it
//! lists the variable, else the one its name implies ([`crate::infer`]). A variable is required
//! when the policy says so for the profile; when the policy does not list it, when the code
//! requires it or the example file lists it. The code is the code the file serves
//! ([`crate::scope`]), and only its reads that a deployment needs ([`usage::Usage::deploy_requires`]).
//! Values whose final text is unknown (a `${VAR}` the file does not define, a line that is not
//! UTF-8, a value encrypted by sops or dotenvx) are not judged.
//!
//! An encrypted file ([`crate::encrypted`]) gets one `info` finding saying so; a dotenv file
//! whose values alone are encrypted is still read for its names, so the policy's required
//! variables are still checked. A file that is binary or not dotenv at all gets one finding
//! instead of one per line, and a syntax problem repeated in one file is listed
//! [`CAPPED_AFTER`] times, then counted.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use preflight_findings::{
    Check, Fact, Finding, Location, LocationKind, Outcome, Project, Severity, Warning,
};

use crate::codes::{self, grade, severity_of};
use crate::dotenv::{self, Document, Entry, Problem, ProblemKind};
use crate::encrypted::{self, Encryption, Tool};
use crate::infer::{self, Context};
use crate::policy::{Config, Kind, Policy, PolicyError, Profile};
use crate::scope::{self, Links, Named, Scope};
use crate::usage::{self, CodeUsage};
use crate::values::{self, ValueContext};
use crate::{relative, strength};

/// Dotenv files larger than this are reported and skipped.
const MAX_ENV_BYTES: u64 = 8 * 1024 * 1024;

/// A syntax problem repeated in one file is listed this many times, then counted.
pub const CAPPED_AFTER: usize = 5;

/// The env check of `preflight env` and `preflight check`.
#[derive(Debug, Clone)]
pub struct EnvCheck {
    policy: Policy,
    profile: Option<Profile>,
    files: Vec<PathBuf>,
}

impl EnvCheck {
    /// A check built from the `[env]` section; fails with every policy error.
    pub fn new(config: &Config) -> Result<Self, Vec<PolicyError>> {
        Ok(EnvCheck::from_policy(Policy::compile(config)?))
    }

    /// A check of an already compiled policy.
    pub fn from_policy(policy: Policy) -> Self {
        EnvCheck {
            policy,
            profile: None,
            files: Vec::new(),
        }
    }

    /// Judges every file (and the environment) as `profile` instead of the profile the file
    /// name or the policy implies.
    pub fn with_profile(mut self, profile: Option<Profile>) -> Self {
        self.profile = profile;
        self
    }

    /// Checks these files instead of the policy's list or the discovered `.env*` files.
    pub fn with_files(mut self, files: Vec<PathBuf>) -> Self {
        self.files = files;
        self
    }

    /// The compiled policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    fn files(&self, root: &Path, named: &[Named]) -> Vec<PathBuf> {
        if !self.files.is_empty() {
            self.files
                .iter()
                .map(|f| {
                    if f.is_absolute() {
                        f.clone()
                    } else {
                        root.join(f)
                    }
                })
                .collect()
        } else if !self.policy.files.is_empty() {
            self.policy.files.iter().map(|f| root.join(f)).collect()
        } else {
            let mut files = discover(root);
            files.extend(scope::existing(root, named).into_iter().filter(|f| {
                f.file_name()
                    .is_some_and(|n| !is_example_name(&n.to_string_lossy()))
            }));
            // A project template's files hold the placeholders of the projects it generates.
            files.retain(|f| !usage::is_template_path(&relative(root, f)));
            files.sort();
            files.dedup();
            files
        }
    }

    fn code(&self, root: &Path) -> CodeUsage {
        if self.policy.scan_code {
            usage::scan(root)
        } else {
            CodeUsage::default()
        }
    }

    fn context<'a>(&'a self, root: &Path, code: &CodeUsage) -> Context<'a> {
        Context {
            policy: &self.policy,
            django: code.django || root.join("manage.py").is_file(),
        }
    }

    /// Checks the project's dotenv files.
    pub fn check_files(&self, root: &Path) -> Outcome {
        let mut outcome = Outcome::default();
        let code = self.code(root);
        outcome.warnings.extend(code.warnings.iter().cloned());
        let ctx = self.context(root, &code);
        let mut credentials = Vec::new();
        let links = Links::find(root, &code);
        let named = &links.named;
        let files = self.files(root, named);
        let all: Vec<String> = files.iter().map(|f| relative(root, f)).collect();
        for (file, shown) in files.iter().zip(&all) {
            let shown = shown.as_str();
            let serves = Scope::of(shown, &all, &links);
            let companions: Vec<Document> = serves
                .companions()
                .iter()
                .filter_map(|c| read_limited(&root.join(c)).ok())
                .map(|bytes| dotenv::parse(&bytes))
                .collect();
            let bytes = match read_limited(file) {
                Ok(bytes) => bytes,
                Err(message) => {
                    outcome.warnings.push(Warning::at(shown, message));
                    outcome.stats.skipped += 1;
                    continue;
                }
            };
            outcome.stats.scanned += 1;
            outcome.stats.bytes += bytes.len() as u64;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let profile = self
                .profile
                .or_else(|| Profile::from_file_name(&name))
                .or_else(|| profile_of_directory(shown))
                .unwrap_or(self.policy.default_profile);
            let encryption = encrypted::recognise(&bytes);
            let Some(document) = readable(shown, &bytes, encryption, profile, &mut outcome) else {
                continue;
            };
            let example = find_example(root, file).and_then(|path| {
                let bytes = read_limited(&path).ok()?;
                Some((relative(root, &path), dotenv::parse(&bytes)))
            });
            let input = Input {
                root,
                shown,
                kind: LocationKind::File,
                profile,
                document: &document,
                latest: document.latest(),
                example: example.as_ref().map(|(p, d)| (p.as_str(), d)),
                example_latest: example
                    .as_ref()
                    .map(|(_, d)| d.latest())
                    .unwrap_or_default(),
                code: &code,
                serves: Some(&serves),
                companion_names: companions
                    .iter()
                    .flat_map(|d| d.entries.iter().map(|e| e.key.as_str()))
                    .collect(),
                ctx,
                from_env: false,
                encryption,
            };
            let (syntax, capped) = cap(syntax_findings(shown, &document, profile), shown);
            outcome.findings.extend(syntax);
            outcome.stats.capped += capped;
            outcome
                .findings
                .extend(self.variable_findings(&input, &mut credentials));
        }
        outcome
            .findings
            .extend(shared_across_profiles(&credentials));
        outcome
    }

    /// Checks the process environment given as `vars` (normally `std::env::vars_os()`).
    pub fn check_environment(
        &self,
        root: &Path,
        vars: impl IntoIterator<Item = (OsString, OsString)>,
    ) -> Outcome {
        let mut outcome = Outcome::default();
        let code = self.code(root);
        outcome.warnings.extend(code.warnings.iter().cloned());
        let ctx = self.context(root, &code);
        let example = find_example(root, &root.join(".env")).and_then(|path| {
            let bytes = read_limited(&path).ok()?;
            Some((relative(root, &path), dotenv::parse(&bytes)))
        });
        let mut document = Document::default();
        for (key, value) in vars {
            let key = key.to_string_lossy().into_owned();
            let relevant = self.policy.vars.contains_key(&key)
                || code.vars.contains_key(&key)
                || example.as_ref().is_some_and(|(_, d)| d.get(&key).is_some())
                || (self.policy.infer
                    && infer::infer(&key, ctx).is_some_and(|inferred| inferred.specific));
            if !relevant {
                continue;
            }
            let lossy = value.to_str().is_none();
            document.entries.push(dotenv::Entry {
                key,
                value: value.to_string_lossy().into_owned(),
                quote: dotenv::Quote::None,
                line: 1,
                column: 1,
                end_line: 1,
                exported: false,
                unresolved: false,
                lossy,
            });
        }
        outcome.stats.scanned = 1;
        let profile = self.profile.unwrap_or(self.policy.default_profile);
        let input = Input {
            root,
            shown: "environment",
            kind: LocationKind::Environment,
            profile,
            document: &document,
            latest: document.latest(),
            example: example.as_ref().map(|(p, d)| (p.as_str(), d)),
            example_latest: example
                .as_ref()
                .map(|(_, d)| d.latest())
                .unwrap_or_default(),
            code: &code,
            serves: None,
            companion_names: HashSet::new(),
            ctx,
            from_env: true,
            encryption: None,
        };
        let mut credentials = Vec::new();
        outcome
            .findings
            .extend(self.variable_findings(&input, &mut credentials));
        outcome
    }

    fn rule(&self, name: &str, ctx: Context<'_>) -> Option<(Kind, Option<Vec<Profile>>)> {
        if let Some(rule) = self.policy.vars.get(name) {
            return Some((rule.kind.clone(), Some(rule.required_in.clone())));
        }
        if !self.policy.infer {
            return None;
        }
        infer::infer(name, ctx).map(|i| (i.kind, None))
    }

    fn variable_findings(
        &self,
        input: &Input<'_>,
        credentials: &mut Vec<Credential>,
    ) -> Vec<Finding> {
        let mut findings = Vec::new();
        let profile = input.profile;
        let mut names: BTreeSet<&str> = BTreeSet::new();
        names.extend(self.policy.vars.keys().map(String::as_str));
        names.extend(input.document.entries.iter().map(|e| e.key.as_str()));
        if let Some((_, example)) = input.example {
            names.extend(example.entries.iter().map(|e| e.key.as_str()));
        }
        names.extend(
            input
                .code
                .required(|usage| input.serves(usage))
                .map(|u| u.name.as_str()),
        );

        let mut by_value: HashMap<&str, (&str, u32)> = HashMap::new();
        for name in names {
            let rule = self.rule(name, input.ctx);
            let policy_required = rule.as_ref().and_then(|(_, r)| r.clone());
            let requirement = requirement(name, policy_required, profile, input);
            let entry = input.latest.get(name).copied();
            let Some(entry) = entry else {
                let companion = input.companion_names.contains(name);
                if let Some((severity, why)) = requirement.filter(|_| !companion) {
                    let message = format!("{name} is not set; {why}");
                    let help = if input.from_env {
                        format!("set {name} in the environment of the process")
                    } else {
                        format!("add a line `{name}=...` to {}", input.shown)
                    };
                    findings.push(
                        finding(input, codes::MISSING, severity, message, name, None)
                            .with_help(help),
                    );
                }
                continue;
            };
            let line = Some((entry.line, entry.column));
            if entry.unresolved
                || entry.lossy
                || input.encryption.is_some_and(|e| e.encrypts(&entry.value))
            {
                continue;
            }
            let value = entry.value.as_str();
            if input.from_env
                && let Some(tool) = encrypted::still_encrypted(value)
            {
                findings.push(
                    finding(
                        input,
                        codes::STILL_ENCRYPTED,
                        grade(profile, severity_of(codes::STILL_ENCRYPTED)),
                        format!(
                            "{name} holds a value still encrypted by {}: the application would read the ciphertext",
                            tool.name()
                        ),
                        name,
                        line,
                    )
                    .with_help(format!(
                        "decrypt the env file before the process starts (`{}`), or load the decrypted values into the environment",
                        match tool {
                            Tool::Dotenvx => "dotenvx run -- <command>",
                            _ => "sops exec-env <file> <command>",
                        }
                    )),
                );
                continue;
            }
            if value.trim().is_empty() {
                if let Some((severity, why)) = requirement {
                    findings.push(
                        finding(
                            input,
                            codes::EMPTY,
                            severity,
                            format!("{name} is empty; {why}"),
                            name,
                            line,
                        )
                        .with_help(fill_hint(name, rule.as_ref().map(|(k, _)| k))),
                    );
                }
                continue;
            }
            let Some((kind, _)) = rule else { continue };
            let judged = !matches!(
                kind,
                Kind::Bool { .. } | Kind::Int { .. } | Kind::Enum { .. }
            );
            if judged
                && !matches!(kind, Kind::DatabaseUrl { .. })
                && let Some(pattern) = strength::placeholder(value)
            {
                findings.push(
                    finding(
                        input,
                        codes::PLACEHOLDER,
                        grade(profile, severity_of(codes::PLACEHOLDER)),
                        format!(
                            "{name} is a placeholder ({}, matches `{pattern}`)",
                            strength::shape(value)
                        ),
                        name,
                        line,
                    )
                    .with_help(fill_hint(name, Some(&kind))),
                );
                continue;
            }
            let copied = input
                .example
                .and_then(|(path, _)| Some((path, *input.example_latest.get(name)?)))
                .filter(|(_, e)| e.value == value && !e.value.is_empty());
            let sensitive = kind.is_credential() || matches!(kind, Kind::DatabaseUrl { .. });
            if let (Some((example_path, example_entry)), true) = (copied, sensitive) {
                findings.push(
                    finding(
                        input,
                        codes::EXAMPLE_VALUE,
                        grade(profile, severity_of(codes::EXAMPLE_VALUE)),
                        format!(
                            "{name} is the value from {example_path} line {}, copied verbatim",
                            example_entry.line
                        ),
                        name,
                        line,
                    )
                    .with_help(fill_hint(name, Some(&kind))),
                );
                continue;
            }
            let vctx = ValueContext {
                name,
                profile,
                root: input.root,
            };
            for issue in values::check(&kind, value, &vctx) {
                let mut f = finding(input, issue.code, issue.severity, issue.message, name, line);
                if let Some(help) = issue.help {
                    f = f.with_help(help);
                }
                findings.push(f.with_detail("kind", kind.name()));
            }
            if is_secret_value(&kind) && value.chars().count() >= 8 {
                if let Some((other, other_line)) = by_value.get(value) {
                    let place = if input.from_env {
                        String::new()
                    } else {
                        format!(" (line {other_line})")
                    };
                    findings.push(
                        finding(
                            input,
                            codes::SECRET_REUSED,
                            grade(profile, severity_of(codes::SECRET_REUSED)),
                            format!("{name} holds the same secret as {other}{place}"),
                            name,
                            line,
                        )
                        .with_help(fill_hint(name, Some(&kind))),
                    );
                } else {
                    by_value.insert(value, (name, entry.line));
                }
                credentials.push(Credential {
                    path: input.shown.to_string(),
                    profile,
                    name: name.to_string(),
                    line: entry.line,
                    column: entry.column,
                    value: value.to_string(),
                });
            }
        }
        findings
    }
}

impl Check for EnvCheck {
    fn name(&self) -> &'static str {
        "env"
    }

    fn run(&self, project: &Project) -> Outcome {
        self.check_files(&project.root)
    }
}

/// One file (or the environment) being checked.
struct Input<'a> {
    root: &'a Path,
    shown: &'a str,
    kind: LocationKind,
    profile: Profile,
    document: &'a Document,
    /// The last assignment of each name in `document`.
    latest: HashMap<&'a str, &'a Entry>,
    example: Option<(&'a str, &'a Document)>,
    /// The last assignment of each name in the example.
    example_latest: HashMap<&'a str, &'a Entry>,
    code: &'a CodeUsage,
    /// The code a file serves; `None` for the environment, which serves all of it.
    serves: Option<&'a Scope>,
    /// The names set by the files a compose service names together with this one.
    companion_names: HashSet<&'a str>,
    ctx: Context<'a>,
    from_env: bool,
    /// How the file's values are encrypted, when they are.
    encryption: Option<Encryption>,
}

impl Input<'_> {
    /// Whether the file (or environment) being checked serves the code that makes `usage`: code
    /// in its scope, in a module of no profile or of the profile being checked.
    fn serves(&self, usage: &usage::Usage) -> bool {
        self.serves
            .is_none_or(|scope| scope.serves(&usage.path, &usage.name))
            && usage.profile.is_none_or(|p| p == self.profile)
    }
}

/// The profile a file's directory implies, for files named by compose such as
/// `.envs/.production/.django`.
/// `shown` is relative to the root, so the root's own name never counts.
fn profile_of_directory(shown: &str) -> Option<Profile> {
    let (dir, _) = shown.rsplit_once('/')?;
    let dir = dir.rsplit('/').next()?;
    Profile::from_file_name(&format!(".{}", dir.trim_start_matches('.')))
}

/// A secret value seen in a file, kept in memory to compare across profiles.
struct Credential {
    path: String,
    profile: Profile,
    name: String,
    line: u32,
    column: u32,
    value: String,
}

fn is_secret_value(kind: &Kind) -> bool {
    match kind {
        Kind::Secret { .. } => true,
        Kind::ApiKey { provider } => provider.is_none_or(|p| !p.is_identifier()),
        _ => false,
    }
}

fn finding(
    input: &Input<'_>,
    code: &'static str,
    severity: Severity,
    message: String,
    name: &str,
    line: Option<(u32, u32)>,
) -> Finding {
    let location = match (input.kind, line) {
        (LocationKind::Environment, _) => Location::whole(LocationKind::Environment, name),
        (_, Some((line, column))) => Location::file(input.shown, line, column),
        (kind, None) => Location::whole(kind, input.shown),
    };
    Finding::new(code, severity, message, location, name)
        .with_detail("variable", name)
        .with_detail("profile", input.profile.as_str())
}

/// Why `name` must be set, and how severe its absence is, if it must.
fn requirement(
    name: &str,
    policy_required: Option<Vec<Profile>>,
    profile: Profile,
    input: &Input<'_>,
) -> Option<(Severity, String)> {
    if let Some(required_in) = policy_required {
        // The policy lists the variable: it alone decides.
        return required_in.contains(&profile).then(|| {
            (
                Severity::High,
                format!("the policy requires it for {profile}"),
            )
        });
    }
    if let Some(usage) = input.code.requirement(name, |usage| input.serves(usage)) {
        return Some((
            grade(profile, Severity::High),
            format!(
                "the code requires it ({} at {}:{})",
                usage.how, usage.path, usage.line
            ),
        ));
    }
    let (path, _) = input.example?;
    let entry = input.example_latest.get(name)?;
    Some((
        grade(profile, Severity::Medium),
        format!("{path} lists it on line {}", entry.line),
    ))
}

fn fill_hint(name: &str, kind: Option<&Kind>) -> String {
    match kind {
        Some(Kind::Secret { min_length, django }) => values::generate_hint(*django, *min_length),
        Some(Kind::ApiKey { .. }) => {
            format!("set {name} to the real credential from the provider's dashboard")
        }
        _ => format!("set {name} to its real value"),
    }
}

fn shared_across_profiles(credentials: &[Credential]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut seen: HashMap<&str, Vec<&Credential>> = HashMap::new();
    for credential in credentials {
        let earlier = seen.entry(credential.value.as_str()).or_default();
        if let Some(other) = earlier.iter().find(|c| c.profile != credential.profile) {
            let severity = if credential.profile == Profile::Production
                || other.profile == Profile::Production
            {
                Severity::High
            } else {
                Severity::Medium
            };
            findings.push(
                Finding::new(
                    codes::SECRET_SHARED,
                    severity,
                    format!(
                        "{} ({}) is the same secret as {} in {} line {} ({}); each environment needs its own",
                        credential.name,
                        credential.profile,
                        other.name,
                        other.path,
                        other.line,
                        other.profile
                    ),
                    Location::file(&credential.path, credential.line, credential.column),
                    &credential.name,
                )
                .with_help(
                    "generate a separate value for each environment (`preflight gen secret --hex 32`) and rotate the shared one",
                )
                .with_detail("variable", credential.name.as_str()),
            );
        }
        earlier.push(credential);
    }
    findings
}

/// The document to check in the file `shown`, or `None` when there is none to check: the file
/// is encrypted whole or in a form other than dotenv, binary, or not dotenv at all; each of
/// these gets its one finding (and an encrypted file its fact) in `outcome`. The metadata of an
/// encrypted dotenv file (`sops_*`, `DOTENV_PUBLIC_KEY*`) is left out of the document.
fn readable(
    shown: &str,
    bytes: &[u8],
    encryption: Option<Encryption>,
    profile: Profile,
    outcome: &mut Outcome,
) -> Option<Document> {
    let location = Location::whole(LocationKind::File, shown);
    if let Some(encryption) = encryption {
        return encrypted_document(bytes, encryption, location, profile, outcome);
    }
    let kind = match dotenv::binary_kind(bytes) {
        Some(kind) => kind,
        None => {
            let document = dotenv::parse(bytes);
            match dotenv::foreign_kind(bytes, &document) {
                Some(kind) => kind.to_string(),
                None => return Some(document),
            }
        }
    };
    outcome.findings.push(
        Finding::new(
            codes::NOT_DOTENV,
            grade(profile, severity_of(codes::NOT_DOTENV)),
            format!(
                "this file is named like an env file but is not dotenv: it looks like {kind}; its lines were not checked one by one"
            ),
            location,
            "not-dotenv",
        )
        .with_help(
            "rename the file if it is something else, or restore it if it was overwritten; env files hold NAME=value lines",
        )
        .with_detail("looks_like", kind)
        .with_detail("profile", profile.as_str()),
    );
    None
}

/// The document of an encrypted file, after its fact and its `info` finding are recorded in
/// `outcome`: the names of a dotenv file whose values alone are encrypted, its tool's metadata
/// left out; `None` for any other encrypted file.
fn encrypted_document(
    bytes: &[u8],
    encryption: Encryption,
    location: Location,
    profile: Profile,
    outcome: &mut Outcome,
) -> Option<Document> {
    outcome.facts.push(Fact::new(
        "env",
        location.clone(),
        format!("encrypted with {encryption}"),
    ));
    let tool = encryption.tool.name();
    let message = if !encryption.values_only() {
        format!(
            "this env file is encrypted whole with {tool}; its variables and values cannot be judged here"
        )
    } else if encryption.is_dotenv() {
        format!(
            "the values of this env file are encrypted with {tool}; their shape, placeholders and strength cannot be judged here (the names can: required variables are still checked)"
        )
    } else {
        format!(
            "the values of this file are encrypted with {encryption}; they cannot be judged here"
        )
    };
    outcome.findings.push(
        Finding::new(
            codes::ENCRYPTED,
            Severity::Info,
            message,
            location.clone(),
            "encrypted",
        )
        .with_help(
            "judge the values where they are decrypted: run `preflight env --from-env` in the deploy step, after the secrets are loaded into the environment",
        )
        .with_detail("encryption", encryption.to_string())
        .with_detail("profile", profile.as_str()),
    );
    if !encryption.is_dotenv() {
        return None;
    }
    let mut document = dotenv::parse(bytes);
    document.entries.retain(|e| !encryption.is_metadata(&e.key));
    document.problems.retain(|p| {
        p.key
            .as_deref()
            .is_none_or(|key| !encryption.is_metadata(key))
    });
    Some(document)
}

/// `findings` with each code listed at most [`CAPPED_AFTER`] times: the rest of a code become
/// one finding for the whole file `shown` that counts them. Returns the findings and how many
/// were folded into counts.
fn cap(findings: Vec<Finding>, shown: &str) -> (Vec<Finding>, u64) {
    /// The findings of one code past the first [`CAPPED_AFTER`].
    struct Rest {
        code: String,
        severity: Severity,
        first: u32,
        last: u32,
        count: u64,
        profile: Option<String>,
    }
    let mut kept = Vec::with_capacity(findings.len().min(64));
    let mut rests: Vec<Rest> = Vec::new();
    let mut listed: HashMap<String, usize> = HashMap::new();
    for finding in findings {
        let seen = listed.entry(finding.id.clone()).or_default();
        *seen += 1;
        if *seen <= CAPPED_AFTER {
            kept.push(finding);
            continue;
        }
        let line = finding.location.line.unwrap_or(0);
        match rests.iter_mut().find(|r| r.code == finding.id) {
            Some(rest) => {
                rest.severity = rest.severity.max(finding.severity);
                rest.first = rest.first.min(line);
                rest.last = rest.last.max(line);
                rest.count += 1;
            }
            None => rests.push(Rest {
                code: finding.id,
                severity: finding.severity,
                first: line,
                last: line,
                count: 1,
                profile: finding.details.get("profile").cloned(),
            }),
        }
    }
    let mut capped = 0;
    for rest in rests {
        capped += rest.count;
        let mut finding = Finding::new(
            rest.code,
            rest.severity,
            format!(
                "{} further lines have this problem (lines {} to {}), counted here instead of listed; the first {CAPPED_AFTER} are listed with their lines",
                rest.count, rest.first, rest.last
            ),
            Location::whole(LocationKind::File, shown),
            "capped",
        )
        .with_help("fix the lines listed, then run the check again to see the rest")
        .with_detail("capped", rest.count.to_string());
        if let Some(profile) = rest.profile {
            finding = finding.with_detail("profile", profile);
        }
        kept.push(finding);
    }
    (kept, capped)
}

fn syntax_findings(shown: &str, document: &Document, profile: Profile) -> Vec<Finding> {
    document
        .problems
        .iter()
        .map(|problem| syntax_finding(shown, problem, profile))
        .collect()
}

fn syntax_finding(shown: &str, problem: &Problem, profile: Profile) -> Finding {
    let var = problem.key.as_deref().unwrap_or("");
    let named = if var.is_empty() || !dotenv::is_valid_name(var) {
        "the variable".to_string()
    } else {
        var.to_string()
    };
    let (code, message, help): (&str, String, &str) = match &problem.kind {
        ProblemKind::Bom => (
            codes::BOM,
            "the file starts with a byte-order mark; python-dotenv reads it as part of the first variable's name".into(),
            "save the file as UTF-8 without BOM",
        ),
        ProblemKind::Crlf => (
            codes::CRLF,
            "lines end with CRLF (first here); a shell that sources the file keeps `\\r` at the end of each value".into(),
            "convert the file to LF line endings (`dos2unix`)",
        ),
        ProblemKind::NotUtf8 => (
            codes::NOT_UTF8,
            "this line is not valid UTF-8; its value was not checked".into(),
            "save the file as UTF-8",
        ),
        ProblemKind::DuplicateKey { first_line } => (
            codes::DUPLICATE_KEY,
            format!("{named} is assigned again (first on line {first_line}); the later value silently wins"),
            "delete one of the assignments",
        ),
        ProblemKind::InvalidName => (
            codes::INVALID_NAME,
            format!("`{}` is not a valid variable name", printable_name(var)),
            "use letters, digits and `_`, starting with a letter or `_`",
        ),
        ProblemKind::UnbalancedQuote => (
            codes::UNBALANCED_QUOTE,
            format!("the quote opening {named}'s value is never closed"),
            "close the quote at the end of the value",
        ),
        ProblemKind::SpaceAroundEquals => (
            codes::SPACE_AROUND_EQUALS,
            format!("whitespace around `=` after {named}; shells that source the file fail on it"),
            "write NAME=value with no spaces around `=`",
        ),
        ProblemKind::UnquotedSpace => (
            codes::UNQUOTED_SPACE,
            format!("{named}'s value contains whitespace but is not quoted"),
            "put the value in quotes",
        ),
        ProblemKind::ExportPrefix => (
            codes::EXPORT_PREFIX,
            "the line starts with `export`; python-dotenv and compose drop it, but other readers may not".into(),
            "remove `export` unless the file is also sourced by a shell",
        ),
        ProblemKind::MissingEquals => (
            codes::MISSING_EQUALS,
            format!("{named} has no `=`, so it has no value"),
            "write NAME=value",
        ),
        ProblemKind::TrailingCharacters => (
            codes::TRAILING_CHARACTERS,
            format!("text follows the closing quote of {named}'s value and is ignored or rejected"),
            "move the text inside the quotes or after a ` #` comment",
        ),
        ProblemKind::UnterminatedReference => (
            codes::BAD_REFERENCE,
            format!("{named}'s value has `${{` without a closing `}}`"),
            "close the reference, or write `$$` for a literal `$` in compose files",
        ),
        ProblemKind::UndefinedReference { name } => (
            codes::BAD_REFERENCE,
            format!("{named} refers to ${{{}}}, which this file does not define; its value depends on the shell", printable_name(name)),
            "define the variable earlier in the file or give a default with `${NAME:-default}`",
        ),
    };
    let severity = grade(profile, severity_of(code));
    Finding::new(
        code,
        severity,
        message,
        Location::file(shown, problem.line, problem.column),
        &format!("{var}:{}", problem.line),
    )
    .with_help(help)
    .with_detail("profile", profile.as_str())
}

/// A name for a message: at most 64 characters, control characters removed.
/// A name as a message may quote it: as it is when it looks like a name (a short run of letters,
/// digits, `_`, `.` and `-`), else only its redacted preview, since a line that does not parse
/// as `NAME=value` is often a value pasted on a line of its own.
fn printable_name(name: &str) -> String {
    let name_like = name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if name_like {
        name.to_string()
    } else {
        preflight_findings::quote_line(name)
    }
}

fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !metadata.is_file() {
        return Err("not a regular file".into());
    }
    if metadata.len() > MAX_ENV_BYTES {
        return Err(format!(
            "{} bytes is too large for a dotenv file; not checked",
            metadata.len()
        ));
    }
    std::fs::read(path).map_err(|e| format!("cannot read: {e}"))
}

/// Whether a file name is an example or template rather than a real configuration.
pub fn is_example_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["example", "sample", "template", "dist", "tpl", "defaults"]
        .iter()
        .any(|w| lower.split(['.', '-', '_']).any(|part| part == *w))
}

/// The project's dotenv files: `.env`, `.env.*` and `*.env` up to three levels deep, except
/// examples and templates, in path order.
pub fn discover(root: &Path) -> Vec<PathBuf> {
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .max_depth(Some(3))
        .filter_entry(|entry| {
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && [
                    ".git",
                    "node_modules",
                    "venv",
                    ".venv",
                    "target",
                    "dist",
                    "build",
                    "__pycache__",
                    "site-packages",
                ]
                .iter()
                .any(|d| entry.file_name() == *d))
        })
        .build();
    let mut files: Vec<PathBuf> = walker
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            (name == ".env" || name.starts_with(".env.") || name.ends_with(".env"))
                && !is_example_name(&name)
        })
        .map(ignore::DirEntry::into_path)
        .collect();
    files.sort();
    files
}

/// The example file that documents `file`: `<name>.example` beside it, else `.env.example`
/// (or `.sample`, `.template`) beside it or at the root.
pub fn find_example(root: &Path, file: &Path) -> Option<PathBuf> {
    let dir = file.parent().unwrap_or(root);
    let name = file.file_name()?.to_string_lossy().into_owned();
    let mut candidates: Vec<PathBuf> = ["example", "sample", "template"]
        .iter()
        .map(|suffix| dir.join(format!("{name}.{suffix}")))
        .collect();
    for base in [dir, root] {
        for generic in [
            ".env.example",
            ".env.sample",
            ".env.template",
            "env.example",
        ] {
            candidates.push(base.join(generic));
        }
    }
    candidates.into_iter().find(|c| c.is_file() && c != file)
}
