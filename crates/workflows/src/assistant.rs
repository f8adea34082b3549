//! Asking Codex: one conversation, one turn, every approval through the policy, the answer
//! parsed back — or a clear reason why Codex could not be used.
//!
//! [`ask_codex`] starts Codex with `codex-session` in the protocol of
//! [`AssistantConfig::protocol`] ([`Protocol::Auto`] by default: `codex --version` picks
//! `codex mcp` for 0.22–0.42 and `codex app-server` after), registers the database tools as
//! the MCP server `xldb` (`-c mcp_servers.xldb.command=…`, `…args=[…]`) when asked to, opens a
//! conversation with [`base_instructions`](crate::base_instructions), sends the (redacted)
//! prompt and waits for the turn with a time limit. The version and protocol it ended up
//! speaking are reported first ([`AssistantProgress::Connected`]) and kept in the outcome
//! ([`AssistantOutcome::server`]). Approvals go to a
//! `codex_session::PolicyHandler` over the given [`approval_policy::Policy`]: `allow` runs,
//! `deny` is refused, `ask` goes to the `human` handler when one is given (a TTY prompt in the
//! CLI) and is refused otherwise. Nothing turns `ask` into `allow`. Codex 0.169 also asks
//! before each MCP tool call: the tools of our own `xldb` server are trusted (all of them only
//! read), any other MCP tool is an `ask`.
//!
//! Every failure to get a complete answer is an [`AssistantError`]: the caller falls back to
//! the local analysis, and never prints a partial answer as if it were complete. A prompt that
//! Codex (its input limit, 1,048,576 characters on 0.169) or the model (its context window)
//! refuses as too long is [`AssistantError::PromptTooLarge`], whose message says so and what
//! to do: that is our input's fault, never "Codex unavailable".

use crate::extract::{extract_recommendations, extract_sql_blocks};
use crate::prompts::{base_instructions, MCP_SERVER_NAME};
use approval_policy::Policy;
use codex_session::redact_text;
use codex_session::{
    choose_generation, read_codex_version, ApprovalHandler, AskForApproval, AuditError,
    AuditRecord, AuditSink, AuthStatus, CodexSession, ConversationOptions, DetectError, Event,
    FileAuditSink, Locator, ModelLiveness, PolicyHandler, Protocol, SandboxMode, SessionOptions,
    TurnEnd, NOT_LOGGED_IN,
};
use serde::Serialize;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The MCP server Codex should start for the database tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpServerSpec {
    /// The program (usually this `xldb-codex` binary).
    pub command: PathBuf,
    /// Its arguments (e.g. `["mcp", "serve"]`; never a password: Codex's command line is
    /// visible to every user of the machine).
    pub args: Vec<String>,
    /// Environment of the server alone. It reaches Codex over its standard input, in the
    /// conversation's configuration (`mcp_servers.xldb.env`), so it must hold no secret: hand
    /// a database URL over with a [`UrlHandoff`](crate::UrlHandoff) and put its
    /// [`env`](crate::UrlHandoff::env) here.
    pub env: Vec<(String, String)>,
}

/// How to run Codex.
#[derive(Debug, Clone)]
pub struct AssistantConfig {
    /// The `codex` program; `None` lets `codex-session` find it (`CODEX_BIN`,
    /// `node_modules/.bin/codex` in the working directory or above, `codex` on `PATH`).
    pub codex_bin: Option<PathBuf>,
    /// Time limit of each request to Codex (the handshake, starting a conversation).
    pub timeout: Duration,
    /// Time limit of the whole turn (the model's work and every command it runs).
    pub turn_timeout: Duration,
    /// When this turns `true` (Ctrl-C), the turn is interrupted and Codex shut down (the audit
    /// log gets its `shutdown` record), and [`ask_codex`] returns
    /// [`AssistantError::Interrupted`].
    pub interrupt: Option<tokio::sync::watch::Receiver<bool>>,
    /// How long the model may stay unreachable (connection errors, retries, no sign of life)
    /// before the turn is given up as [`AssistantError::Unavailable`], saying why.
    pub unreachable_timeout: Duration,
    /// Model.
    pub model: Option<String>,
    /// Codex profile.
    pub profile: Option<String>,
    /// Codex approval policy (`untrusted`, `on-failure`, `on-request`, `never`).
    pub approval_policy: String,
    /// Codex sandbox (`read-only`, `workspace-write`, `danger-full-access`).
    pub sandbox: String,
    /// Our approval policy.
    pub policy: Arc<Policy>,
    /// Who answers `ask` (none: `ask` is denied).
    pub human: Option<Arc<dyn ApprovalHandler>>,
    /// JSON Lines audit log.
    pub audit_log: Option<PathBuf>,
    /// Another audit sink (the fleet's store), written after the log; both must succeed
    /// before a decision is sent.
    pub audit: Option<Arc<dyn AuditSink>>,
    /// How long `human` may take to answer (a queue in a fleet store waits up to this long):
    /// the session's approval time limit and the turn's time limit grow by it. `None`: the
    /// session's default (5 minutes).
    pub approval_wait: Option<Duration>,
    /// The database tools to register with Codex.
    pub mcp_server: Option<McpServerSpec>,
    /// Working directory of the conversation.
    pub cwd: PathBuf,
    /// Extra environment for the server (e.g. `CODEX_HOME`).
    pub env: Vec<(OsString, OsString)>,
    /// The protocol to speak: [`Protocol::Auto`] (detect from `codex --version`) or a forced
    /// generation.
    pub protocol: Protocol,
}

/// The Codex server a conversation talked to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodexServer {
    /// Its version, as it reported it in the handshake (`0.80.0`).
    pub version: String,
    /// The protocol spoken ([`Protocol::name`]: `mcp-conversation`, `app-server-v2`, …).
    pub protocol: String,
    /// Whether the protocol was picked from the version ([`Protocol::Auto`]) rather than forced.
    pub detected: bool,
}

/// What [`ask_codex`] reports while it works.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum AssistantProgress<'a> {
    /// The server is up: its version and the protocol spoken (once, before any event).
    Connected(&'a CodexServer),
    /// Codex called a tool of an MCP server (once per call, whatever the generation).
    ToolCall {
        /// The server (`xldb` for our database tools).
        server: &'a str,
        /// The tool (`execute_query`, …).
        tool: &'a str,
    },
    /// An event of the turn.
    Event(&'a Event),
}

/// Why Codex could not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum AssistantError {
    /// Codex could not be started or stopped answering (missing binary, crash, stall).
    #[error("{0}")]
    Unavailable(String),
    /// The turn ended without an answer (error event, aborted, timed out).
    #[error("{0}")]
    NoAnswer(String),
    /// Codex or the model refused the prompt as too long: not an outage, the input must shrink.
    #[error(
        "the prompt ({tokens} tokens) exceeds what {refused_by} accepts ({}); lower `--prompt-budget` or use `--thorough`",
        limit.map_or_else(|| "its context window".to_string(), |m| format!("{m} characters"))
    )]
    PromptTooLarge {
        /// The prompt's size in tokens ([`count_tokens`](crate::count_tokens)).
        tokens: usize,
        /// Who refused it: `codex` (its input limit) or `the model` (its context window).
        refused_by: &'static str,
        /// The limit in characters, when the refusal named it.
        limit: Option<u64>,
    },
    /// The user interrupted (Ctrl-C, SIGTERM): Codex was stopped.
    #[error("interrupted")]
    Interrupted,
    /// The audit log cannot be opened (fatal: nothing runs unaudited).
    #[error("cannot open the audit log `{path}`: {message}")]
    Audit {
        /// The file.
        path: PathBuf,
        /// The failure.
        message: String,
    },
}

/// A command Codex ran.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommandSummary {
    /// The argv (redacted).
    pub command: Vec<String>,
    /// Exit code.
    pub exit_code: Option<i32>,
}

/// A request our policy refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeniedSummary {
    /// What was asked (redacted argv or file list).
    pub subject: Vec<String>,
    /// Who decided (`policy`, `human`, …).
    pub decided_by: String,
    /// The policy's explanation.
    pub explanation: serde_json::Value,
}

/// Token counts of the turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Tokens {
    /// Input tokens.
    pub input: u64,
    /// Output tokens.
    pub output: u64,
    /// Total.
    pub total: u64,
}

/// Codex's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssistantOutcome {
    /// The final message.
    pub final_message: String,
    /// `RECOMMENDATION:` lines.
    pub recommendations: Vec<String>,
    /// SQL blocks in the answer.
    pub sql_blocks: Vec<String>,
    /// Commands run.
    pub commands_run: Vec<CommandSummary>,
    /// Requests denied.
    pub denied: Vec<DeniedSummary>,
    /// MCP tool calls made (server.tool).
    pub tool_calls: Vec<String>,
    /// Token usage, when reported.
    pub token_usage: Option<Tokens>,
    /// The server that answered (`None` for an answer read back from a cache).
    pub server: Option<CodexServer>,
}

/// The tools of our `xldb` MCP server that are approved without asking when Codex asks before
/// calling them (0.169): every one of them only reads ([`crate::DbTools::definitions`]).
const TRUSTED_XLDB_TOOLS: &[&str] = &[
    "list_tables",
    "describe_table",
    "analyze_schema",
    "execute_query",
];

fn toml_string(s: &str) -> String {
    // A TOML basic string (what `-c key=value` parses).
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Ask Codex `prompt`; `on_progress` hears which server answered, then each event (to stream
/// progress).
///
/// When a forced protocol fails, the error says so if the binary's version does not speak it
/// (e.g. `codex 0.169.0 does not speak mcp-conversation (it speaks: app-server-v2)`): a server
/// spoken to in the wrong generation only exits or answers "method not found", which names no
/// cause.
pub async fn ask_codex(
    config: &AssistantConfig,
    prompt: &str,
    on_progress: impl FnMut(AssistantProgress<'_>) + Send,
) -> Result<AssistantOutcome, AssistantError> {
    match converse(config, prompt, on_progress).await {
        Err(AssistantError::Unavailable(why)) if config.protocol != Protocol::Auto => Err(
            AssistantError::Unavailable(explain_forced(config, why).await),
        ),
        Err(AssistantError::NoAnswer(why)) if config.protocol != Protocol::Auto => {
            Err(AssistantError::NoAnswer(explain_forced(config, why).await))
        }
        other => other,
    }
}

/// How long reading the version may take when explaining a failure (the binary already failed
/// once; do not wait on it for long).
const EXPLAIN_VERSION_TIMEOUT: Duration = Duration::from_secs(5);

/// `why`, prefixed with the version mismatch when the forced protocol is one the binary's
/// version does not speak (by `codex-session`'s version table); `why` alone otherwise.
async fn explain_forced(config: &AssistantConfig, why: String) -> String {
    if config.protocol == Protocol::Auto {
        return why;
    }
    let Ok(program) = Locator::from_env(config.codex_bin.clone()).find() else {
        return why;
    };
    let version =
        match tokio::time::timeout(EXPLAIN_VERSION_TIMEOUT, read_codex_version(&program)).await {
            Ok(Ok(version)) => version,
            _ => return why,
        };
    match choose_generation(program, version, Some(config.protocol)) {
        Err(mismatch @ DetectError::Unsupported { .. }) => format!(
            "{mismatch}, but protocol `{}` was forced (`auto` detects the right one): {why}",
            config.protocol
        ),
        _ => why,
    }
}

/// The approval handler of a conversation: the policy for commands and patches, `human` for
/// `ask`, and our own read-only database tools trusted when they are registered.
fn policy_handler(config: &AssistantConfig) -> PolicyHandler {
    let mut handler = PolicyHandler::new(config.policy.clone()).workspace(&config.cwd);
    if let Some(h) = &config.human {
        handler = handler.with_human(h.clone());
    }
    if config.mcp_server.is_some() {
        // Codex 0.169 asks before each MCP tool call: only our own server's tools are trusted,
        // and only the read-only ones (`execute_query` is gated again by the SQL classifier
        // and a read-only session). Any other MCP tool is an `ask`.
        for tool in TRUSTED_XLDB_TOOLS {
            handler = handler.trust_mcp_tool(MCP_SERVER_NAME, *tool);
        }
    }
    handler
}

async fn converse(
    config: &AssistantConfig,
    prompt: &str,
    mut on_progress: impl FnMut(AssistantProgress<'_>) + Send,
) -> Result<AssistantOutcome, AssistantError> {
    let handler = policy_handler(config);
    // Auto (the default): `codex --version` picks the protocol generation (codex mcp for
    // 0.22–0.42, app-server for later versions), so any installed Codex gets the same workflow.
    let mut options = SessionOptions::new()
        .protocol(config.protocol)
        .cwd(&config.cwd)
        .request_timeout(config.timeout)
        .handshake_timeout(config.timeout)
        .approval_handler(Arc::new(handler));
    if let Some(program) = &config.codex_bin {
        options = options.program(program);
    }
    for (k, v) in &config.env {
        options = options.env(k.clone(), v.clone());
    }
    let audit_log = match &config.audit_log {
        Some(path) => {
            let sink = FileAuditSink::open(path).map_err(|e| AssistantError::Audit {
                path: path.clone(),
                message: e.to_string(),
            })?;
            Some(Arc::new(sink) as Arc<dyn AuditSink>)
        }
        None => None,
    };
    let sinks = audit_log.into_iter().chain(config.audit.clone()).collect();
    let probe = Arc::new(StartProbe::new(sinks));
    if let Some(wait) = config.approval_wait {
        // The human's own wait ends first (and is recorded); this is only the backstop.
        options = options.approval_timeout(wait + Duration::from_secs(30));
    }
    options = options.audit(probe.clone() as Arc<dyn AuditSink>);
    if let Some(mcp) = &config.mcp_server {
        let args = format!(
            "[{}]",
            mcp.args
                .iter()
                .map(|a| toml_string(a))
                .collect::<Vec<_>>()
                .join(", ")
        );
        options = options
            .config_override(
                &format!("mcp_servers.{MCP_SERVER_NAME}.command"),
                &toml_string(&mcp.command.display().to_string()),
            )
            .config_override(&format!("mcp_servers.{MCP_SERVER_NAME}.args"), &args);
    }
    // An interrupt while Codex starts drops the start, which kills the child.
    let session = tokio::select! {
        started = CodexSession::start(options) => started
            .map_err(|e| AssistantError::Unavailable(redact_text(&e.to_string()).into_owned()))?,
        () = interrupted(config.interrupt.clone()) => return Err(AssistantError::Interrupted),
    };
    let server = CodexServer {
        version: session
            .server_info()
            .map(|info| info.version)
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "unknown".into()),
        protocol: probe
            .protocol()
            .unwrap_or_else(|| config.protocol.name().to_owned()),
        detected: config.protocol == Protocol::Auto,
    };
    on_progress(AssistantProgress::Connected(&server));
    if let Err(why) = check_logged_in(&session, config).await {
        let _ = session.shutdown(Duration::from_secs(2)).await;
        return Err(why);
    }

    let approval = match config.approval_policy.as_str() {
        "on-failure" => AskForApproval::OnFailure,
        "on-request" => AskForApproval::OnRequest,
        "never" => AskForApproval::Never,
        _ => AskForApproval::Untrusted,
    };
    let sandbox = match config.sandbox.as_str() {
        "workspace-write" => SandboxMode::WorkspaceWrite,
        "danger-full-access" => SandboxMode::DangerFullAccess,
        _ => SandboxMode::ReadOnly,
    };
    let turn_timeout = config.turn_timeout + config.approval_wait.unwrap_or_default();
    let mut conv_opts = ConversationOptions::new()
        .approval_policy(approval)
        .sandbox(sandbox)
        .cwd(&config.cwd)
        .base_instructions(base_instructions())
        .turn_timeout(turn_timeout);
    if let Some(m) = &config.model {
        conv_opts = conv_opts.model(m);
    }
    if let Some(p) = &config.profile {
        conv_opts = conv_opts.profile(p);
    }
    if let Some(mcp) = &config.mcp_server {
        // codex 0.39 builds each conversation's configuration from `newConversation`'s own
        // `config` map (the server's `-c` overrides do not reach it), so register the tools
        // there as well.
        conv_opts = conv_opts
            .config(
                format!("mcp_servers.{MCP_SERVER_NAME}.command"),
                serde_json::Value::String(mcp.command.display().to_string()),
            )
            .config(
                format!("mcp_servers.{MCP_SERVER_NAME}.args"),
                serde_json::json!(mcp.args),
            );
        if !mcp.env.is_empty() {
            let env: serde_json::Map<String, serde_json::Value> = mcp
                .env
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect();
            conv_opts = conv_opts.config(
                format!("mcp_servers.{MCP_SERVER_NAME}.env"),
                serde_json::Value::Object(env),
            );
        }
    }
    let liveness = Mutex::new(ModelLiveness::new(config.unreachable_timeout));
    let work = async {
        let mut conversation = session.new_conversation(conv_opts).await.map_err(|e| {
            refused(&e, prompt).unwrap_or_else(|| {
                AssistantError::Unavailable(redact_text(&e.to_string()).into_owned())
            })
        })?;
        let mut tool_calls = Vec::new();
        let mut seen_calls = std::collections::HashSet::new();
        let outcome = conversation
            .run_turn_observed(&redact_text(prompt), |ev| {
                if let Ok(mut l) = liveness.lock() {
                    l.observe(ev, std::time::Instant::now());
                }
                if let Some((id, server, tool)) = mcp_tool_call(ev) {
                    if seen_calls.insert(id) {
                        on_progress(AssistantProgress::ToolCall {
                            server: &server,
                            tool: &tool,
                        });
                        tool_calls.push(format!("{server}.{tool}"));
                    }
                }
                on_progress(AssistantProgress::Event(ev))
            })
            .await
            .map_err(|e| {
                if let Some(refusal) = refused(&e, prompt) {
                    refusal
                } else if e.is_unavailable() {
                    AssistantError::Unavailable(redact_text(&e.to_string()).into_owned())
                } else {
                    AssistantError::NoAnswer(redact_text(&e.to_string()).into_owned())
                }
            })?;
        Ok::<_, AssistantError>((outcome, tool_calls))
    };
    let result = tokio::select! {
        r = work => r,
        () = interrupted(config.interrupt.clone()) => Err(AssistantError::Interrupted),
        why = unreachable(&liveness) => Err(AssistantError::Unavailable(why)),
    };
    // Also after an interrupt: the running turn is interrupted, Codex stopped, and the audit
    // log gets its `shutdown` record.
    let _ = session.shutdown(Duration::from_secs(2)).await;
    let (outcome, tool_calls) = result?;
    match &outcome.end {
        TurnEnd::Completed => {}
        TurnEnd::Aborted { reason } => {
            return Err(AssistantError::NoAnswer(format!(
                "the turn was aborted ({})",
                redact_text(reason)
            )))
        }
        TurnEnd::Failed { message } if is_context_overflow(message) => {
            return Err(too_large(prompt, "the model", None))
        }
        TurnEnd::Failed { message } => {
            return Err(AssistantError::NoAnswer(format!(
                "the model failed: {}",
                redact_text(message)
            )))
        }
    }
    let Some(final_message) = outcome
        .final_message
        .clone()
        .filter(|m| !m.trim().is_empty())
    else {
        if outcome.errors.iter().any(|e| is_context_overflow(e)) {
            return Err(too_large(prompt, "the model", None));
        }
        let why = outcome
            .errors
            .first()
            .map(|e| redact_text(e))
            .unwrap_or_else(|| "no final message".into());
        return Err(AssistantError::NoAnswer(format!(
            "the turn ended without an answer: {why}"
        )));
    };
    let final_message = redact_text(&final_message).into_owned();
    Ok(AssistantOutcome {
        recommendations: extract_recommendations(&final_message),
        sql_blocks: extract_sql_blocks(&final_message),
        final_message,
        commands_run: outcome
            .commands
            .iter()
            .map(|c| CommandSummary {
                command: c
                    .command
                    .iter()
                    .map(|a| redact_text(a).into_owned())
                    .collect(),
                exit_code: c.exit_code,
            })
            .collect(),
        denied: outcome
            .denied
            .iter()
            .map(|d| DeniedSummary {
                subject: d
                    .subject
                    .iter()
                    .map(|a| redact_text(a).into_owned())
                    .collect(),
                decided_by: d.decided_by.clone(),
                explanation: d.explanation.clone(),
            })
            .collect(),
        tool_calls,
        token_usage: outcome.token_usage.map(|t| Tokens {
            input: t.input_tokens,
            output: t.output_tokens,
            total: t.total_tokens,
        }),
        server: Some(server),
    })
}

/// Resolves with the reason once the model counts as unreachable ([`ModelLiveness`]).
async fn unreachable(liveness: &Mutex<ModelLiveness>) -> String {
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let expired = liveness
            .lock()
            .ok()
            .and_then(|l| l.expired(std::time::Instant::now()));
        if let Some(why) = expired {
            return why;
        }
    }
}

/// Before any turn: a Codex that is not logged in (and whose provider needs it) is
/// unavailable, said plainly, instead of failing after the turn is set up. Skipped when an
/// API key is in the environment (Codex may read it), and when the generation cannot tell.
async fn check_logged_in(
    session: &CodexSession,
    config: &AssistantConfig,
) -> Result<(), AssistantError> {
    let key_given = ["OPENAI_API_KEY", "CODEX_API_KEY"].iter().any(|k| {
        config.env.iter().any(|(name, _)| name == k)
            || std::env::var_os(k).is_some_and(|v| !v.is_empty())
    });
    if key_given {
        return Ok(());
    }
    match session.auth_status(config.timeout).await {
        Ok(AuthStatus::LoggedOut) => Err(AssistantError::Unavailable(NOT_LOGGED_IN.into())),
        // A server that cannot answer is judged by the turn itself.
        _ => Ok(()),
    }
}

/// Resolves when `interrupt` turns `true`; never without one (or once its sender is gone).
async fn interrupted(interrupt: Option<tokio::sync::watch::Receiver<bool>>) {
    if let Some(mut rx) = interrupt {
        if rx.wait_for(|i| *i).await.is_ok() {
            return;
        }
    }
    std::future::pending::<()>().await;
}

/// Codex 0.169 refuses a `turn/start` whose input is longer than its limit with a JSON-RPC
/// error (`-32602`, "Input exceeds the maximum length of 1048576 characters"); `codex-session`
/// hands it over as [`codex_session::Error::Server`]. That is a refusal of our input, not an
/// outage: say so, with the limit when the message names it.
fn refused(e: &codex_session::Error, prompt: &str) -> Option<AssistantError> {
    let codex_session::Error::Server { code, message, .. } = e else {
        return None;
    };
    let lower = message.to_ascii_lowercase();
    if *code == -32602 && lower.contains("exceeds the maximum length") {
        let limit = lower
            .split("maximum length of")
            .nth(1)
            .and_then(|rest| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .find(|w| !w.is_empty())
            })
            .and_then(|digits| digits.parse().ok());
        return Some(too_large(prompt, "codex", limit));
    }
    is_context_overflow(message).then(|| too_large(prompt, "the model", None))
}

/// Whether a model error says the input is longer than its context window (the Responses
/// API's `context_length_exceeded`, and the wordings Codex shows for it).
fn is_context_overflow(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("context_length_exceeded")
        || m.contains("context window")
        || m.contains("maximum context length")
}

fn too_large(prompt: &str, refused_by: &'static str, limit: Option<u64>) -> AssistantError {
    AssistantError::PromptTooLarge {
        tokens: crate::tokens::count_tokens(prompt),
        refused_by,
        limit,
    }
}

/// Passes every audit record on to the user's audit sinks, in order (the log, the store), and keeps the
/// protocol named by the session's `session_started` record: that record is where
/// `codex-session` tells which protocol it settled on (detected or forced), so reading it
/// there reports exactly what was spoken instead of guessing it again from the version.
#[derive(Debug)]
struct StartProbe {
    inner: Vec<Arc<dyn AuditSink>>,
    protocol: Mutex<Option<String>>,
}

impl StartProbe {
    fn new(inner: Vec<Arc<dyn AuditSink>>) -> StartProbe {
        StartProbe {
            inner,
            protocol: Mutex::new(None),
        }
    }

    fn protocol(&self) -> Option<String> {
        self.protocol.lock().ok().and_then(|p| p.clone())
    }
}

#[async_trait::async_trait]
impl AuditSink for StartProbe {
    async fn append(&self, record: &AuditRecord) -> Result<(), AuditError> {
        if record.event == "session_started" {
            if let (Some(name), Ok(mut slot)) = (
                record.fields.get("protocol").and_then(|p| p.as_str()),
                self.protocol.lock(),
            ) {
                *slot = Some(name.to_owned());
            }
        }
        for sink in &self.inner {
            sink.append(record).await?;
        }
        Ok(())
    }
}

/// An MCP tool call announced by `ev`: `(call id, server, tool)`. The generations announce it
/// differently and `codex-session` carries both as [`Event::Other`]: `mcp_tool_call_begin`
/// (`codex mcp` and app-server v1: `{call_id, invocation: {server, tool}}`) and the v2
/// `mcpToolCall` item (`{id, server, tool, status}`, sent when it starts and again when it
/// completes; the caller counts each id once).
fn mcp_tool_call(ev: &Event) -> Option<(String, String, String)> {
    let Event::Other { kind, raw } = ev else {
        return None;
    };
    let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    match kind.as_str() {
        "mcp_tool_call_begin" => Some((
            text(&raw["call_id"])?,
            text(&raw["invocation"]["server"])?,
            text(&raw["invocation"]["tool"])?,
        )),
        "mcpToolCall" => Some((
            text(&raw["id"])?,
            text(&raw["server"])?,
            text(&raw["tool"])?,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_trusted_tools_are_exactly_our_read_only_database_tools() {
        // A new tool of the `xldb` server is not trusted until it is added here on purpose.
        let defined: Vec<String> = crate::DbTools::definitions()
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect();
        let mut trusted: Vec<String> = TRUSTED_XLDB_TOOLS.iter().map(|t| t.to_string()).collect();
        let mut sorted = defined.clone();
        sorted.sort();
        trusted.sort();
        assert_eq!(trusted, sorted);
        let config = AssistantConfig {
            codex_bin: None,
            timeout: Duration::from_secs(1),
            turn_timeout: Duration::from_secs(1),
            interrupt: None,
            unreachable_timeout: Duration::from_secs(1),
            model: None,
            profile: None,
            approval_policy: "untrusted".into(),
            sandbox: "read-only".into(),
            policy: Arc::new(Policy::builtin()),
            human: None,
            audit_log: None,
            audit: None,
            approval_wait: None,
            mcp_server: Some(McpServerSpec {
                command: "xldb-codex".into(),
                args: vec!["mcp".into(), "serve".into()],
                env: Vec::new(),
            }),
            cwd: "/w".into(),
            env: Vec::new(),
            protocol: Protocol::Auto,
        };
        let handler = policy_handler(&config);
        for tool in &defined {
            assert!(handler.trusts_mcp_tool(MCP_SERVER_NAME, tool), "{tool}");
            assert!(!handler.trusts_mcp_tool("other", tool), "{tool}");
        }
        assert!(!handler.trusts_mcp_tool(MCP_SERVER_NAME, "drop_table"));
        // Without our server registered, nothing is trusted.
        let bare = policy_handler(&AssistantConfig {
            mcp_server: None,
            ..config
        });
        assert!(!bare.trusts_mcp_tool(MCP_SERVER_NAME, "execute_query"));
    }

    fn other(kind: &str, raw: serde_json::Value) -> Event {
        Event::Other {
            kind: kind.to_owned(),
            raw,
        }
    }

    #[test]
    fn mcp_tool_calls_are_read_from_every_generation() {
        let begin = other(
            "mcp_tool_call_begin",
            json!({"call_id": "c1", "invocation": {"server": "xldb", "tool": "execute_query", "arguments": {}}}),
        );
        let v2 = other(
            "mcpToolCall",
            json!({"id": "c2", "server": "xldb", "tool": "list_tables", "status": "inProgress", "type": "mcpToolCall"}),
        );
        let call = |id: &str, tool: &str| Some((id.to_owned(), "xldb".to_owned(), tool.to_owned()));
        assert_eq!(mcp_tool_call(&begin), call("c1", "execute_query"));
        assert_eq!(mcp_tool_call(&v2), call("c2", "list_tables"));
        // not a tool call, or not one we can name
        assert_eq!(
            mcp_tool_call(&other("mcp_tool_call_end", json!({"call_id": "c1"}))),
            None
        );
        assert_eq!(
            mcp_tool_call(&other("mcpToolCall", json!({"id": "c3"}))),
            None
        );
        assert_eq!(mcp_tool_call(&Event::TurnStarted), None);
    }

    #[tokio::test]
    async fn the_start_probe_keeps_the_protocol_and_passes_records_on() {
        let inner = Arc::new(codex_session::MemoryAuditSink::new());
        let probe = StartProbe::new(vec![inner.clone() as Arc<dyn AuditSink>]);
        assert_eq!(probe.protocol(), None);
        let started = AuditRecord::new(
            "session_started",
            json!({"program": "codex", "server": "0.80.0", "protocol": "app-server-v2"}),
        );
        probe.append(&started).await.unwrap();
        probe
            .append(&AuditRecord::new(
                "shutdown",
                json!({"protocol": "not this one"}),
            ))
            .await
            .unwrap();
        assert_eq!(probe.protocol().as_deref(), Some("app-server-v2"));
        let events: Vec<String> = inner.records().into_iter().map(|r| r.event).collect();
        assert_eq!(events, ["session_started", "shutdown"]);
    }

    #[test]
    fn a_refused_input_is_a_prompt_too_large_error_naming_the_limit() {
        let prompt = "x ".repeat(100);
        let too_long = codex_session::Error::Server {
            method: "turn/start".into(),
            code: -32602,
            message: "Input exceeds the maximum length of 1048576 characters".into(),
        };
        let err = refused(&too_long, &prompt).expect("a refusal");
        assert_eq!(
            err.to_string(),
            format!(
                "the prompt ({} tokens) exceeds what codex accepts (1048576 characters); lower `--prompt-budget` or use `--thorough`",
                crate::count_tokens(&prompt)
            )
        );
        let context = codex_session::Error::Server {
            method: "turn/start".into(),
            code: -32000,
            message: "Your input exceeds the context window of this model".into(),
        };
        assert!(matches!(
            refused(&context, &prompt),
            Some(AssistantError::PromptTooLarge {
                refused_by: "the model",
                limit: None,
                ..
            })
        ));
        // any other server error is not a refusal of the input
        let other = codex_session::Error::Server {
            method: "turn/start".into(),
            code: -32602,
            message: "invalid params".into(),
        };
        assert!(refused(&other, &prompt).is_none());
        assert!(is_context_overflow("stream error: context_length_exceeded"));
        assert!(!is_context_overflow("the model is on fire"));
    }
}
