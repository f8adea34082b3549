//! Real schemas no one here wrote, taken from Debian packages at install time (never
//! committed): `install_real_schemas` in scripts/deps.sh (run by `scripts/test.sh`) unpacks
//! each [`RealSchema`]'s DDL for PostgreSQL, MySQL/MariaDB and SQLite from its Debian packages
//! into `.deps/real-schemas/<name>/<engine>.sql.gz` and exports `XLDB_REAL_SCHEMAS`. A test that
//! needs one calls [`RealSchema::ddl`]; when it is missing the test fails with a message that
//! says how to install it, never skips.

use crate::codex::repo_root;
use std::path::PathBuf;
use std::process::Command;

/// A real schema, shipped by Debian for each of [`ENGINES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RealSchema {
    /// Zabbix 6.0 (`zabbix-server-pgsql`, `zabbix-server-mysql`, `zabbix-proxy-sqlite3`):
    /// 173 tables, 226 foreign keys, 234 indexes, generated for each engine alike.
    Zabbix,
    /// PowerDNS 4.7 (`pdns-backend-pgsql`, `-mysql`, `-sqlite3`): 7 tables written by hand per
    /// engine, with checks, an operator class, serial and rowid keys, Latin-1 and binary
    /// collations; the MySQL schema with PowerDNS's optional foreign keys applied.
    PowerDns,
}

/// The engines, as the file names under `.deps/real-schemas/<name>/`.
pub const ENGINES: [&str; 3] = ["postgresql", "mysql", "sqlite"];

impl RealSchema {
    /// The folder name under `.deps/real-schemas/`.
    pub fn name(self) -> &'static str {
        match self {
            RealSchema::Zabbix => "zabbix-6.0",
            RealSchema::PowerDns => "powerdns-4.7",
        }
    }

    /// The DDL text for `engine` (one of [`ENGINES`]), or an error that says how to install it.
    ///
    /// Looks in `$XLDB_REAL_SCHEMAS/<name>/`, else in `.deps/real-schemas/<name>/` at the
    /// repository root; the file is gzip-compressed (read with `gzip -dc`).
    pub fn ddl(self, engine: &str) -> anyhow::Result<String> {
        anyhow::ensure!(
            ENGINES.contains(&engine),
            "there is no real schema for `{engine}`"
        );
        let dir = std::env::var_os("XLDB_REAL_SCHEMAS")
            .map_or_else(|| repo_root().join(".deps/real-schemas"), PathBuf::from);
        let path = dir.join(self.name()).join(format!("{engine}.sql.gz"));
        anyhow::ensure!(
            path.is_file(),
            "the real schema `{}` is missing: run `scripts/test.sh` (it installs it), or \
             `source scripts/deps.sh; install_real_schemas` (it takes it from Debian's packages)",
            path.display()
        );
        let out = Command::new("gzip")
            .arg("-dc")
            .arg(&path)
            .output()
            .map_err(|e| anyhow::anyhow!("`gzip` could not run (Debian package `gzip`): {e}"))?;
        anyhow::ensure!(
            out.status.success(),
            "`gzip -dc {}` failed: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
        Ok(String::from_utf8(out.stdout)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_engine_is_an_error() {
        let err = RealSchema::Zabbix.ddl("oracle").unwrap_err().to_string();
        assert!(err.contains("`oracle`"), "{err}");
    }

    #[test]
    fn every_schema_is_installed_for_every_engine() {
        for (schema, least) in [(RealSchema::Zabbix, 170), (RealSchema::PowerDns, 7)] {
            for engine in ENGINES {
                let ddl = schema.ddl(engine).unwrap_or_else(|e| panic!("{e:#}"));
                let tables = ddl.matches("CREATE TABLE").count();
                assert!(tables >= least, "{schema:?} on {engine}: {tables} tables");
            }
        }
    }
}
