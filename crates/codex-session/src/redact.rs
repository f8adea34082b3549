//! Secret redaction for everything that leaves the crate as text: audit records, logs of the
//! server's stderr, error messages built from server output.
//!
//! Pattern-based, so it is a safety net, not a guarantee: it catches the shapes secrets take
//! in commands and connection strings (URL passwords, `password=…`/`PGPASSWORD=…`,
//! `--password …`, `sk-…` API keys, bearer tokens, `token=`/`api_key=` settings). It errs on
//! the side of hiding: a false positive costs a `***` in an audit line, a miss leaks a secret.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

/// What a secret is replaced with.
pub(crate) const MASK: &str = "***";

struct Patterns {
    url_password: Regex,
    key_value: Regex,
    password_flag: Regex,
    api_key: Regex,
    bearer: Regex,
}

fn patterns() -> Option<&'static Patterns> {
    static PATTERNS: OnceLock<Option<Patterns>> = OnceLock::new();
    PATTERNS
        .get_or_init(|| {
            Some(Patterns {
                // scheme://user:password@host
                url_password: Regex::new(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s:/@]*):([^\s@/]+)@").ok()?,
                // password=x, PGPASSWORD=x, "api_key": "x", token: x, MYSQL_PWD=x, secret=x
                key_value: Regex::new(
                    r#"(?i)\b([a-z0-9_\-]*(?:password|passwd|pwd|secret|token|api[_\-]?key|access[_\-]?key|auth[_\-]?key|credential)s?)(["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,'"}]+)"#,
                )
                .ok()?,
                // --password x, --token x (separate argument)
                password_flag: Regex::new(r"(?i)(--(?:password|passwd|token|api-key|secret)\s+)(\S+)").ok()?,
                // OpenAI-style API keys: sk-..., sk-proj-...
                api_key: Regex::new(r"\bsk-[A-Za-z0-9_\-]{16,}").ok()?,
                // Authorization: Bearer <token>
                bearer: Regex::new(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=\-]+").ok()?,
            })
        })
        .as_ref()
}

/// Replace every secret-looking part of `text` with `***`.
pub(crate) fn redact(text: &str) -> Cow<'_, str> {
    let Some(p) = patterns() else {
        // The patterns are constants and compile; if they ever did not, hide everything
        // rather than leak.
        return Cow::Borrowed(MASK);
    };
    let mut out = Cow::Borrowed(text);
    let mut apply = |re: &Regex, rep: &str| {
        if re.is_match(&out) {
            out = Cow::Owned(re.replace_all(&out, rep).into_owned());
        }
    };
    apply(&p.url_password, "$1:***@");
    apply(&p.password_flag, "$1***");
    apply(&p.key_value, "$1$2***");
    apply(&p.api_key, "sk-***");
    apply(&p.bearer, "$1***");
    out
}

/// Redact every string inside a JSON value, in place (keys are left alone; values under a key
/// that names a secret are masked whole).
pub(crate) fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => {
            if let Cow::Owned(r) = redact(s) {
                *s = r;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret_key(key) && v.is_string() {
                    *v = serde_json::Value::String(MASK.to_owned());
                } else {
                    redact_json(v);
                }
            }
        }
        _ => {}
    }
}

fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "api_key",
        "apikey",
        "token",
        "authorization",
    ]
    .iter()
    .any(|s| k.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_url_passwords_keeps_the_rest() {
        let r = redact("psql postgres://admin:s3cr%40t@db.internal:5432/app -c 'select 1'");
        assert_eq!(
            r,
            "psql postgres://admin:***@db.internal:5432/app -c 'select 1'"
        );
    }

    #[test]
    fn hides_password_settings_in_every_spelling() {
        for (input, secret) in [
            ("PGPASSWORD=hunter2 psql -h db", "hunter2"),
            ("mysql --password=hunter3 -e 'show tables'", "hunter3"),
            ("mysql --password hunter4", "hunter4"),
            ("dsn: host=db user=x password='hunter5' dbname=y", "hunter5"),
            (r#"{"api_key": "abc123def"}"#, "abc123def"),
            ("MYSQL_PWD=hunter6 mysql", "hunter6"),
            (
                "curl -H 'Authorization: Bearer eyJhbGciOi.abc.def' x",
                "eyJhbGciOi",
            ),
            (
                "export OPENAI_API_KEY=sk-proj-abcdefghijklmnop1234",
                "abcdefghijklmnop",
            ),
            (
                "key sk-abcdefghijklmnopqrstuv in text",
                "abcdefghijklmnopqrstuv",
            ),
        ] {
            let r = redact(input);
            assert!(!r.contains(secret), "{input} -> {r}");
            assert!(r.contains(MASK), "{input} -> {r}");
        }
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        let text = "ls -la /tmp && echo 'select count(*) from t where id = 4'";
        assert!(matches!(redact(text), Cow::Borrowed(_)));
    }

    #[test]
    fn json_values_and_secret_keys_are_masked() {
        let mut v = serde_json::json!({
            "command": ["psql", "postgresql://u:pw123@h/db"],
            "password": "plain",
            "nested": {"note": "token=abc"}
        });
        redact_json(&mut v);
        let s = v.to_string();
        assert!(
            !s.contains("pw123") && !s.contains("plain") && !s.contains("abc"),
            "{s}"
        );
    }
}
