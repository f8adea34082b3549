//! Integration tests of approval-policy (one binary, several modules).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap (conventions)

mod adversarial;
mod corpus;
mod props;
mod snapshots;
