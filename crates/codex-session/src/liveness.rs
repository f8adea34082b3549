//! Is Codex able to work at all? Whether it is logged in ([`CodexSession::auth_status`]),
//! and whether the model is reachable ([`ModelLiveness`]).
//!
//! Without a network, Codex does not fail: it retries, saying "stream error … retrying 3/5"
//! or "Reconnecting…", with back-offs that add up to minutes. Without credentials, the first
//! request fails only after the conversation and turn are set up. A caller that has a fallback
//! (a local analysis) wants both said quickly and plainly:
//!
//! - [`CodexSession::auth_status`] asks the server before any turn, in its generation's words
//!   (`account/read` on app-server v2, `getAuthStatus` on the conversation API and app-server
//!   v1); MCP tool mode has no such request ([`AuthStatus::Unknown`]).
//! - [`ModelLiveness`] reads the turn's events: from the first connection error or retry
//!   notice, the model has `limit` to show a sign of life (any output, command or token
//!   count), or [`ModelLiveness::expired`] says why it gave up. Feeding it events and polling
//!   it is the caller's loop, so it is plain data and testable without a clock.

use crate::error::Result;
use crate::event::Event;
use crate::session::CodexSession;
use serde_json::Value;
use std::time::{Duration, Instant};

/// What the server says about its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthStatus {
    /// Logged in (`apikey`, `chatgpt`, … as the server names the method).
    LoggedIn(String),
    /// The configured model provider needs no OpenAI credentials (a local or custom one).
    NotRequired,
    /// Not logged in, and the provider needs it.
    LoggedOut,
    /// This generation cannot tell (MCP tool mode) or answered in a shape we do not know.
    Unknown,
}

/// What to tell a user whose Codex is not logged in.
pub const NOT_LOGGED_IN: &str = "codex is not logged in: run `codex login` or set OPENAI_API_KEY";

impl CodexSession {
    /// Whether Codex is logged in, asked in this generation's words within `timeout`. The
    /// token is never requested.
    pub async fn auth_status(&self, timeout: Duration) -> Result<AuthStatus> {
        let peer = self.peer()?;
        let Some((method, params)) = peer.generation().auth_request() else {
            return Ok(AuthStatus::Unknown);
        };
        let params = serde_json::value::to_raw_value(&params).ok();
        let raw = peer.call_raw(method, params, timeout).await?;
        let value: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
        Ok(auth_status_of(&value))
    }
}

/// Read `getAuthStatus` (`authMethod`, `requiresOpenaiAuth`) or `account/read` (`account`,
/// `requiresOpenaiAuth`) results.
fn auth_status_of(result: &Value) -> AuthStatus {
    let requires = result.get("requiresOpenaiAuth").and_then(Value::as_bool);
    let method = result
        .get("authMethod")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            let account = result.get("account")?;
            if account.is_null() {
                return None;
            }
            Some(
                account
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("account")
                    .to_owned(),
            )
        });
    match (method, requires) {
        (Some(m), _) => AuthStatus::LoggedIn(m),
        (None, Some(false)) => AuthStatus::NotRequired,
        (None, Some(true)) => AuthStatus::LoggedOut,
        (None, None) if result.get("authMethod").is_some() || result.get("account").is_some() => {
            AuthStatus::LoggedOut
        }
        (None, None) => AuthStatus::Unknown,
    }
}

/// Watches a turn's events for a model that cannot be reached.
#[derive(Debug, Clone)]
pub struct ModelLiveness {
    limit: Duration,
    failing_since: Option<Instant>,
    last_error: Option<String>,
}

impl ModelLiveness {
    /// A watch that gives up `limit` after the first connection error with no sign of life.
    pub fn new(limit: Duration) -> ModelLiveness {
        ModelLiveness {
            limit,
            failing_since: None,
            last_error: None,
        }
    }

    /// Take in one event of the turn, seen at `now`.
    pub fn observe(&mut self, event: &Event, now: Instant) {
        match event {
            Event::StreamError { message } => self.failing(message, now),
            Event::Error { message } if is_connection_error(message) => self.failing(message, now),
            Event::AgentMessage { .. }
            | Event::AgentMessageDelta { .. }
            | Event::ExecApprovalRequested { .. }
            | Event::PatchApprovalRequested { .. }
            | Event::CommandStarted { .. }
            | Event::PatchStarted { .. }
            | Event::PlanUpdated { .. }
            | Event::TokenUsage(_) => self.failing_since = None,
            _ => {}
        }
    }

    fn failing(&mut self, message: &str, now: Instant) {
        self.failing_since.get_or_insert(now);
        self.last_error = Some(crate::redact::redact_text(message).into_owned());
    }

    /// Why the model counts as unreachable at `now`, once the limit has passed since the first
    /// unanswered connection error; `None` while it may still recover.
    pub fn expired(&self, now: Instant) -> Option<String> {
        let since = self.failing_since?;
        let waited = now.saturating_duration_since(since);
        if waited < self.limit {
            return None;
        }
        Some(format!(
            "the model is unreachable (no answer {} s after the first connection error: {})",
            waited.as_secs(),
            self.last_error.as_deref().unwrap_or("unknown error")
        ))
    }
}

/// Whether an error message is about reaching the model (network, DNS, TLS, a dropped
/// stream, a retry notice) rather than about the request itself.
pub fn is_connection_error(message: &str) -> bool {
    const SIGNS: &[&str] = &[
        "error sending request",
        "connection refused",
        "connection reset",
        "connection closed",
        "stream disconnected",
        "reconnecting",
        "retrying",
        "dns error",
        "failed to lookup address",
        "network",
        "timed out",
        "tls",
    ];
    let m = message.to_ascii_lowercase();
    SIGNS.iter().any(|s| m.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_generation_answer_is_read() {
        // getAuthStatus (conversation API, app-server v1)
        assert_eq!(
            auth_status_of(&json!({"authMethod": "apikey", "requiresOpenaiAuth": true})),
            AuthStatus::LoggedIn("apikey".into())
        );
        assert_eq!(
            auth_status_of(&json!({"requiresOpenaiAuth": true})),
            AuthStatus::LoggedOut
        );
        assert_eq!(
            auth_status_of(&json!({"requiresOpenaiAuth": false})),
            AuthStatus::NotRequired
        );
        // account/read (app-server v2)
        assert_eq!(
            auth_status_of(
                &json!({"account": {"type": "chatgpt", "email": "a@b.c"}, "requiresOpenaiAuth": true})
            ),
            AuthStatus::LoggedIn("chatgpt".into())
        );
        assert_eq!(
            auth_status_of(&json!({"account": null, "requiresOpenaiAuth": true})),
            AuthStatus::LoggedOut
        );
        assert_eq!(auth_status_of(&json!({})), AuthStatus::Unknown);
    }

    #[test]
    fn the_model_is_unreachable_only_after_the_limit_without_a_sign_of_life() {
        let t0 = Instant::now();
        let mut l = ModelLiveness::new(Duration::from_secs(20));
        assert_eq!(
            l.expired(t0 + Duration::from_secs(100)),
            None,
            "no error yet"
        );
        let retry = Event::StreamError {
            message: "stream error: error sending request; retrying 1/5 in 200ms…".into(),
        };
        l.observe(&retry, t0);
        l.observe(&retry, t0 + Duration::from_secs(10));
        assert_eq!(l.expired(t0 + Duration::from_secs(19)), None);
        let why = l.expired(t0 + Duration::from_secs(20)).unwrap();
        assert!(
            why.contains("unreachable") && why.contains("retrying"),
            "{why}"
        );

        // a sign of life resets the watch
        l.observe(
            &Event::AgentMessageDelta { delta: "Hi".into() },
            t0 + Duration::from_secs(15),
        );
        assert_eq!(l.expired(t0 + Duration::from_secs(60)), None);

        // an error about the request itself is not a connection error
        l.observe(
            &Event::Error {
                message: "model `x` does not exist".into(),
            },
            t0,
        );
        assert_eq!(l.expired(t0 + Duration::from_secs(60)), None);
    }

    #[test]
    fn secrets_in_the_error_are_redacted() {
        let t0 = Instant::now();
        let mut l = ModelLiveness::new(Duration::ZERO);
        l.observe(
            &Event::StreamError {
                message: "error sending request for url (https://u:hunter2@proxy/v1)".into(),
            },
            t0,
        );
        assert!(!l.expired(t0).unwrap().contains("hunter2"));
    }
}
