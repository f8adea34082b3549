//! Integration tests of mcp-proto: replay of real Codex transcripts, per-method round trips,
//! property tests.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (conventions)

mod props;
mod replay;
mod roundtrip;
