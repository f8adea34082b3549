//! The local query analyzer: anti-patterns found on the sqlparser AST, per dialect.
//!
//! Works without a database and without Codex: it is the fallback when Codex is unavailable and
//! the first pass whose findings are handed to Codex. It walks the parsed statements with
//! sqlparser's `Visitor` and reports, each with a severity, a location (line and column from the
//! parser's spans) and a suggested fix:
//!
//! | rule | what |
//! |---|---|
//! | `select-star` | `SELECT *` / `t.*` outside `EXISTS (…)` |
//! | `update-without-where`, `delete-without-where` | a write that touches every row |
//! | `leading-wildcard-like` | `LIKE '%…'` (no B-tree index can serve it) |
//! | `function-on-column` | `WHERE lower(email) = …`, `CAST(col …)` in a predicate: not sargable |
//! | `not-in-nullable-subquery` | `NOT IN (SELECT col …)` where `col` may be NULL: returns no rows |
//! | `implicit-cross-join` | `FROM a, b` (a cartesian product when no join predicate) |
//! | `deep-offset` | `OFFSET n` with a large `n`: scans and throws away `n` rows |
//! | `order-by-random` | `ORDER BY RAND()` / `RANDOM()` / `NEWID()`: sorts the whole table |
//!
//! Schema knowledge is optional ([`SchemaFacts`]): with it, `function-on-column` knows whether the
//! column is indexed and `not-in-nullable-subquery` whether the column is nullable; without it
//! the analyzer assumes the worst and says "may".

use crate::dialect::{Dialect, WorkflowDialect};
use crate::error::WorkflowError;
use crate::finding::{sort_findings, Finding, Location, Severity};
use serde::Serialize;
use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, InTarget, LimitClause,
    ObjectName, OrderByKind, Query, Select, SelectItem, SetExpr, Spanned, Statement, TableFactor,
    UnaryOperator, Value, Visit, Visitor,
};
use sqlparser::tokenizer::Span;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::ControlFlow;

/// What the analyzer knows about one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ColumnFacts {
    /// The column accepts NULL.
    pub nullable: bool,
    /// The column is the first column of some index (or of the primary key).
    pub indexed: bool,
}

/// Optional schema knowledge for the query analyzer: table → column → facts (names lower case).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SchemaFacts {
    tables: BTreeMap<String, BTreeMap<String, ColumnFacts>>,
}

impl SchemaFacts {
    /// Record one column.
    pub fn add_column(&mut self, table: &str, column: &str, facts: ColumnFacts) {
        self.tables
            .entry(table.to_ascii_lowercase())
            .or_default()
            .insert(column.to_ascii_lowercase(), facts);
    }

    /// Facts about `table.column`, if known.
    pub fn column(&self, table: &str, column: &str) -> Option<ColumnFacts> {
        let table = table.to_ascii_lowercase();
        let short = table.rsplit('.').next().unwrap_or(&table).to_string();
        self.tables
            .get(&table)
            .or_else(|| self.tables.get(&short))
            .and_then(|t| t.get(&column.to_ascii_lowercase()))
            .copied()
    }

    /// True when nothing is known.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }
}

/// Tunables of the query analyzer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLintOptions {
    /// `OFFSET` values from this one on are reported as deep pagination.
    pub deep_offset: u64,
}

impl Default for QueryLintOptions {
    fn default() -> Self {
        QueryLintOptions { deep_offset: 1000 }
    }
}

/// The local analysis of one SQL text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryAnalysis {
    /// The dialect it was parsed in.
    pub engine: Dialect,
    /// Number of statements in the text.
    pub statements: usize,
    /// The findings, most severe first.
    pub findings: Vec<Finding>,
}

/// Parse `sql` in `engine`'s dialect and report anti-patterns.
///
/// ```
/// use xldb_workflows::{analyze_query, Dialect, SchemaFacts, QueryLintOptions};
/// let a = analyze_query(Dialect::Postgres, "DELETE FROM orders", &SchemaFacts::default(),
///                       QueryLintOptions::default()).unwrap();
/// assert_eq!(a.findings[0].rule, "delete-without-where");
/// ```
pub fn analyze_query(
    engine: Dialect,
    sql: &str,
    facts: &SchemaFacts,
    options: QueryLintOptions,
) -> Result<QueryAnalysis, WorkflowError> {
    let statements = engine.parse(sql)?;
    let mut linter = Linter {
        engine,
        facts,
        options,
        statement: 0,
        findings: Vec::new(),
        exists_selects: HashSet::new(),
    };
    for (i, statement) in statements.iter().enumerate() {
        linter.statement = i + 1;
        let _ = statement.visit(&mut linter);
    }
    let mut findings = linter.findings;
    sort_findings(&mut findings);
    findings.dedup();
    Ok(QueryAnalysis {
        engine,
        statements: statements.len(),
        findings,
    })
}

/// The tables a SQL text reads or writes (lower case, without schema), in first-seen order;
/// empty when it does not parse.
///
/// ```
/// let t = xldb_workflows::referenced_tables(xldb_workflows::Dialect::Postgres,
///     "SELECT o.id FROM shop.orders o JOIN customers c ON c.id = o.customer_id");
/// assert_eq!(t, ["orders", "customers"]);
/// ```
pub fn referenced_tables(engine: Dialect, sql: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Ok(statements) = engine.parse(sql) {
        for s in &statements {
            let _ = sqlparser::ast::visit_relations(s, |r| {
                let name = object_name(r).to_ascii_lowercase();
                let short = name.rsplit('.').next().unwrap_or(&name).to_string();
                if !out.contains(&short) {
                    out.push(short);
                }
                ControlFlow::<()>::Continue(())
            });
        }
    }
    out
}

struct Linter<'a> {
    engine: Dialect,
    facts: &'a SchemaFacts,
    options: QueryLintOptions,
    statement: usize,
    findings: Vec<Finding>,
    /// Selects that are the body of an `EXISTS (…)`: `SELECT *` is idiomatic there. Compared by
    /// address only (never dereferenced); the AST outlives the walk.
    exists_selects: HashSet<usize>,
}

impl Linter<'_> {
    fn loc(&self, span: Span) -> Location {
        Location::Sql {
            statement: self.statement,
            line: span.start.line,
            column: span.start.column,
        }
    }

    fn push(
        &mut self,
        rule: &'static str,
        severity: Severity,
        span: Span,
        message: String,
        suggestion: String,
    ) {
        let location = self.loc(span);
        self.findings.push(Finding {
            rule,
            severity,
            location,
            message,
            suggestion,
        });
    }

    fn check_predicates(&mut self, expr: &Expr, aliases: &Aliases) {
        match expr {
            Expr::BinaryOp {
                left,
                op: BinaryOperator::And | BinaryOperator::Or,
                right,
            } => {
                self.check_predicates(left, aliases);
                self.check_predicates(right, aliases);
            }
            Expr::Nested(inner)
            | Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr: inner,
            } => self.check_predicates(inner, aliases),
            Expr::BinaryOp { left, op, right } if is_comparison(op) => {
                self.check_wrapped(left, aliases);
                self.check_wrapped(right, aliases);
            }
            Expr::Between { expr, .. }
            | Expr::Like { expr, .. }
            | Expr::ILike { expr, .. }
            | Expr::In { expr, .. }
            | Expr::IsNull(expr)
            | Expr::IsNotNull(expr) => self.check_wrapped(expr, aliases),
            _ => {}
        }
    }

    fn check_wrapped(&mut self, expr: &Expr, aliases: &Aliases) {
        let Some((func, column_expr)) = wrapped_column(expr) else {
            return;
        };
        let Some((qualifier, column)) = column_ref(column_expr) else {
            return;
        };
        let table = aliases.resolve(qualifier.as_deref(), &column, self.facts);
        let facts = table.as_deref().and_then(|t| self.facts.column(t, &column));
        let shown = match &table {
            Some(t) => format!("{t}.{column}"),
            None => column.clone(),
        };
        let (severity, message) = match facts {
            Some(f) if f.indexed => (
                Severity::Warning,
                format!("`{func}(…)` on indexed column `{shown}` prevents the index from being used"),
            ),
            Some(_) => (
                Severity::Info,
                format!("`{func}(…)` on column `{shown}` in a predicate is not sargable (the column has no index yet)"),
            ),
            None => (
                Severity::Warning,
                format!("`{func}(…)` on column `{shown}` in a predicate prevents the use of an index on it"),
            ),
        };
        self.push(
            "function-on-column",
            severity,
            expr.span(),
            message,
            format!(
                "compare the bare column (e.g. a range `{column} >= … AND {column} < …` instead of a function of it), or index the expression `{func}({column})`"
            ),
        );
    }
}

fn is_comparison(op: &BinaryOperator) -> bool {
    matches!(
        op,
        BinaryOperator::Eq
            | BinaryOperator::NotEq
            | BinaryOperator::Lt
            | BinaryOperator::LtEq
            | BinaryOperator::Gt
            | BinaryOperator::GtEq
    )
}

/// `f(col, …)` or `CAST(col AS …)` → (function name, the column expression).
fn wrapped_column(expr: &Expr) -> Option<(String, &Expr)> {
    match expr {
        Expr::Nested(inner) => wrapped_column(inner),
        Expr::Cast { expr: inner, .. } if column_ref(inner).is_some() => {
            Some(("CAST".to_string(), inner))
        }
        Expr::Function(f) => {
            let FunctionArguments::List(list) = &f.args else {
                return None;
            };
            list.args.iter().find_map(|arg| {
                let e = match arg {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
                    | FunctionArg::Named {
                        arg: FunctionArgExpr::Expr(e),
                        ..
                    }
                    | FunctionArg::ExprNamed {
                        arg: FunctionArgExpr::Expr(e),
                        ..
                    } => e,
                    _ => return None,
                };
                column_ref(e).map(|_| (object_name(&f.name), e))
            })
        }
        _ => None,
    }
}

/// A column reference → (qualifier, column), names lower-cased.
fn column_ref(expr: &Expr) -> Option<(Option<String>, String)> {
    match expr {
        Expr::Identifier(id) => Some((None, id.value.to_ascii_lowercase())),
        Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
            let column = parts.last()?.value.to_ascii_lowercase();
            let qualifier = parts[parts.len() - 2].value.to_ascii_lowercase();
            Some((Some(qualifier), column))
        }
        Expr::Nested(inner) => column_ref(inner),
        _ => None,
    }
}

fn object_name(name: &ObjectName) -> String {
    name.0
        .iter()
        .map(|p| match p.as_ident() {
            Some(id) => id.value.clone(),
            None => p.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Alias (or table name) → table name, for the tables of one `FROM`.
#[derive(Default)]
struct Aliases {
    map: HashMap<String, String>,
    tables: Vec<String>,
}

impl Aliases {
    fn of(from: &[sqlparser::ast::TableWithJoins]) -> Aliases {
        let mut a = Aliases::default();
        let mut add = |factor: &TableFactor| {
            if let TableFactor::Table { name, alias, .. } = factor {
                let table = object_name(name).to_ascii_lowercase();
                let short = table.rsplit('.').next().unwrap_or(&table).to_string();
                a.map.insert(short, table.clone());
                if let Some(alias) = alias {
                    a.map
                        .insert(alias.name.value.to_ascii_lowercase(), table.clone());
                }
                a.tables.push(table);
            }
        };
        for twj in from {
            add(&twj.relation);
            for j in &twj.joins {
                add(&j.relation);
            }
        }
        a
    }

    fn resolve(
        &self,
        qualifier: Option<&str>,
        column: &str,
        facts: &SchemaFacts,
    ) -> Option<String> {
        match qualifier {
            Some(q) => self.map.get(q).cloned().or_else(|| Some(q.to_string())),
            None if self.tables.len() == 1 => self.tables.first().cloned(),
            None => self
                .tables
                .iter()
                .find(|t| facts.column(t, column).is_some())
                .cloned(),
        }
    }
}

/// The leading string literal of a LIKE pattern (`'%x'`, `'%' || x`, `CONCAT('%', x)`).
fn leading_literal(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s)
            | Value::DoubleQuotedString(s)
            | Value::EscapedStringLiteral(s)
            | Value::NationalStringLiteral(s) => Some(s),
            _ => None,
        },
        Expr::Nested(inner) => leading_literal(inner),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::StringConcat,
            ..
        } => leading_literal(left),
        Expr::Function(f) if object_name(&f.name).eq_ignore_ascii_case("concat") => {
            let FunctionArguments::List(list) = &f.args else {
                return None;
            };
            match list.args.first()? {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => leading_literal(e),
                _ => None,
            }
        }
        _ => None,
    }
}

fn number(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

/// Does `expr` contain an equality between two column references (a join predicate)?
fn has_join_predicate(expr: &Expr) -> bool {
    match expr {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And | BinaryOperator::Or,
            right,
        } => has_join_predicate(left) || has_join_predicate(right),
        Expr::Nested(inner) => has_join_predicate(inner),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } => match (column_ref(left), column_ref(right)) {
            (Some((ql, _)), Some((qr, _))) => ql != qr || ql.is_none(),
            _ => false,
        },
        _ => false,
    }
}

/// Is the subquery's single projected column guarded by `WHERE col IS NOT NULL`?
fn filters_nulls(select: &Select, column: &str) -> bool {
    fn walk(e: &Expr, column: &str) -> bool {
        match e {
            Expr::BinaryOp {
                left,
                op: BinaryOperator::And,
                right,
            } => walk(left, column) || walk(right, column),
            Expr::Nested(inner) => walk(inner, column),
            Expr::IsNotNull(inner) => column_ref(inner).is_some_and(|(_, c)| c == column),
            _ => false,
        }
    }
    select.selection.as_ref().is_some_and(|w| walk(w, column))
}

impl Visitor for Linter<'_> {
    type Break = ();

    fn pre_visit_statement(&mut self, statement: &Statement) -> ControlFlow<()> {
        match statement {
            Statement::Update(u) => {
                let aliases = Aliases::of(std::slice::from_ref(&u.table));
                match &u.selection {
                    None => self.push(
                        "update-without-where",
                        Severity::Error,
                        statement.span(),
                        format!(
                            "`UPDATE {}` has no `WHERE`: it changes every row",
                            u.table.relation
                        ),
                        "add a `WHERE` clause that selects the rows to change; run it in a transaction and check the row count first".into(),
                    ),
                    Some(w) => self.check_predicates(w, &aliases),
                }
            }
            Statement::Delete(d) => match &d.selection {
                None => self.push(
                    "delete-without-where",
                    Severity::Error,
                    statement.span(),
                    format!("`DELETE {}` has no `WHERE`: it removes every row", d.from),
                    "add a `WHERE` clause; if emptying the table is intended, say so with `TRUNCATE` (and a backup)".into(),
                ),
                Some(w) => {
                    let tables = match &d.from {
                        sqlparser::ast::FromTable::WithFromKeyword(t)
                        | sqlparser::ast::FromTable::WithoutKeyword(t) => t,
                    };
                    self.check_predicates(w, &Aliases::of(tables));
                }
            },
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        let offset = match &query.limit_clause {
            Some(LimitClause::LimitOffset {
                offset: Some(o), ..
            }) => Some(&o.value),
            Some(LimitClause::OffsetCommaLimit { offset, .. }) => Some(offset),
            _ => None,
        };
        if let Some(offset) = offset {
            if let Some(n) = number(offset).filter(|n| *n >= self.options.deep_offset) {
                self.push(
                    "deep-offset",
                    Severity::Warning,
                    offset.span(),
                    format!("`OFFSET {n}` reads and discards {n} rows before returning any"),
                    "paginate by key instead (keyset pagination): `WHERE id > :last_seen_id ORDER BY id LIMIT n`".into(),
                );
            }
        }
        if let Some(order_by) = &query.order_by {
            if let OrderByKind::Expressions(exprs) = &order_by.kind {
                for e in exprs {
                    if let Expr::Function(f) = &e.expr {
                        let name = object_name(&f.name).to_ascii_lowercase();
                        if self.engine.random_functions().contains(&name.as_str())
                            || Dialect::Generic.random_functions().contains(&name.as_str())
                        {
                            self.push(
                                "order-by-random",
                                Severity::Warning,
                                e.expr.span(),
                                format!("`ORDER BY {name}()` computes a random key for every row and sorts the whole result"),
                                "pick random keys instead (e.g. `WHERE id >= <random id> ORDER BY id LIMIT n`), or sample with `TABLESAMPLE` where the engine has it".into(),
                            );
                        }
                    }
                }
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<()> {
        let in_exists = self
            .exists_selects
            .contains(&(select as *const Select as usize));
        if !in_exists {
            for item in &select.projection {
                let shown = match item {
                    SelectItem::Wildcard(_) => "*".to_string(),
                    SelectItem::QualifiedWildcard(kind, _) => format!("{kind}.*"),
                    _ => continue,
                };
                self.push(
                    "select-star",
                    Severity::Warning,
                    item.span(),
                    format!("`SELECT {shown}` fetches every column, including ones the caller does not use"),
                    "list the columns you need; it lets covering indexes serve the query and keeps results stable when columns are added".into(),
                );
            }
        }
        let aliases = Aliases::of(&select.from);
        if select.from.len() > 1 {
            let joined = select.selection.as_ref().is_some_and(has_join_predicate);
            let names: Vec<String> = select.from.iter().map(|t| t.relation.to_string()).collect();
            if joined {
                self.push(
                    "implicit-cross-join",
                    Severity::Info,
                    select.from[1].span(),
                    format!("`FROM {}` joins with commas; the join condition hides in `WHERE`", names.join(", ")),
                    "write explicit `JOIN … ON …` so a missing condition cannot turn into a cartesian product".into(),
                );
            } else {
                self.push(
                    "implicit-cross-join",
                    Severity::Warning,
                    select.from[1].span(),
                    format!("`FROM {}` has no join condition: a cartesian product of the tables", names.join(", ")),
                    "add the join condition with `JOIN … ON …`, or write `CROSS JOIN` if every combination is really wanted".into(),
                );
            }
        }
        if let Some(w) = &select.selection {
            self.check_predicates(w, &aliases);
        }
        for twj in &select.from {
            for j in &twj.joins {
                if let Some(on) = join_on(&j.join_operator) {
                    self.check_predicates(on, &aliases);
                }
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        match expr {
            Expr::Exists { subquery, .. } => {
                if let SetExpr::Select(s) = subquery.body.as_ref() {
                    self.exists_selects
                        .insert(s.as_ref() as *const Select as usize);
                }
            }
            Expr::Like {
                negated, pattern, ..
            }
            | Expr::ILike {
                negated, pattern, ..
            } => {
                if let Some(lit) = leading_literal(pattern) {
                    if lit.starts_with('%') || lit.starts_with('_') {
                        let not = if *negated { "NOT " } else { "" };
                        self.push(
                            "leading-wildcard-like",
                            Severity::Warning,
                            expr.span(),
                            format!("`{not}LIKE '{lit}'` starts with a wildcard: no B-tree index can be used, every row is scanned"),
                            "anchor the pattern (`LIKE 'abc%'`), or use a full-text / trigram index (PostgreSQL `pg_trgm`, MySQL `FULLTEXT`)".into(),
                        );
                    }
                }
            }
            Expr::In {
                expr: lhs,
                target: InTarget::Subquery(q),
                negated: true,
                ..
            } => self.check_not_in(expr, lhs, q),
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

fn join_on(op: &sqlparser::ast::JoinOperator) -> Option<&Expr> {
    use sqlparser::ast::{JoinConstraint, JoinOperator as J};
    let c = match op {
        J::Join(c)
        | J::Inner(c)
        | J::Left(c)
        | J::LeftOuter(c)
        | J::Right(c)
        | J::RightOuter(c)
        | J::FullOuter(c)
        | J::Semi(c)
        | J::LeftSemi(c)
        | J::RightSemi(c)
        | J::Anti(c)
        | J::LeftAnti(c)
        | J::RightAnti(c)
        | J::StraightJoin(c) => c,
        _ => return None,
    };
    match c {
        JoinConstraint::On(e) => Some(e),
        _ => None,
    }
}

impl Linter<'_> {
    fn check_not_in(&mut self, expr: &Expr, lhs: &Expr, q: &Query) {
        let SetExpr::Select(sub) = q.body.as_ref() else {
            return;
        };
        let projected = match sub.projection.first() {
            Some(SelectItem::UnnamedExpr(e)) | Some(SelectItem::ExprWithAlias { expr: e, .. }) => {
                column_ref(e)
            }
            _ => None,
        };
        let facts = projected.as_ref().and_then(|(q, c)| {
            let aliases = Aliases::of(&sub.from);
            aliases
                .resolve(q.as_deref(), c, self.facts)
                .and_then(|t| self.facts.column(&t, c))
        });
        if let Some((_, column)) = &projected {
            if filters_nulls(sub, column) || facts.is_some_and(|f| !f.nullable) {
                return;
            }
        }
        let what = match (&projected, facts) {
            (Some((_, c)), Some(_)) => format!("column `{c}` is nullable"),
            (Some((_, c)), None) => format!("column `{c}` may be NULL"),
            (None, _) => "the subquery may return NULL".to_string(),
        };
        self.push(
            "not-in-nullable-subquery",
            Severity::Warning,
            expr.span(),
            format!("`{lhs} NOT IN (SELECT …)`: {what}, and a single NULL makes `NOT IN` return no rows"),
            "use `NOT EXISTS (SELECT 1 FROM … WHERE … = outer.col)`, or add `WHERE col IS NOT NULL` to the subquery".into(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(engine: Dialect, sql: &str) -> Vec<&'static str> {
        analyze_query(
            engine,
            sql,
            &SchemaFacts::default(),
            QueryLintOptions::default(),
        )
        .unwrap()
        .findings
        .iter()
        .map(|f| f.rule)
        .collect()
    }

    #[test]
    fn select_star_is_found_with_its_position_but_not_inside_exists() {
        let a = analyze_query(
            Dialect::Postgres,
            "SELECT id FROM t\nWHERE x = 1;\nSELECT *\n  FROM orders",
            &SchemaFacts::default(),
            QueryLintOptions::default(),
        )
        .unwrap();
        assert_eq!(a.statements, 2);
        assert_eq!(a.findings.len(), 1);
        assert_eq!(
            a.findings[0].location,
            Location::Sql {
                statement: 2,
                line: 3,
                column: 8
            }
        );
        assert!(rules(
            Dialect::Postgres,
            "SELECT id FROM a WHERE EXISTS (SELECT * FROM b WHERE b.a_id = a.id)"
        )
        .is_empty());
        assert_eq!(
            rules(Dialect::MySql, "SELECT o.* FROM orders o"),
            ["select-star"]
        );
    }

    #[test]
    fn writes_without_where_are_errors() {
        let a = analyze_query(
            Dialect::Sqlite,
            "UPDATE users SET active = 0",
            &SchemaFacts::default(),
            QueryLintOptions::default(),
        )
        .unwrap();
        assert_eq!(a.findings[0].rule, "update-without-where");
        assert_eq!(a.findings[0].severity, Severity::Error);
        assert_eq!(
            rules(Dialect::MySql, "DELETE FROM users"),
            ["delete-without-where"]
        );
        assert!(rules(Dialect::MySql, "DELETE FROM users WHERE id = 3").is_empty());
        assert!(rules(Dialect::Postgres, "UPDATE users SET a = 1 WHERE id = 3").is_empty());
    }

    #[test]
    fn leading_wildcards_in_like_are_found_in_every_spelling() {
        assert_eq!(
            rules(Dialect::Postgres, "SELECT id FROM u WHERE name LIKE '%son'"),
            ["leading-wildcard-like"]
        );
        assert_eq!(
            rules(Dialect::Postgres, "SELECT id FROM u WHERE name ILIKE '_x%'"),
            ["leading-wildcard-like"]
        );
        assert_eq!(
            rules(
                Dialect::MySql,
                "SELECT id FROM u WHERE name LIKE CONCAT('%', ?)"
            ),
            ["leading-wildcard-like"]
        );
        assert_eq!(
            rules(
                Dialect::Postgres,
                "SELECT id FROM u WHERE name LIKE '%' || $1"
            ),
            ["leading-wildcard-like"]
        );
        assert!(rules(Dialect::Postgres, "SELECT id FROM u WHERE name LIKE 'abc%'").is_empty());
    }

    #[test]
    fn functions_on_columns_use_index_knowledge() {
        assert_eq!(
            rules(
                Dialect::Postgres,
                "SELECT id FROM u WHERE lower(email) = 'a@b.c'"
            ),
            ["function-on-column"]
        );
        assert_eq!(
            rules(
                Dialect::MySql,
                "SELECT id FROM o WHERE YEAR(created_at) = 2024 AND id > 3"
            ),
            ["function-on-column"]
        );
        assert_eq!(rules(Dialect::Postgres, "SELECT o.id FROM o JOIN c ON c.id = o.cid WHERE CAST(o.created_at AS date) = '2024-01-01'"), ["function-on-column"]);
        assert!(rules(
            Dialect::Postgres,
            "SELECT id FROM u WHERE email = lower('A@B.C')"
        )
        .is_empty());

        let mut facts = SchemaFacts::default();
        facts.add_column(
            "users",
            "email",
            ColumnFacts {
                nullable: false,
                indexed: true,
            },
        );
        facts.add_column(
            "users",
            "note",
            ColumnFacts {
                nullable: true,
                indexed: false,
            },
        );
        let a = analyze_query(
            Dialect::Postgres,
            "SELECT u.id FROM users u WHERE lower(u.email) = 'x' OR upper(note) = 'Y'",
            &facts,
            QueryLintOptions::default(),
        )
        .unwrap();
        assert_eq!(a.findings.len(), 2);
        assert_eq!(a.findings[0].severity, Severity::Warning);
        assert!(
            a.findings[0]
                .message
                .contains("indexed column `users.email`"),
            "{}",
            a.findings[0].message
        );
        assert_eq!(a.findings[1].severity, Severity::Info);
    }

    #[test]
    fn not_in_subqueries_depend_on_nullability() {
        let sql = "SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)";
        assert_eq!(rules(Dialect::Postgres, sql), ["not-in-nullable-subquery"]);
        let mut facts = SchemaFacts::default();
        facts.add_column(
            "orders",
            "customer_id",
            ColumnFacts {
                nullable: false,
                indexed: true,
            },
        );
        let a = analyze_query(Dialect::Postgres, sql, &facts, QueryLintOptions::default()).unwrap();
        assert!(a.findings.is_empty(), "{:?}", a.findings);
        assert!(rules(
            Dialect::Postgres,
            "SELECT id FROM c WHERE id NOT IN (SELECT cid FROM o WHERE cid IS NOT NULL)"
        )
        .is_empty());
        assert!(rules(
            Dialect::Postgres,
            "SELECT id FROM c WHERE id IN (SELECT cid FROM o)"
        )
        .is_empty());
    }

    #[test]
    fn implicit_cross_joins_are_warnings_without_a_join_predicate() {
        let a = analyze_query(
            Dialect::Sqlite,
            "SELECT a.x, b.y FROM a, b",
            &SchemaFacts::default(),
            QueryLintOptions::default(),
        )
        .unwrap();
        assert_eq!(a.findings[0].rule, "implicit-cross-join");
        assert_eq!(a.findings[0].severity, Severity::Warning);
        let a = analyze_query(
            Dialect::Sqlite,
            "SELECT a.x, b.y FROM a, b WHERE a.id = b.a_id",
            &SchemaFacts::default(),
            QueryLintOptions::default(),
        )
        .unwrap();
        assert_eq!(a.findings[0].severity, Severity::Info);
        assert!(rules(Dialect::Sqlite, "SELECT a.x FROM a CROSS JOIN b").is_empty());
    }

    #[test]
    fn deep_offsets_in_both_limit_syntaxes() {
        assert_eq!(
            rules(
                Dialect::Postgres,
                "SELECT id FROM t ORDER BY id LIMIT 20 OFFSET 50000"
            ),
            ["deep-offset"]
        );
        assert_eq!(
            rules(
                Dialect::MySql,
                "SELECT id FROM t ORDER BY id LIMIT 100000, 20"
            ),
            ["deep-offset"]
        );
        assert!(rules(
            Dialect::Postgres,
            "SELECT id FROM t ORDER BY id LIMIT 20 OFFSET 40"
        )
        .is_empty());
    }

    #[test]
    fn order_by_random_per_dialect() {
        assert_eq!(
            rules(Dialect::MySql, "SELECT id FROM t ORDER BY RAND() LIMIT 1"),
            ["order-by-random"]
        );
        assert_eq!(
            rules(
                Dialect::Postgres,
                "SELECT id FROM t ORDER BY random() LIMIT 1"
            ),
            ["order-by-random"]
        );
        assert_eq!(
            rules(Dialect::MsSql, "SELECT TOP 1 id FROM t ORDER BY NEWID()"),
            ["order-by-random"]
        );
        assert!(rules(Dialect::Postgres, "SELECT id FROM t ORDER BY created_at").is_empty());
    }

    #[test]
    fn unparsable_sql_is_a_typed_error() {
        let err = analyze_query(
            Dialect::Postgres,
            "SELEC 1",
            &SchemaFacts::default(),
            QueryLintOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, WorkflowError::SqlParse { .. }));
    }

    #[test]
    fn subqueries_are_linted_once() {
        let sql = "SELECT id FROM a WHERE id IN (SELECT a_id FROM b WHERE lower(name) = 'x')";
        assert_eq!(rules(Dialect::Postgres, sql), ["function-on-column"]);
    }
}
