//! Integration tests of xldb-workflows: the MCP server in process, the redaction of every
//! prompt, the local analyzers together on the demo shop.

// Tests fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod mcp;
mod prompts;
