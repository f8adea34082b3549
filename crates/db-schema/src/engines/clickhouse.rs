//! ClickHouse (in progress).
use crate::engine::{quote_doubling, Capabilities, Catalog, ConnectOptions, Engine, Filter};
use crate::model::Schema;
use crate::runner::{CatalogQuery, QueryRunner};
use crate::{DatabaseUrl, Error};

/// ClickHouse.
#[derive(Debug, Clone, Copy)]
pub struct ClickHouse;

#[async_trait::async_trait]
impl Engine for ClickHouse {
    fn name(&self) -> &'static str {
        "clickhouse"
    }
    fn schemes(&self) -> &'static [&'static str] {
        &["clickhouse"]
    }
    fn capabilities(&self, _v: &str) -> Capabilities {
        todo!()
    }
    fn quote_identifier(&self, ident: &str) -> String {
        quote_doubling(ident, '"')
    }
    fn version_query(&self) -> &'static str {
        "SELECT 1"
    }
    fn catalog_queries(&self, _f: &Filter, _v: &str) -> Vec<CatalogQuery> {
        vec![]
    }
    fn build(&self, _c: &Catalog) -> Result<Schema, Error> {
        todo!()
    }
    async fn connect(
        &self,
        _u: &DatabaseUrl,
        _o: &ConnectOptions,
    ) -> Result<Box<dyn QueryRunner>, Error> {
        todo!()
    }
}
