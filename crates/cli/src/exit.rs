//! Exit codes shared by every subcommand (documented in `main.rs` and the README).

/// The process exit status of `xldb-codex`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success; for `policy check`, the verdict is `allow`.
    Ok = 0,
    /// A runtime failure.
    Failure = 1,
    /// Bad usage or bad input.
    Usage = 2,
    /// `policy check`: the verdict is `ask`.
    Ask = 3,
    /// `policy check`: the verdict is `deny`.
    Deny = 4,
    /// `analyze … --fail-on LEVEL`: a local finding at or above the level.
    Findings = 5,
}

/// The exit codes, as every `--help` ends with them.
pub const EXIT_CODES_HELP: &str = "Exit codes: 0 success (`policy check`: allow); 1 a runtime \
failure (database unreachable, the query fails on the database, Codex unavailable with \
--no-fallback); 2 bad usage or bad input; 3 `policy check`: ask; 4 `policy check`: deny; \
5 `analyze --fail-on`: a finding at or above the level; 130 interrupted (Ctrl-C, SIGTERM).";

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e as u8)
    }
}

/// An error that carries the exit code it should end the process with.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Map an error to its exit code: [`UsageError`] anywhere in the chain is bad usage (2),
/// anything else a runtime failure (1).
pub fn code_for(err: &anyhow::Error) -> Exit {
    if err.chain().any(|e| e.is::<UsageError>()) {
        Exit::Usage
    } else {
        Exit::Failure
    }
}
