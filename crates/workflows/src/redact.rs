//! Redaction of TOML configurations: no secret in a reviewed configuration reaches Codex, a log
//! or the terminal.
//!
//! Text and JSON redaction is `codex-session`'s ([`codex_session::redact_text`],
//! [`codex_session::redact_json`]): one implementation for the audit log, the server's stderr,
//! every prompt the workflows render and every line the CLI prints. What lives here is only
//! what is TOML-specific: walking a parsed document and redacting each string by its key
//! ([`codex_session::redact_field`]: whole values under `password`, `api_key`, `token`…, with
//! environment references kept), which is more precise than the text pass that the rendered
//! document goes through afterwards.

use codex_session::redact_field;

/// Redact a parsed TOML document in place: values of sensitive keys become `***` (environment
/// references are kept), and every other string goes through [`codex_session::redact_text`].
/// Returns how many values were changed.
pub fn redact_toml(value: &mut toml::Value) -> usize {
    match value {
        toml::Value::Table(t) => redact_toml_table(t),
        toml::Value::Array(items) => items.iter_mut().map(redact_toml).sum(),
        // An array element or a top-level string has no key: the text pass.
        toml::Value::String(s) => replace(s, ""),
        _ => 0,
    }
}

/// [`redact_toml`] on a table.
pub fn redact_toml_table(table: &mut toml::Table) -> usize {
    let mut n = 0;
    for (key, v) in table.iter_mut() {
        match v {
            toml::Value::String(s) => n += replace(s, key),
            other => n += redact_toml(other),
        }
    }
    n
}

/// Redact `s` found under `key` ("" for none); 1 if it changed.
fn replace(s: &mut String, key: &str) -> usize {
    let redacted = redact_field(key, s);
    if redacted == s.as_str() {
        return 0;
    }
    *s = redacted.into_owned();
    1
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn strings_in_arrays_and_redacted_values_are_counted_once() {
        let mut v: toml::Value = toml::from_str(
            r#"
            urls = ["mysql://root:pw1@127.0.0.1/db", "mysql://127.0.0.1/other"]
            password = "***"
            db_password = "pw2"
            "#,
        )
        .unwrap();
        assert_eq!(redact_toml(&mut v), 2);
        let text = toml::to_string(&v).unwrap();
        assert!(!text.contains("pw1") && !text.contains("pw2"), "{text}");
        // Idempotent: a second pass changes nothing.
        assert_eq!(redact_toml(&mut v), 0);
    }
}
