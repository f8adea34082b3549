//! The crate's error type.
//!
//! One variant per failure a caller handles differently. The one most callers branch on is
//! [`Error::Unavailable`]: the server is gone (exited, closed its output, stalled, broke the
//! framing) and the caller should fall back to local analysis or ask for a restart. Every
//! other variant is about one call.

use std::time::Duration;

/// Why the Codex server cannot be used any more.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unavailable {
    /// The server process exited (`code` is `None` when a signal ended it).
    Exited {
        /// The exit code, if the process exited normally.
        code: Option<i32>,
    },
    /// The server closed its output (end of file) without us seeing it exit.
    Closed,
    /// Calls were pending and the server answered nothing, not even a `ping`, for this long.
    Stalled {
        /// How long the server was silent.
        silent_for: Duration,
    },
    /// The server wrote a line longer than the configured maximum. What it held is unknown
    /// (it may have been an approval request the server now waits on), so the connection is
    /// not trusted any more.
    LineTooLong {
        /// The maximum line length in bytes.
        limit: usize,
    },
    /// Reading from or writing to the server failed.
    Io {
        /// The operating system's message.
        message: String,
    },
    /// The session was shut down or dropped by its owner.
    ShutDown,
    /// The session is restarting and has no server right now.
    Restarting,
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::Exited { code: Some(code) } => {
                write!(f, "the server exited with code {code}")
            }
            Unavailable::Exited { code: None } => write!(f, "the server was killed by a signal"),
            Unavailable::Closed => write!(f, "the server closed its output"),
            Unavailable::Stalled { silent_for } => {
                write!(
                    f,
                    "the server answered nothing for {} ms",
                    silent_for.as_millis()
                )
            }
            Unavailable::LineTooLong { limit } => {
                write!(f, "the server wrote a line longer than {limit} bytes")
            }
            Unavailable::Io { message } => {
                write!(f, "the connection to the server failed: {message}")
            }
            Unavailable::ShutDown => write!(f, "the session was shut down"),
            Unavailable::Restarting => write!(f, "the session is restarting"),
        }
    }
}

/// Everything that can go wrong while talking to Codex.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The `codex` program could not be started.
    #[error("could not start `{program}`: {message}")]
    Spawn {
        /// The program that was run.
        program: String,
        /// The operating system's message.
        message: String,
    },
    /// Codex is not available (see [`Unavailable`]); callers fall back or restart.
    #[error("codex is unavailable: {0}")]
    Unavailable(Unavailable),
    /// A call got no answer in time. Codex 0.22-0.94 silently drop requests they cannot
    /// parse, so this is also what a request in the wrong shape for the server's version
    /// looks like; the message names the server and the protocol spoken to it, to check
    /// against the version table of [`crate::detect_codex`].
    #[error(
        "`{method}` got no answer within {} ms{}; the server may be busy, or the request may \
         not match this server's version (codex 0.22-0.94 silently drop requests they cannot \
         parse)",
        timeout.as_millis(),
        server.as_deref().map(|s| format!(" from {s}")).unwrap_or_default()
    )]
    Timeout {
        /// The method called.
        method: String,
        /// How long we waited.
        timeout: Duration,
        /// The server and protocol (`codex 0.80.0, app-server-v2`), once the handshake told.
        server: Option<String>,
    },
    /// The server answered a call with a JSON-RPC error.
    #[error("`{method}` failed on the server: {message} (code {code})")]
    Server {
        /// The method called.
        method: String,
        /// The JSON-RPC error code.
        code: i64,
        /// The server's message.
        message: String,
    },
    /// The server's answer did not have the expected shape.
    #[error("the answer to `{method}` could not be read: {message}")]
    BadResponse {
        /// The method called.
        method: String,
        /// What was wrong.
        message: String,
    },
    /// A request could not be encoded (a bug in the caller's parameters).
    #[error("the `{method}` request could not be encoded: {message}")]
    Encode {
        /// The method.
        method: String,
        /// What was wrong.
        message: String,
    },
    /// A turn did not end within its time limit (it was interrupted).
    #[error("the turn did not end within {} ms and was interrupted", timeout.as_millis())]
    TurnTimeout {
        /// The limit.
        timeout: Duration,
    },
    /// No stored conversation matches what was asked for: the server's listing (which
    /// leaves out archived conversations) does not have it. Used when a protocol needs the
    /// other half of a conversation's name (the rollout path of an id, or the id of a path)
    /// and has to look it up; an unknown id or path the server itself rejects is
    /// [`Error::Server`] with the server's (redacted) message.
    #[error("no stored conversation {conversation}")]
    NotFound {
        /// What was asked for (``with id `…` `` or ``with rollout `…` ``).
        conversation: String,
    },
    /// The conversation to resume or archive already has a live [`crate::Conversation`]
    /// handle in this session: use that one, or drop it first (two handles cannot share one
    /// conversation's events, and an archived conversation's handle would go deaf).
    #[error("conversation `{conversation}` is already open in this session")]
    AlreadyOpen {
        /// Its id.
        conversation: String,
    },
    /// The requested operation is not supported by the protocol in use.
    #[error("`{operation}` is not supported by the {protocol} protocol")]
    Unsupported {
        /// The operation.
        operation: &'static str,
        /// The protocol.
        protocol: &'static str,
    },
    /// [`crate::Protocol::Auto`] could not tell which Codex it is talking to (no binary, its
    /// `--version` failed or took too long, the version is too old or its generation is not
    /// spoken yet). Nothing was spawned.
    #[error("could not choose the codex protocol: {0}")]
    Detect(#[from] crate::detect::DetectError),
    /// Restarting the server failed every attempt.
    #[error("codex could not be restarted after {attempts} attempts: {last}")]
    RestartFailed {
        /// Attempts made.
        attempts: u32,
        /// The last attempt's error.
        last: Box<Error>,
    },
}

impl Error {
    /// True when Codex itself is gone (as opposed to one call failing): the caller should fall
    /// back to local analysis or restart the session.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Error::Unavailable(_)
                | Error::Spawn { .. }
                | Error::Detect(_)
                | Error::RestartFailed { .. }
        )
    }
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
