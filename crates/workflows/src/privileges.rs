//! What the connected role may do beyond reading, said at start (`mcp serve` warns on stderr
//! and in the `initialize` instructions; `--require-read-only-role` refuses to start).
//!
//! The read-only transaction holds whatever the role, but a role that can write, read server
//! files or signal other sessions is one bug away from doing so: the recommended role (see
//! the README) can do none of it.
//! - PostgreSQL: superuser, `BYPASSRLS`, membership of `pg_read_server_files`,
//!   `pg_write_server_files` or `pg_signal_backend`, and INSERT/UPDATE/DELETE/TRUNCATE on
//!   any table outside the system schemas.
//! - MariaDB/MySQL: every privilege in `SHOW GRANTS` other than `USAGE`, `SELECT`,
//!   `SHOW VIEW` and `SHOW DATABASES` (`FILE`, `SUPER`, `PROCESS`, writes, DDL, …), and
//!   `GRANT OPTION`.
//! - Other engines: nothing to inspect (SQLite and DuckDB files are opened read-only).

use crate::dialect::Dialect;
use db_schema::{QueryRunner, ReadLimits};
use serde_json::Value;

const POSTGRES: &str = "SELECT r.rolsuper AS superuser, r.rolbypassrls AS bypassrls,
  pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') AS read_server_files,
  pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') AS write_server_files,
  pg_has_role(current_user, 'pg_signal_backend', 'MEMBER') AS signal_backend,
  EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\\_toast%'
            AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE')
              OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'))
  ) AS writes
FROM pg_roles r WHERE r.rolname = current_user";

/// Privileges in `SHOW GRANTS` known to allow nothing beyond reading; any other privilege
/// (`FILE`, `SUPER`, `PROCESS`, writes, DDL, `CREATE TEMPORARY TABLES`, `LOCK TABLES`, a
/// privilege a newer server adds, …) is reported.
const MYSQL_READ_ONLY: &[&str] = &["USAGE", "SELECT", "SHOW VIEW", "SHOW DATABASES"];

/// Warnings about the connected role, one line each (empty: a read-only role). A failure
/// to inspect is itself a warning.
pub async fn role_warnings(engine: Dialect, runner: &mut dyn QueryRunner) -> Vec<String> {
    let limits = ReadLimits::default();
    match engine {
        Dialect::Postgres => match runner.read_only_query(POSTGRES, &limits).await {
            Ok(r) => {
                let Some(row) = r.rows.first() else {
                    return vec!["the connected role was not found in pg_roles".into()];
                };
                let said = [
                    "is a superuser",
                    "bypasses row-level security (BYPASSRLS)",
                    "is a member of pg_read_server_files (reads any server file)",
                    "is a member of pg_write_server_files (writes any server file)",
                    "is a member of pg_signal_backend (cancels and terminates other sessions)",
                    "may INSERT, UPDATE, DELETE or TRUNCATE some tables",
                ];
                row.iter()
                    .zip(said)
                    .filter(|(v, _)| **v == Value::Bool(true))
                    .map(|(_, s)| format!("the database role {s}"))
                    .collect()
            }
            Err(e) => vec![format!("cannot inspect the role's privileges: {e}")],
        },
        Dialect::MySql => match runner.read_only_query("SHOW GRANTS", &limits).await {
            Ok(r) => {
                let grants: Vec<String> = r
                    .rows
                    .iter()
                    .filter_map(|row| row.first().and_then(Value::as_str))
                    .map(|g| g.to_ascii_uppercase())
                    .collect();
                let mut found: Vec<String> =
                    grants.iter().flat_map(|g| beyond_reading(g)).collect();
                found.sort();
                found.dedup();
                if found.is_empty() {
                    Vec::new()
                } else {
                    vec![format!(
                        "the database user has privileges beyond reading: {}",
                        found.join(", ")
                    )]
                }
            }
            Err(e) => vec![format!("cannot inspect the user's grants: {e}")],
        },
        _ => Vec::new(),
    }
}

/// The privileges of one `SHOW GRANTS` line (upper-case) that are not known to be read-only.
/// A role membership (`GRANT \`r\` TO …`, no `ON`) grants nothing by itself: an active
/// role's own grants are listed on lines of their own.
fn beyond_reading(grant: &str) -> Vec<String> {
    let Some(rest) = grant.strip_prefix("GRANT ") else {
        return Vec::new();
    };
    let Some((list, _)) = rest.split_once(" ON ") else {
        return Vec::new();
    };
    let mut out: Vec<String> = list
        .split(',')
        .map(|p| p.split('(').next().unwrap_or("").trim().to_owned())
        .filter(|p| !MYSQL_READ_ONLY.contains(&p.as_str()))
        .collect();
    if grant.contains("WITH GRANT OPTION") {
        out.push("GRANT OPTION".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_privilege_but_the_read_only_ones_is_reported() {
        assert_eq!(
            beyond_reading("GRANT SELECT, INSERT ON `SHOP`.* TO `APP`@`%`"),
            ["INSERT"]
        );
        assert!(beyond_reading("GRANT SELECT, SHOW VIEW ON `CREATE`.* TO `X`@`%`").is_empty());
        assert!(beyond_reading("GRANT USAGE ON *.* TO `X`@`%`").is_empty());
        assert_eq!(
            beyond_reading("GRANT ALL PRIVILEGES ON *.* TO `ROOT`@`LOCALHOST` WITH GRANT OPTION"),
            ["ALL PRIVILEGES", "GRANT OPTION"]
        );
        assert_eq!(
            beyond_reading(
                "GRANT UPDATE (A), CREATE TEMPORARY TABLES, LOCK TABLES ON `D`.* TO `X`@`%`"
            ),
            ["UPDATE", "CREATE TEMPORARY TABLES", "LOCK TABLES"]
        );
        assert_eq!(
            beyond_reading("GRANT FILE, SUPER ON *.* TO `X`@`%`"),
            ["FILE", "SUPER"]
        );
        assert!(beyond_reading("GRANT `READER` TO `X`@`%`").is_empty());
    }
}
