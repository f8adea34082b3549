//! A scripted fake OpenAI Responses API server (SSE over HTTP on loopback), the
//! `CODEX_HOME` that points a real `codex` at it, and a raw line driver for the real binary.
//!
//! # Why a fake model
//! Whole-system tests must run the real `codex` binary (its protocol is what we integrate
//! with) but never a real model: the fake answers `POST /v1/responses` (and `/responses`)
//! with the SSE events Codex 0.39 needs — `response.created`, one `response.output_item.done`
//! per output item, `response.completed` with `usage` — from a per-test [`Script`]. Every
//! request it receives is kept ([`FakeModel::requests`]) so a test can prove that a command's
//! output reached the model, or that a secret never did.
//!
//! # Usage
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use xldb_testkit::fake_model::{CodexHome, FakeModel, Script, Step};
//! let script = Script::new([
//!     Step::new().shell(["touch", "created.txt"]),                  // call_exec_1
//!     Step::new().patch("*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch"),
//!     Step::new().message("All done."),
//! ])
//! .select_by_tool_outputs();
//! let model = FakeModel::start(script).await?;
//! let home = CodexHome::new(&model)?; // CODEX_HOME with config.toml + a work dir
//! // spawn `codex mcp` with home.envs(), cwd home.work_dir(), run a turn, then:
//! assert!(model.requests().iter().any(|r| r.tool_output("call_exec_1").is_some()));
//! # Ok(()) }
//! ```
//!
//! Beyond items, a step can stream raw SSE events ([`Step::event`], e.g. text deltas), pause
//! ([`Step::delay`]), hang until released ([`Step::hang`], for interrupts), or fail
//! ([`Step::http_error`], [`Step::response_failed`], [`Step::raw_sse`] for a truncated stream).
//! Measured on 0.39: a stream needs only `response.output_item.done` items and a
//! `response.completed` carrying `response.id`; every failure becomes an `error` event
//! followed by `task_complete` (retries are off in [`CodexHome`]).
//!
//! # Design
//! - Hand-written HTTP/1.1 (module `http`): one request per connection, answered with
//!   `connection: close` and a body that ends when the stream ends. Codex's HTTP client copes,
//!   and the test build stays free of hyper.
//! - Items are rendered against the request's `tools` array, so the same script drives Codex
//!   versions whose shell tool differs (`shell` argv ≤0.90, `exec_command` string later).
//! - Nothing is bound but `127.0.0.1:0`; dropping the [`FakeModel`] stops the server and every
//!   open stream (a hanging stream is closed, so Codex sees a disconnect, not a hang).
//! - [`RawCodex`] is a line-JSON driver of the real binary that records a transcript; it exists
//!   to verify these fixtures and to record fixtures for `mcp-proto`, not as a client.

mod codex_home;
mod http;
mod raw_codex;
mod request;
mod script;

#[cfg(test)]
mod real_codex_tests;

pub use codex_home::CodexHome;
pub use raw_codex::{normalize_transcript_value, Direction, RawCodex, TranscriptLine};
pub use request::RecordedRequest;
pub use script::{Item, Script, Selection, ShellCall, Step};

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use script::{Failure, Part, Tools};

/// A running fake model server; dropping it stops the server and closes every open stream.
#[derive(Debug)]
pub struct FakeModel {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

#[derive(Debug)]
struct Shared {
    script: Script,
    requests: Mutex<Vec<RecordedRequest>>,
    /// Number of `/responses` requests so far (the sequence number of the next one).
    responses: AtomicUsize,
    /// Number of requests recorded (any path).
    received: watch::Sender<usize>,
    /// Number of streams currently held open by a hang.
    hanging: watch::Sender<usize>,
    /// Set once by [`FakeModel::release_hangs`]; every hang, current or later, then proceeds.
    released: watch::Sender<bool>,
}

impl Shared {
    fn requests(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        // A panic while holding this lock leaves a consistent Vec: keep using it.
        self.requests.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl FakeModel {
    /// Binds `127.0.0.1:0` and serves `script` until dropped.
    pub async fn start(script: Script) -> io::Result<FakeModel> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            script,
            requests: Mutex::new(Vec::new()),
            responses: AtomicUsize::new(0),
            received: watch::channel(0).0,
            hanging: watch::channel(0).0,
            released: watch::channel(false).0,
        });
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        Ok(FakeModel { addr, shared, task })
    }

    /// The provider base URL for Codex's `config.toml`: `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests().clone()
    }

    /// Whether `needle` appears in any request received so far (headers or body).
    pub fn received_text(&self, needle: &str) -> bool {
        self.shared.requests().iter().any(|r| r.contains(needle))
    }

    /// Waits until at least `n` requests arrived; `false` on timeout.
    pub async fn wait_for_requests(&self, n: usize, timeout: Duration) -> bool {
        let mut rx = self.shared.received.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|c| *c >= n))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Waits until at least `n` streams are held open by a hang; `false` on timeout.
    pub async fn wait_for_hanging(&self, n: usize, timeout: Duration) -> bool {
        let mut rx = self.shared.hanging.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|c| *c >= n))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// The number of streams currently held open by a hang.
    pub fn hanging(&self) -> usize {
        *self.shared.hanging.borrow()
    }

    /// Releases every hang, now and for the rest of this server's life: held streams go on
    /// with the rest of their step.
    pub fn release_hangs(&self) {
        self.shared.released.send_replace(true);
    }
}

impl Drop for FakeModel {
    fn drop(&mut self) {
        // Aborting the accept task drops its JoinSet, which aborts every connection task.
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut conns = JoinSet::new();
    loop {
        while conns.try_join_next().is_some() {}
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors or similar: back off instead of spinning.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let shared = Arc::clone(&shared);
        conns.spawn(async move {
            // A client that goes away mid-response is normal (interrupts): nothing to report.
            let _ = serve(stream, &shared).await;
        });
    }
}

async fn serve(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let (rd, mut wr) = stream.into_split();
    let mut rd = BufReader::new(rd);
    let req = match http::read_request(&mut rd).await {
        Ok(Some(req)) => req,
        Ok(None) => return Ok(()),
        Err(e) => {
            let body = json!({"error": {"message": format!("fake model: {e}")}}).to_string();
            wr.write_all(http::response_head(400, "application/json", Some(body.len())).as_bytes())
                .await?;
            wr.write_all(body.as_bytes()).await?;
            return wr.shutdown().await;
        }
    };
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let path_only = req.path.split('?').next().unwrap_or("");
    let is_responses = req.method == "POST" && path_only.ends_with("/responses");
    let (seq, step_index) = if is_responses {
        let seq = shared.responses.fetch_add(1, Ordering::SeqCst);
        (seq, shared.script.select(seq, &body))
    } else {
        (0, None)
    };
    let step = match step_index {
        Some(i) => shared.script.steps.get(i).cloned(),
        None if is_responses => Some(shared.script.exhausted.clone()),
        None => None,
    };
    {
        let mut requests = shared.requests();
        let index = requests.len();
        requests.push(RecordedRequest {
            index,
            method: req.method.clone(),
            path: req.path.clone(),
            headers: req.headers.clone(),
            raw_body: String::from_utf8_lossy(&req.body).into_owned(),
            body: body.clone(),
            step: step_index,
        });
    }
    shared.received.send_modify(|c| *c += 1);
    let Some(step) = step else {
        let msg = format!("fake model: no route for {} {}", req.method, req.path);
        let body = json!({"error": {"message": msg}}).to_string();
        wr.write_all(http::response_head(404, "application/json", Some(body.len())).as_bytes())
            .await?;
        wr.write_all(body.as_bytes()).await?;
        return wr.shutdown().await;
    };
    play(&step, &Tools::of(&body), seq, &mut rd, &mut wr, shared).await?;
    wr.shutdown().await
}

/// Streams one step as SSE.
async fn play(
    step: &Step,
    tools: &Tools,
    seq: usize,
    rd: &mut BufReader<OwnedReadHalf>,
    wr: &mut OwnedWriteHalf,
    shared: &Shared,
) -> io::Result<()> {
    let resp_id = format!("resp_{}", seq + 1);
    if let Some(Failure::Http { status, body }) = &step.failure {
        let head = http::response_head(*status, "application/json", Some(body.len()));
        wr.write_all(head.as_bytes()).await?;
        return wr.write_all(body.as_bytes()).await;
    }
    wr.write_all(http::response_head(200, "text/event-stream", None).as_bytes())
        .await?;
    if let Some(Failure::RawBody(body)) = &step.failure {
        wr.write_all(body.as_bytes()).await?;
        return wr.flush().await;
    }
    send_event(
        wr,
        &json!({"type": "response.created", "response": {"id": resp_id}}),
    )
    .await?;
    if let Some(Failure::ResponseFailed { code, message }) = &step.failure {
        let ev = json!({"type": "response.failed", "response": {
            "id": resp_id, "error": {"code": code, "message": message}}});
        return send_event(wr, &ev).await;
    }
    let mut messages = 0;
    for part in &step.parts {
        match part {
            Part::Item(item) => {
                messages += 1;
                let msg_id = format!("msg_{}_{messages}", seq + 1);
                let ev = json!({"type": "response.output_item.done", "item": item.render(tools, &msg_id)});
                send_event(wr, &ev).await?;
            }
            Part::Event(ev) => send_event(wr, ev).await?,
            Part::Delay(d) => tokio::time::sleep(*d).await,
            Part::Hang => {
                if !hang(rd, shared).await {
                    return Ok(()); // the client went away
                }
            }
        }
    }
    let usage = json!({"input_tokens": 10, "input_tokens_details": null, "output_tokens": 5,
        "output_tokens_details": null, "total_tokens": 15});
    let ev = json!({"type": "response.completed", "response": {"id": resp_id, "usage": usage}});
    send_event(wr, &ev).await
}

/// Holds the stream until released (`true`) or the client disconnects (`false`).
async fn hang(rd: &mut BufReader<OwnedReadHalf>, shared: &Shared) -> bool {
    let mut released = shared.released.subscribe();
    shared.hanging.send_modify(|c| *c += 1);
    let mut buf = [0u8; 256];
    let outcome = loop {
        tokio::select! {
            r = released.wait_for(|r| *r) => break r.is_ok(),
            n = rd.read(&mut buf) => match n {
                Ok(0) | Err(_) => break false,
                Ok(_) => continue, // stray bytes: keep holding
            },
        }
    };
    shared.hanging.send_modify(|c| *c = c.saturating_sub(1));
    outcome
}

async fn send_event(wr: &mut OwnedWriteHalf, ev: &Value) -> io::Result<()> {
    let kind = ev.get("type").and_then(Value::as_str).unwrap_or("message");
    wr.write_all(format!("event: {kind}\ndata: {ev}\n\n").as_bytes())
        .await?;
    wr.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    /// POSTs `body` to the fake and returns the whole response text.
    async fn post(model: &FakeModel, path: &str, body: &Value) -> String {
        let mut s = TcpStream::connect(model.addr()).await.unwrap();
        let body = body.to_string();
        let req = format!(
            "POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nauthorization: Bearer sk-test\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = String::new();
        tokio::time::timeout(Duration::from_secs(5), s.read_to_string(&mut out))
            .await
            .unwrap()
            .unwrap();
        out
    }

    fn events(resp: &str) -> Vec<Value> {
        resp.lines()
            .filter_map(|l| l.strip_prefix("data: "))
            .map(|d| serde_json::from_str(d).unwrap())
            .collect()
    }

    fn shell_request(outputs: usize) -> Value {
        let mut input = vec![
            json!({"type": "message", "role": "user", "content": [{"type": "input_text", "text": "go"}]}),
        ];
        for i in 0..outputs {
            input.push(
                json!({"type": "function_call_output", "call_id": format!("c{i}"), "output": "ok"}),
            );
        }
        json!({"model": "mock-model", "tools": [{"type": "function", "name": "shell"}], "input": input})
    }

    #[tokio::test]
    async fn streams_the_scripted_steps_in_sequence() {
        let model = FakeModel::start(Script::new([
            Step::new().shell(["touch", "x"]),
            Step::new().message("done"),
        ]))
        .await
        .unwrap();
        let first = post(&model, "/v1/responses", &shell_request(0)).await;
        assert!(first.starts_with("HTTP/1.1 200 OK\r\n"), "{first}");
        assert!(first.contains("content-type: text/event-stream"));
        assert!(first.contains("event: response.output_item.done\n"));
        let ev = events(&first);
        let kinds: Vec<&str> = ev.iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            [
                "response.created",
                "response.output_item.done",
                "response.completed"
            ]
        );
        assert_eq!(ev[1]["item"]["name"], "shell");
        assert_eq!(ev[1]["item"]["call_id"], "call_exec_1");
        assert_eq!(ev[2]["response"]["usage"]["total_tokens"], 15);

        let second = events(&post(&model, "/responses", &shell_request(1)).await);
        assert_eq!(second[1]["item"]["content"][0]["text"], "done");
        let third = events(&post(&model, "/v1/responses", &shell_request(2)).await);
        assert_eq!(
            third[1]["item"]["content"][0]["text"],
            "fake model: script exhausted"
        );

        let reqs = model.requests();
        assert_eq!(reqs.len(), 3);
        assert_eq!(
            reqs.iter().map(|r| r.step).collect::<Vec<_>>(),
            [Some(0), Some(1), None]
        );
        assert_eq!(reqs[1].tool_output("c0"), Some("ok"));
        assert!(model.received_text("sk-test"), "headers are searchable");
        assert!(!model.received_text("never-sent"));
    }

    #[tokio::test]
    async fn selection_by_tool_outputs_survives_retries() {
        let model = FakeModel::start(
            Script::new([Step::new().shell(["ls"]), Step::new().message("m")])
                .select_by_tool_outputs(),
        )
        .await
        .unwrap();
        for _ in 0..2 {
            let ev = events(&post(&model, "/v1/responses", &shell_request(0)).await);
            assert_eq!(ev[1]["item"]["name"], "shell");
        }
        let ev = events(&post(&model, "/v1/responses", &shell_request(1)).await);
        assert_eq!(ev[1]["item"]["type"], "message");
    }

    #[tokio::test]
    async fn http_error_and_response_failed_and_unknown_path() {
        let model = FakeModel::start(Script::new([
            Step::http_error(429, "slow down"),
            Step::response_failed("server_error", "boom"),
        ]))
        .await
        .unwrap();
        let r = post(&model, "/v1/responses", &shell_request(0)).await;
        assert!(r.starts_with("HTTP/1.1 429 "), "{r}");
        assert!(r.contains("slow down"));
        let ev = events(&post(&model, "/v1/responses", &shell_request(0)).await);
        assert_eq!(ev[1]["type"], "response.failed");
        assert_eq!(ev[1]["response"]["error"]["message"], "boom");
        let r = post(&model, "/v1/models", &json!({})).await;
        assert!(r.starts_with("HTTP/1.1 404 "), "{r}");
        assert_eq!(model.requests()[2].path, "/v1/models");
        let mut s = TcpStream::connect(model.addr()).await.unwrap();
        s.write_all(b"NONSENSE\r\n\r\n").await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        assert!(out.starts_with("HTTP/1.1 400 "), "{out}");
    }

    #[tokio::test]
    async fn hang_holds_until_released_then_finishes_the_step() {
        let model = FakeModel::start(Script::new([Step::new().hang().message("after")]))
            .await
            .unwrap();
        let model = Arc::new(model);
        let m2 = Arc::clone(&model);
        let client =
            tokio::spawn(async move { post(&m2, "/v1/responses", &shell_request(0)).await });
        assert!(model.wait_for_hanging(1, Duration::from_secs(5)).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !client.is_finished(),
            "the stream must stay open while hanging"
        );
        model.release_hangs();
        let ev = events(&client.await.unwrap());
        assert_eq!(ev.last().unwrap()["type"], "response.completed");
        assert_eq!(ev[1]["item"]["content"][0]["text"], "after");
        assert_eq!(model.hanging(), 0);
    }

    #[tokio::test]
    async fn hang_ends_when_the_client_disconnects() {
        let model = FakeModel::start(Script::new([Step::new().hang()]))
            .await
            .unwrap();
        let mut s = TcpStream::connect(model.addr()).await.unwrap();
        let body = shell_request(0).to_string();
        let req = format!(
            "POST /v1/responses HTTP/1.1\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).await.unwrap();
        assert!(model.wait_for_hanging(1, Duration::from_secs(5)).await);
        drop(s);
        let mut rx = model.shared.hanging.subscribe();
        tokio::time::timeout(Duration::from_secs(5), rx.wait_for(|c| *c == 0))
            .await
            .unwrap()
            .unwrap();
    }

    #[tokio::test]
    async fn raw_events_are_sent_as_given() {
        let delta = json!({"type": "response.output_text.delta", "delta": "Hel"});
        let model = FakeModel::start(Script::new([Step::new()
            .event(delta.clone())
            .message("Hello")]))
        .await
        .unwrap();
        let resp = post(&model, "/v1/responses", &shell_request(0)).await;
        assert!(resp.contains("event: response.output_text.delta\n"));
        assert_eq!(events(&resp)[1], delta);

        let model = FakeModel::start(Script::new([Step::raw_sse("data: {}\n\n")]))
            .await
            .unwrap();
        let resp = post(&model, "/v1/responses", &shell_request(0)).await;
        assert!(
            resp.ends_with("\r\n\r\ndata: {}\n\n"),
            "nothing added: {resp}"
        );
    }

    #[tokio::test]
    async fn delay_pauses_the_stream() {
        let model = FakeModel::start(Script::new([Step::new()
            .delay(Duration::from_millis(150))
            .message("late")]))
        .await
        .unwrap();
        let t = std::time::Instant::now();
        let ev = events(&post(&model, "/v1/responses", &shell_request(0)).await);
        assert!(t.elapsed() >= Duration::from_millis(150));
        assert_eq!(ev[1]["item"]["content"][0]["text"], "late");
    }

    #[tokio::test]
    async fn drop_stops_the_server() {
        let model = FakeModel::start(Script::new([])).await.unwrap();
        let addr = model.addr();
        assert!(model.base_url().starts_with("http://127.0.0.1:"));
        assert!(model.base_url().ends_with("/v1"));
        drop(model);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(TcpStream::connect(addr).await.is_err());
    }
}
