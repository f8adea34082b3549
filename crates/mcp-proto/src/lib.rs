//! Wire types for the Model Context Protocol and the Codex stdio protocols.
//!
//! Types only: serde and serde_json, no I/O, no async runtime.
#![deny(missing_docs)]
