//! A small SQL lexer for the few facts some catalogs only keep as DDL text (SQLite check
//! constraints, index expressions, column collations and deferrable foreign keys, DuckDB index
//! definitions; generated columns of both).
//!
//! It knows quotes (`'…'`, `"…"`, `` `…` ``, `[…]`), comments and parentheses, which is all
//! that is needed to find clause boundaries; it does not parse SQL.

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A bare word (keyword or unquoted identifier).
    Word(String),
    /// A quoted identifier, unquoted.
    Ident(String),
    /// A string literal (kept raw).
    Str,
    /// Any other single character.
    Punct(char),
}

/// Tokens with their byte ranges in the input.
pub(crate) fn lex(sql: &str) -> Vec<(Tok, usize, usize)> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i = (i + 2).min(b.len());
            }
            b'\'' | b'"' | b'`' | b'[' => {
                let close = if c == b'[' { b']' } else { c };
                i += 1;
                let mut text = Vec::new();
                while i < b.len() {
                    if b[i] == close {
                        if close != b']' && b.get(i + 1) == Some(&close) {
                            text.push(close);
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    text.push(b[i]);
                    i += 1;
                }
                let tok = if c == b'\'' {
                    Tok::Str
                } else {
                    Tok::Ident(String::from_utf8_lossy(&text).into_owned())
                };
                out.push((tok, start, i));
            }
            _ if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'_'
                        || b[i] >= 0x80
                        || b[i] == b'$')
                {
                    i += 1;
                }
                out.push((Tok::Word(sql[start..i].to_owned()), start, i));
            }
            _ => {
                // Multi-byte characters are covered above (>= 0x80), so this is one ASCII char.
                i += 1;
                out.push((Tok::Punct(c as char), start, i));
            }
        }
    }
    out
}

fn is_word(t: &Tok, w: &str) -> bool {
    matches!(t, Tok::Word(s) if s.eq_ignore_ascii_case(w))
}

/// Index of the token closing the parenthesis opened at `open`.
fn matching_paren(toks: &[(Tok, usize, usize)], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, (t, _, _)) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

/// `CHECK (…)` clauses of a `CREATE TABLE` statement: `(constraint name, expression)`.
pub(crate) fn check_clauses(sql: &str) -> Vec<(Option<String>, String)> {
    let toks = lex(sql);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if is_word(&toks[i].0, "check") && matches!(toks.get(i + 1), Some((Tok::Punct('('), _, _)))
        {
            if let Some(close) = matching_paren(&toks, i + 1) {
                let expr = sql[toks[i + 1].2..toks[close].1].trim().to_owned();
                let name = if i >= 2 && is_word(&toks[i - 2].0, "constraint") {
                    match &toks[i - 1].0 {
                        Tok::Word(w) | Tok::Ident(w) => Some(w.clone()),
                        _ => None,
                    }
                } else {
                    None
                };
                out.push((name, expr));
                i = close;
            }
        }
        i += 1;
    }
    out
}

/// The column and constraint definitions of a `CREATE TABLE` statement: the token ranges
/// between the top-level commas of its parenthesised body.
fn definitions(toks: &[(Tok, usize, usize)]) -> Vec<std::ops::Range<usize>> {
    let mut defs = Vec::new();
    let Some(open) = toks.iter().position(|t| t.0 == Tok::Punct('(')) else {
        return defs;
    };
    let Some(close) = matching_paren(toks, open) else {
        return defs;
    };
    let (mut depth, mut start) = (0usize, open + 1);
    for (j, (tok, _, _)) in toks.iter().enumerate().take(close).skip(open + 1) {
        match tok {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => depth = depth.saturating_sub(1),
            Tok::Punct(',') if depth == 0 => {
                defs.push(start..j);
                start = j + 1;
            }
            _ => {}
        }
    }
    defs.push(start..close);
    defs
}

/// The column definitions of a `CREATE TABLE` statement: each column's name and the token
/// range of the rest of its definition (table constraints are skipped).
fn column_definitions(toks: &[(Tok, usize, usize)]) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    for def in definitions(toks) {
        let column = match toks.get(def.start).map(|t| &t.0) {
            Some(Tok::Word(w))
                if !["constraint", "primary", "unique", "check", "foreign"]
                    .iter()
                    .any(|k| w.eq_ignore_ascii_case(k)) =>
            {
                w.clone()
            }
            Some(Tok::Ident(w)) => w.clone(),
            _ => continue,
        };
        out.push((column, def.start + 1..def.end));
    }
    out
}

/// The generated columns of a `CREATE TABLE` statement: `(column, expression)` for each column
/// definition holding `[GENERATED ALWAYS] AS (expression)` (SQLite and DuckDB keep the
/// expression only in the DDL text).
pub(crate) fn generated_columns(sql: &str) -> Vec<(String, String)> {
    let toks = lex(sql);
    let mut out = Vec::new();
    for (column, def) in column_definitions(&toks) {
        let mut j = def.start;
        while j + 1 < def.end {
            if is_word(&toks[j].0, "as") && toks[j + 1].0 == Tok::Punct('(') {
                if let Some(end) = matching_paren(&toks, j + 1).filter(|e| *e < def.end) {
                    out.push((column, sql[toks[j + 1].2..toks[end].1].trim().to_owned()));
                }
                break;
            }
            j += 1;
        }
    }
    out
}

/// The deferrable foreign keys of a `CREATE TABLE` statement: `(referencing columns,
/// initially deferred)` for each `REFERENCES` clause saying `DEFERRABLE` (not `NOT
/// DEFERRABLE`), on a column (`a INT REFERENCES t DEFERRABLE INITIALLY DEFERRED`) or on the
/// table (`FOREIGN KEY (a, b) REFERENCES t …`). SQLite's pragmas do not report it.
pub(crate) fn deferrable_references(sql: &str) -> Vec<(Vec<String>, bool)> {
    let toks = lex(sql);
    let name = |t: &Tok| match t {
        Tok::Word(w) | Tok::Ident(w) => Some(w.clone()),
        _ => None,
    };
    let mut out = Vec::new();
    for def in definitions(&toks) {
        let Some(refs) = (def.start..def.end).find(|&j| is_word(&toks[j].0, "references")) else {
            continue;
        };
        let mut at = def.start;
        if is_word(&toks[at].0, "constraint") {
            at += 2;
        }
        let columns: Vec<String> = if at < refs && is_word(&toks[at].0, "foreign") {
            // FOREIGN KEY ( a , b )
            (at..refs)
                .skip_while(|&j| toks[j].0 != Tok::Punct('('))
                .take_while(|&j| toks[j].0 != Tok::Punct(')'))
                .filter_map(|j| name(&toks[j].0))
                .collect()
        } else {
            toks.get(def.start)
                .and_then(|t| name(&t.0))
                .into_iter()
                .collect()
        };
        let (mut deferrable, mut deferred) = (false, false);
        for j in refs..def.end {
            if is_word(&toks[j].0, "deferrable") {
                deferrable = j == 0 || !is_word(&toks[j - 1].0, "not");
            }
            if is_word(&toks[j].0, "initially")
                && toks.get(j + 1).is_some_and(|t| is_word(&t.0, "deferred"))
            {
                deferred = true;
            }
        }
        if deferrable && !columns.is_empty() {
            out.push((columns, deferred));
        }
    }
    out
}

/// The declared collations of a `CREATE TABLE` statement's columns: `(column, collation)` for
/// each column definition with a `COLLATE name` clause of its own (not one inside a check or
/// generated expression).
pub(crate) fn column_collations(sql: &str) -> Vec<(String, String)> {
    let toks = lex(sql);
    let mut out = Vec::new();
    for (column, def) in column_definitions(&toks) {
        let mut depth = 0usize;
        for j in def.clone() {
            match &toks[j].0 {
                Tok::Punct('(') => depth += 1,
                Tok::Punct(')') => depth = depth.saturating_sub(1),
                t if depth == 0 && is_word(t, "collate") && j + 1 < def.end => {
                    if let Tok::Word(name) | Tok::Ident(name) = &toks[j + 1].0 {
                        out.push((column, name.clone()));
                    }
                    break;
                }
                _ => {}
            }
        }
    }
    out
}

/// What a `CREATE INDEX` statement says about its key parts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IndexDef {
    /// Each part as `(text without direction, descending)`.
    pub(crate) parts: Vec<(String, bool)>,
    /// The `WHERE` predicate.
    pub(crate) predicate: Option<String>,
}

/// The key parts and `WHERE` predicate of a `CREATE INDEX … ON t (parts) [WHERE p]` statement.
pub(crate) fn index_parts(sql: &str) -> Option<IndexDef> {
    let toks = lex(sql);
    let on = toks.iter().position(|(t, _, _)| is_word(t, "on"))?;
    let open = on
        + toks[on..]
            .iter()
            .position(|(t, _, _)| *t == Tok::Punct('('))?;
    let close = matching_paren(&toks, open)?;
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut part_start = open + 1;
    for j in open + 1..=close {
        match toks[j].0 {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') if depth > 0 => depth -= 1,
            Tok::Punct(',') | Tok::Punct(')') if depth == 0 => {
                if part_start < j {
                    parts.push(part(sql, &toks[part_start..j]));
                }
                part_start = j + 1;
            }
            _ => {}
        }
    }
    let predicate = toks[close + 1..]
        .iter()
        .position(|(t, _, _)| is_word(t, "where"))
        .map(|w| {
            let start = toks[close + 1 + w].2;
            sql[start..].trim().trim_end_matches(';').trim().to_owned()
        });
    Some(IndexDef { parts, predicate })
}

fn part(sql: &str, toks: &[(Tok, usize, usize)]) -> (String, bool) {
    let mut end = toks.len();
    let mut desc = false;
    if let Some((t, _, _)) = toks.last() {
        if is_word(t, "desc") {
            desc = true;
            end -= 1;
        } else if is_word(t, "asc") {
            end -= 1;
        }
    }
    // Drop `COLLATE name` and `NULLS FIRST/LAST` tails.
    if let Some(c) = toks[..end]
        .iter()
        .position(|(t, _, _)| is_word(t, "collate") || is_word(t, "nulls"))
    {
        if c > 0 {
            end = c;
        }
    }
    let text = match toks.get(..end) {
        Some([first, .., last]) => sql[first.1..last.2].trim().to_owned(),
        Some([only]) => sql[only.1..only.2].to_owned(),
        _ => String::new(),
    };
    (text, desc)
}

/// The identifier `text` names, when `text` is a single (possibly quoted) identifier.
pub(crate) fn single_identifier(text: &str) -> Option<String> {
    match lex(text).as_slice() {
        [(Tok::Word(w), _, _)] | [(Tok::Ident(w), _, _)] => Some(w.clone()),
        _ => None,
    }
}

/// The `SELECT …` of a `CREATE VIEW … AS SELECT …` statement.
pub(crate) fn view_body(sql: &str) -> Option<String> {
    let toks = lex(sql);
    let as_pos = toks
        .iter()
        .position(|(t, _, _)| matches!(t, Tok::Word(w) if w.eq_ignore_ascii_case("as")))?;
    Some(sql[toks[as_pos].2..].trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_checks_with_names_and_ignores_quoted_lookalikes() {
        let sql = r#"CREATE TABLE "we;ird ""name""" (qty INT CHECK (qty > 0), "check" TEXT DEFAULT 'CHECK (no)', CONSTRAINT "pos" CHECK ((a + b) > (c)))"#;
        assert_eq!(
            check_clauses(sql),
            vec![
                (None, "qty > 0".to_owned()),
                (Some("pos".to_owned()), "(a + b) > (c)".to_owned())
            ]
        );
    }

    #[test]
    fn splits_index_parts_and_predicate() {
        let IndexDef { parts, predicate: pred } = index_parts(
            r#"CREATE INDEX "ix desc" ON "we;ird ""name""" (tenant, created DESC, lower("a,b") COLLATE nocase ASC) WHERE qty > 10;"#,
        )
        .unwrap();
        assert_eq!(
            parts,
            vec![
                ("tenant".to_owned(), false),
                ("created".to_owned(), true),
                ("lower(\"a,b\")".to_owned(), false)
            ]
        );
        assert_eq!(pred.as_deref(), Some("qty > 10"));
        assert_eq!(single_identifier("\"a\"\"b\""), Some("a\"b".to_owned()));
        assert_eq!(single_identifier("lower(x)"), None);
        assert_eq!(
            view_body("CREATE VIEW \"as\" AS SELECT 1").as_deref(),
            Some("SELECT 1")
        );
    }

    #[test]
    fn deferrable_references_are_read_from_the_ddl() {
        let sql = "CREATE TABLE t (a INT REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED, \
                   b INT REFERENCES p NOT DEFERRABLE, c INT REFERENCES p ON DELETE CASCADE, \
                   \"d e\" INT, f INT, \
                   CONSTRAINT k FOREIGN KEY (\"d e\", f) REFERENCES q (x, y) DEFERRABLE, \
                   FOREIGN KEY (f) REFERENCES p DEFERRABLE INITIALLY IMMEDIATE)";
        assert_eq!(
            deferrable_references(sql),
            [
                (vec!["a".to_owned()], true),
                (vec!["d e".to_owned(), "f".to_owned()], false),
                (vec!["f".to_owned()], false),
            ]
        );
    }

    #[test]
    fn column_collations_are_read_from_the_ddl() {
        let sql =
            "CREATE TABLE t (a TEXT COLLATE NOCASE NOT NULL, \"b c\" TEXT COLLATE \"rtrim\", \
                   d TEXT CHECK (d COLLATE BINARY = 'x'), e TEXT DEFAULT 'COLLATE no', \
                   CONSTRAINT k CHECK (a > 0))";
        assert_eq!(
            column_collations(sql),
            [
                ("a".to_owned(), "NOCASE".to_owned()),
                ("b c".to_owned(), "rtrim".to_owned())
            ]
        );
    }

    #[test]
    fn generated_column_expressions_are_read_from_the_ddl() {
        let sql = "CREATE TABLE t (a INTEGER, \"b c\" TEXT GENERATED ALWAYS AS (upper(x || ',')) STORED, \
                   d AS (a * 2), e TEXT DEFAULT 'AS (no)', CONSTRAINT k CHECK (a > 0))";
        assert_eq!(
            generated_columns(sql),
            [
                ("b c".to_owned(), "upper(x || ',')".to_owned()),
                ("d".to_owned(), "a * 2".to_owned())
            ]
        );
    }
}
