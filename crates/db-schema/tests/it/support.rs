//! Small helpers shared by the engine tests.

#![allow(dead_code)]

use crate::conformance::{check, Fixture};
use db_schema::{
    engine_by_name, extract, extract_url, CatalogQuery, ConnectOptions, CountingRunner,
    DatabaseUrl, Error, Filter, Options, Param, QueryRunner, Rows, Schema, Value,
};
use std::collections::{BTreeSet, VecDeque};

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

/// Extract `url` with the default options.
pub fn extract_default(url: &str) -> Result<Schema, Error> {
    block_on(extract_url(url, &Options::default(), &()))
}

/// The names of `schema`'s tables, in its order.
pub fn table_names(schema: &Schema) -> Vec<&str> {
    schema.tables.iter().map(|t| t.name.as_str()).collect()
}

/// Extract `url` with the default options and run the conformance checks against the
/// capabilities `engine` has at the server version read.
pub fn extract_conformant(engine: &str, url: &str, fixture: &Fixture) -> Schema {
    let schema = extract_default(url).unwrap();
    let caps = engine_by_name(engine)
        .unwrap()
        .capabilities(schema.server_version.as_deref().unwrap_or(""));
    check(&schema, &caps, fixture);
    schema
}

/// `engine`'s built-in runner on `url`, with the default connect options.
pub async fn connect(engine: &str, url: &str) -> Box<dyn QueryRunner> {
    let engine = engine_by_name(engine).unwrap();
    db_schema::connect(
        engine,
        &DatabaseUrl::parse(url).unwrap(),
        &ConnectOptions::default(),
    )
    .await
    .unwrap()
}

/// Extract all of `url` through a [`CountingRunner`]: (statements run, tables found).
pub fn count_round_trips(engine: &str, url: &str) -> (usize, usize) {
    block_on(async {
        let runner = connect(engine, url).await;
        let mut counting = CountingRunner::new(runner);
        let schema = extract(
            engine_by_name(engine).unwrap(),
            &mut counting,
            &Filter::default(),
            &(),
        )
        .await
        .unwrap();
        (counting.statements, schema.tables.len())
    })
}

/// Names of the queries an engine would run.
pub fn query_names(q: &[CatalogQuery]) -> Vec<&'static str> {
    q.iter().map(|q| q.name).collect()
}

/// Assert the catalog's fact lines and the model's are the same set: zero mismatches, each
/// difference printed on its own line.
#[track_caller]
pub fn assert_same_facts(catalog: &BTreeSet<String>, model: &BTreeSet<String>) {
    let missing: Vec<&str> = catalog.difference(model).map(String::as_str).collect();
    let extra: Vec<&str> = model.difference(catalog).map(String::as_str).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{} facts of the catalog missing from the model:\n{}\n{} facts of the model not in the catalog:\n{}",
        missing.len(),
        missing.join("\n"),
        extra.len(),
        extra.join("\n"),
    );
}

/// `schema.name`, with an empty schema when there is none.
pub fn qualified(schema: Option<&str>, name: &str) -> String {
    format!("{}.{name}", schema.unwrap_or(""))
}

/// The catalog's one-letter referential actions.
pub fn action_letter(action: Option<&str>) -> char {
    match action.unwrap_or("NO ACTION") {
        "CASCADE" => 'c',
        "SET NULL" => 'n',
        "SET DEFAULT" => 'd',
        "RESTRICT" => 'r',
        _ => 'a',
    }
}
