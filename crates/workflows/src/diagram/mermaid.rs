//! A diagram as a Mermaid `erDiagram`.
//!
//! Each table is an entity with an identifier of our own (`t12`) and its real name as the
//! label (`t12["shop.orders"]`), so no table name has to fit Mermaid's identifier syntax. It
//! lists its key columns (`PK`, `FK`, `UK`; the full column list is in the table formats and
//! `schema doc`). Types and column names are written in the characters Mermaid accepts in an
//! attribute (letters, digits, `_`, `-`, `()`, `[]`); anything else becomes `_`
//! (`character varying(20)` → `character_varying(20)`).
//!
//! Each foreign key is a relationship from the referenced table to the referencing one, with
//! crow's-foot cardinality: `||` when every referencing column is NOT NULL, `|o` otherwise;
//! `o|` when the referencing columns are unique, `o{` otherwise; a solid line (`--`) when the
//! key is part of the child's primary key (identifying), dashed (`..`) otherwise. The
//! relationship's label is the referencing columns, and the partitions for a key only they
//! declare (`author_id (partition audit_2026_01)`).

use super::{key_roles, Diagram, Drawing};
use db_schema::Schema;
use std::fmt::Write as _;

/// `diagram` of `schema` as Mermaid `erDiagram` text, starting with a `%%` title comment.
pub fn to_mermaid(schema: &Schema, diagram: &Diagram) -> String {
    let drawing = Drawing::new(schema, diagram);
    let mut out = format!("%% {}\nerDiagram\n", comment(&diagram.title));
    for &i in &drawing.tables {
        let t = &schema.tables[i];
        let _ = write!(out, "  t{i}[\"{}\"]", label(&drawing.label(i)));
        let keyed: Vec<_> = t
            .columns
            .iter()
            .filter_map(|c| {
                let roles = key_roles(t, &c.name);
                (!roles.is_empty()).then_some((c, roles))
            })
            .collect();
        if keyed.is_empty() {
            out.push('\n');
            continue;
        }
        out.push_str(" {\n");
        for (c, roles) in keyed {
            let _ = writeln!(
                out,
                "    {} {} {}",
                word(&c.data_type),
                word(&c.name),
                roles.join(", ")
            );
        }
        out.push_str("  }\n");
    }
    for &i in &drawing.stubs {
        let _ = writeln!(out, "  t{i}[\"{}\"]", label(&drawing.label(i)));
    }
    for (k, (_, name)) in drawing.unresolved.iter().enumerate() {
        let _ = writeln!(out, "  x{k}[\"{} (not extracted)\"]", label(name));
    }
    for e in &drawing.edges {
        let c = e.cardinality;
        let _ = writeln!(
            out,
            "  t{} {}{}{} t{} : \"{}\"",
            e.parent,
            if c.parent_required { "||" } else { "|o" },
            if c.identifying { "--" } else { ".." },
            if c.child_unique { "o|" } else { "o{" },
            e.child,
            label(&e.label())
        );
    }
    for (k, (child, _)) in drawing.unresolved.iter().enumerate() {
        let _ = writeln!(out, "  x{k} |o..o{{ t{child} : \"\"");
    }
    out
}

/// Text inside `"…"`: Mermaid has no escape for `"`, so it becomes `'`.
fn label(s: &str) -> String {
    s.replace('"', "'").replace(['\n', '\r'], " ")
}

/// A `%%` comment line stays one line.
fn comment(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// An attribute type or name in Mermaid's attribute syntax.
fn word(s: &str) -> String {
    let mut w: String = s
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '(' | ')' | '[' | ']') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        w.insert(0, '_');
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::tests::shop;
    use crate::diagram::{plan_diagrams, DiagramOptions};

    #[test]
    fn entities_list_key_columns_and_relationships_carry_cardinality() {
        let s = shop();
        let plan = plan_diagrams(&s, &DiagramOptions::default());
        let text = to_mermaid(&s, &plan.diagrams[0]);
        for want in [
            "%% all 5 tables\nerDiagram\n",
            "  t0[\"users\"] {\n    integer id PK\n    character_varying(200) email UK\n  }\n",
            "  t1[\"orders\"] {\n    integer id PK\n    integer user_id FK\n  }\n",
            "  t2[\"order_items\"] {\n    integer order_id PK, FK\n    integer line PK\n  }\n",
            "  t4[\"logs.audit 'x'\"] {\n",
            "  t0 ||..o{ t1 : \"user_id\"\n",
            "  t1 ||--o{ t2 : \"order_id\"\n",
            "  t0 |o..o| t3 : \"user_id\"\n",
            "  x0[\"public.gone (not extracted)\"]\n",
            "  x0 |o..o{ t4 : \"\"\n",
        ] {
            assert!(text.contains(want), "lacks {want:?}:\n{text}");
        }
        assert!(!text.contains("bio"), "non-key columns are left out");
    }

    #[test]
    fn partition_keys_are_relationships_labelled_with_their_partitions() {
        let s = crate::diagram::tests::shop_with_payments();
        let plan = plan_diagrams(&s, &DiagramOptions::default());
        let text = to_mermaid(&s, &plan.diagrams[0]);
        for want in [
            "  t5[\"payments\"] {\n    integer id PK\n    integer user_id FK\n    integer order_id FK\n  }\n",
            "  t0 |o..o{ t5 : \"user_id (every partition)\"\n",
            "  t1 ||..o{ t5 : \"order_id (partition payments_2026)\"\n",
        ] {
            assert!(text.contains(want), "lacks {want:?}:\n{text}");
        }
    }

    #[test]
    fn words_keep_to_mermaid_attribute_characters() {
        assert_eq!(word("numeric(10,2)"), "numeric(10_2)");
        assert_eq!(word("timestamp with time zone"), "timestamp_with_time_zone");
        assert_eq!(word("2fa"), "_2fa");
        assert_eq!(word("int[]"), "int[]");
    }
}
