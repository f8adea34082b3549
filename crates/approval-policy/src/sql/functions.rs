//! Which functions a read may call: per-dialect allowlists of built-ins with no side effects.
//!
//! A statement is `allow` only when every function it calls (in expressions and as a table
//! function in `FROM`) is on its dialect's list. Everything else is `ask`, and the
//! explanation names the function ("function `purge_expired_sessions` is not a known
//! read-only built-in"): user-defined and extension functions, functions of other schemas,
//! and built-ins that write, lock, signal, sleep, read files or run SQL given as text. The
//! built-ins known to be dangerous keep their stricter verdict from
//! [`Dialect::judge_function`] (`pg_terminate_backend` is `deny`, not just `ask`).
//!
//! One file per dialect holds its table, sorted for binary search; each file's doc says
//! where the list came from (a real server's catalog where one exists here) and what was
//! removed by hand. A schema-qualified name is a built-in only in the dialect's built-in
//! schemas (`pg_catalog.` for PostgreSQL). Names follow the engine's case rules: an unquoted
//! name is folded as the engine folds it; a quoted name must already be spelled as the
//! built-in is, so PostgreSQL's `"Count"()` is not `count()`.

mod clickhouse;
mod duckdb;
mod generic;
mod mssql;
mod mysql;
mod oracle;
mod postgres;
mod sqlite;

use super::Dialect;
use crate::decision::{Decision, Risk};
use sqlparser::ast::{Ident, ObjectName};

/// Why a function call is not known to be read-only.
pub(crate) struct FunctionConcern {
    pub decision: Decision,
    pub risk: Risk,
    pub id: String,
    pub reason: String,
}

/// Judge one call of `name`; `None` when it is a known read-only built-in.
pub(crate) fn judge(dialect: Dialect, name: &ObjectName, table: bool) -> Option<FunctionConcern> {
    let shown = super::name_of(&name.to_string());
    let what = if table { "table function" } else { "function" };
    if let Some((decision, risk, why)) = dialect.judge_function(&shown) {
        return Some(FunctionConcern {
            decision,
            risk,
            id: format!("sql.function.{shown}"),
            reason: format!("{what} `{shown}`: {why}"),
        });
    }
    let parts: Option<Vec<&Ident>> = name.0.iter().map(|p| p.as_ident()).collect();
    let known = match parts.as_deref() {
        Some([f]) => is_read_only(dialect, f),
        Some([schema, f]) => is_builtin_schema(dialect, schema) && is_read_only(dialect, f),
        _ => false,
    };
    if known {
        return None;
    }
    Some(FunctionConcern {
        decision: Decision::Ask,
        risk: Risk::Medium,
        id: format!("sql.function.{shown}"),
        reason: format!("{what} `{shown}` is not a known read-only built-in"),
    })
}

/// The schemas whose functions are the engine's own.
fn is_builtin_schema(dialect: Dialect, schema: &Ident) -> bool {
    let builtin: &[&str] = match dialect {
        Dialect::Postgres => &["pg_catalog"],
        Dialect::DuckDb => &["pg_catalog"],
        Dialect::MySql
        | Dialect::Sqlite
        | Dialect::ClickHouse
        | Dialect::MsSql
        | Dialect::Oracle
        | Dialect::Generic => &[],
    };
    folded(dialect, schema).is_some_and(|s| builtin.contains(&s.as_str()))
}

/// The name as the engine resolves it, lower-cased for the tables; `None` when a quoted
/// name cannot be a built-in's spelling.
fn folded(dialect: Dialect, ident: &Ident) -> Option<String> {
    let v = &ident.value;
    match dialect {
        // Quoted identifiers are case-sensitive; built-ins are lower case.
        Dialect::Postgres | Dialect::Generic => match ident.quote_style {
            None => Some(v.to_ascii_lowercase()),
            Some(_) => (!v.bytes().any(|b| b.is_ascii_uppercase())).then(|| v.clone()),
        },
        // Unquoted names fold to upper case; built-ins are upper case.
        Dialect::Oracle => match ident.quote_style {
            None => Some(v.to_ascii_lowercase()),
            Some(_) => (!v.bytes().any(|b| b.is_ascii_lowercase())).then(|| v.to_ascii_lowercase()),
        },
        // Function names are case-insensitive, quoted or not.
        Dialect::MySql | Dialect::Sqlite | Dialect::DuckDb | Dialect::MsSql => {
            Some(v.to_ascii_lowercase())
        }
        Dialect::ClickHouse => Some(v.clone()),
    }
}

fn is_read_only(dialect: Dialect, ident: &Ident) -> bool {
    let Some(name) = folded(dialect, ident) else {
        return false;
    };
    let on = |table: &[&str], n: &str| table.binary_search(&n).is_ok();
    on(table(dialect), &name)
        || match dialect {
            Dialect::Sqlite => name
                .strip_prefix("pragma_")
                .is_some_and(super::is_read_only_pragma_name),
            Dialect::ClickHouse => on(clickhouse::CASE_INSENSITIVE, &name.to_ascii_lowercase()),
            _ => false,
        }
}

/// The allowlist of `dialect` (ClickHouse: the case-sensitive names).
pub(crate) fn table(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::Postgres => postgres::READ_ONLY,
        Dialect::MySql => mysql::READ_ONLY,
        Dialect::Sqlite => sqlite::READ_ONLY,
        Dialect::DuckDb => duckdb::READ_ONLY,
        Dialect::ClickHouse => clickhouse::READ_ONLY,
        Dialect::MsSql => mssql::READ_ONLY,
        Dialect::Oracle => oracle::READ_ONLY,
        Dialect::Generic => generic::READ_ONLY,
    }
}

/// Every table, for tests that check them against real servers.
#[cfg(test)]
pub(crate) fn tables() -> [(&'static str, &'static [&'static str]); 9] {
    [
        ("postgres", postgres::READ_ONLY),
        ("mysql", mysql::READ_ONLY),
        ("sqlite", sqlite::READ_ONLY),
        ("duckdb", duckdb::READ_ONLY),
        ("clickhouse", clickhouse::READ_ONLY),
        ("clickhouse-ci", clickhouse::CASE_INSENSITIVE),
        ("mssql", mssql::READ_ONLY),
        ("oracle", oracle::READ_ONLY),
        ("generic", generic::READ_ONLY),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::ast::ObjectNamePart;

    fn name(parts: &[(&str, Option<char>)]) -> ObjectName {
        ObjectName(
            parts
                .iter()
                .map(|(v, q)| {
                    ObjectNamePart::Identifier(Ident {
                        value: v.to_string(),
                        quote_style: *q,
                        span: sqlparser::tokenizer::Span::empty(),
                    })
                })
                .collect(),
        )
    }

    fn allowed(d: Dialect, parts: &[(&str, Option<char>)]) -> bool {
        judge(d, &name(parts), false).is_none()
    }

    #[test]
    fn tables_are_sorted_unique_and_binary_searchable() {
        for (dialect, table) in tables() {
            assert!(!table.is_empty(), "{dialect}");
            for w in table.windows(2) {
                assert!(w[0] < w[1], "{dialect}: `{}` before `{}`", w[0], w[1]);
            }
        }
    }

    #[test]
    fn no_table_lists_a_function_with_side_effects() {
        // Functions that run SQL as text, write, lock, signal, sleep or read files.
        const NEVER: [&str; 40] = [
            "ts_stat",
            "ts_rewrite",
            "query_to_xml",
            "table_to_xml",
            "cursor_to_xml",
            "database_to_xml",
            "dblink",
            "dblink_exec",
            "nextval",
            "setval",
            "set_config",
            "pg_advisory_lock",
            "pg_try_advisory_lock",
            "pg_terminate_backend",
            "pg_cancel_backend",
            "pg_read_file",
            "pg_read_binary_file",
            "pg_ls_dir",
            "pg_stat_file",
            "lo_import",
            "lo_export",
            "lo_get",
            "pg_sleep",
            "brin_summarize_new_values",
            "pg_notify",
            "txid_current",
            "load_file",
            "sleep",
            "benchmark",
            "get_lock",
            "load_extension",
            "readfile",
            "writefile",
            "query",
            "read_csv",
            "getenv",
            "url",
            "file",
            "s3",
            "remote",
        ];
        for (dialect, table) in tables() {
            for f in NEVER {
                assert!(table.binary_search(&f).is_err(), "{dialect} lists `{f}`");
            }
        }
    }

    #[test]
    fn built_ins_are_known_and_everything_else_is_not() {
        assert!(allowed(Dialect::Postgres, &[("count", None)]));
        assert!(allowed(Dialect::Postgres, &[("COUNT", None)]));
        assert!(allowed(Dialect::Postgres, &[("pg_get_indexdef", None)]));
        assert!(allowed(Dialect::Postgres, &[("format_type", None)]));
        assert!(allowed(Dialect::Postgres, &[("pg_relation_size", None)]));
        assert!(allowed(Dialect::Postgres, &[("current_database", None)]));
        assert!(allowed(
            Dialect::Postgres,
            &[("pg_catalog", None), ("lower", None)]
        ));
        // A quoted name in another case is a different (user) function.
        assert!(!allowed(Dialect::Postgres, &[("Count", Some('"'))]));
        assert!(!allowed(
            Dialect::Postgres,
            &[("purge_expired_sessions", None)]
        ));
        assert!(!allowed(
            Dialect::Postgres,
            &[("public", None), ("lower", None)]
        ));
        assert!(!allowed(
            Dialect::Postgres,
            &[("cron", None), ("schedule", None)]
        ));
        assert!(!allowed(Dialect::Postgres, &[("ts_stat", None)]));
        assert!(allowed(Dialect::ClickHouse, &[("toStartOfDay", None)]));
        assert!(allowed(Dialect::ClickHouse, &[("COUNT", None)]));
        assert!(!allowed(Dialect::ClickHouse, &[("tostartofday", None)]));
        assert!(allowed(Dialect::Oracle, &[("NVL", None)]));
        assert!(!allowed(Dialect::Oracle, &[("nvl", Some('"'))]));
        assert!(allowed(Dialect::Sqlite, &[("pragma_table_info", None)]));
        assert!(!allowed(
            Dialect::Sqlite,
            &[("pragma_writable_schema", None)]
        ));
        assert!(allowed(Dialect::MySql, &[("DATE_FORMAT", None)]));
        assert!(!allowed(Dialect::MySql, &[("get_lock", None)]));
    }

    #[test]
    fn the_explanation_names_the_unknown_function() {
        let c = judge(
            Dialect::Postgres,
            &name(&[("purge_expired_sessions", None)]),
            false,
        )
        .expect("unknown");
        assert_eq!(c.decision, Decision::Ask);
        assert_eq!(
            c.reason,
            "function `purge_expired_sessions` is not a known read-only built-in"
        );
    }
}
