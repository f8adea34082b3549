//! Integration tests of codex-session: one binary (link time on 2 cores).
//!
//! - `archive_guard`: archiving a conversation whose handle is still open is refused;
//! - `faults`: scripted misbehaving peers, in process over duplex pipes;
//! - `forced`: a protocol named explicitly still follows its version where it must;
//! - `traps`: the protocol traps measured on the real 0.39, replayed by scripted peers;
//! - `matrix`: the same scenarios through the public API against 0.39.0, 0.80.0, 0.169.0 and 0.171.0;
//! - `mcp_tool_approval`: 0.169.0's MCP tool-call approvals, trusted and not, with
//!   `PolicyHandler`;
//! - `process`: child-process behaviour (stderr flood, exit, kill on drop, restart, kill -9);
//! - `real_codex`: the real `codex` 0.39 binary against the fake model of `xldb-testkit`;
//! - `threads`: list, resume and archive stored conversations on 0.39.0, 0.80.0 (v1 and v2)
//!   and 0.169.0.

// Test code may unwrap (conventions); clippy's in-tests allowance only covers `#[test]`
// functions, not the helpers they share.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod archive_guard;
mod faults;
mod forced;
mod matrix;
mod mcp_tool_approval;
mod process;
mod real_codex;
mod support;
mod threads;
mod traps;
