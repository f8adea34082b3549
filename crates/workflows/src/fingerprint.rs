//! Query fingerprints: the same query with different literals gets the same fingerprint.
//!
//! The suggestion cache and the caching analysis group queries by fingerprint, so
//! `SELECT * FROM t WHERE id = 1` and `select *  from T where id=42` must be one entry. We
//! normalize the dialect's token stream rather than the AST: a fingerprint must exist even for
//! SQL the parser rejects (a query log contains anything), and tokens keep the user's query
//! shape (no reordering by a pretty-printer). The rules:
//!
//! - string, number, hex, dollar-quoted literals and placeholders (`$1`, `?`, `:name`) become `?`;
//!   a unary minus before a number folds into it;
//! - `IN (?, ?, …)` becomes `IN (?+)` whatever the list length;
//! - comments and whitespace go; keywords are upper-cased, unquoted identifiers lower-cased,
//!   quoted identifiers are kept as written; trailing `;` is dropped.
//!
//! The hash is 64-bit FNV-1a of the normalized text, as 16 hex digits: stable across runs,
//! platforms and releases (it keys an on-disk cache), which `std`'s `DefaultHasher` is not.

use crate::dialect::Dialect;
use serde::Serialize;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer, Whitespace};

/// A normalized query and its stable hash.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Fingerprint {
    /// 16 hex digits (64-bit FNV-1a of `normalized`).
    pub hash: String,
    /// The query with literals replaced by `?` and spacing and case normalized.
    pub normalized: String,
}

/// Fingerprint `sql` in `engine`'s dialect. Never fails: text the tokenizer rejects is
/// normalized by a simpler textual pass.
///
/// ```
/// use xldb_workflows::{fingerprint, Dialect};
/// let a = fingerprint(Dialect::Postgres, "SELECT * FROM t WHERE id IN (1, 2, 3)");
/// let b = fingerprint(Dialect::Postgres, "select *\n from T where id in (7)");
/// assert_eq!(a, b);
/// assert_eq!(a.normalized, "SELECT * FROM t WHERE id IN (?+)");
/// ```
pub fn fingerprint(engine: Dialect, sql: &str) -> Fingerprint {
    let dialect = engine.parser();
    let normalized = match Tokenizer::new(dialect.as_ref(), sql).tokenize() {
        Ok(tokens) => normalize_tokens(&tokens),
        Err(_) => normalize_text(sql),
    };
    Fingerprint {
        hash: format!("{:016x}", fnv1a(normalized.as_bytes())),
        normalized,
    }
}

/// Keywords written upper case; every other word (identifiers, and non-reserved keywords that
/// are often column names such as `name` or `id`) is folded to lower case.
const STRUCTURAL: &[Keyword] = &[
    Keyword::SELECT,
    Keyword::FROM,
    Keyword::WHERE,
    Keyword::AND,
    Keyword::OR,
    Keyword::NOT,
    Keyword::IN,
    Keyword::IS,
    Keyword::NULL,
    Keyword::LIKE,
    Keyword::ILIKE,
    Keyword::BETWEEN,
    Keyword::EXISTS,
    Keyword::JOIN,
    Keyword::INNER,
    Keyword::LEFT,
    Keyword::RIGHT,
    Keyword::FULL,
    Keyword::OUTER,
    Keyword::CROSS,
    Keyword::ON,
    Keyword::USING,
    Keyword::GROUP,
    Keyword::BY,
    Keyword::ORDER,
    Keyword::HAVING,
    Keyword::LIMIT,
    Keyword::OFFSET,
    Keyword::ASC,
    Keyword::DESC,
    Keyword::DISTINCT,
    Keyword::AS,
    Keyword::UNION,
    Keyword::ALL,
    Keyword::INTERSECT,
    Keyword::EXCEPT,
    Keyword::WITH,
    Keyword::CASE,
    Keyword::WHEN,
    Keyword::THEN,
    Keyword::ELSE,
    Keyword::END,
    Keyword::INSERT,
    Keyword::INTO,
    Keyword::VALUES,
    Keyword::UPDATE,
    Keyword::SET,
    Keyword::DELETE,
    Keyword::RETURNING,
    Keyword::TRUE,
    Keyword::FALSE,
    Keyword::FETCH,
    Keyword::FIRST,
    Keyword::NEXT,
    Keyword::ROWS,
    Keyword::ONLY,
    Keyword::TOP,
    Keyword::ANY,
    Keyword::SOME,
    Keyword::CAST,
    Keyword::OVER,
    Keyword::PARTITION,
    Keyword::WINDOW,
];

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn normalize_tokens(tokens: &[Token]) -> String {
    let mut out: Vec<String> = Vec::new();
    for t in tokens {
        let piece = match t {
            Token::Whitespace(Whitespace::Space | Whitespace::Tab | Whitespace::Newline)
            | Token::Whitespace(_)
            | Token::EOF => continue,
            Token::Number(..)
            | Token::SingleQuotedString(_)
            | Token::DoubleQuotedString(_)
            | Token::SingleQuotedRawStringLiteral(_)
            | Token::DoubleQuotedRawStringLiteral(_)
            | Token::NationalStringLiteral(_)
            | Token::EscapedStringLiteral(_)
            | Token::UnicodeStringLiteral(_)
            | Token::HexStringLiteral(_)
            | Token::DollarQuotedString(_)
            | Token::SingleQuotedByteStringLiteral(_)
            | Token::DoubleQuotedByteStringLiteral(_)
            | Token::TripleSingleQuotedString(_)
            | Token::TripleDoubleQuotedString(_)
            | Token::Placeholder(_) => {
                // `- 5` after an operator, `(`, `,` or keyword is a negative literal.
                if out.last().is_some_and(|p| p == "-") {
                    let before = out.len().checked_sub(2).and_then(|i| out.get(i));
                    let value_before = before.is_some_and(|p| {
                        p == "?" || p == ")" || p.starts_with('"') || is_identifier(p)
                    });
                    if !value_before {
                        out.pop();
                    }
                }
                "?".to_string()
            }
            Token::Word(w) => match (w.quote_style, w.keyword) {
                (Some(q), _) => {
                    let close = match q {
                        '[' => ']',
                        other => other,
                    };
                    format!("{q}{}{close}", w.value)
                }
                (None, k) if STRUCTURAL.contains(&k) => w.value.to_ascii_uppercase(),
                (None, _) => w.value.to_ascii_lowercase(),
            },
            Token::SemiColon => continue,
            other => other.to_string(),
        };
        out.push(piece);
    }
    collapse_in_lists(&mut out);
    join(&out)
}

fn is_identifier(p: &str) -> bool {
    p.chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
}

/// `IN ( ? , ? , ? )` → `IN ( ?+ )`.
fn collapse_in_lists(out: &mut Vec<String>) {
    let mut i = 0;
    while i + 2 < out.len() {
        if out[i] == "IN" && out[i + 1] == "(" && out[i + 2] == "?" {
            let mut j = i + 3;
            while j + 1 < out.len() && out[j] == "," && out[j + 1] == "?" {
                j += 2;
            }
            if j < out.len() && out[j] == ")" {
                out.splice(i + 2..j, ["?+".to_string()]);
            }
        }
        i += 1;
    }
}

fn join(pieces: &[String]) -> String {
    let mut s = String::new();
    let mut prev: Option<&str> = None;
    for p in pieces {
        // `f(x)`: no space between a function name (an identifier) and its `(`.
        let call = p == "(" && prev.is_some_and(|q| is_identifier(q) || q.ends_with('"'));
        let glue_before = matches!(p.as_str(), "." | "," | ")") || call;
        let glue_after_prev = matches!(prev, Some("." | "(")) || prev.is_none();
        if !glue_before && !glue_after_prev {
            s.push(' ');
        }
        s.push_str(p);
        prev = Some(p);
    }
    s
}

fn normalize_text(sql: &str) -> String {
    // A small fallback: strings and numbers to `?`, whitespace collapsed, case folded.
    let mut out = String::new();
    let mut chars = sql.trim().trim_end_matches(';').chars().peekable();
    let mut last_space = false;
    while let Some(c) = chars.next() {
        if c == '\'' {
            for d in chars.by_ref() {
                if d == '\'' {
                    break;
                }
            }
            out.push('?');
            last_space = false;
        } else if c.is_ascii_digit() && !out.ends_with(|p: char| p.is_alphanumeric() || p == '_') {
            while chars
                .peek()
                .is_some_and(|d| d.is_ascii_digit() || *d == '.')
            {
                chars.next();
            }
            out.push('?');
            last_space = false;
        } else if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c.to_ascii_lowercase());
            last_space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_case_and_spacing_do_not_matter() {
        let a = fingerprint(
            Dialect::MySql,
            "SELECT name FROM users WHERE id = 42 AND email = 'a@b.c'",
        );
        let b = fingerprint(
            Dialect::MySql,
            "select  name\nfrom USERS -- who\nwhere id=7 and email='x'",
        );
        assert_eq!(a, b);
        assert_eq!(
            a.normalized,
            "SELECT name FROM users WHERE id = ? AND email = ?"
        );
        assert_eq!(a.hash.len(), 16);
    }

    #[test]
    fn different_shapes_differ() {
        let a = fingerprint(Dialect::Postgres, "SELECT id FROM t WHERE a = 1");
        let b = fingerprint(Dialect::Postgres, "SELECT id FROM t WHERE b = 1");
        assert_ne!(a.hash, b.hash);
    }

    #[test]
    fn negative_numbers_placeholders_and_in_lists() {
        let a = fingerprint(
            Dialect::Postgres,
            "SELECT x FROM t WHERE v > -5 AND id IN (1,2,3) AND w = $1;",
        );
        let b = fingerprint(
            Dialect::Postgres,
            "SELECT x FROM t WHERE v > 10 AND id IN ($2) AND w = 'k'",
        );
        assert_eq!(a, b);
        assert_eq!(
            a.normalized,
            "SELECT x FROM t WHERE v > ? AND id IN (?+) AND w = ?"
        );
        // a binary minus stays
        assert_eq!(
            fingerprint(Dialect::Postgres, "SELECT a - 1 FROM t").normalized,
            "SELECT a - ? FROM t"
        );
    }

    #[test]
    fn quoted_identifiers_are_kept() {
        let f = fingerprint(
            Dialect::Postgres,
            "SELECT \"Name\" FROM \"Users\" u WHERE u.id = 3",
        );
        assert_eq!(
            f.normalized,
            "SELECT \"Name\" FROM \"Users\" u WHERE u.id = ?"
        );
    }

    #[test]
    fn untokenizable_text_still_gets_a_fingerprint() {
        let a = fingerprint(
            Dialect::Postgres,
            "SELECT 'unterminated FROM t WHERE id = 5",
        );
        assert!(!a.normalized.is_empty());
        assert_eq!(a.hash.len(), 16);
    }
}
