//! The hostile corpus (`data/mcp_hostile.tsv`) against `xldb-codex mcp serve` on live
//! PostgreSQL, MariaDB, ClickHouse, SQLite and DuckDB, connected as a superuser and as the
//! recommended read-only role (the file engines have no roles), with an effect oracle after
//! every case: table checksums, sequences, large objects, files under a world-writable temp
//! dir, the session's settings, another session alive, transactions and locks held while
//! idle, queries left running, and the fixture's secret in any response.
//!
//! Whether a case is refused or runs does not matter here; that it changes nothing does.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::mcp_client::McpClient;
use base64_free::encode_base64;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use xldb_testkit::servers::{ClickHouse, MariaDb, Postgres, CLICKHOUSE_READONLY_USER};

const CORPUS: &str = include_str!("data/mcp_hostile.tsv");
const SECRET: &str = "hunter2-SECRET-fixture";

/// The engines of the corpus: PostgreSQL, MariaDB, SQLite, DuckDB, ClickHouse.
const ENGINES: [&str; 5] = ["pg", "my", "lite", "dd", "ch"];

/// The cases for `engine` (one of [`ENGINES`]), with `__DIR__`, `__PORT__` (the server's own
/// port, where a case calls it back) and escapes resolved.
fn cases(engine: &str, dir: &Path, port: u16) -> Vec<String> {
    let mut out = Vec::new();
    for line in CORPUS.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (engines, sql) = line.split_once('\t').unwrap();
        if engines != "all" && !engines.split(',').any(|e| e == engine) {
            continue;
        }
        out.push(unescape(
            &sql.replace("__DIR__", &dir.display().to_string())
                .replace("__PORT__", &port.to_string()),
        ));
    }
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(t) = tail.strip_prefix("\\n") {
            out.push('\n');
            rest = t;
        } else if let Some(t) = tail.strip_prefix("\\u{") {
            let end = t.find('}').unwrap();
            out.push(char::from_u32(u32::from_str_radix(&t[..end], 16).unwrap()).unwrap());
            rest = &t[end + 1..];
        } else {
            out.push('\\');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The secret in the forms a response could carry it.
fn secret_forms() -> Vec<String> {
    let hex: String = SECRET.bytes().map(|b| format!("{b:02x}")).collect();
    vec![
        SECRET.to_string(),
        hex.clone(),
        hex.to_uppercase(),
        encode_base64(SECRET.as_bytes()),
    ]
}

mod base64_free {
    /// Standard base64 (the test's own, to avoid a dependency).
    pub fn encode_base64(b: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = String::new();
        for c in b.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                if i <= c.len() {
                    s.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    s.push('=');
                }
            }
        }
        s
    }
}

/// Run every case through `client`; after each, `oracle()` must equal its value before the
/// first case. Returns the failures, one line each.
fn run_corpus(
    label: &str,
    client: &mut McpClient,
    cases: &[String],
    (dir, home): (&Path, &Path),
    oracle: &dyn Fn() -> String,
) -> Vec<String> {
    let settings_sql = client_settings_sql(label);
    let baseline = oracle();
    let home_before = tree(home);
    let settings = settings_sql.map(|s| client.query(s)["structuredContent"].clone());
    let secrets = secret_forms();
    let mut failures = Vec::new();
    for sql in cases {
        let reply = client.query(sql);
        let text = reply.to_string();
        if let Some(s) = secrets.iter().find(|s| text.contains(s.as_str())) {
            failures.push(format!("{label}: `{sql}` revealed the secret as `{s}`"));
        }
        let now = oracle();
        if now != baseline {
            failures.push(format!(
                "{label}: `{sql}` had an effect:\n  before {baseline}\n  after  {now}"
            ));
        }
        let home_now = tree(home);
        if home_now != home_before {
            failures.push(format!(
                "{label}: `{sql}` wrote in the server's home: {home_now:?}"
            ));
        }
        let files: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        if !files.is_empty() {
            failures.push(format!("{label}: `{sql}` wrote {:?}", files[0].path()));
            for f in files {
                let _ = std::fs::remove_file(f.path());
            }
        }
        if let (Some(s), Some(before)) = (settings_sql, &settings) {
            let mut after = client.query(s)["structuredContent"].clone();
            if let Some(o) = after.as_object_mut() {
                o.remove("elapsed_ms");
            }
            let mut before = before.clone();
            if let Some(o) = before.as_object_mut() {
                o.remove("elapsed_ms");
            }
            if after != before {
                failures.push(format!("{label}: `{sql}` changed the session: {after}"));
            }
        }
    }
    failures
}

/// A query over the MCP server that shows the session's settings, per engine.
fn client_settings_sql(label: &str) -> Option<&'static str> {
    if label.starts_with("postgres") {
        Some("SELECT current_setting('default_transaction_read_only') AS ro, current_setting('statement_timeout') AS st, current_setting('client_encoding') AS enc, current_setting('work_mem') AS wm, current_setting('standard_conforming_strings') AS scs")
    } else if label.starts_with("mariadb") {
        Some("SELECT @@session.sql_mode AS mode, @@session.character_set_client AS cs, @@session.transaction_read_only AS ro, @@session.max_statement_time AS mst, @@session.autocommit AS ac")
    } else if label.starts_with("duckdb") {
        Some("SELECT current_setting('memory_limit') AS ml, current_setting('threads') AS th, current_setting('enable_external_access') AS ext, current_setting('lock_configuration') AS lc, current_setting('autoload_known_extensions') AS al, current_setting('home_directory') AS home")
    } else if label.starts_with("clickhouse") {
        Some("SELECT name, value FROM system.settings WHERE changed ORDER BY name")
    } else {
        None
    }
}

fn world_writable_dir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("xldb-hostile-")
        .tempdir_in("/tmp")
        .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    dir
}

/// A sentinel session kept busy for the whole run (killed on drop).
struct Sentinel(Child);

impl Sentinel {
    /// Start `client` (a database client running a long sleep) and give it time to connect.
    fn start(client: &mut Command) -> Sentinel {
        let child = client
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        Sentinel(child)
    }
}

/// The fixture of the file engines (SQLite, DuckDB): the secret, the orders, and views that
/// rename the secret.
fn file_fixture() -> String {
    format!(
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, login TEXT, password TEXT);
             INSERT INTO accounts VALUES (1, 'ada', '{SECRET}');
             CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, status TEXT);
             INSERT INTO orders VALUES (1, 1, 'paid'), (2, 1, 'new');
             CREATE VIEW renamed_secret AS SELECT password AS p FROM accounts;
             CREATE VIEW over_renamed AS SELECT p AS q FROM renamed_secret;"
    )
}

/// A hash of the database file and every path under `dir` (a file engine's oracle).
fn file_state(db: &Path, dir: &Path) -> String {
    let hash = std::fs::read(db)
        .unwrap()
        .iter()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(*b)));
    format!("{hash:x} {:?}", tree(dir))
}

/// Every path under `dir`, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut entries: Vec<String> = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            }
            entries.push(e.path().display().to_string());
        }
    }
    entries.sort();
    entries
}

fn assert_no_effects(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} effects:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Oracle output on one line.
fn one_line(out: String) -> String {
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The engine's cases through a server per `(label, url)`, each against `oracle`.
fn run_as(engine: &str, targets: &[(&str, String)], oracle: &dyn Fn() -> String) -> Vec<String> {
    run_with_port(engine, targets, 0, oracle)
}

/// [`run_as`] with `__PORT__` standing for `port`.
fn run_with_port(
    engine: &str,
    targets: &[(&str, String)],
    port: u16,
    oracle: &dyn Fn() -> String,
) -> Vec<String> {
    let mut failures = Vec::new();
    for (label, url) in targets {
        let dir = world_writable_dir();
        let cases = cases(engine, dir.path(), port);
        eprintln!("{label}: {} cases", cases.len());
        assert!(cases.len() >= 50, "{} cases", cases.len());
        let home = tempfile::tempdir().unwrap();
        let mut c = McpClient::start(home.path(), url, &["--query-timeout", "3"]);
        failures.extend(run_corpus(
            label,
            &mut c,
            &cases,
            (dir.path(), home.path()),
            oracle,
        ));
        c.finish();
    }
    failures
}

impl Drop for Sentinel {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn postgres_hostile_corpus_has_no_effect() {
    let pg = Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let db = "xldb_hostile";
    let url = pg.create_database(db).unwrap();
    pg.psql(
        db,
        &format!(
            "CREATE TABLE accounts (id int PRIMARY KEY, login text, password text);
             INSERT INTO accounts VALUES (1, 'ada', '{SECRET}');
             CREATE TABLE orders (id int PRIMARY KEY, customer_id int, status text);
             INSERT INTO orders VALUES (1, 1, 'paid'), (2, 1, 'new');
             CREATE SEQUENCE order_seq;
             CREATE MATERIALIZED VIEW order_totals AS SELECT count(*) AS n FROM orders;
             CREATE VIEW renamed_secret AS SELECT password AS p FROM accounts;
             CREATE VIEW over_renamed AS SELECT p AS q FROM renamed_secret;
             DO $$ BEGIN CREATE ROLE xldb_hostile_ro LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
             GRANT CONNECT ON DATABASE {db} TO xldb_hostile_ro;
             GRANT USAGE ON SCHEMA public TO xldb_hostile_ro;
             GRANT SELECT ON ALL TABLES IN SCHEMA public TO xldb_hostile_ro;"
        ),
    )
    .unwrap();
    let sentinel = Sentinel::start(
        Command::new("psql")
            .args([
                "-X",
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                &pg.port().to_string(),
                "-U",
                "postgres",
                "-d",
                db,
                "-c",
                "SELECT pg_sleep(3600)",
            ])
            .env("PGAPPNAME", "xldb-sentinel"),
    );
    let oracle = || {
        pg.psql(
            db,
            "SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (SELECT a::text AS x FROM accounts a UNION ALL SELECT o::text FROM orders o) s;
             SELECT last_value || ':' || is_called FROM order_seq;
             SELECT count(*) FROM pg_largeobject_metadata;
             SELECT count(*) FROM pg_stat_activity WHERE application_name = 'xldb-sentinel';
             SELECT count(*) FROM pg_stat_activity WHERE datname = 'xldb_hostile' AND application_name = 'xldb-codex-schema' AND state <> 'idle';
             SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.datname = 'xldb_hostile' AND a.application_name = 'xldb-codex-schema';
             SELECT count(*) FROM pg_locks WHERE locktype = 'advisory';
             SELECT count(*) FROM pg_class WHERE relname IN ('pwned', 't');
             SELECT count(*) FROM pg_replication_slots;
             SELECT setting FROM pg_settings WHERE name = 'work_mem';",
        )
        .map(one_line)
        .unwrap()
    };
    let targets = [
        ("postgres superuser", url.clone()),
        (
            "postgres read-only role",
            url.replacen("postgres@", "xldb_hostile_ro@", 1),
        ),
    ];
    let failures = run_as("pg", &targets, &oracle);
    drop(sentinel);
    assert_no_effects(failures);
}

#[test]
fn mariadb_hostile_corpus_has_no_effect() {
    let m = MariaDb::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let db = "xldb_hostile";
    let url = m.create_database(db).unwrap();
    let mut setup = format!(
        "CREATE TABLE accounts (id int PRIMARY KEY, login text, password text) ENGINE=InnoDB;
         INSERT INTO accounts VALUES (1, 'ada', '{SECRET}');
         CREATE TABLE orders (id int PRIMARY KEY, customer_id int, status text) ENGINE=InnoDB;
         INSERT INTO orders VALUES (1, 1, 'paid'), (2, 1, 'new');
         CREATE SEQUENCE order_seq;
         CREATE VIEW renamed_secret AS SELECT password AS p FROM accounts;
         CREATE VIEW over_renamed AS SELECT p AS q FROM renamed_secret;"
    );
    for host in ["%", "localhost", "127.0.0.1"] {
        setup.push_str(&format!(
            "CREATE USER IF NOT EXISTS 'xldb_hostile_ro'@'{host}' IDENTIFIED BY 'ro-pass-1';
             GRANT SELECT, SHOW VIEW ON {db}.* TO 'xldb_hostile_ro'@'{host}';"
        ));
    }
    m.exec(db, &setup).unwrap();
    let sentinel = Sentinel::start(Command::new("mariadb").args([
        "--no-defaults",
        "-h127.0.0.1",
        &format!("-P{}", m.port()),
        "-uroot",
        "-e",
        "SELECT SLEEP(3600) /* xldb-sentinel */",
    ]));
    let oracle = || {
        m.exec(
            db,
            "CHECKSUM TABLE accounts, orders;
             SELECT next_not_cached_value FROM order_seq;
             SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%xldb-sentinel%' AND INFO NOT LIKE '%PROCESSLIST%';
             SELECT COUNT(*) FROM information_schema.INNODB_TRX;
             SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME IN ('pwned', 't');
             SELECT IS_USED_LOCK('x');
             SELECT @@global.sql_mode, @@global.read_only;",
        )
        .map(one_line)
        .unwrap()
    };
    let targets = [
        ("mariadb root", url.clone()),
        (
            "mariadb read-only user",
            url.replacen("root@", "xldb_hostile_ro:ro-pass-1@", 1),
        ),
    ];
    let failures = run_as("my", &targets, &oracle);
    drop(sentinel);
    assert_no_effects(failures);
}

#[test]
fn sqlite_hostile_corpus_has_no_effect() {
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("h.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(&file_fixture())
        .unwrap();
    let url = format!("sqlite://{}", path.display());
    let oracle = || file_state(&path, work.path());
    assert_no_effects(run_as("lite", &[("sqlite", url)], &oracle));
}

#[test]
fn duckdb_hostile_corpus_has_no_effect() {
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("h.duckdb");
    duckdb::Connection::open(&path)
        .unwrap()
        .execute_batch(&format!("{}; CREATE SEQUENCE order_seq;", file_fixture()))
        .unwrap();
    let url = format!("duckdb://{}", path.display());
    // the file and its folder (the server's home, where extensions and secrets would go, is
    // watched for every engine)
    let oracle = || file_state(&path, work.path());
    assert_no_effects(run_as("dd", &[("duckdb", url)], &oracle));
}

/// A ClickHouse query kept running for the whole run under `query_id = xldb-sentinel` (killed
/// on drop).
struct ClickHouseSentinel {
    ch: &'static ClickHouse,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ClickHouseSentinel {
    fn start(ch: &'static ClickHouse) -> ClickHouseSentinel {
        let port = ch.http_port();
        let thread = std::thread::spawn(move || {
            use std::io::{Read, Write};
            let body = "SELECT sleepEachRow(1) FROM system.numbers LIMIT 3600";
            let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
            let req = format!(
                "POST /?query_id=xldb-sentinel&max_block_size=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            s.write_all(req.as_bytes()).unwrap();
            let _ = s.read_to_end(&mut Vec::new());
        });
        for _ in 0..50 {
            let n = ch
                .exec("SELECT count() FROM system.processes WHERE query_id = 'xldb-sentinel'")
                .unwrap();
            if n.trim() == "1" {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        ClickHouseSentinel {
            ch,
            thread: Some(thread),
        }
    }
}

impl Drop for ClickHouseSentinel {
    fn drop(&mut self) {
        let _ = self
            .ch
            .exec("KILL QUERY WHERE query_id = 'xldb-sentinel' SYNC");
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn clickhouse_hostile_corpus_has_no_effect() {
    let ch = ClickHouse::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let db = "xldb_hostile";
    let url = ch.create_database(db).unwrap();
    ch.exec_script(&format!(
        "CREATE TABLE {db}.accounts (id UInt32, login String, password String) ENGINE = MergeTree ORDER BY id;
         INSERT INTO {db}.accounts VALUES (1, 'ada', '{SECRET}');
         CREATE TABLE {db}.orders (id UInt32, customer_id UInt32, status String) ENGINE = MergeTree ORDER BY id;
         INSERT INTO {db}.orders VALUES (1, 1, 'paid'), (2, 1, 'new');
         CREATE VIEW {db}.renamed_secret AS SELECT password AS p FROM {db}.accounts;
         CREATE VIEW {db}.over_renamed AS SELECT p AS q FROM {db}.renamed_secret;"
    ))
    .unwrap();
    let sentinel = ClickHouseSentinel::start(ch);
    let oracle = || {
        ch.exec(&format!(
            "SELECT
               (SELECT groupArray(tuple(*)) FROM (SELECT * FROM {db}.accounts ORDER BY id)),
               (SELECT groupArray(tuple(*)) FROM (SELECT * FROM {db}.orders ORDER BY id)),
               (SELECT groupArray(name) FROM (SELECT name FROM system.tables WHERE database = '{db}' ORDER BY name)),
               (SELECT count() FROM system.databases),
               (SELECT count() FROM system.parts WHERE database = '{db}' AND active),
               (SELECT count() FROM system.mutations WHERE database = '{db}'),
               (SELECT count() FROM system.processes WHERE query_id = 'xldb-sentinel'),
               (SELECT groupArray(tuple(query_id, query)) FROM system.processes WHERE query_id LIKE 'xldb-codex-%')"
        ))
        .map(one_line)
        .unwrap()
    };
    let targets = [
        ("clickhouse default (readonly=1 per query)", url.clone()),
        (
            "clickhouse read-only user",
            url.replacen("default@", &format!("{CLICKHOUSE_READONLY_USER}@"), 1),
        ),
    ];
    let failures = run_with_port("ch", &targets, ch.http_port(), &oracle);
    drop(sentinel);
    assert_no_effects(failures);
}

#[test]
fn the_corpus_has_at_least_150_cases_and_parses() {
    let dir = Path::new("/nonexistent");
    let total: usize = ENGINES.iter().map(|e| cases(e, dir, 1).len()).sum();
    assert!(total >= 150, "{total}");
    assert_eq!(unescape("a\\u{a0}b\\nc"), "a\u{a0}b\nc");
    assert_eq!(encode_base64(b"hunter2"), "aHVudGVyMg==");
}
