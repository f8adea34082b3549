//! Connection URLs, with the password kept out of every printout.
//!
//! One parser for every scheme so that the rules are the same everywhere:
//! - network engines (`postgres://`, `postgresql://`, `mysql://`, `mariadb://`,
//!   `clickhouse://host:http_port/db`, `mssql://`, `oracle://`) use the usual
//!   `scheme://user:password@host:port/database?key=value` form, percent-encoded;
//! - file engines (`sqlite://PATH`, `duckdb://PATH`) take everything after `://` as the path, so
//!   an absolute path gives three slashes (`sqlite:///var/data/app.db`) and a relative one two
//!   (`sqlite://data/app.db`).
//!
//! The password lives in a [`Secret`], whose `Debug` and `Display` print `***`; [`DatabaseUrl`]'s
//! `Display` and `Debug` print the URL with the password masked, and errors built from driver
//! messages pass through [`Secret::redact`].

use crate::Error;
use percent_encoding::percent_decode_str;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A password: never printed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a password.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The password itself, for handing to a driver.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `message` with every occurrence of the password (plain or percent-encoded) masked.
    pub fn redact(&self, message: &str) -> String {
        if self.0.is_empty() {
            return message.to_owned();
        }
        let encoded =
            percent_encoding::utf8_percent_encode(&self.0, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        message.replace(&self.0, "***").replace(&encoded, "***")
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Where the database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A server reached over TCP.
    Server {
        /// Host name or address.
        host: String,
        /// Port, when given (each engine has its default).
        port: Option<u16>,
    },
    /// A database file (or `:memory:`).
    File(PathBuf),
}

/// A parsed connection URL.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    /// The scheme as written (`postgres`, `postgresql`, `sqlite`, ...), lower-cased.
    pub scheme: String,
    /// Where the database is.
    pub location: Location,
    /// User name, percent-decoded.
    pub user: Option<String>,
    /// Password, percent-decoded.
    pub password: Option<Secret>,
    /// Database (or service name), percent-decoded; `None` for file engines.
    pub database: Option<String>,
    /// Query-string parameters, percent-decoded.
    pub params: BTreeMap<String, String>,
}

const FILE_SCHEMES: &[&str] = &["sqlite", "duckdb"];
/// Schemes whose clients complete a URL from the environment (see `client_env`).
const CLIENT_DEFAULT_SCHEMES: &[&str] = &["postgres", "postgresql", "mysql", "mariadb"];

impl DatabaseUrl {
    /// Parse `raw`. The scheme is not checked against the engines here; see [`crate::engine_for_url`].
    pub fn parse(raw: &str) -> Result<DatabaseUrl, Error> {
        let invalid = |reason: &str| Error::InvalidUrl {
            url: mask_raw(raw),
            reason: reason.to_owned(),
        };
        let (scheme, rest) = split_scheme(raw).ok_or_else(|| {
            invalid("expected `scheme://...`, e.g. `sqlite:///abs/path.db` or `postgres://user@host:5432/db`")
        })?;
        let scheme = canonical_scheme(&scheme.to_ascii_lowercase(), rest);
        if scheme.is_empty()
            || !scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
        {
            return Err(invalid("the scheme must be letters and digits"));
        }
        if FILE_SCHEMES.contains(&scheme.as_str()) {
            let (path, query) = match rest.split_once('?') {
                Some((p, q)) => (p, Some(q)),
                None => (rest, None),
            };
            if path.is_empty() {
                return Err(invalid("missing file path (absolute paths take three slashes: `sqlite:///var/data/app.db`)"));
            }
            let path = percent_decode_str(path)
                .decode_utf8()
                .map_err(|_| invalid("the path is not valid UTF-8 once percent-decoded"))?;
            return Ok(DatabaseUrl {
                scheme,
                location: Location::File(PathBuf::from(path.as_ref())),
                user: None,
                password: None,
                database: None,
                params: parse_query(query.unwrap_or("")),
            });
        }
        // The `url` crate does the RFC 3986 work for network URLs; we only read its parts.
        let parsed = url::Url::parse(raw).map_err(|e| invalid(&e.to_string()))?;
        // PostgreSQL and MySQL clients find a host in the environment (`PGHOST`, `~/.my.cnf`)
        // or default to the local server, so their URLs may leave it out: `postgres:///shop`.
        let host_optional = CLIENT_DEFAULT_SCHEMES.contains(&scheme.as_str());
        let host = match parsed.host_str().filter(|h| !h.is_empty()) {
            Some(h) => h.trim_start_matches('[').trim_end_matches(']').to_owned(),
            None if host_optional => String::new(),
            None => return Err(invalid("missing host")),
        };
        let decode = |s: &str| -> Result<String, Error> {
            percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| invalid("a part is not valid UTF-8 once percent-decoded"))
        };
        let user = match parsed.username() {
            "" => None,
            u => Some(decode(u)?),
        };
        let password = match parsed.password() {
            None => None,
            Some(p) => Some(Secret(decode(p)?)),
        };
        let db = parsed.path().trim_start_matches('/');
        let database = if db.is_empty() {
            None
        } else {
            Some(decode(db)?)
        };
        Ok(DatabaseUrl {
            scheme,
            location: Location::Server {
                host,
                port: parsed.port(),
            },
            user,
            password,
            database,
            params: parse_query(parsed.query().unwrap_or("")),
        })
    }

    /// Host and port (or file path) for messages: never credentials.
    pub fn target(&self) -> String {
        match &self.location {
            Location::Server { port: Some(p), .. } => {
                format!("{}:{p}", self.host().unwrap_or("localhost"))
            }
            Location::Server { port: None, .. } => self.host().unwrap_or("localhost").to_owned(),
            Location::File(p) => p.display().to_string(),
        }
    }

    /// The password, or an empty secret.
    pub fn secret(&self) -> Secret {
        self.password.clone().unwrap_or_default()
    }

    /// Host (servers) or `None` (files).
    /// An empty host (left for the environment to fill) is `None`: drivers use their default.
    pub fn host(&self) -> Option<&str> {
        match &self.location {
            Location::Server { host, .. } if !host.is_empty() => Some(host),
            _ => None,
        }
    }

    /// The port, or `default`.
    pub fn port_or(&self, default: u16) -> u16 {
        match &self.location {
            Location::Server { port: Some(p), .. } => *p,
            _ => default,
        }
    }
}

/// The engine a connection URL or a bare database file path names, read from its scheme
/// alone (the rest need not parse): the scheme lower-cased without a driver suffix
/// (`postgresql` for `postgresql+psycopg://…`; aliases stay as written: `pg`, `mariadb`), or for a
/// path without one, `sqlite` (`*.db`, `*.sqlite`, `*.sqlite3`) or `duckdb` (`*.duckdb`).
/// `None` when neither tells. See [`crate::engine_for_url`] for the engine itself.
pub fn url_engine_name(raw: &str) -> Option<String> {
    match raw.split_once(':') {
        Some((scheme, _)) if !scheme.contains('/') && !scheme.contains('\\') => {
            let scheme = scheme.to_ascii_lowercase();
            Some(scheme.split('+').next().unwrap_or(&scheme).to_owned())
        }
        _ => {
            let lower = raw.to_ascii_lowercase();
            let sqlite = [".db", ".sqlite", ".sqlite3"]
                .iter()
                .any(|ext| lower.ends_with(ext));
            let name = if sqlite {
                "sqlite"
            } else if lower.ends_with(".duckdb") {
                "duckdb"
            } else {
                return None;
            };
            Some(name.to_owned())
        }
    }
}

/// Split `scheme://rest`; also the single-colon file forms other tools accept
/// (`sqlite:shop.db`, `sqlite::memory:`, `duckdb:/abs/x.duckdb`).
fn split_scheme(raw: &str) -> Option<(&str, &str)> {
    if let Some(parts) = raw.split_once("://") {
        return Some(parts);
    }
    let (scheme, rest) = raw.split_once(':')?;
    let lower = scheme.to_ascii_lowercase();
    let file_like = FILE_SCHEMES.contains(&lower.as_str()) || lower == "sqlite3";
    (file_like && !rest.is_empty()).then_some((scheme, rest))
}

/// The scheme spellings people paste from other tools, mapped to ours: SQLAlchemy's driver
/// suffix (`postgresql+psycopg`, `mysql+pymysql`), `sqlite3`, and `file://` (by extension).
fn canonical_scheme(scheme: &str, rest: &str) -> String {
    let base = scheme.split_once('+').map_or(scheme, |(b, _)| b);
    match base {
        "sqlite3" => "sqlite".to_owned(),
        "file" => {
            let path = rest.split('?').next().unwrap_or(rest).to_ascii_lowercase();
            if path.ends_with(".duckdb") || path.ends_with(".ddb") {
                "duckdb".to_owned()
            } else {
                "sqlite".to_owned()
            }
        }
        other => other.to_owned(),
    }
}

fn parse_query(q: &str) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(q.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Mask the password in a URL that may not even parse: everything between the first `:` after
/// `://` and the last `@` before the path.
fn mask_raw(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        // No authority: nothing that looks like credentials can be told apart; show nothing.
        return if raw.contains('@') {
            "***".to_owned()
        } else {
            raw.to_owned()
        };
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, hostport)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            if userinfo.contains(':') {
                format!("{scheme}://{user}:***@{hostport}{tail}")
            } else {
                format!("{scheme}://{user}@{hostport}{tail}")
            }
        }
        None => raw.to_owned(),
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://", self.scheme)?;
        match &self.location {
            Location::File(p) => write!(f, "{}", p.display())?,
            Location::Server { host, port } => {
                if let Some(u) = &self.user {
                    write!(f, "{u}")?;
                    if self.password.is_some() {
                        f.write_str(":***")?;
                    }
                    f.write_str("@")?;
                }
                if host.contains(':') {
                    write!(f, "[{host}]")?;
                } else {
                    f.write_str(host)?;
                }
                if let Some(p) = port {
                    write!(f, ":{p}")?;
                }
                if let Some(db) = &self.database {
                    write!(f, "/{db}")?;
                }
            }
        }
        if !self.params.is_empty() {
            let q: Vec<String> = self
                .params
                .iter()
                .map(|(k, v)| {
                    if k.contains("password") || k.contains("secret") || k.contains("token") {
                        format!("{k}=***")
                    } else {
                        format!("{k}={v}")
                    }
                })
                .collect();
            write!(f, "?{}", q.join("&"))?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_name_is_read_from_the_scheme_or_the_file_extension() {
        for (raw, name) in [
            (
                "postgresql+psycopg://u:p@h/db",
                Some("postgresql".to_owned()),
            ),
            ("MySQL://h/db", Some("mysql".to_owned())),
            ("sqlite:shop.db", Some("sqlite".to_owned())),
            ("/tmp/shop.sqlite3", Some("sqlite".to_owned())),
            ("./x.duckdb", Some("duckdb".to_owned())),
            ("/tmp/notes.txt", None),
        ] {
            assert_eq!(url_engine_name(raw), name, "{raw}");
        }
    }

    #[test]
    fn file_urls_take_the_rest_as_path() {
        let u = DatabaseUrl::parse("sqlite:///var/data/app.db").unwrap();
        assert_eq!(u.location, Location::File("/var/data/app.db".into()));
        let u = DatabaseUrl::parse("duckdb://rel/x.duckdb?threads=1").unwrap();
        assert_eq!(u.location, Location::File("rel/x.duckdb".into()));
        assert_eq!(u.params["threads"], "1");
        let u = DatabaseUrl::parse("sqlite:///tmp/a%20b.db").unwrap();
        assert_eq!(u.location, Location::File("/tmp/a b.db".into()));
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    /// Regression: `sqlite3:///x.db`, `file:///x.db`, `postgresql+psycopg://…` and
    /// `sqlite:shop.db` were refused although other tools accept them.
    #[test]
    fn spellings_from_other_tools_are_understood() {
        for (raw, scheme, path) in [
            ("sqlite3:///tmp/x.db", "sqlite", "/tmp/x.db"),
            ("file:///tmp/x.db", "sqlite", "/tmp/x.db"),
            ("file:///tmp/x.duckdb", "duckdb", "/tmp/x.duckdb"),
            ("sqlite:shop.db", "sqlite", "shop.db"),
            ("sqlite:/abs/shop.db", "sqlite", "/abs/shop.db"),
            ("SQLite::memory:", "sqlite", ":memory:"),
            ("sqlite+pysqlite:///tmp/x.db", "sqlite", "/tmp/x.db"),
        ] {
            let u = DatabaseUrl::parse(raw).unwrap();
            assert_eq!(u.scheme, scheme, "{raw}");
            assert_eq!(u.location, Location::File(path.into()), "{raw}");
        }
        let u = DatabaseUrl::parse("postgresql+psycopg://al@db:5433/app").unwrap();
        assert_eq!(u.scheme, "postgresql");
        assert_eq!(u.target(), "db:5433");
        assert_eq!(
            DatabaseUrl::parse("mysql+pymysql://r@h/d").unwrap().scheme,
            "mysql"
        );
        let e = DatabaseUrl::parse("shop.db").unwrap_err().to_string();
        assert!(e.contains("sqlite:///abs/path.db"), "{e}");
    }

    #[test]
    fn network_urls_are_decoded() {
        let u =
            DatabaseUrl::parse("postgres://al%40ice:p%3Ass@db.local:5433/my%20db?sslmode=disable")
                .unwrap();
        assert_eq!(u.user.as_deref(), Some("al@ice"));
        assert_eq!(u.password.as_ref().unwrap().expose(), "p:ss");
        assert_eq!(u.database.as_deref(), Some("my db"));
        assert_eq!(u.port_or(5432), 5433);
        assert_eq!(u.target(), "db.local:5433");
        let u = DatabaseUrl::parse("clickhouse://127.0.0.1:8123/default").unwrap();
        assert_eq!(u.port_or(0), 8123);
        assert_eq!(u.database.as_deref(), Some("default"));
    }

    #[test]
    fn passwords_never_print() {
        let raw = "mysql://root:hunter2secret@127.0.0.1:3306/db?password=hunter2secret";
        let u = DatabaseUrl::parse(raw).unwrap();
        for s in [
            format!("{u}"),
            format!("{u:?}"),
            format!("{:?}", u.password),
        ] {
            assert!(!s.contains("hunter2secret"), "{s}");
        }
        assert_eq!(
            format!("{u}"),
            "mysql://root:***@127.0.0.1:3306/db?password=***"
        );
        // Unparsable URLs are masked too.
        let e = DatabaseUrl::parse("postgres://u:hunter2secret@[bad/db").unwrap_err();
        assert!(!e.to_string().contains("hunter2secret"), "{e}");
        assert!(e.to_string().contains("u:***@"), "{e}");
    }

    #[test]
    fn redact_masks_plain_and_encoded_forms() {
        let s = Secret::new("p@ss word");
        assert_eq!(
            s.redact("bad p@ss word and p%40ss%20word"),
            "bad *** and ***"
        );
        assert_eq!(Secret::default().redact("x"), "x");
    }
}
