//! The session: options, start (spawn or streams), handshake, conversations, supervision.
//!
//! Supervision is deliberately explicit. The session notices death on its own (the peer's
//! reader, the child's exit, the stall watchdog) and fails everything pending at once, but it
//! does not restart behind the caller's back: conversations do not survive a restart (their
//! server-side state died with the process), so the caller decides. [`CodexSession::status`]
//! and [`CodexSession::is_available`] tell whether to fall back to local analysis;
//! [`CodexSession::restart`] (or [`CodexSession::ensure_available`]) starts a new server with
//! exponential backoff and records the restart in the audit log.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};

use crate::approval::ApprovalHandler;
use crate::audit::{AuditRecord, AuditSink, NoAudit};
use crate::conversation::{Conversation, ConversationOptions};
use crate::detect::{detect_codex, generation_for, Detected, Locator};
use crate::error::{Error, Result, Unavailable};
use crate::generation::{
    ClientIdentity, ConversationPage, Generation, Protocol, ServerInfo, Stored,
};
use crate::peer::{Health, Peer, PeerConfig, Route};
use crate::transport::{spawn, SpawnSpec};

/// How to start and run a session. Build with [`SessionOptions::new`] and the setters.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    program: Option<PathBuf>,
    args: Option<Vec<OsString>>,
    overrides: Vec<String>,
    env: Vec<(OsString, OsString)>,
    cwd: Option<PathBuf>,
    protocol: Protocol,
    client_name: String,
    client_version: String,
    handler: Option<Arc<dyn ApprovalHandler>>,
    audit: Option<Arc<dyn AuditSink>>,
    request_timeout: Duration,
    handshake_timeout: Duration,
    approval_timeout: Duration,
    stall_timeout: Option<Duration>,
    max_line_length: usize,
    pipe_size: Option<usize>,
    event_queue: usize,
    slow_consumer_grace: Duration,
    restart_attempts: u32,
    restart_backoff: Duration,
    restart_backoff_max: Duration,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            program: None,
            args: None,
            overrides: Vec::new(),
            env: Vec::new(),
            cwd: None,
            protocol: Protocol::default(),
            client_name: "xldb-codex".into(),
            client_version: env!("CARGO_PKG_VERSION").into(),
            handler: None,
            audit: None,
            request_timeout: Duration::from_secs(30),
            handshake_timeout: Duration::from_secs(30),
            approval_timeout: Duration::from_secs(300),
            stall_timeout: Some(Duration::from_secs(30)),
            max_line_length: 16 * 1024 * 1024,
            pipe_size: Some(crate::transport::PIPE_SIZE),
            event_queue: 4096,
            slow_consumer_grace: Duration::from_secs(1),
            restart_attempts: 5,
            restart_backoff: Duration::from_millis(200),
            restart_backoff_max: Duration::from_secs(10),
        }
    }
}

impl SessionOptions {
    /// Defaults: `codex` from `CODEX_BIN` or `PATH`, protocol [`Protocol::Auto`] (detected
    /// from `codex --version`),
    /// the default approval handler (the built-in policy with feature `policy`, else deny
    /// all), no audit, 30 s call timeout, 5 min approval timeout, 30 s stall detection,
    /// 16 MiB maximum line, 4096 queued events per conversation, a 1 MiB server stdout pipe.
    pub fn new() -> Self {
        Self::default()
    }
    /// The `codex` program (default: `CODEX_BIN`, else `codex` on `PATH`).
    pub fn program(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = Some(program.into());
        self
    }
    /// Replace the arguments that select the server (default: the protocol generation's, e.g. `app-server`).
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args = Some(args.into_iter().map(Into::into).collect());
        self
    }
    /// A `-c key=value` configuration override for the server.
    pub fn config_override(mut self, key: &str, value: &str) -> Self {
        self.overrides.push(format!("{key}={value}"));
        self
    }
    /// An environment variable for the server (e.g. `CODEX_HOME`).
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }
    /// The server's working directory.
    pub fn cwd(mut self, cwd: impl Into<PathBuf>) -> Self {
        self.cwd = Some(cwd.into());
        self
    }
    /// The protocol generation (default [`Protocol::Auto`]: detected from `codex --version`;
    /// name one for [`CodexSession::connect`], which has no program to ask).
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = protocol;
        self
    }
    /// The client name and version sent in the handshake.
    pub fn client(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.client_name = name.into();
        self.client_version = version.into();
        self
    }
    /// Who decides approval requests.
    pub fn approval_handler(mut self, handler: Arc<dyn ApprovalHandler>) -> Self {
        self.handler = Some(handler);
        self
    }
    /// Where audit records go.
    pub fn audit(mut self, sink: Arc<dyn AuditSink>) -> Self {
        self.audit = Some(sink);
        self
    }
    /// Time limit of each call.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }
    /// Time limit of the `initialize` handshake.
    pub fn handshake_timeout(mut self, timeout: Duration) -> Self {
        self.handshake_timeout = timeout;
        self
    }
    /// Time limit of the approval handler; past it the request is denied.
    pub fn approval_timeout(mut self, timeout: Duration) -> Self {
        self.approval_timeout = timeout;
        self
    }
    /// Declare the server stalled when calls are pending and it answers nothing (not even a
    /// `ping`) for this long; `None` turns detection off.
    pub fn stall_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.stall_timeout = timeout;
        self
    }
    /// The kernel buffer asked for on the server's stdout (Linux; default 1 MiB, which roughly
    /// doubles event throughput against the kernel's 64 KiB). Each session's buffer counts
    /// against the user's pipe quota (`/proc/sys/fs/pipe-user-pages-soft`, 64 MiB by
    /// default); a process that runs dozens of sessions at once under one user, next to other
    /// programs, may want a smaller one. `None` keeps the kernel's default. Best effort: a
    /// refused size keeps the default.
    pub fn server_pipe_size(mut self, bytes: Option<usize>) -> Self {
        self.pipe_size = bytes;
        self
    }

    /// The longest line accepted from the server; a longer one makes it unavailable.
    pub fn max_line_length(mut self, bytes: usize) -> Self {
        self.max_line_length = bytes;
        self
    }
    /// Events queued per conversation before the reader waits for its consumer (streaming
    /// events; twice this for the others). See [`SessionOptions::slow_consumer_grace`].
    pub fn event_queue(mut self, events: usize) -> Self {
        self.event_queue = events;
        self
    }
    /// How long the reader waits for a consumer whose queue is full before it treats it as
    /// stuck and drops its events (counted, reported as [`crate::Event::Lagged`]) instead of
    /// holding up every other conversation. Default 1 s.
    pub fn slow_consumer_grace(mut self, grace: Duration) -> Self {
        self.slow_consumer_grace = grace;
        self
    }
    /// How [`CodexSession::restart`] retries: attempts, first delay, longest delay (doubling).
    pub fn restart_backoff(mut self, attempts: u32, first: Duration, max: Duration) -> Self {
        self.restart_attempts = attempts.max(1);
        self.restart_backoff = first;
        self.restart_backoff_max = max;
        self
    }

    fn spawn_spec(&self, resolved: &Resolved, generation: &dyn Generation) -> SpawnSpec {
        let program = match resolved {
            Resolved::Detected(found) => found.program.clone(),
            Resolved::Fixed(_) => self
                .program
                .clone()
                .or_else(|| std::env::var_os("CODEX_BIN").map(PathBuf::from))
                .unwrap_or_else(|| PathBuf::from("codex")),
        };
        let mut args: Vec<OsString> = Vec::new();
        for o in &self.overrides {
            args.push("-c".into());
            args.push(o.into());
        }
        args.extend(
            self.args
                .clone()
                .unwrap_or_else(|| generation.server_args()),
        );
        SpawnSpec {
            program,
            args,
            env: self.env.clone(),
            cwd: self.cwd.clone(),
            pipe_size: self.pipe_size,
        }
    }

    fn handler(&self) -> Arc<dyn ApprovalHandler> {
        if let Some(h) = &self.handler {
            return h.clone();
        }
        #[cfg(feature = "policy")]
        {
            Arc::new(crate::policy_adapter::PolicyHandler::builtin())
        }
        #[cfg(not(feature = "policy"))]
        {
            Arc::new(crate::approval::DenyAll)
        }
    }

    fn audit_sink(&self) -> Arc<dyn AuditSink> {
        self.audit.clone().unwrap_or_else(|| Arc::new(NoAudit))
    }

    fn peer_config(&self) -> PeerConfig {
        PeerConfig {
            max_line: self.max_line_length.max(1024),
            approval_timeout: self.approval_timeout,
            stall_timeout: self.stall_timeout,
            event_queue: self.event_queue,
            slow_consumer_grace: self.slow_consumer_grace,
            write_queue: 1024,
        }
    }
}

/// The protocol a session settled on: named by the caller, or detected once at start (a
/// restart reuses the detection: the binary at that path is assumed not to change under us).
#[derive(Debug, Clone)]
enum Resolved {
    Fixed(Protocol),
    Detected(Box<Detected>),
}

impl Resolved {
    /// Detect when asked to (running `--version` once), else take the caller's protocol.
    async fn of(options: &SessionOptions) -> Result<Resolved> {
        if options.protocol == Protocol::McpTool && options.args.is_none() {
            // Tool mode is served by a subcommand that changed at 0.44 and continues a
            // session with a key that changed twice: read the version when we can.
            let locator = Locator::from_env(options.program.clone());
            return Ok(
                match detect_codex(&locator, Some(Protocol::McpTool)).await {
                    Ok(found) => Resolved::Detected(Box::new(found)),
                    Err(e) => {
                        tracing::debug!(error = %e, "tool mode without a version: `mcp-server`");
                        Resolved::Fixed(options.protocol)
                    }
                },
            );
        }
        if options.protocol != Protocol::Auto {
            return Ok(Resolved::Fixed(options.protocol));
        }
        let found = detect_codex(&Locator::from_env(options.program.clone()), None).await?;
        if let Some(warning) = &found.warning {
            tracing::warn!(%warning, "untested codex version");
        }
        tracing::info!(
            version = %found.version,
            generation = %found.generation,
            "codex protocol detected"
        );
        Ok(Resolved::Detected(Box::new(found)))
    }

    /// A fresh generation (each server gets its own: generations may keep per-server state).
    fn generation(&self) -> Result<Arc<dyn Generation>> {
        let generation = match self {
            Resolved::Fixed(protocol) => protocol.generation(),
            Resolved::Detected(found) => generation_for(found),
        };
        generation.ok_or(Error::Unsupported {
            operation: "a session",
            protocol: self.name(),
        })
    }

    fn name(&self) -> &'static str {
        match self {
            Resolved::Fixed(protocol) => protocol.name(),
            Resolved::Detected(found) => found.generation.name(),
        }
    }
}

/// Whether the session can be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// The server is up.
    Ready,
    /// The server is gone; fall back, or [`CodexSession::restart`].
    Unavailable(Unavailable),
}

#[derive(Debug)]
struct Live {
    peer: Arc<Peer>,
    server: ServerInfo,
    /// The conversations with a handle on this server, to refuse a second handle on the same
    /// id (the peer routes one queue per id: a second one would take the first one's events,
    /// and the first one's drop would then remove the second one's route).
    handles: Mutex<HashMap<String, Weak<Route>>>,
}

impl Live {
    fn new(peer: Arc<Peer>, server: ServerInfo) -> Live {
        Live {
            peer,
            server,
            handles: Mutex::new(HashMap::new()),
        }
    }
}

#[derive(Debug)]
struct Inner {
    options: SessionOptions,
    resolved: Resolved,
    spawn: Option<SpawnSpec>,
    live: Mutex<Option<Live>>,
    restart_lock: tokio::sync::Mutex<()>,
    audit: Arc<dyn AuditSink>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Ok(live) = self.live.lock() {
            if let Some(live) = live.as_ref() {
                live.peer.die(Unavailable::ShutDown);
            }
        }
    }
}

/// A connection to one Codex server. Cheap to clone (all clones share the server); the server
/// is killed when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct CodexSession {
    inner: Arc<Inner>,
}

impl CodexSession {
    /// Spawn the `codex` server and perform the handshake. With [`Protocol::Auto`], first run
    /// `codex --version` and pick the protocol ([`Error::Detect`] when that fails).
    pub async fn start(options: SessionOptions) -> Result<CodexSession> {
        let resolved = Resolved::of(&options).await?;
        let generation = resolved.generation()?;
        let spec = options.spawn_spec(&resolved, &*generation);
        // The subcommand and its arguments, without the `-c` overrides (they may hold values
        // the audit log has no use for).
        let server_args: Vec<String> = options
            .args
            .clone()
            .unwrap_or_else(|| generation.server_args())
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let audit = options.audit_sink();
        let live = launch(&options, &spec, generation, resolved.name()).await?;
        audit_now(
            &audit,
            "session_started",
            serde_json::json!({
                "program": spec.program.display().to_string(),
                "args": server_args,
                "server": live.server.version,
                "protocol": resolved.name(),
            }),
        )
        .await;
        Ok(CodexSession {
            inner: Arc::new(Inner {
                options,
                resolved,
                spawn: Some(spec),
                live: Mutex::new(Some(live)),
                restart_lock: tokio::sync::Mutex::new(()),
                audit,
            }),
        })
    }

    /// Run the protocol over an existing stream pair (an in-process server, a socket, a test
    /// peer) and perform the handshake. Such a session cannot be restarted, and cannot use
    /// [`Protocol::Auto`] (there is no program to ask for its version).
    pub async fn connect<R, W>(
        reader: R,
        writer: W,
        options: SessionOptions,
    ) -> Result<CodexSession>
    where
        R: AsyncRead + Send + Unpin + 'static,
        W: AsyncWrite + Send + Unpin + 'static,
    {
        let resolved = Resolved::Fixed(options.protocol);
        let Some(generation) = options.protocol.generation() else {
            return Err(Error::Unsupported {
                operation: "protocol detection",
                protocol: "caller-supplied stream",
            });
        };
        let audit = options.audit_sink();
        let peer = Peer::start(
            reader,
            writer,
            None,
            generation,
            options.handler(),
            audit.clone(),
            options.peer_config(),
        );
        let server = handshake(&peer, &options, resolved.name()).await?;
        audit_now(
            &audit,
            "session_started",
            serde_json::json!({"program": "<stream>", "server": server.version, "protocol": resolved.name()}),
        )
        .await;
        Ok(CodexSession {
            inner: Arc::new(Inner {
                options,
                resolved,
                spawn: None,
                live: Mutex::new(Some(Live::new(peer, server))),
                restart_lock: tokio::sync::Mutex::new(()),
                audit,
            }),
        })
    }

    pub(crate) fn peer(&self) -> Result<Arc<Peer>> {
        let live = self
            .inner
            .live
            .lock()
            .map_err(|_| Error::Unavailable(Unavailable::ShutDown))?;
        match live.as_ref() {
            Some(live) => match live.peer.unavailable() {
                Some(reason) => Err(Error::Unavailable(reason)),
                None => Ok(live.peer.clone()),
            },
            None => Err(Error::Unavailable(Unavailable::Restarting)),
        }
    }

    /// What the server said about itself.
    pub fn server_info(&self) -> Option<ServerInfo> {
        self.inner
            .live
            .lock()
            .ok()
            .and_then(|l| l.as_ref().map(|l| l.server.clone()))
    }

    /// Whether the server is up.
    pub fn status(&self) -> Status {
        match self.peer() {
            Ok(_) => Status::Ready,
            Err(Error::Unavailable(reason)) => Status::Unavailable(reason),
            Err(_) => Status::Unavailable(Unavailable::ShutDown),
        }
    }

    /// Shorthand for `status() == Status::Ready`.
    pub fn is_available(&self) -> bool {
        self.status() == Status::Ready
    }

    /// Wait until the current server becomes unavailable, and say why.
    pub async fn unavailable(&self) -> Unavailable {
        let peer = match self.peer() {
            Ok(peer) => peer,
            Err(Error::Unavailable(reason)) => return reason,
            Err(_) => return Unavailable::ShutDown,
        };
        let mut health = peer.health();
        loop {
            if let Health::Down(reason) = &*health.borrow_and_update() {
                return reason.clone();
            }
            if health.changed().await.is_err() {
                return peer.unavailable().unwrap_or(Unavailable::ShutDown);
            }
        }
    }

    /// A liveness round trip (`ping`): how long the server took to answer.
    pub async fn ping(&self) -> Result<Duration> {
        let peer = self.peer()?;
        let started = std::time::Instant::now();
        peer.request::<mcp_proto::Ping>(&None, self.inner.options.request_timeout)
            .await?;
        Ok(started.elapsed())
    }

    /// Start a conversation and subscribe to its events.
    pub async fn new_conversation(&self, options: ConversationOptions) -> Result<Conversation> {
        let peer = self.peer()?;
        let timeout = self.inner.options.request_timeout;
        let generation = peer.generation().clone();
        let info = generation
            .new_conversation(&peer, &options, timeout)
            .await?;
        self.open(peer, info, &options).await
    }

    /// Resume a stored conversation from its transcript (the `rollout_path` of an earlier
    /// one, or the `path` of a [`ConversationSummary`](crate::ConversationSummary) from
    /// [`CodexSession::list_conversations`]), with `options` for the turns to come, and
    /// subscribe to its events. The server sends the earlier turns to the model with the
    /// next message.
    ///
    /// Works on every protocol: the conversation API (`codex mcp`, app-server v1) resumes
    /// from the file; app-server v2 resumes by thread id, which Codex writes into the file's
    /// name (else it is looked up in the listing). A path the server does not know is
    /// [`Error::Server`] with its message (`failed to load rollout …`, `no rollout found for
    /// thread id …`), or [`Error::NotFound`] when it had to be looked up.
    ///
    /// The same server may already hold the conversation (it ran in this session): that is
    /// fine once its earlier [`Conversation`] handle is dropped; while that handle lives,
    /// resuming is [`Error::AlreadyOpen`] (keep using the handle).
    pub async fn resume_conversation(
        &self,
        rollout_path: &Path,
        options: ConversationOptions,
    ) -> Result<Conversation> {
        self.resume(Stored::Path(rollout_path), options).await
    }

    /// Resume a stored conversation by its id (a
    /// [`ConversationSummary::id`](crate::ConversationSummary::id), or the
    /// [`Conversation::id`] of an earlier session), like
    /// [`CodexSession::resume_conversation`]. App-server v2 resumes by id; the conversation
    /// API needs the rollout path, which is looked up in the listing ([`Error::NotFound`]
    /// when it is not there, e.g. archived). An id the server rejects is [`Error::Server`].
    ///
    /// ```no_run
    /// # async fn demo(session: codex_session::CodexSession) -> codex_session::Result<()> {
    /// use codex_session::ConversationOptions;
    ///
    /// let page = session.list_conversations(Some(20), None).await?;
    /// if let Some(latest) = page.items.first() {
    ///     let mut conversation = session
    ///         .resume_conversation_by_id(&latest.id, ConversationOptions::new())
    ///         .await?;
    ///     let outcome = conversation.run_turn("and what about the indexes?").await?;
    ///     println!("{:?}", outcome.final_message);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn resume_conversation_by_id(
        &self,
        conversation_id: &str,
        options: ConversationOptions,
    ) -> Result<Conversation> {
        self.resume(Stored::Id(conversation_id), options).await
    }

    async fn resume(
        &self,
        stored: Stored<'_>,
        options: ConversationOptions,
    ) -> Result<Conversation> {
        let peer = self.peer()?;
        let timeout = self.inner.options.request_timeout;
        // Refuse before asking the server: the conversation API replaces a loaded
        // conversation on resume, and the live handle's listener would go deaf (0.39, 0.80 v1).
        let known = match stored {
            Stored::Id(id) => Some(id.to_owned()),
            Stored::Path(path) => crate::generation::id_from_rollout_path(path),
        };
        if let Some(id) = known.filter(|id| self.has_handle(&peer, id)) {
            return Err(Error::AlreadyOpen { conversation: id });
        }
        let generation = peer.generation().clone();
        let info = generation
            .resume_conversation(&peer, stored, &options, timeout)
            .await?;
        if self.has_handle(&peer, &info.id) {
            return Err(Error::AlreadyOpen {
                conversation: info.id,
            });
        }
        self.open(peer, info, &options).await
    }

    /// Whether a [`Conversation`] handle on `peer` routes `conversation_id` (it is alive and
    /// its route was not removed).
    fn has_handle(&self, peer: &Arc<Peer>, conversation_id: &str) -> bool {
        let route = self
            .with_handles(peer, |handles| {
                handles.get(conversation_id).and_then(Weak::upgrade)
            })
            .flatten();
        route.is_some_and(|route| !route.closed.is_cancelled())
    }

    /// Whether any [`Conversation`] handle on `peer` is open.
    fn has_any_handle(&self, peer: &Arc<Peer>) -> bool {
        self.with_handles(peer, |handles| {
            handles
                .values()
                .filter_map(Weak::upgrade)
                .any(|route| !route.closed.is_cancelled())
        })
        .unwrap_or(false)
    }

    /// Remember that a handle on `peer` routes `conversation_id`.
    fn track_handle(&self, peer: &Arc<Peer>, conversation_id: &str, route: &Arc<Route>) {
        self.with_handles(peer, |handles| {
            handles.retain(|_, r| r.strong_count() > 0);
            handles.insert(conversation_id.to_owned(), Arc::downgrade(route));
        });
    }

    /// `f` on the handle table of `peer`'s server (`None`: that server is gone).
    fn with_handles<T>(
        &self,
        peer: &Arc<Peer>,
        f: impl FnOnce(&mut HashMap<String, Weak<Route>>) -> T,
    ) -> Option<T> {
        let live = self.inner.live.lock().ok()?;
        let live = live.as_ref().filter(|l| Arc::ptr_eq(&l.peer, peer))?;
        let mut handles = live.handles.lock().ok()?;
        Some(f(&mut handles))
    }

    async fn open(
        &self,
        peer: Arc<Peer>,
        info: crate::generation::ConversationInfo,
        options: &ConversationOptions,
    ) -> Result<Conversation> {
        let timeout = self.inner.options.request_timeout;
        // Route first, then subscribe: no event can arrive before its queue exists.
        let route = peer.add_route(&info.id, options.cwd.clone());
        self.track_handle(&peer, &info.id, &route);
        let generation = peer.generation().clone();
        let subscription = match generation.subscribe(&peer, &info.id, timeout).await {
            Ok(s) => s,
            Err(e) => {
                peer.remove_route(&info.id);
                return Err(e);
            }
        };
        Ok(Conversation::new(
            peer,
            route,
            info,
            subscription,
            timeout,
            options,
        ))
    }

    /// One page of the server's stored conversations, newest first: `page_size` of them
    /// (`None`: the server's default), after `cursor` (the [`ConversationPage::next_cursor`]
    /// of the previous page; `None` for the first). Archived conversations are not listed.
    ///
    /// `listConversations` on the conversation API, `thread/list` on app-server v2 (whose
    /// `createdAt` becomes an RFC 3339
    /// [`ConversationSummary::timestamp`](crate::ConversationSummary::timestamp)). A server
    /// writes its rollout after the first turn's first events, so a conversation may take a
    /// moment to be listed.
    pub async fn list_conversations(
        &self,
        page_size: Option<usize>,
        cursor: Option<&str>,
    ) -> Result<ConversationPage> {
        let peer = self.peer()?;
        let generation = peer.generation().clone();
        generation
            .list_conversations(&peer, page_size, cursor, self.inner.options.request_timeout)
            .await
    }

    /// Archive a stored conversation: it is no longer listed (nor, on newer servers,
    /// resumable). Give both halves of a
    /// [`ConversationSummary`](crate::ConversationSummary) when you have them; either
    /// may be empty (`""`, `Path::new("")`): the conversation API needs both and looks the
    /// missing one up, app-server v2 needs only the id (read from the file name when only
    /// the path is given). An id or path the server does not know is [`Error::Server`] with
    /// its message, or [`Error::NotFound`] when it had to be looked up. While a
    /// [`Conversation`] handle of this session is open on it, archiving is
    /// [`Error::AlreadyOpen`] and the server is not asked: drop the handle first.
    pub async fn archive_conversation(
        &self,
        conversation_id: &str,
        rollout_path: &Path,
    ) -> Result<()> {
        let peer = self.peer()?;
        let generation = peer.generation().clone();
        let timeout = self.inner.options.request_timeout;
        // Archiving under a live handle leaves it deaf (0.169 stops its events): refuse before
        // the server archives anything. The id is given, or in the rollout file's name, or
        // (only while some handle is open) looked up in the listing.
        let mut conversation_id = conversation_id.to_owned();
        if conversation_id.is_empty() {
            if let Some(id) = crate::generation::id_from_rollout_path(rollout_path) {
                conversation_id = id;
            } else if self.has_any_handle(&peer) {
                let stored = crate::generation::Stored::Path(rollout_path);
                if let Ok(found) =
                    crate::generation::find_listed(&*generation, &peer, stored, timeout).await
                {
                    conversation_id = found.id;
                }
            }
        }
        if self.has_handle(&peer, &conversation_id) {
            return Err(Error::AlreadyOpen {
                conversation: conversation_id,
            });
        }
        generation
            .archive_conversation(
                &peer,
                &conversation_id,
                rollout_path,
                self.inner.options.request_timeout,
            )
            .await
    }

    /// Make sure a server is up: nothing if it is, else [`CodexSession::restart`].
    pub async fn ensure_available(&self) -> Result<()> {
        if self.is_available() {
            return Ok(());
        }
        self.restart().await
    }

    /// Replace the server with a fresh one (killing the old one if it still runs), retrying
    /// with exponential backoff. Conversations of the old server end with
    /// [`crate::Event::Disconnected`]; resume them from their `rollout_path` if needed.
    pub async fn restart(&self) -> Result<()> {
        let Some(spec) = self.inner.spawn.clone() else {
            return Err(Error::Unsupported {
                operation: "restart",
                protocol: "caller-supplied stream",
            });
        };
        let _guard = self.inner.restart_lock.lock().await;
        let old = self.inner.live.lock().ok().and_then(|mut l| l.take());
        if let Some(old) = old {
            old.peer.die(Unavailable::Restarting);
        }
        let options = &self.inner.options;
        let mut delay = options.restart_backoff;
        let mut last = None;
        for attempt in 1..=options.restart_attempts {
            let launched = match self.inner.resolved.generation() {
                Ok(generation) => {
                    launch(options, &spec, generation, self.inner.resolved.name()).await
                }
                Err(e) => Err(e),
            };
            match launched {
                Ok(live) => {
                    audit_now(
                        &self.inner.audit,
                        "restart",
                        serde_json::json!({"attempt": attempt, "ok": true, "server": live.server.version}),
                    )
                    .await;
                    if let Ok(mut slot) = self.inner.live.lock() {
                        *slot = Some(live);
                    }
                    return Ok(());
                }
                Err(e) => {
                    tracing::warn!(attempt, error = %e, "codex restart failed");
                    audit_now(
                        &self.inner.audit,
                        "restart",
                        serde_json::json!({"attempt": attempt, "ok": false, "error": e.to_string()}),
                    )
                    .await;
                    last = Some(e);
                    if attempt < options.restart_attempts {
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(options.restart_backoff_max);
                    }
                }
            }
        }
        Err(Error::RestartFailed {
            attempts: options.restart_attempts,
            last: Box::new(last.unwrap_or(Error::Unavailable(Unavailable::Restarting))),
        })
    }

    /// Shut down cleanly: interrupt running turns, let pending approvals finish, close the
    /// server's input, wait for it to exit, and kill it after `grace`.
    pub async fn shutdown(self, grace: Duration) -> Result<()> {
        let live = self.inner.live.lock().ok().and_then(|mut l| l.take());
        let Some(live) = live else { return Ok(()) };
        let peer = live.peer;
        let deadline = tokio::time::Instant::now() + grace;
        if peer.unavailable().is_none() {
            peer.interrupt_running_turns();
            while (peer.approvals_in_flight() > 0 || peer.turns_running())
                && tokio::time::Instant::now() < deadline
            {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            peer.close_input();
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            peer.wait_child_exit(left).await;
        }
        peer.die(Unavailable::ShutDown);
        audit_now(&self.inner.audit, "shutdown", serde_json::json!({})).await;
        Ok(())
    }
}

/// Spawn and handshake once.
async fn launch(
    options: &SessionOptions,
    spec: &SpawnSpec,
    generation: Arc<dyn Generation>,
    protocol: &'static str,
) -> Result<Live> {
    let spawned = spawn(spec)?;
    let peer = Peer::start(
        spawned.stdout,
        spawned.stdin,
        Some(spawned.guard),
        generation,
        options.handler(),
        options.audit_sink(),
        options.peer_config(),
    );
    let server = handshake(&peer, options, protocol).await?;
    Ok(Live::new(peer, server))
}

async fn handshake(
    peer: &Arc<Peer>,
    options: &SessionOptions,
    protocol: &'static str,
) -> Result<ServerInfo> {
    let client = ClientIdentity {
        name: options.client_name.clone(),
        version: options.client_version.clone(),
    };
    let generation = peer.generation().clone();
    match generation
        .initialize(peer, &client, options.handshake_timeout)
        .await
    {
        Ok(info) => {
            // The version is the server's text: keep it short and on one line.
            let version: String = info
                .version
                .chars()
                .filter(|c| !c.is_control())
                .take(40)
                .collect();
            peer.set_server(format!("codex `{version}` ({protocol})"));
            Ok(info)
        }
        Err(e) => {
            peer.die(Unavailable::ShutDown);
            Err(e)
        }
    }
}

async fn audit_now(audit: &Arc<dyn AuditSink>, event: &str, fields: serde_json::Value) {
    if let Err(e) = audit.append(&AuditRecord::new(event, fields)).await {
        tracing::error!(error = %e, "audit record lost");
    }
}
