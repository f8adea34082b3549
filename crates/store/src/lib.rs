//! Fleet mode: the audit trail, the approval queue and the suggestion cache of every
//! xldb-codex host on one shared PostgreSQL, so a human can answer `ask` for any host.
//!
//! Without a store, xldb-codex keeps these per host (a JSON Lines audit log, a SQLite cache,
//! a TTY prompt, and `ask` without a terminal means deny). With one:
//!
//! - [`migrate`] creates or upgrades the schema `xldb_codex` (versioned, idempotent, safe
//!   from several hosts at once); [`grants_sql`] is what an administrator runs for the host
//!   and approver [`Roles`] (hosts append and read, never update or delete the trail).
//! - [`StoreAuditSink`] is a `codex-session` audit sink: every record is committed before the
//!   decision it records is sent to Codex; a store that cannot be written denies.
//! - [`StoreApprover`] is the human of `codex-session`'s policy handler: an `ask` is queued
//!   (redacted, with the policy's explanation, host and conversation) and the session waits
//!   for [`decide`] from any machine, learning it through `LISTEN`. A request is `pending`,
//!   then exactly one of `approved`, `approved_for_session`, `denied` (by an approver),
//!   `expired` (nobody decided in time) or `abandoned` (its host is gone): decisions are
//!   insert-only with the request id as primary key, so two racing approvers get one winner
//!   and a closed request never changes ([`State`]). [`Watch`] streams new requests.
//! - [`audit_list`] reads the trail back; [`SharedSuggestions`] is the fleet's suggestion cache.
//!
//! ```no_run
//! # async fn demo() -> Result<(), xldb_store::StoreError> {
//! use std::sync::Arc;
//! use std::time::Duration;
//! use xldb_store::{Store, StoreApprover, StoreAuditSink};
//!
//! let store = Arc::new(Store::connect("postgres://xldb_codex_host@db.internal/proxy").await?);
//! let audit = StoreAuditSink::new(store.clone());
//! let human = StoreApprover::new(store.clone(), Duration::from_secs(300));
//! // SessionOptions::new().audit(Arc::new(audit))
//! //     .approval_handler(Arc::new(PolicyHandler::builtin().with_human(Arc::new(human))))
//! # let _ = (audit, human); Ok(()) }
//! ```
//!
//! Every connection commits with `synchronous_commit = on`, whatever the server's default:
//! an audit record or a decision is durable before its statement returns.
//!
//! The URL's password stays in the driver's configuration: errors, logs and records show the
//! URL redacted. TLS is not spoken (`NoTls`): reach a remote store through a tunnel or a
//! local pooler.
//!
//! # Cargo features
//!
//! None.
#![deny(missing_docs)]

mod approvals;
mod approver;
mod audit;
mod cache;
mod connection;
mod error;
mod grants;
mod listener;
mod migrations;
mod watch;

pub use approvals::{
    decide, list as approvals_list, show as approval_show, Answer, ApprovalEntry, State,
    DECISIONS_CHANNEL, REQUESTS_CHANNEL,
};
pub use approver::{Explainer, StoreApprover, DEFAULT_WAIT};
pub use audit::{list as audit_list, AuditFilter, Since, StoreAuditSink, StoredAudit};
pub use cache::{SharedSuggestion, SharedSuggestions, SuggestionKey};
pub use connection::{Identity, Store, DEFAULT_TIMEOUT};
pub use error::StoreError;
pub use grants::{grants_sql, Roles};
pub use migrations::{current_version, migrate, Migrated, SCHEMA};
pub use watch::Watch;
