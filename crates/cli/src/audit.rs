//! `xldb-codex audit list|export`: read the fleet store's audit trail.

use std::time::Duration;

use xldb_store::{AuditFilter, Since, StoredAudit};

use crate::exit::{Exit, UsageError};
use crate::fleet::{runtime, StoreArgs};

/// Arguments of `xldb-codex audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, clap::Subcommand)]
enum AuditCommand {
    /// List audit records, oldest first.
    List(ListArgs),
    /// Write audit records as JSON Lines (the fields of the local audit log, plus host, pid
    /// and conversation).
    Export(FilterArgs),
}

#[derive(Debug, clap::Args)]
struct FilterArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Only records since this time: a duration ago (`30m`, `2h`, `7d`) or a timestamp
    /// (`2026-12-07`, `2026-12-07T17:00:00Z`).
    #[arg(long, value_name = "WHEN")]
    since: Option<String>,
    /// Only records of this host.
    #[arg(long)]
    host: Option<String>,
    /// Only approval records with this decision (`denied`, `approved`, `approved_for_session`,
    /// `abort`).
    #[arg(long)]
    decision: Option<String>,
    /// At most the newest N records.
    #[arg(long, value_name = "N")]
    limit: Option<i64>,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// One JSON document on stdout.
    #[arg(long)]
    json: bool,
}

/// `30m`, `2h`, `7d`, `45s` as a duration.
fn ago(text: &str) -> Option<Duration> {
    let (n, unit) = text.split_at(text.len().checked_sub(1)?);
    let n: u64 = n.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        _ => return None,
    };
    Some(Duration::from_secs(secs))
}

impl FilterArgs {
    fn filter(&self) -> anyhow::Result<AuditFilter> {
        let since = match self.since.as_deref() {
            None => None,
            Some(t) => Some(match ago(t) {
                Some(d) => Since::Ago(d),
                None if t.starts_with(|c: char| c.is_ascii_digit()) && t.len() >= 10 => {
                    Since::Text(t.to_owned())
                }
                None => {
                    return Err(UsageError(format!(
                    "`--since {t}`: give a duration (`30m`, `2h`, `7d`) or a date (`2026-12-07`)"
                ))
                    .into())
                }
            }),
        };
        Ok(AuditFilter {
            since,
            host: self.host.clone(),
            decision: self.decision.clone(),
            limit: self.limit,
        })
    }

    fn records(&self) -> anyhow::Result<Vec<StoredAudit>> {
        let filter = self.filter()?;
        runtime()?.block_on(async {
            let store = self.store.connect().await?;
            Ok(xldb_store::audit_list(&store, &filter).await?)
        })
    }
}

/// Run `xldb-codex audit …`.
pub fn run(args: AuditArgs) -> anyhow::Result<Exit> {
    match args.command {
        AuditCommand::List(a) => {
            let records = a.filter.records()?;
            if a.json {
                println!("{}", serde_json::to_string_pretty(&records)?);
            } else {
                for r in &records {
                    println!("{}", line(r));
                }
            }
        }
        AuditCommand::Export(a) => {
            for r in a.records()? {
                println!("{}", r.to_json_line());
            }
        }
    }
    Ok(Exit::Ok)
}

/// One record as a line of text: when, where, what, and for approvals the decision.
fn line(r: &StoredAudit) -> String {
    let b = &r.body;
    let what = match r.event.as_str() {
        "approval" => format!(
            "{} by {}: {}",
            b["decision"].as_str().unwrap_or("?"),
            b["decided_by"].as_str().unwrap_or("?"),
            subject(&b["request"])
        ),
        "approval_queued" => format!(
            "request {} queued: {}",
            b["request_id"],
            subject(&b["request"])
        ),
        "approval_decided" => format!(
            "request {} {} by {}",
            b["request_id"],
            b["decision"].as_str().unwrap_or("?"),
            b["decided_by"].as_str().unwrap_or("?")
        ),
        _ => String::new(),
    };
    format!(
        "{} {} {}[{}] {} {}",
        r.id,
        r.ts_ms,
        r.host,
        r.pid,
        r.event,
        codex_session::redact_text(&what)
    )
}

fn subject(request: &serde_json::Value) -> String {
    if let Some(argv) = request["command"].as_array() {
        return argv
            .iter()
            .filter_map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(" ");
    }
    match (request["server"].as_str(), request["tool"].as_str()) {
        (Some(s), Some(t)) => format!("{s}.{t}"),
        _ => request["kind"].as_str().unwrap_or("").to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_ago_are_read_with_their_unit() {
        assert_eq!(ago("30m"), Some(Duration::from_secs(1800)));
        assert_eq!(ago("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(ago("7d"), Some(Duration::from_secs(7 * 86_400)));
        assert_eq!(ago("10"), None);
        assert_eq!(ago("h"), None);
        assert_eq!(ago(""), None);
    }
}
