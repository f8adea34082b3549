//! Secrets by provenance: which output columns of a query come from a secret-looking column,
//! found in the statement's syntax tree rather than guessed from output names.
//!
//! A secret-looking column ([`codex_session::is_sensitive_key`]: `password`, `api_key`,
//! `token`, …) may be selected as such, bare or under an alias (`password AS p`): that
//! output column is redacted. Any other use reveals it through a computed value or a
//! condition (`hex(password)`, `json_object('p', password)`, `CAST(password AS int)` whose
//! error quotes it, `WHERE password LIKE 'a%'`, a subquery that renames it), so the query is
//! refused. When the query reads a table that has a secret-looking column, whole-row values
//! (`SELECT a FROM accounts a`, `row_to_json(a.*)`) are refused too. Output names that look
//! secret (a `*` over such a table) are redacted by the caller regardless.
//!
//! Views carry provenance too: a view whose definition passes a secret-looking column on
//! under another name or computes with it (`CREATE VIEW v AS SELECT password AS p FROM
//! users`) is judged by the same rules on its definition, and a query that reads it is
//! refused, as is a view over such a view. Fail closed: a view without a readable definition,
//! or a statement that cannot be parsed here, is refused when it names a table with secrets.

use crate::dialect::{Dialect, WorkflowDialect};
use codex_session::is_sensitive_key;
use db_schema::{Schema, TableKind};
use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, FunctionArguments, SelectItem, SetExpr, Statement,
    TableFactor, Visit, Visitor,
};
use std::ops::ControlFlow;

/// What a query does with secret-looking columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SecretUse {
    /// Run it, then redact the output columns at these positions.
    Redact(Vec<usize>),
    /// Do not run it: why.
    Refused(String),
}

/// The relations of a schema that hold secrets, lower-case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SecretTables {
    /// Tables (and views) with a secret-looking column: selected as such, it is redacted.
    pub(crate) by_name: Vec<String>,
    /// Views whose columns carry a secret under another name (or may: no definition): not read.
    pub(crate) renaming_views: Vec<String>,
}

/// The tables with secret-looking columns, and the views that pass a secret on under
/// another name, found by judging each view's definition like a query, to a fixed point
/// (a view over such a view is one too).
pub(crate) fn secret_tables(engine: Dialect, schema: &Schema) -> SecretTables {
    let mut secrets = SecretTables {
        by_name: schema
            .tables
            .iter()
            .filter(|t| t.columns.iter().any(|c| is_sensitive_key(&c.name)))
            .map(|t| t.name.to_lowercase())
            .collect(),
        renaming_views: Vec::new(),
    };
    if secrets.by_name.is_empty() {
        return secrets;
    }
    let views: Vec<_> = schema
        .tables
        .iter()
        .filter(|t| {
            t.definition.is_some()
                || matches!(t.kind, TableKind::View | TableKind::MaterializedView)
        })
        .collect();
    loop {
        let mut grew = false;
        for v in &views {
            let name = v.name.to_lowercase();
            if secrets.renaming_views.contains(&name) {
                continue;
            }
            let carries = match &v.definition {
                Some(def) => {
                    !matches!(check(engine, def, &secrets), SecretUse::Redact(ref p) if p.is_empty())
                }
                None => true,
            };
            if carries {
                secrets.renaming_views.push(name);
                grew = true;
            }
        }
        if !grew {
            return secrets;
        }
    }
}

/// The words of `sql` (letters, digits, `_`, `$`), lower-case: what a statement that could not
/// be parsed may name.
fn words(sql: &str) -> impl Iterator<Item = String> + '_ {
    sql.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

fn last_part(name: &str) -> String {
    name.rsplit('.')
        .next()
        .unwrap_or(name)
        .trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']')
        .to_lowercase()
}

fn secret_ident(e: &Expr) -> Option<String> {
    match e {
        Expr::Identifier(i) if is_sensitive_key(&i.value) => Some(i.value.clone()),
        Expr::CompoundIdentifier(parts) => parts
            .last()
            .filter(|i| is_sensitive_key(&i.value))
            .map(|i| i.value.clone()),
        _ => None,
    }
}

#[derive(Default)]
struct Scan {
    /// Secret-looking identifiers anywhere, in visiting order.
    secret_uses: Vec<String>,
    /// Relation names and aliases, lower-case.
    relations: Vec<String>,
    /// Tables read, lower-case.
    tables: Vec<String>,
    /// Bare identifiers (candidates for whole-row references), lower-case.
    bare: Vec<String>,
    /// A function takes `*` or `t.*` (other than `count(*)`).
    row_argument: Option<String>,
}

impl Visitor for Scan {
    type Break = ();

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        if let Some(name) = secret_ident(e) {
            self.secret_uses.push(name);
        }
        match e {
            Expr::Identifier(i) => self.bare.push(i.value.to_lowercase()),
            Expr::Function(f) => {
                let name = f.name.to_string().to_lowercase();
                if let FunctionArguments::List(list) = &f.args {
                    let star = list.args.iter().any(|a| {
                        let arg = match a {
                            FunctionArg::Unnamed(a)
                            | FunctionArg::Named { arg: a, .. }
                            | FunctionArg::ExprNamed { arg: a, .. } => a,
                        };
                        !matches!(arg, FunctionArgExpr::Expr(_))
                    });
                    if star && name != "count" {
                        self.row_argument = Some(name);
                    }
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, t: &TableFactor) -> ControlFlow<()> {
        let alias = match t {
            TableFactor::Table { name, alias, .. } => {
                let n = last_part(&name.to_string());
                self.tables.push(n.clone());
                self.relations.push(n);
                alias
            }
            TableFactor::Derived { alias, .. } => alias,
            _ => &None,
        };
        if let Some(a) = alias {
            self.relations.push(a.name.value.to_lowercase());
        }
        ControlFlow::Continue(())
    }
}

/// Judge `sql` (already through the statement gate); `secrets` from [`secret_tables`].
pub(crate) fn check(engine: Dialect, sql: &str, secrets: &SecretTables) -> SecretUse {
    let statements = engine.parse(sql).unwrap_or_default();
    let Some(stmt) = statements.first() else {
        // Not readable here (DuckDB `SUMMARIZE`, a dialect's own statement): fail closed.
        return match words(sql).find(|w| {
            is_sensitive_key(w)
                || secrets.by_name.contains(w)
                || secrets.renaming_views.contains(w)
        }) {
            Some(w) => SecretUse::Refused(format!(
                "the statement could not be checked for secrets here, and it names `{w}`, which holds secret-looking columns"
            )),
            None => SecretUse::Redact(Vec::new()),
        };
    };
    let mut scan = Scan::default();
    let _ = stmt.visit(&mut scan);
    if let Some(v) = scan
        .tables
        .iter()
        .find(|t| secrets.renaming_views.contains(t))
    {
        return SecretUse::Refused(format!(
            "the view `{v}` passes a secret-looking column on under another name or computed (or its definition is unknown); query the underlying table, whose secret-looking columns come back redacted"
        ));
    }
    let secret_tables = &secrets.by_name;

    // secret-looking columns selected as such at the top level
    let mut positions = Vec::new();
    let mut direct = 0;
    if let Statement::Query(q) = stmt {
        if let SetExpr::Select(select) = q.body.as_ref() {
            let mut wildcard_before = false;
            for (i, item) in select.projection.iter().enumerate() {
                let expr = match item {
                    SelectItem::UnnamedExpr(e) => Some((e, false)),
                    SelectItem::ExprWithAlias { expr, .. } => Some((expr, true)),
                    _ => {
                        wildcard_before = true;
                        None
                    }
                };
                if let Some((e, aliased)) = expr {
                    if secret_ident(e).is_some() {
                        direct += 1;
                        if wildcard_before && aliased {
                            return SecretUse::Refused(
                                "a secret-looking column is renamed after `*`; select it by its own name".into(),
                            );
                        }
                        positions.push(i);
                    }
                }
            }
        }
    }
    if scan.secret_uses.len() > direct {
        let name = scan.secret_uses.first().cloned().unwrap_or_default();
        return SecretUse::Refused(format!(
            "the query computes with or filters on the secret-looking column `{name}`; select it directly (it comes back redacted) or leave it out"
        ));
    }
    let reads_secret_table = scan.tables.iter().any(|t| secret_tables.contains(t));
    if reads_secret_table {
        if let Some(f) = &scan.row_argument {
            return SecretUse::Refused(format!(
                "`{f}` takes whole rows of a table with secret-looking columns; name the columns instead"
            ));
        }
        if let Some(r) = scan.bare.iter().find(|b| scan.relations.contains(b)) {
            return SecretUse::Refused(format!(
                "`{r}` is a whole row of a table with secret-looking columns; name the columns instead"
            ));
        }
    }
    SecretUse::Redact(positions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(sql: &str) -> SecretUse {
        let secrets = SecretTables {
            by_name: vec!["accounts".to_string()],
            renaming_views: Vec::new(),
        };
        check(Dialect::Postgres, sql, &secrets)
    }

    fn column(name: &str) -> db_schema::Column {
        db_schema::Column {
            name: name.into(),
            position: 1,
            data_type: "text".into(),
            nullable: true,
            default: None,
            comment: None,
            extra: Default::default(),
        }
    }

    fn view(name: &str, definition: Option<&str>) -> db_schema::Table {
        let mut v = db_schema::Table::new(None, name, TableKind::View);
        v.definition = definition.map(str::to_owned);
        v.columns.push(column("p"));
        v
    }

    #[test]
    fn views_that_rename_or_compute_secrets_are_not_read() {
        let mut accounts = db_schema::Table::new(None, "accounts", TableKind::Table);
        accounts.columns.push(column("login"));
        accounts.columns.push(column("password"));
        let schema = Schema {
            version: db_schema::MODEL_VERSION,
            engine: "postgres".into(),
            server_version: None,
            extra: Default::default(),
            tables: vec![
                accounts,
                view(
                    "renamed",
                    Some(" SELECT accounts.password AS p FROM accounts;"),
                ),
                view("hashed", Some("SELECT md5(password) AS p FROM accounts")),
                view("over_renamed", Some("SELECT p FROM renamed")),
                view("logins", Some("SELECT login AS p FROM accounts")),
                view("unknown", None),
                view(
                    "created",
                    Some("CREATE VIEW created AS SELECT password AS p FROM accounts"),
                ),
            ],
        };
        let secrets = secret_tables(Dialect::Postgres, &schema);
        let mut views = secrets.renaming_views.clone();
        views.sort();
        assert_eq!(
            views,
            ["created", "hashed", "over_renamed", "renamed", "unknown"]
        );
        for sql in [
            "SELECT p FROM renamed",
            "SELECT * FROM public.over_renamed",
            "SELECT count(*) FROM hashed",
        ] {
            assert!(
                matches!(
                    check(Dialect::Postgres, sql, &secrets),
                    SecretUse::Refused(_)
                ),
                "{sql}"
            );
        }
        assert_eq!(
            check(Dialect::Postgres, "SELECT p FROM logins", &secrets),
            SecretUse::Redact(vec![])
        );
    }

    #[test]
    fn statements_that_cannot_be_parsed_fail_closed_on_secret_tables() {
        assert!(matches!(judge("SUMMARIZE accounts"), SecretUse::Refused(_)));
        assert!(matches!(
            judge("SUMMARIZE SELECT password FROM t"),
            SecretUse::Refused(_)
        ));
        assert_eq!(judge("SUMMARIZE orders"), SecretUse::Redact(vec![]));
    }

    #[test]
    fn direct_selection_is_redacted_and_derivation_is_refused() {
        assert_eq!(
            judge("SELECT login, password AS p FROM accounts"),
            SecretUse::Redact(vec![1])
        );
        assert_eq!(
            judge("SELECT a.password FROM accounts a"),
            SecretUse::Redact(vec![0])
        );
        assert_eq!(
            judge("SELECT login FROM accounts"),
            SecretUse::Redact(vec![])
        );
        for sql in [
            "SELECT encode(password::bytea, 'hex') FROM accounts",
            "SELECT json_build_object('p', password) FROM accounts",
            "SELECT CAST(password AS int) FROM accounts",
            "SELECT login FROM accounts WHERE password LIKE 'a%'",
            "SELECT p FROM (SELECT password AS p FROM accounts) x",
            "SELECT a FROM accounts a",
            "SELECT row_to_json(a.*) FROM accounts a",
            "SELECT to_jsonb(accounts) FROM accounts",
            "SELECT *, password AS p FROM accounts",
        ] {
            assert!(matches!(judge(sql), SecretUse::Refused(_)), "{sql}");
        }
        assert_eq!(
            judge("SELECT count(*) FROM accounts"),
            SecretUse::Redact(vec![])
        );
    }
}
