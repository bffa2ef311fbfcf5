//! Redaction of a stream: every detected secret replaced by `[REDACTED:<rule-id>]`.
//!
//! The input is processed line by line as it arrives, so `preflight redact` can sit in a log
//! pipe: whatever complete lines one read returns are written and flushed at once. Memory is
//! bounded: a line longer than [`CHUNK`] bytes is processed in chunks, holding back the last
//! [`OVERLAP`] bytes (and any secret that straddles the cut) for the next chunk, so a secret
//! split across two reads is still found and the whole input is never buffered.
//!
//! Private key blocks span lines, which a line-at-a-time scan cannot see whole; so after a
//! `-----BEGIN ... PRIVATE KEY-----` line every line up to the matching `-----END` is replaced.

use std::io::{self, Read, Write};

use memchr::{memchr, memmem};

use crate::{Scanner, Scratch};

/// The longest piece of a line scanned at once.
pub const CHUNK: usize = 64 * 1024;
/// The bytes kept back from a chunk so that a secret cut by the chunk's end is seen whole.
pub const OVERLAP: usize = 4 * 1024;
/// The id shown for the body of a private key block.
const PEM_ID: &str = "private-key.pem";

/// What a redaction did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RedactStats {
    /// Lines read.
    pub lines: u64,
    /// Secrets replaced.
    pub redacted: u64,
}

/// Incremental redactor: feed it bytes as they come, collect the redacted bytes.
#[derive(Debug)]
pub struct Redactor<'s> {
    scanner: &'s Scanner,
    scratch: Scratch,
    pending: Vec<u8>,
    in_private_key: bool,
    stats: RedactStats,
}

impl<'s> Redactor<'s> {
    /// A redactor using `scanner`'s rules.
    pub fn new(scanner: &'s Scanner) -> Self {
        Redactor {
            scanner,
            scratch: Scratch::default(),
            pending: Vec::new(),
            in_private_key: false,
            stats: RedactStats::default(),
        }
    }

    /// Takes in `data`, appending to `out` the redacted form of every line it completes.
    pub fn feed(&mut self, mut data: &[u8], out: &mut Vec<u8>) {
        while !data.is_empty() {
            match memchr(b'\n', data) {
                Some(i) => {
                    self.pending.extend_from_slice(&data[..=i]);
                    data = &data[i + 1..];
                    self.flush_line(out);
                }
                None => {
                    let room = CHUNK.saturating_sub(self.pending.len()).max(1);
                    let take = room.min(data.len());
                    self.pending.extend_from_slice(&data[..take]);
                    data = &data[take..];
                    if self.pending.len() >= CHUNK {
                        self.flush_partial(out);
                    }
                }
            }
        }
    }

    /// Ends the input: redacts what remains of a last line without a newline.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> RedactStats {
        if !self.pending.is_empty() {
            self.flush_line(out);
        }
        self.stats
    }

    fn flush_line(&mut self, out: &mut Vec<u8>) {
        self.stats.lines += 1;
        let line = std::mem::take(&mut self.pending);
        if self.private_key_line(&line, out) {
            self.pending = line;
            self.pending.clear();
            return;
        }
        self.redact_into(&line, line.len(), out);
        self.pending = line;
        self.pending.clear();
    }

    /// Handles the lines of a private key block; returns whether `line` was one.
    fn private_key_line(&mut self, line: &[u8], out: &mut Vec<u8>) -> bool {
        let has_pem_rule = self.scanner.rules().any(|r| r.id == PEM_ID);
        if !has_pem_rule {
            return false;
        }
        if self.in_private_key {
            if memmem::find(line, b"-----END").is_some() {
                self.in_private_key = false;
                out.extend_from_slice(line);
            } else {
                let ending = line_ending(line);
                out.extend_from_slice(format!("[REDACTED:{PEM_ID}]").as_bytes());
                out.extend_from_slice(ending);
                self.stats.redacted += 1;
            }
            return true;
        }
        if memmem::find(line, b"-----BEGIN").is_some()
            && memmem::find(line, b"PRIVATE KEY-----").is_some()
            && memmem::find(line, b"-----END").is_none()
        {
            self.in_private_key = true;
            out.extend_from_slice(line);
            return true;
        }
        false
    }

    /// Processes a full chunk of a long line: writes all but the held-back tail.
    fn flush_partial(&mut self, out: &mut Vec<u8>) {
        let pending = std::mem::take(&mut self.pending);
        let mut cut = pending.len() - OVERLAP.min(pending.len());
        for candidate in self.scanner.candidates(&pending, &mut self.scratch) {
            let span = &candidate.secret;
            if candidate.dropped.is_none() && span.start < cut && span.end > cut {
                cut = if span.start > 0 { span.start } else { span.end };
            }
        }
        self.redact_into(&pending, cut, out);
        self.pending = pending;
        self.pending.drain(..cut);
    }

    /// Appends `bytes[..upto]` to `out` with the secrets that lie wholly inside it replaced.
    fn redact_into(&mut self, bytes: &[u8], upto: usize, out: &mut Vec<u8>) {
        let mut copied = 0;
        for candidate in self.scanner.candidates(bytes, &mut self.scratch) {
            let span = &candidate.secret;
            let reported = candidate.dropped.is_none() || candidate.in_pair;
            if !reported || span.end > upto || span.start < copied {
                continue;
            }
            out.extend_from_slice(&bytes[copied..span.start]);
            out.extend_from_slice(b"[REDACTED:");
            out.extend_from_slice(self.scanner.rule(candidate.rule).id.as_bytes());
            out.push(b']');
            copied = span.end;
            self.stats.redacted += 1;
        }
        out.extend_from_slice(&bytes[copied..upto]);
    }
}

fn line_ending(line: &[u8]) -> &[u8] {
    if line.ends_with(b"\r\n") {
        b"\r\n"
    } else if line.ends_with(b"\n") {
        b"\n"
    } else {
        b""
    }
}

/// Copies `input` to `output` with every detected secret replaced, flushing after each read so
/// that lines appear as soon as they are complete.
pub fn redact_stream(
    scanner: &Scanner,
    mut input: impl Read,
    mut output: impl Write,
) -> io::Result<RedactStats> {
    let mut redactor = Redactor::new(scanner);
    let mut buffer = vec![0u8; CHUNK];
    let mut out = Vec::with_capacity(CHUNK + OVERLAP);
    loop {
        let read = match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        redactor.feed(&buffer[..read], &mut out);
        if !out.is_empty() {
            output.write_all(&out)?;
            output.flush()?;
            out.clear();
        }
    }
    let stats = redactor.finish(&mut out);
    output.write_all(&out)?;
    output.flush()?;
    Ok(stats)
}
