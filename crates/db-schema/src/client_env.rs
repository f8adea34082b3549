//! Connection defaults found the way the databases' own clients find them.
//!
//! A PostgreSQL user has `PGPASSWORD`, `~/.pgpass` or a `service=` in `pg_service.conf`; a
//! MariaDB user has `~/.my.cnf`. psql, pgcli, usql and mysql all honour these, so a URL that
//! leaves a part out is completed the same way, in the same order as libpq and the mysql client:
//!
//! - **PostgreSQL**: what the URL says; then the service (`?service=NAME` or `PGSERVICE`) from
//!   `PGSERVICEFILE` or `~/.pg_service.conf`, then `PGSYSCONFDIR/pg_service.conf`; then
//!   `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`; last, a password
//!   from `PGPASSFILE` or `~/.pgpass` for the final host, port, database and user (a file that
//!   group or others can read is ignored, as libpq does).
//! - **MySQL/MariaDB**: what the URL says; then the `[client]` and `[client-mariadb]` groups of
//!   `~/.my.cnf` (`user`, `password`, `host`, `port`, `database`); then `MYSQL_HOST`,
//!   `MYSQL_TCP_PORT` and `MYSQL_PWD`.
//!
//! Passwords found here go into the URL's [`Secret`], so they print as `***` like any other.

use crate::dsn::{DatabaseUrl, Location, Secret};
use crate::Error;
use std::path::{Path, PathBuf};

/// Where defaults come from: the process environment and files, or a fixture in tests.
pub(crate) trait Environment {
    /// An environment variable, when set and not empty.
    fn var(&self, name: &str) -> Option<String>;
    /// A file's text, when it exists and is private to its owner (no group or other bits).
    fn private_file(&self, path: &Path) -> Option<String>;
    /// A file's text, when it exists.
    fn file(&self, path: &Path) -> Option<String>;
}

/// The real process environment and file system.
pub(crate) struct Process;

impl Environment for Process {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn private_file(&self, path: &Path) -> Option<String> {
        use std::os::unix::fs::PermissionsExt as _;
        let meta = std::fs::metadata(path).ok()?;
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(
                file = %path.display(),
                "password file has group or world access; ignored (chmod 0600 it)"
            );
            return None;
        }
        std::fs::read_to_string(path).ok()
    }

    fn file(&self, path: &Path) -> Option<String> {
        std::fs::read_to_string(path).ok()
    }
}

fn home(env: &dyn Environment) -> Option<PathBuf> {
    env.var("HOME").map(PathBuf::from)
}

/// Complete a PostgreSQL URL from the service file, the `PG*` variables and the password file.
pub(crate) fn postgres(url: &DatabaseUrl, env: &dyn Environment) -> Result<DatabaseUrl, Error> {
    let mut u = url.clone();
    let service = u.params.remove("service").or_else(|| env.var("PGSERVICE"));
    if let Some(name) = service {
        let section = find_service(&name, env).ok_or_else(|| Error::InvalidUrl {
            url: url.to_string(),
            reason: format!(
                "service `{name}` is not defined in `PGSERVICEFILE`, `~/.pg_service.conf` or \
                 `PGSYSCONFDIR/pg_service.conf`"
            ),
        })?;
        for (key, value) in section {
            match key.as_str() {
                "host" => fill_host(&mut u, &value),
                "port" => fill_port(&mut u, &value),
                "user" => fill(&mut u.user, value),
                "password" => fill_secret(&mut u.password, value),
                "dbname" => fill(&mut u.database, value),
                other => {
                    u.params.entry(other.to_owned()).or_insert(value);
                }
            }
        }
    }
    if let Some(h) = env.var("PGHOST") {
        fill_host(&mut u, &h);
    }
    if let Some(p) = env.var("PGPORT") {
        fill_port(&mut u, &p);
    }
    if let Some(v) = env.var("PGUSER") {
        fill(&mut u.user, v);
    }
    if let Some(v) = env.var("PGPASSWORD") {
        fill_secret(&mut u.password, v);
    }
    if let Some(v) = env.var("PGDATABASE") {
        fill(&mut u.database, v);
    }
    if let Some(v) = env.var("PGSSLMODE") {
        u.params.entry("sslmode".into()).or_insert(v);
    }
    if u.password.is_none() {
        let file = env
            .var("PGPASSFILE")
            .map(PathBuf::from)
            .or_else(|| home(env).map(|h| h.join(".pgpass")));
        if let Some(text) = file.and_then(|f| env.private_file(&f)) {
            let host = u.host().filter(|h| !h.is_empty()).unwrap_or("localhost");
            let port = u.port_or(5432).to_string();
            let user = u.user.as_deref().unwrap_or("postgres");
            let db = u.database.as_deref().unwrap_or(user);
            if let Some(pw) = pgpass_lookup(&text, [host, &port, db, user]) {
                u.password = Some(Secret::new(pw));
            }
        }
    }
    Ok(u)
}

/// Complete a MySQL/MariaDB URL from `~/.my.cnf` and the `MYSQL_*` variables.
pub(crate) fn mysql(url: &DatabaseUrl, env: &dyn Environment) -> DatabaseUrl {
    let mut u = url.clone();
    let cnf = home(env)
        .map(|h| h.join(".my.cnf"))
        .and_then(|f| env.file(&f));
    if let Some(text) = cnf {
        for (group, key, value) in ini(&text) {
            if group != "client" && group != "client-mariadb" {
                continue;
            }
            match key.as_str() {
                "user" => fill(&mut u.user, value),
                "password" => fill_secret(&mut u.password, value),
                "host" => fill_host(&mut u, &value),
                "port" => fill_port(&mut u, &value),
                "database" => fill(&mut u.database, value),
                _ => {}
            }
        }
    }
    if let Some(h) = env.var("MYSQL_HOST") {
        fill_host(&mut u, &h);
    }
    if let Some(p) = env.var("MYSQL_TCP_PORT") {
        fill_port(&mut u, &p);
    }
    if let Some(v) = env.var("MYSQL_PWD") {
        fill_secret(&mut u.password, v);
    }
    u
}

fn fill(slot: &mut Option<String>, value: String) {
    if slot.is_none() && !value.is_empty() {
        *slot = Some(value);
    }
}

fn fill_secret(slot: &mut Option<Secret>, value: String) {
    if slot.is_none() && !value.is_empty() {
        *slot = Some(Secret::new(value));
    }
}

fn fill_host(u: &mut DatabaseUrl, value: &str) {
    if let Location::Server { host, .. } = &mut u.location {
        if host.is_empty() {
            // libpq takes a comma-separated list; the first entry is the one tried first.
            *host = value.split(',').next().unwrap_or(value).trim().to_owned();
        }
    }
}

fn fill_port(u: &mut DatabaseUrl, value: &str) {
    if let Location::Server { port, .. } = &mut u.location {
        if port.is_none() {
            *port = value.split(',').next().and_then(|p| p.trim().parse().ok());
        }
    }
}

/// The password of the first `.pgpass` line matching `[host, port, database, user]`
/// (`*` matches anything; `\:` and `\\` are escapes).
fn pgpass_lookup(text: &str, want: [&str; 4]) -> Option<String> {
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_pgpass(line);
        let [h, p, d, u, pw] = fields.as_slice() else {
            continue;
        };
        let hit = [h, p, d, u]
            .iter()
            .zip(want)
            .all(|(f, w)| f.as_str() == "*" || f.as_str() == w);
        if hit {
            return Some(pw.clone());
        }
    }
    None
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            // The password is the rest of the line once four fields are read.
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => {
                let c = if c == '\\' {
                    chars.next().unwrap_or(c)
                } else {
                    c
                };
                if let Some(f) = fields.last_mut() {
                    f.push(c)
                }
            }
        }
    }
    fields
}

/// The `[name]` section of the first service file that defines it.
fn find_service(name: &str, env: &dyn Environment) -> Option<Vec<(String, String)>> {
    let mut files = Vec::new();
    if let Some(f) = env.var("PGSERVICEFILE") {
        files.push(PathBuf::from(f));
    } else if let Some(h) = home(env) {
        files.push(h.join(".pg_service.conf"));
    }
    let sysconf = env
        .var("PGSYSCONFDIR")
        .unwrap_or_else(|| "/etc/postgresql-common".to_owned());
    files.push(Path::new(&sysconf).join("pg_service.conf"));
    files.into_iter().find_map(|f| {
        let text = env.file(&f)?;
        let section: Vec<(String, String)> = ini(&text)
            .into_iter()
            .filter(|(g, _, _)| g == name)
            .map(|(_, k, v)| (k, v))
            .collect();
        let defined = text
            .lines()
            .any(|l| l.trim() == format!("[{name}]").as_str());
        defined.then_some(section)
    })
}

/// `(group, key, value)` of an INI-style file (`#` and `;` comments, optional quotes).
fn ini(text: &str) -> Vec<(String, String, String)> {
    let mut group = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty()
            || line.starts_with('#')
            || line.starts_with(';')
            || line.starts_with('!')
        {
            continue;
        }
        if let Some(g) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            group = g.trim().to_owned();
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
                .unwrap_or(v);
            out.push((group.clone(), k.trim().replace('-', "_"), v.to_owned()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Default)]
    struct Fixture {
        vars: HashMap<&'static str, String>,
        files: HashMap<PathBuf, (String, bool)>,
    }

    impl Fixture {
        fn var(mut self, k: &'static str, v: &str) -> Self {
            self.vars.insert(k, v.to_owned());
            self
        }
        fn file(mut self, path: &str, text: &str, private: bool) -> Self {
            self.files
                .insert(PathBuf::from(path), (text.to_owned(), private));
            self
        }
    }

    impl Environment for Fixture {
        fn var(&self, name: &str) -> Option<String> {
            self.vars.get(name).cloned()
        }
        fn private_file(&self, path: &Path) -> Option<String> {
            self.files
                .get(path)
                .filter(|(_, private)| *private)
                .map(|(t, _)| t.clone())
        }
        fn file(&self, path: &Path) -> Option<String> {
            self.files.get(path).map(|(t, _)| t.clone())
        }
    }

    fn pg(raw: &str, env: &Fixture) -> DatabaseUrl {
        postgres(&DatabaseUrl::parse(raw).unwrap(), env).unwrap()
    }

    #[test]
    fn pg_variables_fill_only_what_the_url_leaves_out() {
        let env = Fixture::default()
            .var("PGHOST", "db.example")
            .var("PGPORT", "6543")
            .var("PGUSER", "app")
            .var("PGPASSWORD", "s3cret")
            .var("PGDATABASE", "shop")
            .var("PGSSLMODE", "disable");
        let u = pg("postgres://", &env);
        assert_eq!(u.target(), "db.example:6543");
        assert_eq!(u.user.as_deref(), Some("app"));
        assert_eq!(u.secret().expose(), "s3cret");
        assert_eq!(u.database.as_deref(), Some("shop"));
        assert_eq!(u.params["sslmode"], "disable");
        assert!(!u.to_string().contains("s3cret"), "{u}");
        let u = pg("postgres://other:pw@h:1/d?sslmode=prefer", &env);
        assert_eq!(u.target(), "h:1");
        assert_eq!(
            (
                u.user.as_deref(),
                u.secret().expose(),
                u.database.as_deref()
            ),
            (Some("other"), "pw", Some("d"))
        );
        assert_eq!(u.params["sslmode"], "prefer");
    }

    #[test]
    fn pgpass_gives_the_first_matching_line_and_private_files_only() {
        let text =
            "# comment\nother:5432:*:app:wrong\ndb:*:shop:app:pa\\:ss\\\\word\n*:*:*:*:fallback\n";
        let env = Fixture::default()
            .var("HOME", "/home/me")
            .file("/home/me/.pgpass", text, true);
        let u = pg("postgres://app@db:5433/shop", &env);
        assert_eq!(u.secret().expose(), "pa:ss\\word");
        let u = pg("postgres://x@elsewhere/y", &env);
        assert_eq!(u.secret().expose(), "fallback");
        // A password in the URL or PGPASSWORD wins over the file.
        let u = pg("postgres://app:given@db/shop", &env);
        assert_eq!(u.secret().expose(), "given");
        let open = Fixture::default()
            .var("HOME", "/home/me")
            .file("/home/me/.pgpass", text, false);
        assert!(pg("postgres://app@db/shop", &open).password.is_none());
        let custom =
            Fixture::default()
                .var("PGPASSFILE", "/etc/pw")
                .file("/etc/pw", "*:*:*:*:custom", true);
        assert_eq!(pg("postgres://a@b/c", &custom).secret().expose(), "custom");
    }

    #[test]
    fn a_service_fills_the_url_and_an_unknown_one_is_an_error() {
        let conf =
            "[shop]\nhost=svc.example\nport=7000\nuser=svc\ndbname=shopdb\n\n[other]\nhost=no\n";
        let env = Fixture::default().var("HOME", "/home/me").file(
            "/home/me/.pg_service.conf",
            conf,
            false,
        );
        let u = pg("postgres://?service=shop", &env);
        assert_eq!(u.target(), "svc.example:7000");
        assert_eq!(u.user.as_deref(), Some("svc"));
        assert_eq!(u.database.as_deref(), Some("shopdb"));
        assert!(!u.params.contains_key("service"));
        let env = env.var("PGSERVICE", "shop");
        assert_eq!(pg("postgres://", &env).target(), "svc.example:7000");
        let e = postgres(
            &DatabaseUrl::parse("postgres://?service=nope").unwrap(),
            &env,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("service `nope` is not defined"),
            "{e}"
        );
    }

    #[test]
    fn my_cnf_client_group_then_mysql_variables() {
        let cnf =
            "[mysqld]\nuser=mysql\n[client]\nuser = app\npassword = \"from cnf\"\nport=3307\n";
        let env = Fixture::default()
            .var("HOME", "/home/me")
            .var("MYSQL_PWD", "from env")
            .var("MYSQL_HOST", "db.example")
            .file("/home/me/.my.cnf", cnf, true);
        let u = mysql(&DatabaseUrl::parse("mysql:///shop").unwrap(), &env);
        assert_eq!(u.user.as_deref(), Some("app"));
        assert_eq!(u.secret().expose(), "from cnf");
        assert_eq!(u.target(), "db.example:3307");
        let bare = Fixture::default().var("MYSQL_PWD", "only env");
        let u = mysql(&DatabaseUrl::parse("mysql://root@h/d").unwrap(), &bare);
        assert_eq!(u.secret().expose(), "only env");
    }
}
