//! Throwaway real database servers (PostgreSQL, MariaDB, ClickHouse) on random loopback ports.
//!
//! Each server runs from the Debian binaries in a fresh temporary directory, bound to
//! 127.0.0.1 on a free port, in its own process group. Servers refuse to run as root, so when
//! the tests run as root the server runs as `nobody` (`runuser`), as the project's CI does.
//!
//! Two ways to get one:
//! - `Server::shared()` (e.g. [`Postgres::shared`]): started once per test binary and reused by
//!   every test in it (tests isolate themselves with their own database). A watchdog process
//!   stops it and removes its directory when the test binary exits, even on a panic or abort.
//! - `Server::start()`: a private server, stopped and removed on drop.
//!
//! A missing binary fails the test with a message naming the Debian package to install
//! (`scripts/test.sh` installs them all); nothing is skipped.
//!
//! SQL is sent with the servers' own clients (`psql`, `mariadb`) or, for ClickHouse, over its
//! HTTP interface, so this crate needs no database driver.

use anyhow::{anyhow, bail, Context, Result};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long a server may take to accept connections.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A free TCP port on 127.0.0.1 (the listener is closed before the server binds it).
pub fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").context("binding a probe port on 127.0.0.1")?;
    Ok(l.local_addr()?.port())
}

/// A temporary directory the server user can write to; kept until the server is gone.
fn server_dir(prefix: &str) -> Result<PathBuf> {
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .context("creating a temporary directory")?
        .keep();
    if is_root() {
        run(Command::new("chown")
            .args(["-R", "nobody:nogroup"])
            .arg(&dir))?;
    }
    Ok(dir)
}

/// `cmd` as the unprivileged server user when we are root.
fn as_server_user(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "nobody", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn run_with_stdin(cmd: &mut Command, input: &str) -> Result<String> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("running {cmd:?}"))?;
    child
        .stdin
        .take()
        .context("stdin")?
        .write_all(input.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn find_binary(candidates: &[&str], package: &str, what: &str) -> Result<PathBuf> {
    for c in candidates {
        if c.contains('*') {
            let (dir_glob, file) = c.rsplit_once('/').unwrap_or((c, ""));
            // Only `/usr/lib/postgresql/*/bin` style globs are needed: pick the newest version.
            let (base, rest) = dir_glob.split_once("/*").unwrap_or((dir_glob, ""));
            let mut found: Vec<PathBuf> = std::fs::read_dir(base)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path().join(rest.trim_start_matches('/')).join(file))
                .filter(|p| p.is_file())
                .collect();
            found.sort_by_key(|p| {
                p.components()
                    .filter_map(|c| c.as_os_str().to_str()?.parse::<u32>().ok())
                    .next()
                    .unwrap_or(0)
            });
            if let Some(p) = found.pop() {
                return Ok(p);
            }
        } else if Path::new(c).is_file() {
            return Ok(PathBuf::from(c));
        }
    }
    Err(anyhow!(
        "{what} not found (looked for {}): install the Debian package `{package}` \
         (`apt-get install -y {package}`; scripts/test.sh does this)",
        candidates.join(", ")
    ))
}

/// A running server process (its process group) and its directory.
#[derive(Debug)]
struct Process {
    child: Child,
    dir: PathBuf,
    /// Signal that stops it quickly (`QUIT` for PostgreSQL, `TERM` otherwise).
    stop_signal: &'static str,
}

impl Process {
    fn spawn(
        mut cmd: Command,
        dir: PathBuf,
        stop_signal: &'static str,
        log: &Path,
    ) -> Result<Process> {
        let log_file = std::fs::File::create(log)?;
        cmd.stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .process_group(0);
        let child = cmd.spawn().with_context(|| format!("starting {cmd:?}"))?;
        Ok(Process {
            child,
            dir,
            stop_signal,
        })
    }

    fn pgid(&self) -> u32 {
        self.child.id()
    }

    /// Fail if the server process already exited; show its log.
    fn check_alive(&mut self, log: &Path) -> Result<()> {
        if let Some(status) = self.child.try_wait()? {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            let tail: String = text
                .lines()
                .rev()
                .take(20)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n");
            bail!("the server exited during start-up ({status}); log:\n{tail}");
        }
        Ok(())
    }

    /// Start a detached watchdog that stops the server and removes its directory once this
    /// test process is gone (statics are never dropped).
    fn watch(&self) -> Result<()> {
        let script = format!(
            "while kill -0 {me} 2>/dev/null; do sleep 0.3; done; \
             kill -{sig} -{pg} 2>/dev/null; sleep 3; kill -KILL -{pg} 2>/dev/null; rm -rf '{dir}'",
            me = std::process::id(),
            sig = self.stop_signal,
            pg = self.pgid(),
            dir = self.dir.display()
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .context("starting the server watchdog")?;
        Ok(())
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let pg = format!("-{}", self.pgid());
        let quiet = |args: &[&str]| {
            let _ = Command::new("kill")
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        };
        quiet(&[&format!("-{}", self.stop_signal), "--", &pg]);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        quiet(&["-KILL", "--", &pg]);
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn wait_until(
    what: &str,
    proc_: &mut Process,
    log: &Path,
    mut ready: impl FnMut() -> bool,
) -> Result<()> {
    let start = Instant::now();
    loop {
        if ready() {
            return Ok(());
        }
        proc_.check_alive(log)?;
        if start.elapsed() > READY_TIMEOUT {
            bail!("{what} did not become ready within {READY_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---------------------------------------------------------------------------------------------

/// A throwaway PostgreSQL server (user `postgres`, trust authentication on 127.0.0.1).
#[derive(Debug)]
pub struct Postgres {
    process: Process,
    port: u16,
    bin: PathBuf,
    password: Option<String>,
}

impl Postgres {
    /// The server shared by every test of this test binary.
    pub fn shared() -> Result<&'static Postgres> {
        static SHARED: OnceLock<std::result::Result<Postgres, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                let pg = Postgres::start().map_err(|e| format!("{e:#}"))?;
                pg.process.watch().map_err(|e| format!("{e:#}"))?;
                Ok(pg)
            })
            .as_ref()
            .map_err(|e| anyhow!("starting PostgreSQL: {e}"))
    }

    /// Start a private server (stopped on drop).
    pub fn start() -> Result<Postgres> {
        Postgres::start_with(None)
    }

    /// Start a private server whose TCP connections need a password (SCRAM): user `postgres`
    /// with `password`. Its `url` carries no password, as a user's would not.
    pub fn start_with_password(password: &str) -> Result<Postgres> {
        Postgres::start_with(Some(password.to_owned()))
    }

    fn start_with(password: Option<String>) -> Result<Postgres> {
        let pkg = "postgresql";
        let initdb = find_binary(
            &[
                "/usr/lib/postgresql/*/bin/initdb",
                "/usr/local/bin/initdb",
                "/usr/bin/initdb",
            ],
            pkg,
            "PostgreSQL `initdb`",
        )?;
        let bin = initdb.parent().map(Path::to_path_buf).unwrap_or_default();
        let postgres = bin.join("postgres");
        find_binary(&["/usr/bin/psql"], "postgresql-client", "`psql`")?;
        let dir = server_dir("xldb-pg-")?;
        let data = dir.join("data");
        let mut init = as_server_user(&initdb);
        init.arg("-D").arg(&data).args(["-U", "postgres"]);
        match &password {
            None => {
                init.args(["-A", "trust"]);
            }
            Some(pw) => {
                let pwfile = dir.join("pwfile");
                std::fs::write(&pwfile, pw)?;
                if is_root() {
                    run(Command::new("chown").arg("nobody:nogroup").arg(&pwfile))?;
                }
                init.args(["--auth-local=trust", "--auth-host=scram-sha-256"])
                    .arg(format!("--pwfile={}", pwfile.display()));
            }
        }
        run(init.args(["-E", "UTF8", "--no-locale", "--no-sync"]))?;
        let port = free_port()?;
        let log = dir.join("server.log");
        let cmd = postgres_command(&postgres, &data, port, &dir);
        let mut process = Process::spawn(cmd, dir, "QUIT", &log)?;
        Postgres::wait_ready(&mut process, &log, port, password.as_deref())?;
        Ok(Postgres {
            process,
            port,
            bin,
            password,
        })
    }

    /// Wait until the server at `port` answers a query.
    fn wait_ready(
        process: &mut Process,
        log: &Path,
        port: u16,
        password: Option<&str>,
    ) -> Result<()> {
        wait_until("PostgreSQL", process, log, || {
            Command::new("psql")
                .env("PGPASSWORD", password.unwrap_or(""))
                .args([
                    "-X",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &port.to_string(),
                    "-U",
                    "postgres",
                    "-d",
                    "postgres",
                    "-Atc",
                    "select 1",
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map(|s| s.success())
                .unwrap_or(false)
        })
    }

    /// Crash the server: `SIGKILL` to the postmaster and every backend (clients see their
    /// connections drop). Its data stays for [`Postgres::restart`].
    pub fn kill(&mut self) -> Result<()> {
        run(Command::new("kill").args(["-KILL", "--", &format!("-{}", self.process.pgid())]))?;
        self.process.child.wait()?;
        Ok(())
    }

    /// Start the server again on the same port and data (after [`Postgres::kill`]: crash
    /// recovery), and wait until it answers.
    pub fn restart(&mut self) -> Result<()> {
        let dir = self.process.dir.clone();
        let log = dir.join("server.log");
        // After a kill the old postmaster may linger as an unreaped zombie, whose pid would
        // make the new one refuse to start; every process of the old server is dead.
        let _ = std::fs::remove_file(dir.join("data/postmaster.pid"));
        let _ = std::fs::remove_file(dir.join(format!(".s.PGSQL.{}.lock", self.port)));
        let _ = std::fs::remove_file(dir.join(format!(".s.PGSQL.{}", self.port)));
        let cmd = postgres_command(
            &self.bin.join("postgres"),
            &dir.join("data"),
            self.port,
            &dir,
        );
        let mut process = Process::spawn(cmd, dir, "QUIT", &log)?;
        Postgres::wait_ready(&mut process, &log, self.port, self.password.as_deref())?;
        // The old process is gone: its drop must not remove the directory the new one uses.
        let mut old = std::mem::replace(&mut self.process, process);
        old.dir = PathBuf::new();
        Ok(())
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Directory of the server binaries (`pg_dump`, ...).
    pub fn bin_dir(&self) -> &Path {
        &self.bin
    }

    /// `postgres://postgres@127.0.0.1:PORT/DB`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Run SQL (one or many statements) in `db` with `psql`; returns unaligned output.
    pub fn psql(&self, db: &str, sql: &str) -> Result<String> {
        run_with_stdin(
            Command::new("psql")
                .env("PGPASSWORD", self.password.as_deref().unwrap_or(""))
                .args([
                    "-X",
                    "-q",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-At",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port.to_string(),
                    "-U",
                    "postgres",
                    "-d",
                    db,
                    "-f",
                    "-",
                ]),
            sql,
        )
    }

    /// Create a fresh database named `name` (dropped first if it exists); returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String> {
        let q = name.replace('"', "\"\"");
        self.psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS \"{q}\";\nCREATE DATABASE \"{q}\";\n"),
        )?;
        Ok(self.url(name))
    }
}

/// The `postgres` server command for `data` on `port`, its socket in `dir`.
fn postgres_command(postgres: &Path, data: &Path, port: u16, dir: &Path) -> Command {
    let mut cmd = as_server_user(postgres);
    cmd.arg("-D")
        .arg(data)
        .args(["-p", &port.to_string(), "-k"])
        .arg(dir)
        .args([
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "max_connections=50",
        ]);
    cmd
}

// ---------------------------------------------------------------------------------------------

/// A throwaway MariaDB server (user `root` without password on 127.0.0.1).
#[derive(Debug)]
pub struct MariaDb {
    process: Process,
    port: u16,
    socket: PathBuf,
}

impl MariaDb {
    /// The server shared by every test of this test binary.
    pub fn shared() -> Result<&'static MariaDb> {
        static SHARED: OnceLock<std::result::Result<MariaDb, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                let s = MariaDb::start().map_err(|e| format!("{e:#}"))?;
                s.process.watch().map_err(|e| format!("{e:#}"))?;
                Ok(s)
            })
            .as_ref()
            .map_err(|e| anyhow!("starting MariaDB: {e}"))
    }

    /// Start a private server (stopped on drop).
    pub fn start() -> Result<MariaDb> {
        let pkg = "mariadb-server";
        let install = find_binary(
            &["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"],
            pkg,
            "`mariadb-install-db`",
        )?;
        let server = find_binary(
            &[
                "/usr/sbin/mariadbd",
                "/usr/bin/mariadbd",
                "/usr/sbin/mysqld",
            ],
            pkg,
            "`mariadbd`",
        )?;
        let admin = find_binary(
            &["/usr/bin/mariadb-admin", "/usr/bin/mysqladmin"],
            "mariadb-client",
            "`mariadb-admin`",
        )?;
        find_binary(
            &["/usr/bin/mariadb", "/usr/bin/mysql"],
            "mariadb-client",
            "`mariadb`",
        )?;
        let root = is_root();
        let dir = server_dir("xldb-maria-")?;
        let data = dir.join("data");
        let mut cmd = Command::new(&install);
        cmd.arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .args([
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
            ]);
        if root {
            cmd.arg("--user=nobody");
        }
        run(&mut cmd)?;
        let port = free_port()?;
        let socket = dir.join("sock");
        let log = dir.join("server.log");
        let mut cmd = Command::new(&server);
        cmd.arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", socket.display()))
            .arg(format!("--port={port}"))
            .arg(format!("--pid-file={}", dir.join("pid").display()))
            .args([
                "--bind-address=127.0.0.1",
                "--skip-name-resolve",
                "--innodb-buffer-pool-size=64M",
                "--innodb-log-file-size=16M",
                "--skip-log-bin",
                "--innodb-flush-log-at-trx-commit=0",
                "--innodb-file-per-table=0",
                "--innodb-doublewrite=0",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_general_ci",
            ]);
        if root {
            cmd.arg("--user=nobody");
        }
        let mut process = Process::spawn(cmd, dir, "TERM", &log)?;
        wait_until("MariaDB", &mut process, &log, || {
            Command::new(&admin)
                .arg("--no-defaults")
                .arg(format!("--socket={}", socket.display()))
                .args(["-uroot", "ping"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map(|s| s.success())
                .unwrap_or(false)
        })?;
        Ok(MariaDb {
            process,
            port,
            socket,
        })
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `mysql://root@127.0.0.1:PORT/DB`.
    pub fn url(&self, db: &str) -> String {
        format!("mysql://root@127.0.0.1:{}/{db}", self.port)
    }

    /// Run SQL (one or many statements) as root with the `mariadb` client; tab-separated output.
    pub fn exec(&self, db: &str, sql: &str) -> Result<String> {
        let mut cmd = Command::new("mariadb");
        cmd.arg("--no-defaults")
            .arg(format!("--socket={}", self.socket.display()))
            .args([
                "-uroot",
                "--batch",
                "--skip-column-names",
                "--default-character-set=utf8mb4",
            ]);
        if !db.is_empty() {
            cmd.arg(db);
        }
        run_with_stdin(&mut cmd, sql)
    }

    /// Create a fresh database named `name` (dropped first if it exists); returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String> {
        let q = name.replace('`', "``");
        self.exec(
            "",
            &format!("DROP DATABASE IF EXISTS `{q}`; CREATE DATABASE `{q}` CHARACTER SET utf8mb4;"),
        )?;
        Ok(self.url(name))
    }
}

// ---------------------------------------------------------------------------------------------

/// The password of the extra ClickHouse user `xldb_pw` (for authentication tests).
pub const CLICKHOUSE_PASSWORD_USER: (&str, &str) = ("xldb_pw", "ch-test-secret-8e1f");

/// The ClickHouse user whose profile is `readonly = 1` (no password): the read-only role the
/// README recommends, as a server without SQL user management (18.16) declares it.
pub const CLICKHOUSE_READONLY_USER: &str = "xldb_ro";

/// A throwaway ClickHouse server (HTTP interface; user `default` without password,
/// [`CLICKHOUSE_PASSWORD_USER`] and [`CLICKHOUSE_READONLY_USER`]).
#[derive(Debug)]
pub struct ClickHouse {
    process: Process,
    http_port: u16,
}

impl ClickHouse {
    /// The server shared by every test of this test binary.
    pub fn shared() -> Result<&'static ClickHouse> {
        static SHARED: OnceLock<std::result::Result<ClickHouse, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                let s = ClickHouse::start().map_err(|e| format!("{e:#}"))?;
                s.process.watch().map_err(|e| format!("{e:#}"))?;
                Ok(s)
            })
            .as_ref()
            .map_err(|e| anyhow!("starting ClickHouse: {e}"))
    }

    /// Start a private server (stopped on drop).
    pub fn start() -> Result<ClickHouse> {
        let server = find_binary(
            &["/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"],
            "clickhouse-server",
            "`clickhouse-server`",
        )?;
        let dir = server_dir("xldb-ch-")?;
        for sub in ["data", "tmp", "log"] {
            std::fs::create_dir_all(dir.join(sub))?;
        }
        let http_port = free_port()?;
        let tcp_port = free_port()?;
        let d = dir.display();
        let (pw_user, pw) = CLICKHOUSE_PASSWORD_USER;
        std::fs::write(
            dir.join("users.xml"),
            format!(
                r#"<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default><readonly><readonly>1</readonly><max_memory_usage>2000000000</max_memory_usage></readonly></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
    <{pw_user}><password>{pw}</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></{pw_user}>
    <{CLICKHOUSE_READONLY_USER}><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>readonly</profile><quota>default</quota></{CLICKHOUSE_READONLY_USER}>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
"#
            ),
        )?;
        std::fs::write(
            dir.join("config.xml"),
            format!(
                r#"<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>{d}/log/server.log</log><errorlog>{d}/log/err.log</errorlog></logger>
  <http_port>{http_port}</http_port><tcp_port>{tcp_port}</tcp_port><listen_host>127.0.0.1</listen_host>
  <path>{d}/data/</path><tmp_path>{d}/tmp/</tmp_path><users_config>{d}/users.xml</users_config>
  <mark_cache_size>67108864</mark_cache_size><default_profile>default</default_profile>
  <default_database>default</default_database><timezone>UTC</timezone>
</yandex>
"#
            ),
        )?;
        if is_root() {
            run(Command::new("chown")
                .args(["-R", "nobody:nogroup"])
                .arg(&dir))?;
        }
        let log = dir.join("stdout.log");
        let mut cmd = as_server_user(&server);
        cmd.arg(format!("--config-file={}/config.xml", d));
        let mut process = Process::spawn(cmd, dir, "TERM", &log)?;
        wait_until("ClickHouse", &mut process, &log, || {
            http_request(http_port, "GET", "/ping", "")
                .is_ok_and(|(code, body)| code == 200 && body.starts_with("Ok"))
        })?;
        Ok(ClickHouse { process, http_port })
    }

    /// The HTTP port on 127.0.0.1.
    pub fn http_port(&self) -> u16 {
        self.http_port
    }

    /// `clickhouse://default@127.0.0.1:HTTP_PORT/DB`.
    pub fn url(&self, db: &str) -> String {
        format!("clickhouse://default@127.0.0.1:{}/{db}", self.http_port)
    }

    /// Run one statement as `default`; returns the body (TabSeparated unless the SQL says).
    pub fn exec(&self, sql: &str) -> Result<String> {
        let (code, body) = http_request(self.http_port, "POST", "/", sql)?;
        if code != 200 {
            bail!("ClickHouse answered {code} to `{sql}`: {body}");
        }
        Ok(body)
    }

    /// Run statements separated by `;` at line ends, one HTTP request each.
    pub fn exec_script(&self, script: &str) -> Result<()> {
        for stmt in script
            .split(";\n")
            .map(str::trim)
            .filter(|s| !s.is_empty() && !s.starts_with("--"))
        {
            self.exec(stmt.trim_end_matches(';'))?;
        }
        Ok(())
    }

    /// Create a fresh database named `name` (dropped first if it exists); returns its URL.
    pub fn create_database(&self, name: &str) -> Result<String> {
        let q = name.replace('\\', "\\\\").replace('`', "\\`");
        self.exec(&format!("DROP DATABASE IF EXISTS `{q}`"))?;
        self.exec(&format!("CREATE DATABASE `{q}`"))?;
        Ok(self.url(name))
    }
}

/// A minimal HTTP/1.1 request to 127.0.0.1:`port` (`Connection: close`); returns status and body.
fn http_request(port: u16, method: &str, path: &str, body: &str) -> Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow!("malformed HTTP response"))?;
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| anyhow!("malformed HTTP status line"))?;
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    Ok((code, body))
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n =
            usize::from_str_radix(size.split(';').next().unwrap_or("0").trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}
