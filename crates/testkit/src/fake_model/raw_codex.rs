//! A raw line-JSON driver of the real `codex` binary that records a transcript.
//!
//! It exists to check the fixtures against the real binary and to record the transcripts the
//! `mcp-proto` tests replay; it is deliberately not a client (no typed messages, no approval
//! policy, no supervision): that is `codex-session`'s job. Messages are kept as
//! `serde_json::Value` so nothing here depends on our own protocol types.
//!
//! stdout is read by a task into an unbounded queue (fine for a test: one turn produces a few
//! dozen lines); stderr is drained continuously into a capped buffer so a chatty child never
//! blocks on a full pipe.

use std::collections::VecDeque;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

use super::CodexHome;

/// How much stderr is kept (the tail is what matters in a failure message).
const STDERR_CAP: usize = 256 * 1024;
/// Strings longer than this are cut in normalized transcripts.
const TRIM_OVER: usize = 1000;
/// How much of a cut string is kept.
const TRIM_KEEP: usize = 300;

/// Which way a transcript line went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Client to server (written to the child's stdin).
    ClientToServer,
    /// Server to client (read from the child's stdout).
    ServerToClient,
}

impl Direction {
    /// `c2s` or `s2c`, as in the transcript files.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::ClientToServer => "c2s",
            Direction::ServerToClient => "s2c",
        }
    }
}

/// One message of a transcript.
#[derive(Debug, Clone)]
pub struct TranscriptLine {
    /// The direction.
    pub dir: Direction,
    /// Seconds since the process was spawned.
    pub t: f64,
    /// The message (a stdout line that is not JSON is kept as a JSON string).
    pub msg: Value,
    /// The line exactly as it went over the pipe (key order as the sender wrote it).
    pub raw: String,
}

impl TranscriptLine {
    /// The JSONL form `{"dir":…,"t":…,"msg":…}` with `tmp_root` replaced by `<tmp>` and huge
    /// strings trimmed (see [`normalize_transcript_value`]).
    pub fn to_json_line(&self, tmp_root: &Path) -> String {
        let t = (self.t * 1000.0).round() / 1000.0;
        let head = format!("{{\"dir\":\"{}\",\"t\":{t},\"msg\":", self.dir.as_str());
        // Keep the wire's key order when the raw line only needs the root replaced (the usual
        // case); re-encode (sorted keys) when a string must be trimmed or the line is odd.
        let root = tmp_root.to_string_lossy();
        let plain_root = root
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c));
        let normalized = normalize_transcript_value(&self.msg, tmp_root);
        if plain_root
            && !has_long_string(&self.msg)
            && serde_json::from_str::<Value>(&self.raw).is_ok()
        {
            let raw = self.raw.trim().replace(root.as_ref(), "<tmp>");
            if serde_json::from_str::<Value>(&raw).ok().as_ref() == Some(&normalized) {
                return format!("{head}{raw}}}");
            }
        }
        format!("{head}{normalized}}}")
    }
}

fn has_long_string(v: &Value) -> bool {
    match v {
        Value::String(s) => s.chars().count() > TRIM_OVER,
        Value::Array(a) => a.iter().any(has_long_string),
        Value::Object(o) => o.iter().any(|(k, x)| k != "chunk" && has_long_string(x)),
        _ => false,
    }
}

/// Replaces `tmp_root` by `<tmp>` in every string and object key, and cuts strings longer
/// than 1000 chars to their first 300 plus `…[trimmed N chars]` (except base64 `chunk`s,
/// which must stay decodable). Uuids and other values are kept.
pub fn normalize_transcript_value(v: &Value, tmp_root: &Path) -> Value {
    let root = tmp_root.to_string_lossy();
    // Also catch the canonical spelling (e.g. /tmp behind a symlink).
    let canonical = std::fs::canonicalize(tmp_root)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| root.to_string());
    let fix = |s: &str| {
        s.replace(root.as_ref(), "<tmp>")
            .replace(&canonical, "<tmp>")
    };
    normalize(v, &fix, None)
}

fn normalize(v: &Value, fix: &dyn Fn(&str) -> String, key: Option<&str>) -> Value {
    match v {
        Value::String(s) => {
            let s = fix(s);
            let n = s.chars().count();
            if n > TRIM_OVER && key != Some("chunk") {
                let kept: String = s.chars().take(TRIM_KEEP).collect();
                Value::String(format!("{kept}…[trimmed {} chars]", n - TRIM_KEEP))
            } else {
                Value::String(s)
            }
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| normalize(x, fix, None)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (fix(k), normalize(x, fix, Some(k))))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A running `codex` child driven line by line (see the module docs). Killed on drop.
#[derive(Debug)]
pub struct RawCodex {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::UnboundedReceiver<Value>,
    backlog: VecDeque<Value>,
    log: Arc<Mutex<Vec<TranscriptLine>>>,
    stderr: Arc<Mutex<String>>,
    start: Instant,
    next_id: i64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl RawCodex {
    /// Spawns `bin args…` with `home`'s environment, `TERM=dumb` (keeps the user agent stable),
    /// `NO_COLOR=1` (0.39 writes ANSI colours to stderr even into a pipe) and the work dir as
    /// cwd.
    pub async fn spawn(bin: &Path, args: &[&str], home: &CodexHome) -> anyhow::Result<RawCodex> {
        let mut cmd = Command::new(bin);
        cmd.args(args)
            .envs(home.envs())
            .env("TERM", "dumb")
            .env("NO_COLOR", "1")
            .current_dir(home.work_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = cmd
            .spawn()
            .with_context(|| format!("spawning `{}`", bin.display()))?;
        let start = Instant::now();
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().context("no stdout pipe")?;
        let stderr_pipe = child.stderr.take().context("no stderr pipe")?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, lines) = mpsc::unbounded_channel();

        let out_log = Arc::clone(&log);
        tokio::spawn(async move {
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                if line.trim().is_empty() {
                    continue;
                }
                let msg = serde_json::from_str(&line).unwrap_or(Value::String(line.clone()));
                lock(&out_log).push(TranscriptLine {
                    dir: Direction::ServerToClient,
                    t: start.elapsed().as_secs_f64(),
                    msg: msg.clone(),
                    raw: line,
                });
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let err_buf = Arc::clone(&stderr);
        tokio::spawn(async move {
            let mut pipe = stderr_pipe;
            let mut buf = vec![0u8; 8192];
            while let Ok(n) = pipe.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                let mut s = lock(&err_buf);
                s.push_str(&String::from_utf8_lossy(&buf[..n]));
                if s.len() > STDERR_CAP {
                    let mut cut = s.len() - STDERR_CAP / 2;
                    while !s.is_char_boundary(cut) {
                        cut += 1;
                    }
                    s.replace_range(..cut, "…");
                }
            }
        });
        Ok(RawCodex {
            child,
            stdin,
            lines,
            backlog: VecDeque::new(),
            log,
            stderr,
            start,
            next_id: 1,
        })
    }

    /// Writes one message as a line (and records it).
    pub async fn send(&mut self, msg: Value) -> anyhow::Result<()> {
        let stdin = self.stdin.as_mut().context("stdin already closed")?;
        let mut line = msg.to_string();
        lock(&self.log).push(TranscriptLine {
            dir: Direction::ClientToServer,
            t: self.start.elapsed().as_secs_f64(),
            msg,
            raw: line.clone(),
        });
        line.push('\n');
        stdin.write_all(line.as_bytes()).await?;
        stdin.flush().await?;
        Ok(())
    }

    /// Sends a request with the next client id (1, 2, …) and returns that id.
    pub async fn request(&mut self, method: &str, params: Value) -> anyhow::Result<i64> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await?;
        Ok(id)
    }

    /// Sends a notification.
    pub async fn notify(&mut self, method: &str) -> anyhow::Result<()> {
        self.send(json!({"jsonrpc": "2.0", "method": method})).await
    }

    /// Answers the server's request `id` with `result`.
    pub async fn respond(&mut self, id: Value, result: Value) -> anyhow::Result<()> {
        self.send(json!({"jsonrpc": "2.0", "id": id, "result": result}))
            .await
    }

    /// Sends a request and waits for its response, keeping every other message for
    /// [`RawCodex::next`]. Returns the `result`; an `error` reply is an error.
    pub async fn call(
        &mut self,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> anyhow::Result<Value> {
        let id = self.request(method, params).await?;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let msg = self.recv_raw(left).await.with_context(|| {
                format!("waiting for the reply to `{method}` (id {id}); 0.39 never answers a request it cannot parse")
            })?;
            let is_reply = msg.get("method").is_none() && msg.get("id") == Some(&json!(id));
            if !is_reply {
                self.backlog.push_back(msg);
                continue;
            }
            if let Some(err) = msg.get("error") {
                bail!("`{method}` failed: {err}");
            }
            return Ok(msg.get("result").cloned().unwrap_or(Value::Null));
        }
    }

    /// The next message from the server (kept ones first), or an error after `timeout` or EOF.
    pub async fn next(&mut self, timeout: Duration) -> anyhow::Result<Value> {
        if let Some(m) = self.backlog.pop_front() {
            return Ok(m);
        }
        self.recv_raw(timeout).await
    }

    /// Every message that arrives within `window` (and the kept ones).
    pub async fn drain_for(&mut self, window: Duration) -> Vec<Value> {
        let mut out: Vec<Value> = self.backlog.drain(..).collect();
        let deadline = tokio::time::Instant::now() + window;
        while let Ok(Some(m)) = tokio::time::timeout_at(deadline, self.lines.recv()).await {
            out.push(m);
        }
        out
    }

    async fn recv_raw(&mut self, timeout: Duration) -> anyhow::Result<Value> {
        match tokio::time::timeout(timeout, self.lines.recv()).await {
            Ok(Some(m)) => Ok(m),
            Ok(None) => Err(anyhow!(
                "codex closed stdout (exited?); stderr tail:\n{}",
                self.stderr_tail(2000)
            )),
            Err(_) => Err(anyhow!(
                "no message from codex within {timeout:?}; stderr tail:\n{}",
                self.stderr_tail(2000)
            )),
        }
    }

    /// Everything recorded so far, in order.
    pub fn transcript(&self) -> Vec<TranscriptLine> {
        lock(&self.log).clone()
    }

    /// What the child wrote to stderr so far (capped to the last ~256 KB).
    pub fn stderr(&self) -> String {
        lock(&self.stderr).clone()
    }

    fn stderr_tail(&self, max: usize) -> String {
        let s = self.stderr();
        let mut cut = s.len().saturating_sub(max);
        while !s.is_char_boundary(cut) {
            cut += 1;
        }
        s[cut..].to_string()
    }

    /// Closes stdin, waits up to `grace` for the child to exit, then kills it.
    pub async fn shutdown(mut self, grace: Duration) -> anyhow::Result<()> {
        drop(self.stdin.take());
        if tokio::time::timeout(grace, self.child.wait())
            .await
            .is_err()
        {
            self.child.kill().await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_replaces_the_root_and_trims_long_strings() {
        let root = Path::new("/some/root-xyz");
        let long = "a".repeat(1500);
        let v = json!({
            "cwd": "/some/root-xyz/work",
            "changes": {"/some/root-xyz/work/f.txt": {"add": {"content": "x"}}},
            "text": long,
            "chunk": "b".repeat(1500),
            "list": ["/some/root-xyz", 1, null],
        });
        let n = normalize_transcript_value(&v, root);
        assert_eq!(n["cwd"], "<tmp>/work");
        assert!(n["changes"].get("<tmp>/work/f.txt").is_some());
        assert_eq!(n["list"], json!(["<tmp>", 1, null]));
        let text = n["text"].as_str().unwrap();
        assert!(text.ends_with("…[trimmed 1200 chars]"), "{text}");
        assert_eq!(n["chunk"].as_str().unwrap().len(), 1500);
    }

    #[test]
    fn transcript_line_format() {
        let raw = r#"{"z":1,"a":"/x/work"}"#;
        let line = TranscriptLine {
            dir: Direction::ServerToClient,
            t: 0.12345,
            msg: serde_json::from_str(raw).unwrap(),
            raw: raw.into(),
        };
        assert_eq!(
            line.to_json_line(Path::new("/x")),
            r#"{"dir":"s2c","t":0.123,"msg":{"z":1,"a":"<tmp>/work"}}"#,
            "wire key order kept"
        );
        let long = TranscriptLine {
            msg: json!({"z": "y".repeat(2000), "a": 1}),
            raw: String::new(),
            ..line
        };
        let v: Value = serde_json::from_str(&long.to_json_line(Path::new("/x"))).unwrap();
        assert!(v["msg"]["z"]
            .as_str()
            .unwrap()
            .ends_with("…[trimmed 1700 chars]"));
    }
}
