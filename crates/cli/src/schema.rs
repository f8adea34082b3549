//! `xldb-codex schema`.

use crate::exit::{Exit, UsageError};

/// Arguments of `xldb-codex schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {}

/// Run `xldb-codex schema`.
pub fn run(_args: SchemaArgs) -> anyhow::Result<Exit> {
    Err(UsageError("`schema` is not available in this build yet".into()).into())
}
