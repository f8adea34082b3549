//! Test fixtures for xldb-codex, shared by the crates' tests and the whole-system tests in `tests/`.
//!
//! Small helpers, not a framework: each module is one fixture.
//!
//! - [`codex`]: locate the pinned `codex` binary that `scripts/test.sh` installs.
//! - [`fake_model`]: a scripted fake OpenAI Responses API server (SSE) on loopback, and the
//!   `CODEX_HOME/config.toml` that points a real `codex` at it.
//! - [`sandbox`]: run a command for real in a seeded, network-less sandbox and report its
//!   effects (files, secrets shown, database changes, programs, connections): the approval
//!   policy's oracle.
//! - [`real_schemas`]: real schemas no one here wrote (Zabbix 6.0, PowerDNS 4.7) for
//!   PostgreSQL, MariaDB and SQLite, taken from Debian packages at install time.
//! - [`servers`]: throwaway PostgreSQL, MariaDB and ClickHouse servers on random loopback ports.

pub mod codex;
pub mod fake_model;
pub mod real_schemas;
pub mod sandbox;
pub mod servers;
