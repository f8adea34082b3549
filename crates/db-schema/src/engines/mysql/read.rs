//! MySQL/MariaDB's read-only query, inside the `START TRANSACTION READ ONLY` the runner opened:
//! the statement is prepared alone (the binary protocol takes one statement), then, when it
//! can be a derived table with distinct column names, wrapped so the server stops after
//! `max_rows + 1` rows and cuts string, blob and JSON values with `LEFT`:
//!
//! ```sql
//! SELECT xldb_q.`id`, LEFT(xldb_q.`body`, 65537) FROM (<sql>
//! ) AS xldb_q LIMIT <max_rows + 1>
//! ```
//!
//! Values are read by the original column's type: integers and floats as numbers, DECIMAL as
//! a number when exact, DATE/DATETIME/TIMESTAMP/TIME as their text form (never quoted), JSON
//! (MySQL's JSON type) parsed, BIT as an integer, binary strings as base64, ENUM, SET and
//! other text as text. MariaDB reports its JSON columns as text, and they come back as text.

use crate::engine::quote_doubling;
use crate::read_query::{decimal, float, is_wrappable, Collector, NOT_A_QUERY};
use crate::{ReadLimits, ReadResult};
use mysql_async::consts::ColumnType;
use mysql_async::prelude::Queryable;
use mysql_async::{Column, Conn, Value};
use serde_json::Value as Json;

/// `character_set` of binary strings.
const BINARY_CHARSET: u16 = 63;

fn is_stringish(t: ColumnType) -> bool {
    use ColumnType as T;
    matches!(
        t,
        T::MYSQL_TYPE_VARCHAR
            | T::MYSQL_TYPE_VAR_STRING
            | T::MYSQL_TYPE_STRING
            | T::MYSQL_TYPE_BLOB
            | T::MYSQL_TYPE_TINY_BLOB
            | T::MYSQL_TYPE_MEDIUM_BLOB
            | T::MYSQL_TYPE_LONG_BLOB
            | T::MYSQL_TYPE_JSON
    )
}

/// The wrapping statement, or `None` when `sql` cannot be a derived table.
fn wrap(sql: &str, columns: &[Column], limits: &ReadLimits) -> Option<String> {
    let names: Vec<String> = columns.iter().map(|c| c.name_str().into_owned()).collect();
    let mut lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    lower.sort();
    lower.dedup();
    if !is_wrappable(sql) || names.is_empty() || lower.len() != names.len() {
        return None;
    }
    let n = limits.max_value_bytes.saturating_add(1);
    let select: Vec<String> = columns
        .iter()
        .zip(&names)
        .map(|(c, name)| {
            let col = format!("xldb_q.{}", quote_doubling(name, '`'));
            if is_stringish(c.column_type()) {
                format!("LEFT({col}, {n})")
            } else {
                col
            }
        })
        .collect();
    Some(format!(
        "SELECT {} FROM ({sql}\n) AS xldb_q LIMIT {}",
        select.join(", "),
        limits.max_rows.saturating_add(1)
    ))
}

fn value(c: &mut Collector, column: &Column, v: Value) -> Json {
    use ColumnType as T;
    match v {
        Value::NULL => Json::Null,
        Value::Int(i) => Json::from(i),
        Value::UInt(u) => Json::from(u),
        Value::Float(f) => float(f.into()),
        Value::Double(f) => float(f),
        Value::Date(y, mo, d, h, mi, s, us) => {
            let date = format!("{y:04}-{mo:02}-{d:02}");
            Json::String(if column.column_type() == T::MYSQL_TYPE_DATE {
                date
            } else if us == 0 {
                format!("{date} {h:02}:{mi:02}:{s:02}")
            } else {
                format!("{date} {h:02}:{mi:02}:{s:02}.{us:06}")
            })
        }
        Value::Time(neg, days, h, mi, s, us) => {
            let sign = if neg { "-" } else { "" };
            let hours = u64::from(days) * 24 + u64::from(h);
            Json::String(if us == 0 {
                format!("{sign}{hours:02}:{mi:02}:{s:02}")
            } else {
                format!("{sign}{hours:02}:{mi:02}:{s:02}.{us:06}")
            })
        }
        Value::Bytes(b) => match column.column_type() {
            T::MYSQL_TYPE_DECIMAL | T::MYSQL_TYPE_NEWDECIMAL => {
                decimal(&String::from_utf8_lossy(&b))
            }
            T::MYSQL_TYPE_JSON => c.json_text(&String::from_utf8_lossy(&b)),
            T::MYSQL_TYPE_BIT if b.len() <= 8 => {
                Json::from(b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x)))
            }
            _ if column.character_set() == BINARY_CHARSET => c.binary(&b),
            _ => c.bytes_as_text(&b),
        },
    }
}

/// Run `sql` inside the open read-only transaction. The inner error: the statement is not
/// a query (it returns no rows: `COMMIT`, `SET`, …) and was not run.
pub(super) async fn run(
    conn: &mut Conn,
    sql: &str,
    limits: &ReadLimits,
) -> Result<Result<ReadResult, &'static str>, mysql_async::Error> {
    let original = conn.prep(sql).await?;
    let columns = original.columns();
    if columns.is_empty() {
        conn.close(original).await?;
        return Ok(Err(NOT_A_QUERY));
    }
    let stmt = match wrap(sql, &columns, limits) {
        // a derived table the server refuses (an odd form): run the statement as it is
        Some(w) => conn.prep(w).await.unwrap_or(original),
        None => original,
    };
    let names = columns.iter().map(|c| c.name_str().into_owned()).collect();
    let mut c = Collector::new(names, limits);
    let mut result = conn.exec_iter(&stmt, ()).await?;
    while let Some(row) = result.next().await? {
        let values = row
            .unwrap()
            .into_iter()
            .zip(columns.iter())
            .map(|(v, col)| value(&mut c, col, v))
            .collect();
        if !c.push(values) {
            break;
        }
    }
    result.drop_result().await?;
    Ok(Ok(c.finish()))
}
