//! Whole-system tests: the CLI end to end, the real `codex` binary against a fake model
//! server, real throwaway databases. One test binary with a module per area keeps link time
//! down on 2 cores.

mod analyze_cli;
mod cli;
mod client_env;
mod codex_liveness;
mod codex_workflows;
mod demo;
mod engines;
mod fleet;
mod interrupt;
mod mcp_cancel;
mod mcp_client;
mod mcp_hostile;
mod mcp_privileges;
mod mcp_sdk;
mod mcp_server;
mod mcp_values;
mod offline;
mod policy_oracle;
mod policy_rules;
mod scale;
mod schema_diagrams;
mod sql_allowlist;
mod status_line;
mod util;
