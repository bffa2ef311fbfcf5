//! Compose files: each service's environment, ports, privileges, volumes, env files and image.
//!
//! The file is read as a YAML tree ([`crate::yaml`]) so that anchors and merge keys
//! (`<<: *default`) give a service what it inherits, and every finding has the line of the value
//! it is about. Both syntaxes compose accepts are read: `environment:` as a map or a list of
//! `NAME=value`, `ports:` as `"[ip:][host:]container[/proto]"` strings or as mappings with
//! `target`, `published` and `host_ip`, `volumes:` and `env_file:` likewise.
//!
//! What a deployed file does right is kept as facts, the checklist's evidence: a database port
//! bound to loopback or not published at all, a secret taken from a variable, an env file git
//! does not track, a pinned image, and no service with host privileges.

use std::path::{Path, PathBuf};

use preflight_findings::{Fact, Finding, Warning};

use crate::codes::{
    COMPOSE_CAPABILITY, COMPOSE_DOCKER_SOCKET, COMPOSE_ENV_FILE_TRACKED, COMPOSE_HOST_NETWORK,
    COMPOSE_PORT_PUBLISHED, COMPOSE_PRIVILEGED, COMPOSE_SECRET_IN_ENVIRONMENT, IMAGE_UNPINNED,
};
use crate::emit::Emitter;
use crate::names::{self, Pin};
use crate::tracked::{Tracked, normalize};
use crate::yaml::{self, Document};

/// Container ports of databases, caches and brokers, with the service they belong to.
const DATA_PORTS: &[(u32, &str)] = &[
    (5432, "PostgreSQL"),
    (3306, "MySQL"),
    (33060, "MySQL X protocol"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (27017, "MongoDB"),
    (27018, "MongoDB"),
    (6379, "Redis"),
    (11211, "Memcached"),
    (9200, "Elasticsearch"),
    (9300, "Elasticsearch transport"),
    (5672, "RabbitMQ"),
    (15672, "RabbitMQ management"),
    (5984, "CouchDB"),
    (9042, "Cassandra"),
    (8086, "InfluxDB"),
    (2379, "etcd"),
    (9092, "Kafka"),
    (2181, "ZooKeeper"),
    (26257, "CockroachDB"),
    (7687, "Neo4j"),
    (8529, "ArangoDB"),
    (4222, "NATS"),
    (6333, "Qdrant"),
    (8123, "ClickHouse"),
];

/// Images of databases, caches and brokers (the last part of the name, before the tag), for
/// the fact that such a service publishes no port.
const DATA_IMAGES: &[&str] = &[
    "postgres",
    "postgis",
    "mysql",
    "mariadb",
    "mongo",
    "redis",
    "valkey",
    "memcached",
    "rabbitmq",
    "elasticsearch",
    "opensearch",
    "couchdb",
    "cassandra",
    "clickhouse-server",
];

/// The codes whose absence from a whole file the host-privilege fact records.
const HOST_PRIVILEGES: &[&str] = &[
    COMPOSE_PRIVILEGED,
    COMPOSE_CAPABILITY,
    COMPOSE_DOCKER_SOCKET,
    COMPOSE_HOST_NETWORK,
];

/// Capabilities that let a container take over its host.
const HOST_CAPABILITIES: &[&str] = &["ALL", "SYS_ADMIN", "SYS_MODULE"];

/// The detail of a `container.compose-env-file-tracked` finding that names the env file,
/// relative to the project.
pub const ENV_FILE_DETAIL: &str = "env-file";

/// A Dockerfile that a compose service builds, with its context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// The Dockerfile.
    pub dockerfile: PathBuf,
    /// The build context directory.
    pub context: PathBuf,
    /// The stage that is built (`build.target`), when one is named.
    pub target: Option<String>,
}

/// What one compose file yields.
#[derive(Debug, Default)]
pub struct ComposeOutcome {
    /// The findings.
    pub findings: Vec<Finding>,
    /// What passed, as evidence (none for a development file).
    pub facts: Vec<Fact>,
    /// Problems reading the file.
    pub warnings: Vec<Warning>,
    /// The Dockerfiles its services build.
    pub builds: Vec<Build>,
}

/// Where a compose file is.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The file as shown in findings.
    pub shown: &'a str,
    /// Its directory, which relative paths in it start from.
    pub dir: &'a Path,
    /// Whether it only serves development.
    pub development: bool,
}

/// Checks the text of one compose file.
pub fn check(text: &str, source: &Source<'_>, tracked: Option<&Tracked>) -> ComposeOutcome {
    let mut out = ComposeOutcome::default();
    let doc = match yaml::parse(text) {
        Ok(doc) => doc,
        Err(err) => {
            out.warnings.push(Warning::at_line(
                source.shown,
                err.line,
                format!("not valid YAML ({}); the file was not checked", err.message),
            ));
            return out;
        }
    };
    let development = source.development || runs_development_server(&doc);
    let mut emit = Emitter::new(source.shown, development);
    let mut service_count = 0;
    for &root in &doc.roots {
        let Some(services) = doc.get(root, "services") else {
            continue;
        };
        for (name, service) in doc.entries(services) {
            if doc.is_mapping(service) {
                service_count += 1;
                let ctx = Service {
                    doc: &doc,
                    name: &name,
                    id: service,
                    source,
                };
                ctx.check(&mut emit, tracked, &mut out.builds);
            }
        }
    }
    if doc.exhausted() {
        out.warnings.push(Warning::at(
            source.shown,
            "merge keys nest too deeply or too often; some inherited settings were not checked",
        ));
    }
    if service_count > 0 && !HOST_PRIVILEGES.iter().any(|code| emit.reported(code)) {
        let message = format!(
            "{}: none is privileged, adds a host-level capability, mounts the Docker socket or shares the host's network",
            if service_count == 1 {
                "1 service".to_string()
            } else {
                format!("{service_count} services")
            }
        );
        emit.fact(COMPOSE_PRIVILEGED, None, message);
    }
    out.findings = emit.findings;
    out.facts = emit.facts;
    out
}

/// Whether a service of `doc` starts a development server (`manage.py runserver`, `--reload`)
/// or names development settings (`DJANGO_SETTINGS_MODULE: app.settings.dev`): then the whole
/// file is a developer's setup, whatever its name, and its literal passwords are local ones.
fn runs_development_server(doc: &Document) -> bool {
    let scalars = |id: usize| -> Vec<&str> {
        match doc.items(id) {
            Some(items) => items.iter().filter_map(|&i| doc.scalar(i)).collect(),
            None => doc.scalar(id).into_iter().collect(),
        }
    };
    doc.roots
        .iter()
        .filter_map(|&root| doc.get(root, "services"))
        .flat_map(|services| doc.entries(services))
        .filter(|(_, service)| doc.is_mapping(*service))
        .any(|(_, service)| {
            let runs = ["command", "entrypoint"].iter().any(|key| {
                doc.get(service, key)
                    .is_some_and(|id| names::is_development_command(&scalars(id).join(" ")))
            });
            let settings = doc.get(service, "environment").is_some_and(|env| {
                if doc.is_mapping(env) {
                    doc.entries(env).iter().any(|(name, value)| {
                        doc.scalar(*value)
                            .is_some_and(|v| names::is_development_settings(name, v))
                    })
                } else {
                    scalars(env).iter().any(|item| {
                        item.split_once('=')
                            .is_some_and(|(n, v)| names::is_development_settings(n.trim(), v))
                    })
                }
            });
            runs || settings
        })
}

struct Service<'a> {
    doc: &'a Document,
    name: &'a str,
    id: usize,
    source: &'a Source<'a>,
}

impl Service<'_> {
    fn check(&self, emit: &mut Emitter<'_>, tracked: Option<&Tracked>, builds: &mut Vec<Build>) {
        self.environment(emit);
        self.ports(emit);
        self.flags(emit);
        self.volumes(emit);
        if let Some(tracked) = tracked {
            self.env_files(emit, tracked);
        }
        self.build(builds);
        self.image(emit);
    }

    fn get(&self, key: &str) -> Option<usize> {
        self.doc.get(self.id, key)
    }

    fn scalar(&self, key: &str) -> Option<(&str, u32)> {
        let id = self.get(key)?;
        Some((self.doc.scalar(id)?, self.doc.line(id)))
    }

    /// The scalar items of a sequence value, or the value itself when it is one scalar.
    fn list(&self, key: &str) -> Vec<(usize, u32)> {
        let Some(id) = self.get(key) else {
            return Vec::new();
        };
        match self.doc.items(id) {
            Some(items) => items.iter().map(|&i| (i, self.doc.line(i))).collect(),
            None => vec![(id, self.doc.line(id))],
        }
    }

    fn environment(&self, emit: &mut Emitter<'_>) {
        let Some(env) = self.get("environment") else {
            return;
        };
        let mut pairs: Vec<(String, String, u32)> = Vec::new();
        if self.doc.is_mapping(env) {
            for (name, value) in self.doc.entries(env) {
                if let Some(text) = self.doc.scalar(value) {
                    pairs.push((name.into_owned(), text.to_string(), self.doc.line(value)));
                }
            }
        } else if let Some(items) = self.doc.items(env) {
            for &item in items {
                if let Some((name, value)) = self.doc.scalar(item).and_then(|t| t.split_once('=')) {
                    pairs.push((
                        name.trim().to_string(),
                        value.to_string(),
                        self.doc.line(item),
                    ));
                }
            }
        }
        for (name, value, line) in pairs {
            if names::name_kind(&name) == names::NameKind::Secret && names::is_reference(&value) {
                emit.fact(
                    COMPOSE_SECRET_IN_ENVIRONMENT,
                    Some(line),
                    format!(
                        "service `{}` takes `{name}` from a variable, not a literal",
                        self.name
                    ),
                );
            }
            if names::is_literal_secret(&name, &value) {
                emit.push(
                    COMPOSE_SECRET_IN_ENVIRONMENT,
                    Some(line),
                    &format!("{}:{name}", self.name),
                    format!(
                        "service `{}` sets `{name}` to a literal value in `environment:` (value not shown); compose files are committed and shared, so the secret travels with this one",
                        self.name
                    ),
                    "move it to an env file git ignores (`env_file: .env.docker`, from `.env.docker.example`, as the deployment guide asks) or a compose `secrets:` entry, reference it as `${NAME}`, and rotate the value",
                );
            }
        }
    }

    fn ports(&self, emit: &mut Emitter<'_>) {
        let Some(ports) = self.get("ports").and_then(|id| self.doc.items(id)) else {
            if let Some((image, line)) = self.scalar("image")
                && is_data_image(image)
            {
                emit.fact(
                    COMPOSE_PORT_PUBLISHED,
                    Some(line),
                    format!(
                        "service `{}` (`{image}`) publishes no port; other services reach it on the compose network",
                        self.name
                    ),
                );
            }
            return;
        };
        for &item in ports {
            let line = self.doc.line(item);
            let (shown, publish) = if let Some(text) = self.doc.scalar(item) {
                (text.to_string(), short_port(text))
            } else if self.doc.is_mapping(item) {
                let field = |k: &str| self.doc.get(item, k).and_then(|v| self.doc.scalar(v));
                let publish = field("target").and_then(|target| {
                    let ip = field("host_ip").unwrap_or("");
                    Some(Publish {
                        ports: port_range(target)?,
                        all_interfaces: is_all_interfaces(ip)?,
                    })
                });
                let shown = format!(
                    "target: {}{}",
                    field("target").unwrap_or("?"),
                    field("host_ip")
                        .map(|ip| format!(", host_ip: {ip}"))
                        .unwrap_or_default()
                );
                (shown, publish)
            } else {
                continue;
            };
            let Some(publish) = publish else { continue };
            let Some(&(port, what)) = DATA_PORTS
                .iter()
                .find(|(p, _)| (publish.ports.0..=publish.ports.1).contains(p))
            else {
                continue;
            };
            if !publish.all_interfaces {
                emit.fact(
                    COMPOSE_PORT_PUBLISHED,
                    Some(line),
                    format!(
                        "service `{}` publishes {what} (container port {port}) on one address only (`{shown}`)",
                        self.name
                    ),
                );
                continue;
            }
            emit.push(
                COMPOSE_PORT_PUBLISHED,
                Some(line),
                &format!("{}:{port}", self.name),
                format!(
                    "service `{}` publishes {what} (container port {port}) on all interfaces (`{shown}`), reachable from any network the host is on; Docker's port rules bypass host firewalls such as ufw",
                    self.name
                ),
                "drop `ports:` (services on the compose network reach it by name), or bind to loopback: `127.0.0.1:5432:5432`; the guides ask to limit database access by network and IP address",
            );
        }
    }

    fn flags(&self, emit: &mut Emitter<'_>) {
        if let Some((value, line)) = self.scalar("privileged")
            && matches!(value, "true" | "True" | "TRUE")
        {
            emit.push(
                COMPOSE_PRIVILEGED,
                Some(line),
                &format!("{}:privileged", self.name),
                format!(
                    "service `{}` runs with `privileged: true`: every device and capability of the host, so root in it is root on the host",
                    self.name
                ),
                "remove `privileged: true` and grant only the capability or device the service needs (`cap_add: [NET_BIND_SERVICE]`, `devices:`)",
            );
        }
        if let Some((value, line)) = self.scalar("network_mode")
            && value == "host"
        {
            emit.push(
                COMPOSE_HOST_NETWORK,
                Some(line),
                &format!("{}:network_mode", self.name),
                format!(
                    "service `{}` uses `network_mode: host`: every port it listens on is open on the host's interfaces, with no `ports:` to limit it",
                    self.name
                ),
                "use the default bridge network and publish only the ports needed, bound to 127.0.0.1 where only the host needs them",
            );
        }
        for (item, line) in self.list("cap_add") {
            let Some(cap) = self.doc.scalar(item) else {
                continue;
            };
            let bare = cap.trim().to_ascii_uppercase();
            let bare = bare.strip_prefix("CAP_").unwrap_or(&bare);
            if HOST_CAPABILITIES.contains(&bare) {
                emit.push(
                    COMPOSE_CAPABILITY,
                    Some(line),
                    &format!("{}:cap:{bare}", self.name),
                    format!(
                        "service `{}` adds the capability {bare}, which lets a process in it take over the host",
                        self.name
                    ),
                    "remove it and add only the narrow capability the service needs; start from `cap_drop: [ALL]`",
                );
            }
        }
    }

    fn volumes(&self, emit: &mut Emitter<'_>) {
        for (item, line) in self.list("volumes") {
            let source = match self.doc.scalar(item) {
                Some(text) => text.split(':').next().unwrap_or(text).to_string(),
                None => self
                    .doc
                    .get(item, "source")
                    .and_then(|s| self.doc.scalar(s))
                    .unwrap_or("")
                    .to_string(),
            };
            if source.ends_with("docker.sock") || source.ends_with("podman.sock") {
                emit.push(
                    COMPOSE_DOCKER_SOCKET,
                    Some(line),
                    &format!("{}:socket", self.name),
                    format!(
                        "service `{}` mounts the container engine's socket (`{source}`): whoever controls the service can start a privileged container and own the host (`:ro` does not prevent that)",
                        self.name
                    ),
                    "remove the mount; if the service must read container events, put a socket proxy that allows only those read-only API calls between it and the socket",
                );
            }
        }
    }

    fn env_files(&self, emit: &mut Emitter<'_>, tracked: &Tracked) {
        for (item, line) in self.list("env_file") {
            let path = match self.doc.scalar(item) {
                Some(text) => text,
                None => match self.doc.get(item, "path").and_then(|p| self.doc.scalar(p)) {
                    Some(text) => text,
                    None => continue,
                },
            };
            if path.is_empty() || names::is_reference(path) {
                continue;
            }
            let file = self.source.dir.join(path);
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if crate::context::is_example_name(&name) {
                continue;
            }
            if !tracked.contains(&file) {
                emit.fact(
                    COMPOSE_ENV_FILE_TRACKED,
                    Some(line),
                    format!(
                        "service `{}` reads `env_file: {path}`, which git does not track",
                        self.name
                    ),
                );
                continue;
            }
            if let Some(encryption) = std::fs::read(&file)
                .ok()
                .and_then(|bytes| preflight_encryption::recognise(&bytes))
            {
                emit.fact(
                    COMPOSE_ENV_FILE_TRACKED,
                    Some(line),
                    format!(
                        "service `{}` reads `env_file: {path}`, which git tracks encrypted with {}, as the guides recommend",
                        self.name, encryption
                    ),
                );
                continue;
            }
            emit.push_for(
                names::is_development(path.trim_start_matches("./")),
                COMPOSE_ENV_FILE_TRACKED,
                Some(line),
                &format!("{}:env_file:{path}", self.name),
                format!(
                    "service `{}` reads `env_file: {path}`, and git tracks that file, so the settings and secrets in it are in the repository",
                    self.name
                ),
                "`git rm --cached` the file, add it to .gitignore, commit a `.example` copy with placeholders instead, and rotate every secret it held; the guides keep .env.docker out of git",
            );
            // The project-relative file, so that the check reports it once for all the compose
            // files that name it.
            let shown = Path::new(self.source.shown)
                .parent()
                .unwrap_or(Path::new(""));
            let relative = normalize(&shown.join(path));
            if let Some(finding) = emit.findings.last_mut() {
                finding.details.insert(
                    ENV_FILE_DETAIL.to_string(),
                    relative.to_string_lossy().replace('\\', "/"),
                );
            }
        }
    }

    fn build(&self, builds: &mut Vec<Build>) {
        let Some(build) = self.get("build") else {
            return;
        };
        let (context, dockerfile, target) = match self.doc.scalar(build) {
            Some(context) => (context, None, None),
            None => {
                let field = |k: &str| self.doc.get(build, k).and_then(|v| self.doc.scalar(v));
                (
                    field("context").unwrap_or("."),
                    field("dockerfile"),
                    field("target").filter(|t| !names::is_reference(t)),
                )
            }
        };
        if context.contains("://") || names::is_reference(context) {
            return;
        }
        let dockerfile = dockerfile.unwrap_or("Dockerfile");
        if names::is_reference(dockerfile) {
            return;
        }
        let context = normalize(&self.source.dir.join(context));
        builds.push(Build {
            dockerfile: normalize(&context.join(dockerfile)),
            context,
            target: target.map(str::to_string),
        });
    }

    fn image(&self, emit: &mut Emitter<'_>) {
        // With `build:`, `image:` names the image compose builds, not one it pulls.
        if self.get("build").is_some() {
            return;
        }
        let Some((image, line)) = self.scalar("image") else {
            return;
        };
        let what = match names::image_pin(image) {
            Pin::NoTag => "no tag",
            Pin::Latest => "the `latest` tag",
            Pin::Pinned => {
                let message = format!(
                    "service `{}` runs `{image}`, {}",
                    self.name,
                    names::pin_kind(image)
                );
                return emit.fact(IMAGE_UNPINNED, Some(line), message);
            }
            Pin::Unknown => return,
        };
        emit.push(
            IMAGE_UNPINNED,
            Some(line),
            &format!("{}:image", self.name),
            format!(
                "service `{}` runs `{image}` with {what}, so each deploy may pull a different, unreviewed image",
                self.name
            ),
            "pin a version tag (`postgres:16.4`) or a digest (`@sha256:...`) and update it on purpose",
        );
    }
}

/// Whether an image reference names a database, cache or broker image.
fn is_data_image(image: &str) -> bool {
    let name = image.split(['@']).next().unwrap_or(image);
    let name = name.rsplit('/').next().unwrap_or(name);
    let name = name.split(':').next().unwrap_or(name);
    DATA_IMAGES.contains(&name.to_ascii_lowercase().as_str())
}

/// A published port range and whether it is bound to every interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Publish {
    ports: (u32, u32),
    all_interfaces: bool,
}

/// Reads `[ip:][host:]container[/proto]`; `None` when a part is a variable or does not parse.
fn short_port(text: &str) -> Option<Publish> {
    let text = text.trim();
    let text = text.split('/').next().unwrap_or(text);
    let (ip, rest) = match text.strip_prefix('[') {
        Some(v6) => {
            let (ip, rest) = v6.split_once("]:")?;
            (ip, rest)
        }
        None => match text.matches(':').count() {
            0 | 1 => ("", text),
            _ => text.split_once(':')?,
        },
    };
    let container = rest.rsplit(':').next().unwrap_or(rest);
    Some(Publish {
        ports: port_range(container)?,
        all_interfaces: is_all_interfaces(ip)?,
    })
}

/// `5432` or `9200-9300`.
fn port_range(text: &str) -> Option<(u32, u32)> {
    let text = text.trim();
    match text.split_once('-') {
        Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
        None => {
            let port = text.parse().ok()?;
            Some((port, port))
        }
    }
}

/// Whether a host IP binds every interface; `None` for a variable.
fn is_all_interfaces(ip: &str) -> Option<bool> {
    let ip = ip.trim();
    if names::is_reference(ip) {
        return None;
    }
    Some(matches!(ip, "" | "0.0.0.0" | "::" | "[::]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publish(text: &str) -> Option<(u32, bool)> {
        short_port(text).map(|p| (p.ports.0, p.all_interfaces))
    }

    #[test]
    fn short_port_syntax() {
        assert_eq!(publish("5432:5432"), Some((5432, true)));
        assert_eq!(publish("5432"), Some((5432, true)));
        assert_eq!(publish("15432:5432/tcp"), Some((5432, true)));
        assert_eq!(publish("127.0.0.1:5432:5432"), Some((5432, false)));
        assert_eq!(publish("0.0.0.0:6379:6379"), Some((6379, true)));
        assert_eq!(publish("[::1]:5432:5432"), Some((5432, false)));
        assert_eq!(publish("[::]:5432:5432"), Some((5432, true)));
        assert_eq!(publish("9200-9300:9200-9300"), Some((9200, true)));
        assert_eq!(publish("${DB_PORT}:5432"), Some((5432, true)));
        assert_eq!(publish("${BIND:-127.0.0.1}:5432:5432"), None);
        assert_eq!(publish("garbage:x"), None);
    }
}
