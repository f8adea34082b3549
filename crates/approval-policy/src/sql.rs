//! SQL classification: every statement parsed with its engine's dialect and judged.
//!
//! Pipeline for one SQL text:
//! 1. MySQL executable comments (`/*! … */`, `/*M! … */`) are unwrapped: the server runs them,
//!    so the classifier must read them.
//! 2. The dialect's tokenizer splits the text at top-level `;` (string literals, quoted
//!    identifiers, `$$` bodies and comments are single tokens, so a `;` or `DROP` inside a
//!    literal is text, not a statement).
//! 3. Each chunk is parsed by `sqlparser` with the dialect. The statement kind is matched
//!    exhaustively (no `_` arm: a parser upgrade that adds a statement does not compile until
//!    it is classified here), then a visitor looks inside for writes in CTEs, `SELECT … INTO`,
//!    row locks, side-effecting functions and table functions that read outside the database.
//! 4. A chunk the parser rejects goes to a token-level fallback that can name what it saw
//!    (`SYSTEM`, `INTO OUTFILE`, `DELETE` inside a PL/SQL block) but can never allow: an
//!    exact read-only `PRAGMA` is the only parse-free `allow`, because its grammar is tiny.

mod dialect;
mod functions;
mod judgement;

pub use dialect::Dialect;
pub use judgement::{judge_read_only_query, QueryJudgement, StatementForm};

use crate::assess::{Assessment, Target, Unit};
use crate::decision::{Decision, Risk, Verdict};
use serde::{Deserialize, Serialize};
use sqlparser::ast::{
    BinaryOperator, CopyTarget, Expr, Query, Select, Set, Statement, TableFactor, TableObject,
    Visit, Visitor,
};
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer, Whitespace};
use std::ops::ControlFlow;

/// What an SQL statement does, coarsely. Rules can match on it (`sql_class = "write"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqlClass {
    /// Reads data or metadata only.
    Read,
    /// Changes rows (DML), or files through the database.
    Write,
    /// Changes schema (DDL).
    Ddl,
    /// Privileges, server administration, extensions, sessions of others.
    Admin,
    /// Transaction control.
    Transaction,
    /// Session settings (`SET`, `USE`).
    Session,
    /// Could not be understood.
    Unknown,
}

impl SqlClass {
    /// The lower-case name used in JSON and TOML.
    pub fn as_str(self) -> &'static str {
        match self {
            SqlClass::Read => "read",
            SqlClass::Write => "write",
            SqlClass::Ddl => "ddl",
            SqlClass::Admin => "admin",
            SqlClass::Transaction => "transaction",
            SqlClass::Session => "session",
            SqlClass::Unknown => "unknown",
        }
    }
}

impl std::str::FromStr for SqlClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "read" => SqlClass::Read,
            "write" => SqlClass::Write,
            "ddl" => SqlClass::Ddl,
            "admin" => SqlClass::Admin,
            "transaction" => SqlClass::Transaction,
            "session" => SqlClass::Session,
            "unknown" => SqlClass::Unknown,
            other => return Err(format!("unknown sql class `{other}`")),
        })
    }
}

/// Classify SQL text with the built-in knowledge only (no policy rules): the strictest
/// statement decides. Use [`crate::Policy::evaluate_sql`] to apply rules too.
///
/// ```
/// use approval_policy::{classify_sql, Decision, Dialect};
/// assert_eq!(classify_sql(Dialect::Postgres, "SELECT 1").decision, Decision::Allow);
/// assert_eq!(classify_sql(Dialect::Postgres, "SELECT 1; DROP TABLE t").decision, Decision::Deny);
/// ```
pub fn classify_sql(dialect: Dialect, sql: &str) -> Verdict {
    Verdict::from_findings(units(dialect, sql).into_iter().map(|u| u.finding).collect())
}

const MAX_SUBJECT: usize = 160;

fn subject_of(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > MAX_SUBJECT {
        let cut: String = flat.chars().take(MAX_SUBJECT).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

/// Unwrap MySQL/MariaDB executable comments so their content is classified.
fn unwrap_bang_comments(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(pos) = rest.find("/*") {
        let after = &rest[pos + 2..];
        let body_start = if let Some(b) = after.strip_prefix('!') {
            Some(b)
        } else {
            after.strip_prefix("M!")
        };
        match body_start {
            Some(body) => {
                out.push_str(&rest[..pos]);
                let body = body.trim_start_matches(|c: char| c.is_ascii_digit());
                match body.find("*/") {
                    Some(end) => {
                        out.push(' ');
                        out.push_str(&body[..end]);
                        out.push(' ');
                        rest = &body[end + 2..];
                    }
                    None => {
                        out.push(' ');
                        out.push_str(body);
                        rest = "";
                    }
                }
            }
            None => {
                out.push_str(&rest[..pos + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Split SQL into statements with the dialect's tokenizer. `Err` when it cannot tokenize.
fn split_statements(dialect: Dialect, sql: &str) -> Result<Vec<(String, Vec<Token>)>, String> {
    let parser_dialect = dialect.parser();
    let tokens = Tokenizer::new(parser_dialect.as_ref(), sql)
        .tokenize()
        .map_err(|e| e.to_string())?;
    let mut chunks = Vec::new();
    let mut text = String::new();
    let mut toks = Vec::new();
    for tok in tokens {
        match &tok {
            Token::SemiColon => {
                if !toks.is_empty() {
                    chunks.push((std::mem::take(&mut text), std::mem::take(&mut toks)));
                }
                text.clear();
            }
            Token::Whitespace(Whitespace::SingleLineComment { .. })
            | Token::Whitespace(Whitespace::MultiLineComment(_)) => text.push(' '),
            Token::Whitespace(_) => text.push_str(&tok.to_string()),
            Token::EOF => {}
            _ => {
                text.push_str(&tok.to_string());
                toks.push(tok);
            }
        }
    }
    if !toks.is_empty() {
        chunks.push((text, toks));
    }
    Ok(chunks)
}

/// Judge every statement of `sql`; one unit per statement.
pub(crate) fn units(dialect: Dialect, sql: &str) -> Vec<Unit> {
    let mut units: Vec<Unit> = judged(dialect, sql).into_iter().map(|j| j.unit).collect();
    // Where the server may read the text differently from our parser (MariaDB does not end
    // `--` at a no-break space), what we judged may not be what runs.
    let mut traps = Vec::new();
    judgement::lexical_refusals(dialect, sql, false, &mut traps);
    for trap in traps {
        let mut a = Assessment::new(subject_of(sql));
        a.concern(Decision::Ask, Risk::High, "sql.lexical", trap);
        units.push(unit(dialect, SqlClass::Unknown, "lexical", a));
    }
    units
}

/// One judged statement and its form.
pub(crate) struct Judged {
    pub unit: Unit,
    pub form: StatementForm,
}

/// Judge every statement of `sql`, keeping each statement's form.
pub(crate) fn judged(dialect: Dialect, sql: &str) -> Vec<Judged> {
    let unwrapped;
    let sql = if dialect.executes_bang_comments() && (sql.contains("/*!") || sql.contains("/*M!")) {
        unwrapped = unwrap_bang_comments(sql);
        unwrapped.as_str()
    } else {
        sql
    };
    // Fast path: the whole text parses. Otherwise split it and judge each chunk on its own,
    // so one unparsable statement does not hide what the others are.
    let parser_dialect = dialect.parser();
    if let Ok(stmts) = Parser::new(parser_dialect.as_ref())
        .with_recursion_limit(48)
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
    {
        if !stmts.is_empty() {
            let single = stmts.len() == 1;
            return stmts
                .iter()
                .map(|stmt| {
                    let text = if single {
                        subject_of(sql.trim().trim_end_matches(';'))
                    } else {
                        subject_of(&stmt.to_string())
                    };
                    let mut a = Assessment::new(text);
                    let (class, kind) = judge_statement(dialect, stmt, &mut a, 0);
                    Judged {
                        form: form_of(kind, class),
                        unit: unit(dialect, class, kind, a),
                    }
                })
                .collect();
        }
    }
    let chunks = match split_statements(dialect, sql) {
        Ok(c) => c,
        Err(e) => {
            let mut a = Assessment::new(subject_of(sql));
            a.ask("sql.unparsable", format!("sql could not be tokenized: {e}"));
            return vec![Judged {
                unit: unit(dialect, SqlClass::Unknown, "unparsable", a),
                form: StatementForm::Other,
            }];
        }
    };
    let mut out = Vec::new();
    for (text, tokens) in chunks {
        out.push(chunk_unit(dialect, text.trim(), &tokens));
    }
    if out.is_empty() {
        let mut a = Assessment::new(subject_of(sql));
        a.read_only("sql.empty", "no statement (comments or whitespace only)");
        out.push(Judged {
            unit: unit(dialect, SqlClass::Read, "empty", a),
            form: StatementForm::Empty,
        });
    }
    out
}

fn unit(dialect: Dialect, class: SqlClass, kind: &str, a: Assessment) -> Unit {
    Unit {
        target: Target::Sql {
            dialect,
            class,
            kind: kind.to_string(),
        },
        finding: a.finish(),
    }
}

fn chunk_unit(dialect: Dialect, text: &str, tokens: &[Token]) -> Judged {
    let parser_dialect = dialect.parser();
    let parsed = Parser::new(parser_dialect.as_ref())
        .with_recursion_limit(48)
        .try_with_sql(text)
        .and_then(|mut p| p.parse_statements());
    match parsed {
        Ok(stmts) if stmts.len() == 1 => {
            let stmt = &stmts[0];
            let mut a = Assessment::new(subject_of(text));
            let (class, kind) = judge_statement(dialect, stmt, &mut a, 0);
            Judged {
                form: form_of(kind, class),
                unit: unit(dialect, class, kind, a),
            }
        }
        Ok(stmts) => {
            // A chunk without `;` that parses as several statements (e.g. `GO`-less batches):
            // judge them all, strictest wins.
            let mut a = Assessment::new(subject_of(text));
            let mut class = SqlClass::Read;
            let mut kind = "batch";
            if stmts.is_empty() {
                a.ask("sql.empty", "no statement parsed");
                class = SqlClass::Unknown;
            }
            for stmt in &stmts {
                let (c, k) = judge_statement(dialect, stmt, &mut a, 0);
                if c != SqlClass::Read {
                    class = c;
                    kind = k;
                }
            }
            Judged {
                unit: unit(dialect, class, kind, a),
                form: StatementForm::Other,
            }
        }
        Err(err) => {
            if let Some(respelled) = respell_explain_analyse(dialect, text) {
                if let Ok(t) = Tokenizer::new(parser_dialect.as_ref(), &respelled).tokenize() {
                    let mut j = chunk_unit(dialect, &respelled, &t);
                    j.unit.finding.subject = crate::redact::redact(subject_of(text));
                    return j;
                }
            }
            let mut a = Assessment::new(subject_of(text));
            if let Some(pragma) = read_only_pragma(tokens) {
                a.read_only("sql.pragma", format!("read-only pragma `{pragma}`"));
                return Judged {
                    unit: unit(dialect, SqlClass::Read, "pragma", a),
                    form: StatementForm::ShowDescribe,
                };
            }
            if let Some(what) = read_only_probe(dialect, tokens, text) {
                a.read_only("sql.probe", what);
                return Judged {
                    unit: unit(dialect, SqlClass::Read, "probe", a),
                    form: StatementForm::ShowDescribe,
                };
            }
            let (class, kind) = fallback(dialect, tokens, &mut a, &err.to_string());
            Judged {
                unit: unit(dialect, class, kind, a),
                form: StatementForm::Other,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Parsed statements

fn judge_statement(
    dialect: Dialect,
    stmt: &Statement,
    a: &mut Assessment,
    depth: usize,
) -> (SqlClass, &'static str) {
    let (class, kind) = classify_kind(dialect, stmt, a, depth);
    // Look inside for what the statement kind does not show. EXPLAIN without ANALYZE does
    // not run its statement, so its inside is not looked at.
    let skip_inside = matches!(stmt, Statement::Explain { analyze: false, .. })
        && !explain_has_analyze_option(stmt);
    if !skip_inside {
        let mut scan = Scan {
            dialect,
            a,
            seen_root: false,
        };
        let _ = stmt.visit(&mut scan);
    }
    (class, kind)
}

/// The form of a judged statement, for callers that run only queries, from the kind
/// [`classify_kind`] named (its exhaustive match is the one list of statement kinds).
fn form_of(kind: &str, class: SqlClass) -> StatementForm {
    match kind {
        "select" => StatementForm::Query,
        "show" | "describe" => StatementForm::ShowDescribe,
        "pragma" if class == SqlClass::Read => StatementForm::ShowDescribe,
        "explain" => StatementForm::Explain,
        "explain-analyze" => StatementForm::ExplainExecuting,
        _ => StatementForm::Other,
    }
}

/// Does this EXPLAIN execute its statement? `EXPLAIN ANALYZE`, and PostgreSQL options in
/// every spelling PostgreSQL accepts: `ANALYZE`/`ANALYSE`, bare or with a boolean argument
/// (`true`, `on`, `1`, `'yes'`, …). Only an argument that is certainly false (`false`, `off`,
/// `0`, `no`) does not execute; an option name we do not know counts as executing.
fn explain_has_analyze_option(stmt: &Statement) -> bool {
    const PLAN_ONLY: [&str; 11] = [
        "buffers",
        "costs",
        "format",
        "generic_plan",
        "memory",
        "serialize",
        "settings",
        "summary",
        "timing",
        "verbose",
        "wal",
    ];
    match stmt {
        Statement::Explain { options, .. } => options.as_ref().is_some_and(|opts| {
            opts.iter().any(|o| {
                let name = o.name.value.to_ascii_lowercase();
                if name == "analyze" || name == "analyse" {
                    let off = o.arg.as_ref().is_some_and(|arg| {
                        let v = arg.to_string().to_ascii_lowercase();
                        matches!(
                            v.trim_matches('\''),
                            "false" | "off" | "0" | "no" | "f" | "n"
                        )
                    });
                    !off
                } else {
                    !PLAN_ONLY.contains(&name.as_str())
                }
            })
        }),
        _ => false,
    }
}

/// `EXPLAIN [VERBOSE] ANALYSE …`: PostgreSQL's British spelling, which sqlparser reads as a
/// table name. Rewritten to `ANALYZE` so the statement is parsed and judged as executing.
fn respell_explain_analyse(dialect: Dialect, text: &str) -> Option<String> {
    if !text.get(..7)?.eq_ignore_ascii_case("EXPLAIN") {
        return None;
    }
    let parser_dialect = dialect.parser();
    let tokens = Tokenizer::new(parser_dialect.as_ref(), text)
        .tokenize()
        .ok()?;
    let mut words = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t, Token::Whitespace(_)));
    let is_word = |t: &Token, w: &str| matches!(t, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w));
    let (_, first) = words.next()?;
    if !is_word(first, "EXPLAIN") {
        return None;
    }
    let mut at = None;
    for (i, t) in words.take(2) {
        if is_word(t, "ANALYSE") {
            at = Some(i);
            break;
        }
        if !is_word(t, "VERBOSE") {
            return None;
        }
    }
    let at = at?;
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        if i == at {
            out.push_str("ANALYZE");
        } else {
            out.push_str(&t.to_string());
        }
    }
    Some(out)
}

struct Scan<'a> {
    dialect: Dialect,
    a: &'a mut Assessment,
    seen_root: bool,
}

impl Visitor for Scan<'_> {
    type Break = ();

    fn pre_visit_statement(&mut self, stmt: &Statement) -> ControlFlow<()> {
        if !self.seen_root {
            self.seen_root = true;
            return ControlFlow::Continue(());
        }
        // A statement nested in another (data-modifying CTE, EXPLAIN ANALYZE target, …).
        let mut inner = Assessment::new("");
        let (class, kind) = classify_kind(self.dialect, stmt, &mut inner, 1);
        if class != SqlClass::Read {
            let f = inner.finish();
            self.a.concern(
                f.decision,
                f.risk,
                format!("sql.nested.{kind}"),
                format!("nested {kind} runs: {}", f.reason),
            );
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
        if !q.locks.is_empty() {
            self.a.ask(
                "sql.locking",
                "locking clause (`FOR UPDATE`/`FOR SHARE`) takes row locks",
            );
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, s: &Select) -> ControlFlow<()> {
        if s.into.is_some() {
            self.a.deny(
                Risk::High,
                "sql.select-into",
                "`SELECT … INTO` creates or fills a table",
            );
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, t: &TableFactor) -> ControlFlow<()> {
        match t {
            TableFactor::Table { name, args, .. } => {
                let n = name_of(&name.to_string());
                if let Some(args) = args {
                    self.function(name, true);
                    self.size(name, args.args.iter());
                } else if name
                    .0
                    .iter()
                    .any(|p| p.as_ident().is_some_and(|i| i.quote_style == Some('\'')))
                    || (self.dialect == Dialect::DuckDb && looks_like_file(&n))
                {
                    self.a.ask(
                        "sql.file-table",
                        format!("reads the file `{n}` outside the database"),
                    );
                }
            }
            TableFactor::Function { name, args, .. } => {
                self.function(name, true);
                self.size(name, args.iter());
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        match e {
            Expr::Function(f) => {
                self.function(&f.name, false);
                if let sqlparser::ast::FunctionArguments::List(list) = &f.args {
                    self.size(&f.name, list.args.iter());
                }
            }
            // A user-defined operator runs a user-defined function.
            Expr::BinaryOp {
                op: op @ (BinaryOperator::PGCustomBinaryOperator(_) | BinaryOperator::Custom(_)),
                ..
            } => {
                self.a.ask(
                    "sql.operator",
                    format!("operator `{op}` is not a known read-only built-in"),
                );
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

impl Scan<'_> {
    fn function(&mut self, name: &sqlparser::ast::ObjectName, table: bool) {
        if let Some(c) = functions::judge(self.dialect, name, table) {
            self.a.concern(c.decision, c.risk, c.id, c.reason);
        }
    }

    /// A generator asked for more than [`MAX_GENERATED`] rows or bytes (`repeat('x', 1e9)`,
    /// `generate_series(1, 1e12)`, `zeroblob(1e9)`) would exhaust the server or the reader of
    /// its output: ask.
    fn size<'a>(
        &mut self,
        name: &sqlparser::ast::ObjectName,
        args: impl Iterator<Item = &'a sqlparser::ast::FunctionArg>,
    ) {
        let shown = name_of(&name.to_string());
        let base = shown.rsplit('.').next().unwrap_or(&shown);
        if !GENERATORS.contains(&base) {
            return;
        }
        for arg in args {
            let expr = match arg {
                sqlparser::ast::FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(e))
                | sqlparser::ast::FunctionArg::Named {
                    arg: sqlparser::ast::FunctionArgExpr::Expr(e),
                    ..
                }
                | sqlparser::ast::FunctionArg::ExprNamed {
                    arg: sqlparser::ast::FunctionArgExpr::Expr(e),
                    ..
                } => e,
                _ => continue,
            };
            let number = match expr {
                Expr::Value(v) => match &v.value {
                    sqlparser::ast::Value::Number(n, _) => n.parse::<f64>().ok(),
                    _ => None,
                },
                Expr::UnaryOp { expr, .. } => match expr.as_ref() {
                    Expr::Value(v) => match &v.value {
                        sqlparser::ast::Value::Number(n, _) => n.parse::<f64>().ok(),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            };
            if number.is_some_and(|n| n.abs() > MAX_GENERATED) {
                self.a.ask(
                    "sql.exhaustion",
                    format!(
                        "`{base}` with an argument of {} would generate more than {} rows or bytes",
                        number.map_or(String::new(), |n| format!("{n:e}")),
                        MAX_GENERATED
                    ),
                );
                return;
            }
        }
    }
}

/// The most rows or bytes a generator may be asked for before a read asks.
const MAX_GENERATED: f64 = 10_000_000.0;

/// Functions whose numeric arguments size their output.
const GENERATORS: &[&str] = &[
    "array_fill",
    "generate_series",
    "lpad",
    "numbers",
    "numbers_mt",
    "randomblob",
    "randomprintableascii",
    "randomstring",
    "range",
    "repeat",
    "replicate",
    "rpad",
    "space",
    "zeroblob",
    "zeros",
    "zeros_mt",
];

fn looks_like_file(n: &str) -> bool {
    [
        ".csv", ".parquet", ".json", ".tsv", ".txt", ".ndjson", ".xlsx", ".gz",
    ]
    .iter()
    .any(|ext| n.ends_with(ext))
        || n.contains("://")
}

fn name_of(raw: &str) -> String {
    raw.chars()
        .filter(|c| !matches!(c, '"' | '`' | '[' | ']'))
        .collect::<String>()
        .to_ascii_lowercase()
}

const SAFE_SET_VARIABLES: [&str; 22] = [
    "search_path",
    "timezone",
    "time_zone",
    "statement_timeout",
    "lock_timeout",
    "datestyle",
    "client_encoding",
    "application_name",
    "work_mem",
    "extra_float_digits",
    "intervalstyle",
    "client_min_messages",
    "bytea_output",
    "names",
    "character_set_results",
    "sql_mode",
    "max_execution_time",
    "search_path_schema",
    "schema",
    "threads",
    "memory_limit",
    "idle_in_transaction_session_timeout",
];

fn judge_set(set: &Set, a: &mut Assessment) {
    let check_var = |name: &str, a: &mut Assessment| {
        let n = name_of(name);
        let last = n.rsplit('.').next().unwrap_or(&n).to_string();
        if n.starts_with('@') && !n.starts_with("@@") {
            a.read_only("sql.set-user-variable", "sets a session user variable");
        } else if SAFE_SET_VARIABLES.contains(&last.as_str()) {
            a.read_only("sql.set-session", format!("sets session setting `{last}`"));
        } else if last.contains("read_only") || last.contains("authorization") || last == "role" {
            a.deny(
                Risk::High,
                "sql.set-guard",
                format!("`{last}` changes access or read-only mode"),
            );
        } else {
            a.ask("sql.set", format!("changes setting `{last}`"));
        }
    };
    match set {
        Set::SingleAssignment {
            scope, variable, ..
        } => {
            if matches!(scope, Some(sqlparser::ast::ContextModifier::Global)) {
                a.deny(
                    Risk::High,
                    "sql.set-global",
                    "changes a server-wide setting",
                );
            }
            let v = variable.to_string();
            if v.to_ascii_lowercase().starts_with("@@global")
                || v.to_ascii_lowercase().starts_with("@@persist")
            {
                a.deny(
                    Risk::High,
                    "sql.set-global",
                    "changes a server-wide setting",
                );
            }
            check_var(&v, a);
        }
        Set::ParenthesizedAssignments { variables, .. } => {
            for v in variables {
                check_var(&v.to_string(), a);
            }
        }
        Set::MultipleAssignments { assignments } => {
            for asg in assignments {
                let s = asg.to_string();
                let lower = s.to_ascii_lowercase();
                if lower.starts_with("global ")
                    || lower.starts_with("persist")
                    || lower.starts_with("@@global")
                {
                    a.deny(
                        Risk::High,
                        "sql.set-global",
                        "changes a server-wide setting",
                    );
                }
                let name = s.split('=').next().unwrap_or(&s).trim().to_string();
                let name = name.rsplit(' ').next().unwrap_or(&name).to_string();
                check_var(&name, a);
            }
        }
        Set::SetSessionAuthorization(_) | Set::SetRole { .. } => {
            a.deny(
                Risk::High,
                "sql.set-role",
                "changes the session's identity or role",
            );
        }
        Set::SetSessionParam(_)
        | Set::SetTimeZone { .. }
        | Set::SetNames { .. }
        | Set::SetNamesDefault {} => {
            a.read_only("sql.set-session", "session display option");
        }
        Set::SetTransaction { modes, .. } => {
            let text: String = modes
                .iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(" ");
            if text.to_ascii_uppercase().contains("READ WRITE") {
                a.ask("sql.set-transaction", "makes the transaction read-write");
            } else {
                a.read_only("sql.set-transaction", "transaction characteristics");
            }
        }
    }
}

/// Pragmas that only read when given no value. With a value (`PRAGMA x = v` or
/// `PRAGMA x(v)`) most of them set: `PRAGMA schema_version(1)` corrupts the file.
const PRAGMAS_READ_BARE: [&str; 22] = [
    "application_id",
    "collation_list",
    "compile_options",
    "data_version",
    "database_list",
    "database_size",
    "encoding",
    "foreign_keys",
    "freelist_count",
    "function_list",
    "journal_mode",
    "module_list",
    "page_count",
    "page_size",
    "platform",
    "pragma_list",
    "schema_version",
    "show_tables",
    "show_tables_expanded",
    "user_version",
    "version",
    "collations",
];

/// Pragmas whose argument names what to read (a table, an index, a schema, a row limit):
/// read-only with or without it, as `PRAGMA x(arg)`, never as `PRAGMA x = v`.
const PRAGMAS_READ_ARG: [&str; 12] = [
    "foreign_key_check",
    "foreign_key_list",
    "index_info",
    "index_list",
    "index_xinfo",
    "integrity_check",
    "quick_check",
    "show",
    "storage_info",
    "table_info",
    "table_list",
    "table_xinfo",
];

/// A pragma that has a read-only form (for the eponymous `pragma_*` table functions, which
/// SQLite and DuckDB offer only for pragmas without side effects).
fn is_read_only_pragma_name(name: &str) -> bool {
    PRAGMAS_READ_BARE.contains(&name) || PRAGMAS_READ_ARG.contains(&name)
}

/// Is `PRAGMA name [(arg) | = value]` a read? `has_value`: an argument or value was given;
/// `is_eq`: it was given with `=`.
fn pragma_reads(name: &str, has_value: bool, is_eq: bool) -> bool {
    if !has_value {
        is_read_only_pragma_name(name)
    } else {
        !is_eq && PRAGMAS_READ_ARG.contains(&name)
    }
}

/// Two read-only statements sqlparser does not know, recognized by their whole grammar:
/// DuckDB `SUMMARIZE <table>` / `SUMMARIZE <query>` (the query judged like any other) and
/// ClickHouse `EXISTS [TEMPORARY] [TABLE|DATABASE|DICTIONARY|VIEW] <name>`.
fn read_only_probe(dialect: Dialect, tokens: &[Token], text: &str) -> Option<String> {
    let words: Vec<&Token> = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let first = match words.first()? {
        Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
        _ => return None,
    };
    let is_name = |ts: &[&Token]| {
        !ts.is_empty()
            && ts.iter().enumerate().all(|(i, t)| match t {
                Token::Word(_) => i % 2 == 0,
                Token::Period => i % 2 == 1,
                _ => false,
            })
    };
    match (dialect, first.as_str()) {
        (Dialect::DuckDb, "SUMMARIZE") => {
            let rest = &words[1..];
            if is_name(rest) {
                return Some("summarizes a table".into());
            }
            let query = text.trim_start()[first.len()..].trim();
            let inner = units(dialect, query);
            inner
                .iter()
                .all(|u| u.finding.decision == Decision::Allow)
                .then(|| "summarizes a read-only query".into())
        }
        (Dialect::ClickHouse, "EXISTS") => {
            let mut rest = &words[1..];
            while let Some(Token::Word(w)) = rest.first() {
                if matches!(
                    w.value.to_ascii_uppercase().as_str(),
                    "TEMPORARY" | "TABLE" | "DATABASE" | "DICTIONARY" | "VIEW"
                ) && rest.len() > 1
                {
                    rest = &rest[1..];
                } else {
                    break;
                }
            }
            is_name(rest).then(|| "checks that an object exists".into())
        }
        _ => None,
    }
}

/// `PRAGMA [schema.]name [(arg)]` in a read-only form: the whole grammar.
fn read_only_pragma(tokens: &[Token]) -> Option<String> {
    let mut it = tokens.iter().filter(|t| !matches!(t, Token::Whitespace(_)));
    match it.next()? {
        Token::Word(w) if w.keyword == Keyword::PRAGMA => {}
        _ => return None,
    }
    let mut name = match it.next()? {
        Token::Word(w) => w.value.to_ascii_lowercase(),
        _ => return None,
    };
    let rest: Vec<&Token> = it.collect();
    let rest: &[&Token] = match rest.as_slice() {
        [Token::Period, Token::Word(w), tail @ ..] => {
            name = w.value.to_ascii_lowercase();
            tail
        }
        other => other,
    };
    let reads = match rest {
        [] => pragma_reads(&name, false, false),
        [Token::LParen, Token::Word(_) | Token::SingleQuotedString(_), Token::RParen] => {
            pragma_reads(&name, true, false)
        }
        _ => false,
    };
    reads.then_some(name)
}

/// The statement kind, exhaustively. Records its concern or read-only fact in `a`.
#[allow(clippy::too_many_lines)]
fn classify_kind(
    dialect: Dialect,
    stmt: &Statement,
    a: &mut Assessment,
    depth: usize,
) -> (SqlClass, &'static str) {
    use Statement as S;
    let ro = |a: &mut Assessment, kind: &'static str| {
        a.read_only(format!("sql.{kind}"), "reads data or metadata");
        (SqlClass::Read, kind)
    };
    let con = |a: &mut Assessment,
               class: SqlClass,
               kind: &'static str,
               d: Decision,
               r: Risk,
               why: &str| {
        a.concern(d, r, format!("sql.{kind}"), why.to_string());
        (class, kind)
    };
    let tx = |a: &mut Assessment, kind: &'static str| {
        a.read_only(format!("sql.{kind}"), "transaction control");
        (SqlClass::Transaction, kind)
    };
    match stmt {
        S::Query { .. } => ro(a, "select"),
        S::ShowFunctions { .. }
        | S::ShowVariable { .. }
        | S::ShowStatus { .. }
        | S::ShowVariables { .. }
        | S::ShowCreate { .. }
        | S::ShowColumns { .. }
        | S::ShowCatalogs { .. }
        | S::ShowDatabases { .. }
        | S::ShowProcessList { .. }
        | S::ShowSchemas { .. }
        | S::ShowCharset { .. }
        | S::ShowObjects { .. }
        | S::ShowTables { .. }
        | S::ShowViews { .. }
        | S::ShowCollation { .. } => ro(a, "show"),
        S::ExplainTable { .. } => ro(a, "describe"),
        S::Explain {
            analyze, statement, ..
        } => {
            if *analyze || explain_has_analyze_option(stmt) {
                if depth > 4 {
                    return con(
                        a,
                        SqlClass::Unknown,
                        "explain",
                        Decision::Deny,
                        Risk::High,
                        "nested too deeply",
                    );
                }
                // EXPLAIN ANALYZE runs the statement: judge it as if run.
                let (class, kind) = judge_statement(dialect, statement, a, depth + 1);
                if class == SqlClass::Read {
                    ro(a, "explain-analyze")
                } else {
                    a.concern(
                        Decision::Ask,
                        Risk::Medium,
                        "sql.explain-analyze",
                        format!("EXPLAIN ANALYZE runs the {kind}"),
                    );
                    (class, kind)
                }
            } else {
                a.read_only("sql.explain", "shows a plan without running the statement");
                (SqlClass::Read, "explain")
            }
        }
        S::Use(_) => {
            a.read_only("sql.use", "selects the default database");
            (SqlClass::Session, "use")
        }
        S::Set(set) => {
            judge_set(set, a);
            (SqlClass::Session, "set")
        }
        S::StartTransaction { .. } => tx(a, "begin"),
        S::Commit { .. } => tx(a, "commit"),
        S::Rollback { .. } => tx(a, "rollback"),
        S::Savepoint { .. } => tx(a, "savepoint"),
        S::ReleaseSavepoint { .. } => tx(a, "release-savepoint"),
        S::Insert(ins) => {
            if matches!(ins.table, TableObject::TableFunction(_)) {
                con(
                    a,
                    SqlClass::Write,
                    "insert",
                    Decision::Deny,
                    Risk::High,
                    "INSERT INTO FUNCTION writes outside the database",
                )
            } else {
                con(
                    a,
                    SqlClass::Write,
                    "insert",
                    Decision::Ask,
                    Risk::Medium,
                    "inserts rows",
                )
            }
        }
        S::Update { .. } => con(
            a,
            SqlClass::Write,
            "update",
            Decision::Deny,
            Risk::High,
            "updates rows",
        ),
        S::Delete { .. } => con(
            a,
            SqlClass::Write,
            "delete",
            Decision::Deny,
            Risk::High,
            "deletes rows",
        ),
        S::Merge { .. } => con(
            a,
            SqlClass::Write,
            "merge",
            Decision::Deny,
            Risk::High,
            "merges rows",
        ),
        S::Truncate { .. } => con(
            a,
            SqlClass::Write,
            "truncate",
            Decision::Deny,
            Risk::Critical,
            "removes every row",
        ),
        S::Copy { to, target, .. } => match (to, target) {
            (true, CopyTarget::Stdout) => ro(a, "copy-to-stdout"),
            (_, CopyTarget::Program { .. }) => con(
                a,
                SqlClass::Admin,
                "copy-program",
                Decision::Deny,
                Risk::Critical,
                "COPY … PROGRAM runs a shell command on the server",
            ),
            (true, _) => con(
                a,
                SqlClass::Write,
                "copy-to",
                Decision::Deny,
                Risk::High,
                "COPY … TO writes a file",
            ),
            (false, _) => con(
                a,
                SqlClass::Write,
                "copy-from",
                Decision::Deny,
                Risk::High,
                "COPY … FROM loads rows",
            ),
        },
        S::CopyIntoSnowflake { .. } => con(
            a,
            SqlClass::Write,
            "copy-into",
            Decision::Deny,
            Risk::High,
            "copies data into or out of a stage",
        ),
        S::LoadData { .. } => con(
            a,
            SqlClass::Write,
            "load-data",
            Decision::Deny,
            Risk::High,
            "loads a file into a table",
        ),
        S::Directory { .. } | S::Unload { .. } | S::ExportData(_) => con(
            a,
            SqlClass::Write,
            "export",
            Decision::Deny,
            Risk::High,
            "writes query results outside the database",
        ),
        S::Put { .. } | S::Remove(_) => con(
            a,
            SqlClass::Write,
            "stage-file",
            Decision::Deny,
            Risk::High,
            "moves files to or from a stage",
        ),
        S::List(_) => con(
            a,
            SqlClass::Read,
            "list-stage",
            Decision::Ask,
            Risk::Medium,
            "lists files in a stage",
        ),
        S::Drop { .. }
        | S::DropFunction { .. }
        | S::DropDomain { .. }
        | S::DropProcedure { .. }
        | S::DropSecret { .. }
        | S::DropPolicy { .. }
        | S::DropRule { .. }
        | S::DropConnector { .. }
        | S::DropExtension { .. }
        | S::DropOperator { .. }
        | S::DropOperatorFamily { .. }
        | S::DropOperatorClass { .. }
        | S::DropTrigger { .. }
        | S::DetachDuckDBDatabase { .. } => con(
            a,
            SqlClass::Ddl,
            "drop",
            Decision::Deny,
            Risk::Critical,
            "drops an object",
        ),
        S::AlterTable { .. }
        | S::AlterSchema { .. }
        | S::AlterIndex { .. }
        | S::AlterView { .. }
        | S::AlterFunction { .. }
        | S::AlterType { .. }
        | S::AlterCollation { .. }
        | S::AlterOperator { .. }
        | S::AlterOperatorFamily { .. }
        | S::AlterOperatorClass { .. }
        | S::AlterTextSearch { .. }
        | S::AlterPolicy { .. }
        | S::AlterTrigger { .. }
        | S::AlterConnector { .. }
        | S::RenameTable { .. } => con(
            a,
            SqlClass::Ddl,
            "alter",
            Decision::Deny,
            Risk::High,
            "changes the schema",
        ),
        S::CreateView { .. }
        | S::CreateTable { .. }
        | S::CreateVirtualTable { .. }
        | S::CreateIndex { .. }
        | S::CreateSchema { .. }
        | S::CreateDatabase { .. }
        | S::CreateSequence { .. }
        | S::CreateDomain { .. }
        | S::CreateType { .. }
        | S::CreateMacro { .. }
        | S::CreateOperator { .. }
        | S::CreateOperatorFamily { .. }
        | S::CreateOperatorClass { .. }
        | S::CreateTextSearch { .. }
        | S::CreateAggregate { .. }
        | S::CreateCollation { .. }
        | S::CreatePolicy { .. }
        | S::CreateRule { .. }
        | S::CreateStage { .. }
        | S::CreateFileFormat { .. }
        | S::CreateWarehouse { .. }
        | S::Comment { .. } => con(
            a,
            SqlClass::Ddl,
            "create",
            Decision::Ask,
            Risk::Medium,
            "creates or annotates an object",
        ),
        S::CreateFunction { .. } | S::CreateProcedure { .. } | S::CreateTrigger { .. } => con(
            a,
            SqlClass::Ddl,
            "create-code",
            Decision::Ask,
            Risk::High,
            "creates code that runs in the database",
        ),
        S::CreateExtension { .. } | S::Install { .. } | S::Load { .. } => con(
            a,
            SqlClass::Admin,
            "extension",
            Decision::Deny,
            Risk::High,
            "installs or loads an extension (native code)",
        ),
        S::CreateServer { .. }
        | S::CreateForeignTable { .. }
        | S::CreateForeignDataWrapper { .. }
        | S::CreateUserMapping { .. }
        | S::CreateConnector { .. }
        | S::CreateSecret { .. } => con(
            a,
            SqlClass::Admin,
            "foreign",
            Decision::Deny,
            Risk::High,
            "connects the database to outside systems or secrets",
        ),
        S::AttachDatabase { .. } | S::AttachDuckDBDatabase { .. } => con(
            a,
            SqlClass::Admin,
            "attach",
            Decision::Ask,
            Risk::High,
            "attaches another database file (may create it)",
        ),
        S::Grant { .. }
        | S::GrantRole { .. }
        | S::Deny { .. }
        | S::Revoke { .. }
        | S::RevokeRole { .. }
        | S::AlterDefaultPrivileges { .. }
        | S::CreateRole { .. }
        | S::AlterRole { .. }
        | S::CreateUser { .. }
        | S::AlterUser { .. } => con(
            a,
            SqlClass::Admin,
            "privileges",
            Decision::Deny,
            Risk::High,
            "changes users, roles or privileges",
        ),
        S::Kill { .. } => con(
            a,
            SqlClass::Admin,
            "kill",
            Decision::Deny,
            Risk::Critical,
            "kills a session or query",
        ),
        S::Flush { .. } => con(
            a,
            SqlClass::Admin,
            "flush",
            Decision::Deny,
            Risk::High,
            "flushes server state",
        ),
        S::AlterSession { .. } => con(
            a,
            SqlClass::Session,
            "alter-session",
            Decision::Ask,
            Risk::Medium,
            "changes session parameters",
        ),
        S::Execute {
            name, parameters, ..
        } => judge_execute(dialect, name.as_ref(), parameters, a, depth),
        S::Call(f) => {
            let n = name_of(&f.name.to_string());
            if let Some((d, r, why)) = dialect.judge_function(&n) {
                a.concern(
                    d,
                    r,
                    format!("sql.function.{n}"),
                    format!("procedure `{n}`: {why}"),
                );
            }
            con(
                a,
                SqlClass::Unknown,
                "call",
                Decision::Ask,
                Risk::High,
                "calls a procedure whose effect is not visible here",
            )
        }
        S::Case { .. }
        | S::If { .. }
        | S::While { .. }
        | S::Raise { .. }
        | S::Return { .. }
        | S::Throw { .. }
        | S::RaisError { .. }
        | S::Assert { .. } => con(
            a,
            SqlClass::Unknown,
            "procedural",
            Decision::Ask,
            Risk::Medium,
            "procedural statement",
        ),
        S::Print { .. } => {
            a.read_only("sql.print", "prints a message");
            (SqlClass::Read, "print")
        }
        S::WaitFor { .. } => con(
            a,
            SqlClass::Unknown,
            "waitfor",
            Decision::Ask,
            Risk::Medium,
            "holds the session",
        ),
        S::Declare { .. }
        | S::Open { .. }
        | S::Fetch { .. }
        | S::Close { .. }
        | S::Prepare { .. }
        | S::Deallocate { .. } => con(
            a,
            SqlClass::Unknown,
            "cursor",
            Decision::Ask,
            Risk::Medium,
            "cursor or prepared statement",
        ),
        S::Discard { .. } | S::Reset { .. } => con(
            a,
            SqlClass::Session,
            "reset",
            Decision::Ask,
            Risk::Medium,
            "resets session state",
        ),
        S::Pragma {
            name, value, is_eq, ..
        } => {
            let n = name_of(&name.to_string());
            let last = n.rsplit('.').next().unwrap_or(&n);
            if pragma_reads(last, value.is_some(), *is_eq) {
                a.read_only("sql.pragma", format!("read-only pragma `{last}`"));
                (SqlClass::Read, "pragma")
            } else if value.is_some()
                && (!is_read_only_pragma_name(last)
                    || matches!(last, "schema_version" | "writable_schema"))
            {
                con(
                    a,
                    SqlClass::Admin,
                    "pragma",
                    Decision::Deny,
                    Risk::High,
                    "pragma changes database behaviour",
                )
            } else {
                con(
                    a,
                    SqlClass::Admin,
                    "pragma",
                    Decision::Ask,
                    Risk::Medium,
                    "pragma may change database behaviour",
                )
            }
        }
        S::Lock { .. } | S::LockTables { .. } => con(
            a,
            SqlClass::Admin,
            "lock",
            Decision::Ask,
            Risk::Medium,
            "locks tables",
        ),
        S::UnlockTables => tx(a, "unlock"),
        S::Analyze { .. }
        | S::Vacuum { .. }
        | S::OptimizeTable { .. }
        | S::Msck { .. }
        | S::RefreshMaterializedView { .. }
        | S::Cache { .. }
        | S::UNCache { .. } => con(
            a,
            SqlClass::Admin,
            "maintenance",
            Decision::Ask,
            Risk::Medium,
            "maintenance that rewrites tables or statistics",
        ),
        S::LISTEN { .. } | S::UNLISTEN { .. } => tx(a, "listen"),
        S::NOTIFY { .. } => con(
            a,
            SqlClass::Write,
            "notify",
            Decision::Ask,
            Risk::Medium,
            "sends a notification",
        ),
    }
}

/// SQL Server procedures that only read catalog or session information.
const READ_ONLY_PROCEDURES: [&str; 22] = [
    "sp_help",
    "sp_helptext",
    "sp_helpindex",
    "sp_helpconstraint",
    "sp_helpdb",
    "sp_helpfile",
    "sp_helprole",
    "sp_helpuser",
    "sp_columns",
    "sp_tables",
    "sp_who",
    "sp_who2",
    "sp_databases",
    "sp_stored_procedures",
    "sp_server_info",
    "sp_describe_first_result_set",
    "sp_pkeys",
    "sp_fkeys",
    "sp_statistics",
    "sp_spaceused",
    "sp_helplogins",
    "sp_lock",
];

fn judge_execute(
    dialect: Dialect,
    name: Option<&sqlparser::ast::ObjectName>,
    parameters: &[Expr],
    a: &mut Assessment,
    depth: usize,
) -> (SqlClass, &'static str) {
    let n = name.map(|n| name_of(&n.to_string())).unwrap_or_default();
    let last = n.rsplit('.').next().unwrap_or(&n).to_string();
    // `EXEC ('DELETE …')`: dynamic SQL given as a literal is classified like any SQL.
    let literal = parameters.first().and_then(|p| match p {
        Expr::Value(v) => match &v.value {
            sqlparser::ast::Value::SingleQuotedString(s)
            | sqlparser::ast::Value::NationalStringLiteral(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    });
    if (n.is_empty() || last == "sp_executesql") && depth < 4 {
        if let Some(sql) = literal {
            for unit in units(dialect, &sql) {
                let f = unit.finding;
                if f.decision == Decision::Allow {
                    a.read_only("sql.exec-literal", "runs literal read-only SQL");
                } else {
                    a.concern(
                        f.decision,
                        f.risk,
                        format!("sql.exec.{}", f.id),
                        format!("dynamic SQL: {}", f.reason),
                    );
                }
            }
            return (SqlClass::Unknown, "execute");
        }
        a.concern(
            Decision::Ask,
            Risk::High,
            "sql.exec-dynamic",
            "runs dynamic SQL",
        );
        return (SqlClass::Unknown, "execute");
    }
    if READ_ONLY_PROCEDURES.contains(&last.as_str()) {
        a.read_only("sql.exec-read", format!("procedure `{last}` only reads"));
        return (SqlClass::Read, "execute");
    }
    if last.starts_with("xp_") || last.starts_with("sp_oa") {
        a.deny(
            Risk::Critical,
            "sql.exec-xp",
            format!("`{last}` reaches the operating system"),
        );
        return (SqlClass::Admin, "execute");
    }
    if last.starts_with("sp_") {
        a.deny(
            Risk::High,
            "sql.exec-system",
            format!("system procedure `{last}` changes the server or schema"),
        );
        return (SqlClass::Admin, "execute");
    }
    a.concern(
        Decision::Ask,
        Risk::High,
        "sql.execute",
        format!(
            "runs `{}` whose effect is not visible here",
            if n.is_empty() {
                "a prepared statement"
            } else {
                n.as_str()
            }
        ),
    );
    (SqlClass::Unknown, "execute")
}

// ---------------------------------------------------------------------------------------
// Token fallback (never allows)

const READ_KEYWORDS: [&str; 11] = [
    "SELECT",
    "SHOW",
    "DESCRIBE",
    "DESC",
    "EXPLAIN",
    "SUMMARIZE",
    "EXISTS",
    "WITH",
    "VALUES",
    "TABLE",
    "HELP",
];
const DESTRUCTIVE_ANYWHERE: [&str; 22] = [
    "DELETE",
    "DROP",
    "TRUNCATE",
    "ALTER",
    "GRANT",
    "REVOKE",
    "KILL",
    "SHUTDOWN",
    "OUTFILE",
    "DUMPFILE",
    "MERGE",
    "RENAME",
    "INSERT",
    "INSTALL",
    "EXEC",
    "EXECUTE",
    "CALL",
    "COPY",
    "BACKUP",
    "RESTORE",
    "DBCC",
    "RECONFIGURE",
];
const RISKY_FIRST: [&str; 14] = [
    "SYSTEM", "REPLACE", "ATTACH", "DETACH", "CREATE", "SET", "DO", "BEGIN", "DECLARE", "OPTIMIZE",
    "VACUUM", "IMPORT", "EXPORT", "LOAD",
];

fn fallback(
    dialect: Dialect,
    tokens: &[Token],
    a: &mut Assessment,
    err: &str,
) -> (SqlClass, &'static str) {
    let words: Vec<(String, bool)> = tokens
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match t {
            Token::Word(w) if w.quote_style.is_none() => {
                let next_is_paren = tokens[i + 1..]
                    .iter()
                    .find(|t| !matches!(t, Token::Whitespace(_)))
                    .is_some_and(|t| matches!(t, Token::LParen));
                Some((w.value.to_ascii_uppercase(), next_is_paren))
            }
            _ => None,
        })
        .collect();
    let first = words.first().map(|(w, _)| w.as_str()).unwrap_or("");
    let mut class = SqlClass::Unknown;
    let mut prev = "";
    for (w, call) in &words {
        if *call {
            if let Some((d, r, why)) = dialect.judge_function(&w.to_ascii_lowercase()) {
                a.concern(
                    d,
                    r,
                    format!("sql.function.{}", w.to_ascii_lowercase()),
                    format!("function `{}`: {why}", w.to_ascii_lowercase()),
                );
            }
        }
        let update_lock = w == "UPDATE" && prev == "FOR";
        if (DESTRUCTIVE_ANYWHERE.contains(&w.as_str()) || (w == "UPDATE" && !update_lock)) && !*call
        {
            a.deny(
                Risk::High,
                "sql.unparsed-write",
                format!("could not parse; contains `{w}`"),
            );
            class = SqlClass::Write;
        }
        if update_lock {
            a.ask("sql.locking", "locking clause takes row locks");
        }
        prev = w.as_str();
    }
    if first == "SYSTEM" || first == "KILL" || first == "SHUTDOWN" {
        a.deny(
            Risk::Critical,
            "sql.admin",
            format!("could not parse; `{first}` administers the server"),
        );
        class = SqlClass::Admin;
    } else if RISKY_FIRST.contains(&first) {
        let risk = if matches!(first, "BEGIN" | "DECLARE" | "DO") {
            Risk::High
        } else {
            Risk::Medium
        };
        a.concern(
            Decision::Ask,
            risk,
            "sql.unparsed",
            format!("could not parse `{first}` statement"),
        );
    } else if READ_KEYWORDS.contains(&first) {
        a.ask(
            "sql.unparsed-read",
            format!("could not parse; starts with `{first}` but was not verified ({err})"),
        );
        if class == SqlClass::Unknown {
            class = SqlClass::Read;
        }
    } else {
        a.ask("sql.unparsed", format!("could not parse ({err})"));
    }
    let kind = match class {
        SqlClass::Write => "unparsed-write",
        SqlClass::Admin => "unparsed-admin",
        _ => "unparsed",
    };
    (class, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(dialect: Dialect, sql: &str) -> Decision {
        classify_sql(dialect, sql).decision
    }

    #[test]
    fn plain_reads_are_allowed_in_every_dialect() {
        for dialect in Dialect::ALL {
            assert_eq!(
                d(
                    dialect,
                    "SELECT a, count(*) FROM t WHERE b = 'DROP' GROUP BY a"
                ),
                Decision::Allow,
                "{dialect}"
            );
        }
    }

    #[test]
    fn writes_are_never_allowed_in_any_dialect() {
        for dialect in Dialect::ALL {
            for sql in [
                "DELETE FROM t",
                "update t set a = 1",
                "DROP TABLE t",
                "INSERT INTO t VALUES (1)",
                "SELECT 1; DELETE FROM t",
                "/* c */ TRUNCATE t",
                "-- x\nDELETE FROM t",
            ] {
                assert_ne!(d(dialect, sql), Decision::Allow, "{dialect}: {sql}");
            }
        }
    }

    #[test]
    fn hidden_writes_are_found() {
        assert_ne!(
            d(
                Dialect::Postgres,
                "WITH g AS (DELETE FROM t RETURNING *) SELECT * FROM g"
            ),
            Decision::Allow
        );
        assert_ne!(
            d(Dialect::Postgres, "EXPLAIN ANALYZE DELETE FROM t"),
            Decision::Allow
        );
        assert_ne!(
            d(Dialect::Postgres, "EXPLAIN (ANALYZE) DELETE FROM t"),
            Decision::Allow
        );
        assert_eq!(
            d(Dialect::Postgres, "EXPLAIN DELETE FROM t"),
            Decision::Allow
        );
        assert_ne!(
            d(Dialect::Postgres, "SELECT * INTO t2 FROM t"),
            Decision::Allow
        );
        assert_ne!(
            d(Dialect::Postgres, "SELECT * FROM t FOR UPDATE"),
            Decision::Allow
        );
        assert_ne!(
            d(Dialect::MySql, "/*!50000 DROP TABLE t */"),
            Decision::Allow
        );
        assert_ne!(
            d(Dialect::MySql, "SELECT * FROM t INTO OUTFILE '/tmp/x'"),
            Decision::Allow
        );
        assert_ne!(
            d(Dialect::Postgres, "COPY (SELECT 1) TO PROGRAM 'id'"),
            Decision::Allow
        );
        assert_ne!(
            d(
                Dialect::ClickHouse,
                "SELECT * FROM url('http://x/a.csv', CSV)"
            ),
            Decision::Allow
        );
        assert_ne!(
            d(Dialect::DuckDb, "SELECT * FROM read_csv('x.csv')"),
            Decision::Allow
        );
    }

    #[test]
    fn explain_that_executes_is_judged_as_its_statement_in_every_spelling() {
        // PostgreSQL accepts both spellings and any boolean spelling as the option argument.
        for sql in [
            "EXPLAIN ANALYZE DELETE FROM t",
            "EXPLAIN ANALYSE DELETE FROM t",
            "EXPLAIN VERBOSE ANALYSE DELETE FROM t",
            "explain analyse delete from t",
            "EXPLAIN (ANALYZE) DELETE FROM t",
            "EXPLAIN (ANALYSE) DELETE FROM t",
            "EXPLAIN (ANALYZE true) DELETE FROM t",
            "EXPLAIN (ANALYZE on) DELETE FROM t",
            "EXPLAIN (ANALYZE 1) DELETE FROM t",
            "EXPLAIN (ANALYZE 'yes') DELETE FROM t",
            "EXPLAIN (ANALYSE, COSTS OFF) DELETE FROM t",
            "EXPLAIN (COSTS OFF, ANALYSE) DELETE FROM t",
            "EXPLAIN (FORMAT JSON, ANALYZE TRUE) DELETE FROM t",
        ] {
            assert_eq!(d(Dialect::Postgres, sql), Decision::Deny, "{sql}");
        }
        // Not executed: the plan of a write is a read.
        for sql in [
            "EXPLAIN DELETE FROM t",
            "EXPLAIN (ANALYZE false) DELETE FROM t",
            "EXPLAIN (ANALYZE off) DELETE FROM t",
            "EXPLAIN (ANALYSE 0, COSTS OFF) DELETE FROM t",
            "EXPLAIN (COSTS OFF) DELETE FROM t",
        ] {
            assert_eq!(d(Dialect::Postgres, sql), Decision::Allow, "{sql}");
        }
        // An option we do not know may execute.
        assert_ne!(
            d(Dialect::Postgres, "EXPLAIN (FROBNICATE) DELETE FROM t"),
            Decision::Allow
        );
        assert_ne!(
            d(Dialect::MySql, "EXPLAIN ANALYZE DELETE FROM t"),
            Decision::Allow
        );
        assert_eq!(
            d(Dialect::MySql, "EXPLAIN FORMAT=JSON SELECT * FROM t"),
            Decision::Allow
        );
    }

    #[test]
    fn only_allowlisted_functions_allow() {
        for (dialect, sql) in [
            (
                Dialect::Postgres,
                "SELECT count(*), lower(name), now() FROM t GROUP BY 2",
            ),
            (
                Dialect::Postgres,
                "SELECT pg_get_indexdef(indexrelid), format_type(1, 2) FROM pg_index",
            ),
            (
                Dialect::Postgres,
                "SELECT pg_catalog.pg_relation_size('t'), current_database()",
            ),
            (Dialect::Postgres, "SELECT * FROM generate_series(1, 3)"),
            (
                Dialect::Postgres,
                "SELECT coalesce(a, 0), greatest(a, b) FROM t",
            ),
            (Dialect::Postgres, "EXPLAIN ANALYZE SELECT count(*) FROM t"),
            (
                Dialect::MySql,
                "SELECT DATE_FORMAT(NOW(), '%Y'), GROUP_CONCAT(a) FROM t",
            ),
            (Dialect::Sqlite, "SELECT * FROM pragma_table_info('t')"),
            (
                Dialect::Sqlite,
                "SELECT json_extract(j, '$.a'), strftime('%Y', d) FROM t",
            ),
            (Dialect::DuckDb, "SELECT * FROM duckdb_tables()"),
            (
                Dialect::ClickHouse,
                "SELECT toStartOfDay(ts), uniqExact(u) FROM t GROUP BY 1",
            ),
        ] {
            assert_eq!(d(dialect, sql), Decision::Allow, "{dialect}: {sql}");
        }
        for (dialect, sql) in [
            (Dialect::Postgres, "SELECT purge_expired_sessions()"),
            (Dialect::Postgres, "SELECT cron.schedule('x', '* * * * *', 'DELETE FROM t')"),
            (Dialect::Postgres, "SELECT * FROM ts_stat($$SELECT to_tsvector(pg_read_file('/etc/passwd'))$$)"),
            (Dialect::Postgres, "SELECT ts_rewrite('a'::tsquery, 'SELECT 1')"),
            (Dialect::Postgres, "SELECT query_to_xml('DELETE FROM t RETURNING 1', true, true, '')"),
            (Dialect::Postgres, "SELECT brin_summarize_new_values('i'::regclass)"),
            (Dialect::Postgres, "SELECT pg_advisory_lock(1)"),
            (Dialect::Postgres, "SELECT nextval('s')"),
            (Dialect::Postgres, "SELECT lo_get(1)"),
            (Dialect::Postgres, "SELECT pg_sleep(10)"),
            (Dialect::Postgres, "SELECT public.lower('A')"),
            (Dialect::Postgres, "SELECT \"Count\"(*) FROM t"),
            (Dialect::Postgres, "SELECT * FROM my_report(1)"),
            (Dialect::Postgres, "SELECT a <~> b FROM t"),
            (Dialect::Postgres, "EXPLAIN (ANALYSE) SELECT set_config('default_transaction_read_only', 'off', false)"),
            (Dialect::Postgres, "EXPLAIN ANALYSE SELECT pg_terminate_backend(1)"),
            (Dialect::Postgres, "SELECT dblink('x', 'DELETE FROM t')"),
            (Dialect::MySql, "SELECT SLEEP(10)"),
            (Dialect::MySql, "SELECT GET_LOCK('a', 1)"),
            (Dialect::MySql, "SELECT BENCHMARK(100000000, MD5('a'))"),
            (Dialect::MySql, "SELECT LOAD_FILE('/etc/passwd')"),
            (Dialect::Sqlite, "SELECT zeroblob(1000000000)"),
            (Dialect::Sqlite, "SELECT * FROM pragma_writable_schema(1)"),
            (Dialect::DuckDb, "SELECT * FROM query('DELETE FROM t')"),
            (Dialect::DuckDb, "SELECT * FROM read_csv('x.csv')"),
            (Dialect::DuckDb, "SELECT getenv('HOME')"),
            (Dialect::ClickHouse, "SELECT * FROM url('http://x/', CSV)"),
            (Dialect::ClickHouse, "SELECT * FROM file('x.csv')"),
            (Dialect::ClickHouse, "SELECT sleepEachRow(1) FROM t"),
            (Dialect::Generic, "SELECT purge()"),
        ] {
            assert_ne!(d(dialect, sql), Decision::Allow, "{dialect}: {sql}");
        }
        let v = classify_sql(Dialect::Postgres, "SELECT purge_expired_sessions()");
        assert!(
            v.explanation[0]
                .reason
                .contains("function `purge_expired_sessions` is not a known read-only built-in"),
            "{v}"
        );
    }

    #[test]
    fn pragma_reads_and_sets_differ() {
        for sql in [
            "PRAGMA table_info(t)",
            "PRAGMA main.table_info('t')",
            "PRAGMA index_list(t)",
            "PRAGMA foreign_key_list(t)",
            "PRAGMA user_version",
            "PRAGMA schema_version",
            "PRAGMA journal_mode",
            "PRAGMA integrity_check",
        ] {
            assert_eq!(d(Dialect::Sqlite, sql), Decision::Allow, "{sql}");
        }
        for sql in [
            "PRAGMA schema_version(1)",
            "PRAGMA schema_version = 1",
            "PRAGMA user_version(7)",
            "PRAGMA user_version = 7",
            "PRAGMA journal_mode(wal)",
            "PRAGMA journal_mode = WAL",
            "PRAGMA table_info = t",
            "PRAGMA writable_schema = ON",
            "PRAGMA foreign_keys(off)",
        ] {
            assert_ne!(d(Dialect::Sqlite, sql), Decision::Allow, "{sql}");
        }
        assert_eq!(
            d(Dialect::Sqlite, "PRAGMA schema_version(1)"),
            Decision::Deny
        );
    }

    #[test]
    fn text_the_server_may_read_differently_is_not_allowed() {
        // MariaDB: `--` followed by U+00A0 is not a comment, so the DROP runs.
        assert_ne!(
            d(Dialect::MySql, "SELECT 1 --\u{a0}; DROP TABLE t"),
            Decision::Allow
        );
        assert_ne!(d(Dialect::Postgres, "SELECT\u{200b}1"), Decision::Allow);
        assert_eq!(
            d(Dialect::MySql, "SELECT 'caf\u{e9}\u{a0}'"),
            Decision::Allow
        );
    }

    #[test]
    fn parse_failures_never_allow() {
        assert_ne!(
            d(Dialect::ClickHouse, "SYSTEM RESTART REPLICA t"),
            Decision::Allow
        );
        assert_ne!(
            d(Dialect::Oracle, "BEGIN DELETE FROM t; END;"),
            Decision::Allow
        );
        assert_ne!(d(Dialect::Postgres, "SELEC 1"), Decision::Allow);
        assert_ne!(
            d(Dialect::Postgres, "SELECT 'unterminated"),
            Decision::Allow
        );
    }

    #[test]
    fn read_only_pragmas_are_allowed_and_setting_ones_are_not() {
        assert_eq!(
            d(Dialect::Sqlite, "PRAGMA table_info(products)"),
            Decision::Allow
        );
        assert_ne!(
            d(Dialect::Sqlite, "PRAGMA journal_mode = WAL"),
            Decision::Allow
        );
        assert_ne!(
            d(Dialect::Sqlite, "PRAGMA writable_schema = ON"),
            Decision::Allow
        );
    }
}
