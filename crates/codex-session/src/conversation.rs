//! A conversation: one thread of turns with the model, its event stream, and `run_turn`.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result, Unavailable};
use crate::event::Event;
use crate::generation::ConversationInfo;
use crate::outcome::TurnOutcome;
use crate::peer::{Peer, Route};
use mcp_proto::{AskForApproval, SandboxMode};

/// Settings for a new conversation. Unset fields take the server's configuration.
#[derive(Debug, Clone, Default)]
pub struct ConversationOptions {
    pub(crate) model: Option<String>,
    pub(crate) profile: Option<String>,
    pub(crate) cwd: Option<PathBuf>,
    pub(crate) approval_policy: Option<AskForApproval>,
    pub(crate) sandbox: Option<SandboxMode>,
    pub(crate) base_instructions: Option<String>,
    pub(crate) config: Vec<(String, serde_json::Value)>,
    pub(crate) turn_timeout: Option<Duration>,
}

impl ConversationOptions {
    /// Server defaults, `approval_policy` untrusted (every write is asked).
    pub fn new() -> Self {
        ConversationOptions {
            approval_policy: Some(AskForApproval::Untrusted),
            ..Default::default()
        }
    }
    /// The model.
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }
    /// A configuration profile of the server's `config.toml`.
    pub fn profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }
    /// The working directory of the conversation.
    pub fn cwd(mut self, cwd: impl Into<PathBuf>) -> Self {
        self.cwd = Some(cwd.into());
        self
    }
    /// When to ask for approval.
    pub fn approval_policy(mut self, policy: AskForApproval) -> Self {
        self.approval_policy = Some(policy);
        self
    }
    /// The sandbox.
    pub fn sandbox(mut self, sandbox: SandboxMode) -> Self {
        self.sandbox = Some(sandbox);
        self
    }
    /// Replace the model's base instructions.
    pub fn base_instructions(mut self, text: impl Into<String>) -> Self {
        self.base_instructions = Some(text.into());
        self
    }
    /// One server configuration override (`key` dotted, as in `-c key=value`).
    pub fn config(mut self, key: impl Into<String>, value: serde_json::Value) -> Self {
        self.config.push((key.into(), value));
        self
    }
    /// The longest [`Conversation::run_turn`] waits for a turn to end (default 10 minutes);
    /// past it the turn is interrupted and [`Error::TurnTimeout`] returned.
    pub fn turn_timeout(mut self, timeout: Duration) -> Self {
        self.turn_timeout = Some(timeout);
        self
    }
}

/// Settings for one turn sent with [`Conversation::send_turn`].
#[derive(Debug, Clone)]
pub struct TurnOptions {
    pub(crate) text: String,
    pub(crate) cwd: PathBuf,
    pub(crate) approval_policy: AskForApproval,
    pub(crate) sandbox: SandboxMode,
    pub(crate) model: String,
    pub(crate) summary: String,
}

impl TurnOptions {
    /// A turn with the settings the server requires for `sendUserTurn`.
    pub fn new(text: impl Into<String>, cwd: impl Into<PathBuf>, model: impl Into<String>) -> Self {
        TurnOptions {
            text: text.into(),
            cwd: cwd.into(),
            approval_policy: AskForApproval::Untrusted,
            sandbox: SandboxMode::WorkspaceWrite,
            model: model.into(),
            summary: "auto".into(),
        }
    }
    /// When to ask for approval in this turn.
    pub fn approval_policy(mut self, policy: AskForApproval) -> Self {
        self.approval_policy = policy;
        self
    }
    /// The sandbox for this turn.
    pub fn sandbox(mut self, sandbox: SandboxMode) -> Self {
        self.sandbox = sandbox;
        self
    }
    /// The reasoning summary setting (`auto`, `concise`, `detailed`, `none`).
    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = summary.into();
        self
    }
}

const DEFAULT_TURN_TIMEOUT: Duration = Duration::from_secs(600);

/// A live conversation. Dropping it interrupts its running turn, aborts its pending approval
/// requests and stops its events.
#[derive(Debug)]
pub struct Conversation {
    peer: Arc<Peer>,
    route: Arc<Route>,
    info: ConversationInfo,
    subscription: Option<String>,
    request_timeout: Duration,
    turn_timeout: Duration,
    in_turn: bool,
    /// Events taken from the queue in one batch, not yet handed out.
    batch: VecDeque<Event>,
}

impl Conversation {
    pub(crate) fn new(
        peer: Arc<Peer>,
        route: Arc<Route>,
        info: ConversationInfo,
        subscription: Option<String>,
        request_timeout: Duration,
        options: &ConversationOptions,
    ) -> Conversation {
        Conversation {
            peer,
            route,
            info,
            subscription,
            request_timeout,
            turn_timeout: options.turn_timeout.unwrap_or(DEFAULT_TURN_TIMEOUT),
            in_turn: false,
            batch: VecDeque::new(),
        }
    }

    /// The conversation's id.
    pub fn id(&self) -> &str {
        &self.info.id
    }

    /// What the server said about it (model, transcript path).
    pub fn info(&self) -> &ConversationInfo {
        &self.info
    }

    /// Send user text: starts a turn (or adds input to the running one). Returns once the
    /// server accepted it; follow the turn with [`Conversation::next_event`].
    pub async fn send_message(&mut self, text: &str) -> Result<()> {
        let generation = self.peer.generation().clone();
        generation
            .send_message(&self.peer, &self.info.id, text, self.request_timeout)
            .await?;
        self.in_turn = true;
        Ok(())
    }

    /// Send user text with per-turn settings (cwd, approval policy, sandbox, model).
    pub async fn send_turn(&mut self, turn: &TurnOptions) -> Result<()> {
        let generation = self.peer.generation().clone();
        generation
            .send_turn(&self.peer, &self.info.id, turn, self.request_timeout)
            .await?;
        self.in_turn = true;
        Ok(())
    }

    /// Interrupt the running turn; its events end with [`Event::TurnAborted`]. 0.39 answers
    /// an interrupt only once the turn has actually stopped, and never when no turn runs, so
    /// this waits at most the request timeout.
    pub async fn interrupt(&self) -> Result<()> {
        let generation = self.peer.generation().clone();
        generation
            .interrupt(&self.peer, &self.info.id, self.request_timeout)
            .await
    }

    /// The next event, waiting for it. `None` once the stream has ended (after
    /// [`Event::Disconnected`]).
    pub async fn next_event(&mut self) -> Option<Event> {
        if self.batch.is_empty() && !self.route.queue.pop_all(&mut self.batch).await {
            return None;
        }
        let event = self.batch.pop_front();
        if event.as_ref().is_some_and(Event::ends_turn) {
            self.in_turn = false;
        }
        event
    }

    /// The next event if one is already queued.
    pub fn try_next_event(&mut self) -> Option<Event> {
        let event = self
            .batch
            .pop_front()
            .or_else(|| self.route.queue.try_pop());
        if event.as_ref().is_some_and(Event::ends_turn) {
            self.in_turn = false;
        }
        event
    }

    /// Send `text` and wait for the turn to end: complete, aborted, or failed. Events still
    /// queued from earlier turns are discarded first.
    pub async fn run_turn(&mut self, text: &str) -> Result<TurnOutcome> {
        self.run_turn_observed(text, |_| {}).await
    }

    /// [`Conversation::run_turn`], showing each event to `observe` as it arrives (to stream
    /// agent messages to a user, say).
    pub async fn run_turn_observed(
        &mut self,
        text: &str,
        mut observe: impl FnMut(&Event) + Send,
    ) -> Result<TurnOutcome> {
        self.batch.clear();
        while self.route.queue.try_pop().is_some() {}
        self.send_message(text).await?;
        let deadline = tokio::time::Instant::now() + self.turn_timeout;
        let mut outcome = TurnOutcome::default();
        loop {
            let event = match tokio::time::timeout_at(deadline, self.next_event()).await {
                Ok(Some(event)) => event,
                Ok(None) => {
                    return Err(Error::Unavailable(
                        self.peer.unavailable().unwrap_or(Unavailable::ShutDown),
                    ))
                }
                Err(_) => {
                    let _ = tokio::time::timeout(Duration::from_secs(5), self.interrupt()).await;
                    return Err(Error::TurnTimeout {
                        timeout: self.turn_timeout,
                    });
                }
            };
            observe(&event);
            if let Event::Disconnected { cause, .. } = &event {
                return Err(Error::Unavailable(
                    cause.clone().unwrap_or(Unavailable::Closed),
                ));
            }
            if outcome.apply(&event) {
                return Ok(outcome);
            }
        }
    }
}

impl Drop for Conversation {
    fn drop(&mut self) {
        let generation = self.peer.generation().clone();
        if self.in_turn {
            let (method, params) = generation.interrupt_request(&self.info.id);
            self.peer.try_send_request(method, params);
        }
        if let Some(subscription) = &self.subscription {
            if let Some((method, params)) = generation.unsubscribe_request(subscription) {
                self.peer.try_send_request(method, params);
            }
        }
        self.peer.remove_route(&self.info.id);
    }
}
