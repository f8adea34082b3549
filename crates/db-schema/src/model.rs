//! The normalized schema model and its JSON form.
//!
//! The JSON printed by `xldb-codex schema --format json` is these types serialized with serde;
//! `docs/schema.json` is its JSON Schema and a test checks every engine's output against it.
//! Design choices:
//! - Every field is always present (empty list, `null`, `{}`), so a consumer never has to tell
//!   "absent" from "empty".
//! - What every engine shares is typed (columns, keys, constraints, indexes); what only one
//!   engine has goes into `extra`, a JSON object whose keys each engine documents (PostgreSQL
//!   partitions and sequences, ClickHouse sorting keys, MySQL storage engine, ...). That keeps
//!   the core small without dropping what a reviewer needs.
//! - Index parts are objects (`column` or `expression`, plus `descending`) because order,
//!   direction and expressions matter when reviewing an index.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Engine-specific facts, keyed by a name the engine documents.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// The version of the JSON model in [`Schema::version`]; raised when fields are added.
///
/// 2: domains, operator classes, `NULLS FIRST/LAST`, `NULLS NOT DISTINCT`, typed `include`,
/// `NOT VALID`, `DEFERRABLE`, partitions' own constraints and indexes, index part collations.
pub const MODEL_VERSION: u32 = 2;

/// Everything extracted from one database (or one schema of it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// The model version ([`MODEL_VERSION`]), so consumers can tell which fields to expect.
    #[serde(default = "first_version")]
    pub version: u32,
    /// The engine's registry name: `postgres`, `mysql`, `clickhouse`, `duckdb`, `sqlite`,
    /// `mssql` or `oracle`.
    pub engine: String,
    /// The server's version string, when the engine reports one.
    pub server_version: Option<String>,
    /// Tables, views and materialized views, sorted by schema then name.
    pub tables: Vec<Table>,
    /// Database-level engine extras (PostgreSQL `enums`, `sequences`; ...).
    pub extra: Extra,
}

/// Documents written before the version field was added.
fn first_version() -> u32 {
    1
}

impl Schema {
    /// A schema of `engine` (a registry name) with `tables` and nothing else: how a caller
    /// that reads its own catalog, or a test, builds one.
    pub fn new(engine: impl Into<String>, tables: Vec<Table>) -> Schema {
        Schema {
            version: MODEL_VERSION,
            engine: engine.into(),
            server_version: None,
            tables,
            extra: Extra::default(),
        }
    }

    /// The table or view `name` in `schema` (any schema when `schema` is `None`).
    pub fn table(&self, schema: Option<&str>, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.name == name && (schema.is_none() || t.schema.as_deref() == schema))
    }
}

/// What kind of relation a [`Table`] is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum TableKind {
    /// A base table (PostgreSQL partitioned tables included; see `extra.partitioning`).
    Table,
    /// A view.
    View,
    /// A materialized view.
    MaterializedView,
    /// A foreign table (PostgreSQL FDW, ...).
    ForeignTable,
    /// A kind this version of the model does not name; kept as the engine spells it.
    Other(String),
}

impl TableKind {
    /// The JSON spelling: `table`, `view`, `materialized_view`, `foreign_table` or other text.
    pub fn as_str(&self) -> &str {
        match self {
            TableKind::Table => "table",
            TableKind::View => "view",
            TableKind::MaterializedView => "materialized_view",
            TableKind::ForeignTable => "foreign_table",
            TableKind::Other(s) => s,
        }
    }
}

impl From<TableKind> for String {
    fn from(k: TableKind) -> String {
        k.as_str().to_owned()
    }
}

impl From<String> for TableKind {
    fn from(s: String) -> TableKind {
        match s.as_str() {
            "table" => TableKind::Table,
            "view" => TableKind::View,
            "materialized_view" => TableKind::MaterializedView,
            "foreign_table" => TableKind::ForeignTable,
            _ => TableKind::Other(s),
        }
    }
}

impl std::fmt::Display for TableKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A table, view or materialized view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Schema (PostgreSQL, DuckDB, MSSQL), database (MySQL, ClickHouse), owner (Oracle) or
    /// attached database (SQLite, `main`).
    pub schema: Option<String>,
    /// The name, exactly as stored (no quoting).
    pub name: String,
    /// Table, view, materialized view, ...
    pub kind: TableKind,
    /// The table comment, if any.
    pub comment: Option<String>,
    /// Columns in declaration order.
    pub columns: Vec<Column>,
    /// The primary key, or `null`.
    pub primary_key: Option<PrimaryKey>,
    /// Foreign keys, sorted by name.
    pub foreign_keys: Vec<ForeignKey>,
    /// Unique constraints (declared as constraints; unique indexes are in `indexes`).
    pub unique_constraints: Vec<UniqueConstraint>,
    /// Indexes other than the ones that implement the primary key.
    pub indexes: Vec<Index>,
    /// Check constraints.
    pub checks: Vec<Check>,
    /// The defining query of a view or materialized view.
    pub definition: Option<String>,
    /// Engine extras for this table (see each engine's documentation).
    pub extra: Extra,
}

impl Table {
    /// An empty table of `kind` named `name`.
    pub fn new(schema: Option<String>, name: impl Into<String>, kind: TableKind) -> Table {
        Table {
            schema,
            name: name.into(),
            kind,
            comment: None,
            columns: Vec::new(),
            primary_key: None,
            foreign_keys: Vec::new(),
            unique_constraints: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
            definition: None,
            extra: Extra::new(),
        }
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The index named `name`.
    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| i.name == name)
    }
}

/// A column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// The name, exactly as stored.
    pub name: String,
    /// 1-based position in the table.
    pub position: u32,
    /// The declared type as the engine renders it (`integer`, `varchar(20)`, `Nullable(Int32)`).
    #[serde(rename = "type")]
    pub data_type: String,
    /// Whether the column accepts NULL.
    pub nullable: bool,
    /// The default expression as the engine renders it, if any.
    pub default: Option<String>,
    /// The column comment, if any.
    pub comment: Option<String>,
    /// Engine extras (identity, generated expression, collation, ClickHouse key flags, ...).
    pub extra: Extra,
}

impl Column {
    /// A column with no default, comment or extras (position 0: set it when it matters).
    pub fn new(name: impl Into<String>, data_type: impl Into<String>, nullable: bool) -> Column {
        Column {
            name: name.into(),
            position: 0,
            data_type: data_type.into(),
            nullable,
            default: None,
            comment: None,
            extra: Extra::default(),
        }
    }
}

/// A primary key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// Constraint name, when the engine names it.
    pub name: Option<String>,
    /// Key columns in key order.
    pub columns: Vec<String>,
    /// Columns the key's index carries without keying on them (PostgreSQL `INCLUDE (…)`).
    #[serde(default)]
    pub include: Vec<String>,
    /// `DEFERRABLE` (checked at commit when deferred).
    pub deferrable: bool,
    /// `INITIALLY DEFERRED`.
    pub initially_deferred: bool,
}

/// A foreign key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// Constraint name, when the engine names it.
    pub name: Option<String>,
    /// Referencing columns, in key order.
    pub columns: Vec<String>,
    /// Schema of the referenced table.
    pub referenced_schema: Option<String>,
    /// The referenced table.
    pub referenced_table: String,
    /// Referenced columns, paired with `columns`.
    pub referenced_columns: Vec<String>,
    /// `CASCADE`, `SET NULL`, `SET DEFAULT`, `RESTRICT` or `NO ACTION`.
    pub on_delete: Option<String>,
    /// `CASCADE`, `SET NULL`, `SET DEFAULT`, `RESTRICT` or `NO ACTION`.
    pub on_update: Option<String>,
    /// `DEFERRABLE`.
    pub deferrable: bool,
    /// `INITIALLY DEFERRED`.
    pub initially_deferred: bool,
    /// `NOT VALID`: rows that existed when the key was added were never checked.
    pub not_valid: bool,
}

impl PrimaryKey {
    /// An unnamed key on `columns`, in key order.
    pub fn new(columns: &[&str]) -> PrimaryKey {
        PrimaryKey {
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            ..PrimaryKey::default()
        }
    }
}

impl ForeignKey {
    /// An unnamed key from `columns` to `referenced_columns` of `referenced_table` (same
    /// schema), with no actions.
    pub fn new(
        columns: &[&str],
        referenced_table: impl Into<String>,
        referenced_columns: &[&str],
    ) -> ForeignKey {
        ForeignKey {
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            referenced_table: referenced_table.into(),
            referenced_columns: referenced_columns.iter().map(|c| (*c).to_owned()).collect(),
            ..ForeignKey::default()
        }
    }
}

/// A unique constraint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UniqueConstraint {
    /// Constraint name, when the engine names it.
    pub name: Option<String>,
    /// Columns in constraint order.
    pub columns: Vec<String>,
    /// Columns the constraint's index carries without keying on them (PostgreSQL
    /// `INCLUDE (…)`).
    #[serde(default)]
    pub include: Vec<String>,
    /// `DEFERRABLE`.
    pub deferrable: bool,
    /// `INITIALLY DEFERRED`.
    pub initially_deferred: bool,
    /// `NULLS NOT DISTINCT`: two NULLs count as equal (PostgreSQL 15).
    pub nulls_not_distinct: bool,
}

/// A check constraint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// Constraint name, when the engine names it.
    pub name: Option<String>,
    /// The boolean expression as the engine renders it.
    pub expression: String,
    /// `NOT VALID`: rows that existed when the check was added were never checked.
    pub not_valid: bool,
}

/// An index.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Index {
    /// Index name.
    pub name: String,
    /// Key parts in order.
    pub columns: Vec<IndexColumn>,
    /// Whether the index enforces uniqueness.
    pub unique: bool,
    /// Access method (`btree`, `hash`, `gin`, `minmax`, ...), when known.
    pub method: Option<String>,
    /// The `WHERE` predicate of a partial index.
    pub predicate: Option<String>,
    /// Covering (`INCLUDE`) columns, stored but not part of the key.
    pub include: Vec<String>,
    /// `NULLS NOT DISTINCT` on a unique index: two NULLs count as equal (PostgreSQL 15).
    pub nulls_not_distinct: bool,
    /// Engine extras (ClickHouse granularity, ...).
    pub extra: Extra,
}

/// One key part of an [`Index`]: a column or an expression, with its direction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexColumn {
    /// The column, when the part is a plain column.
    pub column: Option<String>,
    /// The expression, when the part is an expression.
    pub expression: Option<String>,
    /// `true` for `DESC`.
    pub descending: bool,
    /// Where NULLs sort: `first` or `last`, when the engine reports it (PostgreSQL always does;
    /// the default is `last` ascending, `first` descending).
    pub nulls: Option<String>,
    /// The operator class, when it is not the type's default (`text_pattern_ops`).
    pub opclass: Option<String>,
    /// The collation, when it is not the column's (or the expression's) own (`"C"`).
    #[serde(default)]
    pub collation: Option<String>,
}

impl Index {
    /// An index `name` on plain `columns`, with no method, predicate or extras.
    pub fn new(name: impl Into<String>, columns: &[&str], unique: bool) -> Index {
        Index {
            name: name.into(),
            columns: columns.iter().map(|c| IndexColumn::column(*c)).collect(),
            unique,
            ..Index::default()
        }
    }
}

impl IndexColumn {
    /// An ascending plain-column part.
    pub fn column(name: impl Into<String>) -> IndexColumn {
        IndexColumn {
            column: Some(name.into()),
            ..IndexColumn::default()
        }
    }
}

/// Referential actions spelled one way for every engine.
pub(crate) fn normalize_action(raw: &str) -> Option<String> {
    let up = raw.trim().to_ascii_uppercase().replace('_', " ");
    let s = match up.as_str() {
        "" => return None,
        "A" | "NO ACTION" => "NO ACTION",
        "R" | "RESTRICT" => "RESTRICT",
        "C" | "CASCADE" => "CASCADE",
        "N" | "SET NULL" => "SET NULL",
        "D" | "SET DEFAULT" => "SET DEFAULT",
        other => return Some(other.to_owned()),
    };
    Some(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The constructors build what the equivalent literal does, so a caller's hand-built
    /// schema serializes like an extracted one.
    #[test]
    fn constructors_fill_the_rest_with_the_empty_values() {
        let mut t = Table::new(None, "orders", TableKind::Table);
        t.columns.push(Column::new("customer_id", "int", true));
        t.primary_key = Some(PrimaryKey::new(&["id"]));
        t.foreign_keys
            .push(ForeignKey::new(&["customer_id"], "customers", &["id"]));
        t.indexes
            .push(Index::new("orders_customer", &["customer_id"], false));
        let s = Schema::new("sqlite", vec![t]);
        assert_eq!(s.version, MODEL_VERSION);
        let json = serde_json::to_value(&s).unwrap();
        let table = &json["tables"][0];
        assert_eq!(table["columns"][0]["type"], "int");
        assert_eq!(table["columns"][0]["default"], serde_json::Value::Null);
        assert_eq!(table["foreign_keys"][0]["referenced_table"], "customers");
        assert_eq!(
            table["foreign_keys"][0]["on_delete"],
            serde_json::Value::Null
        );
        assert_eq!(table["indexes"][0]["columns"][0]["column"], "customer_id");
        assert_eq!(table["primary_key"]["columns"], serde_json::json!(["id"]));
    }

    #[test]
    fn table_kind_round_trips_and_keeps_unknown_kinds() {
        for k in [
            "table",
            "view",
            "materialized_view",
            "foreign_table",
            "dictionary",
        ] {
            let kind = TableKind::from(k.to_owned());
            assert_eq!(kind.as_str(), k);
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{k}\""));
        }
        assert_eq!(
            TableKind::from("dictionary".to_owned()),
            TableKind::Other("dictionary".into())
        );
    }

    #[test]
    fn every_field_is_present_in_json() {
        let t = Table::new(None, "t", TableKind::Table);
        let v = serde_json::to_value(&t).unwrap();
        for key in [
            "schema",
            "name",
            "kind",
            "comment",
            "columns",
            "primary_key",
            "foreign_keys",
            "unique_constraints",
            "indexes",
            "checks",
            "definition",
            "extra",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
    }

    #[test]
    fn actions_are_normalized() {
        assert_eq!(normalize_action("a").as_deref(), Some("NO ACTION"));
        assert_eq!(normalize_action("set_null").as_deref(), Some("SET NULL"));
        assert_eq!(normalize_action("Cascade").as_deref(), Some("CASCADE"));
        assert_eq!(normalize_action(""), None);
    }
}
