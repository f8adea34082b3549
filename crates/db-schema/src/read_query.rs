//! Read-only queries on an agent's behalf: one statement in one read-only transaction that is
//! always rolled back, values typed for JSON, results bounded in rows, bytes and value size.
//!
//! [`QueryRunner::read_only_query`](crate::QueryRunner::read_only_query) is the entry point.
//! The built-in runners enforce read-only-ness with the database itself (the last layer,
//! whatever a caller's SQL checks missed):
//! - PostgreSQL: `BEGIN TRANSACTION READ ONLY` with `SET LOCAL` statement, lock and
//!   idle-in-transaction timeouts, the statement prepared through the extended protocol (which
//!   refuses a second statement), then `ROLLBACK`: three round trips;
//! - MySQL/MariaDB: `START TRANSACTION READ ONLY`, a prepared statement (one statement only),
//!   then `ROLLBACK`;
//! - SQLite: the read-only, `query_only` connection, a deferred transaction rolled back, one
//!   prepared statement (tail text refused), value length capped by `SQLITE_LIMIT_LENGTH`;
//! - ClickHouse: `readonly=1` on every request (or the user's read-only profile), the answer
//!   read as it streams and the query killed by its `query_id` when reading stops early;
//! - DuckDB: a read-only connection without external access, extension loading or
//!   configuration changes, one prepared statement.
//!
//! Values become JSON as a reader expects: numbers as numbers, JSON as JSON, binary as base64,
//! dates and other types as their text form. A value longer than
//! [`ReadLimits::max_value_bytes`] is cut and ends with [`TRUNCATED_MARKER`]; where the engine
//! allows it the cut happens on the server, so a 1 GB value never crosses the wire.

use crate::runner::Value;
use base64::Engine as _;
use serde_json::Value as Json;
use std::time::Duration;

/// Cancels the statement a runner is running; held by another task while the runner is busy.
/// Cancelling when nothing runs is harmless.
#[async_trait::async_trait]
pub trait CancelQuery: Send + Sync + std::fmt::Debug {
    /// Ask the server to stop the running statement (best effort, never fails).
    async fn cancel(&self);
}

/// Appended to a value that was cut at [`ReadLimits::max_value_bytes`].
pub const TRUNCATED_MARKER: &str = "…[truncated]";

/// Why a statement without a result (transaction control, `SET`, a setting `PRAGMA`) is
/// refused: whatever a gate let through, a read-only query returns columns.
pub(crate) const NOT_A_QUERY: &str =
    "the statement returns no rows, so it is not a query (transaction control, settings and writes are not run)";

/// Bounds of one read-only query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Rows returned at most.
    pub max_rows: usize,
    /// Bytes of JSON returned at most (the rows as JSON objects, column names included).
    pub max_bytes: usize,
    /// Bytes of one value at most (text, JSON text or binary before base64).
    pub max_value_bytes: usize,
    /// Server-side time limit of the statement (and of locks it waits for).
    pub timeout: Duration,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_rows: 200,
            max_bytes: 4 << 20,
            max_value_bytes: 64 << 10,
            timeout: Duration::from_secs(30),
        }
    }
}

/// Why a result has fewer rows than the statement produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Truncation {
    /// [`ReadLimits::max_rows`] was reached.
    Rows,
    /// [`ReadLimits::max_bytes`] was reached.
    Bytes,
}

/// The bounded, typed result of a read-only query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadResult {
    /// Column names in select order (duplicates kept).
    pub columns: Vec<String>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<Json>>,
    /// Set when rows were left out.
    pub truncated: Option<Truncation>,
    /// How many values were cut at [`ReadLimits::max_value_bytes`].
    pub values_truncated: usize,
}

/// Collects rows while the limits allow; runners feed it as rows stream in and stop reading
/// when [`Collector::push`] says so.
#[derive(Debug)]
pub(crate) struct Collector {
    limits: ReadLimits,
    result: ReadResult,
    bytes: usize,
    row_overhead: usize,
}

impl Collector {
    pub(crate) fn new(columns: Vec<String>, limits: &ReadLimits) -> Collector {
        // `{"name":…,}` per column per row
        let row_overhead = 2 + columns.iter().map(|c| json_len(c) + 2).sum::<usize>();
        Collector {
            limits: *limits,
            result: ReadResult {
                columns,
                ..ReadResult::default()
            },
            bytes: 0,
            row_overhead,
        }
    }

    /// Add a row. `false`: the collector is full (the row was not added); stop reading.
    pub(crate) fn push(&mut self, row: Vec<Json>) -> bool {
        if self.result.rows.len() >= self.limits.max_rows {
            self.result.truncated = Some(Truncation::Rows);
            return false;
        }
        let size = self.row_overhead + row.iter().map(value_len).sum::<usize>();
        if self.bytes + size > self.limits.max_bytes {
            self.result.truncated = Some(Truncation::Bytes);
            return false;
        }
        self.bytes += size;
        self.result.rows.push(row);
        true
    }

    /// Text, cut at the value limit.
    pub(crate) fn text(&mut self, s: &str) -> Json {
        let max = self.limits.max_value_bytes;
        if s.len() <= max {
            return Json::String(s.to_owned());
        }
        self.result.values_truncated += 1;
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        Json::String(format!("{}{TRUNCATED_MARKER}", &s[..end]))
    }

    /// Bytes: UTF-8 text as text, anything else as base64, cut at the value limit.
    pub(crate) fn bytes_as_text(&mut self, b: &[u8]) -> Json {
        match std::str::from_utf8(b) {
            Ok(s) => self.text(s),
            Err(_) => self.binary(b),
        }
    }

    /// Binary as base64, cut at the value limit (before encoding).
    pub(crate) fn binary(&mut self, b: &[u8]) -> Json {
        let max = self.limits.max_value_bytes;
        let engine = base64::engine::general_purpose::STANDARD;
        if b.len() <= max {
            return Json::String(engine.encode(b));
        }
        self.result.values_truncated += 1;
        Json::String(format!("{}{TRUNCATED_MARKER}", engine.encode(&b[..max])))
    }

    /// JSON text: parsed when whole and valid, else kept as (cut) text.
    pub(crate) fn json_text(&mut self, s: &str) -> Json {
        if s.len() <= self.limits.max_value_bytes {
            if let Ok(v) = serde_json::from_str(s) {
                return v;
            }
        }
        self.text(s)
    }

    /// An array or object: kept as JSON when its text fits the value limit, else its text cut.
    pub(crate) fn compound(&mut self, v: Json) -> Json {
        let text = v.to_string();
        if text.len() <= self.limits.max_value_bytes {
            v
        } else {
            self.text(&text)
        }
    }

    /// Stop here: rows were left out for `why` (the reader ends before the statement does).
    pub(crate) fn stop(&mut self, why: Truncation) {
        self.result.truncated = Some(why);
    }

    /// A runner value of the catalog model.
    pub(crate) fn value(&mut self, v: Value) -> Json {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(b),
            Value::Int(i) => Json::from(i),
            Value::Float(f) => float(f),
            Value::Text(s) => self.text(&s),
        }
    }

    pub(crate) fn finish(self) -> ReadResult {
        self.result
    }
}

/// A float as a JSON number; NaN and infinities (which JSON lacks) as text.
pub(crate) fn float(f: f64) -> Json {
    serde_json::Number::from_f64(f).map_or_else(|| Json::String(f.to_string()), Json::Number)
}

/// A decimal's text as a JSON number when that loses nothing (integers that fit 64 bits,
/// at most 15 significant digits otherwise), else as text.
pub(crate) fn decimal(s: &str) -> Json {
    let t = s.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Json::from(i);
    }
    if let Ok(u) = t.parse::<u64>() {
        return Json::from(u);
    }
    let digits = t
        .trim_start_matches(['-', '+'])
        .trim_start_matches(['0', '.'])
        .chars()
        .take_while(|c| *c != 'e' && *c != 'E')
        .filter(char::is_ascii_digit)
        .count();
    let plain = t.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c));
    match t.parse::<f64>() {
        Ok(f) if plain && digits <= 15 && f.is_finite() => float(f),
        _ => Json::String(t.to_owned()),
    }
}

fn json_len(s: &str) -> usize {
    s.len() + 2
}

fn value_len(v: &Json) -> usize {
    match v {
        Json::Null => 4,
        Json::Bool(_) => 5,
        Json::Number(n) => n.to_string().len(),
        Json::String(s) => s.len() + 2 + s.bytes().filter(|b| *b < 0x20 || *b == b'"').count(),
        other => serde_json::to_vec(other).map_or(0, |b| b.len()),
    }
}

/// `sql` on one line, cut to 80 characters: names a statement in a message.
pub(crate) fn excerpt(sql: &str) -> String {
    let one_line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

/// The first keyword of `sql`, lower-case, after comments, whitespace and opening parentheses.
pub(crate) fn first_keyword(sql: &str) -> String {
    let mut rest = sql;
    loop {
        let t = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
        if let Some(r) = t.strip_prefix("--") {
            rest = r.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(r) = t.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, r)| r);
        } else {
            rest = t;
            break;
        }
    }
    rest.chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Statement forms that can be the body of a derived table (`SELECT … FROM (<sql>) q`).
pub(crate) fn is_wrappable(sql: &str) -> bool {
    matches!(
        first_keyword(sql).as_str(),
        "select" | "with" | "values" | "table"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(rows: usize, bytes: usize, value: usize) -> ReadLimits {
        ReadLimits {
            max_rows: rows,
            max_bytes: bytes,
            max_value_bytes: value,
            timeout: Duration::from_secs(1),
        }
    }

    #[test]
    fn rows_and_bytes_are_bounded() {
        let mut c = Collector::new(vec!["a".into()], &limits(2, 1000, 10));
        assert!(c.push(vec![Json::from(1)]));
        assert!(c.push(vec![Json::from(2)]));
        assert!(!c.push(vec![Json::from(3)]));
        let r = c.finish();
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.truncated, Some(Truncation::Rows));

        let mut c = Collector::new(vec!["a".into()], &limits(100, 30, 100));
        assert!(c.push(vec![Json::from("0123456789")]));
        assert!(!c.push(vec![Json::from("0123456789")]));
        assert_eq!(c.finish().truncated, Some(Truncation::Bytes));
    }

    #[test]
    fn values_are_cut_on_char_boundaries_with_a_marker() {
        let mut c = Collector::new(vec![], &limits(1, 1, 4));
        assert_eq!(c.text("abcé"), Json::from("abc…[truncated]"));
        assert_eq!(c.text("abcd"), Json::from("abcd"));
        assert_eq!(c.binary(&[0, 1, 2]), Json::from("AAEC"));
        assert_eq!(c.binary(&[0; 9]), Json::from("AAAAAA==…[truncated]"));
        assert_eq!(c.json_text("[1]"), serde_json::json!([1]));
        assert_eq!(c.json_text("[1,2,3]"), Json::from("[1,2…[truncated]"));
        assert_eq!(c.compound(serde_json::json!([1])), serde_json::json!([1]));
        assert_eq!(
            c.compound(serde_json::json!([1, 2, 3])),
            Json::from("[1,2…[truncated]")
        );
        c.stop(Truncation::Bytes);
        let r = c.finish();
        assert_eq!(r.values_truncated, 4);
        assert_eq!(r.truncated, Some(Truncation::Bytes));
    }

    #[test]
    fn decimals_stay_exact() {
        assert_eq!(decimal("42"), Json::from(42));
        assert_eq!(decimal("-1.50"), serde_json::json!(-1.5));
        assert_eq!(
            decimal("123456789012345678901234567890"),
            Json::from("123456789012345678901234567890")
        );
        assert_eq!(
            decimal("0.1234567890123456789"),
            Json::from("0.1234567890123456789")
        );
        assert_eq!(decimal("NaN"), Json::from("NaN"));
        assert_eq!(float(f64::INFINITY), Json::from("inf"));
    }

    #[test]
    fn first_keyword_skips_comments_and_parens() {
        assert_eq!(first_keyword("  -- hi\n/* x */ (SELECT 1)"), "select");
        assert_eq!(first_keyword("EXPLAIN SELECT 1"), "explain");
        assert!(is_wrappable("WITH x AS (SELECT 1) SELECT * FROM x"));
        assert!(!is_wrappable("SHOW search_path"));
    }
}
