//! `xldb-codex approvals list|show|approve|deny|watch`: answer the fleet's `ask`s from any
//! machine that reaches the store.

use std::io::Write as _;

use xldb_store::{Answer, ApprovalEntry, StoreError};

use crate::exit::Exit;
use crate::fleet::{approver_name, runtime, StoreArgs};

/// Arguments of `xldb-codex approvals`.
#[derive(Debug, clap::Args)]
pub struct ApprovalsArgs {
    #[command(subcommand)]
    command: ApprovalsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ApprovalsCommand {
    /// The pending requests (with `--all`, every request and its state).
    List {
        #[command(flatten)]
        store: StoreArgs,
        /// Every request, decided, expired and abandoned ones included.
        #[arg(long)]
        all: bool,
        /// One JSON document on stdout.
        #[arg(long)]
        json: bool,
    },
    /// One request: what it would do, why the policy asks, where it stands.
    Show {
        /// The request id.
        id: i64,
        #[command(flatten)]
        store: StoreArgs,
        /// JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Approve a pending request (its host runs it at once).
    Approve {
        /// The request id.
        id: i64,
        /// Also approve the same again in that session without asking.
        #[arg(long)]
        for_session: bool,
        /// The name recorded as deciding (default `$USER@host`).
        #[arg(long = "as", value_name = "NAME")]
        by: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Deny a pending request (the model is told it was rejected).
    Deny {
        /// The request id.
        id: i64,
        /// Why; recorded, and sent back with the denial.
        #[arg(long)]
        reason: Option<String>,
        /// The name recorded as deciding (default `$USER@host`).
        #[arg(long = "as", value_name = "NAME")]
        by: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print requests as they are queued (the pending ones first), until interrupted.
    Watch {
        #[command(flatten)]
        store: StoreArgs,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
}

/// Run `xldb-codex approvals …`.
pub fn run(args: ApprovalsArgs) -> anyhow::Result<Exit> {
    runtime()?.block_on(async move {
        match args.command {
            ApprovalsCommand::List { store, all, json } => {
                let store = store.connect().await?;
                let entries = xldb_store::approvals_list(&store, all).await?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&entries)?);
                } else if entries.is_empty() {
                    eprintln!("no {}requests", if all { "" } else { "pending " });
                } else {
                    for e in &entries {
                        println!("{}", summary(e));
                    }
                }
                Ok(Exit::Ok)
            }
            ApprovalsCommand::Show { id, store, json } => {
                let store = store.connect().await?;
                let e = xldb_store::approval_show(&store, id).await?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&e)?);
                } else {
                    println!("{}", summary(&e));
                    println!("conversation {} call {}", e.conversation, e.call_id);
                    println!("why the policy asks: {}", e.explanation);
                    if let Some(by) = &e.decided_by {
                        println!(
                            "decided by {by}{}",
                            e.reason
                                .as_deref()
                                .map(|r| format!(": {r}"))
                                .unwrap_or_default()
                        );
                    }
                }
                Ok(Exit::Ok)
            }
            ApprovalsCommand::Approve {
                id,
                for_session,
                by,
                store,
            } => {
                let answer = if for_session {
                    Answer::ApproveForSession
                } else {
                    Answer::Approve
                };
                decide(&store, id, answer, by.as_deref()).await
            }
            ApprovalsCommand::Deny {
                id,
                reason,
                by,
                store,
            } => decide(&store, id, Answer::Deny { reason }, by.as_deref()).await,
            ApprovalsCommand::Watch { store, json } => {
                let store = store.connect().await?;
                let mut watch = xldb_store::Watch::start(&store).await?;
                loop {
                    let e = watch.next(&store).await?;
                    let line = if json {
                        serde_json::to_string(&e)?
                    } else {
                        summary(&e)
                    };
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "{line}")?;
                    out.flush()?;
                }
            }
        }
    })
}

async fn decide(
    store: &StoreArgs,
    id: i64,
    answer: Answer,
    by: Option<&str>,
) -> anyhow::Result<Exit> {
    let store = store.connect().await?;
    let by = approver_name(by, &store);
    match xldb_store::decide(&store, id, &answer, &by).await {
        Ok(e) => {
            println!("request {id} {} by {by}", e.state);
            Ok(Exit::Ok)
        }
        Err(e @ StoreError::Closed { .. }) => Err(anyhow::anyhow!("{e}: nothing changed")),
        Err(e) => Err(e.into()),
    }
}

/// One line: id, state, host, kind and subject.
fn summary(e: &ApprovalEntry) -> String {
    format!(
        "{} {} {}[{}] {} {}",
        e.id, e.state, e.host, e.pid, e.kind, e.subject
    )
}
