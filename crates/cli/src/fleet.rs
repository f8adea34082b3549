//! Fleet mode as the commands see it: the store URL (`--store`, `XLDB_CODEX_STORE`,
//! `store = …` in the settings file), `--store-optional`, `--approval-wait`, and what a Codex
//! session gets from the store: its audit sink and the approver that queues `ask`.
//!
//! The URL may carry a password: it is held in [`StoreUrl`], whose `Debug` is redacted, and
//! every message shows it redacted.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use codex_session::{ApprovalHandler, AuditSink};
use xldb_store::{Store, StoreApprover, StoreAuditSink};

use crate::exit::UsageError;

/// A store URL (its `Debug` and `Display` are redacted).
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct StoreUrl(String);

impl StoreUrl {
    /// The URL itself, for the driver only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoreUrl({})", codex_session::redact_text(&self.0))
    }
}

impl std::fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&codex_session::redact_text(&self.0))
    }
}

impl std::str::FromStr for StoreUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(StoreUrl(s.to_owned()))
    }
}

/// `--store URL` (and `XLDB_CODEX_STORE`), the same flag for every command that has it.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreFlag {
    /// Fleet mode: the shared PostgreSQL store (`postgres://…`) for the audit trail, the
    /// approval queue and the suggestion cache (README, "Running a fleet").
    #[arg(
        long,
        env = "XLDB_CODEX_STORE",
        value_name = "URL",
        hide_env_values = true
    )]
    pub store: Option<StoreUrl>,
}

/// The store flags of every command that may talk to Codex.
#[derive(Debug, Clone, clap::Args)]
pub struct FleetArgs {
    #[command(flatten)]
    pub store: StoreFlag,
    /// When the store cannot be reached at start, warn and use the local defaults (JSONL log,
    /// SQLite cache, `ask` denied without a terminal) instead of failing.
    #[arg(long)]
    pub store_optional: bool,
    /// Seconds an `ask` waits in the store's queue for an approver (default 300); then it is
    /// denied, and the expiry recorded.
    #[arg(long, env = "XLDB_CODEX_APPROVAL_WAIT", value_name = "SECS")]
    pub approval_wait: Option<u64>,
}

/// The resolved fleet settings.
#[derive(Debug, Clone)]
pub struct Fleet {
    /// The store, when configured.
    pub store: Option<StoreUrl>,
    /// Fall back to the local defaults when it is unreachable.
    pub optional: bool,
    /// How long an `ask` waits.
    pub approval_wait: Duration,
}

impl FleetArgs {
    /// Merge the flags with the settings file's `store` and `approval_wait`.
    pub fn resolve(&self, store: Option<StoreUrl>, wait: Option<u64>) -> anyhow::Result<Fleet> {
        let wait = self
            .approval_wait
            .or(wait)
            .unwrap_or(xldb_store::DEFAULT_WAIT.as_secs());
        if wait == 0 {
            return Err(UsageError("`--approval-wait` must be at least 1 second".into()).into());
        }
        Ok(Fleet {
            store: self.store.store.clone().or(store),
            optional: self.store_optional,
            approval_wait: Duration::from_secs(wait),
        })
    }
}

/// Connect to `url` (checked to be initialised); a bad URL is a usage error.
pub async fn connect(url: &StoreUrl) -> anyhow::Result<Arc<Store>> {
    match Store::connect(url.expose()).await {
        Ok(store) => Ok(Arc::new(store)),
        Err(e @ xldb_store::StoreError::BadUrl { .. }) => Err(UsageError(e.to_string()).into()),
        Err(e) => Err(e.into()),
    }
}

/// The store of a command that may talk to Codex: `None` without one, or (with
/// `--store-optional`) when it cannot be reached, after a warning.
pub async fn open(fleet: &Fleet) -> anyhow::Result<Option<Arc<Store>>> {
    let Some(url) = &fleet.store else {
        return Ok(None);
    };
    match connect(url).await {
        Ok(store) => Ok(Some(store)),
        Err(e) if fleet.optional => {
            tracing::warn!("{e:#}; --store-optional: using the local audit log, cache and prompt");
            eprintln!("warning: {e:#}; --store-optional: using the local defaults");
            Ok(None)
        }
        Err(e) => {
            Err(e).context("the fleet store (--store-optional falls back to the local defaults)")
        }
    }
}

/// What a Codex session gets from the store: its audit sink, and the approver that queues
/// `ask` (used when no terminal is attached), explaining each request with `explain`.
pub fn session_parts(
    store: &Arc<Store>,
    wait: Duration,
    explain: impl Fn(&codex_session::ApprovalRequest) -> serde_json::Value + Send + Sync + 'static,
) -> (Arc<dyn AuditSink>, Arc<dyn ApprovalHandler>) {
    (
        Arc::new(StoreAuditSink::new(store.clone())),
        Arc::new(StoreApprover::new(store.clone(), wait).with_explainer(explain)),
    )
}

/// The policy's reasons for an `ask`, stored with the queued request (its serialized verdict;
/// an MCP tool call is an `ask` because the tool is not trusted).
pub fn policy_explainer(
    policy: Arc<approval_policy::Policy>,
    workspace: std::path::PathBuf,
) -> impl Fn(&codex_session::ApprovalRequest) -> serde_json::Value + Send + Sync + 'static {
    let judge = codex_session::PolicyHandler::new(policy).workspace(workspace);
    move |request| match judge.verdict(request) {
        Some(verdict) => serde_json::to_value(verdict)
            .unwrap_or_else(|e| serde_json::json!({"decision": "ask", "error": e.to_string()})),
        None => serde_json::json!({
            "decision": "ask",
            "reason": "the MCP tool is not trusted by configuration",
        }),
    }
}

/// The store of a command that only needs the store (`store`, `audit`, `approvals`): the flag,
/// its environment variable, or the settings file.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    #[command(flatten)]
    pub store: StoreFlag,
    /// Settings file (TOML) whose `store = …` is used without `--store`.
    #[arg(long, env = "XLDB_CODEX_SETTINGS", value_name = "FILE")]
    pub settings: Option<std::path::PathBuf>,
}

impl StoreArgs {
    /// The store URL, or a usage error saying how to give one.
    pub fn url(&self) -> anyhow::Result<StoreUrl> {
        match &self.store.store {
            Some(u) => Ok(u.clone()),
            None => crate::settings::store_in_settings(self.settings.as_deref())?.ok_or_else(|| {
                UsageError(
                    "no store: give --store URL, XLDB_CODEX_STORE or `store = …` in the settings file"
                        .into(),
                )
                .into()
            }),
        }
    }

    /// Connect (the schema must be initialised).
    pub async fn connect(&self) -> anyhow::Result<Arc<Store>> {
        connect(&self.url()?).await
    }
}

/// Who is deciding, as recorded: `--as`, else `$USER@host`.
pub fn approver_name(given: Option<&str>, store: &Store) -> String {
    given.map(str::to_owned).unwrap_or_else(|| {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into());
        format!("{user}@{}", store.identity().host)
    })
}

/// A current-thread runtime for the store commands.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}
