//! Throwaway PostgreSQL servers for the tests, one of each kind per test binary.
//!
//! Each server is a fresh `initdb` cluster in a temporary directory, listening on a free port
//! of 127.0.0.1 only, with its Unix socket inside that directory. PostgreSQL refuses to run as
//! root, so when the tests run as root the server programs run as the `postgres` system user
//! (through `runuser`) and the directory is handed to that user.
//!
//! Two kinds:
//! - `plain`: `ssl = off`, md5 password storage, no connection logging, a pg_hba.conf with
//!   `trust`, `md5`, `password` and `0.0.0.0/0` lines, and CREATE on `public` for PUBLIC;
//! - `tls`: `ssl = on` with a certificate for `db.preflight.test` signed by a CA made at test
//!   time, scram-sha-256, connection logging, and a pg_hba.conf that enforces TLS (`hostssl`)
//!   for every database but `laxdb`, which also accepts plaintext.
//!
//! Roles on both: `postgres` (superuser), `app` (minimal; owns schema `app`), `creator`
//! (CREATEDB), `reader` (member of pg_read_all_data), `power` (CREATEROLE, REPLICATION,
//! BYPASSRLS, pg_read_server_files directly, pg_write_all_data and pg_execute_server_program
//! through the role `ops`, owner of `public.leftover` and schema `scratch`).
//!
//! Cleanup: test binaries never drop statics, so each server gets a watchdog shell that waits
//! for the test process to exit, then stops the server (`pg_ctl stop -m immediate`) and removes
//! the directory, whether the tests passed, failed or panicked.
//!
//! A machine without PostgreSQL fails these tests with a message saying what to install: a
//! check that silently passes without its server would prove nothing.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The superuser's password on both servers.
pub const ADMIN_PASSWORD: &str = "Adm1n-0f7c1e9b5a3d8264-Qz";
/// The strong 32-character password of every role but `app` on the plain server.
pub const STRONG_PASSWORD: &str = "tG7#kP2vQ9xL4mZ8wR3nB6yH1cF5jD0s";
/// `app`'s password on the plain server: short and guessable.
pub const WEAK_PASSWORD: &str = "shop2024";
/// The name the TLS server's certificate is issued for.
pub const TLS_HOST: &str = "db.preflight.test";

/// Which configuration a server has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Tls,
}

/// A running server.
#[derive(Debug)]
pub struct Server {
    pub kind: Kind,
    pub port: u16,
    pub root: PathBuf,
    /// The CA that signed the server's certificate (TLS server only).
    pub ca: PathBuf,
    /// A CA that signed nothing the server has.
    pub other_ca: PathBuf,
}

impl Server {
    /// The password of `user` on this server.
    pub fn password(&self, user: &str) -> &'static str {
        match (self.kind, user) {
            (_, "postgres") => ADMIN_PASSWORD,
            (Kind::Plain, "app") => WEAK_PASSWORD,
            _ => STRONG_PASSWORD,
        }
    }

    /// A `postgresql://` URL for `user` on `db` with the user's password and `query` appended.
    pub fn url(&self, user: &str, db: &str, query: &str) -> String {
        self.url_with_password(user, self.password(user), db, query)
    }

    /// A URL with an explicit password.
    pub fn url_with_password(&self, user: &str, password: &str, db: &str, query: &str) -> String {
        let password = encode(password);
        let port = self.port;
        let separator = if query.is_empty() { "" } else { "?" };
        format!("postgresql://{user}:{password}@127.0.0.1:{port}/{db}{separator}{query}")
    }

    /// A URL that verifies the TLS server fully: the certificate's name as host, 127.0.0.1 as
    /// the address, and the test CA as root.
    pub fn verify_full_url(&self, user: &str, db: &str) -> String {
        let password = encode(self.password(user));
        format!(
            "postgresql://{user}:{password}@{TLS_HOST}:{}/{db}?hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert={}",
            self.port,
            encode(&self.ca.display().to_string()),
        )
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The shared server without TLS.
pub fn plain() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| start(Kind::Plain))
}

/// The shared server with TLS.
pub fn tls() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| start(Kind::Tls))
}

/// A port on 127.0.0.1 where nothing listens.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .expect("local address")
        .port()
}

fn bindir() -> PathBuf {
    let output = Command::new("pg_config").arg("--bindir").output().unwrap_or_else(|e| {
        panic!(
            "the database tests need a PostgreSQL server, and `pg_config` cannot be run ({e}). \
             Install PostgreSQL (Debian/Ubuntu: `apt-get install postgresql`) and run the tests again."
        )
    });
    assert!(output.status.success(), "`pg_config --bindir` failed");
    let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    assert!(
        dir.join("initdb").is_file() && dir.join("pg_ctl").is_file(),
        "{} has no initdb/pg_ctl: install the PostgreSQL server package (Debian/Ubuntu: `postgresql`), not only the client",
        dir.display()
    );
    dir
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn id_of(flag: &str) -> u32 {
    let output = Command::new("id")
        .args([flag, "postgres"])
        .output()
        .expect("run id");
    assert!(
        output.status.success(),
        "running as root needs the `postgres` system user to run the server; it does not exist"
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("numeric id")
}

/// A server program, run as `postgres` when the tests run as root.
fn server_command(program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn run(mut command: Command, what: &str) {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn give_to_postgres(path: &Path) {
    if is_root() {
        std::os::unix::fs::chown(path, Some(id_of("-u")), Some(id_of("-g")))
            .unwrap_or_else(|e| panic!("chown {}: {e}", path.display()));
    }
}

fn write_owned(path: &Path, contents: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    give_to_postgres(path);
}

fn start(kind: Kind) -> Server {
    use std::os::unix::fs::PermissionsExt;
    let bin = bindir();
    let root = tempfile::Builder::new()
        .prefix("preflight-pg-")
        .tempdir()
        .expect("temporary directory")
        .keep();
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    give_to_postgres(&root);
    let data = root.join("data");
    watch(&bin, &root, &data);

    let pwfile = root.join("pwfile");
    write_owned(&pwfile, ADMIN_PASSWORD, 0o600);
    let mut initdb = server_command(&bin.join("initdb"));
    initdb
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            "postgres",
            "-A",
            "scram-sha-256",
            "-N",
            "-E",
            "UTF8",
            "--locale=C",
        ])
        .arg(format!("--pwfile={}", pwfile.display()));
    run(initdb, "initdb");

    let (ca, other_ca) = certificates(&root, &data);
    let port = free_port();
    let socket = root.display();
    let common = format!(
        "listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{socket}'\n\
         fsync = off\nmax_connections = 50\n"
    );
    let (settings, hba) = match kind {
        Kind::Plain => (
            "ssl = off\npassword_encryption = 'md5'\nlog_connections = off\nlog_disconnections = off\n",
            "local all all trust\n\
             host all nobody 0.0.0.0/0 scram-sha-256\n\
             host all all 127.0.0.2/32 password\n\
             host all all 127.0.0.1/32 md5\n",
        ),
        Kind::Tls => (
            "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n\
             ssl_min_protocol_version = 'TLSv1.1'\npassword_encryption = 'scram-sha-256'\n\
             log_connections = on\nlog_disconnections = on\n",
            "local all all scram-sha-256\n\
             hostssl all all 127.0.0.1/32 scram-sha-256\n\
             host laxdb all 127.0.0.1/32 scram-sha-256\n",
        ),
    };
    let conf = data.join("postgresql.conf");
    let mut text = std::fs::read_to_string(&conf).expect("read postgresql.conf");
    text.push_str(&common);
    text.push_str(settings);
    write_owned(&conf, &text, 0o600);
    write_owned(&data.join("pg_hba.conf"), hba, 0o600);

    let mut pg_ctl = server_command(&bin.join("pg_ctl"));
    pg_ctl
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(root.join("server.log"))
        .args(["-w", "-t", "60", "start"]);
    run(pg_ctl, "pg_ctl start");

    let server = Server {
        kind,
        port,
        root,
        ca,
        other_ca,
    };
    setup(&bin, &server);
    server
}

/// Stops the server and removes its directory once this test process has exited.
// The watchdog must outlive this process, so it is deliberately never waited for.
#[allow(clippy::zombie_processes)]
fn watch(bin: &Path, root: &Path, data: &Path) {
    let pid = std::process::id();
    let as_postgres = if is_root() {
        "runuser -u postgres -- "
    } else {
        ""
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
         {as_postgres}'{}' -D '{}' -m immediate stop; rm -rf '{}'",
        bin.join("pg_ctl").display(),
        data.display(),
        root.display()
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the cleanup watchdog");
}

/// Writes a CA, a server certificate for [`TLS_HOST`] signed by it, and an unrelated CA.
fn certificates(root: &Path, data: &Path) -> (PathBuf, PathBuf) {
    use rcgen::{CertificateParams, KeyPair};
    let (ca_params, ca_key) = authority("preflight test CA");
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().expect("server key");
    let server_params = CertificateParams::new(vec![TLS_HOST.to_string()]).expect("server params");
    let server_cert = server_params
        .signed_by(&server_key, &issuer)
        .expect("server certificate");
    write_owned(&data.join("server.crt"), &server_cert.pem(), 0o600);
    write_owned(&data.join("server.key"), &server_key.serialize_pem(), 0o600);
    let ca = root.join("ca.crt");
    std::fs::write(&ca, ca_cert.pem()).expect("write ca.crt");
    let (other_params, other_key) = authority("unrelated test CA");
    let other = root.join("other-ca.crt");
    std::fs::write(
        &other,
        other_params
            .self_signed(&other_key)
            .expect("other CA")
            .pem(),
    )
    .expect("write other-ca.crt");
    (ca, other)
}

/// The parameters and key of a certificate authority named `common_name`, not yet signed.
fn authority(common_name: &str) -> (rcgen::CertificateParams, rcgen::KeyPair) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let key = KeyPair::generate().expect("CA key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    (params, key)
}

/// Creates the roles, databases and objects the tests look at.
fn setup(bin: &Path, server: &Server) {
    let strong = STRONG_PASSWORD;
    let app = server.password("app");
    let public_create = match server.kind {
        Kind::Plain => "GRANT CREATE ON SCHEMA public TO PUBLIC;",
        Kind::Tls => "",
    };
    let sql = format!(
        "\\set ON_ERROR_STOP on
CREATE ROLE app LOGIN PASSWORD '{app}';
CREATE ROLE creator LOGIN CREATEDB PASSWORD '{strong}';
CREATE ROLE reader LOGIN PASSWORD '{strong}';
GRANT pg_read_all_data TO reader;
CREATE ROLE ops NOLOGIN;
GRANT pg_write_all_data, pg_execute_server_program TO ops;
CREATE ROLE power LOGIN CREATEROLE REPLICATION BYPASSRLS PASSWORD '{strong}';
GRANT ops TO power;
GRANT pg_read_server_files TO power;
ALTER ROLE app SET search_path = app;
CREATE DATABASE appdb;
CREATE DATABASE laxdb;
\\c appdb
CREATE SCHEMA app AUTHORIZATION app;
CREATE TABLE app.orders (id int);
ALTER TABLE app.orders OWNER TO app;
CREATE TABLE public.leftover (id int);
ALTER TABLE public.leftover OWNER TO power;
CREATE SCHEMA scratch AUTHORIZATION power;
{public_create}
"
    );
    let mut psql = Command::new(bin.join("psql"));
    psql.args(["-X", "-q", "-w", "-f", "-"])
        .arg(format!(
            "host=127.0.0.1 port={} user=postgres dbname=postgres sslmode=prefer",
            server.port
        ))
        .env("PGPASSWORD", ADMIN_PASSWORD)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = psql.spawn().expect("run psql");
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("psql stdin")
            .write_all(sql.as_bytes())
            .expect("write setup SQL");
    }
    let output = child.wait_with_output().expect("psql finished");
    assert!(
        output.status.success(),
        "setting up the test server failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
