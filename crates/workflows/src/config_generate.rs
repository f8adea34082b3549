//! `config generate`: an xldb_proxy configuration from a few requirements.
//!
//! The document is built as a `toml::Table` and serialized, so it always parses; the comment
//! header explains each choice. Passwords are never generated: each connection reads
//! `${XLDB_<NAME>_PASSWORD}` from the environment. The sizes follow the expected load, TLS and
//! timeouts the environment and security level. The generated file passes
//! [`review_config`](crate::review_config) without errors (a test checks it).

use crate::dialect::Dialect;
use crate::error::WorkflowError;
use serde::Serialize;
use std::fmt::Write as _;

/// Deployment environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// A developer machine.
    Development,
    /// Pre-production.
    Staging,
    /// Production.
    Production,
}

/// Low, medium or high (load, security).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

/// What the generated configuration must satisfy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirements {
    /// Deployment environment (default production).
    pub environment: Environment,
    /// Expected load (default medium).
    pub expected_load: Level,
    /// Security level (default high).
    pub security_level: Level,
    /// Engines to connect to (default postgres).
    pub databases: Vec<Dialect>,
}

impl Default for Requirements {
    fn default() -> Self {
        Requirements {
            environment: Environment::Production,
            expected_load: Level::Medium,
            security_level: Level::High,
            databases: vec![Dialect::Postgres],
        }
    }
}

fn level(item: &str, v: &str) -> Result<Level, WorkflowError> {
    match v.to_ascii_lowercase().as_str() {
        "low" => Ok(Level::Low),
        "medium" | "med" => Ok(Level::Medium),
        "high" => Ok(Level::High),
        _ => Err(WorkflowError::Requirement {
            item: item.to_string(),
            message: "expected low, medium or high".into(),
        }),
    }
}

impl Requirements {
    /// Parse `key=value` items (each item may hold several separated by `;`):
    /// `environment=development|staging|production`, `load=low|medium|high`,
    /// `security=low|medium|high`, `databases=postgres,mysql,…`.
    ///
    /// ```
    /// let r = xldb_workflows::Requirements::parse(&["environment=staging;load=high", "databases=mysql,clickhouse"]).unwrap();
    /// assert_eq!(r.databases.len(), 2);
    /// ```
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<Requirements, WorkflowError> {
        let mut r = Requirements::default();
        for item in items
            .iter()
            .flat_map(|s| s.as_ref().split(';'))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let Some((k, v)) = item.split_once('=') else {
                return Err(WorkflowError::Requirement {
                    item: item.to_string(),
                    message: "expected key=value".into(),
                });
            };
            let v = v.trim();
            match k.trim().to_ascii_lowercase().replace('-', "_").as_str() {
                "environment" | "env" => {
                    r.environment = match v.to_ascii_lowercase().as_str() {
                        "development" | "dev" => Environment::Development,
                        "staging" | "stage" => Environment::Staging,
                        "production" | "prod" => Environment::Production,
                        _ => {
                            return Err(WorkflowError::Requirement {
                                item: item.to_string(),
                                message: "expected development, staging or production".into(),
                            })
                        }
                    }
                }
                "load" | "expected_load" => r.expected_load = level(item, v)?,
                "security" | "security_level" => r.security_level = level(item, v)?,
                "databases" | "database_types" | "db" | "engines" => {
                    let mut dbs = Vec::new();
                    for name in v.split([',', '+', ' ']).filter(|s| !s.is_empty()) {
                        let e = crate::dialect::dialect_named(name)?;
                        if !dbs.contains(&e) {
                            dbs.push(e);
                        }
                    }
                    if dbs.is_empty() {
                        return Err(WorkflowError::Requirement {
                            item: item.to_string(),
                            message: "name at least one database".into(),
                        });
                    }
                    r.databases = dbs;
                }
                _ => {
                    return Err(WorkflowError::Requirement {
                        item: item.to_string(),
                        message: "known keys: environment, load, security, databases".into(),
                    })
                }
            }
        }
        Ok(r)
    }
}

fn default_port(e: Dialect) -> Option<u16> {
    match e {
        Dialect::Postgres => Some(5432),
        Dialect::MySql => Some(3306),
        Dialect::ClickHouse => Some(9440),
        Dialect::MsSql => Some(1433),
        Dialect::Oracle => Some(2484),
        Dialect::Sqlite | Dialect::DuckDb | Dialect::Generic => None,
    }
}

/// Generate a configuration (TOML text with a comment header) for `req`.
pub fn generate_config(req: &Requirements) -> String {
    let (pool_min, pool_max, max_clients, cache_mb) = match req.expected_load {
        Level::Low => (1, 5, 100, 64),
        Level::Medium => (2, 20, 500, 256),
        Level::High => (5, 50, 2000, 1024),
    };
    let query_timeout = match req.environment {
        Environment::Development => 120,
        Environment::Staging => 60,
        Environment::Production => 30,
    };
    // Only a development setup with low security may talk to its servers in clear; the
    // reviewer flags that as an error for non-loopback hosts, so those get loopback hosts.
    let tls = req.environment != Environment::Development || req.security_level >= Level::Medium;
    let host = |name: &str| {
        if tls {
            format!("{name}.internal")
        } else {
            "127.0.0.1".to_string()
        }
    };
    let verify = req.security_level == Level::High;

    let mut doc = toml::Table::new();
    let mut server = toml::Table::new();
    server.insert("listen".into(), "127.0.0.1:7878".into());
    server.insert("max_clients".into(), i64::from(max_clients).into());
    server.insert(
        "request_timeout_secs".into(),
        i64::from(query_timeout + 5).into(),
    );
    server.insert(
        "log_level".into(),
        if req.environment == Environment::Development {
            "info"
        } else {
            "warn"
        }
        .into(),
    );
    doc.insert("server".into(), server.into());

    let mut cache = toml::Table::new();
    cache.insert("enabled".into(), true.into());
    cache.insert("max_memory_mb".into(), i64::from(cache_mb).into());
    cache.insert("default_ttl_secs".into(), 60.into());
    doc.insert("cache".into(), cache.into());

    let mut conns = toml::Table::new();
    for e in &req.databases {
        let name = e.as_str();
        let mut c = toml::Table::new();
        c.insert("engine".into(), name.into());
        match default_port(*e) {
            Some(port) => {
                let url = match e {
                    Dialect::Postgres => format!(
                        "postgres://xldb@{}:{port}/app?sslmode={}",
                        host(name),
                        if !tls {
                            "prefer"
                        } else if verify {
                            "verify-full"
                        } else {
                            "require"
                        }
                    ),
                    _ => format!("{name}://xldb@{}:{port}/app", host(name)),
                };
                c.insert("url".into(), url.into());
                c.insert(
                    "password".into(),
                    format!("${{XLDB_{}_PASSWORD}}", name.to_ascii_uppercase()).into(),
                );
                c.insert("tls".into(), tls.into());
                if tls {
                    c.insert("tls_verify".into(), verify.into());
                }
                c.insert("pool_min".into(), i64::from(pool_min).into());
                c.insert("pool_max".into(), i64::from(pool_max).into());
                c.insert("connect_timeout_secs".into(), 5.into());
                c.insert("idle_timeout_secs".into(), 300.into());
            }
            None => {
                c.insert(
                    "url".into(),
                    format!("{name}:///var/lib/xldb/app.{name}").into(),
                );
            }
        }
        c.insert("query_timeout_secs".into(), i64::from(query_timeout).into());
        c.insert(
            "read_only".into(),
            (req.security_level == Level::High && req.environment == Environment::Production)
                .into(),
        );
        conns.insert(name.into(), c.into());
    }
    doc.insert("connections".into(), conns.into());

    let mut header = String::new();
    let _ = writeln!(
        header,
        "# xldb_proxy configuration generated by `xldb-codex config generate`"
    );
    let _ = writeln!(
        header,
        "# requirements: environment={:?}, load={:?}, security={:?}, databases={}",
        req.environment,
        req.expected_load,
        req.security_level,
        req.databases
            .iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join(",")
    );
    let _ = writeln!(
        header,
        "# - passwords come from the environment (XLDB_<ENGINE>_PASSWORD); never write them here"
    );
    let _ = writeln!(header, "# - pool {pool_min}..{pool_max} per connection for {:?} load; keep pool_max below the server's max_connections", req.expected_load);
    let _ = writeln!(
        header,
        "# - TLS {}{}",
        if tls { "on" } else { "off (development only)" },
        if verify {
            " with certificate verification"
        } else {
            ""
        }
    );
    let _ = writeln!(header, "# - query timeout {query_timeout} s; the listener binds loopback: put a TLS terminator in front to expose it");
    header.push('\n');
    // Serializing a table of strings, integers and booleans cannot fail; fall back to the
    // plain form if a future toml version disagrees.
    let body = toml::to_string_pretty(&doc)
        .or_else(|_| toml::to_string(&doc))
        .unwrap_or_default();
    header + &body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config_review::{parse_config, review_config};
    use crate::finding::Severity;

    #[test]
    fn every_combination_parses_and_reviews_without_errors() {
        for env in ["development", "staging", "production"] {
            for load in ["low", "medium", "high"] {
                for sec in ["low", "medium", "high"] {
                    let req = Requirements::parse(&[format!("environment={env};load={load};security={sec};databases=postgres,mysql,clickhouse,sqlite,mssql")]).unwrap();
                    let text = generate_config(&req);
                    let doc = parse_config(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
                    assert_eq!(doc["connections"].as_table().unwrap().len(), 5);
                    let review = review_config(&text).unwrap();
                    let errors: Vec<_> = review
                        .findings
                        .iter()
                        .filter(|f| f.severity == Severity::Error)
                        .collect();
                    assert!(errors.is_empty(), "{env}/{load}/{sec}: {errors:#?}\n{text}");
                    if env == "production" {
                        assert!(
                            !review.findings.iter().any(|f| f.rule == "missing-tls"),
                            "{text}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn load_sizes_the_pools() {
        let low = generate_config(&Requirements::parse(&["load=low"]).unwrap());
        let high = generate_config(&Requirements::parse(&["load=high"]).unwrap());
        assert!(low.contains("pool_max = 5"), "{low}");
        assert!(high.contains("pool_max = 50"), "{high}");
        assert!(high.contains("${XLDB_POSTGRES_PASSWORD}"));
    }

    #[test]
    fn bad_requirements_are_typed_errors() {
        assert!(matches!(
            Requirements::parse(&["load=huge"]),
            Err(WorkflowError::Requirement { .. })
        ));
        assert!(matches!(
            Requirements::parse(&["colour=blue"]),
            Err(WorkflowError::Requirement { .. })
        ));
        assert!(matches!(
            Requirements::parse(&["databases=cobol"]),
            Err(WorkflowError::UnknownEngine { .. })
        ));
        assert!(matches!(
            Requirements::parse(&["production"]),
            Err(WorkflowError::Requirement { .. })
        ));
    }
}
