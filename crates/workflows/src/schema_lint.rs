//! The local schema analyzer: design problems found on the [`db_schema::Schema`] model.
//!
//! | rule | severity | what |
//! |---|---|---|
//! | `missing-primary-key` | warning | a table (not a view) without a primary key |
//! | `unindexed-foreign-key` | warning | no index (or key) starts with the foreign key's columns: joins and cascading deletes scan |
//! | `foreign-key-type-mismatch` | warning | the referencing and referenced columns have different types: implicit casts, no index use |
//! | `duplicate-index` | warning | two indexes (or an index and the primary key / a unique constraint) on the same columns |
//! | `redundant-index` | info | a non-unique index whose columns are a prefix of another index's |
//! | `nullable-foreign-key` | info | a foreign key column accepting NULL (an optional relationship: intended?) |
//! | `wide-table` | info | more columns than [`SchemaLintOptions::wide_table`] |
//! | `missing-comment` | info | a table without a comment, on engines that store comments |
//!
//! Type comparison normalizes the common aliases (`int4` = `integer` = `int`, `varchar(…)` =
//! `character varying(…)`, lengths ignored) so only real mismatches are reported.

use crate::finding::{sort_findings, Finding, Location, Severity};
use crate::query_lint::{ColumnFacts, SchemaFacts};
use db_schema::{Schema, Table, TableKind};

/// Tunables of the schema analyzer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaLintOptions {
    /// Tables with more columns than this are reported as wide.
    pub wide_table: usize,
    /// Report tables without comments (turn off for engines without comments, e.g. SQLite).
    pub comments: bool,
}

impl SchemaLintOptions {
    /// Defaults for `schema`'s engine: comments are only expected where the engine stores them.
    pub fn for_schema(schema: &Schema) -> SchemaLintOptions {
        let comments = db_schema::engine_by_name(&schema.engine)
            .map(|e| {
                e.capabilities(schema.server_version.as_deref().unwrap_or(""))
                    .table_comments
            })
            .unwrap_or(false);
        SchemaLintOptions {
            wide_table: 50,
            comments,
        }
    }
}

/// The name findings use for `t`: qualified with its schema unless that is the engine's
/// default one (`public`, `main`, `dbo`).
pub(crate) fn table_name(t: &Table) -> String {
    match &t.schema {
        Some(s) if !matches!(s.as_str(), "public" | "main" | "dbo") => format!("{s}.{}", t.name),
        _ => t.name.clone(),
    }
}

fn col_finding(
    rule: &'static str,
    severity: Severity,
    t: &Table,
    column: &str,
    message: String,
    suggestion: String,
) -> Finding {
    Finding {
        rule,
        severity,
        location: Location::Table {
            table: table_name(t),
            column: Some(column.to_string()),
        },
        message,
        suggestion,
    }
}

/// The column lists that can serve lookups on a table: primary key, unique constraints and
/// plain-column indexes, with a name for messages.
fn access_paths(t: &Table) -> Vec<(String, Vec<String>, bool, Option<String>)> {
    let mut out = Vec::new();
    if let Some(pk) = &t.primary_key {
        out.push(("primary key".to_string(), pk.columns.clone(), true, None));
    }
    for u in &t.unique_constraints {
        let label = match &u.name {
            Some(n) => format!("unique constraint `{n}`"),
            None => "unique constraint".to_string(),
        };
        out.push((label, u.columns.clone(), true, None));
    }
    for i in &t.indexes {
        let cols: Option<Vec<String>> = i.columns.iter().map(|c| c.column.clone()).collect();
        if let Some(cols) = cols {
            out.push((
                format!("index `{}`", i.name),
                cols,
                i.unique,
                i.predicate.clone(),
            ));
        }
    }
    out
}

/// Lower-cased type without length/precision and with common aliases folded.
fn canonical_type(t: &str) -> String {
    let lower = t.trim().to_ascii_lowercase();
    let base = lower.split('(').next().unwrap_or(&lower).trim().to_string();
    let base = base.trim_end_matches(" unsigned").trim();
    match base {
        "int" | "integer" | "int4" | "mediumint" | "int32" => "integer".into(),
        "bigint" | "int8" | "int64" | "bigserial" => "bigint".into(),
        "smallint" | "int2" | "int16" => "smallint".into(),
        "serial" | "serial4" => "integer".into(),
        "character varying" | "varchar" | "nvarchar" | "varchar2" | "string" | "text" | "clob" => {
            "text".into()
        }
        "character" | "char" | "nchar" | "bpchar" => "char".into(),
        "double precision" | "float8" | "double" | "float64" => "double".into(),
        "real" | "float4" | "float32" => "real".into(),
        "numeric" | "decimal" | "number" => "numeric".into(),
        "bool" | "boolean" => "boolean".into(),
        "timestamp without time zone" | "timestamp" | "datetime" => "timestamp".into(),
        "timestamp with time zone" | "timestamptz" => "timestamptz".into(),
        other => other.to_string(),
    }
}

/// Analyze `schema`.
pub fn analyze_schema(schema: &Schema, options: SchemaLintOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    for t in schema.tables.iter().filter(|t| t.kind == TableKind::Table) {
        let name = table_name(t);
        if t.primary_key.is_none() {
            out.push(Finding {
                rule: "missing-primary-key",
                severity: Severity::Warning,
                location: Location::Table { table: name.clone(), column: None },
                message: format!("table `{name}` has no primary key: rows cannot be addressed reliably, replication and ORMs suffer"),
                suggestion: format!("add one, e.g. `ALTER TABLE {name} ADD PRIMARY KEY (…)` on a unique, not-null column set, or a surrogate `id`"),
            });
        }
        let paths = access_paths(t);
        for fk in &t.foreign_keys {
            let cols = fk.columns.join(", ");
            let served = paths.iter().any(|(_, p, _, pred)| {
                pred.is_none()
                    && p.len() >= fk.columns.len()
                    && p[..fk.columns.len()] == fk.columns[..]
            });
            if !served {
                out.push(col_finding(
                    "unindexed-foreign-key",
                    Severity::Warning,
                    t,
                    &cols,
                    format!("foreign key `{name}({cols})` → `{}` has no supporting index: joins and deletes on `{}` scan `{name}`", fk.referenced_table, fk.referenced_table),
                    format!("CREATE INDEX {}_{}_idx ON {name} ({cols});", t.name, fk.columns.join("_")),
                ));
            }
            let target = schema.tables.iter().find(|r| {
                r.name == fk.referenced_table
                    && (fk.referenced_schema.is_none() || r.schema == fk.referenced_schema)
            });
            for (i, c) in fk.columns.iter().enumerate() {
                let Some(col) = t.column(c) else { continue };
                if col.nullable {
                    out.push(col_finding(
                        "nullable-foreign-key",
                        Severity::Info,
                        t,
                        c,
                        format!("foreign key column `{name}.{c}` accepts NULL: rows may reference nothing"),
                        format!("if every row must have a `{}`, declare `{c}` NOT NULL", fk.referenced_table),
                    ));
                }
                let referenced = target
                    .zip(fk.referenced_columns.get(i))
                    .and_then(|(r, rc)| r.column(rc).map(|rcol| (r, rcol)));
                if let Some((r, rcol)) = referenced {
                    if canonical_type(&col.data_type) != canonical_type(&rcol.data_type) {
                        out.push(col_finding(
                            "foreign-key-type-mismatch",
                            Severity::Warning,
                            t,
                            c,
                            format!("`{name}.{c}` is `{}` but references `{}.{}` of type `{}`: comparisons need casts and may not use indexes", col.data_type, table_name(r), rcol.name, rcol.data_type),
                            format!("change `{name}.{c}` to `{}`", rcol.data_type),
                        ));
                    }
                }
            }
        }
        // duplicate and redundant indexes
        for (i, (a_name, a_cols, a_unique, a_pred)) in paths.iter().enumerate() {
            for (b_name, b_cols, _, b_pred) in paths.iter().skip(i + 1) {
                if !b_name.starts_with("index") {
                    continue;
                }
                if a_cols == b_cols && a_pred == b_pred {
                    out.push(Finding {
                        rule: "duplicate-index",
                        severity: Severity::Warning,
                        location: Location::Index { table: name.clone(), index: index_name(b_name) },
                        message: format!("{b_name} on `{name}({})` duplicates the {a_name}: every write maintains both", b_cols.join(", ")),
                        suggestion: format!("DROP INDEX {};", index_name(b_name)),
                    });
                }
            }
            if !a_name.starts_with("index") || *a_unique || a_pred.is_some() {
                continue;
            }
            let covering = paths.iter().enumerate().find(|(j, (_, other, _, pred))| {
                *j != i
                    && pred.is_none()
                    && other.len() > a_cols.len()
                    && other[..a_cols.len()] == a_cols[..]
            });
            if let Some((_, (other_name, other_cols, _, _))) = covering {
                out.push(Finding {
                    rule: "redundant-index",
                    severity: Severity::Info,
                    location: Location::Index { table: name.clone(), index: index_name(a_name) },
                    message: format!("{a_name} on `{name}({})` is a prefix of {other_name} `({})`, which serves the same lookups", a_cols.join(", "), other_cols.join(", ")),
                    suggestion: format!("DROP INDEX {}; (check first that no query relies on its smaller size)", index_name(a_name)),
                });
            }
        }
        if t.columns.len() > options.wide_table {
            out.push(Finding {
                rule: "wide-table",
                severity: Severity::Info,
                location: Location::Table { table: name.clone(), column: None },
                message: format!("table `{name}` has {} columns", t.columns.len()),
                suggestion: "split rarely used or optional columns into a 1:1 side table; wide rows make every scan and cache line expensive".into(),
            });
        }
        if options.comments && t.comment.as_deref().is_none_or(|c| c.trim().is_empty()) {
            out.push(Finding {
                rule: "missing-comment",
                severity: Severity::Info,
                location: Location::Table {
                    table: name.clone(),
                    column: None,
                },
                message: format!("table `{name}` has no comment"),
                suggestion: format!("COMMENT ON TABLE {name} IS '…'; (say what one row means)"),
            });
        }
    }
    sort_findings(&mut out);
    out
}

fn index_name(label: &str) -> String {
    label.split('`').nth(1).unwrap_or(label).to_string()
}

/// What the query analyzer needs from a schema: nullability and whether each column leads an
/// index (or key).
pub fn schema_facts(schema: &Schema) -> SchemaFacts {
    let mut facts = SchemaFacts::default();
    for t in &schema.tables {
        let leading: Vec<String> = access_paths(t)
            .into_iter()
            .filter_map(|(_, cols, _, _)| cols.into_iter().next())
            .collect();
        for c in &t.columns {
            let f = ColumnFacts {
                nullable: c.nullable,
                indexed: leading.iter().any(|l| l == &c.name),
            };
            facts.add_column(&t.name, &c.name, f);
            if let Some(s) = &t.schema {
                facts.add_column(&format!("{s}.{}", t.name), &c.name, f);
            }
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use db_schema::{Column, ForeignKey, Index, PrimaryKey};

    fn col(name: &str, ty: &str, nullable: bool) -> Column {
        Column::new(name, ty, nullable)
    }

    fn index(name: &str, cols: &[&str], unique: bool) -> Index {
        Index::new(name, cols, unique)
    }

    fn shop() -> Schema {
        let mut customers = Table::new(None, "customers", TableKind::Table);
        customers.columns = vec![col("id", "INTEGER", false), col("email", "TEXT", false)];
        customers.primary_key = Some(PrimaryKey::new(&["id"]));
        customers.indexes = vec![
            index("customers_email", &["email"], true),
            index("customers_email_dup", &["email"], false),
        ];
        let mut orders = Table::new(None, "orders", TableKind::Table);
        orders.columns = vec![
            col("id", "integer", false),
            col("customer_id", "int4", true),
            col("status", "varchar(20)", false),
            col("created_at", "timestamp", false),
        ];
        orders.primary_key = Some(PrimaryKey::new(&["id"]));
        orders.foreign_keys = vec![ForeignKey::new(&["customer_id"], "customers", &["id"])];
        orders.indexes = vec![
            index("orders_status", &["status"], false),
            index("orders_status_created", &["status", "created_at"], false),
        ];
        let mut items = Table::new(None, "order_items", TableKind::Table);
        items.columns = vec![col("order_id", "TEXT", false), col("sku", "TEXT", false)];
        items.foreign_keys = vec![ForeignKey::new(&["order_id"], "orders", &["id"])];
        items.indexes = vec![index("items_order", &["order_id", "sku"], false)];
        let mut view = Table::new(None, "v", TableKind::View);
        view.columns = vec![col("x", "int", true)];
        Schema::new("sqlite", vec![customers, orders, items, view])
    }

    fn found(f: &[Finding], rule: &str) -> Vec<String> {
        f.iter()
            .filter(|x| x.rule == rule)
            .map(|x| x.location.to_string())
            .collect()
    }

    #[test]
    fn the_shop_schema_has_its_planted_problems() {
        let f = analyze_schema(
            &shop(),
            SchemaLintOptions {
                wide_table: 3,
                comments: true,
            },
        );
        assert_eq!(found(&f, "missing-primary-key"), ["table `order_items`"]);
        assert_eq!(
            found(&f, "unindexed-foreign-key"),
            ["column `orders.customer_id`"]
        );
        assert_eq!(
            found(&f, "foreign-key-type-mismatch"),
            ["column `order_items.order_id`"]
        );
        assert_eq!(
            found(&f, "duplicate-index"),
            ["index `customers_email_dup` on `customers`"]
        );
        assert_eq!(
            found(&f, "redundant-index"),
            ["index `orders_status` on `orders`"]
        );
        assert_eq!(
            found(&f, "nullable-foreign-key"),
            ["column `orders.customer_id`"]
        );
        assert_eq!(found(&f, "wide-table"), ["table `orders`"]);
        assert_eq!(
            found(&f, "missing-comment").len(),
            3,
            "views are not reported"
        );
        // int4 vs integer is not a mismatch
        assert!(!f.iter().any(|x| x.rule == "foreign-key-type-mismatch"
            && x.location.to_string().contains("orders.customer_id")));
    }

    #[test]
    fn facts_know_indexes_and_nullability() {
        let facts = schema_facts(&shop());
        assert_eq!(
            facts.column("orders", "status"),
            Some(ColumnFacts {
                nullable: false,
                indexed: true
            })
        );
        assert_eq!(
            facts.column("orders", "customer_id"),
            Some(ColumnFacts {
                nullable: true,
                indexed: false
            })
        );
        assert_eq!(
            facts.column("order_items", "sku"),
            Some(ColumnFacts {
                nullable: false,
                indexed: false
            })
        );
    }
}
