//! How catalog queries reach a database: the [`QueryRunner`] trait and the rows it returns.
//!
//! The trait is deliberately tiny (one method) so that a proxy that already holds a connection
//! can implement it in a few lines and hand it in. Values are reduced to five variants: catalog
//! queries cast what they select to text, integers and booleans (arrays travel as JSON text),
//! so every driver can answer them and every engine maps them the same way.

use crate::read_query::{CancelQuery, Collector, ReadLimits, ReadResult};
use crate::Error;
use std::sync::Arc;

/// A bound parameter of a catalog query (each engine's SQL uses its own placeholder style:
/// `$1`, `?`, `?1`, `@P1`, `:1`).
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// SQL NULL (an absent filter).
    Null,
    /// A text value.
    Text(String),
    /// An integer.
    Int(i64),
    /// A text array (PostgreSQL `text[]`); engines without arrays receive JSON text instead.
    TextArray(Vec<String>),
}

/// One value of a result row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// Text.
    Text(String),
}

/// The result of one query: column names and rows of values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    /// Column names in select order.
    pub columns: Vec<String>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<Value>>,
}

/// A named catalog query with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogQuery {
    /// Short name used in errors and progress (`tables`, `columns`, ...).
    pub name: &'static str,
    /// The SQL text (kept in `sql/<engine>/*.sql` files).
    pub sql: String,
    /// Bound parameters, in placeholder order.
    pub params: Vec<Param>,
}

impl CatalogQuery {
    /// One query per `(name, sql)` pair, every one bound to the same `params`: the common
    /// shape of engines whose catalog queries all take the same filter parameters.
    pub fn all_with(queries: &[(&'static str, &'static str)], params: &[Param]) -> Vec<Self> {
        queries
            .iter()
            .map(|&(name, sql)| CatalogQuery {
                name,
                sql: sql.to_owned(),
                params: params.to_vec(),
            })
            .collect()
    }
}

/// Runs SQL and returns rows. Built-in runners exist per cargo feature; a proxy can implement
/// this over its own connection.
///
/// Implementations should open read-only sessions with a statement timeout (the built-in
/// runners do), and report server errors with [`Error::query_failed`].
#[async_trait::async_trait]
pub trait QueryRunner: Send {
    /// Run one statement with bound parameters and return all its rows.
    async fn query(&mut self, sql: &str, params: &[Param]) -> Result<Rows, Error>;

    /// Run an engine's catalog queries, which never depend on each other, and return their
    /// rows in the same order; an error names its query ([`Error::in_query`]). The default
    /// runs them one after another through [`QueryRunner::query`]. A runner may run them
    /// concurrently: the built-in PostgreSQL runner spreads them over a second connection.
    async fn query_all(&mut self, queries: &[CatalogQuery]) -> Result<Vec<Rows>, Error> {
        let mut out = Vec::with_capacity(queries.len());
        for q in queries {
            out.push(
                self.query(&q.sql, &q.params)
                    .await
                    .map_err(|e| e.in_query(q.name))?,
            );
        }
        Ok(out)
    }

    /// Run one statement on an agent's behalf, read-only and bounded (see
    /// [`crate::read_query`]). The built-in runners open a read-only transaction of their own,
    /// prepare the statement (one statement only), read values by type and roll back. The
    /// default runs [`QueryRunner::query`] without parameters and bounds its rows: a caller's
    /// runner must be read-only itself.
    async fn read_only_query(
        &mut self,
        sql: &str,
        limits: &ReadLimits,
    ) -> Result<ReadResult, Error> {
        let rows = self.query(sql, &[]).await?;
        let mut c = Collector::new(rows.columns, limits);
        for row in rows.rows {
            let values = row.into_iter().map(|v| c.value(v)).collect();
            if !c.push(values) {
                break;
            }
        }
        Ok(c.finish())
    }

    /// A handle that cancels, from another task, the statement this runner is running.
    fn canceller(&self) -> Option<Arc<dyn CancelQuery>> {
        None
    }
}

impl Rows {
    /// Iterate rows with typed accessors; `query` names the query in decode errors.
    pub fn iter<'a>(&'a self, query: &'a str) -> impl Iterator<Item = Row<'a>> + 'a {
        self.rows.iter().map(move |values| Row {
            columns: &self.columns,
            values,
            query,
        })
    }
}

/// One row with typed, named access.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    columns: &'a [String],
    values: &'a [Value],
    query: &'a str,
}

impl<'a> Row<'a> {
    fn get(&self, column: &str) -> Result<&'a Value, Error> {
        self.columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(column))
            .and_then(|i| self.values.get(i))
            .ok_or_else(|| Error::decode(self.query, format!("no column `{column}`")))
    }

    /// Text value; `None` for NULL. Numbers and booleans are rendered as text.
    pub fn opt_text(&self, column: &str) -> Result<Option<String>, Error> {
        Ok(match self.get(column)? {
            Value::Null => None,
            Value::Text(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
        })
    }

    /// Text value; NULL is an error.
    pub fn text(&self, column: &str) -> Result<String, Error> {
        self.opt_text(column)?
            .ok_or_else(|| Error::decode(self.query, format!("`{column}` is null")))
    }

    /// Integer value; `None` for NULL. Text holding an integer is accepted (ClickHouse quotes
    /// 64-bit integers in JSON).
    pub fn opt_int(&self, column: &str) -> Result<Option<i64>, Error> {
        match self.get(column)? {
            Value::Null => Ok(None),
            Value::Int(i) => Ok(Some(*i)),
            Value::Bool(b) => Ok(Some(i64::from(*b))),
            Value::Float(f) if f.fract() == 0.0 => Ok(Some(*f as i64)),
            Value::Text(s) => s.trim().parse().map(Some).map_err(|_| {
                Error::decode(self.query, format!("`{column}` is not an integer: `{s}`"))
            }),
            Value::Float(f) => Err(Error::decode(
                self.query,
                format!("`{column}` is not an integer: `{f}`"),
            )),
        }
    }

    /// Integer value; NULL is an error.
    pub fn int(&self, column: &str) -> Result<i64, Error> {
        self.opt_int(column)?
            .ok_or_else(|| Error::decode(self.query, format!("`{column}` is null")))
    }

    /// Boolean value; NULL is `false`. Accepts 0/1, `t`/`f`, `true`/`false`, `YES`/`NO`.
    pub fn flag(&self, column: &str) -> Result<bool, Error> {
        match self.get(column)? {
            Value::Null => Ok(false),
            Value::Bool(b) => Ok(*b),
            Value::Int(i) => Ok(*i != 0),
            Value::Float(f) => Ok(*f != 0.0),
            Value::Text(s) => match s.trim().to_ascii_lowercase().as_str() {
                "1" | "t" | "true" | "y" | "yes" => Ok(true),
                "0" | "f" | "false" | "n" | "no" | "" => Ok(false),
                _ => Err(Error::decode(
                    self.query,
                    format!("`{column}` is not a boolean: `{s}`"),
                )),
            },
        }
    }

    /// A JSON array of strings carried as text (`["a","b"]`); NULL is empty.
    pub fn text_list(&self, column: &str) -> Result<Vec<String>, Error> {
        match self.opt_text(column)? {
            None => Ok(Vec::new()),
            Some(s) => serde_json::from_str::<Vec<Option<String>>>(&s)
                .map(|v| v.into_iter().map(Option::unwrap_or_default).collect())
                .map_err(|e| {
                    Error::decode(
                        self.query,
                        format!("`{column}` is not a JSON text array: {e}"),
                    )
                }),
        }
    }
}

/// A runner that counts statements and answers from another runner: used by tests to prove
/// that the number of round trips does not depend on the number of tables.
#[derive(Debug)]
pub struct CountingRunner<R> {
    inner: R,
    /// Statements run so far.
    pub statements: usize,
}

impl<R> CountingRunner<R> {
    /// Wrap `inner`.
    pub fn new(inner: R) -> Self {
        CountingRunner {
            inner,
            statements: 0,
        }
    }
}

#[async_trait::async_trait]
impl<R: QueryRunner> QueryRunner for CountingRunner<R> {
    async fn query(&mut self, sql: &str, params: &[Param]) -> Result<Rows, Error> {
        self.statements += 1;
        self.inner.query(sql, params).await
    }

    async fn read_only_query(
        &mut self,
        sql: &str,
        limits: &ReadLimits,
    ) -> Result<ReadResult, Error> {
        self.statements += 1;
        self.inner.read_only_query(sql, limits).await
    }

    fn canceller(&self) -> Option<Arc<dyn CancelQuery>> {
        self.inner.canceller()
    }
}

#[async_trait::async_trait]
impl QueryRunner for Box<dyn QueryRunner> {
    async fn query(&mut self, sql: &str, params: &[Param]) -> Result<Rows, Error> {
        (**self).query(sql, params).await
    }

    async fn query_all(&mut self, queries: &[CatalogQuery]) -> Result<Vec<Rows>, Error> {
        (**self).query_all(queries).await
    }

    async fn read_only_query(
        &mut self,
        sql: &str,
        limits: &ReadLimits,
    ) -> Result<ReadResult, Error> {
        (**self).read_only_query(sql, limits).await
    }

    fn canceller(&self) -> Option<Arc<dyn CancelQuery>> {
        (**self).canceller()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Rows {
        Rows {
            columns: vec!["a".into(), "b".into(), "c".into()],
            rows: vec![vec![
                Value::Text("42".into()),
                Value::Null,
                Value::Text("[\"x\",\"y\"]".into()),
            ]],
        }
    }

    /// Fails the statement `fail`; counts what it ran.
    struct Failing {
        fail: &'static str,
        ran: Vec<String>,
    }

    #[async_trait::async_trait]
    impl QueryRunner for Failing {
        async fn query(&mut self, sql: &str, _: &[Param]) -> Result<Rows, Error> {
            self.ran.push(sql.to_owned());
            if sql == self.fail {
                return Err(Error::query_failed("boom"));
            }
            Ok(rows())
        }
    }

    #[test]
    fn query_all_runs_in_order_and_stops_at_a_named_error() {
        let queries = CatalogQuery::all_with(&[("a", "1"), ("b", "2"), ("c", "3")], &[]);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut ok = Failing {
            fail: "none",
            ran: vec![],
        };
        let all = rt.block_on(ok.query_all(&queries)).unwrap();
        assert_eq!((all.len(), ok.ran.join(",")), (3, "1,2,3".to_owned()));
        let mut failing = Failing {
            fail: "2",
            ran: vec![],
        };
        let e = rt.block_on(failing.query_all(&queries)).unwrap_err();
        assert_eq!(failing.ran.join(","), "1,2");
        assert!(e.to_string().contains("`b`"), "{e}");
    }

    #[test]
    fn typed_access_converts_and_reports_shape_errors() {
        let r = rows();
        let row = r.iter("q").next().unwrap();
        assert_eq!(row.int("a").unwrap(), 42);
        assert_eq!(row.opt_text("b").unwrap(), None);
        assert!(!row.flag("b").unwrap());
        assert_eq!(row.text_list("c").unwrap(), vec!["x", "y"]);
        let e = row.text("missing").unwrap_err();
        assert_eq!(
            e.to_string(),
            "catalog query `q` returned an unexpected row: no column `missing`"
        );
        assert!(row.text("b").is_err());
        assert!(row.text_list("a").is_err());
    }
}
