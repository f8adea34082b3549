//! The caching analysis: which queries of a workload deserve a result cache, with what TTL, and
//! which writes invalidate them.
//!
//! Input is a query log ([`parse_query_log`]: one SQL per line, or `frequency<TAB>sql`). Queries
//! are grouped by [`fingerprint`](crate::fingerprint()), so literal variants add up, and each
//! group is classified from its AST: reads are candidates, writes are invalidation triggers for
//! the tables they touch, reads with non-deterministic functions (`now()`, `random()`…) are not
//! cacheable. The ranking is local and explainable (frequency first); Codex then gets the ranked
//! groups and is asked for TTLs and invalidation strategy ([`caching_prompt`](crate::caching_prompt)).
//!
//! TTL heuristic: a read whose tables are never written in the log gets one hour; one whose
//! tables are written gets a minute plus invalidation on those writes. Groups seen once, or
//! under 1% of the traffic, are not worth a cache entry.

use crate::dialect::{Dialect, WorkflowDialect};
use crate::error::WorkflowError;
use crate::fingerprint::fingerprint;
use codex_session::redact_text;
use serde::Serialize;
use sqlparser::ast::{visit_expressions, visit_relations, Expr, Statement};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

/// One line of a query log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryLogEntry {
    /// Line number in the file, from 1.
    pub line: usize,
    /// How many times the query ran (1 when not given).
    pub frequency: u64,
    /// The SQL text.
    pub sql: String,
}

/// Parse a query log: one SQL per line, or `frequency<TAB>sql`. Blank lines and lines starting
/// with `--` or `#` are skipped.
pub fn parse_query_log(text: &str) -> Result<Vec<QueryLogEntry>, WorkflowError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with("--") || trimmed.starts_with('#') {
            continue;
        }
        let (frequency, sql) = match raw.split_once('\t') {
            Some((head, rest))
                if head.trim().chars().all(|c| c.is_ascii_digit()) && !head.trim().is_empty() =>
            {
                let f: u64 = head.trim().parse().map_err(|_| WorkflowError::QueryLog {
                    line,
                    message: format!("frequency `{}` is too large", head.trim()),
                })?;
                if f == 0 {
                    return Err(WorkflowError::QueryLog {
                        line,
                        message: "frequency must be at least 1".into(),
                    });
                }
                (f, rest.trim())
            }
            _ => (1, trimmed),
        };
        if sql.is_empty() {
            return Err(WorkflowError::QueryLog {
                line,
                message: "no sql after the frequency".into(),
            });
        }
        out.push(QueryLogEntry {
            line,
            frequency,
            sql: sql.to_string(),
        });
    }
    Ok(out)
}

/// What kind of statement a group is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// A query (`SELECT`, `WITH … SELECT`, `VALUES`).
    Read,
    /// `INSERT`, `UPDATE`, `DELETE`, `MERGE`, `TRUNCATE`…
    Write,
    /// DDL, session and admin statements.
    Other,
    /// The SQL does not parse in the dialect.
    Unparsed,
}

/// The local advice for one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "advice", rename_all = "snake_case")]
pub enum CacheAdvice {
    /// Cache the result.
    Cache {
        /// Suggested time to live, seconds.
        ttl_secs: u64,
        /// Tables whose writes (seen in the log) must invalidate the entry.
        invalidate_on_writes_to: Vec<String>,
    },
    /// Do not cache.
    DoNotCache {
        /// Why not.
        reason: String,
    },
}

/// Queries of one fingerprint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryGroup {
    /// Rank (1 = first candidate).
    pub rank: usize,
    /// Fingerprint hash.
    pub fingerprint: String,
    /// Normalized text (no literals).
    pub normalized: String,
    /// First example as logged (redacted).
    pub example: String,
    /// Summed frequency.
    pub frequency: u64,
    /// Share of all statements in the log (0..=1).
    pub share: f64,
    /// Number of distinct literal variants.
    pub variants: usize,
    /// Statement kind.
    pub kind: StatementKind,
    /// Tables it reads or writes (lower case).
    pub tables: Vec<String>,
    /// The local advice.
    pub advice: CacheAdvice,
}

/// The result of the caching analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CachingReport {
    /// Dialect used.
    pub engine: Dialect,
    /// Statements read (summed frequency).
    pub total: u64,
    /// Groups, cache candidates first (by frequency), then the rest.
    pub groups: Vec<QueryGroup>,
}

const NONDETERMINISTIC: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtimestamp",
    "sysdate",
    "getdate",
    "sysdatetime",
    "random",
    "rand",
    "newid",
    "uuid",
    "gen_random_uuid",
    "uuid_generate_v4",
    "clock_timestamp",
    "statement_timestamp",
    "last_insert_id",
    "nextval",
];

struct Classified {
    kind: StatementKind,
    tables: BTreeSet<String>,
    nondeterministic: Option<String>,
}

fn classify(engine: Dialect, sql: &str) -> Classified {
    let Ok(statements) = engine.parse(sql) else {
        return Classified {
            kind: StatementKind::Unparsed,
            tables: BTreeSet::new(),
            nondeterministic: None,
        };
    };
    let mut kind = StatementKind::Read;
    let mut tables = BTreeSet::new();
    let mut nondeterministic = None;
    for s in &statements {
        let k = match s {
            Statement::Query(_) => StatementKind::Read,
            Statement::Insert(_)
            | Statement::Update(_)
            | Statement::Delete(_)
            | Statement::Merge(_)
            | Statement::Truncate(_) => StatementKind::Write,
            _ => StatementKind::Other,
        };
        kind = match (kind, k) {
            (StatementKind::Read, k) => k,
            (StatementKind::Write, StatementKind::Other) => StatementKind::Other,
            (k, _) => k,
        };
        let _ = visit_relations(s, |r| {
            let name = r.to_string().to_ascii_lowercase().replace(['"', '`'], "");
            tables.insert(name);
            ControlFlow::<()>::Continue(())
        });
        let _ = visit_expressions(s, |e| {
            if let Expr::Function(f) = e {
                let name = f.name.to_string().to_ascii_lowercase();
                if NONDETERMINISTIC.contains(&name.as_str()) {
                    nondeterministic.get_or_insert(name);
                }
            }
            ControlFlow::<()>::Continue(())
        });
    }
    Classified {
        kind,
        tables,
        nondeterministic,
    }
}

/// Group the log by fingerprint and rank the groups for caching.
pub fn analyze_caching(engine: Dialect, entries: &[QueryLogEntry]) -> CachingReport {
    struct Acc {
        normalized: String,
        example: String,
        frequency: u64,
        variants: BTreeSet<String>,
        first_line: usize,
    }
    let mut groups: BTreeMap<String, Acc> = BTreeMap::new();
    let mut total = 0u64;
    for e in entries {
        total = total.saturating_add(e.frequency);
        let fp = fingerprint(engine, &e.sql);
        let acc = groups.entry(fp.hash).or_insert_with(|| Acc {
            normalized: fp.normalized,
            example: e.sql.clone(),
            frequency: 0,
            variants: BTreeSet::new(),
            first_line: e.line,
        });
        acc.frequency = acc.frequency.saturating_add(e.frequency);
        acc.variants.insert(e.sql.clone());
    }
    let classified: BTreeMap<&String, Classified> = groups
        .iter()
        .map(|(k, acc)| (k, classify(engine, &acc.example)))
        .collect();
    let written: BTreeSet<&String> = classified
        .values()
        .filter(|c| c.kind == StatementKind::Write)
        .flat_map(|c| c.tables.iter())
        .collect();

    let mut out: Vec<(bool, u64, usize, QueryGroup)> = Vec::new();
    for (hash, acc) in &groups {
        let Some(c) = classified.get(hash) else {
            continue;
        };
        let share = if total == 0 {
            0.0
        } else {
            acc.frequency as f64 / total as f64
        };
        let advice = match c.kind {
            StatementKind::Read => {
                if let Some(f) = &c.nondeterministic {
                    CacheAdvice::DoNotCache {
                        reason: format!("calls `{f}()`: the result changes on every run"),
                    }
                } else if acc.frequency < 2 || share < 0.01 {
                    CacheAdvice::DoNotCache {
                        reason: "too rare to pay for a cache entry".into(),
                    }
                } else {
                    let hot: Vec<String> = c
                        .tables
                        .iter()
                        .filter(|t| written.contains(t))
                        .cloned()
                        .collect();
                    CacheAdvice::Cache {
                        ttl_secs: if hot.is_empty() { 3600 } else { 60 },
                        invalidate_on_writes_to: hot,
                    }
                }
            }
            StatementKind::Write => CacheAdvice::DoNotCache {
                reason: format!(
                    "a write: it invalidates cached reads of {}",
                    c.tables
                        .iter()
                        .map(|t| format!("`{t}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
            StatementKind::Other => CacheAdvice::DoNotCache {
                reason: "not a query".into(),
            },
            StatementKind::Unparsed => CacheAdvice::DoNotCache {
                reason: format!("does not parse as {engine}"),
            },
        };
        let cacheable = matches!(advice, CacheAdvice::Cache { .. });
        out.push((
            cacheable,
            acc.frequency,
            acc.first_line,
            QueryGroup {
                rank: 0,
                fingerprint: hash.clone(),
                normalized: acc.normalized.clone(),
                example: redact_text(&acc.example).into_owned(),
                frequency: acc.frequency,
                share,
                variants: acc.variants.len(),
                kind: c.kind,
                tables: c.tables.iter().cloned().collect(),
                advice,
            },
        ));
    }
    out.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    let groups = out
        .into_iter()
        .enumerate()
        .map(|(i, (_, _, _, mut g))| {
            g.rank = i + 1;
            g
        })
        .collect();
    CachingReport {
        engine,
        total,
        groups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "# a workload\n\
        120\tSELECT name, price FROM products WHERE id = 7\n\
        80\tSELECT name, price FROM products WHERE id = 9\n\
        SELECT id FROM orders WHERE customer_id = 3\n\
        30\tSELECT id FROM orders WHERE customer_id = 4\n\
        \n\
        25\tINSERT INTO orders (customer_id, total) VALUES (3, 10.5)\n\
        50\tSELECT id FROM sessions WHERE expires_at > now()\n\
        1\tSELECT sku FROM products WHERE sku LIKE 'A%'\n";

    #[test]
    fn log_lines_with_and_without_frequency() {
        let e = parse_query_log(LOG).unwrap();
        assert_eq!(e.len(), 7);
        assert_eq!(e[0].frequency, 120);
        assert_eq!(e[2].frequency, 1);
        assert_eq!(e[2].line, 4);
        let err = parse_query_log("0\tSELECT 1").unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
        assert!(parse_query_log("5\t  ").is_err());
        // a tab inside SQL without a number in front is just SQL
        assert_eq!(parse_query_log("SELECT\ta FROM t").unwrap()[0].frequency, 1);
    }

    #[test]
    fn groups_rank_by_frequency_and_writes_invalidate() {
        let r = analyze_caching(Dialect::Postgres, &parse_query_log(LOG).unwrap());
        assert_eq!(r.total, 307);
        let first = &r.groups[0];
        assert_eq!(first.rank, 1);
        assert_eq!(first.frequency, 200);
        assert_eq!(first.variants, 2);
        assert_eq!(
            first.advice,
            CacheAdvice::Cache {
                ttl_secs: 3600,
                invalidate_on_writes_to: vec![]
            }
        );
        let orders = &r.groups[1];
        assert_eq!(orders.frequency, 31);
        assert_eq!(
            orders.advice,
            CacheAdvice::Cache {
                ttl_secs: 60,
                invalidate_on_writes_to: vec!["orders".into()]
            }
        );
        let sessions = r.groups.iter().find(|g| g.tables == ["sessions"]).unwrap();
        assert!(
            matches!(&sessions.advice, CacheAdvice::DoNotCache { reason } if reason.contains("now"))
        );
        let insert = r
            .groups
            .iter()
            .find(|g| g.kind == StatementKind::Write)
            .unwrap();
        assert!(
            matches!(&insert.advice, CacheAdvice::DoNotCache { reason } if reason.contains("`orders`"))
        );
        let rare = r
            .groups
            .iter()
            .find(|g| g.normalized.contains("LIKE"))
            .unwrap();
        assert!(
            matches!(&rare.advice, CacheAdvice::DoNotCache { reason } if reason.contains("rare"))
        );
    }
}
