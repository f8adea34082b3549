//! Asking Codex: one conversation, one turn, every approval through the policy, the answer
//! parsed back — or a clear reason why Codex could not be used.
//!
//! [`ask_codex`] starts `codex mcp` with `codex-session`, registers the database tools as the
//! MCP server `xldb` (`-c mcp_servers.xldb.command=…`, `…args=[…]`) when asked to, opens a
//! conversation with [`base_instructions`](crate::base_instructions), sends the (redacted)
//! prompt and waits for the turn with a time limit. Approvals go to a
//! `codex_session::PolicyHandler` over the given [`approval_policy::Policy`]: `allow` runs,
//! `deny` is refused, `ask` goes to the `human` handler when one is given (a TTY prompt in the
//! CLI) and is refused otherwise. Nothing turns `ask` into `allow`.
//!
//! Every failure to get a complete answer is an [`AssistantError`] whose message is meant for
//! "Codex unavailable: …; showing local analysis": the caller falls back, and never prints a
//! partial answer as if it were complete.

use crate::extract::{extract_recommendations, extract_sql_blocks};
use crate::prompts::{base_instructions, MCP_SERVER_NAME};
use approval_policy::{Action, FileChange as PolicyChange, Policy};
use codex_session::redact_text;
use codex_session::{
    ApprovalHandler, ApprovalPolicy, ApprovalRequest, AuditSink, CodexSession, ConversationOptions,
    Event, FileAuditSink, FileChangeKind, PolicyHandler, Protocol, Sandbox, SessionOptions,
    TurnEnd,
};
use serde::Serialize;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The MCP server Codex should start for the database tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpServerSpec {
    /// The program (usually this `xldb-codex` binary).
    pub command: PathBuf,
    /// Its arguments (e.g. `["mcp", "serve", "--db-file", "…"]`; never a password).
    pub args: Vec<String>,
}

/// How to run Codex.
#[derive(Debug, Clone)]
pub struct AssistantConfig {
    /// The `codex` program.
    pub codex_bin: PathBuf,
    /// Time limit per request, and for the turn (×4, at least 60 s).
    pub timeout: Duration,
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
    /// The database tools to register with Codex.
    pub mcp_server: Option<McpServerSpec>,
    /// Working directory of the conversation.
    pub cwd: PathBuf,
    /// Extra environment for the server (e.g. `CODEX_HOME`).
    pub env: Vec<(OsString, OsString)>,
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
}

/// The policy's action for an approval request; `workspace` is the conversation's working
/// directory (patch requests do not carry one). `None` for a request kind this version does
/// not know (it is denied).
pub fn action_for(request: &ApprovalRequest, workspace: &std::path::Path) -> Option<Action> {
    Some(match request {
        ApprovalRequest::Exec(e) => Action::exec(e.command.clone(), Some(e.cwd.clone())),
        ApprovalRequest::Patch(p) => Action::Patch {
            changes: p
                .changes
                .iter()
                .map(|c| {
                    let path = c.path.display().to_string();
                    let content = c.content.clone().unwrap_or_default();
                    match c.kind {
                        FileChangeKind::Add => PolicyChange::Add { path, content },
                        FileChangeKind::Delete => PolicyChange::Delete { path },
                        FileChangeKind::Update => PolicyChange::Update {
                            path,
                            unified_diff: content,
                            move_path: c.move_path.as_ref().map(|m| m.display().to_string()),
                        },
                    }
                })
                .collect(),
            cwd: Some(workspace.to_path_buf()),
        },
        _ => return None,
    })
}

fn toml_string(s: &str) -> String {
    // A TOML basic string (what `-c key=value` parses).
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Ask Codex `prompt`; `on_event` sees each event (to stream progress).
pub async fn ask_codex(
    config: &AssistantConfig,
    prompt: &str,
    mut on_event: impl FnMut(&Event) + Send,
) -> Result<AssistantOutcome, AssistantError> {
    let policy = config.policy.clone();
    let workspace = config.cwd.clone();
    let mut handler =
        PolicyHandler::with_evaluator(move |req: &ApprovalRequest| {
            match action_for(req, &workspace) {
                Some(action) => policy.evaluate(&action),
                None => approval_policy::Verdict::error(
                    "an approval request of a kind this version does not know",
                ),
            }
        });
    if let Some(h) = &config.human {
        handler = handler.with_human(h.clone());
    }
    // Auto: `codex --version` picks the protocol generation (codex mcp for 0.22–0.42,
    // app-server for later versions), so any installed Codex gets the same workflow.
    let mut options = SessionOptions::new()
        .protocol(Protocol::Auto)
        .program(&config.codex_bin)
        .cwd(&config.cwd)
        .request_timeout(config.timeout)
        .handshake_timeout(config.timeout)
        .approval_handler(Arc::new(handler));
    for (k, v) in &config.env {
        options = options.env(k.clone(), v.clone());
    }
    if let Some(path) = &config.audit_log {
        let sink = FileAuditSink::open(path).map_err(|e| AssistantError::Audit {
            path: path.clone(),
            message: e.to_string(),
        })?;
        options = options.audit(Arc::new(sink) as Arc<dyn AuditSink>);
    }
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
    let session = CodexSession::start(options)
        .await
        .map_err(|e| AssistantError::Unavailable(redact_text(&e.to_string()).into_owned()))?;

    let approval = match config.approval_policy.as_str() {
        "on-failure" => ApprovalPolicy::OnFailure,
        "on-request" => ApprovalPolicy::OnRequest,
        "never" => ApprovalPolicy::Never,
        _ => ApprovalPolicy::Untrusted,
    };
    let sandbox = match config.sandbox.as_str() {
        "workspace-write" => Sandbox::WorkspaceWrite,
        "danger-full-access" => Sandbox::DangerFullAccess,
        _ => Sandbox::ReadOnly,
    };
    let turn_timeout = (config.timeout * 4).max(Duration::from_secs(60));
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
    }
    let result = async {
        let mut conversation = session
            .new_conversation(conv_opts)
            .await
            .map_err(|e| AssistantError::Unavailable(redact_text(&e.to_string()).into_owned()))?;
        let mut tool_calls = Vec::new();
        let outcome = conversation
            .run_turn_observed(&redact_text(prompt), |ev| {
                if let Some(name) = mcp_tool_name(ev) {
                    tool_calls.push(name);
                }
                on_event(ev)
            })
            .await
            .map_err(|e| {
                if e.is_unavailable() {
                    AssistantError::Unavailable(redact_text(&e.to_string()).into_owned())
                } else {
                    AssistantError::NoAnswer(redact_text(&e.to_string()).into_owned())
                }
            })?;
        Ok::<_, AssistantError>((outcome, tool_calls))
    }
    .await;
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
    })
}

fn mcp_tool_name(ev: &Event) -> Option<String> {
    // Tool calls are reported as `mcp_tool_call_begin` events; read them from the raw form so
    // a newer event shape does not break the count.
    let v = serde_json::to_value(ev).ok()?;
    let s = v.to_string();
    if !s.contains("mcp_tool_call_begin") {
        return None;
    }
    let inv = find_key(&v, "invocation")?;
    let server = inv.get("server")?.as_str()?;
    let tool = inv.get("tool")?.as_str()?;
    Some(format!("{server}.{tool}"))
}

fn find_key<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    match v {
        serde_json::Value::Object(m) => m
            .get(key)
            .or_else(|| m.values().find_map(|x| find_key(x, key))),
        serde_json::Value::Array(a) => a.iter().find_map(|x| find_key(x, key)),
        _ => None,
    }
}
