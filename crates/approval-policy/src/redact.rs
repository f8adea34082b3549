//! Keep secrets out of explanations: passwords in URLs, `user/password@db` logons,
//! `-p<password>`/`--password=…` flags and `*PASSWORD*=`/`*TOKEN*=` assignments are masked
//! before any subject reaches a finding.

use regex::{Regex, RegexSet};
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

/// The guard of [`redact`] before the single-pass scan below replaced it (kept for the
/// equivalence test).
#[cfg(test)]
fn suspicious_reference(text: &str) -> bool {
    fn contains_ignore_case(text: &str, needle: &[u8]) -> bool {
        text.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    }
    text.contains("://")
        || text.contains('=')
        || text.contains("--pass")
        || text.contains(" -p")
        || text.contains(" -a ")
        || text.contains(" -P ")
        || text.contains(':')
        || (text.contains('@') && text.contains('/'))
        || contains_ignore_case(text, b"password")
        || contains_ignore_case(text, b"identified")
}

/// Can `text` hold a secret any pattern masks? One pass over the bytes: `:` or `=` anywhere,
/// `--pass`, ` -p`, ` -a `, ` -P `, `@` together with `/`, or `password` / `identified` in any
/// case. (Every pattern needs one of these, so a text without them is returned unchanged.)
fn suspicious(text: &str) -> bool {
    let b = text.as_bytes();
    let (mut at, mut slash) = (false, false);
    for (i, &c) in b.iter().enumerate() {
        let rest = &b[i..];
        match c {
            b':' | b'=' => return true,
            b'@' => at = true,
            b'/' => slash = true,
            b'-' if rest.starts_with(b"--pass") => return true,
            b'-' if i > 0
                && b[i - 1] == b' '
                && (rest.starts_with(b"-p")
                    || rest.starts_with(b"-a ")
                    || rest.starts_with(b"-P ")) =>
            {
                return true
            }
            b'p' | b'P' if rest.len() >= 8 && rest[..8].eq_ignore_ascii_case(b"password") => {
                return true
            }
            b'i' | b'I' if rest.len() >= 10 && rest[..10].eq_ignore_ascii_case(b"identified") => {
                return true
            }
            _ => {}
        }
    }
    at && slash
}

/// Regexes of all patterns at once: when none matches the text, no replacement can apply
/// (each replacement only runs on a match), so the text is returned as is.
fn any_pattern() -> Option<&'static RegexSet> {
    static S: OnceLock<Option<RegexSet>> = OnceLock::new();
    S.get_or_init(|| RegexSet::new(patterns().iter().map(|(re, _, _)| re.as_str())).ok())
        .as_ref()
}

/// Mask secrets in `text`.
pub(crate) fn redact(text: String) -> String {
    // Cheap guards first: most subjects hold nothing that could be a secret.
    if !suspicious(&text) || any_pattern().is_some_and(|set| !set.is_match(&text)) {
        return text;
    }
    let mut out = std::borrow::Cow::Borrowed(text.as_str());
    for (re, rep, need) in patterns() {
        if (need.is_empty() || out.contains(need) || out.contains("mariadb")) && re.is_match(&out) {
            out = std::borrow::Cow::Owned(re.replace_all(&out, *rep).into_owned());
        }
    }
    out.into_owned()
}

#[cfg(test)]
mod tests {
    use super::{suspicious, suspicious_reference};
    use proptest::prelude::*;

    fn redact(s: &str) -> String {
        super::redact(s.to_string())
    }

    proptest! {
        /// The one-pass guard says exactly what the seven scans it replaced said.
        #[test]
        fn guard_matches_the_scans_it_replaced(
            s in "([ a-zA-Z:=@/-]|pass|PaSsWoRd|identified|IDENTIFIE| -p| -a | -P |--pas|--pass|é){0,12}"
        ) {
            prop_assert_eq!(suspicious(&s), suspicious_reference(&s), "{:?}", s);
        }
    }

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
