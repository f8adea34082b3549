//! Real schemas no one here wrote, taken from Debian packages at install time (never
//! committed): `install_zabbix_schemas` in scripts/deps.sh (run by `scripts/test.sh`) unpacks
//! the Zabbix 6.0 schema of each engine from Debian's `zabbix-server-pgsql`,
//! `zabbix-server-mysql` and `zabbix-proxy-sqlite3` into `.deps/real-schemas/zabbix-6.0/` and
//! exports `XLDB_REAL_SCHEMAS`. A test that needs one calls [`zabbix_schema`]; when it is
//! missing the test fails with a message that says how to install it, never skips.

use crate::codex::repo_root;
use std::path::PathBuf;
use std::process::Command;

/// The engines Zabbix ships a schema for, as the file names under `.deps/real-schemas/zabbix-6.0/`.
pub const ZABBIX_ENGINES: [&str; 3] = ["postgresql", "mysql", "sqlite"];

/// The Zabbix 6.0 schema (DDL text) for `engine` (one of [`ZABBIX_ENGINES`]), or an error that
/// says how to install it.
///
/// Looks in `$XLDB_REAL_SCHEMAS/zabbix-6.0/`, else in `.deps/real-schemas/zabbix-6.0/` at the
/// repository root; the file is gzip-compressed as Debian ships it (read with `gzip -dc`).
pub fn zabbix_schema(engine: &str) -> anyhow::Result<String> {
    anyhow::ensure!(
        ZABBIX_ENGINES.contains(&engine),
        "Zabbix ships no schema for `{engine}`"
    );
    let dir = std::env::var_os("XLDB_REAL_SCHEMAS")
        .map_or_else(|| repo_root().join(".deps/real-schemas"), PathBuf::from);
    let path = dir.join("zabbix-6.0").join(format!("{engine}.sql.gz"));
    anyhow::ensure!(
        path.is_file(),
        "the real Zabbix schema `{}` is missing: run `scripts/test.sh` (it installs it), or \
         `source scripts/deps.sh; install_zabbix_schemas` (it takes it from Debian's Zabbix packages)",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_engine_is_an_error() {
        let err = zabbix_schema("oracle").unwrap_err().to_string();
        assert!(err.contains("`oracle`"), "{err}");
    }

    #[test]
    fn every_engine_has_its_schema_installed() {
        for engine in ZABBIX_ENGINES {
            let ddl = zabbix_schema(engine).unwrap_or_else(|e| panic!("{e:#}"));
            let tables = ddl.matches("CREATE TABLE").count();
            assert!(tables >= 170, "{engine}: {tables} tables");
        }
    }
}
