//! Redaction: no secret reaches Codex, a log, an error message or the terminal.
//!
//! Every prompt the workflows render and every text they log goes through [`redact_text`];
//! TOML configurations go through [`redact_toml`] first (by key, which is more precise), then
//! through the text pass as well. The text pass is deliberately greedy: a false positive costs a
//! `***` in a prompt, a false negative leaks a password to a third party.
//!
//! What is replaced by `***`:
//! - the password of a connection URL (`postgres://user:***@host/db`);
//! - the value after a sensitive key in `key=value`, `key: value`, `"key": "value"` and
//!   `key = "value"` form (`password`, `passwd`, `pwd`, `secret`, `token`, `api_key`,
//!   `access_key`, `secret_key`, `private_key`, `client_secret`, `auth_token`, `credentials`…),
//!   which covers libpq connection strings, TOML, JSON, YAML and command-line flags;
//! - `Bearer …` authorization values and well-known key formats (`sk-…`, `AKIA…`, `ghp_…`,
//!   `xox?-…`).
//!
//! Environment references (`${VAR}`, `env:VAR`) are not secrets and are kept, so a reviewer
//! still sees that a password is wired through the environment.

use regex::{Captures, Regex};
use std::sync::LazyLock;

/// What replaces a secret.
pub const REDACTED: &str = "***";

const SENSITIVE_KEY: &str = r"(?:password|passwd|pwd|pass|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?token|access[_-]?token|refresh[_-]?token|credentials?|sslpassword)";

// The patterns are constants checked by the unit tests below; failing to compile one is a bug
// in this file, never a runtime condition, so `expect` is right here.
#[allow(clippy::expect_used)]
static URL_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b([a-z][a-z0-9+.\-]*://[^/\s:@]*):([^\s@/]+|[^\s@]+)@")
        .expect("constant regex")
});

#[allow(clippy::expect_used)]
static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"(?i)(\b{SENSITIVE_KEY}\b["']?)(\s*(?:=|:|=>)\s*)("[^"]*"|'[^']*'|[^\s&;,"'}}\]]+)"#
    ))
    .expect("constant regex")
});

#[allow(clippy::expect_used)]
static FLAG_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)(--{SENSITIVE_KEY})(\s+)([^\s-][^\s]*)")).expect("constant regex")
});

#[allow(clippy::expect_used)]
static KNOWN_TOKENS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=\-]{8,}",
        r"|\b(sk-)[A-Za-z0-9_\-]{16,}",
        r"|\b(AKIA)[0-9A-Z]{16}\b",
        r"|\b(gh[pousr]_)[A-Za-z0-9]{20,}",
        r"|\b(xox[abprs]-)[A-Za-z0-9\-]{10,}",
    ))
    .expect("constant regex")
});

fn is_env_reference(v: &str) -> bool {
    let v = v.trim_matches(|c| c == '"' || c == '\'');
    let dollar_var = v.strip_prefix('$').is_some_and(|rest| {
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    (v.starts_with("${") && v.ends_with('}')) || v.starts_with("env:") || dollar_var
}

/// Replace every secret in `text` by `***`.
///
/// ```
/// use xldb_workflows::redact_text;
/// assert_eq!(redact_text("postgres://app:s3cr3t@127.0.0.1/shop"), "postgres://app:***@127.0.0.1/shop");
/// assert_eq!(redact_text("host=db password=hunter2 user=app"), "host=db password=*** user=app");
/// ```
pub fn redact_text(text: &str) -> String {
    let s = URL_PASSWORD.replace_all(text, |c: &Captures<'_>| format!("{}:{REDACTED}@", &c[1]));
    let s = KEY_VALUE.replace_all(&s, |c: &Captures<'_>| {
        let value = &c[3];
        if is_env_reference(value) || value.is_empty() || value == REDACTED {
            return c[0].to_string();
        }
        let quoted = match value.chars().next() {
            Some(q @ ('"' | '\'')) => format!("{q}{REDACTED}{q}"),
            _ => REDACTED.to_string(),
        };
        format!("{}{}{quoted}", &c[1], &c[2])
    });
    let s = FLAG_VALUE.replace_all(&s, |c: &Captures<'_>| {
        if is_env_reference(&c[3]) {
            c[0].to_string()
        } else {
            format!("{}{}{REDACTED}", &c[1], &c[2])
        }
    });
    let s = KNOWN_TOKENS.replace_all(&s, |c: &Captures<'_>| {
        let prefix = (1..=5).find_map(|i| c.get(i)).map_or("", |m| m.as_str());
        format!("{prefix}{REDACTED}")
    });
    s.into_owned()
}

/// Is `key` (a TOML/JSON key) the name of a secret?
pub fn is_sensitive_key(key: &str) -> bool {
    static RE: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(&format!(r"(?i)(^|[_\-.]){SENSITIVE_KEY}($|[_\-.])")).ok());
    let lower = key.to_ascii_lowercase();
    RE.as_ref().is_none_or(|re| re.is_match(&lower))
        && !lower.ends_with("_file")
        && !lower.ends_with("_env")
        && !lower.ends_with("_path")
}

/// Redact a parsed TOML document in place: values of sensitive keys become `***` (environment
/// references are kept), and every other string goes through [`redact_text`]. Returns how many
/// values were changed.
pub fn redact_toml(value: &mut toml::Value) -> usize {
    match value {
        toml::Value::Table(t) => redact_toml_table(t),
        toml::Value::Array(items) => items.iter_mut().map(redact_toml).sum(),
        toml::Value::String(s) => {
            let r = redact_text(s);
            if r != *s {
                *s = r;
                1
            } else {
                0
            }
        }
        _ => 0,
    }
}

/// [`redact_toml`] on a table.
pub fn redact_toml_table(table: &mut toml::Table) -> usize {
    let mut n = 0;
    for (key, v) in table.iter_mut() {
        match v {
            toml::Value::String(s) if is_sensitive_key(key) => {
                if !is_env_reference(s) && !s.is_empty() && s != REDACTED {
                    *s = REDACTED.to_string();
                    n += 1;
                }
            }
            other => n += redact_toml(other),
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords_go_usernames_stay() {
        assert_eq!(
            redact_text("connect mysql://root:p%40ss@127.0.0.1:3306/db now"),
            "connect mysql://root:***@127.0.0.1:3306/db now"
        );
        assert_eq!(
            redact_text("postgres://app@127.0.0.1/db"),
            "postgres://app@127.0.0.1/db"
        );
        assert_eq!(
            redact_text("clickhouse://u:x@h:9000 and postgres://a:b@c/d"),
            "clickhouse://u:***@h:9000 and postgres://a:***@c/d"
        );
    }

    #[test]
    fn key_value_fragments_in_every_notation() {
        let cases = [
            ("password=hunter2", "password=***"),
            ("PASSWORD = 'hunter2'", "PASSWORD = '***'"),
            ("password = \"hunter2\"", "password = \"***\""),
            (
                "{\"api_key\": \"abc123\", \"user\": \"x\"}",
                "{\"api_key\": \"***\", \"user\": \"x\"}",
            ),
            ("token: abcdef", "token: ***"),
            ("--password hunter2 --user x", "--password *** --user x"),
            ("host=h;pwd=abc;db=x", "host=h;pwd=***;db=x"),
            ("client_secret=zzz", "client_secret=***"),
        ];
        for (input, want) in cases {
            assert_eq!(redact_text(input), want, "input: {input}");
        }
    }

    #[test]
    fn env_references_and_harmless_words_stay() {
        for s in [
            "password = \"${DB_PASSWORD}\"",
            "password = \"env:DB_PASSWORD\"",
            "password_hash TEXT NOT NULL",
            "the token bucket algorithm",
        ] {
            assert_eq!(redact_text(s), s);
        }
    }

    #[test]
    fn well_known_key_formats() {
        let s = redact_text("Authorization: Bearer abcdefghijklmnop and sk-proj_abcdefghijklmnopqrstuv and AKIAABCDEFGHIJKLMNOP");
        assert!(!s.contains("abcdefghijklmnop"), "{s}");
        assert!(!s.contains("ABCDEFGHIJKLMNOP"), "{s}");
        assert!(
            s.contains("Bearer ***") && s.contains("sk-***") && s.contains("AKIA***"),
            "{s}"
        );
    }

    #[test]
    fn toml_values_are_redacted_by_key() {
        let mut v: toml::Value = toml::from_str(
            r#"
            [connections.main]
            url = "postgres://app:topsecret@10.0.0.5/shop"
            password = "hunter2"
            password_env = "DB_PASSWORD"
            [server]
            api_key = "${XLDB_API_KEY}"
            [[auth.users]]
            name = "bob"
            token = "t0k3n"
            "#,
        )
        .unwrap();
        let n = redact_toml(&mut v);
        assert_eq!(n, 3);
        let text = toml::to_string(&v).unwrap();
        for secret in ["topsecret", "hunter2", "t0k3n"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(
            text.contains("DB_PASSWORD") && text.contains("${XLDB_API_KEY}"),
            "{text}"
        );
    }

    #[test]
    fn sensitive_keys() {
        for k in [
            "password",
            "db_password",
            "API_KEY",
            "secret",
            "auth.token",
            "apikey",
        ] {
            assert!(is_sensitive_key(k), "{k}");
        }
        for k in ["user", "password_file", "tokenizer", "host", "password_env"] {
            assert!(!is_sensitive_key(k), "{k}");
        }
    }
}
