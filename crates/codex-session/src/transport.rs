//! Bytes in and out: line framing with a maximum length, the child process, its stderr.
//!
//! The peer reads lines through [`LineCodec`], our own small decoder rather than
//! `tokio_util`'s `LinesCodec`: it hands out raw bytes (serde validates UTF-8 while parsing, so
//! a second validation pass is wasted work on the event hot path) and it fails at once when a
//! line grows past the limit, so a hostile or broken server can make us buffer at most
//! `limit` bytes, never an unbounded line.
//!
//! The server's stdout pipe is enlarged to 1 MiB where the kernel allows it (Linux), so a
//! flooding server and our reader do not hand a 64 KiB pipe back and forth (see
//! `enlarge_pipe`).
//!
//! The child runs in its own process group. Codex is started through a launcher (`codex.js`
//! under node, which spawns the native binary), so killing only the direct child would leave
//! the real server orphaned; dropping the [`ChildGuard`] kills the whole group. Its stderr is
//! drained continuously into `tracing` (target `codex_session::stderr`, secrets redacted): a
//! pipe nobody reads fills at 64 KiB and then blocks the server, which is the deadlock the
//! guide's Python client has.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;

use tokio::io::AsyncReadExt;
use tokio::process::{ChildStdin, ChildStdout, Command};
use tokio::sync::{oneshot, watch};
use tokio_util::bytes::BytesMut;
use tokio_util::codec::Decoder;

use crate::error::{Error, Result};

/// A line decoder that yields raw bytes (without the newline and an optional `\r`) and fails
/// when a line is longer than `max` bytes.
#[derive(Debug)]
pub(crate) struct LineCodec {
    max: usize,
    /// Bytes of the buffer already searched for a newline.
    searched: usize,
}

/// Why a line could not be read.
#[derive(Debug)]
pub(crate) enum LineError {
    /// A line grew past the limit.
    TooLong,
    /// The read failed.
    Io(std::io::Error),
}

impl From<std::io::Error> for LineError {
    fn from(e: std::io::Error) -> Self {
        LineError::Io(e)
    }
}

impl LineCodec {
    pub(crate) fn new(max: usize) -> Self {
        LineCodec { max, searched: 0 }
    }
}

impl LineCodec {
    /// Find the next line in `buf` without taking it: `(length, consumed)` where `buf[..length]`
    /// is the line (without the newline and an optional `\r`) and `consumed` the bytes to drop
    /// after handling it. The reader decodes straight from its read buffer this way, with no
    /// per-line split of the buffer (each split of a shared `BytesMut` costs two atomic
    /// reference-count updates).
    pub(crate) fn find_line(&mut self, buf: &[u8]) -> Result<Option<(usize, usize)>, LineError> {
        let window_end = buf.len().min(self.max.saturating_add(1));
        let searched = self.searched.min(window_end);
        match memchr::memchr(b'\n', &buf[searched..window_end]) {
            Some(offset) => {
                let newline = searched + offset;
                self.searched = 0;
                let length = if newline > 0 && buf[newline - 1] == b'\r' {
                    newline - 1
                } else {
                    newline
                };
                Ok(Some((length, newline + 1)))
            }
            None if buf.len() > self.max => Err(LineError::TooLong),
            None => {
                self.searched = buf.len();
                Ok(None)
            }
        }
    }
}

impl Decoder for LineCodec {
    type Item = BytesMut;
    type Error = LineError;

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<BytesMut>, LineError> {
        match self.find_line(buf)? {
            Some((length, consumed)) => {
                let mut line = buf.split_to(consumed);
                line.truncate(length);
                Ok(Some(line))
            }
            None => Ok(None),
        }
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<BytesMut>, LineError> {
        if let Some(line) = self.decode(buf)? {
            return Ok(Some(line));
        }
        self.searched = 0;
        if buf.is_empty() {
            Ok(None)
        } else {
            // A last line without a newline: hand it out, the server may have died mid-write
            // and the decoder will report it as garbage if it is cut.
            Ok(Some(buf.split_to(buf.len())))
        }
    }
}

/// How to start the server process.
#[derive(Debug, Clone)]
pub(crate) struct SpawnSpec {
    pub(crate) program: PathBuf,
    pub(crate) args: Vec<OsString>,
    pub(crate) env: Vec<(OsString, OsString)>,
    pub(crate) cwd: Option<PathBuf>,
    /// The kernel buffer to ask for on the server's stdout (`None`: the default 64 KiB).
    pub(crate) pipe_size: Option<usize>,
}

/// A running server process: its pipes and a guard that kills its process group on drop.
pub(crate) struct Spawned {
    pub(crate) stdin: ChildStdin,
    pub(crate) stdout: ChildStdout,
    pub(crate) guard: ChildGuard,
}

/// How the child ended: `Some(code)` for a normal exit, `None` for a signal.
pub(crate) type ExitCode = Option<i32>;

/// Owns the child process. Dropping it kills the child's whole process group.
#[derive(Debug)]
pub(crate) struct ChildGuard {
    pid: Option<u32>,
    kill: Option<oneshot::Sender<()>>,
    exit: watch::Receiver<Option<ExitCode>>,
}

impl ChildGuard {
    /// A receiver that holds `Some(code)` once the child has exited.
    pub(crate) fn exit_watch(&self) -> watch::Receiver<Option<ExitCode>> {
        self.exit.clone()
    }

    /// The child's exit, if it has exited.
    pub(crate) fn exited(&self) -> Option<ExitCode> {
        *self.exit.borrow()
    }

    /// Kill the child and its process group now (idempotent).
    pub(crate) fn kill(&mut self) {
        if self.exited().is_none() {
            kill_group(self.pid);
        }
        if let Some(kill) = self.kill.take() {
            let _ = kill.send(());
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Kill a process group with `kill -KILL -- -PGID` (no `unsafe` signal call needed). The child
/// is its own group leader, so its pid is the group id.
fn kill_group(pid: Option<u32>) {
    let Some(pid) = pid else { return };
    let _ = std::process::Command::new("kill")
        .arg("-KILL")
        .arg("--")
        .arg(format!("-{pid}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Start the server: piped stdio, its own process group, stderr drained into `tracing`.
pub(crate) fn spawn(spec: &SpawnSpec) -> Result<Spawned> {
    let mut command = Command::new(&spec.program);
    command
        .args(&spec.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    command.process_group(0);
    for (key, value) in &spec.env {
        command.env(key, value);
    }
    if let Some(cwd) = &spec.cwd {
        command.current_dir(cwd);
    }
    let program = spec.program.display().to_string();
    let mut child = command.spawn().map_err(|e| Error::Spawn {
        program: program.clone(),
        message: e.to_string(),
    })?;
    let missing = |what: &str| Error::Spawn {
        program: program.clone(),
        message: format!("its {what} pipe is missing"),
    };
    let stdin = child.stdin.take().ok_or_else(|| missing("stdin"))?;
    let stdout = child.stdout.take().ok_or_else(|| missing("stdout"))?;
    let stderr = child.stderr.take().ok_or_else(|| missing("stderr"))?;
    if let Some(size) = spec.pipe_size {
        enlarge_pipe(&stdout, size);
    }
    let pid = child.id();
    tokio::spawn(drain_stderr(stderr, pid));

    let (kill_tx, kill_rx) = oneshot::channel::<()>();
    let (exit_tx, exit_rx) = watch::channel(None);
    tokio::spawn(async move {
        let status = tokio::select! {
            status = child.wait() => status,
            _ = kill_rx => {
                let _ = child.start_kill();
                child.wait().await
            }
        };
        let code = status.ok().and_then(|s| s.code());
        tracing::debug!(?pid, ?code, "codex server exited");
        let _ = exit_tx.send(Some(code));
    });
    Ok(Spawned {
        stdin,
        stdout,
        guard: ChildGuard {
            pid,
            kill: Some(kill_tx),
            exit: exit_rx,
        },
    })
}

/// The kernel buffer asked for the server's stdout (Linux's default unprivileged maximum,
/// `/proc/sys/fs/pipe-max-size`).
pub(crate) const PIPE_SIZE: usize = 1 << 20;

/// Ask for a `size` kernel buffer (by default [`PIPE_SIZE`]) on the server's stdout instead
/// of the default 64 KiB.
///
/// With 64 KiB the server blocks after 64 one-KiB events and every read wakes it up again, so
/// reader and server keep handing the pipe back and forth (most of the reader's CPU on a
/// delta flood was that: pipe lock spinning and wake-ups, measured with `perf`). A larger
/// buffer lets each side run longer and each read take more. The memory is bounded (1 MiB of
/// kernel memory per session). Best effort: when the kernel refuses (a lower limit, the
/// user's pipe quota spent) the default stays, which is only slower. The pages count against
/// the user's pipe quota (`/proc/sys/fs/pipe-user-pages-soft`, 64 MiB by default): past it the
/// kernel refuses further enlargements and gives the user's new pipes a smaller buffer, so
/// some 60 sessions at once under one user are where this stops helping.
/// [`crate::SessionOptions::server_pipe_size`] turns it off or sizes it.
fn enlarge_pipe(stdout: &ChildStdout, size: usize) {
    #[cfg(target_os = "linux")]
    match rustix::pipe::fcntl_setpipe_size(stdout, size) {
        Ok(size) => tracing::trace!(size, "server stdout pipe enlarged"),
        Err(e) => tracing::debug!(error = %e, "server stdout pipe left at its default size"),
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (stdout, size);
}

/// The longest stderr line kept for the log; the rest of a longer line is dropped.
const STDERR_LINE_MAX: usize = 4096;

/// Read the child's stderr until it closes, logging each line. Reads in large chunks and never
/// buffers more than one (truncated) line, so a flood costs CPU, not memory, and never blocks
/// the child.
async fn drain_stderr(mut stderr: tokio::process::ChildStderr, pid: Option<u32>) {
    let mut chunk = vec![0u8; 64 * 1024];
    let mut line: Vec<u8> = Vec::with_capacity(256);
    let mut overflow = false;
    loop {
        let n = match stderr.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if !tracing::enabled!(target: "codex_session::stderr", tracing::Level::DEBUG) {
            continue;
        }
        for part in chunk[..n].split_inclusive(|b| *b == b'\n') {
            let (body, ends) = match part.split_last() {
                Some((b'\n', body)) => (body, true),
                _ => (part, false),
            };
            let room = STDERR_LINE_MAX.saturating_sub(line.len());
            if body.len() > room {
                overflow = true;
            }
            line.extend_from_slice(&body[..body.len().min(room)]);
            if ends {
                log_stderr_line(&line, overflow, pid);
                line.clear();
                overflow = false;
            }
        }
    }
    if !line.is_empty() {
        log_stderr_line(&line, overflow, pid);
    }
}

fn log_stderr_line(line: &[u8], truncated: bool, pid: Option<u32>) {
    let text = String::from_utf8_lossy(line);
    let text = crate::redact::redact_text(&text);
    tracing::debug!(target: "codex_session::stderr", ?pid, truncated, "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(codec: &mut LineCodec, input: &[u8]) -> Vec<Result<Vec<u8>, String>> {
        let mut buf = BytesMut::from(input);
        let mut out = Vec::new();
        loop {
            match codec.decode(&mut buf) {
                Ok(Some(line)) => out.push(Ok(line.to_vec())),
                Ok(None) => break,
                Err(LineError::TooLong) => {
                    out.push(Err("too long".into()));
                    break;
                }
                Err(LineError::Io(e)) => {
                    out.push(Err(e.to_string()));
                    break;
                }
            }
        }
        out
    }

    #[test]
    fn splits_lines_and_strips_carriage_returns() {
        let mut codec = LineCodec::new(100);
        let out = decode_all(&mut codec, b"{\"a\":1}\r\n{}\n\npartial");
        assert_eq!(
            out,
            vec![
                Ok(b"{\"a\":1}".to_vec()),
                Ok(b"{}".to_vec()),
                Ok(Vec::new())
            ]
        );
    }

    #[test]
    fn a_line_at_the_limit_passes_one_byte_more_fails() {
        let mut codec = LineCodec::new(4);
        assert_eq!(
            decode_all(&mut codec, b"abcd\n"),
            vec![Ok(b"abcd".to_vec())]
        );
        let mut codec = LineCodec::new(4);
        assert_eq!(
            decode_all(&mut codec, b"abcde\n"),
            vec![Err("too long".into())]
        );
        // Without a newline in sight the error comes as soon as the limit is passed.
        let mut codec = LineCodec::new(4);
        assert_eq!(
            decode_all(&mut codec, b"abcdef"),
            vec![Err("too long".into())]
        );
    }

    #[test]
    fn a_line_split_across_reads_is_searched_once() {
        let mut codec = LineCodec::new(100);
        let mut buf = BytesMut::from(&b"abc"[..]);
        assert!(matches!(codec.decode(&mut buf), Ok(None)));
        buf.extend_from_slice(b"def\nx");
        let line = codec.decode(&mut buf).ok().flatten().map(|l| l.to_vec());
        assert_eq!(line, Some(b"abcdef".to_vec()));
        assert_eq!(&buf[..], b"x");
        let last = codec
            .decode_eof(&mut buf)
            .ok()
            .flatten()
            .map(|l| l.to_vec());
        assert_eq!(last, Some(b"x".to_vec()));
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_server_stdout_pipe_is_enlarged_where_the_kernel_allows() {
        let max: usize = std::fs::read_to_string("/proc/sys/fs/pipe-max-size")
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let spawned = spawn(&SpawnSpec {
            program: "sleep".into(),
            args: vec!["5".into()],
            env: Vec::new(),
            cwd: None,
            pipe_size: Some(PIPE_SIZE),
        })
        .unwrap();
        let size = rustix::pipe::fcntl_getpipe_size(&spawned.stdout).unwrap();
        if max >= PIPE_SIZE {
            assert_eq!(size, PIPE_SIZE);
        } else {
            // The kernel refuses more than its maximum: the default stays, the spawn works.
            assert!(size >= 4096, "{size}");
        }
        // Turned off (`SessionOptions::server_pipe_size(None)`): the kernel's default stays.
        let plain = spawn(&SpawnSpec {
            program: "sleep".into(),
            args: vec!["5".into()],
            env: Vec::new(),
            cwd: None,
            pipe_size: None,
        })
        .unwrap();
        let size = rustix::pipe::fcntl_getpipe_size(&plain.stdout).unwrap();
        assert!(size < PIPE_SIZE, "{size}");
    }

    #[test]
    fn find_line_agrees_with_decode() {
        let input = b"{\"a\":1}\r\n\r\n\n{}\nabc";
        let mut by_find = Vec::new();
        let mut codec = LineCodec::new(100);
        let mut rest: &[u8] = input;
        while let Ok(Some((length, consumed))) = codec.find_line(rest) {
            by_find.push(Ok(rest[..length].to_vec()));
            rest = &rest[consumed..];
        }
        assert_eq!(rest, b"abc");
        assert_eq!(by_find, decode_all(&mut LineCodec::new(100), input));
        assert_eq!(by_find.len(), 4);
        assert_eq!(by_find[1], Ok(Vec::new()));
    }

    proptest::proptest! {
        #[test]
        fn never_yields_a_line_longer_than_the_limit(
            input in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512),
            max in 1usize..64,
        ) {
            let mut codec = LineCodec::new(max);
            for line in decode_all(&mut codec, &input).into_iter().flatten() {
                proptest::prop_assert!(line.len() <= max);
                proptest::prop_assert!(!line.contains(&b'\n'));
            }
        }
    }
}
