//! Secret redaction for everything that leaves as text: audit records, the server's stderr in
//! logs, error messages built from server output and, in `xldb-workflows`, every prompt sent to
//! Codex and every line the CLI prints. One implementation, so a shape learnt once is hidden
//! everywhere.
//!
//! Pattern-based, so it is a safety net, not a guarantee: it catches the shapes secrets take in
//! commands, connection strings and configuration files. It errs on the side of hiding: a false
//! positive costs a `***` in an audit line or a prompt, a miss leaks a secret to a log or to a
//! third party. What is replaced by [`REDACTED`]:
//!
//! - the password of a URL (`postgres://user:***@host/db`);
//! - the value after a key naming a secret, in `key=value`, `key: value`, `key => value`,
//!   `"key": "value"` and `key = 'value'` form, with any prefix (`PGPASSWORD`, `MYSQL_PWD`,
//!   `db_password`, `OPENAI_API_KEY`, `client_secret`, `aws_secret_access_key`…); quotes are
//!   kept so JSON and TOML stay parseable;
//! - the argument after such a flag (`--password X`, `--api-key 'X'`);
//! - SQL literals after `PASSWORD` and `IDENTIFIED BY`;
//! - `Authorization:` credentials and bearer tokens, and well-known key shapes (`sk-…`,
//!   `AKIA…`/`ASIA…`, `ghp_…`, `xoxb-…`);
//! - database clients' password arguments: `user/password@db` logons (`sqlplus`), an attached
//!   `-pPASSWORD` (`mysql`, `mariadb`, `mysqldump` …), `-a PASSWORD` (`redis-cli`) and
//!   `-P PASSWORD` (`sqlcmd`, `bcp`), in command text and in argv arrays ([`redact_args`],
//!   which [`redact_json`] applies to every array of strings).
//!
//! Environment references (`${VAR}`, `env:VAR`, `$VAR` in upper case) are not secrets and are
//! kept, so a reviewer still sees that a password is wired through the environment. Redaction
//! is idempotent (`***` is never redacted again), which lets layers redact without coordinating.
//!
//! Used by `approval-policy` (explanations), `codex-session` (audit records, the server's
//! stderr, errors) and `xldb-workflows` (prompts, CLI output): a leaf crate, so the approval
//! policy still stands alone.
//!
//! Cost: this runs on every audit record and every stderr line, and almost none holds a secret.
//! One scan for the words every pattern needs (`://`, `pass`, `key`, `token`, `bearer`…)
//! answers most texts, borrowed and unchanged; only texts that pass it meet the patterns.
#![deny(missing_docs)]

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::{Captures, Regex};

/// What a secret is replaced with.
pub const REDACTED: &str = "***";

/// A key that names a secret, with any prefix (`PGPASSWORD`, `db_password`, `X-Api-Key`);
/// `pass` alone only as a whole word or after a separator (`db_pass`, not `bypass`).
const KEY: &str = r"(?:[a-z0-9_\-]*(?:password|passwd|pwd|secret|token|credential|api[_\-]?key|access[_\-]?key|secret[_\-]?key|private[_\-]?key|auth[_\-]?key)|(?:[a-z0-9]+[_\-])*pass)s?";

/// A value: a double-quoted string (JSON escapes allowed), a single-quoted one (SQL `''`
/// allowed), an escaped-quoted one (`\"x\"`, inside a JSON string), a whole `${VAR}`, or a bare
/// word (an unterminated quote included) that does not open a JSON array or object.
const VALUE: &str = r#"("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|\\"(?:[^"\\]|\\[^"])*\\"|\$\{[A-Za-z_][A-Za-z0-9_]*\}|["']?[^\s&;,'"{}\[\]][^\s&;,'"}\]]*)"#;

struct Patterns {
    /// Every text that any pattern below can match contains one of these words.
    trigger: Regex,
    url_password: Regex,
    known_tokens: Regex,
    authorization: Regex,
    flag: Regex,
    sql: Regex,
    key_value: Regex,
    logon: Regex,
    attached_p: Regex,
    spaced_flag: Regex,
}

fn patterns() -> Option<&'static Patterns> {
    static PATTERNS: OnceLock<Option<Patterns>> = OnceLock::new();
    PATTERNS
        .get_or_init(|| {
            Some(Patterns {
                trigger: Regex::new(
                    r"(?i)://|pass|pwd|secret|token|key|credential|authorization|bearer|sk-|a[ks]ia|gh[pousr]_|xox[abprs]-|identified|/[^\s@/]+@|mysql|mariadb|redis|valkey|keydb|sqlcmd|bcp|isql|osql",
                )
                .ok()?,
                // scheme://user:password@host
                url_password: Regex::new(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s:/@]*):([^\s@]+)@")
                    .ok()?,
                // Bearer <token>, OpenAI, AWS, GitHub and Slack key shapes.
                known_tokens: Regex::new(concat!(
                    r"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=\-]+",
                    r"|\b(sk-)[A-Za-z0-9_\-]{16,}",
                    r"|\b(A[KS]IA)[0-9A-Z]{16}\b",
                    r"|\b(gh[pousr]_)[A-Za-z0-9]{20,}",
                    r"|\b(xox[abprs]-)[A-Za-z0-9\-]{10,}",
                ))
                .ok()?,
                // Authorization: Basic dXNlcjpwdw== (the scheme is kept)
                authorization: Regex::new(
                    r#"(?i)(\b(?:proxy-)?authorization["']?\s*[=:]\s*["']?(?:(?:basic|bearer|digest|negotiate|token)\s+)?)([^\s"',;}\]]+)"#,
                )
                .ok()?,
                // --password X, --api-key 'X' (a following `--flag` is not a value)
                flag: Regex::new(&format!(
                    r#"(?i)(--{KEY})(\s+)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|(?:[^\s\-]|-[^\s\-])\S*)"#
                ))
                .ok()?,
                // SQL: PASSWORD 'x', IDENTIFIED BY 'x' / x
                sql: Regex::new(
                    r#"(?i)(\b(?:password|identified\s+by)\s+)('(?:[^']|'')*'|"(?:[^"\\]|\\.)*")|(\bidentified\s+by\s+)([^\s'";]+)"#,
                )
                .ok()?,
                // password=x, PGPASSWORD=x, "api_key": "x", token: x, secret => 'x'
                key_value: Regex::new(&format!(
                    r#"(?i)(\b{KEY}["']?)(\s*(?:=>|=|:)\s*){VALUE}"#
                ))
                .ok()?,
                // sqlplus scott/tiger@orcl: user/password@connect (the user and target stay)
                logon: Regex::new(r#"(^|[\s"'=])([A-Za-z0-9_$#.]+)/([^\s@/"']+)@([^\s"']+)"#)
                    .ok()?,
                // mysql -phunter2 (only in a text naming a MySQL client, see CLIENT_FLAGS)
                attached_p: Regex::new(r#"(^|[\s"'])(-p)([^\s\-"'][^\s"']*)"#).ok()?,
                // redis-cli -a X, sqlcmd -P X (only in a text naming that client)
                spaced_flag: Regex::new(r#"(^|[\s"'])(-[aP])(\s+)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s\-"'][^\s"']*)"#)
                    .ok()?,
            })
        })
        .as_ref()
}

/// Is `value` a reference to a secret rather than one: `${VAR}`, `env:VAR` or `$VAR` (upper
/// case, the shell convention; `$ecret` is treated as a secret)?
fn is_env_reference(value: &str) -> bool {
    let v = value.trim_matches(|c| c == '"' || c == '\'');
    let braced = v
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        .is_some_and(|name| !name.is_empty());
    let bare = v.strip_prefix('$').is_some_and(|name| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    });
    braced || bare || v.starts_with("env:")
}

/// Should `value` stay as it is: empty, already redacted, or an environment reference?
fn is_harmless(value: &str) -> bool {
    let v = value.trim_matches(|c| matches!(c, '"' | '\'' | '\\'));
    v.is_empty() || v == REDACTED || is_env_reference(v)
}

/// `***`, inside the same quotes as `value` if it was quoted.
fn mask_like(value: &str) -> String {
    if value.starts_with("\\\"") {
        return format!("\\\"{REDACTED}\\\"");
    }
    match value.chars().next() {
        Some(q @ ('"' | '\'')) => format!("{q}{REDACTED}{q}"),
        _ => REDACTED.to_owned(),
    }
}

/// Run `re` over `text`, keeping the borrow when nothing matched.
fn apply<'t>(
    text: Cow<'t, str>,
    re: &Regex,
    replace: impl FnMut(&Captures<'_>) -> String,
) -> Cow<'t, str> {
    let replaced = match re.replace_all(&text, replace) {
        Cow::Owned(s) => Some(s),
        Cow::Borrowed(_) => None,
    };
    replaced.map_or(text, Cow::Owned)
}

/// The text of capture `i`, or "".
fn cap<'c>(c: &'c Captures<'_>, i: usize) -> &'c str {
    c.get(i).map_or("", |m| m.as_str())
}

/// Replace every secret-looking part of `text` with [`REDACTED`].
///
/// Borrows when there is nothing to hide (the common case, decided by one cheap scan).
/// Idempotent: redacting a redacted text changes nothing.
///
/// ```
/// use xldb_redact::redact_text;
///
/// assert_eq!(
///     redact_text("psql postgres://app:s3cr3t@127.0.0.1/shop"),
///     "psql postgres://app:***@127.0.0.1/shop"
/// );
/// assert_eq!(
///     redact_text(r#"PGPASSWORD=hunter2 psql; {"api_key": "abc123", "user": "bob"}"#),
///     r#"PGPASSWORD=*** psql; {"api_key": "***", "user": "bob"}"#
/// );
/// // Environment references are not secrets.
/// assert_eq!(redact_text("password = \"${DB_PASSWORD}\""), "password = \"${DB_PASSWORD}\"");
/// ```
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let Some(p) = patterns() else {
        // The patterns are constants and compile (every test here exercises them); if they
        // ever did not, hide everything rather than leak.
        return Cow::Borrowed(REDACTED);
    };
    if !p.trigger.is_match(text) {
        return Cow::Borrowed(text);
    }
    let Cow::Owned(mut out) = redact_pass(p, text) else {
        return Cow::Borrowed(text);
    };
    // One pass can leave a shape that another pattern reads as a secret (`x://password:***,@`
    // is a URL password and then a key/value), so repeat until nothing changes: that is what
    // makes redaction idempotent. Every change only hides more, so a few passes settle it.
    for _ in 0..MAX_PASSES {
        match redact_pass(p, &out) {
            Cow::Owned(next) if next != out => out = next,
            _ => break,
        }
    }
    Cow::Owned(out)
}

/// The most extra passes [`redact_text`] makes after the first one changed something.
const MAX_PASSES: usize = 8;

/// One pass of every pattern, in order.
fn redact_pass<'t>(p: &Patterns, text: &'t str) -> Cow<'t, str> {
    let out = Cow::Borrowed(text);
    let out = apply(out, &p.url_password, |c| {
        if is_env_reference(&c[2]) {
            c[0].to_owned()
        } else {
            format!("{}:{REDACTED}@", &c[1])
        }
    });
    // Before the key/value pass, so `token: Bearer abc` hides `abc`, not `Bearer`.
    let out = apply(out, &p.known_tokens, |c| {
        let prefix = (1..=5).find_map(|i| c.get(i)).map_or("", |m| m.as_str());
        format!("{prefix}{REDACTED}")
    });
    let out = apply(out, &p.authorization, |c| {
        if is_harmless(&c[2]) {
            c[0].to_owned()
        } else {
            format!("{}{REDACTED}", &c[1])
        }
    });
    let out = apply(out, &p.flag, |c| {
        if is_harmless(&c[3]) {
            c[0].to_owned()
        } else {
            format!("{}{}{}", &c[1], &c[2], mask_like(&c[3]))
        }
    });
    let out = apply(out, &p.sql, |c| {
        let (head, value) = match c.get(1) {
            Some(head) => (head.as_str(), cap(c, 2)),
            None => (cap(c, 3), cap(c, 4)),
        };
        if is_harmless(value) {
            c[0].to_owned()
        } else {
            format!("{head}{}", mask_like(value))
        }
    });
    let out = apply(out, &p.logon, |c| {
        if is_harmless(&c[3]) {
            c[0].to_owned()
        } else {
            format!("{}{}/{REDACTED}@{}", &c[1], &c[2], &c[4])
        }
    });
    let out = if names_client(&out, MYSQL_CLIENTS) {
        apply(out, &p.attached_p, |c| {
            if is_harmless(&c[3]) {
                c[0].to_owned()
            } else {
                format!("{}{}{REDACTED}", &c[1], &c[2])
            }
        })
    } else {
        out
    };
    let (redis, sqlcmd) = (
        names_client(&out, REDIS_CLIENTS),
        names_client(&out, SQLCMD_CLIENTS),
    );
    let out = if redis || sqlcmd {
        apply(out, &p.spaced_flag, |c| {
            let wanted = (redis && &c[2] == "-a") || (sqlcmd && &c[2] == "-P");
            if !wanted || is_harmless(&c[4]) {
                c[0].to_owned()
            } else {
                format!("{}{}{}{}", &c[1], &c[2], &c[3], mask_like(&c[4]))
            }
        })
    } else {
        out
    };
    apply(out, &p.key_value, |c| {
        let value = &c[3];
        if is_harmless(value) {
            c[0].to_owned()
        } else if c[1].ends_with('"') && !value.starts_with(['"', '\'', '\\']) {
            // `"tokens": 5`, `"password": null` in JSON text: a string keeps it JSON.
            format!("{}{}\"{REDACTED}\"", &c[1], &c[2])
        } else {
            format!("{}{}{}", &c[1], &c[2], mask_like(value))
        }
    })
}

/// Programs whose attached `-pVALUE` is a password (elsewhere `-p` is often a port).
const MYSQL_CLIENTS: &[&str] = &[
    "mysql",
    "mariadb",
    "mysqldump",
    "mysqladmin",
    "mysqlimport",
    "mysqlshow",
    "mysqlcheck",
    "mysqlpump",
    "mysqlsh",
    "mariadb-dump",
    "mariadb-admin",
];
/// Programs whose `-a VALUE` is a password.
const REDIS_CLIENTS: &[&str] = &["redis-cli", "valkey-cli", "keydb-cli"];
/// Programs whose `-P VALUE` is a password (for mysql `-P` is the port).
const SQLCMD_CLIENTS: &[&str] = &["sqlcmd", "bcp", "isql", "osql"];

/// Does `text` name one of `clients` as a word (a command name, or the last part of a path)?
fn names_client(text: &str, clients: &[&str]) -> bool {
    text.split(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '/' | ';' | '|' | '&' | '(' | '[' | ',')
    })
    .any(|w| clients.iter().any(|c| w.eq_ignore_ascii_case(c)))
}

/// Redact an argv in place, reading each argument with its neighbours: a value after a flag
/// that takes a secret (`--password X`, `redis-cli -a X`, `sqlcmd -P X`), an attached
/// `mysql -pX`, and every argument through [`redact_text`]. [`redact_json`] applies this to
/// every array of strings, so `["mysql", "-phunter2"]` in an audit record is hidden although no
/// single element says `mysql -p…`.
///
/// ```
/// let mut argv: Vec<String> = ["redis-cli", "-a", "s3cret", "GET", "k"].map(String::from).into();
/// xldb_redact::redact_args(&mut argv);
/// assert_eq!(argv, ["redis-cli", "-a", "***", "GET", "k"]);
/// ```
pub fn redact_args(args: &mut [String]) {
    let joined = args.join(" ");
    let (mysql, redis, sqlcmd) = (
        names_client(&joined, MYSQL_CLIENTS),
        names_client(&joined, REDIS_CLIENTS),
        names_client(&joined, SQLCMD_CLIENTS),
    );
    let mut mask_next = false;
    for arg in args.iter_mut() {
        if std::mem::take(&mut mask_next) && !is_harmless(arg) {
            *arg = REDACTED.to_owned();
            continue;
        }
        let secret_flag = arg
            .strip_prefix("--")
            .is_some_and(|name| !name.contains('=') && is_sensitive_key(name));
        mask_next = secret_flag || (redis && arg == "-a") || (sqlcmd && arg == "-P");
        if mysql && arg.len() > 2 && arg.starts_with("-p") && !arg[2..].starts_with('-') {
            if !is_harmless(&arg[2..]) {
                *arg = format!("-p{REDACTED}");
            }
            continue;
        }
        if let Cow::Owned(r) = redact_text(arg) {
            *arg = r;
        }
    }
}

/// Is `key` (a JSON, TOML or YAML key) the name of a secret?
///
/// True for `password`, `db_password`, `PGPASSWORD`, `api_key`, `apiKey`, `client_secret`,
/// `auth.token`, `credentials`, `Authorization`…; false for keys that point at a secret
/// rather than hold it (`password_file`, `token_env`, `key_path`) and for look-alikes
/// (`tokenizer`, `bypass`).
///
/// ```
/// use xldb_redact::is_sensitive_key;
///
/// assert!(is_sensitive_key("db_password") && is_sensitive_key("apiKey"));
/// assert!(!is_sensitive_key("password_file") && !is_sensitive_key("tokenizer"));
/// ```
pub fn is_sensitive_key(key: &str) -> bool {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?:(?:password|passwd|pwd|secret|token|credential|authorization|api[_\-]?key|access[_\-]?key|secret[_\-]?key|private[_\-]?key|auth[_\-]?key)s?|(?:^|[_\-.])pass)(?:$|[_\-.])",
        )
        .ok()
    });
    let lower = key.to_ascii_lowercase();
    let reference = lower
        .rsplit(['_', '-', '.'])
        .next()
        .is_some_and(|last| last != lower && matches!(last, "file" | "env" | "path"));
    // Without the pattern (it compiles; see the tests) every key is a secret.
    re.as_ref().is_none_or(|re| re.is_match(&lower)) && !reference
}

/// Redact `value`, found under `key`: [`REDACTED`] whole if the key names a secret (unless the
/// value is empty, already redacted or an environment reference), else [`redact_text`].
///
/// ```
/// use xldb_redact::redact_field;
///
/// assert_eq!(redact_field("password", "hunter2"), "***");
/// assert_eq!(redact_field("password", "${DB_PASSWORD}"), "${DB_PASSWORD}");
/// assert_eq!(redact_field("url", "mysql://root:pw@db/shop"), "mysql://root:***@db/shop");
/// ```
pub fn redact_field<'v>(key: &str, value: &'v str) -> Cow<'v, str> {
    if is_sensitive_key(key) {
        if is_harmless(value) {
            Cow::Borrowed(value)
        } else {
            Cow::Borrowed(REDACTED)
        }
    } else {
        redact_text(value)
    }
}

/// Redact every string inside a JSON value, in place: strings under a key that names a secret
/// ([`is_sensitive_key`]) become [`REDACTED`] whole (at any depth below that key), every other
/// string goes through [`redact_text`]. Keys, numbers and booleans are left alone.
///
/// ```
/// let mut v = serde_json::json!({"password": "hunter2", "command": ["psql", "postgres://u:pw@h/db"]});
/// xldb_redact::redact_json(&mut v);
/// assert_eq!(v, serde_json::json!({"password": "***", "command": ["psql", "postgres://u:***@h/db"]}));
/// ```
pub fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => {
            if let Cow::Owned(r) = redact_text(s) {
                *s = r;
            }
        }
        serde_json::Value::Array(items) if items.iter().all(|i| i.is_string()) => {
            let mut args: Vec<String> = items
                .iter()
                .map(|i| i.as_str().unwrap_or_default().to_owned())
                .collect();
            redact_args(&mut args);
            for (item, arg) in items.iter_mut().zip(args) {
                *item = serde_json::Value::String(arg);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_sensitive_key(key) {
                    mask_strings(v);
                } else {
                    redact_json(v);
                }
            }
        }
        _ => {}
    }
}

/// Everything below a secret's key: every string is a secret.
fn mask_strings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) if !is_harmless(s) => REDACTED.clone_into(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(mask_strings),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(text: &str) -> String {
        redact_text(text).into_owned()
    }

    // --- URL passwords ---

    #[test]
    fn hides_url_passwords_keeps_the_rest() {
        assert_eq!(
            redact("psql postgres://admin:s3cr%40t@db.internal:5432/app -c 'select 1'"),
            "psql postgres://admin:***@db.internal:5432/app -c 'select 1'"
        );
    }

    #[test]
    fn url_passwords_go_usernames_stay() {
        assert_eq!(
            redact("connect mysql://root:p%40ss@127.0.0.1:3306/db now"),
            "connect mysql://root:***@127.0.0.1:3306/db now"
        );
        assert_eq!(
            redact("postgres://app@127.0.0.1/db"),
            "postgres://app@127.0.0.1/db"
        );
        assert_eq!(
            redact("clickhouse://u:x@h:9000 and postgres://a:b@c/d"),
            "clickhouse://u:***@h:9000 and postgres://a:***@c/d"
        );
        assert_eq!(
            redact("redis://:s3cret@127.0.0.1"),
            "redis://:***@127.0.0.1"
        );
    }

    #[test]
    fn url_passwords_with_a_slash_are_hidden_whole() {
        // A raw `/` in a password (not percent-encoded) once stopped the match and leaked it.
        assert_eq!(redact("postgres://u:pa/ss@h/db"), "postgres://u:***@h/db");
    }

    // --- key/value fragments ---

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
            assert!(r.contains(REDACTED), "{input} -> {r}");
        }
    }

    #[test]
    fn key_value_fragments_in_every_notation() {
        let cases = [
            ("password=hunter2", "password=***"),
            (
                "host=db password=hunter2 user=app",
                "host=db password=*** user=app",
            ),
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
            ("secret => 'zzz'", "secret => '***'"),
            ("db_pass=zzz", "db_pass=***"),
            ("private_key: zzz", "private_key: ***"),
            ("X-Api-Key: zzz", "X-Api-Key: ***"),
        ];
        for (input, want) in cases {
            assert_eq!(redact(input), want, "input: {input}");
        }
    }

    #[test]
    fn prefixed_keys_are_secrets_too() {
        // The workflows redactor required a word boundary before the key, so these reached
        // Codex whole.
        for (input, want) in [
            ("PGPASSWORD=hunter2 psql", "PGPASSWORD=*** psql"),
            ("DB_PASSWORD=hunter2", "DB_PASSWORD=***"),
            ("MYSQL_PWD=hunter6 mysql", "MYSQL_PWD=*** mysql"),
            (
                "aws_secret_access_key=abc/def+g",
                "aws_secret_access_key=***",
            ),
            ("OPENAI_API_KEY=xyz", "OPENAI_API_KEY=***"),
        ] {
            assert_eq!(redact(input), want, "input: {input}");
        }
    }

    #[test]
    fn quoted_values_are_hidden_whole_and_json_stays_valid() {
        // An escaped quote once ended the match early and leaked the rest of the password.
        let json = r#"{"password":"ab\"cd","user":"bob"}"#;
        let r = redact(json);
        assert_eq!(r, r#"{"password":"***","user":"bob"}"#);
        let parsed: serde_json::Value = serde_json::from_str(&r).unwrap();
        assert_eq!(parsed["user"], "bob");
        assert_eq!(redact("password='it''s'"), "password='***'");
        // Bare values under a quoted key: still JSON (the CLI parses redacted JSON text back).
        let r = redact(r#"{"max_tokens":5,"credentials":{"a":1},"password":null}"#);
        assert_eq!(
            r,
            r#"{"max_tokens":"***","credentials":{"a":1},"password":"***"}"#
        );
        // Inside a JSON string (the CLI redacts serialized JSON and parses it back).
        let json = r#"{"cmd":"PGPASSWORD=\"hunter2\" psql"}"#;
        let r = redact(json);
        assert_eq!(r, r#"{"cmd":"PGPASSWORD=\"***\" psql"}"#);
        serde_json::from_str::<serde_json::Value>(&r).unwrap();
        // A truncated line with an unterminated quote.
        assert_eq!(redact("password=\"hunter2"), "password=\"***\"");
    }

    #[test]
    fn flags_with_quoted_or_dashed_values() {
        assert_eq!(
            redact("mysql --password 'my secret' -h db"),
            "mysql --password '***' -h db"
        );
        assert_eq!(redact("tool --api-key -abc123"), "tool --api-key ***");
        assert_eq!(redact("--client-secret zzz"), "--client-secret ***");
        // A following flag is not the value (the password is prompted for).
        assert_eq!(
            redact("psql --password --host db"),
            "psql --password --host db"
        );
        assert_eq!(redact("--token-file /run/t"), "--token-file /run/t");
    }

    #[test]
    fn sql_password_literals() {
        // Neither earlier redactor knew SQL, so `ALTER USER … PASSWORD '…'` in a command or a
        // query log reached the audit log and Codex.
        for (input, want) in [
            (
                "psql -c \"ALTER USER bob WITH PASSWORD 'hunter2'\"",
                "psql -c \"ALTER USER bob WITH PASSWORD '***'\"",
            ),
            (
                "CREATE USER x IDENTIFIED BY 'pw1'",
                "CREATE USER x IDENTIFIED BY '***'",
            ),
            (
                "create user x identified by pw2;",
                "create user x identified by ***;",
            ),
            ("reset your password now", "reset your password now"),
        ] {
            assert_eq!(redact(input), want, "input: {input}");
        }
    }

    // --- token shapes ---

    #[test]
    fn well_known_key_formats() {
        let s = redact("Authorization: Bearer abcdefghijklmnop and sk-proj_abcdefghijklmnopqrstuv and AKIAABCDEFGHIJKLMNOP");
        assert!(!s.contains("abcdefghijklmnop"), "{s}");
        assert!(!s.contains("ABCDEFGHIJKLMNOP"), "{s}");
        assert!(
            s.contains("Bearer ***") && s.contains("sk-***") && s.contains("AKIA***"),
            "{s}"
        );
        assert_eq!(
            redact("ghp_abcdefghijklmnopqrstuvwxyz01 xoxb-1234567890-abc ASIAABCDEFGHIJKLMNOP"),
            "ghp_*** xoxb-*** ASIA***"
        );
    }

    #[test]
    fn authorization_credentials_of_any_scheme() {
        assert_eq!(
            redact("Authorization: Basic dXNlcjpwYXNzd29yZA=="),
            "Authorization: Basic ***"
        );
        assert_eq!(
            redact(r#"{"authorization": "abc.def"}"#),
            r#"{"authorization": "***"}"#
        );
        // The token itself, not just the word `Bearer`.
        let r = redact("token: Bearer abcdefgh");
        assert!(r.starts_with("token: ") && !r.contains("abcdefgh"), "{r}");
    }

    // --- what stays ---

    /// Regression: the redactor of the audit log and progress lines did not hide these (the
    /// approval policy's did); now there is one.
    #[test]
    fn database_client_password_arguments() {
        assert_eq!(
            redact("mysql -uroot -phunter2 shop"),
            "mysql -uroot -p*** shop"
        );
        assert_eq!(redact("sqlplus scott/tiger@orcl"), "sqlplus scott/***@orcl");
        assert_eq!(
            redact("redis-cli -a s3cret GET k"),
            "redis-cli -a *** GET k"
        );
        assert_eq!(
            redact("sqlcmd -U sa -P 'pw x' -Q q"),
            "sqlcmd -U sa -P '***' -Q q"
        );
        let mut v = serde_json::json!({"command": ["mysql", "-phunter2"], "n": [1, "x"]});
        redact_json(&mut v);
        assert_eq!(v["command"], serde_json::json!(["mysql", "-p***"]));
        // A relative path shaped like a logon (`src/x@y`) is hidden too: erring on the side of
        // hiding. Look-alikes of other programs stay: `-p` is a port for psql, `-P` for mysql.
        assert_eq!(redact("cat src/x@y"), "cat src/***@y");
        for text in [
            "psql -p 5432 -p5433 -h h",
            "mysql -P 3306 -h h",
            "redis-cli -p 6379 GET k",
            "ls /tmp/a@b node_modules/@types/x",
            "sqlplus scott/${ORACLE_PW}@orcl",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        let text = "ls -la /tmp && echo 'select count(*) from t where id = 4'";
        assert!(matches!(redact_text(text), Cow::Borrowed(_)));
        let text = "2026-11-28T01:00:00Z INFO codex: turn started: id=7";
        assert!(matches!(redact_text(text), Cow::Borrowed(_)));
    }

    #[test]
    fn env_references_and_harmless_words_stay() {
        for s in [
            "password = \"${DB_PASSWORD}\"",
            "password = \"env:DB_PASSWORD\"",
            "password=${DB_PASSWORD} psql",
            "PGPASSWORD=$DB_PASSWORD psql",
            "postgres://app:${DB_PASSWORD}@127.0.0.1/db",
            "--password ${PW}",
            "password_hash TEXT NOT NULL",
            "the token bucket algorithm",
            "password=***",
        ] {
            assert_eq!(redact(s), s);
        }
        // Lower-case `$…` is not the shell's convention for variables: hide it.
        assert_eq!(redact("password=$ecret1"), "password=***");
    }

    // --- keys and JSON ---

    #[test]
    fn sensitive_keys() {
        for k in [
            "password",
            "db_password",
            "API_KEY",
            "secret",
            "auth.token",
            "apikey",
            "apiKey",
            "PGPASSWORD",
            "client_secret",
            "Authorization",
            "credentials",
            "db_pass",
        ] {
            assert!(is_sensitive_key(k), "{k}");
        }
        for k in [
            "user",
            "password_file",
            "tokenizer",
            "host",
            "password_env",
            "key_path",
            "bypass",
            "passport",
        ] {
            assert!(!is_sensitive_key(k), "{k}");
        }
    }

    #[test]
    fn fields_are_redacted_by_key_then_by_text() {
        assert_eq!(redact_field("password", "hunter2"), REDACTED);
        assert_eq!(redact_field("password", ""), "");
        assert_eq!(
            redact_field("api_key", "${XLDB_API_KEY}"),
            "${XLDB_API_KEY}"
        );
        assert_eq!(redact_field("password_env", "DB_PASSWORD"), "DB_PASSWORD");
        assert_eq!(
            redact_field("url", "postgres://a:b@c/d"),
            "postgres://a:***@c/d"
        );
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

    #[test]
    fn json_under_a_secret_key_is_masked_at_any_depth() {
        let mut v = serde_json::json!({
            "credentials": {"user": "bob", "secret": "s1"},
            "tokens": ["t1", "${T2}"],
            "input_tokens": 42,
            "note": "fine"
        });
        redact_json(&mut v);
        assert_eq!(
            v,
            serde_json::json!({
                "credentials": {"user": "***", "secret": "***"},
                "tokens": ["***", "${T2}"],
                "input_tokens": 42,
                "note": "fine"
            })
        );
    }

    #[test]
    fn a_url_password_that_looks_like_a_key_value_settles_in_one_call() {
        // Found by the idempotence property: the URL pass leaves `password:***@,@`, which
        // the key/value pass then reads as `password: ***@`.
        let once = redact("identified by://password://@,@");
        assert_eq!(once, "identified by://password:***");
        assert_eq!(redact(&once), once);
    }

    // --- properties ---

    /// A secret no filler can produce: filler is lower case, secrets start with `Zq`.
    fn secret() -> impl proptest::strategy::Strategy<Value = String> {
        "Zq[A-Za-z0-9]{6,20}"
    }

    fn filler() -> impl proptest::strategy::Strategy<Value = String> {
        "[a-y0-9 ,.;()\n]{0,30}"
    }

    const TEMPLATES: &[&str] = &[
        "postgres://app:{}@127.0.0.1:5432/db",
        "mysql://root:{}@db/shop",
        "password={}",
        "PGPASSWORD={} psql",
        "MYSQL_PWD='{}'",
        "\"api_key\": \"{}\"",
        "token: {}",
        "client_secret = \"{}\"",
        "--password {}",
        "--api-key '{}'",
        "Authorization: Bearer {}",
        "Authorization: Basic {}",
        "sk-{}abcdefghijkl",
        "ALTER USER x PASSWORD '{}'",
        "identified by {}",
        "mysql -uroot -p{} shop",
        "mariadb-dump -p{} shop",
        "/usr/bin/mysqladmin -u root -p{} status",
        "sqlplus scott/{}@orcl",
        "sqlplus -s shop/{}@//db:1521/XE",
        "redis-cli -h h -a {} GET k",
        "sqlcmd -S h -U sa -P {} -Q x",
        "bash -lc 'mysql -p{} -e \"select 1\"'",
    ];

    /// argv shapes: the secret is `{}`, alone in its element or glued to a flag.
    const ARGV_TEMPLATES: &[&[&str]] = &[
        &["mysql", "-uroot", "-p{}", "shop"],
        &["/usr/bin/mariadb", "-p{}"],
        &["redis-cli", "-a", "{}", "GET", "k"],
        &["sqlcmd", "-S", "h", "-P", "{}"],
        &["psql", "--password", "{}"],
        &["tool", "--api-key", "{}"],
        &["sqlplus", "scott/{}@orcl"],
        &["env", "PGPASSWORD={}", "psql"],
        &["curl", "-H", "Authorization: Bearer {}"],
    ];

    proptest::proptest! {
        #[test]
        fn a_planted_secret_never_survives(
            before in filler(),
            after in filler(),
            secret in secret(),
            template in proptest::sample::select(TEMPLATES),
        ) {
            let text = format!("{before} {} {after}", template.replace("{}", &secret));
            let out = redact(&text);
            proptest::prop_assert!(!out.contains(&secret), "{text:?} -> {out:?}");
        }

        #[test]
        fn a_planted_secret_never_survives_in_an_argv_array(
            secret in secret(),
            template in proptest::sample::select(ARGV_TEMPLATES),
            key in "[a-z]{1,8}",
        ) {
            let argv: Vec<String> = template.iter().map(|a| a.replace("{}", &secret)).collect();
            let mut v = serde_json::json!({ key.clone(): {"command": argv.clone()} });
            redact_json(&mut v);
            let out = v.to_string();
            proptest::prop_assert!(!out.contains(&secret), "{argv:?} -> {out}");
            let mut args = argv.clone();
            redact_args(&mut args);
            proptest::prop_assert!(!args.concat().contains(&secret), "{argv:?} -> {args:?}");
            proptest::prop_assert!(!redact(&argv.join(" ")).contains(&secret), "{argv:?}");
        }

        #[test]
        fn redaction_is_idempotent(
            text in r#"(password|PGPASSWORD|pwd|token|api_key|secret|Authorization|Bearer|sk-|AKIA|--password|identified by|=|: |=>| |'|"|\\|://|@|/|\$\{X\}|\$X|\*\*\*|[a-zA-Z0-9]{1,6}|-|,|;|\}|\{)*"#,
        ) {
            let once = redact(&text);
            let twice = redact(&once);
            proptest::prop_assert_eq!(&once, &twice, "input {:?}", text);
        }
    }
}
