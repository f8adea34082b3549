//! DuckDB's read-only query: one prepared statement (DuckDB refuses to prepare two) on the
//! read-only connection, rows read one at a time into the bounded collector.
//!
//! Values become JSON by their DuckDB type: integers and floats as numbers (`HUGEINT` and
//! `UBIGINT` as text when they do not fit), decimals as numbers when exact, dates, times,
//! timestamps and intervals as DuckDB writes them (`2024-01-02 03:04:05.5`, a `TIMESTAMPTZ`
//! in UTC with `+00`), blobs as base64, lists and arrays as JSON arrays, structs and maps as
//! objects, `JSON` columns parsed, everything else as text. Strings, blobs and nested values
//! are cut at the value limit.

use crate::read_query::{decimal, float, Collector};
use crate::{ReadLimits, ReadResult};
use duckdb::core::LogicalTypeId;
use duckdb::types::{TimeUnit, Value as D};
use duckdb::Connection;
use serde_json::{Map, Value as Json};

/// How a column is read, from its logical type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// A `JSON` column: its text parsed.
    Json,
    /// A `TIMESTAMP WITH TIME ZONE`: UTC, marked `+00`.
    TimestampTz,
    /// By the value's own variant.
    Value,
}

/// Run `sql` (one statement, prepared) and collect its rows within `limits`.
pub(super) fn run(conn: &Connection, sql: &str, limits: &ReadLimits) -> duckdb::Result<ReadResult> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    let (columns, plans) = match rows.as_ref() {
        Some(s) => {
            let plans = (0..s.column_count())
                .map(|i| {
                    let t = s.column_logical_type(i);
                    if t.get_alias()
                        .is_some_and(|a| a.eq_ignore_ascii_case("json"))
                    {
                        Plan::Json
                    } else if t.try_id() == Ok(LogicalTypeId::TimestampTZ) {
                        Plan::TimestampTz
                    } else {
                        Plan::Value
                    }
                })
                .collect::<Vec<_>>();
            (s.column_names(), plans)
        }
        None => (Vec::new(), Vec::new()),
    };
    let mut c = Collector::new(columns, limits);
    while let Some(row) = rows.next()? {
        let mut values = Vec::with_capacity(plans.len());
        for (i, plan) in plans.iter().enumerate() {
            let v = row.get::<_, D>(i)?;
            values.push(match (plan, v) {
                (Plan::Json, D::Text(s)) => c.json_text(&s),
                (Plan::TimestampTz, D::Timestamp(unit, t)) => {
                    Json::String(format!("{}+00", timestamp(unit, t)))
                }
                (_, v) => top(&mut c, v),
            });
        }
        if !c.push(values) {
            break;
        }
    }
    Ok(c.finish())
}

/// A top-level value: text and binary cut, nested values cut as a whole.
fn top(c: &mut Collector, v: D) -> Json {
    match v {
        D::Text(s) | D::Enum(s) => c.text(&s),
        D::Blob(b) | D::Geometry(b) => c.binary(&b),
        v @ (D::List(_) | D::Array(_) | D::Struct(_) | D::Map(_)) => c.compound(json(v)),
        D::Union(inner) => top(c, *inner),
        v => json(v),
    }
}

/// Any value as JSON, uncut.
fn json(v: D) -> Json {
    match v {
        D::Null => Json::Null,
        D::Boolean(b) => Json::Bool(b),
        D::TinyInt(i) => i.into(),
        D::SmallInt(i) => i.into(),
        D::Int(i) => i.into(),
        D::BigInt(i) => i.into(),
        D::UTinyInt(i) => i.into(),
        D::USmallInt(i) => i.into(),
        D::UInt(i) => i.into(),
        D::UBigInt(i) => i.into(),
        D::HugeInt(i) => decimal(&i.to_string()),
        D::UHugeInt(i) => decimal(&i.to_string()),
        D::Float(f) => float(f.into()),
        D::Double(f) => float(f),
        D::Decimal(d) => decimal(&d.to_string()),
        D::Timestamp(unit, t) => Json::String(timestamp(unit, t)),
        D::Date32(days) => Json::String(date(i64::from(days))),
        D::Time64(unit, t) => Json::String(time_of_day(micros(unit, t))),
        D::Interval {
            months,
            days,
            nanos,
        } => Json::String(interval(months, days, nanos)),
        D::Text(s) | D::Enum(s) => Json::String(s),
        D::Blob(b) | D::Geometry(b) => {
            use base64::Engine as _;
            Json::String(base64::engine::general_purpose::STANDARD.encode(b))
        }
        D::List(items) | D::Array(items) => items.into_iter().map(json).collect(),
        D::Struct(fields) => Json::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), json(v.clone())))
                .collect::<Map<_, _>>(),
        ),
        D::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = match json(k.clone()) {
                        Json::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, json(v.clone()))
                })
                .collect::<Map<_, _>>(),
        ),
        D::Union(inner) => json(*inner),
        // `Value` is non-exhaustive: a variant added later reads as its debug text.
        other => Json::String(format!("{other:?}")),
    }
}

fn micros(unit: TimeUnit, t: i64) -> i64 {
    match unit {
        TimeUnit::Second => t.saturating_mul(1_000_000),
        TimeUnit::Millisecond => t.saturating_mul(1_000),
        TimeUnit::Microsecond => t,
        TimeUnit::Nanosecond => t / 1_000,
    }
}

/// `2024-01-02 03:04:05[.ffffff]`; DuckDB's infinities as `infinity` / `-infinity`.
fn timestamp(unit: TimeUnit, t: i64) -> String {
    match t {
        i64::MAX => "infinity".into(),
        t if t <= i64::MIN + 1 => "-infinity".into(),
        t => {
            let us = micros(unit, t);
            let day_us = 86_400_000_000;
            format!(
                "{} {}",
                date(us.div_euclid(day_us)),
                time_of_day(us.rem_euclid(day_us))
            )
        }
    }
}

/// The proleptic Gregorian date `days` after 1970-01-01 (the civil-from-days conversion).
fn date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    if y > 0 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{:04}-{m:02}-{d:02} (BC)", 1 - y)
    }
}

/// `HH:MM:SS[.ffffff]` of microseconds since midnight.
fn time_of_day(us: i64) -> String {
    let (s, frac) = (us / 1_000_000, us % 1_000_000);
    let hms = format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
    if frac == 0 {
        hms
    } else {
        format!("{hms}.{}", format!("{frac:06}").trim_end_matches('0'))
    }
}

/// `1 year 2 months 3 days 04:05:06` as DuckDB writes intervals.
fn interval(months: i32, days: i32, nanos: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n.abs() == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    let (years, months) = (months / 12, months % 12);
    if years != 0 {
        parts.push(plural(years.into(), "year"));
    }
    if months != 0 {
        parts.push(plural(months.into(), "month"));
    }
    if days != 0 {
        parts.push(plural(days.into(), "day"));
    }
    let us = nanos / 1_000;
    if us != 0 || parts.is_empty() {
        let sign = if us < 0 { "-" } else { "" };
        parts.push(format!("{sign}{}", time_of_day(us.abs())));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_times_and_intervals_read_as_duckdb_writes_them() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(19_724), "2024-01-02");
        assert_eq!(date(-1), "1969-12-31");
        assert_eq!(date(11_016), "2000-02-29");
        assert_eq!(date(-719_528), "0001-01-01 (BC)");
        assert_eq!(
            timestamp(TimeUnit::Microsecond, 1_704_164_645_500_000),
            "2024-01-02 03:04:05.5"
        );
        assert_eq!(
            timestamp(TimeUnit::Second, -1),
            "1969-12-31 23:59:59".to_owned()
        );
        assert_eq!(timestamp(TimeUnit::Microsecond, i64::MAX), "infinity");
        assert_eq!(time_of_day(11_045_000_001), "03:04:05.000001");
        assert_eq!(
            interval(14, 3, 3_600_000_000_000),
            "1 year 2 months 3 days 01:00:00"
        );
        assert_eq!(interval(0, 1, 0), "1 day");
        assert_eq!(interval(0, 0, 0), "00:00:00");
        assert_eq!(interval(0, 0, -1_500_000_000), "-00:00:01.5");
    }

    #[test]
    fn nested_values_become_json() {
        let v = D::List(vec![D::BigInt(1), D::Null, D::Text("a".into())]);
        assert_eq!(json(v), serde_json::json!([1, null, "a"]));
        assert_eq!(
            json(D::HugeInt(i128::MAX)),
            Json::from(i128::MAX.to_string())
        );
        assert_eq!(json(D::Blob(vec![0, 1, 2])), Json::from("AAEC"));
    }
}
