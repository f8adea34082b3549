//! Keep secrets out of explanations: passwords in URLs, `user/password@db` logons,
//! `-p<password>`/`--password=…` flags and `*PASSWORD*=`/`*TOKEN*=` assignments are masked
//! before any subject reaches a finding.

use regex::Regex;
use std::sync::OnceLock;

fn patterns() -> &'static [(Regex, &'static str, &'static str)] {
    static P: OnceLock<Vec<(Regex, &'static str, &'static str)>> = OnceLock::new();
    P.get_or_init(|| {
        let specs: [(&str, &str, &str); 7] = [
            // SQL: PASSWORD 'x', IDENTIFIED BY 'x' / "x" / x
            (
                r"(?i)(?P<a>\b(?:PASSWORD|IDENTIFIED\s+BY)\s+)(?:'[^']*'|\x22[^\x22]*\x22|[^\s;]+)",
                "$a***",
                "",
            ),
            // scheme://user:password@host
            (r"(?P<a>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)[^@\s]+(?P<b>@)", "$a***$b", ""),
            // key=value secrets (env assignments, conninfo, flags)
            (
                r"(?i)(?P<a>\b[A-Z0-9_]*(?:PASSWORD|PASSWD|PWD|TOKEN|SECRET|API_KEY)[A-Z0-9_]*\s*[=:]\s*)(?:'[^']*'|\x22[^\x22]*\x22|\S+)",
                "$a***",
                "",
            ),
            // --password value / --password=value
            (r"(?P<a>--pass(?:word)?[= ])\S+", "$a***", ""),
            // mysql -pSECRET (attached form)
            (r"(?P<a>(?:^|\s)-p)[^\s-]\S*", "$a***", "mysql"),
            // sqlplus user/password@db and user/password
            (r"(?P<a>(?:^|\s)[A-Za-z0-9_$#]+/)[^\s@/]+(?P<b>@\S+)", "$a***$b", ""),
            // redis-cli -a SECRET / sqlcmd -P SECRET
            (r"(?P<a>(?:^|\s)-[aP]\s+)\S+", "$a***", ""),
        ];
        specs
            .iter()
            .filter_map(|(re, rep, need)| Regex::new(re).ok().map(|r| (r, *rep, *need)))
            .collect()
    })
}

fn contains_ignore_case(text: &str, needle: &[u8]) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Mask secrets in `text`.
pub(crate) fn redact(text: &str) -> String {
    // Cheap guards first: most subjects hold nothing that could be a secret.
    let suspicious = text.contains("://")
        || text.contains('=')
        || text.contains("--pass")
        || text.contains(" -p")
        || text.contains(" -a ")
        || text.contains(" -P ")
        || text.contains(':')
        || (text.contains('@') && text.contains('/'))
        || contains_ignore_case(text, b"password")
        || contains_ignore_case(text, b"identified");
    if !suspicious {
        return text.to_string();
    }
    let mut out = std::borrow::Cow::Borrowed(text);
    for (re, rep, need) in patterns() {
        if (need.is_empty() || out.contains(need) || out.contains("mariadb")) && re.is_match(&out) {
            out = std::borrow::Cow::Owned(re.replace_all(&out, *rep).into_owned());
        }
    }
    out.into_owned()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn masks_common_secret_shapes() {
        assert_eq!(
            redact("psql postgres://u:hunter2@h/db"),
            "psql postgres://u:***@h/db"
        );
        assert_eq!(redact("PGPASSWORD=hunter2 psql"), "PGPASSWORD=*** psql");
        assert_eq!(redact("mysql -phunter2 -e x"), "mysql -p*** -e x");
        assert_eq!(
            redact("sqlplus -s shop/hunter2@XE"),
            "sqlplus -s shop/***@XE"
        );
        assert_eq!(
            redact("redis-cli -a hunter2 GET k"),
            "redis-cli -a *** GET k"
        );
        assert!(!redact("mysql --password=hunter2").contains("hunter2"));
        assert_eq!(
            redact("ALTER USER app PASSWORD 'hunter2'"),
            "ALTER USER app PASSWORD ***"
        );
        assert!(!redact("CREATE USER u IDENTIFIED BY hunter2;").contains("hunter2"));
    }

    #[test]
    fn leaves_plain_commands_alone() {
        assert_eq!(redact("ls -la src/"), "ls -la src/");
        assert_eq!(
            redact("psql -d shop -c 'SELECT 1'"),
            "psql -d shop -c 'SELECT 1'"
        );
    }
}
