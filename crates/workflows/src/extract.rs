//! Reading the model's answer back: fenced SQL blocks and `RECOMMENDATION:` lines.
//!
//! The prompts ask for a convention ([`prompts`](crate::query_optimization_prompt)); models
//! follow it most of the time, so the extractors also accept the common variants (```` ```SQL ````,
//! ```` ```postgresql ````, numbered or bulleted recommendation lines). A proposed query is only
//! offered to the user after it parses in the engine's dialect and the caller's read-only check
//! (the approval policy's SQL classifier) agrees.

use crate::dialect::{Dialect, WorkflowDialect};
use serde::Serialize;

const SQL_TAGS: &[&str] = &[
    "sql",
    "postgresql",
    "postgres",
    "psql",
    "pgsql",
    "mysql",
    "mariadb",
    "sqlite",
    "clickhouse",
    "duckdb",
    "tsql",
    "mssql",
    "plsql",
    "oracle",
];

/// The contents of the fenced code blocks tagged as SQL, in order.
///
/// ```
/// let m = "Try this:\n```sql\nSELECT id FROM t WHERE a = 1;\n```\nand ```toml\nx=1\n```";
/// assert_eq!(xldb_workflows::extract_sql_blocks(m), ["SELECT id FROM t WHERE a = 1;"]);
/// ```
pub fn extract_sql_blocks(message: &str) -> Vec<String> {
    extract_blocks(message, |tag| {
        SQL_TAGS.contains(&tag.to_ascii_lowercase().as_str())
    })
}

/// The contents of fenced code blocks whose tag satisfies `want`.
pub fn extract_blocks(message: &str, want: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = message.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let Some(rest) = trimmed.strip_prefix("```") else {
            continue;
        };
        let tag = rest.split_whitespace().next().unwrap_or("");
        let mut body = Vec::new();
        let mut closed = false;
        for l in lines.by_ref() {
            if l.trim_start().starts_with("```") {
                closed = true;
                break;
            }
            body.push(l);
        }
        if closed && want(tag) {
            let text = body.join("\n").trim().to_string();
            if !text.is_empty() {
                out.push(text);
            }
        }
    }
    out
}

/// The recommendations of an answer: lines starting with `RECOMMENDATION:` (also after a list
/// marker or in bold).
pub fn extract_recommendations(message: &str) -> Vec<String> {
    message
        .lines()
        .filter_map(|l| {
            let l = l.trim().trim_start_matches(['-', '*', '•', ' ']);
            let l = l
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start_matches(['.', ')', ' ']);
            let l = l.trim_start_matches("**");
            let upper = l.get(..15)?.to_ascii_uppercase();
            if upper == "RECOMMENDATION:" {
                let text = l[15..].trim().trim_start_matches("**").trim();
                (!text.is_empty()).then(|| text.to_string())
            } else {
                None
            }
        })
        .collect()
}

/// A query proposed by the model, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposedQuery {
    /// The SQL as proposed.
    pub sql: String,
    /// It parses in the engine's dialect.
    pub parses: bool,
    /// The parser's error when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse_error: Option<String>,
    /// The caller's read-only verdict (None when not parsed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// Why it is or is not read-only (the policy's explanation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only_reason: Option<String>,
}

impl ProposedQuery {
    /// Usable: parses and is read-only.
    pub fn is_valid(&self) -> bool {
        self.parses && self.read_only == Some(true)
    }
}

/// Check each SQL block: parse in `engine`'s dialect, then ask `read_only` (the approval
/// policy's classifier, supplied by the caller so this crate's check and the policy can never
/// disagree) for an allow and its reason.
pub fn check_proposals(
    engine: Dialect,
    blocks: &[String],
    read_only: impl Fn(&str) -> (bool, String),
) -> Vec<ProposedQuery> {
    blocks
        .iter()
        .map(|sql| match engine.parse(sql) {
            Ok(stmts) if !stmts.is_empty() => {
                let (ro, reason) = read_only(sql);
                ProposedQuery {
                    sql: sql.clone(),
                    parses: true,
                    parse_error: None,
                    read_only: Some(ro),
                    read_only_reason: Some(reason),
                }
            }
            Ok(_) => ProposedQuery {
                sql: sql.clone(),
                parses: false,
                parse_error: Some("no statement".into()),
                read_only: None,
                read_only_reason: None,
            },
            Err(e) => ProposedQuery {
                sql: sql.clone(),
                parses: false,
                parse_error: Some(e.to_string()),
                read_only: None,
                read_only_reason: None,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_with_sql_tags_only_and_unclosed_fences_ignored() {
        let m = "a\n```SQL\nSELECT 1\n```\n```\nnot sql\n```\n  ```postgresql\nSELECT 2;\n  ```\n```sql\nSELECT 3";
        assert_eq!(extract_sql_blocks(m), ["SELECT 1", "SELECT 2;"]);
    }

    #[test]
    fn recommendations_in_several_spellings() {
        let m = "Intro\nRECOMMENDATION: add an index on orders(customer_id)\n- Recommendation: drop idx_dup\n2. **RECOMMENDATION:** use keyset pagination\nRECOMMENDATION:\nnot one";
        assert_eq!(
            extract_recommendations(m),
            [
                "add an index on orders(customer_id)",
                "drop idx_dup",
                "use keyset pagination"
            ]
        );
    }

    #[test]
    fn proposals_are_parsed_then_classified() {
        let blocks = vec![
            "SELECT id FROM t WHERE a = 1".to_string(),
            "SELEC nonsense".into(),
            "DELETE FROM t".into(),
        ];
        let checked = check_proposals(Dialect::Postgres, &blocks, |sql| {
            let ro = sql.trim_start().to_ascii_uppercase().starts_with("SELECT");
            (
                ro,
                if ro {
                    "read-only".into()
                } else {
                    "writes".into()
                },
            )
        });
        assert!(checked[0].is_valid());
        assert!(!checked[1].parses && checked[1].parse_error.is_some());
        assert_eq!(checked[2].read_only, Some(false));
        assert!(!checked[2].is_valid());
    }
}
