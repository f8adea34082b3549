//! The seven SQL engines and what each one can do that a plain `SELECT` hides.
//!
//! One enum with capability methods (which parser, which functions have side effects, whether
//! `/*! … */` comments execute) instead of `if engine == X` checks spread through the
//! classifier. Adding an engine is one variant, one arm per method and one line in
//! [`Dialect::from_client`].

use crate::decision::{Decision, Risk};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The SQL dialect a statement is parsed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// PostgreSQL (`psql`).
    Postgres,
    /// MySQL and MariaDB (`mysql`, `mariadb`).
    MySql,
    /// SQLite (`sqlite3`).
    Sqlite,
    /// DuckDB (`duckdb`).
    DuckDb,
    /// ClickHouse (`clickhouse-client`, `clickhouse-local`).
    ClickHouse,
    /// SQL Server (`sqlcmd`).
    MsSql,
    /// Oracle (`sqlplus`).
    Oracle,
    /// Unknown engine: the generic parser and the union of every engine's dangerous functions.
    Generic,
}

impl Dialect {
    /// Every dialect, for tests and rule validation.
    pub const ALL: [Dialect; 8] = [
        Dialect::Postgres,
        Dialect::MySql,
        Dialect::Sqlite,
        Dialect::DuckDb,
        Dialect::ClickHouse,
        Dialect::MsSql,
        Dialect::Oracle,
        Dialect::Generic,
    ];

    /// The dialect a database client program speaks (`psql` → Postgres), by base name.
    pub fn from_client(program: &str) -> Option<Dialect> {
        Some(match program {
            "psql" => Dialect::Postgres,
            "mysql" | "mariadb" => Dialect::MySql,
            "sqlite3" | "sqlite" => Dialect::Sqlite,
            "duckdb" => Dialect::DuckDb,
            "clickhouse-client" | "clickhouse-local" | "clickhouse" => Dialect::ClickHouse,
            "sqlcmd" => Dialect::MsSql,
            "sqlplus" => Dialect::Oracle,
            _ => return None,
        })
    }

    /// The lower-case name used in JSON and TOML.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
            Dialect::Sqlite => "sqlite",
            Dialect::DuckDb => "duckdb",
            Dialect::ClickHouse => "clickhouse",
            Dialect::MsSql => "mssql",
            Dialect::Oracle => "oracle",
            Dialect::Generic => "generic",
        }
    }

    /// The sqlparser dialect that parses this dialect's SQL.
    pub fn parser(self) -> Box<dyn sqlparser::dialect::Dialect> {
        use sqlparser::dialect as d;
        match self {
            Dialect::Postgres => Box::new(d::PostgreSqlDialect {}),
            Dialect::MySql => Box::new(d::MySqlDialect {}),
            Dialect::Sqlite => Box::new(d::SQLiteDialect {}),
            Dialect::DuckDb => Box::new(d::DuckDbDialect {}),
            Dialect::ClickHouse => Box::new(d::ClickHouseDialect {}),
            Dialect::MsSql => Box::new(d::MsSqlDialect {}),
            Dialect::Oracle => Box::new(d::OracleDialect {}),
            Dialect::Generic => Box::new(d::GenericDialect {}),
        }
    }

    /// The built-in functions this dialect's SQL may call and still be `allow`: the
    /// allowlist of functions with no side effects, sorted, lower case (ClickHouse: as
    /// spelled, since its names are case-sensitive). For audits and for tests that check the
    /// list against a real server's catalog.
    pub fn read_only_functions(self) -> &'static [&'static str] {
        super::functions::table(self)
    }

    /// MySQL and MariaDB run the text of `/*! … */` and `/*M! … */` comments.
    pub(crate) fn executes_bang_comments(self) -> bool {
        matches!(self, Dialect::MySql | Dialect::Generic)
    }

    /// Judge a function or table function by its lower-case (possibly dotted) name:
    /// `None` for an ordinary function, else the decision, risk and why.
    pub(crate) fn judge_function(self, name: &str) -> Option<(Decision, Risk, &'static str)> {
        let last = name.rsplit('.').next().unwrap_or(name);
        let all = matches!(self, Dialect::Generic);
        let mut found = None;
        if all || self == Dialect::Postgres {
            found = found.or_else(|| postgres_function(last));
        }
        if all || self == Dialect::MySql {
            found = found.or_else(|| mysql_function(last));
        }
        if all || self == Dialect::Sqlite {
            found = found.or_else(|| sqlite_function(last));
        }
        if all || self == Dialect::DuckDb {
            found = found.or_else(|| duckdb_function(last));
        }
        if all || self == Dialect::ClickHouse {
            found = found.or_else(|| clickhouse_function(last));
        }
        if all || self == Dialect::MsSql {
            found = found.or_else(|| mssql_function(last));
        }
        if all || self == Dialect::Oracle {
            found = found.or_else(|| oracle_function(name));
        }
        found
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Dialect {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Dialect::Postgres,
            "mysql" | "mariadb" => Dialect::MySql,
            "sqlite" | "sqlite3" => Dialect::Sqlite,
            "duckdb" => Dialect::DuckDb,
            "clickhouse" => Dialect::ClickHouse,
            "mssql" | "sqlserver" | "tsql" => Dialect::MsSql,
            "oracle" => Dialect::Oracle,
            "generic" => Dialect::Generic,
            other => return Err(format!("unknown sql dialect `{other}`")),
        })
    }
}

const DENY: Decision = Decision::Deny;
const ASK: Decision = Decision::Ask;

fn postgres_function(f: &str) -> Option<(Decision, Risk, &'static str)> {
    Some(match f {
        "pg_terminate_backend" | "pg_cancel_backend" => {
            (DENY, Risk::Critical, "stops other sessions")
        }
        "pg_reload_conf"
        | "pg_rotate_logfile"
        | "pg_promote"
        | "pg_switch_wal"
        | "pg_create_restore_point"
        | "pg_start_backup"
        | "pg_stop_backup"
        | "pg_backup_start"
        | "pg_backup_stop"
        | "pg_wal_replay_pause"
        | "pg_wal_replay_resume"
        | "pg_log_backend_memory_contexts"
        | "pg_import_system_collations" => (DENY, Risk::Critical, "server administration function"),
        "pg_read_file"
        | "pg_read_binary_file"
        | "pg_ls_dir"
        | "pg_stat_file"
        | "pg_ls_logdir"
        | "pg_ls_waldir"
        | "pg_ls_tmpdir"
        | "pg_ls_archive_statusdir"
        | "pg_logdir_ls" => (DENY, Risk::High, "reads the server's file system"),
        "pg_file_write" | "pg_file_rename" | "pg_file_unlink" | "pg_file_sync" => {
            (DENY, Risk::Critical, "writes the server's file system")
        }
        "lo_import" | "lo_export" | "lo_unlink" | "lo_create" | "lo_creat" | "lo_open"
        | "lo_write" | "lo_put" | "lo_from_bytea" | "lo_truncate" | "lowrite" => (
            DENY,
            Risk::High,
            "large-object function touches files or data",
        ),
        "set_config" => (
            DENY,
            Risk::High,
            "changes server settings (e.g. read-only mode)",
        ),
        "nextval" | "setval" => (DENY, Risk::Medium, "advances or sets a sequence"),
        "txid_current" | "pg_current_xact_id" => (ASK, Risk::Medium, "assigns a transaction id"),
        "pg_sleep" | "pg_sleep_for" | "pg_sleep_until" => (ASK, Risk::Medium, "holds a session"),
        "pg_notify" | "pg_logical_emit_message" => (ASK, Risk::Medium, "sends a notification"),
        "query_to_xml" | "query_to_xml_and_xmlschema" | "query_to_xmlschema" | "cursor_to_xml" => {
            (ASK, Risk::High, "runs SQL given as a string")
        }
        _ if f.starts_with("dblink") => (DENY, Risk::High, "runs SQL on another server"),
        _ if f.starts_with("pg_advisory") || f.starts_with("pg_try_advisory") => {
            (ASK, Risk::Medium, "takes an advisory lock")
        }
        _ if f.starts_with("pg_stat_reset") || f.ends_with("_reset") => {
            (DENY, Risk::Medium, "resets statistics")
        }
        _ if f.starts_with("pg_create_")
            || f.starts_with("pg_drop_")
            || f.starts_with("pg_replication_") =>
        {
            (DENY, Risk::High, "replication administration")
        }
        _ if f.starts_with("lo_") => (ASK, Risk::Medium, "large-object function"),
        _ if f.starts_with("pg_") && !postgres_read_function(f) => (
            ASK,
            Risk::Medium,
            "server function not known to be read-only",
        ),
        _ => return None,
    })
}

fn postgres_read_function(f: &str) -> bool {
    const PREFIXES: [&str; 10] = [
        "pg_get_",
        "pg_stat_get_",
        "pg_is_",
        "pg_has_",
        "pg_size_",
        "pg_describe_",
        "pg_tablespace_",
        "pg_index",
        "pg_current_",
        "pg_last_",
    ];
    const EXACT: [&str; 26] = [
        "pg_typeof",
        "pg_relation_size",
        "pg_total_relation_size",
        "pg_table_size",
        "pg_indexes_size",
        "pg_database_size",
        "pg_column_size",
        "pg_postmaster_start_time",
        "pg_backend_pid",
        "pg_encoding_to_char",
        "pg_client_encoding",
        "pg_table_is_visible",
        "pg_function_is_visible",
        "pg_type_is_visible",
        "pg_conf_load_time",
        "pg_blocking_pids",
        "pg_jit_available",
        "pg_last_wal_receive_lsn",
        "pg_last_wal_replay_lsn",
        "pg_relation_filenode",
        "pg_relation_filepath",
        "pg_trigger_depth",
        "pg_listening_channels",
        "pg_input_is_valid",
        "pg_column_compression",
        "pg_options_to_table",
    ];
    (PREFIXES.iter().any(|p| f.starts_with(p)) && !f.starts_with("pg_current_logfile"))
        || EXACT.contains(&f)
        || f.ends_with("_is_visible")
}

fn mysql_function(f: &str) -> Option<(Decision, Risk, &'static str)> {
    Some(match f {
        "load_file" => (DENY, Risk::High, "reads a server file"),
        "sys_exec" | "sys_eval" => (DENY, Risk::Critical, "runs an operating-system command"),
        "sleep" | "benchmark" => (ASK, Risk::Medium, "holds the server busy"),
        "get_lock" | "release_lock" | "release_all_locks" => {
            (ASK, Risk::Medium, "takes a named lock")
        }
        "master_pos_wait" | "source_pos_wait" => (ASK, Risk::Medium, "waits on replication"),
        _ => return None,
    })
}

fn sqlite_function(f: &str) -> Option<(Decision, Risk, &'static str)> {
    Some(match f {
        "load_extension" => (DENY, Risk::Critical, "loads native code"),
        "writefile" | "edit" => (DENY, Risk::High, "writes a file or runs an editor"),
        "fts3_tokenizer" => (DENY, Risk::High, "registers native code"),
        "readfile" | "fsdir" | "zipfile" | "sqlar_uncompress" => {
            (ASK, Risk::Medium, "reads the file system")
        }
        _ => return None,
    })
}

fn duckdb_function(f: &str) -> Option<(Decision, Risk, &'static str)> {
    Some(match f {
        "getenv" => (ASK, Risk::High, "reads environment variables (secrets)"),
        "query" | "query_table" => (ASK, Risk::High, "runs SQL given as a string"),
        "duckdb_secrets" => (ASK, Risk::High, "lists stored secrets"),
        "glob"
        | "sniff_csv"
        | "parquet_metadata"
        | "parquet_schema"
        | "parquet_scan"
        | "parquet_file_metadata"
        | "parquet_kv_metadata"
        | "st_read"
        | "iceberg_scan"
        | "delta_scan"
        | "postgres_scan"
        | "sqlite_scan"
        | "mysql_scan"
        | "read_xlsx" => (ASK, Risk::Medium, "reads outside the database"),
        _ if f.starts_with("read_") => (
            ASK,
            Risk::Medium,
            "reads files or URLs outside the database",
        ),
        _ => return None,
    })
}

fn clickhouse_function(f: &str) -> Option<(Decision, Risk, &'static str)> {
    let lower = f.to_ascii_lowercase();
    Some(match lower.as_str() {
        "url"
        | "urlcluster"
        | "s3"
        | "s3cluster"
        | "gcs"
        | "azureblobstorage"
        | "azureblobstoragecluster"
        | "hdfs"
        | "hdfscluster"
        | "remote"
        | "remotesecure"
        | "mysql"
        | "postgresql"
        | "mongodb"
        | "redis"
        | "jdbc"
        | "odbc"
        | "deltalake"
        | "iceberg"
        | "hudi" => (DENY, Risk::High, "reaches outside the server (network)"),
        "executable" | "executablepool" => (DENY, Risk::Critical, "runs a program"),
        "file" | "filecluster" | "input" | "sqlite" => {
            (ASK, Risk::Medium, "reads files outside the database")
        }
        "sleep" | "sleepeachrow" => (ASK, Risk::Medium, "holds the server busy"),
        _ => return None,
    })
}

fn mssql_function(f: &str) -> Option<(Decision, Risk, &'static str)> {
    Some(match f {
        "openquery" | "openrowset" | "opendatasource" => (
            DENY,
            Risk::High,
            "runs a query on a linked or external source",
        ),
        _ if f.starts_with("xp_") => (DENY, Risk::Critical, "extended stored procedure"),
        _ => return None,
    })
}

fn oracle_function(name: &str) -> Option<(Decision, Risk, &'static str)> {
    let n = name.trim_start_matches("sys.");
    let pkg = n.split('.').next().unwrap_or(n);
    Some(match pkg {
        "utl_file"
        | "utl_http"
        | "utl_tcp"
        | "utl_smtp"
        | "utl_inaddr"
        | "dbms_scheduler"
        | "dbms_java"
        | "dbms_sql"
        | "dbms_pipe"
        | "dbms_lock"
        | "dbms_backup_restore" => (
            DENY,
            Risk::High,
            "package with side effects outside the query",
        ),
        _ if pkg.starts_with("dbms_") && n.contains('.') => {
            (ASK, Risk::Medium, "PL/SQL package call")
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_map_to_dialects() {
        assert_eq!(Dialect::from_client("psql"), Some(Dialect::Postgres));
        assert_eq!(Dialect::from_client("sqlplus"), Some(Dialect::Oracle));
        assert_eq!(Dialect::from_client("ls"), None);
        for d in Dialect::ALL {
            assert_eq!(d.as_str().parse::<Dialect>().unwrap(), d);
        }
    }

    #[test]
    fn read_only_functions_are_not_flagged() {
        assert!(Dialect::Postgres.judge_function("pg_size_pretty").is_none());
        assert!(Dialect::Postgres.judge_function("count").is_none());
        assert!(Dialect::Postgres
            .judge_function("pg_terminate_backend")
            .is_some());
        assert!(Dialect::Generic.judge_function("load_file").is_some());
    }
}
