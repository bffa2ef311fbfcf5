//! Test servers on 127.0.0.1 (only with the `testkit` feature): a small certificate authority
//! made at test time, and HTTPS sites whose headers, cookies, CORS behaviour, 404 page,
//! certificate and legacy-TLS behaviour a test chooses.
//!
//! Every server binds an ephemeral loopback port and serves one connection at a time in a
//! background thread until the test process ends. TLS 1.0 acceptance is simulated: no Rust TLS
//! server speaks it, so a site asked to accept it answers a TLS 1.0 ClientHello with a
//! well-formed TLS 1.0 ServerHello (all the probe reads) and hands every other connection to
//! rustls.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    date_time_ymd,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// A certificate and its key, ready to serve.
pub struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

/// How long a leaf certificate is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// From 1975 to 4096.
    Current,
    /// Throughout 2020 only.
    Expired,
    /// From 1975 until this many days from now.
    ExpiresInDays(u16),
}

/// A certificate authority made for one test.
pub struct Authority {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

impl Authority {
    /// A fresh CA.
    pub fn new() -> Authority {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("empty SAN list");
        params
            .distinguished_name
            .push(DnType::CommonName, "preflight test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("key generation");
        let cert = params.self_signed(&key).expect("self-signing the CA");
        Authority {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// Writes the CA certificate as PEM into `dir` and returns its path.
    pub fn write_pem(&self, dir: &Path) -> PathBuf {
        let path = dir.join("test-ca.pem");
        std::fs::write(&path, &self.pem).expect("writing the CA file");
        path
    }

    /// A leaf for `names`, signed by this CA.
    pub fn leaf(&self, names: &[&str], validity: Validity) -> Identity {
        let key = KeyPair::generate().expect("key generation");
        let cert = leaf_params(names, validity)
            .signed_by(&key, &self.issuer)
            .expect("signing a leaf");
        Identity {
            chain: vec![cert.der().clone()],
            key: pkcs8(&key),
        }
    }
}

impl Identity {
    /// The certificate chain and key of PEM files, such as `openssl req -x509` writes.
    pub fn from_pem_files(cert: &Path, key: &Path) -> Identity {
        use rustls::pki_types::pem::PemObject;
        let chain = CertificateDer::pem_file_iter(cert)
            .expect("reading the certificate file")
            .collect::<Result<Vec<_>, _>>()
            .expect("parsing the certificate file");
        let key = PrivateKeyDer::from_pem_file(key).expect("reading the key file");
        Identity { chain, key }
    }
}

impl Default for Authority {
    fn default() -> Self {
        Authority::new()
    }
}

/// A self-signed leaf for `names`.
pub fn self_signed(names: &[&str]) -> Identity {
    let key = KeyPair::generate().expect("key generation");
    let cert = leaf_params(names, Validity::Current)
        .self_signed(&key)
        .expect("self-signing");
    Identity {
        chain: vec![cert.der().clone()],
        key: pkcs8(&key),
    }
}

fn pkcs8(key: &KeyPair) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()))
}

fn leaf_params(names: &[&str], validity: Validity) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).expect("valid SANs");
    params
        .distinguished_name
        .push(DnType::CommonName, "preflight test site");
    match validity {
        Validity::Current => {}
        Validity::Expired => {
            params.not_before = date_time_ymd(2020, 1, 1);
            params.not_after = date_time_ymd(2021, 1, 1);
        }
        Validity::ExpiresInDays(days) => {
            params.not_after =
                time::OffsetDateTime::now_utc() + time::Duration::days(i64::from(days));
        }
    }
    params
}

/// What a test site sends.
#[derive(Debug, Clone)]
pub struct Site {
    /// Headers of every response (`Set-Cookie` may repeat).
    pub headers: Vec<(String, String)>,
    /// Echo the request's `Origin` in `Access-Control-Allow-Origin`, with credentials.
    pub reflect_origin: bool,
    /// The body of 404 pages.
    pub not_found_body: String,
    /// Answer TLS 1.0 ClientHellos with a TLS 1.0 ServerHello.
    pub accept_tls10: bool,
}

impl Site {
    /// A site configured as the guide asks.
    pub fn hardened() -> Site {
        Site {
            headers: [
                ("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload"),
                ("Content-Security-Policy", "default-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'"),
                ("X-Content-Type-Options", "nosniff"),
                ("X-Frame-Options", "DENY"),
                ("Referrer-Policy", "strict-origin-when-cross-origin"),
                ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
                ("Set-Cookie", "sessionid=s3cr3t-session-value; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600"),
                ("Set-Cookie", "csrftoken=tokenvalue; Path=/; Secure; SameSite=Strict"),
                ("Server", "nginx"),
            ]
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
            reflect_origin: false,
            not_found_body: "<h1>Not Found</h1>".into(),
            accept_tls10: false,
        }
    }

    /// The same site with header `name` removed.
    pub fn without(mut self, name: &str) -> Site {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    /// The same site with header `name` set to `value` (replacing every earlier one).
    pub fn with(self, name: &str, value: &str) -> Site {
        let mut site = self.without(name);
        site.headers.push((name.to_string(), value.to_string()));
        site
    }

    /// The complete HTTP response this site sends for `path`, for servers that send a prepared
    /// response from a file.
    pub fn response(&self, path: &str) -> String {
        render(self, path, None)
    }

    /// The same site with one more header (kept alongside earlier ones of the same name).
    pub fn adding(mut self, name: &str, value: &str) -> Site {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// A running test site.
pub struct Server {
    /// The port of the HTTPS site.
    pub https_port: u16,
    /// The port of the HTTP listener (redirecting to HTTPS, or serving the page itself).
    pub http_port: u16,
}

impl Server {
    /// `http://localhost:{http_port}/`.
    pub fn http_url(&self) -> String {
        format!("http://localhost:{}/", self.http_port)
    }

    /// `https://localhost:{https_port}/`.
    pub fn https_url(&self) -> String {
        format!("https://localhost:{}/", self.https_port)
    }
}

/// Starts `site` over HTTPS with `identity`, and an HTTP listener that redirects to it
/// (`redirect`) or serves the page itself.
pub fn serve(site: Site, identity: Identity, redirect: bool) -> Server {
    let https = TcpListener::bind("127.0.0.1:0").expect("binding a loopback port");
    let http = TcpListener::bind("127.0.0.1:0").expect("binding a loopback port");
    let https_port = https.local_addr().expect("local address").port();
    let http_port = http.local_addr().expect("local address").port();
    let config = server_config(identity);
    let tls_site = site.clone();
    thread::spawn(move || {
        for stream in https.incoming().flatten() {
            serve_tls(stream, &config, &tls_site);
        }
    });
    serve_http(http, site, redirect.then_some(https_port));
    Server {
        https_port,
        http_port,
    }
}

/// Starts an HTTP listener that redirects every request to the same path on
/// `https://localhost:{https_port}`, for an HTTPS server started some other way; returns its
/// port.
pub fn redirect_to(https_port: u16) -> u16 {
    let http = TcpListener::bind("127.0.0.1:0").expect("binding a loopback port");
    let http_port = http.local_addr().expect("local address").port();
    serve_http(http, Site::hardened(), Some(https_port));
    http_port
}

fn serve_http(listener: TcpListener, site: Site, redirect_to: Option<u16>) {
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            serve_plain(stream, &site, redirect_to);
        }
    });
}

fn server_config(identity: Identity) -> Arc<ServerConfig> {
    let config =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("default versions")
            .with_no_client_auth()
            .with_single_cert(identity.chain, identity.key)
            .expect("a usable certificate and key");
    Arc::new(config)
}

fn serve_plain(mut stream: TcpStream, site: &Site, redirect_to: Option<u16>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Some((path, origin)) = read_request(&mut stream) else {
        return;
    };
    let response = match redirect_to {
        Some(port) => format!(
            "HTTP/1.1 301 Moved Permanently\r\nLocation: https://localhost:{port}{path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
        None => render(site, &path, origin.as_deref()),
    };
    let _ = stream.write_all(response.as_bytes());
}

fn serve_tls(stream: TcpStream, config: &Arc<ServerConfig>, site: &Site) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if site.accept_tls10 && offers_tls10(&stream) {
        answer_tls10(stream);
        return;
    }
    let Ok(conn) = ServerConnection::new(config.clone()) else {
        return;
    };
    let mut tls = StreamOwned::new(conn, stream);
    let Some((path, origin)) = read_request(&mut tls) else {
        return;
    };
    let _ = tls.write_all(render(site, &path, origin.as_deref()).as_bytes());
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

/// Whether the waiting ClientHello asks for TLS 1.0 (looked at without consuming it).
fn offers_tls10(stream: &TcpStream) -> bool {
    let mut head = [0u8; 11];
    for _ in 0..50 {
        match stream.peek(&mut head) {
            Ok(n) if n >= 11 => return head[0] == 0x16 && head[5] == 1 && head[9..11] == [3, 1],
            Ok(0) | Err(_) => return false,
            Ok(_) => thread::sleep(Duration::from_millis(10)),
        }
    }
    false
}

fn answer_tls10(mut stream: TcpStream) {
    let mut body = vec![3, 1];
    body.extend_from_slice(&[0x42; 32]);
    body.extend_from_slice(&[0, 0xc0, 0x13, 0]);
    let mut handshake = vec![2, 0, 0, body.len() as u8];
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, 3, 1, 0, handshake.len() as u8];
    record.extend_from_slice(&handshake);
    let mut sink = [0u8; 4096];
    let _ = stream.read(&mut sink);
    let _ = stream.write_all(&record);
}

/// Reads a request head; returns its path and `Origin`.
fn read_request(stream: &mut impl Read) -> Option<(String, Option<String>)> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let path = text.split_whitespace().nth(1)?.to_string();
    let origin = text.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("origin")
            .then(|| value.trim().to_string())
    });
    Some((path, origin))
}

fn render(site: &Site, path: &str, origin: Option<&str>) -> String {
    let (status, body) = if path == "/" {
        (
            "200 OK",
            "<!doctype html><title>ok</title><p>hello</p>".to_string(),
        )
    } else {
        ("404 Not Found", site.not_found_body.clone())
    };
    let mut response = format!("HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n");
    for (name, value) in &site.headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    if let (true, Some(origin)) = (site.reflect_origin, origin) {
        response.push_str(&format!(
            "Access-Control-Allow-Origin: {origin}\r\nAccess-Control-Allow-Credentials: true\r\n"
        ));
    }
    response.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    response
}
