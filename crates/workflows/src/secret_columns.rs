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

use crate::dialect::{Dialect, WorkflowDialect};
use codex_session::is_sensitive_key;
use db_schema::Schema;
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

/// Lower-case names of the tables that have a secret-looking column.
pub(crate) fn secret_tables(schema: &Schema) -> Vec<String> {
    schema
        .tables
        .iter()
        .filter(|t| t.columns.iter().any(|c| is_sensitive_key(&c.name)))
        .map(|t| t.name.to_lowercase())
        .collect()
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

/// Judge `sql` (already through the statement gate); `secret_tables` from [`secret_tables`].
pub(crate) fn check(engine: Dialect, sql: &str, secret_tables: &[String]) -> SecretUse {
    let Ok(statements) = engine.parse(sql) else {
        return SecretUse::Redact(Vec::new());
    };
    let Some(stmt) = statements.first() else {
        return SecretUse::Redact(Vec::new());
    };
    let mut scan = Scan::default();
    let _ = stmt.visit(&mut scan);

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
        check(Dialect::Postgres, sql, &["accounts".to_string()])
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
