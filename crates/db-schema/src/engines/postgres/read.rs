//! PostgreSQL's read-only query, inside the transaction the runner opened: the statement is
//! prepared alone (the extended protocol refuses a second statement; its Parse travels with
//! the runner's `BEGIN`) to learn its columns, then, when it can be a derived table, wrapped
//! so the server casts and cuts every value, the wrapper parsed, bound and run in one round
//! trip:
//!
//! ```sql
//! SELECT xldb_q.c1, left(xldb_q.c2::text, 65537), … FROM (<sql>
//! ) AS xldb_q(c1, c2, …) LIMIT <max_rows + 1>
//! ```
//!
//! Booleans, integers and floats travel in binary; numeric as text (a JSON number when exact);
//! json and jsonb as text parsed into JSON; arrays and composites through `to_jsonb` (typed
//! JSON arrays and objects); bytea cut with `substring` and base64-encoded; every other type
//! (timestamps, intervals, uuid, inet, enums, domains, ranges, …) as its text form, cut with
//! `left`. A 1 GB value therefore never crosses the wire. The newline before `)` ends a
//! trailing `--` comment. `EXPLAIN` and `SHOW` (text or json columns) run as prepared.

use crate::read_query::{decimal, float, is_wrappable, Collector, NOT_A_QUERY};
use crate::{ReadLimits, ReadResult};
use futures::{pin_mut, TryStreamExt};
use tokio_postgres::types::{FromSql, Kind, Type};
use tokio_postgres::{Client, Row, Statement};

/// How one column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    Bool,
    Int2,
    Int4,
    Int8,
    Oid,
    Float4,
    Float8,
    Numeric,
    Json,
    Bytea,
    /// `inet`, whose `::text` adds `/32`: through its output function.
    Inet,
    /// Arrays and composites, through `to_jsonb`.
    ToJson,
    Text,
}

fn plan(ty: &Type) -> Plan {
    match *ty {
        Type::BOOL => Plan::Bool,
        Type::INT2 => Plan::Int2,
        Type::INT4 => Plan::Int4,
        Type::INT8 => Plan::Int8,
        Type::OID => Plan::Oid,
        Type::FLOAT4 => Plan::Float4,
        Type::FLOAT8 => Plan::Float8,
        Type::NUMERIC => Plan::Numeric,
        Type::JSON | Type::JSONB => Plan::Json,
        Type::BYTEA => Plan::Bytea,
        Type::INET => Plan::Inet,
        Type::RECORD => Plan::ToJson,
        _ => match ty.kind() {
            Kind::Array(_) | Kind::Composite(_) => Plan::ToJson,
            _ => Plan::Text,
        },
    }
}

/// The wrapper's expression for column `i` (1-based) read with `plan`, values cut at `n`.
fn expression(plan: Plan, i: usize, n: usize) -> String {
    let c = format!("xldb_q.c{i}");
    match plan {
        Plan::Bool
        | Plan::Int2
        | Plan::Int4
        | Plan::Int8
        | Plan::Oid
        | Plan::Float4
        | Plan::Float8 => c,
        Plan::Numeric | Plan::Json | Plan::Text => format!("left({c}::text, {n})"),
        Plan::ToJson => format!("left(to_jsonb({c})::text, {n})"),
        Plan::Inet => format!("CASE WHEN {c} IS NULL THEN NULL ELSE format('%s', {c}) END"),
        Plan::Bytea => format!("substring({c} from 1 for {n})"),
    }
}

/// The wrapping statement for `sql` with `plans`, or `None` when it cannot be a derived table.
fn wrap(sql: &str, plans: &[Plan], limits: &ReadLimits) -> Option<String> {
    if !is_wrappable(sql) || plans.is_empty() {
        return None;
    }
    let n = limits.max_value_bytes.saturating_add(1);
    let select: Vec<String> = plans
        .iter()
        .enumerate()
        .map(|(i, p)| expression(*p, i + 1, n))
        .collect();
    let names: Vec<String> = (1..=plans.len()).map(|i| format!("c{i}")).collect();
    Some(format!(
        "SELECT {} FROM ({sql}\n) AS xldb_q({}) LIMIT {}",
        select.join(", "),
        names.join(", "),
        limits.max_rows.saturating_add(1)
    ))
}

/// Any value's raw bytes (binary format), for the columns of `EXPLAIN` and `SHOW`.
struct Raw<'a>(&'a [u8]);

impl<'a> FromSql<'a> for Raw<'a> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(raw))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// Column `i` of a wrapped row (values already cast by the server).
fn wrapped_value(
    c: &mut Collector,
    row: &Row,
    i: usize,
    plan: Plan,
) -> Result<serde_json::Value, tokio_postgres::Error> {
    use serde_json::Value as J;
    Ok(match plan {
        Plan::Bool => row.try_get::<_, Option<bool>>(i)?.map_or(J::Null, J::Bool),
        Plan::Int2 => row.try_get::<_, Option<i16>>(i)?.map_or(J::Null, J::from),
        Plan::Int4 => row.try_get::<_, Option<i32>>(i)?.map_or(J::Null, J::from),
        Plan::Int8 => row.try_get::<_, Option<i64>>(i)?.map_or(J::Null, J::from),
        Plan::Oid => row.try_get::<_, Option<u32>>(i)?.map_or(J::Null, J::from),
        Plan::Float4 => row
            .try_get::<_, Option<f32>>(i)?
            .map_or(J::Null, |f| float(f.into())),
        Plan::Float8 => row.try_get::<_, Option<f64>>(i)?.map_or(J::Null, float),
        Plan::Numeric => row.try_get::<_, Option<&str>>(i)?.map_or(J::Null, decimal),
        Plan::Json | Plan::ToJson => row
            .try_get::<_, Option<&str>>(i)?
            .map_or(J::Null, |s| c.json_text(s)),
        Plan::Text | Plan::Inet => row
            .try_get::<_, Option<&str>>(i)?
            .map_or(J::Null, |s| c.text(s)),
        Plan::Bytea => row
            .try_get::<_, Option<&[u8]>>(i)?
            .map_or(J::Null, |b| c.binary(b)),
    })
}

/// Column `i` of an unwrapped row (`EXPLAIN`, `SHOW`), from its binary form.
fn direct_value(
    c: &mut Collector,
    row: &Row,
    i: usize,
    plan: Plan,
    ty: &Type,
) -> Result<serde_json::Value, tokio_postgres::Error> {
    let Some(Raw(raw)) = row.try_get::<_, Option<Raw<'_>>>(i)? else {
        return Ok(serde_json::Value::Null);
    };
    Ok(match plan {
        Plan::Json if *ty == Type::JSONB => {
            c.json_text(&String::from_utf8_lossy(raw.get(1..).unwrap_or_default()))
        }
        Plan::Json => c.json_text(&String::from_utf8_lossy(raw)),
        Plan::Text
            if matches!(
                *ty,
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN
            ) =>
        {
            c.bytes_as_text(raw)
        }
        Plan::Bytea | Plan::Text | Plan::Inet | Plan::ToJson | Plan::Numeric => c.binary(raw),
        _ => wrapped_value(c, row, i, plan)?,
    })
}

/// Run `sql` inside the open read-only transaction. The inner error: the statement is not
/// a query (it returns no rows: transaction control, `SET`, …) and was not run.
/// `prepared` is `sql` as the runner prepared it (pipelined with its `BEGIN`).
pub(super) async fn run(
    client: &Client,
    sql: &str,
    prepared: Result<Statement, tokio_postgres::Error>,
    limits: &ReadLimits,
) -> Result<Result<ReadResult, &'static str>, tokio_postgres::Error> {
    let original = prepared?;
    let columns: Vec<String> = original
        .columns()
        .iter()
        .map(|c| c.name().to_owned())
        .collect();
    let types: Vec<Type> = original
        .columns()
        .iter()
        .map(|c| c.type_().clone())
        .collect();
    if columns.is_empty() {
        return Ok(Err(NOT_A_QUERY));
    }
    let plans: Vec<Plan> = types.iter().map(plan).collect();
    let wrapper = wrap(sql, &plans, limits);
    let wrapped = wrapper.is_some();
    let mut c = Collector::new(columns, limits);
    // The wrapper goes as one unnamed Parse/Bind/Execute (one round trip, and the extended
    // protocol still refuses a second statement); the plain statement runs as prepared.
    let stream = match &wrapper {
        Some(w) => {
            client
                .query_typed_raw(w, std::iter::empty::<(i32, Type)>())
                .await?
        }
        None => {
            client
                .query_raw(&original, std::iter::empty::<i32>())
                .await?
        }
    };
    pin_mut!(stream);
    while let Some(row) = stream.try_next().await? {
        let mut values = Vec::with_capacity(plans.len());
        for (i, (p, ty)) in plans.iter().zip(&types).enumerate() {
            values.push(if wrapped {
                wrapped_value(&mut c, &row, i, *p)?
            } else {
                direct_value(&mut c, &row, i, *p, ty)?
            });
        }
        if !c.push(values) {
            break;
        }
    }
    Ok(Ok(c.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wrapper_casts_cuts_and_ends_comments() {
        let limits = ReadLimits {
            max_rows: 10,
            max_value_bytes: 100,
            ..ReadLimits::default()
        };
        let w = wrap("SELECT 1, 'x' -- note", &[Plan::Int4, Plan::Text], &limits).unwrap();
        assert_eq!(
            w,
            "SELECT xldb_q.c1, left(xldb_q.c2::text, 101) FROM (SELECT 1, 'x' -- note\n) AS xldb_q(c1, c2) LIMIT 11"
        );
        assert!(wrap("EXPLAIN SELECT 1", &[Plan::Text], &limits).is_none());
        assert_eq!(plan(&Type::INT4_ARRAY), Plan::ToJson);
        assert_eq!(plan(&Type::TIMESTAMPTZ), Plan::Text);
    }
}
