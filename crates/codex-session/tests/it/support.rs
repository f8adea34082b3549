//! A scripted peer over an in-process duplex pipe: the test plays the server line by line;
//! and the rig of the tests against real `codex` binaries.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use codex_session::{
    ApprovalDecision, ApprovalHandler, ApprovalRequest, AskForApproval, CodexSession, Conversation,
    ConversationOptions, ConversationPage, HandlerError, ReviewDecision, SandboxMode,
    SessionOptions,
};
use serde_json::{json, Value};
use tokio::io::{
    AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines, ReadHalf, WriteHalf,
};
use xldb_testkit::fake_model::{CodexHome, FakeModel, Script};

pub const CONV: &str = "conv-1";
/// Every wait in these tests is bounded by this: a hang fails the test instead of the suite.
pub const LIMIT: Duration = Duration::from_secs(10);

/// The server end of a duplex pipe.
pub struct Peer {
    lines: Lines<BufReader<ReadHalf<DuplexStream>>>,
    out: Option<WriteHalf<DuplexStream>>,
}

impl Peer {
    /// The next message from the client (panics after [`LIMIT`]).
    pub async fn recv(&mut self) -> Value {
        let line = tokio::time::timeout(LIMIT, self.lines.next_line())
            .await
            .expect("the client sent nothing in time")
            .expect("read failed")
            .expect("the client closed its output");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("client wrote bad JSON {line}: {e}"))
    }

    /// The next message, or `None` if nothing comes within `wait`.
    pub async fn try_recv(&mut self, wait: Duration) -> Option<Value> {
        match tokio::time::timeout(wait, self.lines.next_line()).await {
            Ok(Ok(Some(line))) => serde_json::from_str(&line).ok(),
            _ => None,
        }
    }

    /// Skip messages until a request for `method` arrives; returns it.
    pub async fn expect_request(&mut self, method: &str) -> Value {
        loop {
            let msg = self.recv().await;
            if msg["method"] == method && msg.get("id").is_some() {
                return msg;
            }
        }
    }

    /// Skip messages until a response (no `method`) with `id` arrives.
    pub async fn expect_response(&mut self, id: Value) -> Value {
        loop {
            let msg = self.recv().await;
            if msg.get("method").is_none() && msg["id"] == id {
                return msg;
            }
        }
    }

    pub async fn send(&mut self, v: Value) {
        self.send_raw(format!("{v}\n").as_bytes()).await;
    }

    pub async fn send_raw(&mut self, bytes: &[u8]) {
        if let Some(out) = self.out.as_mut() {
            let _ = out.write_all(bytes).await;
            let _ = out.flush().await;
        }
    }

    pub async fn reply(&mut self, request: &Value, result: Value) {
        self.send(json!({"jsonrpc": "2.0", "id": request["id"], "result": result}))
            .await;
    }

    pub async fn event(&mut self, msg: Value) {
        let kind = msg["type"].as_str().unwrap().to_owned();
        self.send(
            json!({"jsonrpc": "2.0", "method": format!("codex/event/{kind}"),
            "params": {"id": "0", "msg": msg, "conversationId": CONV}}),
        )
        .await;
    }

    /// Send an `execCommandApproval` request with server id `id` (0.39's shape).
    pub async fn exec_approval(&mut self, id: i64, call_id: &str, command: &[&str]) {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": "execCommandApproval",
            "params": {"conversation_id": CONV, "call_id": call_id, "command": command, "cwd": "/w"}}))
            .await;
    }

    /// Close the server's output (end of file for the client).
    pub async fn close(&mut self) {
        if let Some(mut out) = self.out.take() {
            let _ = out.shutdown().await;
        }
    }

    /// Answer `initialize`.
    pub async fn handshake(&mut self) {
        let init = self.expect_request("initialize").await;
        self.reply(
            &init,
            json!({"capabilities": {}, "protocolVersion": "2025-06-18",
            "serverInfo": {"name": "codex-mcp-server", "version": "0.39.0"}}),
        )
        .await;
    }

    /// Answer `newConversation` and `addConversationListener`.
    pub async fn open_conversation(&mut self) {
        let new = self.expect_request("newConversation").await;
        self.reply(&new, json!({"conversationId": CONV, "model": "m"}))
            .await;
        let listen = self.expect_request("addConversationListener").await;
        assert_eq!(listen["params"]["conversationId"], CONV);
        self.reply(&listen, json!({"subscriptionId": "sub"})).await;
    }

    /// Answer the `sendUserMessage` that starts a turn.
    pub async fn accept_message(&mut self) -> Value {
        let send = self.expect_request("sendUserMessage").await;
        self.reply(&send, json!({})).await;
        send
    }
}

/// Options for a scripted peer: they all speak the `codex mcp` 0.39 conversation API, and
/// answer no `--version` to detect it from.
pub fn scripted() -> SessionOptions {
    SessionOptions::new().protocol(codex_session::Protocol::McpConversation)
}

/// A session connected to a scripted peer (handshake done).
pub async fn connect(options: SessionOptions) -> (CodexSession, Peer) {
    let (client, server) = tokio::io::duplex(64 * 1024);
    let (read, write) = tokio::io::split(server);
    let mut peer = Peer {
        lines: BufReader::new(read).lines(),
        out: Some(write),
    };
    let (cr, cw) = tokio::io::split(client);
    let session = tokio::spawn(CodexSession::connect(cr, cw, options));
    peer.handshake().await;
    let session = tokio::time::timeout(LIMIT, session)
        .await
        .expect("connect hung")
        .expect("connect panicked")
        .expect("connect failed");
    (session, peer)
}

/// A session and an open conversation.
pub async fn conversation(options: SessionOptions) -> (CodexSession, Conversation, Peer) {
    let (session, mut peer) = connect(options).await;
    let s = session.clone();
    let open = tokio::spawn(async move { s.new_conversation(ConversationOptions::new()).await });
    peer.open_conversation().await;
    let conversation = open.await.unwrap().expect("new_conversation failed");
    (session, conversation, peer)
}

/// Bound any future by [`LIMIT`].
pub async fn within<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(LIMIT, f)
        .await
        .expect("timed out: something hangs")
}

/// A handler that answers with a fixed decision.
#[derive(Debug)]
pub struct Fixed(pub ReviewDecision);

#[async_trait::async_trait]
impl ApprovalHandler for Fixed {
    async fn decide(&self, _: &ApprovalRequest) -> Result<ApprovalDecision, HandlerError> {
        Ok(ApprovalDecision::new(self.0, "test", "fixed"))
    }
}

pub fn fixed(d: ReviewDecision) -> Arc<dyn ApprovalHandler> {
    Arc::new(Fixed(d))
}

// ---- Real `codex` binaries against the fake model of `xldb-testkit` ----

/// The real `codex` `version`; a missing one fails with the command that installs it.
pub fn real_codex(version: &str) -> PathBuf {
    xldb_testkit::codex::codex_bin(version)
        .unwrap_or_else(|e| panic!("{e:#}: run `source scripts/deps.sh && install_codex_versions`"))
}

/// Options for the real `codex` `version` in `home`: its program, the work directory, the
/// home's environment, requests bounded at 10 s.
pub fn real_options(version: &str, home: &CodexHome) -> SessionOptions {
    let mut options = SessionOptions::new()
        .program(real_codex(version))
        .cwd(home.work_dir())
        .request_timeout(Duration::from_secs(10));
    for (k, v) in home.envs() {
        options = options.env(k, v);
    }
    options
}

/// Start a session with `options` (panics with the version and the error if it fails).
pub async fn start_real(version: &str, options: SessionOptions) -> CodexSession {
    within(CodexSession::start(options))
        .await
        .unwrap_or_else(|e| panic!("codex {version} starts: {e}"))
}

/// A fake model, its `CODEX_HOME` and a session of a real `codex` on them.
pub struct Rig {
    pub model: FakeModel,
    pub home: CodexHome,
    pub session: CodexSession,
}

impl Rig {
    /// The fake model playing `script`, a home, and `codex` `version` started with
    /// [`real_options`] as `configure` finishes them.
    pub async fn start(
        version: &str,
        script: Script,
        configure: impl FnOnce(SessionOptions) -> SessionOptions,
    ) -> Rig {
        let model = FakeModel::start(script).await.expect("fake model");
        let home = CodexHome::new(&model).expect("codex home");
        let session = start_real(version, configure(real_options(version, &home))).await;
        Rig {
            model,
            home,
            session,
        }
    }

    /// A new conversation with `options`.
    pub async fn open(&self, options: ConversationOptions) -> Conversation {
        within(self.session.new_conversation(options))
            .await
            .unwrap()
    }
}

/// Conversation options in `home`'s work directory: approval policy untrusted, sandbox
/// workspace-write, turns bounded by `turn_timeout`.
pub fn untrusted_workspace(home: &CodexHome, turn_timeout: Duration) -> ConversationOptions {
    ConversationOptions::new()
        .cwd(home.work_dir())
        .approval_policy(AskForApproval::Untrusted)
        .sandbox(SandboxMode::WorkspaceWrite)
        .turn_timeout(turn_timeout)
}

/// Poll the first page of the listing until `id` is in it (servers write the rollout in the
/// background); that page.
pub async fn wait_listed(session: &CodexSession, id: &str) -> ConversationPage {
    within(async {
        loop {
            let page = session.list_conversations(Some(10), None).await.unwrap();
            if page.items.iter().any(|c| c.id == id) {
                return page;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
}

/// One module per target, one `#[tokio::test]` per scenario: `per_target!([a, b] m =>
/// ("0.39.0", Protocol::Auto), …)` makes `m::a` and `m::b`, which run the parent module's
/// `a(target)` and `b(target)`.
macro_rules! per_target {
    ($scenarios:tt $($module:ident => $target:expr),* $(,)?) => {$(
        $crate::support::per_target!(@module $module ($target) $scenarios);
    )*};
    (@module $module:ident ($target:expr) [$($scenario:ident),* $(,)?]) => {
        mod $module {
            use codex_session::Protocol;
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario($target).await;
                }
            )*
        }
    };
}
pub(crate) use per_target;
