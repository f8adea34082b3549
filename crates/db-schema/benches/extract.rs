//! Schema extraction benchmark: `xldb-codex schema` (process start included) next to
//! `pg_dump --schema-only` and SQLAlchemy `MetaData().reflect()` on the same generated
//! PostgreSQL database, in the same run; plus a 200-table SQLite file, round trips through a
//! latency-adding proxy, and (with `--scale`) 20,000 tables. MariaDB: the generated tables
//! (`--mariadb`) and the partitioned employees shape (`--real-mariadb N`) next to
//! `mariadb-dump --no-data` and SQLAlchemy with pymysql.
//!
//! ```sh
//! cargo build --release -p xldb-codex
//! cargo bench -p db-schema --bench extract -- [--tables 2000] [--runs 5] [--mariadb] [--scale] [--latency-ms 0.5]
//!     [--real 100 [--real-only]]   # the production-shaped fixture replicated 100 times
//!     [--zabbix [--real-only]]   # Zabbix 6.0's PostgreSQL schema (Debian package, via scripts/deps.sh)
//!     [--real-mariadb 100 [--real-only]]   # partitioned employees shape, once and 100 times
//! # SQLAlchemy baseline: BENCH_PYTHON=<venv>/bin/python with sqlalchemy + psycopg (+ pymysql)
//! # The binary: target/release/xldb-codex, $CARGO_TARGET_DIR/release/xldb-codex or $XLDB_CODEX_BIN
//! # The generator alone: cargo bench -p db-schema --bench extract -- --print-sql 2000 | psql ...
//! #   (MariaDB employees: -- --print-mariadb-sql 100 | mariadb DB)
//! ```
//!
//! Numbers and commands go in docs/benchmarks.md (section db-schema).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench binary: failing loudly is right

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The generated PostgreSQL schema: `n` tables × 15 columns with identity primary keys, a
/// foreign key on every third table, an index per table, a composite partial index on every
/// fifth, a unique index on every tenth, a check on every seventh, table and column comments on
/// every fourth, 2 enums and 20 views. Deterministic.
fn pg_schema_sql(n: usize) -> String {
    let mut s = String::from(
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\nCREATE TYPE status AS ENUM ('new', 'paid', 'shipped', 'lost');\n",
    );
    for i in 0..n {
        let fk = if i % 3 == 2 {
            format!(
                "parent_id bigint REFERENCES t{} (id) ON DELETE CASCADE",
                i - 1
            )
        } else {
            "parent_id bigint".to_owned()
        };
        s.push_str(&format!(
            "CREATE TABLE t{i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, {fk}, name text NOT NULL, \
             email varchar(120), amount numeric(12,2) DEFAULT 0, qty integer NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), \
             updated_at timestamptz, active boolean NOT NULL DEFAULT true, feeling mood, state status NOT NULL DEFAULT 'new', \
             note text, score double precision, code char(8), payload jsonb);\n\
             CREATE INDEX t{i}_name ON t{i} (name);\n"
        ));
        if i % 5 == 0 {
            s.push_str(&format!(
                "CREATE INDEX t{i}_partial ON t{i} (state, created_at DESC) WHERE active;\n"
            ));
        }
        if i % 10 == 0 {
            s.push_str(&format!(
                "CREATE UNIQUE INDEX t{i}_email ON t{i} (email);\n"
            ));
        }
        if i % 7 == 0 {
            s.push_str(&format!(
                "ALTER TABLE t{i} ADD CONSTRAINT t{i}_qty_positive CHECK (qty > 0);\n"
            ));
        }
        if i % 4 == 0 {
            s.push_str(&format!(
                "COMMENT ON TABLE t{i} IS 'table number {i}';\nCOMMENT ON COLUMN t{i}.name IS 'display name of row';\n"
            ));
        }
    }
    for v in 0..20.min(n) {
        s.push_str(&format!(
            "CREATE VIEW v{v} AS SELECT a.id, a.name, a.state FROM t{v} a WHERE a.active;\n"
        ));
    }
    s
}

/// The same shape for MariaDB (ENUM columns instead of enum types, no partial indexes).
fn mysql_schema_sql(n: usize) -> String {
    let mut s = String::from("SET foreign_key_checks = 0;\n");
    for i in 0..n {
        let fk = if i % 3 == 2 {
            format!(
                ", FOREIGN KEY (parent_id) REFERENCES t{} (id) ON DELETE CASCADE",
                i - 1
            )
        } else {
            String::new()
        };
        let uq = if i % 10 == 0 {
            ", UNIQUE KEY t_email (email)"
        } else {
            ""
        };
        let ck = if i % 7 == 0 {
            ", CONSTRAINT qty_positive CHECK (qty > 0)"
        } else {
            ""
        };
        let (tc, cc) = if i % 4 == 0 {
            (
                format!(" COMMENT 'table number {i}'"),
                " COMMENT 'display name of row'",
            )
        } else {
            (String::new(), "")
        };
        s.push_str(&format!(
            "CREATE TABLE t{i} (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, parent_id BIGINT, name VARCHAR(100) NOT NULL{cc}, \
             email VARCHAR(120), amount DECIMAL(12,2) DEFAULT 0, qty INT NOT NULL DEFAULT 1, created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, \
             updated_at DATETIME, active BOOLEAN NOT NULL DEFAULT TRUE, feeling ENUM('sad','ok','happy'), state ENUM('new','paid','shipped','lost') NOT NULL DEFAULT 'new', \
             note TEXT, score DOUBLE, code CHAR(8), payload JSON, INDEX t_name (name), INDEX t_state (state, created_at DESC){uq}{ck}{fk}){tc};\n"
        ));
    }
    for v in 0..20.min(n) {
        s.push_str(&format!(
            "CREATE VIEW v{v} AS SELECT a.id, a.name, a.state FROM t{v} a WHERE a.active;\n"
        ));
    }
    s
}

/// The production-shaped fixture of the catalog test (`tests/it/fixtures/postgres_catalog.sql`)
/// replicated into `n` copies, each in schemas `appK`, `appK_static`, `appK_dynamic`: the
/// "real schema" case (at n = 100: 1,600 tables and partitions, 100 views, 2,900 indexes).
fn real_schema_sql(n: usize) -> String {
    let fixture = include_str!("../tests/it/fixtures/postgres_catalog.sql");
    let body = fixture
        .split_once("CREATE SCHEMA IF NOT EXISTS parts_dynamic;\n")
        .map_or(fixture, |(_, b)| b);
    let mut s = String::from("CREATE EXTENSION IF NOT EXISTS pg_trgm;\n");
    for k in 0..n {
        s.push_str(&format!(
            "CREATE SCHEMA app{k}; CREATE SCHEMA app{k}_static; CREATE SCHEMA app{k}_dynamic;\n\
             SET search_path = app{k}, public;\n"
        ));
        s.push_str(
            &body
                .replace("parts_static.", &format!("app{k}_static."))
                .replace("parts_dynamic.", &format!("app{k}_dynamic.")),
        );
    }
    s
}

/// The shape of MySQL's well-known partitioned `employees` sample schema, written from its
/// documented facts (not its text): employees, departments (unique name), dept_emp and
/// dept_manager (composite primary keys, foreign keys `ON DELETE CASCADE`), titles and salaries
/// partitioned `BY RANGE (YEAR(from_date))` in 19 partitions (InnoDB refuses foreign keys on
/// partitioned tables, so those two have none), and the views `dept_emp_latest_date` and
/// `current_dept_emp`. `n` copies in one database, prefixed `eK_` when `n > 1` (one extraction
/// reads one MariaDB database; foreign key names are per database, so they carry the prefix).
fn mariadb_employees_sql(n: usize) -> String {
    let mut partitions = String::from("PARTITION BY RANGE (YEAR(from_date)) (\n");
    for (i, year) in (1985..=2002).enumerate() {
        partitions.push_str(&format!(
            "  PARTITION p{:02} VALUES LESS THAN ({year}),\n",
            i + 1
        ));
    }
    partitions.push_str("  PARTITION pmax VALUES LESS THAN MAXVALUE)");
    let mut s = String::new();
    for k in 0..n {
        let p = if n == 1 {
            String::new()
        } else {
            format!("e{k}_")
        };
        s.push_str(&format!(
            "CREATE TABLE {p}employees (emp_no INT NOT NULL, birth_date DATE NOT NULL, \
             first_name VARCHAR(14) NOT NULL, last_name VARCHAR(16) NOT NULL, \
             gender ENUM('M','F') NOT NULL, hire_date DATE NOT NULL, PRIMARY KEY (emp_no)) ENGINE=InnoDB;\n\
             CREATE TABLE {p}departments (dept_no CHAR(4) NOT NULL, dept_name VARCHAR(40) NOT NULL, \
             PRIMARY KEY (dept_no), UNIQUE KEY dept_name (dept_name)) ENGINE=InnoDB;\n"
        ));
        for link in ["dept_manager", "dept_emp"] {
            s.push_str(&format!(
                "CREATE TABLE {p}{link} (emp_no INT NOT NULL, dept_no CHAR(4) NOT NULL, \
                 from_date DATE NOT NULL, to_date DATE NOT NULL, PRIMARY KEY (emp_no, dept_no), \
                 KEY dept_no (dept_no), \
                 CONSTRAINT {p}{link}_emp FOREIGN KEY (emp_no) REFERENCES {p}employees (emp_no) ON DELETE CASCADE, \
                 CONSTRAINT {p}{link}_dept FOREIGN KEY (dept_no) REFERENCES {p}departments (dept_no) ON DELETE CASCADE) ENGINE=InnoDB;\n"
            ));
        }
        s.push_str(&format!(
            "CREATE TABLE {p}titles (emp_no INT NOT NULL, title VARCHAR(50) NOT NULL, \
             from_date DATE NOT NULL, to_date DATE, PRIMARY KEY (emp_no, title, from_date)) ENGINE=InnoDB\n{};\n\
             CREATE TABLE {p}salaries (emp_no INT NOT NULL, salary INT NOT NULL, \
             from_date DATE NOT NULL, to_date DATE NOT NULL, PRIMARY KEY (emp_no, from_date)) ENGINE=InnoDB\n{};\n",
            partitions, partitions,
        ));
        s.push_str(&format!(
            "CREATE VIEW {p}dept_emp_latest_date AS SELECT emp_no, MAX(from_date) AS from_date, \
             MAX(to_date) AS to_date FROM {p}dept_emp GROUP BY emp_no;\n\
             CREATE VIEW {p}current_dept_emp AS SELECT l.emp_no, d.dept_no, l.from_date, l.to_date \
             FROM {p}dept_emp d JOIN {p}dept_emp_latest_date l ON l.emp_no = d.emp_no \
             AND l.from_date = d.from_date AND l.to_date = d.to_date;\n"
        ));
    }
    s
}

/// SQLAlchemy's reflection of the database in its URL (tables; views are not reflected by
/// default); prints the table count.
const SQLALCHEMY_ONE_DATABASE: &str = "import sys, sqlalchemy as sa
m = sa.MetaData(); m.reflect(sa.create_engine(sys.argv[1])); print(len(m.tables))";

/// SQLAlchemy's reflection of every non-system schema (it reflects one schema per call, with
/// its bulk `get_multi_*` inspector queries); prints the table count.
const SQLALCHEMY_ALL_SCHEMAS: &str = "import sys, sqlalchemy as sa
e = sa.create_engine(sys.argv[1]); n = 0
for s in sa.inspect(e).get_schema_names():
    if s not in ('information_schema', 'pg_catalog', 'pg_toast'):
        m = sa.MetaData(); m.reflect(e, schema=s); n += len(m.tables)
print(n)";

fn sqlite_schema_sql(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let fk = if i > 0 && i % 3 == 0 {
            format!("REFERENCES t{} (id)", i - 1)
        } else {
            String::new()
        };
        s.push_str(&format!(
            "CREATE TABLE t{i} (id INTEGER PRIMARY KEY, parent_id INTEGER {fk}, name TEXT NOT NULL, email TEXT UNIQUE, \
             qty INTEGER NOT NULL DEFAULT 1 CHECK (qty > 0), created TEXT, note TEXT, amount REAL, active INTEGER DEFAULT 1, \
             code TEXT, score REAL, a TEXT, b TEXT, c TEXT, d TEXT);\nCREATE INDEX t{i}_name ON t{i} (name, created DESC) WHERE active = 1;\n"
        ));
    }
    s
}

fn cli_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("XLDB_CODEX_BIN") {
        return p.into();
    }
    let p = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(
            || xldb_testkit::codex::repo_root().join("target"),
            PathBuf::from,
        )
        .join("release/xldb-codex");
    assert!(
        p.is_file(),
        "{} is missing: run `cargo build --release -p xldb-codex` first",
        p.display()
    );
    p
}

/// Run `cmd` `runs` times; best and median wall time in seconds.
fn time(runs: usize, mut cmd: impl FnMut() -> Command) -> (f64, f64) {
    let mut samples = Vec::new();
    for _ in 0..runs {
        let mut c = cmd();
        let start = Instant::now();
        let out = c
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let took = start.elapsed().as_secs_f64();
        assert!(
            out.status.success(),
            "{c:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        samples.push(took);
    }
    samples.sort_by(f64::total_cmp);
    (samples[0], samples[samples.len() / 2])
}

/// Peak RSS (KiB) of one run, via `/usr/bin/time -f %M`.
fn peak_rss_kib(program: &PathBuf, args: &[&str]) -> Option<u64> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(program)
        .args(args)
        .stdout(Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

/// A loopback TCP proxy that sleeps `delay` before forwarding each chunk in each direction
/// (one round trip gains about 2 × delay plus scheduling). Returns its port.
fn latency_proxy(target: u16, delay: Duration) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let server = TcpStream::connect(("127.0.0.1", target)).unwrap();
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            for (mut from, mut to) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                std::thread::spawn(move || {
                    let mut buf = vec![0u8; 256 * 1024];
                    loop {
                        match from.read(&mut buf) {
                            Ok(0) | Err(_) => {
                                let _ = to.shutdown(std::net::Shutdown::Write);
                                break;
                            }
                            Ok(n) => {
                                std::thread::sleep(delay);
                                if to.write_all(&buf[..n]).is_err() {
                                    break;
                                }
                            }
                        }
                    }
                });
            }
        }
    });
    port
}

/// `xldb-codex schema` next to `mariadb-dump --no-data` and (with `BENCH_PYTHON`) SQLAlchemy's
/// `MetaData().reflect()` with pymysql, on database `db` of `maria`, in the same run.
fn compare_mariadb(
    maria: &xldb_testkit::servers::MariaDb,
    cli: &PathBuf,
    db: &str,
    runs: usize,
    label: &str,
) {
    let url = maria.url(db);
    let (ob, om) = time(runs, || {
        let mut c = Command::new(cli);
        c.args(["schema", "--db", &url, "--format", "json"]);
        c
    });
    println!("{label}: xldb-codex schema  best {ob:.3} s  median {om:.3} s");
    let port = maria.port().to_string();
    let (db_, dm) = time(runs, || {
        let mut c = Command::new("mariadb-dump");
        c.args([
            "--no-defaults",
            "--no-data",
            "-h",
            "127.0.0.1",
            "-P",
            &port,
            "-uroot",
            db,
        ]);
        c
    });
    println!("{label}: mariadb-dump --no-data  best {db_:.3} s  median {dm:.3} s  -> ours {:.1}x faster (best)", db_ / ob);
    match std::env::var("BENCH_PYTHON") {
        Ok(py) => {
            let sa_url = url.replace("mysql://", "mysql+pymysql://");
            let (sb, sm) = time(runs.min(3), || {
                let mut c = Command::new(&py);
                c.args(["-c", SQLALCHEMY_ONE_DATABASE, &sa_url]);
                c
            });
            println!("{label}: SQLAlchemy MetaData().reflect()  best {sb:.3} s  median {sm:.3} s  -> ours {:.1}x faster (best)", sb / ob);
        }
        Err(_) => println!(
            "{label}: SQLAlchemy skipped (set BENCH_PYTHON to a python with sqlalchemy and pymysql)"
        ),
    }
}

/// The partitioned employees shape ([`mariadb_employees_sql`]) once and `copies` times, each in
/// a database of its own, compared by [`compare_mariadb`].
fn real_mariadb(cli: &PathBuf, copies: usize, runs: usize) {
    let maria = xldb_testkit::servers::MariaDb::start().unwrap();
    let mut sizes = vec![1, copies];
    sizes.dedup();
    for n in sizes {
        let db = format!("employees_x{n}");
        let start = Instant::now();
        maria.create_database(&db).unwrap();
        maria.exec(&db, &mariadb_employees_sql(n)).unwrap();
        println!(
            "
mariadb employees x{n}: {} tables, {} partitioned ({} partitions), {} views, loaded in {:.1} s",
            6 * n,
            2 * n,
            2 * 19 * n,
            2 * n,
            start.elapsed().as_secs_f64()
        );
        compare_mariadb(&maria, cli, &db, runs, &format!("mariadb employees x{n}"));
    }
}

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(n) = args
        .iter()
        .position(|a| a == "--print-sql")
        .and_then(|i| args.get(i + 1))
    {
        print!("{}", pg_schema_sql(n.parse().expect("a table count")));
        return;
    }
    if let Some(n) = args
        .iter()
        .position(|a| a == "--print-mariadb-sql")
        .and_then(|i| args.get(i + 1))
    {
        print!(
            "{}",
            mariadb_employees_sql(n.parse().expect("a copy count"))
        );
        return;
    }
    let tables: usize = arg(&args, "--tables", 2000);
    let runs: usize = arg(&args, "--runs", 5);
    let latency_ms: f64 = arg(&args, "--latency-ms", 0.5);
    let cli = cli_bin();
    println!("db-schema extraction benchmark ({runs} runs each, best / median, process start included)\n");
    let real_only = args.iter().any(|a| a == "--real-only");
    let mariadb_copies: usize = arg(&args, "--real-mariadb", 0);
    if mariadb_copies > 0 {
        real_mariadb(&cli, mariadb_copies, runs);
        if real_only && !args.iter().any(|a| a == "--real" || a == "--zabbix") {
            return;
        }
    }

    // SQLite, the everyday case.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(&sqlite_schema_sql(200))
        .unwrap();
    let url = format!("sqlite://{}", db.display());
    let (best, median) = time(runs.max(10), || {
        let mut c = Command::new(&cli);
        c.args(["schema", "--db", &url]);
        c
    });
    println!("sqlite 200 tables x 15 columns: xldb-codex schema  best {:.1} ms  median {:.1} ms  (goal < 50 ms)", best * 1e3, median * 1e3);

    // PostgreSQL.
    let pg = xldb_testkit::servers::Postgres::start().unwrap();
    let build = |name: &str, n: usize| -> String {
        let start = Instant::now();
        let url = pg.create_database(name).unwrap();
        pg.psql(name, &pg_schema_sql(n)).unwrap();
        println!(
            "\ngenerated {n} tables in {:.1} s ({url})",
            start.elapsed().as_secs_f64()
        );
        url
    };
    // Real schemas: the production-shaped fixture replicated (`--real N`) and Zabbix 6.0's
    // PostgreSQL schema from Debian's package (`--zabbix`, installed by scripts/test.sh).
    let mut reals: Vec<(String, &str, String)> = Vec::new();
    if let Some(copies) = args
        .iter()
        .position(|a| a == "--real")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse::<usize>().ok())
    {
        reals.push((
            format!("real schema x{copies}"),
            "real_bench",
            real_schema_sql(copies),
        ));
    }
    if args.iter().any(|a| a == "--zabbix") {
        let ddl = xldb_testkit::real_schemas::RealSchema::Zabbix
            .ddl("postgresql")
            .unwrap_or_else(|e| panic!("{e:#}"));
        reals.push(("zabbix 6.0 (173 tables)".into(), "zabbix_bench", ddl));
    }
    for (label, db, sql) in &reals {
        let start = Instant::now();
        let url = pg.create_database(db).unwrap();
        pg.psql(db, sql).unwrap();
        println!(
            "\n{label}: loaded in {:.1} s",
            start.elapsed().as_secs_f64()
        );
        let (ob, om) = time(runs, || {
            let mut c = Command::new(&cli);
            c.args(["schema", "--db", &url]);
            c
        });
        println!("{label}: xldb-codex schema  best {ob:.3} s  median {om:.3} s");
        let port = pg.port().to_string();
        let (db_, dm) = time(runs, || {
            let mut c = Command::new(pg.bin_dir().join("pg_dump"));
            c.args([
                "--schema-only",
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                "postgres",
                db,
            ]);
            c
        });
        println!("{label}: pg_dump --schema-only  best {db_:.3} s  median {dm:.3} s  -> ours {:.1}x faster (best)", db_ / ob);
        if let Ok(py) = std::env::var("BENCH_PYTHON") {
            // psycopg2, SQLAlchemy's default PostgreSQL driver
            let sa_url = url.replace("postgres://", "postgresql://");
            let (sb, sm) = time(runs.min(3), || {
                let mut c = Command::new(&py);
                c.args(["-c", SQLALCHEMY_ALL_SCHEMAS, &sa_url]);
                c
            });
            println!("{label}: SQLAlchemy reflect per schema  best {sb:.3} s  median {sm:.3} s  -> ours {:.1}x faster (best)", sb / ob);
        }
    }
    if real_only && !reals.is_empty() {
        return;
    }
    let url = build("schema_bench", tables);
    let pg_dump = pg.bin_dir().join("pg_dump");
    let compare = |url: &str, port: u16, label: &str| {
        let (ob, om) = time(runs, || {
            let mut c = Command::new(&cli);
            c.args(["schema", "--db", url]);
            c
        });
        let (db_, dm) = time(runs, || {
            let mut c = Command::new(&pg_dump);
            c.args([
                "--schema-only",
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "postgres",
                "schema_bench",
            ]);
            c
        });
        println!("{label}: xldb-codex schema  best {ob:.3} s  median {om:.3} s");
        println!("{label}: pg_dump --schema-only  best {db_:.3} s  median {dm:.3} s  -> ours {:.1}x faster (best)", db_ / ob);
        if let Ok(py) = std::env::var("BENCH_PYTHON") {
            let sa_url = url.replace("postgres://", "postgresql+psycopg://");
            let (sb, sm) = time(runs.min(3), || {
                let mut c = Command::new(&py);
                c.args(["-c", SQLALCHEMY_ONE_DATABASE, &sa_url]);
                c
            });
            println!("{label}: SQLAlchemy MetaData().reflect()  best {sb:.3} s  median {sm:.3} s  -> ours {:.1}x faster (best)", sb / ob);
        } else {
            println!("{label}: SQLAlchemy skipped (set BENCH_PYTHON to a python with sqlalchemy and psycopg)");
        }
    };
    compare(&url, pg.port(), &format!("postgres {tables} tables"));
    if let Some(kib) = peak_rss_kib(&cli, &["schema", "--db", &url]) {
        println!(
            "postgres {tables} tables: xldb-codex schema peak RSS {:.1} MiB",
            kib as f64 / 1024.0
        );
    }
    let out = Command::new(&cli)
        .args(["schema", "--db", &url])
        .output()
        .unwrap();
    println!(
        "postgres {tables} tables: JSON output {:.2} MB",
        out.stdout.len() as f64 / 1e6
    );

    // Through a proxy that adds latency: round trips stay constant, so the cost does too.
    let proxy = latency_proxy(pg.port(), Duration::from_secs_f64(latency_ms / 1e3));
    let proxied = url.replace(&format!(":{}/", pg.port()), &format!(":{proxy}/"));
    let probe = Instant::now();
    for _ in 0..20 {
        Command::new("psql")
            .args([
                "-X",
                "-At",
                "-h",
                "127.0.0.1",
                "-p",
                &proxy.to_string(),
                "-U",
                "postgres",
                "-d",
                "schema_bench",
                "-c",
                "select 1",
            ])
            .stdout(Stdio::null())
            .status()
            .unwrap();
    }
    println!(
        "\nlatency proxy +{latency_ms} ms per hop (psql connect+query, mean of 20: {:.1} ms)",
        probe.elapsed().as_secs_f64() * 1e3 / 20.0
    );
    compare(
        &proxied,
        proxy,
        &format!("postgres {tables} tables via proxy"),
    );

    if args.iter().any(|a| a == "--mariadb") {
        let maria = xldb_testkit::servers::MariaDb::start().unwrap();
        let start = Instant::now();
        maria.create_database("schema_bench").unwrap();
        maria
            .exec("schema_bench", &mysql_schema_sql(tables))
            .unwrap();
        println!(
            "\ngenerated {tables} MariaDB tables in {:.1} s",
            start.elapsed().as_secs_f64()
        );
        compare_mariadb(
            &maria,
            &cli,
            "schema_bench",
            runs,
            &format!("mariadb {tables} tables"),
        );
    }

    if args.iter().any(|a| a == "--scale") {
        for n in [200usize, 2000, 20000] {
            let name = format!("scale_{n}");
            let start = Instant::now();
            let u = pg.create_database(&name).unwrap();
            pg.psql(&name, &pg_schema_sql(n)).unwrap();
            let gen = start.elapsed().as_secs_f64();
            let (b, m) = time(3, || {
                let mut c = Command::new(&cli);
                c.args(["schema", "--db", &u]);
                c
            });
            let rss = peak_rss_kib(&cli, &["schema", "--db", &u]).unwrap_or(0);
            println!("scale {n:>6} tables: best {b:.3} s  median {m:.3} s  peak RSS {:.1} MiB  ({:.1} µs/table; generated in {gen:.0} s)", rss as f64 / 1024.0, b * 1e6 / n as f64);
        }
    }
}
