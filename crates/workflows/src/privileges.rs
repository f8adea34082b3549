//! What the connected role may do beyond reading, said at start (`mcp serve` warns on stderr
//! and in the `initialize` instructions; `--require-read-only-role` refuses to start).
//!
//! The read-only transaction holds whatever the role, but a role that can write, read server
//! files or signal other sessions is one bug away from doing so: the recommended role (see
//! the README) can do none of it.
//! - PostgreSQL: superuser, `BYPASSRLS`, membership of `pg_read_server_files`,
//!   `pg_write_server_files` or `pg_signal_backend`, and INSERT/UPDATE/DELETE/TRUNCATE on
//!   any table outside the system schemas.
//! - MariaDB/MySQL: `ALL PRIVILEGES`, `SUPER`, `FILE`, `PROCESS`, `SHUTDOWN`, `GRANT OPTION`,
//!   and any write or DDL grant (`SHOW GRANTS`).
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

/// Privileges in `SHOW GRANTS` that go beyond reading.
const MYSQL_RISKY: &[&str] = &[
    "ALL PRIVILEGES",
    "SUPER",
    "FILE",
    "PROCESS",
    "SHUTDOWN",
    "GRANT OPTION",
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "DROP",
    "ALTER",
    "EXECUTE",
    "RELOAD",
    "EVENT",
    "TRIGGER",
    "CONNECTION ADMIN",
    "BINLOG ADMIN",
];

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
                let mut found: Vec<&str> = MYSQL_RISKY
                    .iter()
                    .copied()
                    .filter(|p| grants.iter().any(|g| grant_has(g, p)))
                    .collect();
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

/// Does the privilege list of `GRANT … ON` name `privilege` (as a whole word)?
fn grant_has(grant: &str, privilege: &str) -> bool {
    let list = grant
        .strip_prefix("GRANT ")
        .and_then(|g| g.split(" ON ").next())
        .unwrap_or("");
    let grant_option = privilege == "GRANT OPTION" && grant.contains("WITH GRANT OPTION");
    grant_option
        || list
            .split(',')
            .map(|p| p.trim().split('(').next().unwrap_or("").trim())
            .any(|p| p == privilege)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_are_read_by_whole_privilege() {
        let g = "GRANT SELECT, INSERT ON `shop`.* TO `app`@`%`";
        assert!(grant_has(g, "INSERT"));
        assert!(!grant_has(g, "DELETE"));
        assert!(!grant_has(
            "GRANT SELECT ON `create`.* TO `x`@`%`",
            "CREATE"
        ));
        assert!(grant_has(
            "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION",
            "GRANT OPTION"
        ));
        assert!(grant_has(
            "GRANT UPDATE (a) ON `d`.`t` TO `x`@`%`",
            "UPDATE"
        ));
    }
}
