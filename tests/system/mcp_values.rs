//! Every value type through `execute_query`, on real servers: what the database holds comes
//! back as typed JSON (numbers as numbers, JSON as JSON, binary as base64, dates unquoted),
//! long values are cut on the server, and nothing of a call is left open afterwards.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::mcp_client::McpClient;
use serde_json::{json, Value};
use xldb_testkit::servers::{ClickHouse, MariaDb, Postgres};

/// Column `column` of the first row was cut on the server near the 1,000-byte value limit.
fn assert_cut(result: &Value, column: &str) {
    let v = result["structuredContent"]["rows"][0][column]
        .as_str()
        .unwrap();
    assert!(v.len() < 1100 && v.ends_with("…[truncated]"), "{}", v.len());
}

/// Compare the first row of `result` with `expected`, column by column.
fn assert_row(result: &Value, expected: &Value) {
    assert_eq!(result["isError"], false, "{result}");
    let row = &result["structuredContent"]["rows"][0];
    for (k, v) in expected.as_object().unwrap() {
        assert_eq!(&row[k], v, "column `{k}` in {row}");
    }
}

#[test]
fn postgres_values_round_trip_typed() {
    let pg = Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let db = "xldb_mcp_values";
    let url = pg.create_database(db).unwrap();
    pg.psql(
        db,
        "ALTER DATABASE xldb_mcp_values SET timezone = 'UTC';
         CREATE TYPE mood AS ENUM ('sad', 'happy');
         CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
         CREATE TABLE v (
           b boolean, i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision,
           n numeric(10,2), nbig numeric, ts timestamp, tstz timestamptz, d date, t time,
           j json, jb jsonb, u uuid, ia integer[], ta text[], iv interval, by bytea,
           ip inet, net cidr, m mood, p posint, r int4range, nan double precision, tx text);
         INSERT INTO v VALUES (true, 2, 4, 8000000000, 1.5, 2.25, 12.50,
           123456789012345678901234567890.5, '2024-01-02 03:04:05', '2024-01-02 03:04:05+00',
           '2024-01-02', '03:04:05', '{\"a\": [1, 2]}', '{\"b\": null}',
           'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,2,3}', '{a,b}', '1 day 2 hours',
           '\\x000102', '10.0.0.1', '10.0.0.0/8', 'happy', 5, '[1,5)', 'NaN', 'héllo');",
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut c = McpClient::start(home.path(), &url, &["--max-value-bytes", "1000"]);
    let r = c.query("SELECT * FROM v");
    assert_row(
        &r,
        &json!({
            "b": true, "i2": 2, "i4": 4, "i8": 8000000000i64, "f4": 1.5, "f8": 2.25,
            "n": 12.5, "nbig": "123456789012345678901234567890.5",
            "ts": "2024-01-02 03:04:05", "tstz": "2024-01-02 03:04:05+00",
            "d": "2024-01-02", "t": "03:04:05", "j": {"a": [1, 2]}, "jb": {"b": null},
            "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "ia": [1, 2, 3], "ta": ["a", "b"],
            "iv": "1 day 02:00:00", "by": "AAEC", "ip": "10.0.0.1", "net": "10.0.0.0/8",
            "m": "happy", "p": 5, "r": "[1,5)", "nan": "NaN", "tx": "héllo"
        }),
    );
    // a composite row becomes an object; duplicate names stay apart
    let r = c.query("SELECT (1, 'x') AS rec, 1 AS a, 2 AS a");
    assert_row(&r, &json!({"rec": {"f1": 1, "f2": "x"}, "a": 1, "a_2": 2}));
    // EXPLAIN and SHOW run unwrapped
    let r = c.query("EXPLAIN (FORMAT JSON) SELECT * FROM v");
    assert!(
        r["structuredContent"]["rows"][0]["QUERY PLAN"].is_array(),
        "{r}"
    );
    let r = c.query("SHOW DateStyle");
    assert_row(&r, &json!({"DateStyle": "ISO, MDY"}));
    // a big value is cut by the server: 5 MB never crosses the wire
    let r = c.query("SELECT repeat('x', 5000000) AS big, decode(repeat('ab', 5000), 'hex') AS bin");
    assert_cut(&r, "big");
    assert_eq!(r["structuredContent"]["values_truncated"], 2, "{r}");
    // past 10 M the gate refuses before the server is asked (issue 10's exhaustion rule)
    let r = c.query("SELECT repeat('x', 100000000) AS big");
    assert_eq!(r["isError"], true, "{r}");
    assert!(r.to_string().contains("would generate more than"), "{r}");
    // an error ends the transaction: the session is idle, not idle in transaction
    let e = c.query("SELECT 1/0");
    assert_eq!(e["isError"], true);
    assert!(
        e["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("SELECT 1/0"),
        "{e}"
    );
    let states = pg
        .psql(
            "postgres",
            "SELECT state FROM pg_stat_activity WHERE datname = 'xldb_mcp_values' AND application_name = 'xldb-codex-schema'",
        )
        .unwrap();
    assert_eq!(
        states.trim(),
        "idle",
        "no transaction is left open: {states}"
    );
    c.finish();
}

#[test]
fn mariadb_values_round_trip_typed() {
    let m = MariaDb::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let db = "xldb_mcp_values";
    let url = m.create_database(db).unwrap();
    m.exec(
        db,
        "CREATE TABLE v (
           i INT, bi BIGINT UNSIGNED, f DOUBLE, dec1 DECIMAL(10,2), dt DATETIME, dt6 DATETIME(6),
           d DATE, t TIME, ts TIMESTAMP NULL, j JSON, bl BLOB, vb VARBINARY(10), bt BIT(8),
           e ENUM('a','b'), s SET('x','y'), tx VARCHAR(20), y YEAR);
         INSERT INTO v VALUES (4, 18446744073709551615, 2.5, 12.50, '2024-01-02 03:04:05',
           '2024-01-02 03:04:05.123456', '2024-01-02', '-27:04:05', '2024-01-02 03:04:05',
           '{\"a\": 1}', X'000102', X'0304', b'00000101', 'b', 'x,y', 'héllo', 2024);",
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut c = McpClient::start(home.path(), &url, &["--max-value-bytes", "1000"]);
    let r = c.query("SELECT * FROM v");
    assert_row(
        &r,
        &json!({
            "i": 4, "bi": 18446744073709551615u64, "f": 2.5, "dec1": 12.5,
            "dt": "2024-01-02 03:04:05", "dt6": "2024-01-02 03:04:05.123456",
            "d": "2024-01-02", "t": "-27:04:05", "ts": "2024-01-02 03:04:05",
            "j": {"a": 1}, "bl": "AAEC", "vb": "AwQ=", "bt": 5, "e": "b", "s": "x,y",
            "tx": "héllo", "y": 2024
        }),
    );
    // MariaDB's JSON is LONGTEXT CHECK (json_valid(j)): read as JSON by the catalog, under
    // an alias too; a computed JSON value and a plain text column stay text
    let r = c.query("SELECT j AS doc, JSON_OBJECT('k', 1) AS made, tx FROM v");
    assert_row(
        &r,
        &json!({"doc": {"a": 1}, "made": "{\"k\": 1}", "tx": "héllo"}),
    );
    let r = c.query("SELECT repeat('x', 5000000) AS big");
    assert_cut(&r, "big");
    let r = c.query("SELECT id FROM (SELECT 1 AS id UNION SELECT 2) x -- note");
    assert_eq!(r["structuredContent"]["row_count"], 2, "{r}");
    c.finish();
}

#[test]
fn sqlite_values_round_trip_and_long_values_are_cut() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "CREATE TABLE v (i INTEGER, r REAL, t TEXT, b BLOB, n);
             INSERT INTO v VALUES (9007199254740993, 1.5, 'héllo', X'000102', NULL);
             CREATE TABLE big (b BLOB); INSERT INTO big VALUES (zeroblob(5000));",
        )
        .unwrap();
    let url = format!("sqlite://{}", path.display());
    let mut c = McpClient::start(dir.path(), &url, &["--max-value-bytes", "1000"]);
    let r = c.query("SELECT * FROM v");
    assert_row(
        &r,
        &json!({"i": 9007199254740993i64, "r": 1.5, "t": "héllo", "b": "AAEC", "n": null}),
    );
    // refused by the gate; the runner's own limit is tested in db-schema
    let r = c.query("SELECT zeroblob(1000000000) AS z");
    assert_eq!(r["isError"], true, "{r}");
    let r = c.query("SELECT b FROM big");
    assert_eq!(r["structuredContent"]["values_truncated"], 1, "{r}");
    assert_eq!(
        c.query("SELECT 1 AS one -- trailing")["structuredContent"]["rows"][0]["one"],
        1
    );
    c.finish();
}

#[test]
fn clickhouse_values_round_trip_typed() {
    let ch = ClickHouse::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let url = ch.create_database("xldb_mcp_values").unwrap();
    ch.exec_script(
        "CREATE TABLE xldb_mcp_values.v (
           i8 Int8, u64 UInt64, i64 Int64, f32 Float32, f64 Float64, dec Decimal(10, 2),
           s String, fs FixedString(4), d Date, dt DateTime, u UUID, e Enum8('a' = 1, 'b' = 2),
           a Array(UInt64), t Tuple(Int64, String), n Nullable(Int32))
         ENGINE = MergeTree ORDER BY i8;
         INSERT INTO xldb_mcp_values.v VALUES (-8, 18446744073709551615, -9000000000000000000,
           1.5, 2.25, 12.5, 'héllo', 'ab', '2024-01-02', '2024-01-02 03:04:05',
           'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'b', [1, 2], (-1, 'x'), NULL);",
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut c = McpClient::start(home.path(), &url, &["--max-value-bytes", "1000"]);
    let r = c.query("SELECT * FROM v");
    assert_row(
        &r,
        &json!({
            "i8": -8, "u64": 18446744073709551615u64, "i64": -9000000000000000000i64,
            "f32": 1.5, "f64": 2.25, "dec": 12.5, "s": "héllo", "fs": "ab\u{0}\u{0}",
            "d": "2024-01-02", "dt": "2024-01-02 03:04:05",
            "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "e": "b", "a": [1, 2],
            "t": [-1, "x"], "n": null
        }),
    );
    // a long value is cut; an endless result stops at the row limit
    let r = c.query(
        "SELECT arrayStringConcat(arrayMap(x -> 'x', range(5000))) AS big, range(3000) AS nested",
    );
    assert_cut(&r, "big");
    assert_cut(&r, "nested");
    let r = c.query("SELECT number FROM system.numbers");
    assert_eq!(r["structuredContent"]["row_count"], 200, "{r}");
    assert_eq!(r["structuredContent"]["truncated_by"], "rows", "{r}");
    assert_eq!(r["structuredContent"]["rows"][199]["number"], 199, "{r}");
    // and the query that produced it was stopped on the server
    let running = ch
        .exec("SELECT count() FROM system.processes WHERE query_id LIKE 'xldb-codex-%'")
        .unwrap();
    assert_eq!(running.trim(), "0");
    c.finish();
}

#[test]
fn duckdb_values_round_trip_typed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.duckdb");
    duckdb::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "CREATE TYPE mood AS ENUM ('sad', 'happy');
             CREATE TABLE v (b BOOLEAN, i1 TINYINT, i8 BIGINT, ub UBIGINT, h HUGEINT, f FLOAT,
               d DOUBLE, n DECIMAL(10, 2), nbig DECIMAL(38, 2), s VARCHAR, bl BLOB, dt DATE,
               t TIME, ts TIMESTAMP, tz TIMESTAMPTZ, iv INTERVAL, u UUID, m mood,
               l INTEGER[], st STRUCT(a INTEGER, b VARCHAR), mp MAP(VARCHAR, INTEGER),
               j JSON, nan DOUBLE, nul INTEGER);
             INSERT INTO v VALUES (true, -1, 8000000000, 18446744073709551615,
               170141183460469231731687303715884105727, 1.5, 2.25, 12.50,
               123456789012345678901234567890.50, 'héllo', '\\x00\\x01\\x02'::BLOB,
               '2024-01-02', '03:04:05.5', '2024-01-02 03:04:05', '2024-01-02 03:04:05+00',
               INTERVAL '1 day 2 hours', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'happy',
               [1, 2, 3], {'a': 1, 'b': 'x'}, MAP {'k': 1}, '{\"a\": [1, 2]}', 'NaN', NULL);",
        )
        .unwrap();
    let url = format!("duckdb://{}", path.display());
    let mut c = McpClient::start(dir.path(), &url, &["--max-value-bytes", "1000"]);
    let r = c.query("SELECT * FROM v");
    assert_row(
        &r,
        &json!({
            "b": true, "i1": -1, "i8": 8000000000i64, "ub": 18446744073709551615u64,
            "h": "170141183460469231731687303715884105727", "f": 1.5, "d": 2.25, "n": 12.5,
            "nbig": "123456789012345678901234567890.50", "s": "héllo", "bl": "AAEC",
            "dt": "2024-01-02", "t": "03:04:05.5", "ts": "2024-01-02 03:04:05",
            "tz": "2024-01-02 03:04:05+00", "iv": "1 day 02:00:00",
            "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "m": "happy", "l": [1, 2, 3],
            "st": {"a": 1, "b": "x"}, "mp": {"k": 1}, "j": {"a": [1, 2]}, "nan": "NaN",
            "nul": null
        }),
    );
    let r = c.query("SELECT repeat('x', 5000) AS big, [repeat('y', 2000)] AS nested");
    assert_cut(&r, "big");
    assert_cut(&r, "nested");
    let r = c.query("SELECT * FROM range(1000000)");
    assert_eq!(r["structuredContent"]["row_count"], 200, "{r}");
    c.finish();
}
