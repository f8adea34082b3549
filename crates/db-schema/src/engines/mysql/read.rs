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
//! other text as text.
//!
//! MariaDB's `JSON` is `LONGTEXT` with a `CHECK (json_valid(col))`, and its protocol reports
//! the column as text. The catalog still says it is JSON: a text column of a table (the
//! protocol names its original table and column) whose check constraint is exactly
//! `json_valid(`col`)` is read as JSON, the constraint looked up once per table
//! ([`JsonColumns`]). A computed JSON value (`JSON_OBJECT(…)`) has no table, and a column of a
//! view is reported as the view's (which has no constraint): both stay text.

use crate::engine::quote_doubling;
use crate::read_query::{decimal, float, is_wrappable, Collector, NOT_A_QUERY};
use crate::{ReadLimits, ReadResult};
use mysql_async::consts::ColumnType;
use mysql_async::prelude::Queryable;
use mysql_async::{Column, Conn, Value};
use serde_json::Value as Json;

/// `character_set` of binary strings.
const BINARY_CHARSET: u16 = 63;

/// The JSON columns of tables already asked about, by `(schema, table)`, lower-case: MariaDB
/// declares them only in the catalog.
pub(super) type JsonColumns = std::collections::HashMap<(String, String), Vec<String>>;

/// A text column read from a table: MariaDB's JSON columns look like this on the wire.
fn may_be_mariadb_json(c: &Column) -> bool {
    use ColumnType as T;
    matches!(
        c.column_type(),
        T::MYSQL_TYPE_BLOB | T::MYSQL_TYPE_LONG_BLOB | T::MYSQL_TYPE_MEDIUM_BLOB
    ) && c.character_set() != BINARY_CHARSET
        && !c.org_table_str().is_empty()
        && !c.org_name_str().is_empty()
}

/// `json_valid(`col`)` → `col`: the constraint MariaDB adds to a `JSON` column.
fn json_valid_column(clause: &str) -> Option<String> {
    let inner = clause
        .trim()
        .strip_prefix("json_valid(`")?
        .strip_suffix("`)")?;
    (!inner.contains('`')).then(|| inner.to_lowercase())
}

/// Which of `columns` are JSON by the catalog (MariaDB); asks once per table.
async fn json_positions(
    conn: &mut Conn,
    columns: &[Column],
    known: &mut JsonColumns,
) -> Result<Vec<bool>, mysql_async::Error> {
    let mut out = Vec::with_capacity(columns.len());
    for c in columns {
        if !may_be_mariadb_json(c) {
            out.push(false);
            continue;
        }
        let key = (
            c.schema_str().to_lowercase(),
            c.org_table_str().to_lowercase(),
        );
        if !known.contains_key(&key) {
            let clauses: Vec<String> = conn
                .exec(
                    "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
                     WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?",
                    (c.schema_str().into_owned(), c.org_table_str().into_owned()),
                )
                .await?;
            let json = clauses
                .iter()
                .filter_map(|cl| json_valid_column(cl))
                .collect();
            known.insert(key.clone(), json);
        }
        let name = c.org_name_str().to_lowercase();
        out.push(known.get(&key).is_some_and(|cols| cols.contains(&name)));
    }
    Ok(out)
}

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

fn value(c: &mut Collector, column: &Column, is_json: bool, v: Value) -> Json {
    use ColumnType as T;
    match v {
        Value::Bytes(b) if is_json => c.json_text(&String::from_utf8_lossy(&b)),
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
    json_columns: &mut JsonColumns,
) -> Result<Result<ReadResult, &'static str>, mysql_async::Error> {
    let original = conn.prep(sql).await?;
    let columns = original.columns();
    if columns.is_empty() {
        conn.close(original).await?;
        return Ok(Err(NOT_A_QUERY));
    }
    let json = json_positions(conn, &columns, json_columns).await?;
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
            .zip(columns.iter().zip(&json))
            .map(|(v, (col, is_json))| value(&mut c, col, *is_json, v))
            .collect();
        if !c.push(values) {
            break;
        }
    }
    result.drop_result().await?;
    Ok(Ok(c.finish()))
}

#[cfg(test)]
mod tests {
    use super::json_valid_column;

    #[test]
    fn only_the_json_valid_constraint_of_a_column_marks_it() {
        assert_eq!(
            json_valid_column("json_valid(`Doc`)").as_deref(),
            Some("doc")
        );
        assert_eq!(json_valid_column("json_valid(`a`) and 1"), None);
        assert_eq!(json_valid_column("`a` > 0"), None);
        assert_eq!(json_valid_column("json_valid(`a`,`b`)"), None);
    }
}
