//! Oracle: four queries on the documented `ALL_*` views (`ALL_OBJECTS`, `ALL_TAB_COLS`,
//! `ALL_CONSTRAINTS`/`ALL_CONS_COLUMNS`, `ALL_INDEXES`/`ALL_IND_COLUMNS`/`ALL_IND_EXPRESSIONS`,
//! comments from `ALL_TAB_COMMENTS`/`ALL_COL_COMMENTS`).
//!
//! Filters are bound (`:1` owner, `:2`/`:3` a JSON array of names read with `JSON_TABLE`;
//! Oracle 12.2 or later for `JSON_TABLE`, `TEXT_VC` and `SEARCH_CONDITION_VC`). The system
//! `NOT NULL` check constraints Oracle generates for every mandatory column are left out
//! (nullability is on the column). Descending index parts, which Oracle stores as hidden
//! expression columns, are mapped back to their column.
//!
//! No built-in runner: the `oracle` crate needs Oracle Instant Client at run time (not
//! available here) and `oracledb` is a pre-release. A caller passes its own [`QueryRunner`]
//! to [`crate::extract`] (binding `:1`, `:2`, `:3` positionally). What was run where: the SQL
//! and the mapping are tested on rows shaped like the documented `ALL_*` columns, conformance
//! kit included; nothing has run against a live Oracle.
//!
//! Extras: column `identity`, `virtual`.

use super::sqltext;
use crate::engine::{
    kind_from, quote_doubling, Assembler, Capabilities, Catalog, ConnectOptions, Engine, Filter,
};
use crate::model::{
    normalize_action, Check, Column, Extra, ForeignKey, Index, IndexColumn, PrimaryKey, Schema,
    Table, UniqueConstraint,
};
use crate::runner::{CatalogQuery, QueryRunner};
use crate::{DatabaseUrl, Error};

/// Oracle Database (12.2 and later).
#[derive(Debug, Clone, Copy)]
pub struct Oracle;

const TABLES: &str = include_str!("../../sql/oracle/tables.sql");
const COLUMNS: &str = include_str!("../../sql/oracle/columns.sql");
const CONSTRAINTS: &str = include_str!("../../sql/oracle/constraints.sql");
const INDEXES: &str = include_str!("../../sql/oracle/indexes.sql");

#[async_trait::async_trait]
impl Engine for Oracle {
    fn name(&self) -> &'static str {
        "oracle"
    }

    fn schemes(&self) -> &'static [&'static str] {
        &["oracle"]
    }

    fn capabilities(&self, _server_version: &str) -> Capabilities {
        Capabilities {
            foreign_keys: true,
            check_constraints: true,
            unique_constraints: true,
            primary_keys: true,
            indexes: true,
            partial_indexes: false,
            descending_indexes: true,
            table_comments: true,
            column_comments: true,
            views: true,
            materialized_views: true,
            column_defaults: true,
            bound_parameters: true,
        }
    }

    fn quote_identifier(&self, ident: &str) -> String {
        quote_doubling(ident, '"')
    }

    fn version_query(&self) -> &'static str {
        "SELECT version FROM product_component_version WHERE ROWNUM = 1"
    }

    fn catalog_queries(&self, filter: &Filter, _server_version: &str) -> Vec<CatalogQuery> {
        let tables = filter.tables_json_param();
        let params = vec![filter.schema_param(), tables.clone(), tables];
        CatalogQuery::all_with(
            &[
                ("tables", TABLES),
                ("columns", COLUMNS),
                ("constraints", CONSTRAINTS),
                ("indexes", INDEXES),
            ],
            &params,
        )
    }

    fn build(&self, catalog: &Catalog) -> Result<Schema, Error> {
        build(catalog)
    }

    async fn connect(
        &self,
        _url: &DatabaseUrl,
        _options: &ConnectOptions,
    ) -> Result<Box<dyn QueryRunner>, Error> {
        Err(Error::NoBuiltInRunner {
            engine: "oracle",
            reason: "xldb-codex cannot open Oracle connections by itself, because every Rust driver needs Oracle Instant Client at run time or is a pre-release; from Rust, pass your own connection as a `QueryRunner` to `db_schema::extract`",
        })
    }
}

/// `"COL" IS NOT NULL`, the shape of Oracle's generated NOT NULL checks.
fn is_not_null_check(condition: &str) -> bool {
    let c = condition.trim();
    c.to_ascii_uppercase().ends_with(" IS NOT NULL")
        && sqltext::single_identifier(&c[..c.len() - " IS NOT NULL".len()]).is_some()
}

fn build(catalog: &Catalog) -> Result<Schema, Error> {
    let mut asm = Assembler::default();
    for row in catalog.rows("tables")?.iter("tables") {
        let mut t = Table::new(
            Some(row.text("schema_name")?),
            row.text("name")?,
            kind_from(&row.text("kind")?),
        );
        t.comment = row.opt_text("comment")?;
        t.definition = row.opt_text("definition")?.map(|d| d.trim().to_owned());
        asm.add_table(t);
    }
    for row in catalog.rows("columns")?.iter("columns") {
        let schema = row.text("schema_name")?;
        let Some(t) = asm.table_mut(Some(&schema), &row.text("table_name")?) else {
            continue;
        };
        let mut extra = Extra::new();
        if row.flag("identity_column")? {
            extra.insert("identity".into(), true.into());
        }
        let is_virtual = row.flag("virtual_column")?;
        let default = row
            .opt_text("default_value")?
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty() && !d.eq_ignore_ascii_case("NULL"));
        if is_virtual {
            extra.insert("virtual".into(), default.clone().into());
        }
        let position = u32::try_from(t.columns.len() + 1).unwrap_or(u32::MAX);
        t.columns.push(Column {
            name: row.text("name")?,
            position,
            data_type: row.text("type")?,
            nullable: row.text("nullable")? == "Y",
            default: if is_virtual { None } else { default },
            comment: row.opt_text("comment")?,
            extra,
        });
    }
    for row in catalog.rows("constraints")?.iter("constraints") {
        let schema = row.text("schema_name")?;
        let Some(t) = asm.table_mut(Some(&schema), &row.text("table_name")?) else {
            continue;
        };
        let name = row.text("name")?;
        let column = row.opt_text("column_name")?;
        match row.text("type")?.as_str() {
            "P" => match &mut t.primary_key {
                Some(pk) if pk.name.as_deref() == Some(&name) => pk.columns.extend(column),
                _ => {
                    t.primary_key = Some(PrimaryKey {
                        name: Some(name),
                        columns: column.into_iter().collect(),
                        ..Default::default()
                    })
                }
            },
            "U" => match t.unique_constraints.last_mut() {
                Some(u) if u.name.as_deref() == Some(&name) => u.columns.extend(column),
                _ => t.unique_constraints.push(UniqueConstraint {
                    name: Some(name),
                    columns: column.into_iter().collect(),
                    ..Default::default()
                }),
            },
            "R" => match t.foreign_keys.last_mut() {
                Some(fk) if fk.name.as_deref() == Some(&name) => {
                    fk.columns.extend(column);
                    fk.referenced_columns
                        .extend(row.opt_text("referenced_column")?);
                }
                _ => t.foreign_keys.push(ForeignKey {
                    name: Some(name),
                    columns: column.into_iter().collect(),
                    referenced_schema: row.opt_text("referenced_schema")?,
                    referenced_table: row.opt_text("referenced_table")?.unwrap_or_default(),
                    referenced_columns: row.opt_text("referenced_column")?.into_iter().collect(),
                    on_delete: normalize_action(&row.opt_text("delete_rule")?.unwrap_or_default()),
                    // Oracle has no ON UPDATE actions.
                    on_update: Some("NO ACTION".into()),
                    ..Default::default()
                }),
            },
            _ => {
                let condition = row.opt_text("condition")?.unwrap_or_default();
                let generated = row.opt_text("generated")?.unwrap_or_default();
                if generated.starts_with("GENERATED") && is_not_null_check(&condition) {
                    continue;
                }
                // One row per referenced column: keep each check once.
                if t.checks.iter().any(|c| c.name.as_deref() == Some(&name)) {
                    continue;
                }
                t.checks.push(Check {
                    name: Some(name),
                    expression: condition.trim().to_owned(),
                    ..Default::default()
                });
            }
        }
    }
    for row in catalog.rows("indexes")?.iter("indexes") {
        let schema = row.text("schema_name")?;
        let Some(t) = asm.table_mut(Some(&schema), &row.text("table_name")?) else {
            continue;
        };
        let name = row.text("name")?;
        if t.indexes.last().map(|i| &i.name) != Some(&name) {
            let index_type = row.opt_text("index_type")?.unwrap_or_default();
            t.indexes.push(Index {
                name: name.clone(),
                columns: Vec::new(),
                unique: row.text("uniqueness")? == "UNIQUE",
                method: Some(
                    index_type
                        .trim_start_matches("FUNCTION-BASED ")
                        .to_ascii_lowercase(),
                ),
                predicate: None,
                extra: Extra::new(),
                ..Default::default()
            });
        }
        let Some(ix) = t.indexes.last_mut() else {
            continue;
        };
        let descending = row.opt_text("descend")?.as_deref() == Some("DESC");
        let part = match row.opt_text("expression")? {
            Some(expr) => match sqltext::single_identifier(expr.trim()) {
                // A DESC part on a plain column is stored as the expression `"COL"`.
                Some(col) => IndexColumn {
                    column: Some(col),
                    expression: None,
                    descending,
                    ..Default::default()
                },
                None => IndexColumn {
                    column: None,
                    expression: Some(expr.trim().to_owned()),
                    descending,
                    ..Default::default()
                },
            },
            None => IndexColumn {
                column: row.opt_text("column_name")?,
                expression: None,
                descending,
                ..Default::default()
            },
        };
        ix.columns.push(part);
    }
    Ok(asm.finish("oracle", &catalog.server_version, Extra::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_not_null_checks_are_recognized() {
        assert!(is_not_null_check("\"QTY\" IS NOT NULL"));
        assert!(is_not_null_check("\"we;ird\" IS NOT NULL"));
        assert!(!is_not_null_check("qty > 0 AND x IS NOT NULL"));
    }

    #[test]
    fn there_is_no_builtin_runner_and_the_error_says_why() {
        let url = DatabaseUrl::parse("oracle://scott:tiger-pw@127.0.0.1:1521/XE")
            .unwrap_or_else(|e| panic!("{e}"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let err = rt
            .block_on(Oracle.connect(&url, &ConnectOptions::default()))
            .err()
            .unwrap_or_else(|| panic!("connected"));
        assert!(err.is_usage());
        assert!(err.to_string().contains("QueryRunner"), "{err}");
        assert!(!err.to_string().contains("tiger-pw"));
    }
}
