//! A diagram as Graphviz DOT.
//!
//! Each table is a node drawn as an HTML-like table: its name, then its key columns (`PK`,
//! `FK`, `UK`) with their types, then, for a partitioned table, its key and number of
//! partitions, then a line counting the other columns. Each column row has a
//! port, so a foreign key's edge leaves from the referencing column and arrives at the
//! referenced one. Edges carry crow's-foot ends: at the referenced table `teetee` (exactly one:
//! every referencing column NOT NULL) or `teeodot` (zero or one); at the referencing table
//! `crowodot` (zero or many) or `teeodot` (zero or one: the referencing columns are unique).
//! Tables outside the diagram that a key reaches are dashed boxes with their name only. A key
//! only some partitions declare is labelled with them (`partition audit_2026_01`).
//! Every name is escaped for HTML labels and quoted identifiers, so any table name is safe.

use super::{key_roles, Diagram, Drawing};
use crate::schema_text::partition_key;
use db_schema::Schema;
use std::fmt::Write as _;

/// `diagram` of `schema` as a DOT `digraph`.
pub fn to_dot(schema: &Schema, diagram: &Diagram) -> String {
    let drawing = Drawing::new(schema, diagram);
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", quoted(&diagram.title));
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=\"{}\", nodesep=0.4, ranksep=1.0];",
        quoted(&diagram.title)
    );
    out.push_str("  node [shape=plain, fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [dir=both, fontname=\"Helvetica\", fontsize=8, color=\"#333333\"];\n");
    for &i in &drawing.tables {
        let t = &schema.tables[i];
        let mut rows = String::new();
        let mut others = 0;
        for c in &t.columns {
            let roles = key_roles(t, &c.name);
            if roles.is_empty() {
                others += 1;
                continue;
            }
            let _ = write!(
                rows,
                "<tr><td port=\"in{}\" align=\"left\">{}</td><td align=\"left\"><font color=\"#555555\">{}</font></td><td port=\"out{}\" align=\"left\"><b>{}</b></td></tr>",
                c.position,
                html(&c.name),
                html(&c.data_type),
                c.position,
                roles.join(" ")
            );
        }
        if let Some(summary) = partitions(t) {
            let _ = write!(
                rows,
                "<tr><td colspan=\"3\" align=\"left\"><font color=\"#888888\"><i>{}</i></font></td></tr>",
                html(&summary)
            );
        }
        if others > 0 {
            let _ = write!(
                rows,
                "<tr><td colspan=\"3\" align=\"left\"><font color=\"#888888\"><i>{others} more column{}</i></font></td></tr>",
                if others == 1 { "" } else { "s" }
            );
        }
        let kind = match t.kind.as_str() {
            "table" => String::new(),
            k => format!(
                " <font color=\"#888888\">({})</font>",
                html(&k.replace('_', " "))
            ),
        };
        let _ = writeln!(
            out,
            "  t{i} [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\"><tr><td colspan=\"3\" bgcolor=\"#dde6f0\"><b>{}</b>{kind}</td></tr>{rows}</table>>];",
            html(&drawing.label(i))
        );
    }
    for &i in &drawing.stubs {
        let _ = writeln!(
            out,
            "  t{i} [shape=box, style=dashed, color=\"#888888\", label=\"{}\"];",
            quoted(&drawing.label(i))
        );
    }
    for (k, (_, name)) in drawing.unresolved.iter().enumerate() {
        let _ = writeln!(
            out,
            "  x{k} [shape=box, style=dotted, color=\"#888888\", label=\"{} (not extracted)\"];",
            quoted(name)
        );
    }
    for e in &drawing.edges {
        let c = e.cardinality;
        let child = &schema.tables[e.child];
        let parent = &schema.tables[e.parent];
        // Ports exist only on tables drawn in full, on their key columns.
        // The edge leaves the referencing column on the east and enters the referenced column
        // on the west (rankdir=LR puts referenced tables to the right).
        let port =
            |t: usize, table: &db_schema::Table, column: Option<&String>, side: &str| match column
                .and_then(|c| table.column(c))
            {
                Some(col) if drawing.tables.contains(&t) => {
                    let (name, compass) = if side == "out" {
                        ("out", "e")
                    } else {
                        ("in", "w")
                    };
                    format!("t{t}:{name}{}:{compass}", col.position)
                }
                _ => format!("t{t}"),
            };
        let _ = writeln!(
            out,
            "  {} -> {} [arrowhead={}, arrowtail={}, style={}, tooltip=\"{}\"{}];",
            port(e.child, child, e.key.fk.columns.first(), "out"),
            port(e.parent, parent, e.key.fk.referenced_columns.first(), "in"),
            if c.parent_required {
                "teetee"
            } else {
                "teeodot"
            },
            if c.child_unique {
                "teeodot"
            } else {
                "crowodot"
            },
            if c.identifying { "solid" } else { "dashed" },
            quoted(&e.key.fk.name.clone().unwrap_or_else(|| e.label())),
            e.key
                .scope()
                .map(|scope| format!(", label=\"{}\", fontcolor=\"#666666\"", quoted(&scope)))
                .unwrap_or_default()
        );
    }
    for (k, (child, _)) in drawing.unresolved.iter().enumerate() {
        let _ = writeln!(
            out,
            "  t{child} -> x{k} [arrowhead=teeodot, arrowtail=crowodot, style=dotted];"
        );
    }
    out.push_str("}\n");
    out
}

/// `partitioned by RANGE (created_at): 5 partitions`, for a partitioned table.
fn partitions(t: &db_schema::Table) -> Option<String> {
    let p = t.extra.get("partitioning")?;
    let n = p["partitions"].as_array().map_or(0, Vec::len);
    let key = partition_key(p)
        .map(|k| format!(" by {k}"))
        .unwrap_or_default();
    Some(format!(
        "partitioned{key}: {n} partition{}",
        if n == 1 { "" } else { "s" }
    ))
}

/// Text in an HTML-like label.
fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text in a double-quoted DOT string.
fn quoted(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::tests::shop;
    use crate::diagram::{plan_diagrams, DiagramOptions};

    #[test]
    fn nodes_show_keys_and_edges_carry_cardinality_from_column_ports() {
        let s = shop();
        let plan = plan_diagrams(&s, &DiagramOptions::default());
        let text = to_dot(&s, &plan.diagrams[0]);
        for want in [
            "digraph \"all 5 tables\" {",
            "<b>users</b>",
            "1 more column</i>",
            "<b>logs.audit &quot;x&quot;</b>",
            "  t1:out2:e -> t0:in1:w [arrowhead=teetee, arrowtail=crowodot, style=dashed",
            "  t3:out1:e -> t0:in1:w [arrowhead=teeodot, arrowtail=teeodot",
            "x0 [shape=box, style=dotted, color=\"#888888\", label=\"public.gone (not extracted)\"]",
        ] {
            assert!(text.contains(want), "lacks {want:?}:\n{text}");
        }
    }

    #[test]
    fn partition_keys_leave_their_table_from_a_column_port_with_a_label() {
        let s = crate::diagram::tests::shop_with_payments();
        let plan = plan_diagrams(&s, &DiagramOptions::default());
        let text = to_dot(&s, &plan.diagrams[0]);
        for want in [
            "<td port=\"out3\" align=\"left\"><b>FK</b></td>",
            "<i>partitioned by RANGE (id): 2 partitions</i>",
            "  t5:out2:e -> t0:in1:w [arrowhead=teeodot, arrowtail=crowodot, style=dashed, tooltip=\"user_id (every partition)\", label=\"every partition\"",
            "tooltip=\"payments_2026_order\", label=\"partition payments_2026\"",
        ] {
            assert!(text.contains(want), "lacks {want:?}:\n{text}");
        }
    }

    #[test]
    fn names_are_escaped() {
        assert_eq!(html("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;");
        assert_eq!(quoted("a\"b\\"), "a\\\"b\\\\");
    }
}
