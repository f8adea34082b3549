//! The environment: which variables are known harmless to set, and which are known to hold
//! no secret when printed. Everything else asks.
//!
//! Setting a variable is an allowlist, not a list of dangerous names: `RUSTC=./x cargo tree`,
//! `HOME=/tmp/h git diff` (an attacker's gitconfig), `KUBECONFIG=./k.yaml kubectl get pods`
//! (exec credential plugins) and `BUNDLE_GEMFILE=…` all make a reader run code, and the next
//! such variable will not be on anyone's list. A plain shell variable with a lower-case name
//! (`f=1`) is the shell's own: programs read upper-case names (the `*_proxy` family aside).

use crate::decision::{Decision, Risk};
use std::collections::HashSet;

/// Variables known to change only formatting, locale or which database to connect to.
fn is_harmless_to_set(name: &str) -> bool {
    name.starts_with("LC_")
        || matches!(
            name,
            "LANG"
                | "LANGUAGE"
                | "TZ"
                | "NO_COLOR"
                | "FORCE_COLOR"
                | "CLICOLOR"
                | "CLICOLOR_FORCE"
                | "COLUMNS"
                | "LINES"
                | "TERM"
                | "TIME_STYLE"
                | "POSIXLY_CORRECT"
                | "PGHOST"
                | "PGHOSTADDR"
                | "PGPORT"
                | "PGDATABASE"
                | "PGUSER"
                | "PGAPPNAME"
                | "PGCONNECT_TIMEOUT"
                | "PGSSLMODE"
                | "PGTZ"
                | "PGDATESTYLE"
                | "PGCLIENTENCODING"
                | "PGTARGETSESSIONATTRS"
                | "MYSQL_HOST"
                | "MYSQL_TCP_PORT"
                | "GIT_AUTHOR_NAME"
                | "GIT_AUTHOR_EMAIL"
                | "GIT_COMMITTER_NAME"
                | "GIT_COMMITTER_EMAIL"
                | "GIT_TERMINAL_PROMPT"
                | "RUST_BACKTRACE"
                | "RUST_LOG"
                | "PYTHONUNBUFFERED"
                | "PYTHONDONTWRITEBYTECODE"
                | "PYTHONIOENCODING"
                | "DEBIAN_FRONTEND"
        )
}

/// Pager variables and the values of them that only print.
fn is_safe_pager(name: &str, value: &str) -> bool {
    matches!(
        name,
        "PAGER" | "GIT_PAGER" | "PSQL_PAGER" | "MANPAGER" | "SYSTEMD_PAGER" | "MYSQL_PAGER"
    ) && matches!(
        value,
        "cat" | "" | "less" | "more" | "less -R" | "less -FRX" | "less -S"
    )
}

/// Variables known to hold no secret: printing them is harmless.
pub(crate) fn is_harmless_to_print(name: &str) -> bool {
    name.starts_with("LC_")
        || name.starts_with("XDG_")
        || matches!(
            name,
            "HOME"
                | "USER"
                | "LOGNAME"
                | "SHELL"
                | "PWD"
                | "OLDPWD"
                | "PATH"
                | "LANG"
                | "LANGUAGE"
                | "TERM"
                | "TZ"
                | "HOSTNAME"
                | "EDITOR"
                | "VISUAL"
                | "PAGER"
                | "TMPDIR"
                | "SHLVL"
                | "COLUMNS"
                | "LINES"
                | "NO_COLOR"
                | "BASH_VERSION"
                | "UID"
                | "EUID"
                | "PPID"
                | "RANDOM"
                | "SECONDS"
                | "LINENO"
                | "OSTYPE"
                | "HOSTTYPE"
                | "MACHTYPE"
        )
}

/// Setting `name=value` (exported to programs when `exported`): `None` when known harmless,
/// else the decision, risk and why.
pub(crate) fn assignment_concern(
    name: &str,
    value: &str,
    exported: bool,
) -> Option<(Decision, Risk, String)> {
    if matches!(
        name,
        "LD_PRELOAD" | "LD_AUDIT" | "DYLD_INSERT_LIBRARIES" | "BASH_ENV" | "PGOPTIONS"
    ) {
        return Some((
            Decision::Deny,
            Risk::High,
            format!("`{name}` makes programs load or run code"),
        ));
    }
    if is_harmless_to_set(name) || is_safe_pager(name, value) {
        return None;
    }
    let shell_own = !name.bytes().any(|b| b.is_ascii_uppercase()) && !name.ends_with("_proxy");
    if !exported && shell_own {
        return None;
    }
    Some((
        Decision::Ask,
        Risk::High,
        format!("variable `{name}` is not known to be harmless (it can change what a program loads or runs)"),
    ))
}

/// The first expansion in `text` whose value is not known to be harmless to print: `$NAME`,
/// `${NAME…}`, `$1`, `$@`. Command substitutions (`$(…)`, judged on their own) and
/// arithmetic (`$((…))`) are not parameters.
pub(crate) fn unknown_expansion(text: &str, known: &HashSet<String>) -> Option<String> {
    let harmless = |name: &str| is_harmless_to_print(name) || known.contains(name);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let rest = &text[i + 1..];
        let name: String = if let Some(inner) = rest.strip_prefix('{') {
            let end = inner.find('}').unwrap_or(inner.len());
            let body = &inner[..end];
            let plain: String = body
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if plain.is_empty() || plain.len() != body.len() {
                // `${!P*}`, `${X:-…}`, `${X@Q}`: operators on a value.
                if plain.is_empty() || !harmless(&plain) {
                    return Some(format!("${{{body}}}"));
                }
            }
            plain
        } else {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        if name.is_empty() {
            match rest.chars().next() {
                // `$?`, `$#`, `$$`, `$!`, `$-`: numbers and flags; `$(`: a substitution.
                Some('?' | '#' | '$' | '!' | '-' | '(') | None => {}
                Some(c) => return Some(format!("${c}")),
            }
        } else if !harmless(&name) {
            return Some(format!("${name}"));
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_variables_may_be_set_for_programs() {
        assert!(assignment_concern("LC_ALL", "C", true).is_none());
        assert!(assignment_concern("PGHOST", "db", true).is_none());
        assert!(assignment_concern("PAGER", "cat", true).is_none());
        for (n, v) in [
            ("RUSTC", "./x"),
            ("HOME", "/tmp/h"),
            ("KUBECONFIG", "./k.yaml"),
            ("BUNDLE_GEMFILE", "x"),
            ("GOFLAGS", "-toolexec=./x"),
            ("PGPASSWORD", "x"),
            ("PAGER", "./evil.sh"),
            ("BASH_FUNC_cat%%", "() { id; }"),
            ("http_proxy", "http://x"),
        ] {
            assert!(assignment_concern(n, v, true).is_some(), "{n}");
        }
        assert_eq!(
            assignment_concern("LD_PRELOAD", "x.so", true).map(|c| c.0),
            Some(Decision::Deny)
        );
        // Shell-local lower-case variables are the script's own; upper-case may be exported.
        assert!(assignment_concern("f", "1", false).is_none());
        assert!(assignment_concern("f", "1", true).is_some());
        assert!(assignment_concern("PS4", "$(id)", false).is_some());
    }

    #[test]
    fn printing_unknown_expansions_is_named() {
        let none = HashSet::new();
        let unknown_expansion = |t: &str| super::unknown_expansion(t, &none);
        assert_eq!(
            unknown_expansion("$PGPASSWORD").as_deref(),
            Some("$PGPASSWORD")
        );
        assert_eq!(unknown_expansion("x${TOKEN}x").as_deref(), Some("$TOKEN"));
        assert_eq!(
            unknown_expansion("${TOKEN:-none}").as_deref(),
            Some("${TOKEN:-none}")
        );
        assert_eq!(unknown_expansion("${!P*}").as_deref(), Some("${!P*}"));
        assert_eq!(unknown_expansion("$1").as_deref(), Some("$1"));
        assert_eq!(unknown_expansion("$HOME/x $? $(…) $((…))"), None);
        let known: HashSet<String> = ["l".to_string()].into();
        assert_eq!(super::unknown_expansion("$l ${l}", &known), None);
    }
}
