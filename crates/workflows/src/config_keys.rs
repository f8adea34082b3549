//! Misspelled keys in an xldb_proxy configuration: a key that is not one the proxy or the
//! review knows, but is one or two edits away from one (`tsl`, `pool_mx`, `conections`), is a
//! `misspelled-key` warning naming the near match. A typo would otherwise be silently ignored:
//! the setting the user meant stays at its default, and the review says nothing about it.
//!
//! The review walks configurations loosely on purpose (extra sections are fine), so a key far
//! from every known one is left alone: only near misses are reported.

use crate::finding::{Finding, Location, Severity};

/// The keys of an xldb_proxy configuration: those `generate_config` writes and those the
/// review reads.
const KNOWN_KEYS: &[&str] = &[
    "address",
    "bind",
    "cache",
    "connect_timeout",
    "connect_timeout_secs",
    "connection_timeout",
    "connections",
    "database",
    "default_ttl_secs",
    "driver",
    "dsn",
    "enabled",
    "engine",
    "host",
    "idle_timeout_secs",
    "listen",
    "log_level",
    "max_clients",
    "max_connections",
    "max_memory_mb",
    "max_pool",
    "max_pool_size",
    "min_connections",
    "min_idle",
    "min_pool_size",
    "name",
    "password",
    "pool_max",
    "pool_min",
    "pool_size",
    "port",
    "query_timeout",
    "query_timeout_secs",
    "read_only",
    "request_timeout",
    "request_timeout_secs",
    "server",
    "ssl",
    "ssl_mode",
    "sslmode",
    "statement_timeout",
    "tls",
    "tls_mode",
    "tls_verify",
    "type",
    "url",
    "user",
    "username",
];

/// The `misspelled-key` findings of `doc`, in document order. Keys under `connections` name
/// connections (any name is fine) and are not checked themselves; their contents are.
pub(crate) fn misspelled_keys(doc: &toml::Value) -> Vec<Finding> {
    let mut out = Vec::new();
    walk(doc, "", false, &mut out);
    out
}

fn walk(v: &toml::Value, prefix: &str, names: bool, out: &mut Vec<Finding>) {
    let Some(table) = v.as_table() else {
        return;
    };
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if !names {
            if let Some(near) = near_match(key) {
                out.push(Finding {
                    rule: "misspelled-key",
                    severity: Severity::Warning,
                    location: Location::ConfigKey { key: path.clone() },
                    message: format!(
                        "`{key}` is not a known key; it is ignored, and the setting it was meant for keeps its default"
                    ),
                    suggestion: format!("did you mean `{near}`?"),
                });
            }
        }
        walk(value, &path, !names && key == "connections", out);
    }
}

/// The known key `key` is a near miss of (one or two edits), if it is not known itself.
fn near_match(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    if KNOWN_KEYS.contains(&lower.as_str()) {
        return None;
    }
    let most = if lower.chars().count() <= 4 { 1 } else { 2 };
    let letters = |s: &str| {
        let mut c: Vec<char> = s.chars().collect();
        c.sort_unstable();
        c
    };
    // Ties go to the same letters in another order (`tsl` is `tls`, not `ssl`), then to the
    // same first letter.
    KNOWN_KEYS
        .iter()
        .map(|k| {
            let rank = (
                edit_distance(&lower, k),
                letters(&lower) != letters(k),
                lower.chars().next() != k.chars().next(),
            );
            (rank, *k)
        })
        .filter(|((d, _, _), _)| *d <= most)
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, k)| k)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbours each count one.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(String, String)> {
        let doc = crate::parse_config(text).unwrap();
        misspelled_keys(&doc)
            .into_iter()
            .map(|f| (f.location.to_string(), f.suggestion))
            .collect()
    }

    #[test]
    fn near_misses_are_named_with_their_match() {
        let found = keys(
            "[server]\nlisten = \"0.0.0.0:7878\"\ntsl = true\n[conections.main]\nurl = \"x\"\n[connections.pg]\nengine = \"postgres\"\npool_mx = 5\n",
        );
        let text = format!("{found:?}");
        assert!(
            text.contains("server.tsl") && text.contains("`tls`"),
            "{text}"
        );
        assert!(text.contains("`connections`"), "{text}");
        assert!(
            text.contains("connections.pg.pool_mx") && text.contains("`pool_max`"),
            "{text}"
        );
        assert_eq!(found.len(), 3, "{text}");
    }

    #[test]
    fn known_keys_connection_names_and_far_keys_pass() {
        assert!(keys(
            "[server]\nlisten = \"127.0.0.1:1\"\ntls = true\n[connections.tsl]\nengine = \"sqlite\"\n[metrics]\nprometheus_endpoint = \"/m\"\n"
        )
        .is_empty());
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("tsl", "tls"), 1);
        assert_eq!(edit_distance("pool_mx", "pool_max"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
