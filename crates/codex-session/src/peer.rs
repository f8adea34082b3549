//! The JSON-RPC peer: one reader task, one writer task, calls in flight, server requests,
//! notification routing, death detection.
//!
//! Shape (as in async-lsp's main loop): a single writer task owns the output and writes lines
//! from a bounded queue, flushing when the queue runs dry (so a burst is one syscall, a lone
//! approval answer is flushed at once). A single reader task owns the input and never waits on
//! anything but the input: responses complete a `oneshot`, notifications are pushed into
//! their conversation's bounded [`EventQueue`] (see `queue.rs` for the slow-consumer policy),
//! and each server request (an approval) is answered on its own task, so a slow handler never
//! holds up events or other approvals.
//!
//! Requests and responses share one id space (0.39's server request ids start at 0 and
//! overlap ours), so a message is a request when it has a `method`, never by its id; that is
//! `mcp_proto::Message::decode`'s rule.
//!
//! Death: the reader ending (end of file, an over-long line, a read error), the child exiting,
//! a write failing, the stall watchdog, or the owner shutting down all go through
//! [`Peer::die`], which runs once: it records why, fails every pending call with
//! [`Error::Unavailable`] at once, ends every conversation's event stream with
//! [`Event::Disconnected`], and kills the child.
//!
//! Deferred calls: most calls are answered at once and use [`Peer::call_raw`], which waits with
//! a timeout. MCP tool mode's `tools/call` is answered only when the whole turn has ended (and
//! never after an `abort`), so [`Peer::call_deferred`] sends a request and hands back a
//! [`DeferredCall`] to await its answer later, on another task, without a timeout. Its id is
//! given to the caller before the request is written, so events that name it can be routed
//! from the first one; dropping the handle removes the entry from the pending table, so an
//! answer that never comes leaks nothing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use mcp_proto::{Message, Notification, Request, RequestId, RequestMethod, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::value::RawValue;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::bytes::{Buf, BytesMut};
use tokio_util::codec::Decoder;
use tokio_util::sync::CancellationToken;

use crate::approval::{
    decide_safely, ApprovalDecision, ApprovalHandler, ApprovalRequest, ReviewDecision,
};
use crate::audit::{AuditRecord, AuditSink};
use crate::error::{Error, Result, Unavailable};
use crate::event::{ApprovalKind, Event};
use crate::generation::{Generation, ServerRequest};
use crate::queue::EventQueue;
use crate::transport::{ChildGuard, ExitCode, LineCodec, LineError};

/// Tunables of one peer (copied from the session options).
#[derive(Debug, Clone)]
pub(crate) struct PeerConfig {
    pub(crate) max_line: usize,
    pub(crate) approval_timeout: Duration,
    pub(crate) stall_timeout: Option<Duration>,
    pub(crate) event_queue: usize,
    pub(crate) slow_consumer_grace: Duration,
    pub(crate) write_queue: usize,
}

/// How a pending call can fail before its answer arrives.
#[derive(Debug)]
enum Failure {
    Server { code: i64, message: String },
    Gone(Unavailable),
}

type Answer = std::result::Result<Box<RawValue>, Failure>;

/// A conversation's end of the routing table.
#[derive(Debug)]
pub(crate) struct Route {
    pub(crate) queue: EventQueue,
    /// Cancelled when the conversation handle is dropped: pending approvals abort.
    pub(crate) closed: CancellationToken,
    /// A turn has started and not ended (as seen by the reader).
    in_turn: std::sync::atomic::AtomicBool,
    /// The conversation's working directory, if set.
    cwd: Option<std::path::PathBuf>,
}

/// Health as callers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Health {
    Up,
    Down(Unavailable),
}

/// One connection to one server process (or stream pair).
#[derive(Debug)]
pub(crate) struct Peer {
    /// This peer, for handles that outlive a borrow of it ([`DeferredCall`]).
    me: Weak<Peer>,
    generation: Arc<dyn Generation>,
    config: PeerConfig,
    out: mpsc::Sender<Vec<u8>>,
    pending: Mutex<HashMap<i64, (String, oneshot::Sender<Answer>)>>,
    next_id: AtomicI64,
    routes: Mutex<HashMap<String, Arc<Route>>>,
    handler: Arc<dyn ApprovalHandler>,
    audit: Arc<dyn AuditSink>,
    dead: OnceLock<Unavailable>,
    /// Who answered the handshake (`codex 0.80.0, app-server-v2`), for timeout messages.
    server: OnceLock<String>,
    closed: CancellationToken,
    input_closed: CancellationToken,
    health: watch::Sender<Health>,
    epoch: Instant,
    last_read_ms: AtomicU64,
    approvals_in_flight: AtomicUsize,
    garbage_lines: AtomicU64,
    /// The server is known not to exit at end of input (see [`Peer::lingers`]).
    lingers: std::sync::atomic::AtomicBool,
    child: Mutex<Option<ChildGuard>>,
}

/// How long [`Peer::wait_child_exit`] waits for a server that [`Peer::lingers`].
const LINGER_WAIT: Duration = Duration::from_millis(300);

impl Peer {
    /// Start the reader, writer and watchdog tasks over `reader`/`writer`. `child` (when the
    /// peer runs a process) is watched for exit and killed when the peer dies.
    pub(crate) fn start<R, W>(
        reader: R,
        writer: W,
        child: Option<ChildGuard>,
        generation: Arc<dyn Generation>,
        handler: Arc<dyn ApprovalHandler>,
        audit: Arc<dyn AuditSink>,
        config: PeerConfig,
    ) -> Arc<Peer>
    where
        R: AsyncRead + Send + Unpin + 'static,
        W: AsyncWrite + Send + Unpin + 'static,
    {
        let (out, out_rx) = mpsc::channel(config.write_queue.max(1));
        let exit = child.as_ref().map(ChildGuard::exit_watch);
        let (health, _) = watch::channel(Health::Up);
        let peer = Arc::new_cyclic(|me| Peer {
            me: me.clone(),
            generation,
            server: OnceLock::new(),
            config,
            out,
            pending: Mutex::new(HashMap::new()),
            next_id: AtomicI64::new(1),
            routes: Mutex::new(HashMap::new()),
            handler,
            audit,
            dead: OnceLock::new(),
            closed: CancellationToken::new(),
            input_closed: CancellationToken::new(),
            health,
            epoch: Instant::now(),
            last_read_ms: AtomicU64::new(0),
            approvals_in_flight: AtomicUsize::new(0),
            garbage_lines: AtomicU64::new(0),
            lingers: std::sync::atomic::AtomicBool::new(false),
            child: Mutex::new(child),
        });
        tokio::spawn(write_loop(peer.clone(), out_rx, writer));
        tokio::spawn(watch_death(peer.clone(), reader, exit));
        if let Some(stall) = peer.config.stall_timeout {
            tokio::spawn(stall_watchdog(Arc::downgrade(&peer), stall));
        }
        peer
    }

    /// Remember who answered the handshake (first call wins).
    pub(crate) fn set_server(&self, label: String) {
        let _ = self.server.set(label);
    }

    pub(crate) fn generation(&self) -> &Arc<dyn Generation> {
        &self.generation
    }

    /// A handle that does not keep the peer alive (for tasks a generation spawns).
    pub(crate) fn weak(&self) -> Weak<Peer> {
        self.me.clone()
    }

    /// Who answered the handshake (`codex `0.80.0` (mcp-tool)`), once known.
    pub(crate) fn server_label(&self) -> Option<String> {
        self.server.get().cloned()
    }

    /// Why the peer is dead, if it is.
    pub(crate) fn unavailable(&self) -> Option<Unavailable> {
        self.dead.get().cloned()
    }

    pub(crate) fn health(&self) -> watch::Receiver<Health> {
        self.health.subscribe()
    }

    pub(crate) fn approvals_in_flight(&self) -> usize {
        self.approvals_in_flight.load(Ordering::SeqCst)
    }

    pub(crate) fn pending_calls(&self) -> usize {
        self.pending.lock().map(|p| p.len()).unwrap_or(0)
    }

    /// Note that the server will not exit at end of input: an MCP tool-mode call left
    /// unanswered by `abort` keeps a task alive in it until the process dies (measured on
    /// 0.39.0 and 0.80.0). Shutdown then waits only briefly before killing it, instead of its
    /// whole grace period.
    pub(crate) fn lingers(&self) {
        self.lingers.store(true, Ordering::Relaxed);
    }

    /// Wait up to `timeout` for the child to exit (much less when it [`Peer::lingers`]).
    pub(crate) async fn wait_child_exit(&self, timeout: Duration) -> Option<ExitCode> {
        let timeout = if self.lingers.load(Ordering::Relaxed) {
            timeout.min(LINGER_WAIT)
        } else {
            timeout
        };
        let watch = self
            .child
            .lock()
            .ok()
            .and_then(|c| c.as_ref().map(ChildGuard::exit_watch));
        let mut watch = watch?;
        let code = match tokio::time::timeout(timeout, watch.wait_for(|e| e.is_some())).await {
            Ok(Ok(code)) => *code,
            _ => None,
        };
        code
    }

    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    fn silent_for(&self) -> Duration {
        Duration::from_millis(
            self.now_ms()
                .saturating_sub(self.last_read_ms.load(Ordering::Relaxed)),
        )
    }

    /// Register a conversation's route; its events start flowing into the returned queue.
    pub(crate) fn add_route(
        &self,
        conversation_id: &str,
        cwd: Option<std::path::PathBuf>,
    ) -> Arc<Route> {
        let route = Arc::new(Route {
            queue: EventQueue::new(self.config.event_queue),
            closed: CancellationToken::new(),
            in_turn: std::sync::atomic::AtomicBool::new(false),
            cwd,
        });
        if let Some(reason) = self.dead.get() {
            route.queue.close_with(Some(disconnected(reason)));
        }
        if let Ok(mut routes) = self.routes.lock() {
            routes.insert(conversation_id.to_owned(), route.clone());
        }
        route
    }

    /// Forget a conversation: its pending approvals abort, its later events are dropped.
    pub(crate) fn remove_route(&self, conversation_id: &str) {
        let route = self
            .routes
            .lock()
            .ok()
            .and_then(|mut r| r.remove(conversation_id));
        if let Some(route) = route {
            route.closed.cancel();
            route.queue.consumer_gone();
        }
    }

    /// Call `method` and decode its result as `T`.
    pub(crate) async fn call<P: Serialize, T: DeserializeOwned>(
        &self,
        method: &str,
        params: &P,
        timeout: Duration,
    ) -> Result<T> {
        let params = serde_json::value::to_raw_value(params).map_err(|e| Error::Encode {
            method: method.to_owned(),
            message: e.to_string(),
        })?;
        let raw = self.call_raw(method, Some(params), timeout).await?;
        serde_json::from_str(raw.get()).map_err(|e| Error::BadResponse {
            method: method.to_owned(),
            message: e.to_string(),
        })
    }

    /// Call a typed method.
    pub(crate) async fn request<M: RequestMethod>(
        &self,
        params: &M::Params,
        timeout: Duration,
    ) -> Result<M::Result> {
        self.call(M::METHOD, params, timeout).await
    }

    /// Call `method` with raw params; the raw result.
    pub(crate) async fn call_raw(
        &self,
        method: &str,
        params: Option<Box<RawValue>>,
        timeout: Duration,
    ) -> Result<Box<RawValue>> {
        if let Some(reason) = self.dead.get() {
            return Err(Error::Unavailable(reason.clone()));
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        if let Ok(mut pending) = self.pending.lock() {
            pending.insert(id, (method.to_owned(), tx));
        }
        // `die` may have drained the map between the check above and the insert.
        if let Some(reason) = self.dead.get() {
            self.forget(id);
            return Err(Error::Unavailable(reason.clone()));
        }
        let request = Message::Request(Request {
            id: RequestId::Number(id),
            method: method.to_owned(),
            params,
        });
        self.send(request).await?;
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(Ok(result))) => Ok(result),
            Ok(Ok(Err(Failure::Server { code, message }))) => Err(Error::Server {
                method: method.to_owned(),
                code,
                message: crate::redact::redact_text(&message).into_owned(),
            }),
            Ok(Ok(Err(Failure::Gone(reason)))) => Err(Error::Unavailable(reason)),
            Ok(Err(_)) => Err(Error::Unavailable(
                self.unavailable().unwrap_or(Unavailable::ShutDown),
            )),
            Err(_) => {
                self.forget(id);
                Err(Error::Timeout {
                    method: method.to_owned(),
                    timeout,
                    server: self.server.get().cloned(),
                })
            }
        }
    }

    fn forget(&self, id: i64) {
        if let Ok(mut pending) = self.pending.lock() {
            pending.remove(&id);
        }
    }

    /// Send a request whose answer is awaited later (see the module docs). `before_send` gets
    /// the request id before the request is written, to register what its answer or the
    /// events naming it belong to.
    pub(crate) async fn call_deferred(
        &self,
        method: &str,
        params: Option<Box<RawValue>>,
        before_send: impl FnOnce(i64),
    ) -> Result<DeferredCall> {
        if let Some(reason) = self.dead.get() {
            return Err(Error::Unavailable(reason.clone()));
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        if let Ok(mut pending) = self.pending.lock() {
            pending.insert(id, (method.to_owned(), tx));
        }
        // From here the handle forgets the entry when dropped, whatever happens next.
        let call = DeferredCall {
            id,
            method: method.to_owned(),
            rx,
            peer: self.me.clone(),
        };
        if let Some(reason) = self.dead.get() {
            return Err(Error::Unavailable(reason.clone()));
        }
        before_send(id);
        self.send(Message::Request(Request {
            id: RequestId::Number(id),
            method: method.to_owned(),
            params,
        }))
        .await?;
        Ok(call)
    }

    /// Queue an event for a conversation from outside the reader (what a generation learns from
    /// a deferred answer). Dropped when the conversation is gone.
    pub(crate) fn push_event(&self, conversation_id: &str, event: Event) {
        let route = self
            .routes
            .lock()
            .ok()
            .and_then(|r| r.get(conversation_id).cloned());
        let Some(route) = route else {
            tracing::trace!(%conversation_id, "event for a conversation without a listener");
            return;
        };
        if matches!(event, Event::TurnStarted) {
            route.in_turn.store(true, Ordering::Relaxed);
        } else if event.ends_turn() {
            route.in_turn.store(false, Ordering::Relaxed);
        }
        route.queue.push(event);
    }

    /// Send a notification.
    pub(crate) async fn notify(&self, method: &str, params: Option<Box<RawValue>>) -> Result<()> {
        self.send(Message::Notification(Notification {
            method: method.to_owned(),
            params,
        }))
        .await
    }

    /// Queue a message for the writer without waiting (best effort, used from `Drop`). An MCP
    /// notification method (`notifications/…`, such as tool mode's interrupt
    /// `notifications/cancelled`) is sent as a notification, anything else as a request
    /// whose answer is ignored.
    pub(crate) fn try_send_request(&self, method: &str, params: Option<Box<RawValue>>) {
        if self.dead.get().is_some() {
            return;
        }
        let message = if method.starts_with("notifications/") {
            Message::Notification(Notification {
                method: method.to_owned(),
                params,
            })
        } else {
            Message::Request(Request {
                id: RequestId::Number(self.next_id.fetch_add(1, Ordering::Relaxed)),
                method: method.to_owned(),
                params,
            })
        };
        let _ = self
            .out
            .try_send(message.encode(self.generation.writes_jsonrpc()));
    }

    async fn send(&self, message: Message) -> Result<()> {
        let line = message.encode(self.generation.writes_jsonrpc());
        if self.out.send(line).await.is_err() {
            return Err(Error::Unavailable(
                self.unavailable().unwrap_or(Unavailable::ShutDown),
            ));
        }
        Ok(())
    }

    /// Ask every conversation with a running turn to stop (best effort, for shutdown).
    pub(crate) fn interrupt_running_turns(&self) {
        let running: Vec<String> = self
            .routes
            .lock()
            .map(|r| {
                r.iter()
                    .filter(|(_, route)| route.in_turn.load(Ordering::Relaxed))
                    .map(|(id, _)| id.clone())
                    .collect()
            })
            .unwrap_or_default();
        for id in running {
            let (method, params) = self.generation.interrupt_request(&id);
            self.try_send_request(method, params);
        }
    }

    /// Whether any conversation has a turn running.
    pub(crate) fn turns_running(&self) -> bool {
        self.routes
            .lock()
            .map(|r| {
                r.values()
                    .any(|route| route.in_turn.load(Ordering::Relaxed))
            })
            .unwrap_or(false)
    }

    /// Close our output after what is queued has been written: the server sees end of input
    /// and exits on its own.
    pub(crate) fn close_input(&self) {
        self.input_closed.cancel();
    }

    /// Mark the peer dead (first reason wins) and release everything waiting on it.
    ///
    /// Once our input is closed ([`Peer::close_input`], only a requested shutdown does that),
    /// the server ending is the shutdown we asked for, whatever the reader or the exit watch
    /// saw first (end of file, exit code 0): no warning and no `unavailable` record.
    pub(crate) fn die(&self, reason: Unavailable) {
        let reason = if self.input_closed.is_cancelled() {
            if reason != Unavailable::ShutDown {
                tracing::debug!(seen = %reason, "codex ended after its input was closed");
            }
            Unavailable::ShutDown
        } else {
            reason
        };
        if self.dead.set(reason.clone()).is_err() {
            return;
        }
        let requested = reason == Unavailable::ShutDown;
        match &reason {
            Unavailable::ShutDown => tracing::debug!("codex session shut down"),
            other => tracing::warn!(reason = %other, "codex is unavailable"),
        }
        self.closed.cancel();
        let pending: Vec<_> = self
            .pending
            .lock()
            .map(|mut p| p.drain().collect())
            .unwrap_or_default();
        for (_, (_, tx)) in pending {
            let _ = tx.send(Err(Failure::Gone(reason.clone())));
        }
        let routes: Vec<_> = self
            .routes
            .lock()
            .map(|r| r.values().cloned().collect())
            .unwrap_or_default();
        for route in routes {
            route.queue.close_with(Some(disconnected(&reason)));
        }
        if let Ok(mut child) = self.child.lock() {
            if let Some(child) = child.as_mut() {
                child.kill();
            }
        }
        let _ = self.health.send(Health::Down(reason.clone()));
        if requested {
            // The owner asked for it and writes its own `shutdown` record.
            return;
        }
        let audit = self.audit.clone();
        let record = AuditRecord::new(
            "unavailable",
            serde_json::json!({ "reason": reason.to_string() }),
        );
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                if let Err(e) = audit.append(&record).await {
                    tracing::error!(error = %e, "audit record lost");
                }
            });
        }
    }

    /// One line from the server.
    fn handle_line(self: &Arc<Self>, line: &[u8], state: &mut ReaderState) {
        if let Some((conversation_id, event)) = self.generation.fast_event(line) {
            self.deliver(&conversation_id, event, state);
            return;
        }
        let message = match Message::decode(line) {
            Ok(m) => m,
            Err(e) => {
                // Not JSON-RPC: log and go on (the server itself does the same with ours).
                self.garbage_lines.fetch_add(1, Ordering::Relaxed);
                let head = String::from_utf8_lossy(&line[..line.len().min(200)]);
                tracing::warn!(error = %e, line = %crate::redact::redact_text(&head), "unreadable line from codex");
                return;
            }
        };
        match message {
            Message::Response(Response { id, result }) => self.complete(&id, Ok(result)),
            Message::Error(e) => match e.id {
                Some(id) => self.complete(
                    &id,
                    Err(Failure::Server {
                        code: e.error.code,
                        message: e.error.message,
                    }),
                ),
                None => {
                    tracing::warn!(message = %crate::redact::redact_text(&e.error.message), "error without id from codex")
                }
            },
            Message::Request(request) => {
                let peer = self.clone();
                self.approvals_in_flight.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    peer.answer(request).await;
                    peer.approvals_in_flight.fetch_sub(1, Ordering::SeqCst);
                });
            }
            Message::Notification(n) => self.route(&n, state),
        }
    }

    fn complete(&self, id: &RequestId, answer: Answer) {
        let RequestId::Number(n) = id else {
            tracing::debug!(%id, "answer to a request we did not send");
            return;
        };
        let waiter = self.pending.lock().ok().and_then(|mut p| p.remove(n));
        match waiter {
            Some((_, tx)) => {
                let _ = tx.send(answer);
            }
            None => tracing::debug!(%id, "late or unknown answer from codex"),
        }
    }

    fn route(&self, notification: &Notification, state: &mut ReaderState) {
        let Some((conversation_id, event)) = self.generation.event(notification) else {
            tracing::trace!(method = %notification.method, "notification not routed");
            return;
        };
        self.deliver(&conversation_id, event, state);
    }

    /// Queue an event for its conversation. The consumer is woken once per read batch (see
    /// `read_loop`), not once per event.
    fn deliver(&self, conversation_id: &str, event: Event, state: &mut ReaderState) {
        if let Some(record) = audit_for_event(conversation_id, &event) {
            let audit = self.audit.clone();
            tokio::spawn(async move {
                if let Err(e) = audit.append(&record).await {
                    tracing::error!(error = %e, "audit record lost");
                }
            });
        }
        let cached = match &state.last {
            Some((id, route)) if id == conversation_id && !route.closed.is_cancelled() => {
                Some(route.clone())
            }
            _ => None,
        };
        let route = cached.or_else(|| {
            let route = self
                .routes
                .lock()
                .ok()
                .and_then(|r| r.get(conversation_id).cloned())?;
            state.last = Some((conversation_id.to_owned(), route.clone()));
            Some(route)
        });
        let Some(route) = route else {
            tracing::trace!(%conversation_id, "event for a conversation without a listener");
            return;
        };
        if matches!(event, Event::TurnStarted) {
            route.in_turn.store(true, Ordering::Relaxed);
        } else if event.ends_turn() {
            route.in_turn.store(false, Ordering::Relaxed);
        }
        if !state.touched.iter().any(|r| Arc::ptr_eq(r, &route)) {
            state.touched.push(route.clone());
        }
        if let Err(event) = route.queue.try_push(event, false) {
            // Full: the read loop waits for the consumer (bounded, see queue.rs).
            state.blocked = Some((route, event));
        }
    }

    /// Answer one server request. Always answers, exactly once; approvals always with a
    /// `result` (an error reply hangs 0.39's turn).
    async fn answer(self: &Arc<Self>, request: Request) {
        let id = request.id.clone();
        match self.generation.server_request(&request) {
            ServerRequest::Ping => {
                let empty = serde_json::value::to_raw_value(&serde_json::json!({}));
                if let Ok(result) = empty {
                    let _ = self.send(Message::Response(Response { id, result })).await;
                }
            }
            ServerRequest::Unknown => {
                tracing::warn!(method = %request.method, "unknown request from codex");
                let _ = self
                    .send(Message::Error(mcp_proto::ErrorResponse {
                        id: Some(id),
                        error: mcp_proto::ErrorObject {
                            code: -32601,
                            message: format!("method not found: {}", request.method),
                            data: None,
                        },
                    }))
                    .await;
            }
            ServerRequest::BadApproval { message } => {
                let decision = ApprovalDecision::new(
                    ReviewDecision::Denied,
                    "fallback",
                    format!("the approval request could not be read: {message}"),
                );
                let fields = serde_json::json!({
                    "method": request.method,
                    "params": request.params.as_ref().map(|p| p.get()),
                });
                self.finish_approval(id, &request.method, None, fields, decision)
                    .await;
            }
            ServerRequest::Approval(mut approval) => {
                let route = self
                    .routes
                    .lock()
                    .ok()
                    .and_then(|r| r.get(approval.conversation_id()).cloned());
                if let (ApprovalRequest::Patch(patch), Some(route)) = (&mut approval, &route) {
                    patch.cwd = patch.cwd.take().or_else(|| route.cwd.clone());
                }
                let decision = match &route {
                    None => ApprovalDecision::new(
                        ReviewDecision::Denied,
                        "fallback",
                        "the request is for a conversation this session does not hold",
                    ),
                    Some(route) if route.closed.is_cancelled() => ApprovalDecision::new(
                        ReviewDecision::Abort,
                        "fallback",
                        "the conversation was closed",
                    ),
                    Some(route) => {
                        decide_safely(
                            self.handler.clone(),
                            approval.clone(),
                            self.config.approval_timeout,
                            route.closed.clone(),
                        )
                        .await
                    }
                };
                let fields = serde_json::json!({ "method": request.method, "request": approval });
                self.finish_approval(
                    id,
                    &request.method,
                    Some((approval, route)),
                    fields,
                    decision,
                )
                .await;
            }
        }
    }

    /// Audit (flushed), tell the conversation, then send the decision.
    async fn finish_approval(
        &self,
        id: RequestId,
        method: &str,
        approval: Option<(ApprovalRequest, Option<Arc<Route>>)>,
        mut fields: serde_json::Value,
        mut decision: ApprovalDecision,
    ) {
        if let Some(map) = fields.as_object_mut() {
            map.insert("request_id".into(), serde_json::json!(id.to_string()));
            map.insert("decision".into(), serde_json::json!(decision.decision));
            map.insert("decided_by".into(), serde_json::json!(decision.decided_by));
            map.insert("explanation".into(), decision.explanation.clone());
        }
        let record = AuditRecord::new("approval", &fields);
        if let Err(e) = self.audit.append(&record).await {
            tracing::error!(error = %e, "audit failed; denying the request");
            decision = ApprovalDecision::new(
                ReviewDecision::Denied,
                "fallback",
                "the audit log could not be written",
            );
        }
        if let Some((approval, Some(route))) = &approval {
            let (kind, subject) = match approval {
                ApprovalRequest::Exec(e) => (ApprovalKind::Exec, e.command.clone()),
                ApprovalRequest::Patch(p) => (
                    ApprovalKind::Patch,
                    p.changes
                        .iter()
                        .map(|c| c.path.display().to_string())
                        .collect(),
                ),
                ApprovalRequest::McpToolCall(m) => (
                    ApprovalKind::McpTool,
                    vec![format!("{}.{}", m.server, m.tool)],
                ),
            };
            route.queue.push(Event::ApprovalDecided {
                call_id: approval.call_id().to_owned(),
                kind,
                subject,
                decision: decision.decision,
                decided_by: decision.decided_by.clone(),
                explanation: decision.explanation.clone(),
            });
        }
        let result = self.generation.answer_result(method, decision.decision);
        if let Err(e) = self.send(Message::Response(Response { id, result })).await {
            tracing::warn!(error = %e, "approval decision not delivered");
        }
    }
}

/// A request sent by [`Peer::call_deferred`]: await its answer with [`DeferredCall::answer`],
/// or drop it to stop waiting (its entry leaves the pending table).
#[derive(Debug)]
pub(crate) struct DeferredCall {
    id: i64,
    method: String,
    rx: oneshot::Receiver<Answer>,
    peer: Weak<Peer>,
}

impl DeferredCall {
    /// The request id.
    pub(crate) fn id(&self) -> i64 {
        self.id
    }

    /// Wait for the answer, without a time limit (the peer dying ends the wait with
    /// [`Error::Unavailable`]). Cancel-safe: taken by reference so a `select!` can drop the
    /// wait and keep the handle.
    pub(crate) async fn answer(&mut self) -> Result<Box<RawValue>> {
        match (&mut self.rx).await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(Failure::Server { code, message })) => Err(Error::Server {
                method: self.method.clone(),
                code,
                message: crate::redact::redact_text(&message).into_owned(),
            }),
            Ok(Err(Failure::Gone(reason))) => Err(Error::Unavailable(reason)),
            Err(_) => Err(Error::Unavailable(
                self.peer
                    .upgrade()
                    .and_then(|p| p.unavailable())
                    .unwrap_or(Unavailable::ShutDown),
            )),
        }
    }
}

impl Drop for DeferredCall {
    fn drop(&mut self) {
        if let Some(peer) = self.peer.upgrade() {
            peer.forget(self.id);
        }
    }
}

fn disconnected(reason: &Unavailable) -> Event {
    Event::Disconnected {
        reason: reason.to_string(),
        cause: Some(reason.clone()),
    }
}

/// The audit record an event calls for, if any (commands run, patches applied, errors).
fn audit_for_event(conversation_id: &str, event: &Event) -> Option<AuditRecord> {
    match event {
        Event::CommandFinished {
            call_id, exit_code, ..
        } => Some(AuditRecord::new(
            "command_finished",
            serde_json::json!({"conversation_id": conversation_id, "call_id": call_id, "exit_code": exit_code}),
        )),
        Event::PatchFinished {
            call_id, success, ..
        } => Some(AuditRecord::new(
            "patch_applied",
            serde_json::json!({"conversation_id": conversation_id, "call_id": call_id, "success": success}),
        )),
        Event::Error { message } => Some(AuditRecord::new(
            "error",
            serde_json::json!({"conversation_id": conversation_id, "message": message}),
        )),
        _ => None,
    }
}

/// Write queued lines, flushing when the queue runs dry.
async fn write_loop<W: AsyncWrite + Send + Unpin>(
    peer: Arc<Peer>,
    mut lines: mpsc::Receiver<Vec<u8>>,
    writer: W,
) {
    let mut out = BufWriter::with_capacity(64 * 1024, writer);
    let closed = peer.closed.clone();
    let input_closed = peer.input_closed.clone();
    let result: std::io::Result<()> = async {
        loop {
            let line = tokio::select! {
                biased;
                line = lines.recv() => line,
                _ = closed.cancelled() => None,
                _ = input_closed.cancelled() => None,
            };
            let Some(line) = line else { return Ok(()) };
            out.write_all(&line).await?;
            out.write_all(b"\n").await?;
            while let Ok(line) = lines.try_recv() {
                out.write_all(&line).await?;
                out.write_all(b"\n").await?;
            }
            out.flush().await?;
        }
    }
    .await;
    if let Err(e) = result {
        // A broken pipe usually means the server is exiting: give the reader a moment to see
        // end of file and the exit code, which say more than the write error.
        let _ = tokio::time::timeout(Duration::from_millis(300), closed.cancelled()).await;
        peer.die(Unavailable::Io {
            message: e.to_string(),
        });
    }
    // Closing our output tells the server to exit (0.39 exits on end of input).
    let _ = out.shutdown().await;
}

/// Run the reader; when it ends or the child exits, work out why and kill the peer.
async fn watch_death<R: AsyncRead + Send + Unpin>(
    peer: Arc<Peer>,
    reader: R,
    exit: Option<watch::Receiver<Option<ExitCode>>>,
) {
    const SETTLE: Duration = Duration::from_millis(300);
    let read = read_loop(peer.clone(), reader);
    tokio::pin!(read);
    let reason = match exit {
        None => read.await,
        Some(exit) => {
            let exit_code = |mut exit: watch::Receiver<Option<ExitCode>>| async move {
                exit.wait_for(|e| e.is_some()).await.ok().and_then(|c| *c)
            };
            tokio::select! {
                reason = &mut read => match reason {
                    Unavailable::Closed => {
                        // End of output: most likely the process is exiting; get its code.
                        match tokio::time::timeout(SETTLE, exit_code(exit.clone())).await {
                            Ok(Some(code)) => Unavailable::Exited { code },
                            _ => Unavailable::Closed,
                        }
                    }
                    other => other,
                },
                code = exit_code(exit.clone()) => {
                    // Let the reader take what the process wrote before it died.
                    let _ = tokio::time::timeout(SETTLE, &mut read).await;
                    Unavailable::Exited { code: code.flatten() }
                }
            }
        }
    };
    peer.die(reason);
}

/// What the reader carries from line to line.
#[derive(Default)]
struct ReaderState {
    /// Routes given events since the last wake-up.
    touched: Vec<Arc<Route>>,
    /// The last route used (events come in runs for one conversation).
    last: Option<(String, Arc<Route>)>,
    /// An event whose queue was full.
    blocked: Option<(Arc<Route>, Event)>,
}

impl ReaderState {
    fn wake(&mut self) {
        for route in self.touched.drain(..) {
            route.queue.wake();
        }
    }
}

/// Read, split into lines, handle each; wake consumers once per read. Waking a parked
/// consumer costs a futex call and a context switch; doing it per event, not per read of up to
/// 256 KiB, is what made a naive reader several times slower than the pipe.
async fn read_loop<R: AsyncRead + Send + Unpin>(peer: Arc<Peer>, mut reader: R) -> Unavailable {
    const CHUNK: usize = 256 * 1024;
    let mut codec = LineCodec::new(peer.config.max_line);
    let mut buf = BytesMut::with_capacity(CHUNK);
    let mut state = ReaderState::default();
    let closed = peer.closed.clone();
    loop {
        loop {
            match codec.find_line(&buf) {
                Ok(Some((length, consumed))) => {
                    // Decoded straight from the read buffer, then dropped from it.
                    peer.handle_line(&buf[..length], &mut state);
                    buf.advance(consumed);
                    if let Some((route, event)) = state.blocked.take() {
                        state.wake();
                        route
                            .queue
                            .push_waiting(event, peer.config.slow_consumer_grace, &closed)
                            .await;
                    }
                }
                Ok(None) => break,
                Err(LineError::TooLong) => {
                    state.wake();
                    return Unavailable::LineTooLong {
                        limit: peer.config.max_line,
                    };
                }
                Err(LineError::Io(e)) => {
                    state.wake();
                    return Unavailable::Io {
                        message: e.to_string(),
                    };
                }
            }
        }
        state.wake();
        if buf.capacity() - buf.len() < CHUNK / 4 {
            buf.reserve(CHUNK);
        }
        let read = tokio::select! {
            biased;
            read = reader.read_buf(&mut buf) => read,
            _ = closed.cancelled() => return Unavailable::ShutDown,
        };
        match read {
            Ok(0) => {
                if let Ok(Some(line)) = codec.decode_eof(&mut buf) {
                    peer.handle_line(&line, &mut state);
                    state.wake();
                }
                return Unavailable::Closed;
            }
            Ok(_) => peer.last_read_ms.store(peer.now_ms(), Ordering::Relaxed),
            Err(e) => {
                return Unavailable::Io {
                    message: e.to_string(),
                }
            }
        }
    }
}

/// While calls are pending and the server is silent, probe it with `ping`; if it stays silent
/// for `stall`, declare it stalled.
async fn stall_watchdog(peer: std::sync::Weak<Peer>, stall: Duration) {
    let tick = (stall / 4).max(Duration::from_millis(10));
    let mut probing = false;
    loop {
        tokio::time::sleep(tick).await;
        let Some(peer) = peer.upgrade() else { return };
        if peer.dead.get().is_some() {
            return;
        }
        // A ping of our own counts as pending: a stalled server never answers it.
        if peer.pending_calls() == 0 {
            probing = false;
            continue;
        }
        let silent = peer.silent_for();
        if silent < stall / 2 {
            // The server spoke since the last probe: probe afresh next time it goes quiet.
            probing = false;
        }
        if silent >= stall {
            peer.die(Unavailable::Stalled { silent_for: silent });
            return;
        }
        if silent >= stall / 2 && !probing {
            if let Some(method) = peer.generation.probe_method() {
                probing = true;
                let probe = peer.clone();
                tokio::spawn(async move {
                    let _ = probe.call_raw(method, None, stall).await;
                });
            }
        }
    }
}
