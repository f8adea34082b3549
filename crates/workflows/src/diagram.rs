//! Entity-relationship diagrams of a schema: which tables go in which picture, and how each
//! foreign key is drawn.
//!
//! A diagram of a 1,000-table schema in one picture is a hairball nobody reads, so
//! [`plan_diagrams`] decides what to draw before any format is written:
//! - with focus tables (`--tables`), one diagram of those tables and their foreign-key
//!   neighbourhood up to `depth` hops, in both directions (who they reference, who references
//!   them);
//! - without focus, the whole schema when it has at most [`MAX_TABLES_PER_DIAGRAM`] tables;
//!   otherwise one diagram per schema, and a schema still above the limit is cut along its
//!   foreign-key connected components (a component is never cut, so no relationship is lost;
//!   small components are packed together up to the limit). [`DiagramPlan::notes`] says what
//!   was split and how.
//!
//! 50 tables is about what Graphviz lays out legibly on one screen-wide page and what Mermaid
//! renders in a browser without the picture shrinking to unreadable text; tbls and SchemaSpy
//! draw per-table neighbourhoods for the same reason.
//!
//! A foreign key to a table outside the diagram is still drawn, to a stub of that table (its
//! name, no columns), so a picture never hides that a relationship leaves it. A key that only
//! some partitions of a table declare is drawn from that table, labelled with the partitions
//! (one edge when every partition declares the same key); `--depth` follows it like any other.
//!
//! The formats, one file each: [`mermaid`] (an `erDiagram`), [`dot`] (Graphviz) and
//! [`graphviz`] (SVG or PNG through the `dot` program).

pub(crate) mod dot;
pub(crate) mod graphviz;
pub(crate) mod mermaid;

use crate::fk_graph::{FkGraph, TableLookup};
use crate::foreign_keys::{foreign_keys, HeldForeignKey};
use crate::schema_lint::table_name;
use db_schema::{ForeignKey, Schema, Table};
use std::collections::{BTreeMap, BTreeSet};

/// The most tables drawn in one diagram when the schema is split (see the module docs).
pub const MAX_TABLES_PER_DIAGRAM: usize = 50;

/// What to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramOptions {
    /// Focus tables, by name (`orders`) or qualified (`shop.orders`); empty: the whole schema.
    pub focus: Vec<String>,
    /// Foreign-key hops from the focus tables to include (0: the focus tables only).
    pub depth: usize,
    /// The most tables per diagram when an unfocused schema is split.
    pub max_tables: usize,
}

impl Default for DiagramOptions {
    fn default() -> DiagramOptions {
        DiagramOptions {
            focus: Vec::new(),
            depth: 0,
            max_tables: MAX_TABLES_PER_DIAGRAM,
        }
    }
}

/// One picture: a title and the tables in it (indexes into `schema.tables`, ascending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagram {
    /// What the picture shows (`schema public, part 2 of 3`).
    pub title: String,
    /// A short name for files (`public-2`), unique within a plan.
    pub slug: String,
    /// The tables drawn in full.
    pub tables: Vec<usize>,
}

/// The diagrams of a schema, and what was split to keep each legible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramPlan {
    /// The diagrams, in schema then size order.
    pub diagrams: Vec<Diagram>,
    /// One line per split or oversized diagram, for the user (empty when nothing was split).
    pub notes: Vec<String>,
}

/// Decide which diagrams to draw (see the module docs).
pub fn plan_diagrams(schema: &Schema, options: &DiagramOptions) -> DiagramPlan {
    let limit = options.max_tables.max(1);
    let mut notes = Vec::new();
    if !options.focus.is_empty() {
        let tables = neighbourhood(schema, &options.focus, options.depth);
        if tables.len() > limit {
            notes.push(format!(
                "the diagram has {} tables (more than {limit}): lower --depth or name fewer tables to make it legible",
                tables.len()
            ));
        }
        let title = if options.depth == 0 {
            format!("tables {}", options.focus.join(", "))
        } else {
            format!(
                "tables {} and their foreign-key neighbours to depth {}",
                options.focus.join(", "),
                options.depth
            )
        };
        let diagrams = vec![Diagram {
            title,
            slug: "focus".into(),
            tables,
        }];
        return DiagramPlan { diagrams, notes };
    }
    let all: Vec<usize> = (0..schema.tables.len()).collect();
    if all.len() <= limit {
        let diagrams = vec![Diagram {
            title: format!("all {} tables", all.len()),
            slug: "schema".into(),
            tables: all,
        }];
        return DiagramPlan { diagrams, notes };
    }
    let mut by_schema: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, t) in schema.tables.iter().enumerate() {
        by_schema
            .entry(t.schema.as_deref().unwrap_or(""))
            .or_default()
            .push(i);
    }
    if by_schema.len() > 1 {
        let names: Vec<&str> = by_schema.keys().copied().collect();
        let listed = match names.len() {
            n if n <= 10 => names.join(", "),
            n => format!("{}, … and {} more", names[..10].join(", "), n - 10),
        };
        notes.push(format!(
            "{} tables split into one diagram per schema ({} schemas: {listed})",
            all.len(),
            names.len()
        ));
    }
    let components = FkGraph::new(schema).components();
    let mut diagrams = Vec::new();
    for (name, members) in &by_schema {
        let label = if name.is_empty() { "default" } else { name };
        if members.len() <= limit {
            diagrams.push(Diagram {
                title: format!("schema {label}"),
                slug: slug(label),
                tables: members.clone(),
            });
            continue;
        }
        let bins = pack_components(&components, members, limit);
        let largest = bins.iter().map(Vec::len).max().unwrap_or(0);
        let mut note = format!(
            "schema {label}: {} tables in {} diagrams along foreign-key components (a component is never cut)",
            members.len(),
            bins.len()
        );
        if largest > limit {
            note.push_str(&format!(
                "; the largest component has {largest} tables: draw it in parts with --tables and --depth"
            ));
        }
        notes.push(note);
        let n = bins.len();
        for (k, tables) in bins.into_iter().enumerate() {
            diagrams.push(Diagram {
                title: format!("schema {label}, part {} of {n}", k + 1),
                slug: format!("{}-{}", slug(label), k + 1),
                tables,
            });
        }
    }
    DiagramPlan { diagrams, notes }
}

/// The `names` that are not a table of `schema` but a partition folded into one (listed in its
/// `extra.partitioning`): `(name, the table's name)`. A diagram of a whole schema has no box
/// for a folded partition, so `--tables <partition> --depth N` draws its table instead.
pub fn folded_partitions(schema: &Schema, names: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for name in names {
        if schema.tables.iter().any(|t| &t.name == name) {
            continue;
        }
        let parent = schema.tables.iter().find(|t| {
            t.extra
                .get("partitioning")
                .and_then(|p| p.get("partitions"))
                .and_then(serde_json::Value::as_array)
                .is_some_and(|parts| {
                    parts
                        .iter()
                        .any(|p| p.get("name").and_then(serde_json::Value::as_str) == Some(name))
                })
        });
        if let Some(t) = parent {
            out.push((name.clone(), t.name.clone()));
        }
    }
    out
}

/// The focus tables and their neighbours up to `depth` hops.
fn neighbourhood(schema: &Schema, focus: &[String], depth: usize) -> Vec<usize> {
    let wanted: BTreeSet<&str> = focus.iter().map(String::as_str).collect();
    let mut level: Vec<usize> = schema
        .tables
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            wanted.contains(t.name.as_str())
                || t.schema
                    .as_deref()
                    .is_some_and(|s| wanted.contains(format!("{s}.{}", t.name).as_str()))
        })
        .map(|(i, _)| i)
        .collect();
    let mut chosen: BTreeSet<usize> = level.iter().copied().collect();
    if depth > 0 {
        let graph = FkGraph::new(schema);
        for _ in 0..depth {
            let mut next = Vec::new();
            for &i in &level {
                for j in graph.neighbours(i) {
                    if chosen.insert(j) {
                        next.push(j);
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            level = next;
        }
    }
    chosen.into_iter().collect()
}

/// `members` grouped by connected component, small components packed together (first fit,
/// largest first) so that no diagram holds more than `limit` tables unless one component does.
fn pack_components(components: &[Vec<usize>], members: &[usize], limit: usize) -> Vec<Vec<usize>> {
    let inside: BTreeSet<usize> = members.iter().copied().collect();
    let mut parts: Vec<Vec<usize>> = components
        .iter()
        .map(|c| c.iter().copied().filter(|i| inside.contains(i)).collect())
        .filter(|c: &Vec<usize>| !c.is_empty())
        .collect();
    parts.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let mut bins: Vec<Vec<usize>> = Vec::new();
    for part in parts {
        match bins.iter_mut().find(|b| b.len() + part.len() <= limit) {
            Some(bin) => bin.extend(part),
            None => bins.push(part),
        }
    }
    for bin in &mut bins {
        bin.sort_unstable();
    }
    bins
}

/// A file-name-safe version of `name`.
pub(crate) fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') {
        format!("_{s}")
    } else {
        s
    }
}

/// How a foreign key reads as a relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cardinality {
    /// Every referencing column is NOT NULL: each child row has exactly one parent (otherwise
    /// zero or one).
    pub(crate) parent_required: bool,
    /// The referencing columns are unique in the child (primary key, unique constraint or
    /// unique index on exactly them): at most one child per parent (otherwise many).
    pub(crate) child_unique: bool,
    /// The referencing columns are part of the child's primary key.
    pub(crate) identifying: bool,
}

impl Cardinality {
    /// The cardinality of `fk`, declared on `child`.
    pub(crate) fn of(child: &Table, fk: &ForeignKey) -> Cardinality {
        let cols: BTreeSet<&str> = fk.columns.iter().map(String::as_str).collect();
        let same = |other: &mut dyn Iterator<Item = &str>| {
            let other: BTreeSet<&str> = other.collect();
            !other.is_empty() && other == cols
        };
        let pk = child.primary_key.as_ref();
        let child_unique = pk.is_some_and(|pk| same(&mut pk.columns.iter().map(String::as_str)))
            || child
                .unique_constraints
                .iter()
                .any(|u| same(&mut u.columns.iter().map(String::as_str)))
            || child.indexes.iter().any(|ix| {
                ix.unique
                    && ix.predicate.is_none()
                    && ix.columns.iter().all(|p| p.column.is_some())
                    && same(&mut ix.columns.iter().filter_map(|p| p.column.as_deref()))
            });
        let parent_required = fk
            .columns
            .iter()
            .all(|c| child.column(c).is_some_and(|col| !col.nullable));
        let identifying = pk.is_some_and(|pk| fk.columns.iter().all(|c| pk.columns.contains(c)));
        Cardinality {
            parent_required,
            child_unique,
            identifying,
        }
    }
}

/// The key role of each column of a table: `PK`, `FK`, `UK` (a single-column unique key).
pub(crate) fn key_roles(t: &Table, column: &str) -> Vec<&'static str> {
    let mut roles = Vec::new();
    if t.primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
    {
        roles.push("PK");
    }
    if foreign_keys(t)
        .iter()
        .any(|k| k.fk.columns.iter().any(|c| c == column))
    {
        roles.push("FK");
    }
    let single_unique = t
        .unique_constraints
        .iter()
        .any(|u| u.columns.len() == 1 && u.columns[0] == column)
        || t.indexes.iter().any(|ix| {
            ix.unique
                && ix.predicate.is_none()
                && ix.columns.len() == 1
                && ix.columns[0].column.as_deref() == Some(column)
        });
    if single_unique && !roles.contains(&"PK") {
        roles.push("UK");
    }
    roles
}

/// A foreign key drawn in a diagram: from `child` to `parent` (indexes into `schema.tables`).
/// A key only some of the child's partitions declare leaves the child, its label says which.
pub(crate) struct Edge<'a> {
    pub(crate) child: usize,
    pub(crate) parent: usize,
    pub(crate) key: HeldForeignKey<'a>,
    pub(crate) cardinality: Cardinality,
}

impl Edge<'_> {
    /// The edge's label: the referencing columns, and where a partition's key holds
    /// (`author_id (partition audit_2026_01)`).
    pub(crate) fn label(&self) -> String {
        let columns = self.key.fk.columns.join(", ");
        match self.key.scope() {
            Some(scope) => format!("{columns} ({scope})"),
            None => columns,
        }
    }
}

/// The tables of `diagram`, the stubs its foreign keys reach outside it, and its edges.
pub(crate) struct Drawing<'a> {
    pub(crate) schema: &'a Schema,
    /// Tables drawn in full.
    pub(crate) tables: Vec<usize>,
    /// Tables referenced from the diagram, or referencing it, drawn as a name only.
    pub(crate) stubs: Vec<usize>,
    pub(crate) edges: Vec<Edge<'a>>,
    /// References to tables the schema does not hold (not extracted), as `(child, name)`.
    pub(crate) unresolved: Vec<(usize, String)>,
}

impl<'a> Drawing<'a> {
    /// Resolve the foreign keys of and into `diagram`.
    pub(crate) fn new(schema: &'a Schema, diagram: &Diagram) -> Drawing<'a> {
        let lookup = TableLookup::new(schema);
        let inside: BTreeSet<usize> = diagram.tables.iter().copied().collect();
        let mut stubs = BTreeSet::new();
        let mut edges = Vec::new();
        let mut unresolved = Vec::new();
        for (child, t) in schema.tables.iter().enumerate() {
            for key in foreign_keys(t) {
                let parent = lookup.target(t, &key.fk);
                let (child_in, parent_in) = (
                    inside.contains(&child),
                    parent.is_some_and(|p| inside.contains(&p)),
                );
                if !child_in && !parent_in {
                    continue;
                }
                match parent {
                    Some(parent) => {
                        if !child_in {
                            stubs.insert(child);
                        }
                        if !parent_in {
                            stubs.insert(parent);
                        }
                        edges.push(Edge {
                            child,
                            parent,
                            cardinality: Cardinality::of(t, &key.fk),
                            key,
                        });
                    }
                    None => {
                        let fk = &key.fk;
                        let name = match fk.referenced_schema.as_deref() {
                            Some(s) => format!("{s}.{}", fk.referenced_table),
                            None => fk.referenced_table.clone(),
                        };
                        unresolved.push((child, name));
                    }
                }
            }
        }
        Drawing {
            schema,
            tables: diagram.tables.clone(),
            stubs: stubs.into_iter().collect(),
            edges,
            unresolved,
        }
    }

    /// How a table is named in the picture (schema-qualified unless in the default schema).
    pub(crate) fn label(&self, i: usize) -> String {
        table_name(&self.schema.tables[i])
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use db_schema::{Column, PrimaryKey, TableKind};

    pub(crate) fn column(name: &str, ty: &str, nullable: bool) -> Column {
        Column {
            name: name.into(),
            position: 1,
            data_type: ty.into(),
            nullable,
            default: None,
            comment: None,
            extra: Default::default(),
        }
    }

    /// `users` ← `orders` (required) ← `order_items` (identifying); `profiles` 1:1 `users`;
    /// `audit` references a table that was not extracted.
    pub(crate) fn shop() -> Schema {
        let mut users = Table::new(Some("public".into()), "users", TableKind::Table);
        users.columns = vec![
            column("id", "integer", false),
            column("email", "character varying(200)", false),
            column("bio", "text", true),
        ];
        users.primary_key = Some(PrimaryKey {
            name: Some("users_pkey".into()),
            columns: vec!["id".into()],
            ..PrimaryKey::default()
        });
        users.unique_constraints = vec![db_schema::UniqueConstraint {
            name: Some("users_email_key".into()),
            columns: vec!["email".into()],
            ..Default::default()
        }];
        let fk = |cols: &[&str], table: &str| ForeignKey {
            name: Some(format!("{}_fk", cols.join("_"))),
            columns: cols.iter().map(|c| c.to_string()).collect(),
            referenced_schema: Some("public".into()),
            referenced_table: table.into(),
            referenced_columns: vec!["id".into()],
            ..ForeignKey::default()
        };
        let mut orders = Table::new(Some("public".into()), "orders", TableKind::Table);
        orders.columns = vec![
            column("id", "integer", false),
            column("user_id", "integer", false),
            column("total", "numeric(10,2)", true),
        ];
        orders.primary_key = Some(PrimaryKey {
            columns: vec!["id".into()],
            ..PrimaryKey::default()
        });
        orders.foreign_keys = vec![fk(&["user_id"], "users")];
        let mut items = Table::new(Some("public".into()), "order_items", TableKind::Table);
        items.columns = vec![
            column("order_id", "integer", false),
            column("line", "integer", false),
        ];
        items.primary_key = Some(PrimaryKey {
            columns: vec!["order_id".into(), "line".into()],
            ..PrimaryKey::default()
        });
        items.foreign_keys = vec![fk(&["order_id"], "orders")];
        let mut profiles = Table::new(Some("public".into()), "profiles", TableKind::Table);
        profiles.columns = vec![column("user_id", "integer", true)];
        profiles.indexes = vec![db_schema::Index {
            name: "profiles_user".into(),
            columns: vec![db_schema::IndexColumn::column("user_id")],
            unique: true,
            ..Default::default()
        }];
        profiles.foreign_keys = vec![fk(&["user_id"], "users")];
        let mut audit = Table::new(Some("logs".into()), "audit \"x\"", TableKind::Table);
        audit.columns = vec![column("who", "integer", true)];
        audit.foreign_keys = vec![fk(&["who"], "gone")];
        let mut tables = vec![users, orders, items, profiles, audit];
        for t in &mut tables {
            for (k, c) in t.columns.iter_mut().enumerate() {
                c.position = k as u32 + 1;
            }
        }
        Schema {
            version: db_schema::MODEL_VERSION,
            engine: "postgres".into(),
            server_version: None,
            tables,
            extra: Default::default(),
        }
    }

    /// [`shop`] and `payments` (index 5), partitioned: both partitions reference `users`
    /// with keys of their own, `payments_2026` also `orders`; the table itself declares none.
    pub(crate) fn shop_with_payments() -> Schema {
        let mut s = shop();
        let mut payments = Table::new(Some("public".into()), "payments", TableKind::Table);
        payments.columns = vec![
            column("id", "integer", false),
            column("user_id", "integer", true),
            column("order_id", "integer", false),
        ];
        for (k, c) in payments.columns.iter_mut().enumerate() {
            c.position = k as u32 + 1;
        }
        payments.primary_key = Some(PrimaryKey::new(&["id"]));
        let key = |name: &str, column: &str, table: &str| {
            serde_json::to_value(ForeignKey {
                name: Some(name.into()),
                referenced_schema: Some("public".into()),
                ..ForeignKey::new(&[column], table, &["id"])
            })
            .unwrap()
        };
        payments.extra.insert(
            "partitioning".into(),
            serde_json::json!({ "key": "RANGE (id)", "partitions": [
                { "schema": "public", "name": "payments_2025", "parent": null,
                  "foreign_keys": [key("payments_2025_user", "user_id", "users")] },
                { "schema": "public", "name": "payments_2026", "parent": null,
                  "foreign_keys": [key("payments_2026_user", "user_id", "users"),
                                   key("payments_2026_order", "order_id", "orders")] },
            ]}),
        );
        s.tables.push(payments);
        s
    }

    /// A key only partitions declare is a relationship of their table: an edge from it,
    /// labelled with the partitions, one edge for a key every partition declares; `--depth`
    /// follows it (Pagila's `payment` reaches `customer` only through its partitions).
    #[test]
    fn partition_keys_are_edges_of_their_table_and_depth_follows_them() {
        let s = shop_with_payments();
        let focus = |name: &str, depth| {
            plan_diagrams(
                &s,
                &DiagramOptions {
                    focus: vec![name.into()],
                    depth,
                    ..DiagramOptions::default()
                },
            )
            .diagrams[0]
                .tables
                .clone()
        };
        assert_eq!(focus("payments", 1), vec![0, 1, 5]);
        assert_eq!(focus("users", 1), vec![0, 1, 3, 5]);
        let drawing = Drawing::new(
            &s,
            &Diagram {
                title: "t".into(),
                slug: "t".into(),
                tables: vec![5],
            },
        );
        let edges: Vec<(usize, usize, String)> = drawing
            .edges
            .iter()
            .map(|e| (e.child, e.parent, e.label()))
            .collect();
        assert_eq!(
            edges,
            vec![
                (5, 0, "user_id (every partition)".to_string()),
                (5, 1, "order_id (partition payments_2026)".to_string()),
            ]
        );
        assert_eq!(drawing.stubs, vec![0, 1]);
        assert_eq!(key_roles(&s.tables[5], "order_id"), vec!["FK"]);
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            folded_partitions(&s, &names(&["payments_2026", "users", "nope"])),
            vec![("payments_2026".to_string(), "payments".to_string())]
        );
    }

    #[test]
    fn cardinality_reads_nullability_uniqueness_and_identification() {
        let s = shop();
        let c = |t: usize| Cardinality::of(&s.tables[t], &s.tables[t].foreign_keys[0]);
        assert_eq!(
            c(1),
            Cardinality {
                parent_required: true,
                child_unique: false,
                identifying: false
            }
        );
        assert_eq!(
            c(2),
            Cardinality {
                parent_required: true,
                child_unique: false,
                identifying: true
            }
        );
        assert_eq!(
            c(3),
            Cardinality {
                parent_required: false,
                child_unique: true,
                identifying: false
            }
        );
    }

    #[test]
    fn focus_takes_the_neighbourhood_to_the_given_depth() {
        let s = shop();
        let plan = |depth| {
            plan_diagrams(
                &s,
                &DiagramOptions {
                    focus: vec!["order_items".into()],
                    depth,
                    ..DiagramOptions::default()
                },
            )
            .diagrams[0]
                .tables
                .clone()
        };
        assert_eq!(plan(0), vec![2]);
        assert_eq!(plan(1), vec![1, 2]);
        assert_eq!(plan(2), vec![0, 1, 2]);
        assert_eq!(plan(3), vec![0, 1, 2, 3]);
        let qualified = plan_diagrams(
            &s,
            &DiagramOptions {
                focus: vec!["public.users".into()],
                ..DiagramOptions::default()
            },
        );
        assert_eq!(qualified.diagrams[0].tables, vec![0]);
    }

    #[test]
    fn a_big_schema_is_split_by_schema_then_component_and_says_so() {
        let s = shop();
        let plan = plan_diagrams(
            &s,
            &DiagramOptions {
                max_tables: 2,
                ..DiagramOptions::default()
            },
        );
        let tables: Vec<Vec<usize>> = plan.diagrams.iter().map(|d| d.tables.clone()).collect();
        // logs alone; public's one component of four is not cut
        assert_eq!(tables, vec![vec![4], vec![0, 1, 2, 3]]);
        assert_eq!(plan.notes.len(), 2, "{:?}", plan.notes);
        assert!(plan.notes[0].contains("one diagram per schema (2 schemas: logs, public)"));
        assert!(plan.notes[1].contains("largest component has 4 tables"));
        let whole = plan_diagrams(&s, &DiagramOptions::default());
        assert_eq!(whole.diagrams.len(), 1);
        assert!(whole.notes.is_empty());
    }

    #[test]
    fn small_components_are_packed_up_to_the_limit() {
        let comps = vec![vec![0], vec![1, 2], vec![3], vec![4, 5, 6]];
        let bins = pack_components(&comps, &[0, 1, 2, 3, 4, 5, 6], 3);
        assert_eq!(bins, vec![vec![4, 5, 6], vec![0, 1, 2], vec![3]]);
    }

    #[test]
    fn stubs_keep_relationships_that_leave_the_diagram() {
        let s = shop();
        let d = Diagram {
            title: "t".into(),
            slug: "t".into(),
            tables: vec![1],
        };
        let drawing = Drawing::new(&s, &d);
        assert_eq!(drawing.stubs, vec![0, 2]);
        assert_eq!(drawing.edges.len(), 2);
        let audit = Drawing::new(
            &s,
            &Diagram {
                tables: vec![4],
                ..d
            },
        );
        assert_eq!(audit.unresolved, vec![(4, "public.gone".to_string())]);
    }
}
