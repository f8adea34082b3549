//! The local review of an xldb_proxy TOML configuration.
//!
//! The reviewer walks the whole document rather than a fixed schema, so it keeps working on
//! configurations with extra or renamed sections. It recognizes:
//!
//! - secrets anywhere: a sensitive key (`password`, `token`, `api_key`, …) holding a literal
//!   (`plaintext-secret`, error) or a connection URL with a password (`password-in-url`, error).
//!   `${VAR}` / `env:VAR` references are the fix, not a finding;
//! - connections: any table under `connections` (or any table with `url`/`host` and an
//!   `engine`/`type`). For each: TLS off or unset for a non-loopback server (`missing-tls`),
//!   pool sizes (`pool-size`: zero, min above max, more than 100 per connection, unset),
//!   timeouts (`missing-timeout`, `timeout-disabled`, `timeout-too-long`), unknown engines;
//! - the server: a public listener without TLS (`public-listener-without-tls`), debug logging
//!   (`verbose-logging`);
//! - misspelled keys, near misses of known ones (`misspelled-key`, see `config_keys`).
//!
//! Durations are integers of seconds (`*_ms` keys in milliseconds) or strings like `"30s"`,
//! `"5m"`, `"250ms"`.

use crate::dialect::Dialect;
use crate::error::WorkflowError;
use crate::finding::{sort_findings, Finding, Location, Severity};
use crate::redact::redact_toml;
use codex_session::{is_sensitive_key, redact_text};

/// Parse a TOML configuration; the error says where (line and column) and never quotes a
/// secret.
pub fn parse_config(text: &str) -> Result<toml::Value, WorkflowError> {
    text.parse::<toml::Table>()
        .map(toml::Value::Table)
        .map_err(|e| {
            let at = e.span().map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("line {line}, column {column}: ")
            });
            WorkflowError::ConfigToml {
                message: format!(
                    "{}{}",
                    at.unwrap_or_default(),
                    redact_text(e.message().trim_end())
                ),
            }
        })
}

/// The reviewed configuration: findings plus the redacted document (what may be shown or sent).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ConfigReview {
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
    /// The configuration with every secret replaced by `***`, as TOML.
    pub redacted: String,
    /// Number of secrets redacted.
    pub secrets_redacted: usize,
}

/// Review a configuration text.
///
/// ```
/// let r = xldb_workflows::review_config("[connections.main]\nengine = \"postgres\"\nurl = \"postgres://app:pw@10.1.2.3/db\"\n").unwrap();
/// assert!(r.findings.iter().any(|f| f.rule == "password-in-url"));
/// assert!(!r.redacted.contains(":pw@"));
/// ```
pub fn review_config(text: &str) -> Result<ConfigReview, WorkflowError> {
    let doc = parse_config(text)?;
    let mut findings = crate::config_keys::misspelled_keys(&doc);
    walk(&doc, "", &mut findings);
    if let Some(t) = doc.as_table() {
        if let Some(conns) = t.get("connections").and_then(|v| v.as_table()) {
            for (name, c) in conns {
                if let Some(c) = c.as_table() {
                    review_connection(&format!("connections.{name}"), c, &mut findings);
                }
            }
        }
        for (name, v) in t {
            if name == "connections" {
                continue;
            }
            if let Some(tab) = v.as_table() {
                if looks_like_connection(tab) {
                    review_connection(name, tab, &mut findings);
                }
            }
        }
        if let Some(server) = t.get("server").and_then(|v| v.as_table()) {
            review_server(server, &mut findings);
        }
    }
    sort_findings(&mut findings);
    let mut redacted_doc = doc;
    let secrets_redacted = redact_toml(&mut redacted_doc);
    let redacted =
        toml::to_string_pretty(&redacted_doc).map_err(|e| WorkflowError::ConfigToml {
            message: redact_text(&e.to_string()).into_owned(),
        })?;
    Ok(ConfigReview {
        findings,
        redacted,
        secrets_redacted,
    })
}

fn key_path(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn finding(
    rule: &'static str,
    severity: Severity,
    key: String,
    message: String,
    suggestion: String,
) -> Finding {
    Finding {
        rule,
        severity,
        location: Location::ConfigKey { key },
        message,
        suggestion,
    }
}

fn is_env_ref(s: &str) -> bool {
    (s.starts_with("${") && s.ends_with('}')) || s.starts_with("env:")
}

fn env_name(path: &str) -> String {
    path.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn walk(v: &toml::Value, prefix: &str, out: &mut Vec<Finding>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let path = key_path(prefix, k);
                match v {
                    toml::Value::String(s)
                        if is_sensitive_key(k) && !s.is_empty() && !is_env_ref(s) =>
                    {
                        out.push(finding(
                            "plaintext-secret",
                            Severity::Error,
                            path.clone(),
                            format!("`{path}` holds a secret in plain text"),
                            format!("read it from the environment: `{k} = \"${{{}}}\"`, and remove the value from the file (and its history)", env_name(&path)),
                        ));
                    }
                    toml::Value::String(s) if redact_text(s) != *s && s.contains("://") => {
                        out.push(finding(
                            "password-in-url",
                            Severity::Error,
                            path.clone(),
                            format!("the URL in `{path}` contains a password"),
                            "drop the password from the URL and set `password = \"${ENV_VAR}\"` next to it".into(),
                        ));
                    }
                    other => walk(other, &path, out),
                }
            }
        }
        toml::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{prefix}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn looks_like_connection(t: &toml::Table) -> bool {
    (t.contains_key("url") || t.contains_key("host") || t.contains_key("dsn"))
        && (t.contains_key("engine") || t.contains_key("type") || t.contains_key("driver"))
}

/// A duration in seconds from an integer (seconds, or ms when the key ends with `_ms`) or a
/// string like `30s`, `5m`, `250ms`, `1h`.
fn duration_secs(key: &str, v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(n) if key.ends_with("_ms") => Some(*n as f64 / 1000.0),
        toml::Value::Integer(n) => Some(*n as f64),
        toml::Value::Float(f) => Some(*f),
        toml::Value::String(s) => {
            let s = s.trim();
            let split = s
                .find(|c: char| !c.is_ascii_digit() && c != '.')
                .unwrap_or(s.len());
            let (num, unit) = s.split_at(split);
            let n: f64 = num.parse().ok()?;
            let factor = match unit.trim() {
                "" | "s" | "sec" | "secs" => 1.0,
                "ms" => 0.001,
                "m" | "min" => 60.0,
                "h" => 3600.0,
                _ => return None,
            };
            Some(n * factor)
        }
        _ => None,
    }
}

fn find<'a>(t: &'a toml::Table, keys: &[&str]) -> Option<(&'a str, &'a toml::Value)> {
    t.iter()
        .find(|(k, _)| {
            keys.iter()
                .any(|want| k.as_str() == *want || k.starts_with(&format!("{want}_")))
        })
        .map(|(k, v)| (k.as_str(), v))
}

fn host_of(t: &toml::Table) -> Option<String> {
    if let Some(h) = t.get("host").and_then(|v| v.as_str()) {
        return Some(h.to_string());
    }
    let url = t.get("url").or_else(|| t.get("dsn"))?.as_str()?;
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let hostport = authority.rsplit('@').next()?;
    let host = if let Some(stripped) = hostport.strip_prefix('[') {
        stripped.split(']').next()?.to_string()
    } else {
        hostport.split(':').next()?.to_string()
    };
    Some(host)
}

fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "::1" | "") || host.starts_with("127.") || host.starts_with('/')
}

fn review_connection(path: &str, t: &toml::Table, out: &mut Vec<Finding>) {
    let engine_name = t
        .get("engine")
        .or_else(|| t.get("type"))
        .or_else(|| t.get("driver"))
        .and_then(|v| v.as_str());
    let url = t
        .get("url")
        .or_else(|| t.get("dsn"))
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let engine = match engine_name {
        Some(name) => match crate::dialect::dialect_named(name) {
            Ok(e) => Some(e),
            Err(_) => {
                out.push(finding(
                    "unknown-engine",
                    Severity::Warning,
                    key_path(path, "engine"),
                    format!("engine `{name}` is not one xldb_proxy routes to"),
                    "use one of sqlite, postgres, mysql, clickhouse, duckdb, mssql, oracle".into(),
                ));
                None
            }
        },
        None => crate::dialect::dialect_for_url(url),
    };
    let file_based = matches!(engine, Some(Dialect::Sqlite | Dialect::DuckDb));

    // TLS
    if !file_based {
        let lower_url = url.to_ascii_lowercase();
        let url_tls_on = [
            "sslmode=require",
            "sslmode=verify",
            "ssl=true",
            "ssl-mode=required",
            "ssl-mode=verify",
            "secure=true",
            "encrypt=true",
            "tls=true",
            "ssl_mode=required",
        ]
        .iter()
        .any(|p| lower_url.contains(p));
        let url_tls_off = [
            "sslmode=disable",
            "ssl=false",
            "ssl-mode=disabled",
            "secure=false",
            "encrypt=false",
            "tls=false",
        ]
        .iter()
        .any(|p| lower_url.contains(p));
        let key = find(t, &["tls", "ssl", "sslmode", "ssl_mode", "tls_mode"]);
        let key_off = key.is_some_and(|(_, v)| {
            v.as_bool() == Some(false)
                || v.as_str().is_some_and(|s| {
                    matches!(
                        s.to_ascii_lowercase().as_str(),
                        "disable" | "disabled" | "off" | "false" | "prefer" | "allow"
                    )
                })
                || v.as_table()
                    .is_some_and(|tt| tt.get("enabled").and_then(|e| e.as_bool()) == Some(false))
        });
        let host = host_of(t).unwrap_or_default();
        if !is_loopback(&host) {
            if key_off || url_tls_off {
                out.push(finding(
                    "missing-tls",
                    Severity::Error,
                    key.map_or_else(|| key_path(path, "url"), |(k, _)| key_path(path, k)),
                    format!("TLS is turned off for `{path}` (server `{host}`): credentials and data cross the network in clear"),
                    "enable TLS with certificate verification (`tls = true`, PostgreSQL `sslmode=verify-full`)".into(),
                ));
            } else if key.is_none() && !url_tls_on {
                out.push(finding(
                    "missing-tls",
                    Severity::Warning,
                    path.to_string(),
                    format!("`{path}` does not ask for TLS to `{host}`; most drivers then connect in clear or only opportunistically"),
                    "set `tls = true` (or `sslmode=verify-full` in the URL)".into(),
                ));
            }
        }
    }

    // pool sizes
    let max = find(
        t,
        &[
            "pool_max",
            "max_pool_size",
            "pool_size",
            "max_connections",
            "max_pool",
        ],
    );
    let min = find(
        t,
        &["pool_min", "min_pool_size", "min_connections", "min_idle"],
    );
    match max {
        None if !file_based => out.push(finding(
            "pool-size",
            Severity::Info,
            path.to_string(),
            format!("`{path}` has no pool size; the default may not match the database's connection limit"),
            "set `pool_max` (about 2–4 × the database server's cores, below its `max_connections`)".into(),
        )),
        Some((k, v)) => match v.as_integer() {
            Some(0) => out.push(finding("pool-size", Severity::Error, key_path(path, k), format!("`{k} = 0`: no query can ever get a connection"), "set it to at least 1 (typically 10–50)".into())),
            Some(n) if n > 100 => out.push(finding("pool-size", Severity::Warning, key_path(path, k), format!("`{k} = {n}` connections from one proxy; databases degrade well before that many concurrent sessions"), "keep it below 100 (2–4 × the server's cores) and queue in the proxy instead".into())),
            Some(n) => {
                if let Some((mk, mv)) = min {
                    if let Some(m) = mv.as_integer().filter(|m| *m > n) {
                        out.push(finding("pool-size", Severity::Error, key_path(path, mk), format!("`{mk} = {m}` is above `{k} = {n}`"), format!("set `{mk}` at most `{n}`")));
                    }
                }
            }
            None => {}
        },
        None => {}
    }

    // timeouts
    for (kind, keys, limit) in [
        (
            "connect",
            &["connect_timeout", "connection_timeout"][..],
            60.0,
        ),
        (
            "query",
            &["query_timeout", "statement_timeout", "request_timeout"][..],
            3600.0,
        ),
    ] {
        match find(t, keys) {
            None if !file_based || kind == "query" => out.push(finding(
                "missing-timeout",
                Severity::Warning,
                path.to_string(),
                format!(
                    "`{path}` has no {kind} timeout: a stuck {} holds a connection forever",
                    if kind == "connect" { "server" } else { "query" }
                ),
                format!(
                    "set `{}_secs` (e.g. {})",
                    keys[0],
                    if kind == "connect" { 5 } else { 30 }
                ),
            )),
            Some((k, v)) => match duration_secs(k, v) {
                Some(s) if s <= 0.0 => out.push(finding(
                    "timeout-disabled",
                    Severity::Warning,
                    key_path(path, k),
                    format!("`{k}` is 0, which disables the {kind} timeout"),
                    format!("set a positive {kind} timeout"),
                )),
                Some(s) if s > limit => out.push(finding(
                    "timeout-too-long",
                    Severity::Info,
                    key_path(path, k),
                    format!(
                        "`{k}` is {s:.0} s; that long a {kind} timeout rarely protects anything"
                    ),
                    format!("keep {kind} timeouts under {limit:.0} s"),
                )),
                _ => {}
            },
            None => {}
        }
    }
}

fn review_server(t: &toml::Table, out: &mut Vec<Finding>) {
    let listen = t
        .get("listen")
        .or_else(|| t.get("bind"))
        .or_else(|| t.get("address"))
        .and_then(|v| v.as_str());
    let tls = find(t, &["tls", "ssl"]);
    let tls_on = tls.is_some_and(|(_, v)| {
        v.as_bool() != Some(false)
            && v.as_table()
                .is_none_or(|tt| tt.get("enabled").and_then(|e| e.as_bool()) != Some(false))
    });
    if let Some(l) = listen {
        let host = l
            .rsplit_once(':')
            .map_or(l, |(h, _)| h)
            .trim_matches(['[', ']']);
        if matches!(host, "0.0.0.0" | "::" | "*" | "") && !tls_on {
            out.push(finding(
                "public-listener-without-tls",
                Severity::Warning,
                "server.listen".into(),
                format!("the proxy listens on `{l}` (every interface) without TLS"),
                "bind to 127.0.0.1 behind a TLS terminator, or configure `[server.tls]` with `cert` and `key`".into(),
            ));
        }
    }
    if let Some(level) = t.get("log_level").and_then(|v| v.as_str()) {
        if matches!(level.to_ascii_lowercase().as_str(), "debug" | "trace") {
            out.push(finding(
                "verbose-logging",
                Severity::Info,
                "server.log_level".into(),
                format!(
                    "`log_level = \"{level}\"` may log query parameters and is slow under load"
                ),
                "use `info` in production".into(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BAD: &str = r#"
[server]
listen = "0.0.0.0:7878"
log_level = "debug"

[connections.orders]
engine = "postgres"
url = "postgres://app:hunter2@10.0.0.5:5432/orders?sslmode=disable"
pool_max = 500
pool_min = 10
query_timeout_secs = 0

[connections.analytics]
engine = "clickhouse"
host = "ch.internal"
password = "s3cret"
pool_max = 0
connect_timeout = "5s"
query_timeout = "2h"

[connections.local]
engine = "sqlite"
url = "sqlite:///var/lib/xldb/local.db"
query_timeout_secs = 10
"#;

    fn rules_at(r: &ConfigReview, rule: &str) -> Vec<String> {
        r.findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.location.to_string())
            .collect()
    }

    #[test]
    fn the_bad_config_has_every_problem() {
        let r = review_config(BAD).unwrap();
        assert_eq!(
            rules_at(&r, "password-in-url"),
            ["key `connections.orders.url`"]
        );
        assert_eq!(
            rules_at(&r, "plaintext-secret"),
            ["key `connections.analytics.password`"]
        );
        assert_eq!(rules_at(&r, "missing-tls").len(), 2, "{:#?}", r.findings);
        assert!(r
            .findings
            .iter()
            .any(|f| f.rule == "missing-tls" && f.severity == Severity::Error));
        assert_eq!(rules_at(&r, "pool-size").len(), 2);
        assert_eq!(
            rules_at(&r, "timeout-disabled"),
            ["key `connections.orders.query_timeout_secs`"]
        );
        assert_eq!(
            rules_at(&r, "timeout-too-long"),
            ["key `connections.analytics.query_timeout`"]
        );
        assert_eq!(
            rules_at(&r, "missing-timeout"),
            ["key `connections.orders`"]
        );
        assert_eq!(rules_at(&r, "public-listener-without-tls").len(), 1);
        assert_eq!(rules_at(&r, "verbose-logging").len(), 1);
        // the sqlite connection needs neither TLS nor a pool
        assert!(
            !r.findings
                .iter()
                .any(|f| f.location.to_string().contains("connections.local")),
            "{:#?}",
            r.findings
        );
        assert_eq!(r.findings[0].severity, Severity::Error);
    }

    #[test]
    fn the_redacted_document_has_no_secret_and_still_parses() {
        let r = review_config(BAD).unwrap();
        assert!(
            !r.redacted.contains("hunter2") && !r.redacted.contains("s3cret"),
            "{}",
            r.redacted
        );
        assert_eq!(r.secrets_redacted, 2);
        parse_config(&r.redacted).unwrap();
        for f in &r.findings {
            assert!(!f.to_string().contains("hunter2") && !f.to_string().contains("s3cret"));
        }
    }

    #[test]
    fn a_good_config_is_clean() {
        let good = r#"
[server]
listen = "127.0.0.1:7878"
[connections.orders]
engine = "postgres"
url = "postgres://app@10.0.0.5/orders?sslmode=verify-full"
password = "${ORDERS_PASSWORD}"
pool_min = 2
pool_max = 20
connect_timeout_secs = 5
query_timeout_secs = 30
"#;
        let r = review_config(good).unwrap();
        assert!(r.findings.is_empty(), "{:#?}", r.findings);
    }

    #[test]
    fn invalid_toml_is_a_typed_error_without_the_secret() {
        let err = review_config("password = \"hunter2\nx = [").unwrap_err();
        assert!(matches!(err, WorkflowError::ConfigToml { .. }));
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    /// Regression: a malformed file said what was wrong but not where.
    #[test]
    fn toml_errors_say_line_and_column() {
        let err = parse_config("[server]\nlisten = \"0.0.0.0\"\npool = = 3\n").unwrap_err();
        assert!(err.to_string().contains("line 3, column 8: "), "{err}");
    }

    #[test]
    fn durations() {
        assert_eq!(
            duration_secs("t", &toml::Value::String("250ms".into())),
            Some(0.25)
        );
        assert_eq!(
            duration_secs("t_ms", &toml::Value::Integer(1500)),
            Some(1.5)
        );
        assert_eq!(
            duration_secs("t", &toml::Value::String("5m".into())),
            Some(300.0)
        );
        assert_eq!(
            duration_secs("t", &toml::Value::String("5 parsecs".into())),
            None
        );
    }
}
