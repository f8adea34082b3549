//! `xldb-codex policy`.

use crate::exit::{Exit, UsageError};

/// Arguments of `xldb-codex policy`.
#[derive(Debug, clap::Args)]
pub struct PolicyArgs {}

/// Run `xldb-codex policy`.
pub fn run(_args: PolicyArgs) -> anyhow::Result<Exit> {
    Err(UsageError("`policy` is not available in this build yet".into()).into())
}
