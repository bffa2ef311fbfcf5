//! A minimal HTTP/1.1 client over TCP or TLS.
//!
//! Written by hand (with `httparse` for the response head) because the checks need what
//! high-level clients hide: every header exactly as sent, repeated `Set-Cookie` included; no
//! automatic redirects, since each hop is itself a finding; and the negotiated TLS session with
//! the server's certificate chain, which is inspected even when it would not validate. Each
//! request is a single `GET` with `Connection: close`. Bodies are read according to
//! `Content-Length` or chunked framing, or to the end of the connection, and never beyond
//! [`BODY_LIMIT`]; the connect and read timeouts bound every wait.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, StreamOwned};

use crate::target::{Scheme, Target};

/// The most body bytes read from one response.
pub const BODY_LIMIT: usize = 1024 * 1024;
const HEAD_LIMIT: usize = 64 * 1024;
const MAX_HEADERS: usize = 256;
const MAX_INTERIM_RESPONSES: usize = 5;

/// Why a request got no response.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The host name did not resolve.
    #[error("cannot resolve host `{host}`: {source}")]
    Dns {
        /// The host.
        host: String,
        /// The resolver's error.
        source: io::Error,
    },
    /// Every address refused the connection.
    #[error("connection refused by {addr}")]
    Refused {
        /// The last address tried.
        addr: SocketAddr,
    },
    /// A connect or read did not finish in time.
    #[error("timed out after {seconds} s while {during}")]
    Timeout {
        /// What was going on.
        during: &'static str,
        /// The timeout.
        seconds: u64,
    },
    /// The TLS handshake failed.
    #[error("TLS handshake with {host} failed: {cause}")]
    Handshake {
        /// The host.
        host: String,
        /// Why, in words.
        cause: String,
    },
    /// Any other network error.
    #[error("network error while {during}: {source}")]
    Io {
        /// What was going on.
        during: &'static str,
        /// The error.
        source: io::Error,
    },
    /// The server's answer is not HTTP/1.x.
    #[error("malformed HTTP response: {0}")]
    Malformed(String),
}

/// What a TLS connection negotiated.
#[derive(Debug, Clone)]
pub struct TlsSession {
    /// The protocol version, such as `TLSv1_3`.
    pub version: String,
    /// The cipher suite name.
    pub cipher_suite: String,
    /// The server's certificates, leaf first.
    pub chain: Vec<CertificateDer<'static>>,
}

/// One HTTP response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header names (lowercase) and values, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, at most [`BODY_LIMIT`] bytes.
    pub body: Vec<u8>,
    /// The TLS session, for `https`.
    pub tls: Option<TlsSession>,
}

impl Response {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the status is a redirect that carries a `Location`.
    pub fn redirect_location(&self) -> Option<&str> {
        matches!(self.status, 301 | 302 | 303 | 307 | 308)
            .then(|| self.header("location"))
            .flatten()
    }
}

/// Makes requests with one TLS configuration and one timeout.
#[derive(Clone)]
pub struct Client {
    tls: Arc<ClientConfig>,
    timeout: Duration,
}

impl Client {
    /// A client whose TLS configuration accepts any certificate (the chain is judged afterwards
    /// by [`crate::tls`]), with `timeout` for connecting and for reading each response.
    pub fn new(tls: Arc<ClientConfig>, timeout: Duration) -> Self {
        Client { tls, timeout }
    }

    /// Sends `GET target` with `extra` headers and reads the response.
    pub fn get(&self, target: &Target, extra: &[(&str, &str)]) -> Result<Response, FetchError> {
        let tcp = self.connect(&target.host, target.port)?;
        let mut request = format!(
            "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: preflight/{}\r\nAccept: text/html,*/*\r\nAccept-Encoding: identity\r\nConnection: close\r\n",
            target.path,
            target.host_header(),
            env!("CARGO_PKG_VERSION")
        );
        for (name, value) in extra {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        match target.scheme {
            Scheme::Http => {
                let mut stream = tcp;
                self.send(&mut stream, &request)?;
                let mut response = self.read_response(&mut stream)?;
                response.tls = None;
                Ok(response)
            }
            Scheme::Https => {
                let mut stream = self.handshake(&target.host, tcp)?;
                let session = session_of(&stream.conn);
                self.send(&mut stream, &request)?;
                let mut response = self.read_response(&mut stream)?;
                response.tls = Some(session);
                Ok(response)
            }
        }
    }

    /// Opens a TCP connection to the first address of `host` that accepts, with timeouts set.
    pub fn connect(&self, host: &str, port: u16) -> Result<TcpStream, FetchError> {
        let addrs: Vec<SocketAddr> = (host, port)
            .to_socket_addrs()
            .map_err(|source| FetchError::Dns {
                host: host.to_string(),
                source,
            })?
            .collect();
        let mut last = None;
        for addr in &addrs {
            match TcpStream::connect_timeout(addr, self.timeout) {
                Ok(stream) => {
                    let io = |source| FetchError::Io {
                        during: "configuring the connection",
                        source,
                    };
                    stream.set_read_timeout(Some(self.timeout)).map_err(io)?;
                    stream.set_write_timeout(Some(self.timeout)).map_err(io)?;
                    return Ok(stream);
                }
                Err(e) => last = Some((*addr, e)),
            }
        }
        Err(match last {
            None => FetchError::Dns {
                host: host.to_string(),
                source: io::Error::new(io::ErrorKind::NotFound, "no addresses"),
            },
            Some((addr, e)) if e.kind() == io::ErrorKind::ConnectionRefused => {
                FetchError::Refused { addr }
            }
            Some((_, e)) => self.io_error("connecting", e),
        })
    }

    fn handshake(
        &self,
        host: &str,
        mut tcp: TcpStream,
    ) -> Result<StreamOwned<ClientConnection, TcpStream>, FetchError> {
        let name = ServerName::try_from(host.to_string()).map_err(|_| FetchError::Handshake {
            host: host.to_string(),
            cause: "the host is not a valid DNS name or IP address".into(),
        })?;
        let mut conn =
            ClientConnection::new(self.tls.clone(), name).map_err(|e| FetchError::Handshake {
                host: host.to_string(),
                cause: e.to_string(),
            })?;
        let deadline = Instant::now() + self.timeout;
        while conn.is_handshaking() {
            if Instant::now() > deadline {
                return Err(self.timeout_error("completing the TLS handshake"));
            }
            if let Err(e) = conn.complete_io(&mut tcp) {
                return Err(self.handshake_error(host, e));
            }
        }
        Ok(StreamOwned::new(conn, tcp))
    }

    fn handshake_error(&self, host: &str, e: io::Error) -> FetchError {
        let cause = if let Some(tls) = e.get_ref().and_then(|r| r.downcast_ref::<rustls::Error>()) {
            describe_tls_error(tls)
        } else {
            match e.kind() {
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                    return self.timeout_error("completing the TLS handshake");
                }
                io::ErrorKind::UnexpectedEof
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted => {
                    "the server closed the connection during the handshake (does it speak TLS on this port?)".into()
                }
                _ => e.to_string(),
            }
        };
        FetchError::Handshake {
            host: host.to_string(),
            cause,
        }
    }

    fn send(&self, stream: &mut impl Write, request: &str) -> Result<(), FetchError> {
        stream
            .write_all(request.as_bytes())
            .and_then(|()| stream.flush())
            .map_err(|e| self.io_error("sending the request", e))
    }

    fn read_response(&self, stream: &mut impl Read) -> Result<Response, FetchError> {
        let mut reader = Buffered {
            stream,
            buf: Vec::new(),
            deadline: Instant::now() + self.timeout,
        };
        for _ in 0..=MAX_INTERIM_RESPONSES {
            let (status, headers) = self.read_head(&mut reader)?;
            if (100..200).contains(&status) && status != 101 {
                continue;
            }
            let body = if status == 204 || status == 304 {
                Vec::new()
            } else {
                self.read_body(&mut reader, &headers)?
            };
            return Ok(Response {
                status,
                headers,
                body,
                tls: None,
            });
        }
        Err(FetchError::Malformed(
            "too many interim (1xx) responses".into(),
        ))
    }

    fn read_head<R: Read>(
        &self,
        reader: &mut Buffered<'_, R>,
    ) -> Result<(u16, Vec<(String, String)>), FetchError> {
        loop {
            let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut parsed = httparse::Response::new(&mut slots);
            match parsed.parse(&reader.buf) {
                Ok(httparse::Status::Complete(len)) => {
                    let status = parsed.code.unwrap_or(0);
                    let headers = parsed
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_ascii_lowercase(),
                                String::from_utf8_lossy(h.value).into_owned(),
                            )
                        })
                        .collect();
                    reader.buf.drain(..len);
                    return Ok((status, headers));
                }
                Ok(httparse::Status::Partial) => {
                    if reader.buf.len() > HEAD_LIMIT {
                        return Err(FetchError::Malformed(format!(
                            "the response head is larger than {HEAD_LIMIT} bytes"
                        )));
                    }
                    if reader
                        .fill()
                        .map_err(|e| self.io_error("reading the response", e))?
                        == 0
                    {
                        return Err(FetchError::Malformed(if reader.buf.is_empty() {
                            "the server closed the connection without answering".into()
                        } else {
                            "the connection closed in the middle of the response head".into()
                        }));
                    }
                }
                Err(e) => return Err(FetchError::Malformed(e.to_string())),
            }
        }
    }

    fn read_body<R: Read>(
        &self,
        reader: &mut Buffered<'_, R>,
        headers: &[(String, String)],
    ) -> Result<Vec<u8>, FetchError> {
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.trim().to_ascii_lowercase())
        };
        let io = |e| self.io_error("reading the response body", e);
        if header("transfer-encoding").is_some_and(|te| te.ends_with("chunked")) {
            return read_chunked(reader).map_err(io);
        }
        if let Some(length) = header("content-length") {
            let length: usize = length
                .parse()
                .map_err(|_| FetchError::Malformed(format!("bad Content-Length `{length}`")))?;
            return reader.take(length.min(BODY_LIMIT)).map_err(io);
        }
        reader.take(BODY_LIMIT).map_err(io)
    }

    /// Turns an I/O error into a [`FetchError`], naming timeouts as such.
    pub(crate) fn io_error(&self, during: &'static str, e: io::Error) -> FetchError {
        match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => self.timeout_error(during),
            _ => FetchError::Io { during, source: e },
        }
    }

    fn timeout_error(&self, during: &'static str) -> FetchError {
        FetchError::Timeout {
            during,
            seconds: self.timeout.as_secs(),
        }
    }
}

/// Says what went wrong in a TLS handshake in a reader's words.
fn describe_tls_error(error: &rustls::Error) -> String {
    match error {
        rustls::Error::AlertReceived(alert) => {
            format!(
                "the server sent the alert `{alert:?}` (no protocol version or cipher suite in common?)"
            )
        }
        rustls::Error::PeerIncompatible(why) => {
            format!("the server is incompatible: {why:?}")
        }
        rustls::Error::InvalidMessage(why) => {
            format!("the server sent an invalid TLS message ({why:?}); is this port plain HTTP?")
        }
        other => other.to_string(),
    }
}

fn session_of(conn: &ClientConnection) -> TlsSession {
    TlsSession {
        version: conn
            .protocol_version()
            .map(|v| format!("{v:?}"))
            .unwrap_or_default(),
        cipher_suite: conn
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()))
            .unwrap_or_default(),
        chain: conn
            .peer_certificates()
            .map(|c| c.iter().map(|d| d.clone().into_owned()).collect())
            .unwrap_or_default(),
    }
}

/// A reader with a look-ahead buffer and an overall deadline.
struct Buffered<'a, R> {
    stream: &'a mut R,
    buf: Vec<u8>,
    deadline: Instant,
}

impl<R: Read> Buffered<'_, R> {
    /// Reads more bytes into the buffer; 0 at the end of the stream.
    fn fill(&mut self) -> io::Result<usize> {
        if Instant::now() > self.deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "read deadline passed",
            ));
        }
        let mut chunk = [0u8; 16 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(n)
            }
            // A TLS peer that closes without close_notify: treat as the end of the stream.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(self.buf.len().min(1)),
            Err(e) => Err(e),
        }
    }

    /// Up to `n` bytes, fewer if the stream ends first.
    fn take(&mut self, n: usize) -> io::Result<Vec<u8>> {
        while self.buf.len() < n {
            if self.fill()? == 0 {
                break;
            }
        }
        let n = n.min(self.buf.len());
        Ok(self.buf.drain(..n).collect())
    }

    /// One CRLF-terminated line (without the terminator), or `None` at the end of the stream.
    fn line(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(pos) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = self.buf[..pos].to_vec();
                self.buf.drain(..pos + 2);
                return Ok(Some(line));
            }
            if self.buf.len() > 4096 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "chunk line too long",
                ));
            }
            if self.fill()? == 0 {
                return Ok(None);
            }
        }
    }
}

fn read_chunked<R: Read>(reader: &mut Buffered<'_, R>) -> io::Result<Vec<u8>> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
    let mut body = Vec::new();
    while body.len() < BODY_LIMIT {
        let Some(line) = reader.line()? else { break };
        let text = String::from_utf8_lossy(&line);
        let size_text = text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| bad("bad chunk size"))?;
        if size == 0 {
            break;
        }
        let wanted = size.min(BODY_LIMIT - body.len());
        let data = reader.take(wanted)?;
        let complete = data.len() == size;
        body.extend_from_slice(&data);
        if !complete {
            break;
        }
        reader.line()?;
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buffered(input: &[u8]) -> (Vec<u8>, Instant) {
        (input.to_vec(), Instant::now() + Duration::from_secs(5))
    }

    #[test]
    fn decodes_chunked_bodies_with_extensions() {
        let (data, deadline) = buffered(b"4;x=y\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n");
        let mut source = &data[..];
        let mut reader = Buffered {
            stream: &mut source,
            buf: Vec::new(),
            deadline,
        };
        assert_eq!(read_chunked(&mut reader).unwrap(), b"Wikipedia");
    }

    #[test]
    fn truncated_chunked_bodies_end_without_error() {
        let (data, deadline) = buffered(b"10\r\nshort");
        let mut source = &data[..];
        let mut reader = Buffered {
            stream: &mut source,
            buf: Vec::new(),
            deadline,
        };
        assert_eq!(read_chunked(&mut reader).unwrap(), b"short");
    }
}
