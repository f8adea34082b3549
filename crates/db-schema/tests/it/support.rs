//! Small helpers shared by the engine tests.

#![allow(dead_code)]

use db_schema::{CatalogQuery, Error, Param, QueryRunner, Rows, Value};
use std::collections::VecDeque;

/// Run a future on a fresh current-thread runtime.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// A runner that answers from canned result sets in order, checking the SQL it is given
/// contains the expected marker, and records the parameters. Used for engines with no server
/// here (SQL Server, Oracle): the rows are shaped like the documented catalog views.
#[derive(Debug, Default)]
pub struct CannedRunner {
    pub answers: VecDeque<(String, Rows)>,
    pub seen: Vec<(String, Vec<Param>)>,
}

impl CannedRunner {
    pub fn push(&mut self, sql_marker: &str, columns: &[&str], rows: Vec<Vec<Value>>) {
        self.answers.push_back((
            sql_marker.to_owned(),
            Rows {
                columns: columns.iter().map(|c| (*c).to_owned()).collect(),
                rows,
            },
        ));
    }
}

#[async_trait::async_trait]
impl QueryRunner for CannedRunner {
    async fn query(&mut self, sql: &str, params: &[Param]) -> Result<Rows, Error> {
        self.seen.push((sql.to_owned(), params.to_vec()));
        let (marker, rows) = self
            .answers
            .pop_front()
            .ok_or_else(|| Error::query_failed("no canned answer left"))?;
        if !sql.contains(&marker) {
            return Err(Error::query_failed(format!(
                "expected a query containing `{marker}`"
            )));
        }
        Ok(rows)
    }
}

/// Shorthands for canned values.
pub fn t(s: &str) -> Value {
    Value::Text(s.to_owned())
}
pub fn i(n: i64) -> Value {
    Value::Int(n)
}
pub const N: Value = Value::Null;

/// Names of the queries an engine would run.
pub fn query_names(q: &[CatalogQuery]) -> Vec<&'static str> {
    q.iter().map(|q| q.name).collect()
}
