//! Keep secrets out of explanations: every subject passes through the workspace's one
//! redactor (`xldb-redact`: URL passwords, `user/password@db` logons, `-pPASSWORD` and
//! `--password` flags, `*PASSWORD*=`/`*TOKEN*=` assignments, SQL `PASSWORD '…'`, key shapes)
//! before it reaches a finding.

use std::borrow::Cow;

/// Mask secrets in `text` (returned as is, without copying, when it holds none).
pub(crate) fn redact(text: String) -> String {
    match xldb_redact::redact_text(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(masked) => masked,
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn masks_common_secret_shapes() {
        let r = |s: &str| redact(s.to_owned());
        assert_eq!(
            r("psql postgres://u:hunter2@h/db"),
            "psql postgres://u:***@h/db"
        );
        assert_eq!(r("PGPASSWORD=hunter2 psql"), "PGPASSWORD=*** psql");
        assert_eq!(r("mysql -phunter2 -e x"), "mysql -p*** -e x");
        assert_eq!(r("sqlplus -s shop/hunter2@XE"), "sqlplus -s shop/***@XE");
        assert_eq!(r("redis-cli -a hunter2 GET k"), "redis-cli -a *** GET k");
        assert!(!r("mysql --password=hunter2").contains("hunter2"));
        assert!(!r("ALTER USER app PASSWORD 'hunter2'").contains("hunter2"));
        assert!(!r("CREATE USER u IDENTIFIED BY hunter2;").contains("hunter2"));
        assert_eq!(r("ls -la src/"), "ls -la src/");
        assert_eq!(
            r("psql -d shop -c 'SELECT 1'"),
            "psql -d shop -c 'SELECT 1'"
        );
    }
}
