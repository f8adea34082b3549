//! The schema as people read it: a table per relation for the terminal, Markdown for
//! documents.
//!
//! Every fact of the model is shown (collations, generated expressions, operator classes,
//! `NULLS` order, `INCLUDE`, `NOT VALID`, deferrable keys, exclusion constraints, partitions
//! and their own constraints (PostgreSQL bounds, MySQL descriptions as `VALUES LESS THAN` /
//! `VALUES IN`, ClickHouse partition and sorting keys), domains and enums); what the engine
//! reports as its default (`NULLS LAST` ascending, `NO ACTION`) is left out.
//!
//! Wide real schemas stay readable in the terminal ([`render_table`]): the column grid wraps
//! its cells within the given width; when even a wrapped grid cannot fit (a narrow terminal,
//! a long unbreakable type), the table switches to a section layout, one column per line with
//! its details indented under it. Keys, indexes and constraints are one line each, wrapped
//! with an indent. Markdown ([`render_markdown`]) is left to the viewer to wrap.
//!
//! Index definitions are written by one function ([`index_definition`]) for these formats and
//! the prompt shorthand of `schema_map`.

use crate::foreign_keys::foreign_keys;
use db_schema::{Column, Index, IndexColumn, Schema, Table, TableKind};
use serde_json::Value;

pub(crate) fn qualified(t: &Table) -> String {
    match &t.schema {
        Some(s) => format!("{s}.{}", t.name),
        None => t.name.clone(),
    }
}

/// `PK`, `FK → t(c)`, `UQ` markers for a column; a key only partitions declare says which
/// (`FK → users(id) in partition audit_2026_01`).
fn key_marks(t: &Table, column: &str) -> String {
    let mut marks = Vec::new();
    if t.primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
    {
        marks.push("PK".to_owned());
    }
    for key in foreign_keys(t) {
        let fk = &key.fk;
        if let Some(i) = fk.columns.iter().position(|c| c == column) {
            let rc = fk.referenced_columns.get(i).cloned().unwrap_or_default();
            let scope = key.scope().map(|s| format!(" in {s}")).unwrap_or_default();
            marks.push(format!("FK → {}({rc}){scope}", fk.referenced_table));
        }
    }
    if t.unique_constraints
        .iter()
        .any(|u| u.columns.len() == 1 && u.columns[0] == column)
    {
        marks.push("UQ".to_owned());
    }
    marks.join(", ")
}

/// One key part: `title COLLATE "C" varchar_pattern_ops DESC NULLS LAST` (collation and operator
/// class only when not the default, `NULLS` only when not the default for the direction), a
/// MySQL prefix as `msg(10)`. `shorten` is applied to expressions.
fn index_part(ix: &Index, p: &IndexColumn, shorten: &dyn Fn(&str) -> String) -> String {
    let mut s = match (&p.column, &p.expression) {
        (Some(c), _) => c.clone(),
        (None, Some(e)) => shorten(e),
        (None, None) => "?".to_owned(),
    };
    // MySQL indexes a prefix of a long column: `extra.sub_parts` maps the column to its length.
    if let Some(n) = p
        .column
        .as_deref()
        .and_then(|c| ix.extra.get("sub_parts")?.get(c)?.as_u64())
    {
        s.push_str(&format!("({n})"));
    }
    if let Some(c) = &p.collation {
        s.push_str(&format!(" COLLATE {c}"));
    }
    if let Some(o) = &p.opclass {
        s.push_str(&format!(" {o}"));
    }
    if p.descending {
        s.push_str(" DESC");
    }
    match (p.nulls.as_deref(), p.descending) {
        (Some("first"), false) => s.push_str(" NULLS FIRST"),
        (Some("last"), true) => s.push_str(" NULLS LAST"),
        _ => {}
    }
    s
}

/// An index in one line: `[unique ]name (parts)[ include (…)][ nulls not distinct][ using
/// method][ where predicate]`. The default method (`btree`) is not written. `shorten` is
/// applied to expressions and the predicate (the prompt shorthand cuts them; people get them
/// whole).
/// ` include (a, b)` for an index's or key's INCLUDE columns; empty when there are none.
fn included(columns: &[String]) -> String {
    if columns.is_empty() {
        String::new()
    } else {
        format!(" include ({})", columns.join(", "))
    }
}

pub(crate) fn index_definition(ix: &Index, shorten: &dyn Fn(&str) -> String) -> String {
    let parts: Vec<String> = ix
        .columns
        .iter()
        .map(|p| index_part(ix, p, shorten))
        .collect();
    let mut s = format!(
        "{}{} ({})",
        if ix.unique { "unique " } else { "" },
        ix.name,
        parts.join(", ")
    );
    s.push_str(&included(&ix.include));
    if ix.nulls_not_distinct {
        s.push_str(" nulls not distinct");
    }
    if let Some(m) = ix
        .method
        .as_deref()
        .filter(|m| !m.eq_ignore_ascii_case("btree"))
    {
        s.push_str(&format!(" using {m}"));
    }
    if let Some(p) = &ix.predicate {
        s.push_str(&format!(" where {}", shorten(p)));
    }
    s
}

/// Expressions as they are.
fn whole(s: &str) -> String {
    s.to_owned()
}

/// ` deferrable initially deferred`, ` deferrable` or nothing.
fn deferral(deferrable: bool, initially_deferred: bool) -> &'static str {
    match (deferrable, initially_deferred) {
        (true, true) => " deferrable initially deferred",
        (true, false) => " deferrable",
        _ => "",
    }
}

/// ` on delete CASCADE on update SET NULL`: actions other than the default.
fn actions(fk: &db_schema::ForeignKey) -> String {
    let mut s = String::new();
    for (word, action) in [("delete", &fk.on_delete), ("update", &fk.on_update)] {
        if let Some(a) = action.as_ref().filter(|a| *a != "NO ACTION") {
            s.push_str(&format!(" on {word} {a}"));
        }
    }
    s
}

fn text_of(v: &Value) -> Option<&str> {
    v.as_str().filter(|s| !s.is_empty())
}

pub(crate) fn summary_lines(t: &Table) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(pk) = t
        .primary_key
        .as_ref()
        .filter(|pk| pk.deferrable || pk.initially_deferred || !pk.include.is_empty())
    {
        lines.push(format!(
            "primary key ({}){}{}",
            pk.columns.join(", "),
            included(&pk.include),
            deferral(pk.deferrable, pk.initially_deferred)
        ));
    }
    for ix in &t.indexes {
        lines.push(format!("index {}", index_definition(ix, &whole)));
    }
    for u in &t.unique_constraints {
        lines.push(format!(
            "unique {}({}){}{}{}",
            u.name.clone().unwrap_or_default(),
            u.columns.join(", "),
            included(&u.include),
            if u.nulls_not_distinct {
                " nulls not distinct"
            } else {
                ""
            },
            deferral(u.deferrable, u.initially_deferred)
        ));
    }
    for c in &t.checks {
        lines.push(format!(
            "check {}{}{}",
            c.name
                .as_ref()
                .map(|n| format!("{n}: "))
                .unwrap_or_default(),
            c.expression,
            if c.not_valid { " not valid" } else { "" }
        ));
    }
    for fk in &t.foreign_keys {
        lines.push(format!(
            "foreign key {}({}) → {}({}){}{}{}",
            fk.name
                .as_ref()
                .map(|n| format!("{n} "))
                .unwrap_or_default(),
            fk.columns.join(", "),
            fk.referenced_table,
            fk.referenced_columns.join(", "),
            actions(fk),
            deferral(fk.deferrable, fk.initially_deferred),
            if fk.not_valid { " not valid" } else { "" }
        ));
    }
    if let Some(list) = t
        .extra
        .get("exclusion_constraints")
        .and_then(Value::as_array)
    {
        for x in list {
            lines.push(format!(
                "exclusion {}: {}",
                x["name"].as_str().unwrap_or_default(),
                x["definition"].as_str().unwrap_or_default()
            ));
        }
    }
    if let Some(p) = t.extra.get("partition_of") {
        lines.push(format!(
            "partition of {}.{} {}",
            p["schema"].as_str().unwrap_or_default(),
            p["name"].as_str().unwrap_or_default(),
            p["bound"].as_str().unwrap_or_default()
        ));
    }
    if let Some(p) = t.extra.get("partitioning") {
        lines.extend(partition_lines(p));
    }
    // ClickHouse's table keys: how parts are split and how rows are ordered within them.
    for (key, words) in [
        ("partition_key", "partition by"),
        ("sorting_key", "order by"),
    ] {
        if let Some(k) = t.extra.get(key).and_then(text_of) {
            lines.push(format!("{words} {k}"));
        }
    }
    lines
}

/// `partition by RANGE (paid)`, then one line per partition with its bound, and under it the
/// constraints and indexes the partition declares itself (PostgreSQL) .
fn partition_lines(p: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(k) = partition_key(p) {
        lines.push(format!("partition by {k}"));
    }
    for part in p["partitions"].as_array().into_iter().flatten() {
        let name = match text_of(&part["schema"]) {
            Some(s) => format!("{s}.{}", part["name"].as_str().unwrap_or_default()),
            None => part["name"].as_str().unwrap_or_default().to_owned(),
        };
        let bound = text_of(&part["bound"])
            .map(str::to_owned)
            .or_else(|| mysql_bound(text_of(&p["method"]), text_of(&part["description"])?));
        lines.push(format!(
            "partition {name}{}{}",
            bound.map(|b| format!(" {b}")).unwrap_or_default(),
            text_of(&part["parent"])
                .map(|p| format!(" (partition of {p})"))
                .unwrap_or_default()
        ));
        for own in summary_lines(&partition_facts(part)) {
            lines.push(format!("  {own}"));
        }
    }
    lines
}

/// The partition key of a table's `extra.partitioning`: `RANGE (created_at)` (PostgreSQL's
/// `key`, or MySQL's `method` and `expression`).
pub(crate) fn partition_key(p: &Value) -> Option<String> {
    match (text_of(&p["key"]), text_of(&p["method"])) {
        (Some(k), _) => Some(k.to_owned()),
        (None, Some(m)) => Some(format!(
            "{m} ({})",
            p["expression"].as_str().unwrap_or_default()
        )),
        (None, None) => None,
    }
}

/// A MySQL partition's bound in DDL words from its `PARTITION_DESCRIPTION` (`2024` of a RANGE
/// partition is `VALUES LESS THAN (2024)`); as it is for a method without such words.
fn mysql_bound(method: Option<&str>, description: &str) -> Option<String> {
    let method = method.unwrap_or_default().to_ascii_uppercase();
    Some(if method.starts_with("RANGE") {
        match description {
            "MAXVALUE" => "VALUES LESS THAN MAXVALUE".to_owned(),
            d => format!("VALUES LESS THAN ({d})"),
        }
    } else if method.starts_with("LIST") {
        format!("VALUES IN ({description})")
    } else {
        description.to_owned()
    })
}

/// A partition entry's own constraints and indexes as a [`Table`], to render them alike.
fn partition_facts(part: &Value) -> Table {
    fn list<T: serde::de::DeserializeOwned>(v: &Value) -> Vec<T> {
        serde_json::from_value(v.clone()).unwrap_or_default()
    }
    let mut t = Table::new(None, "", TableKind::Table);
    t.primary_key = serde_json::from_value(part["primary_key"].clone()).unwrap_or(None);
    t.foreign_keys = list(&part["foreign_keys"]);
    t.unique_constraints = list(&part["unique_constraints"]);
    t.checks = list(&part["checks"]);
    t.indexes = list(&part["indexes"]);
    if let Some(x) = part.get("exclusion_constraints").filter(|x| x.is_array()) {
        t.extra.insert("exclusion_constraints".into(), x.clone());
    }
    t
}

/// The type cell: the declared type, with its collation when the column has its own.
fn type_cell(c: &Column) -> String {
    match c.extra.get("collation").and_then(Value::as_str) {
        Some(coll) => format!("{} collate {coll}", c.data_type),
        None => c.data_type.clone(),
    }
}

/// The default cell: the default, or how the value is generated (expression or identity).
fn default_cell(c: &Column) -> Option<String> {
    if let Some(g) = c.extra.get("generated") {
        let kind = g
            .get("kind")
            .and_then(Value::as_str)
            .or_else(|| g.as_str())
            .unwrap_or("stored")
            .to_ascii_uppercase();
        return Some(match g.get("expression").and_then(Value::as_str) {
            Some(e) => format!("GENERATED ALWAYS AS ({e}) {kind}"),
            None => format!("GENERATED {kind}"),
        });
    }
    let value = match c.extra.get("identity").and_then(Value::as_str) {
        Some("always") => Some("GENERATED ALWAYS AS IDENTITY".to_owned()),
        Some("by_default") => Some("GENERATED BY DEFAULT AS IDENTITY".to_owned()),
        _ => c.default.clone(),
    };
    // MySQL's `ON UPDATE CURRENT_TIMESTAMP`: the value a write sets.
    match (value, c.extra.get("on_update").and_then(Value::as_str)) {
        (Some(v), Some(u)) => Some(format!("{v} ON UPDATE {u}")),
        (None, Some(u)) => Some(format!("ON UPDATE {u}")),
        (v, None) => v,
    }
}

/// Schema-level types: PostgreSQL domains and enums, one line each.
pub(crate) fn type_lines(schema: &Schema) -> Vec<String> {
    let mut lines = Vec::new();
    for d in schema
        .extra
        .get("domains")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mut s = format!(
            "domain {}.{} {}",
            d["schema"].as_str().unwrap_or_default(),
            d["name"].as_str().unwrap_or_default(),
            d["type"].as_str().unwrap_or_default()
        );
        if d["not_null"].as_bool() == Some(true) {
            s.push_str(" not null");
        }
        if let Some(def) = text_of(&d["default"]) {
            s.push_str(&format!(" default {def}"));
        }
        for c in d["checks"].as_array().into_iter().flatten() {
            s.push_str(&format!(
                " check {}: {}{}",
                c["name"].as_str().unwrap_or_default(),
                c["expression"].as_str().unwrap_or_default(),
                if c["not_valid"].as_bool() == Some(true) {
                    " not valid"
                } else {
                    ""
                }
            ));
        }
        lines.push(s);
    }
    for e in schema
        .extra
        .get("enums")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let labels: Vec<&str> = e["labels"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        lines.push(format!(
            "enum {}.{} ({})",
            e["schema"].as_str().unwrap_or_default(),
            e["name"].as_str().unwrap_or_default(),
            labels.join(", ")
        ));
    }
    lines
}

/// The narrowest width [`render_table`] lays out for; a smaller one is raised to it.
pub const MIN_WIDTH: usize = 40;

/// `schema` as text for a terminal `width` characters wide: per relation a heading, a grid of
/// columns (or, when the grid cannot fit, one section per column), one line per key, index
/// and constraint, and the view definition; then the schema's types.
pub fn render_table(schema: &Schema, width: usize) -> String {
    let width = width.max(MIN_WIDTH);
    let mut out = String::new();
    for t in &schema.tables {
        let mut heading = format!("{} ({})", qualified(t), t.kind);
        if let Some(c) = &t.comment {
            heading.push_str(&format!(" — {c}"));
        }
        push_wrapped(&mut out, &heading, "", "    ", width);
        match column_grid(t, width) {
            Some(grid) => {
                out.push_str(&grid);
                out.push('\n');
            }
            None => column_sections(&mut out, t, width),
        }
        for line in summary_lines(t) {
            // Partitions' own facts come indented: keep their indent under the partition.
            let indent = if line.starts_with("  ") { "    " } else { "  " };
            push_wrapped(
                &mut out,
                line.trim_start(),
                indent,
                &format!("{indent}    "),
                width,
            );
        }
        if let Some(d) = &t.definition {
            out.push_str("  definition:\n");
            for l in d.lines() {
                // Keep the engine's own indentation (`pg_get_viewdef` indents FROM and WHERE).
                let own = &l[..l.len() - l.trim_start().len()];
                let first = format!("    {own}");
                push_wrapped(&mut out, l, &first, &format!("{first}  "), width);
            }
        }
        out.push('\n');
    }
    let types = type_lines(schema);
    if !types.is_empty() {
        out.push_str("types\n");
        for l in types {
            push_wrapped(&mut out, &l, "  ", "      ", width);
        }
    }
    out
}

/// The columns of `t` as a grid wrapped within `width`, or `None` when it cannot fit without
/// cutting words (each column needs at least its longest word).
fn column_grid(t: &Table, width: usize) -> Option<String> {
    const HEADER: [&str; 6] = ["column", "type", "null", "default", "key", "comment"];
    let rows: Vec<[String; 6]> = t
        .columns
        .iter()
        .map(|c| {
            [
                c.name.clone(),
                type_cell(c),
                if c.nullable { "yes" } else { "no" }.to_owned(),
                default_cell(c).unwrap_or_default(),
                key_marks(t, &c.name),
                c.comment.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let longest_word = |i: usize| {
        std::iter::once(HEADER[i])
            .chain(rows.iter().map(|r| r[i].as_str()))
            .flat_map(str::split_whitespace)
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(0)
    };
    let minimum: Vec<usize> = (0..HEADER.len()).map(longest_word).collect();
    // Each column costs its content plus a padding space on each side and a border.
    if minimum.iter().map(|m| m + 3).sum::<usize>() + 1 > width {
        return None;
    }
    let mut table = comfy_table::Table::new();
    table
        .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_width(u16::try_from(width).unwrap_or(u16::MAX))
        .set_header(HEADER);
    for r in rows {
        table.add_row(r);
    }
    for (i, m) in minimum.iter().enumerate() {
        if let Some(col) = table.column_mut(i) {
            // comfy-table's boundary counts the cell's padding (one space each side): without
            // it a word one or two characters short of the column is cut mid-word.
            let bound = m + usize::from(col.padding_width());
            col.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
                comfy_table::Width::Fixed(u16::try_from(bound).unwrap_or(u16::MAX)),
            ));
        }
    }
    let grid = table.to_string();
    grid.lines()
        .all(|l| l.chars().count() <= width)
        .then_some(grid)
}

/// The columns of `t`, one section each: `name type [not null]`, then the default, keys and
/// comment indented under it.
fn column_sections(out: &mut String, t: &Table, width: usize) {
    for c in &t.columns {
        let mut head = format!("{} {}", c.name, type_cell(c));
        if !c.nullable {
            head.push_str(" not null");
        }
        push_wrapped(out, &head, "  ", "      ", width);
        let details = [
            ("default", default_cell(c)),
            ("key", Some(key_marks(t, &c.name)).filter(|k| !k.is_empty())),
            ("comment", c.comment.clone()),
        ];
        for (what, value) in details {
            if let Some(v) = value {
                push_wrapped(out, &format!("{what}: {v}"), "    ", "      ", width);
            }
        }
    }
}

/// `text` (one logical line) wrapped at spaces within `width`: the first line after `first`,
/// the next ones after `rest`. A word longer than the room is cut where the room ends.
pub(crate) fn push_wrapped(out: &mut String, text: &str, first: &str, rest: &str, width: usize) {
    let mut indent = first;
    let mut line = String::new();
    let mut used = 0;
    let room = |indent: &str| width.saturating_sub(indent.chars().count()).max(10);
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let gap = usize::from(used > 0);
            if used + gap + word.len() <= room(indent) {
                if gap == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                used += gap + word.len();
                break;
            }
            if used > 0 {
                out.push_str(&format!("{indent}{line}\n"));
                indent = rest;
                line.clear();
                used = 0;
                continue;
            }
            let take = room(indent);
            let tail = word.split_off(take);
            out.push_str(&format!("{indent}{}\n", word.iter().collect::<String>()));
            indent = rest;
            word = tail;
        }
    }
    if used > 0 || indent == first {
        out.push_str(&format!("{indent}{line}\n"));
    }
}

/// Markdown table cells: pipes and newlines would break the row.
pub(crate) fn md(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// `schema` as Markdown: a section per relation with a column table and one list item per key,
/// index and constraint; then the schema's types.
pub fn render_markdown(schema: &Schema) -> String {
    let mut out = format!(
        "# Schema ({}{})\n\n",
        schema.engine,
        schema
            .server_version
            .as_ref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default()
    );
    for t in &schema.tables {
        out.push_str(&format!("## `{}` ({})\n\n", md(&qualified(t)), t.kind));
        out.push_str(&table_markdown(t));
        out.push('\n');
    }
    let types = type_lines(schema);
    if !types.is_empty() {
        out.push_str("## Types\n\n");
        for l in types {
            out.push_str(&format!("- {}\n", md(&l)));
        }
    }
    out
}

/// The body of a table's Markdown section (no heading): comment, column table, one list item
/// per key, index and constraint, the view definition.
pub(crate) fn table_markdown(t: &Table) -> String {
    let mut out = String::new();
    if let Some(c) = &t.comment {
        out.push_str(&format!("{}\n\n", md(c)));
    }
    out.push_str("| column | type | null | default | key | comment |\n|---|---|---|---|---|---|\n");
    for c in &t.columns {
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {} | {} | {} |\n",
            md(&c.name),
            md(&type_cell(c)),
            if c.nullable { "yes" } else { "no" },
            default_cell(c)
                .map(|d| format!("`{}`", md(&d)))
                .unwrap_or_default(),
            md(&key_marks(t, &c.name)),
            md(c.comment.as_deref().unwrap_or("")),
        ));
    }
    let lines = summary_lines(t);
    if !lines.is_empty() {
        out.push('\n');
        for l in lines {
            // Partitions' own facts are indented two spaces: a nested list item.
            let nested = l.starts_with("  ");
            out.push_str(&format!(
                "{}- {}\n",
                if nested { "  " } else { "" },
                md(l.trim_start())
            ));
        }
    }
    if let Some(d) = &t.definition {
        out.push_str(&format!("\n```sql\n{}\n```\n", d.replace("```", "` ` `")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use db_schema::{Check, ForeignKey, Index, UniqueConstraint};
    use serde_json::json;

    fn column(name: &str, extra: serde_json::Value) -> Column {
        Column {
            name: name.into(),
            position: 1,
            data_type: "text".into(),
            nullable: true,
            default: None,
            comment: None,
            extra: serde_json::from_value(extra).unwrap(),
        }
    }

    /// A schema holding every fact the text formats must show.
    fn facts() -> Schema {
        let mut film = Table::new(Some("facts".into()), "film", TableKind::Table);
        film.columns = vec![
            column("title", json!({ "collation": "C" })),
            column(
                "doubled",
                json!({ "generated": { "kind": "stored", "expression": "id * 2" } }),
            ),
            column("id", json!({ "identity": "always" })),
            column("touched", json!({ "on_update": "current_timestamp()" })),
        ];
        film.indexes = vec![Index {
            name: "film_pattern".into(),
            columns: vec![
                IndexColumn {
                    column: Some("title".into()),
                    collation: Some("\"C\"".into()),
                    opclass: Some("text_pattern_ops".into()),
                    nulls: Some("first".into()),
                    ..IndexColumn::default()
                },
                IndexColumn {
                    column: Some("code".into()),
                    descending: true,
                    nulls: Some("first".into()),
                    ..IndexColumn::default()
                },
            ],
            include: vec!["release".into()],
            nulls_not_distinct: true,
            unique: true,
            method: Some("btree".into()),
            ..Index::default()
        }];
        film.unique_constraints = vec![UniqueConstraint {
            name: Some("title_code".into()),
            columns: vec!["title".into()],
            include: vec!["release".into()],
            deferrable: true,
            nulls_not_distinct: true,
            ..UniqueConstraint::default()
        }];
        film.checks = vec![Check {
            name: Some("code_len".into()),
            expression: "length(code) < 10".into(),
            not_valid: true,
        }];
        film.foreign_keys = vec![ForeignKey {
            name: Some("film_lang".into()),
            columns: vec!["lang".into()],
            referenced_table: "lang".into(),
            referenced_columns: vec!["id".into()],
            on_delete: Some("NO ACTION".into()),
            on_update: Some("CASCADE".into()),
            deferrable: true,
            initially_deferred: true,
            not_valid: true,
            ..ForeignKey::default()
        }];
        film.extra.insert(
            "exclusion_constraints".into(),
            json!([{ "name": "no_overlap", "definition": "EXCLUDE USING gist (during WITH &&)" }]),
        );
        film.extra.insert(
            "partitioning".into(),
            json!({ "key": "RANGE (paid)", "partitions": [{
                "schema": "parts", "name": "film_2024",
                "bound": "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                "primary_key": null, "foreign_keys": [], "unique_constraints": [],
                "checks": [{ "name": "own_check", "expression": "id > 0", "not_valid": false }],
                "indexes": [], "exclusion_constraints": [],
            }]}),
        );
        let mut view = Table::new(Some("facts".into()), "v", TableKind::View);
        view.definition = Some("SELECT 1".into());
        let mut extra = db_schema::Extra::new();
        extra.insert(
            "domains".into(),
            json!([{ "schema": "facts", "name": "year", "type": "integer", "not_null": true,
                     "default": "2000", "checks": [{ "name": "year_check",
                     "expression": "VALUE > 1900", "not_valid": false }] }]),
        );
        Schema {
            version: db_schema::MODEL_VERSION,
            engine: "postgres".into(),
            server_version: None,
            tables: vec![film, view],
            extra,
        }
    }

    const EXPECTED: &[&str] = &[
        "text collate C",
        "GENERATED ALWAYS AS (id * 2) STORED",
        "GENERATED ALWAYS AS IDENTITY",
        "ON UPDATE current_timestamp()",
        "index unique film_pattern (title COLLATE \"C\" text_pattern_ops NULLS FIRST, code DESC) include (release) nulls not distinct",
        "unique title_code(title) include (release) nulls not distinct deferrable",
        "check code_len: length(code) < 10 not valid",
        "foreign key film_lang (lang) → lang(id) on update CASCADE deferrable initially deferred not valid",
        "exclusion no_overlap: EXCLUDE USING gist (during WITH &&)",
        "partition by RANGE (paid)",
        "partition parts.film_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        "check own_check: id > 0",
        "SELECT 1",
        "domain facts.year integer not null default 2000 check year_check: VALUE > 1900",
    ];

    #[test]
    fn text_formats_show_every_fact() {
        let schema = facts();
        for (format, text) in [
            ("table", render_table(&schema, 400)),
            ("markdown", render_markdown(&schema)),
        ] {
            for want in EXPECTED {
                assert!(text.contains(want), "{format} lacks `{want}`:\n{text}");
            }
        }
        let md = render_markdown(&schema);
        assert!(md.contains("  - check own_check: id > 0"), "{md}");
        assert!(!md.contains("on delete"), "the default action is not shown");
    }

    #[test]
    fn wide_tables_wrap_within_the_width_and_fall_back_to_sections() {
        let schema = facts();
        for width in [60, 80, 120] {
            let text = render_table(&schema, width);
            for line in text.lines() {
                assert!(
                    line.chars().count() <= width,
                    "{width}: `{line}` is too wide:\n{text}"
                );
            }
            // every fact is still there, only wrapped
            let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                joined.contains("include (release) nulls not distinct"),
                "{text}"
            );
        }
        // A type no grid of 40 columns can hold: one section per column instead.
        let mut narrow = facts();
        narrow.tables[0].columns[0].data_type = "x".repeat(30);
        let text = render_table(&narrow, 40);
        assert!(!text.contains("┆"), "no grid:\n{text}");
        assert!(
            text.contains("\n  doubled text\n    default: GENERATED ALWAYS AS"),
            "{text}"
        );
        assert!(text.lines().all(|l| l.chars().count() <= 40), "{text}");
    }

    /// comfy-table's lower boundary counts the cell padding: without adding it, the catalog
    /// fixture's `users` at 120 columns showed `(COALESCE(user` / `name, email))`, a word cut
    /// in two that reads as two words.
    #[test]
    fn grid_cells_are_never_cut_mid_word() {
        let mut users = Table::new(Some("public".into()), "users", TableKind::Table);
        let col = |name: &str, ty: &str, extra: serde_json::Value| Column {
            data_type: ty.into(),
            ..column(name, extra)
        };
        users.columns = vec![
            col("id", "bigint", json!({})),
            col("email", "character varying", json!({})),
            col("namespace_id", "bigint", json!({})),
            col(
                "full_name",
                "text",
                json!({ "generated": { "kind": "stored", "expression": "COALESCE(username, email)" } }),
            ),
        ];
        users.columns[1].default = Some("''::character varying".into());
        users.foreign_keys = vec![ForeignKey::new(&["namespace_id"], "namespaces", &["id"])];
        let schema = Schema::new("postgres", vec![users]);
        for width in 60..=140 {
            let text = render_table(&schema, width);
            let words: Vec<&str> = text.split_whitespace().collect();
            for whole in ["(COALESCE(username,", "namespaces(id)", "''::character"] {
                assert!(words.contains(&whole), "{width}: `{whole}` cut:\n{text}");
            }
        }
    }

    #[test]
    fn view_definitions_keep_their_indentation() {
        let mut v = Table::new(None, "v", TableKind::View);
        v.definition = Some(" SELECT a,\n    b\n   FROM t;".into());
        let text = render_table(&Schema::new("postgres", vec![v]), 80);
        assert!(
            text.contains("  definition:\n     SELECT a,\n        b\n       FROM t;\n"),
            "{text}"
        );
    }

    /// MySQL's partitions carry a method, an expression and each partition's description, its
    /// indexes column prefixes; ClickHouse tables a partition key and a sorting key.
    #[test]
    fn mysql_and_clickhouse_partitions_read_as_ddl() {
        let mut log = Table::new(Some("shop".into()), "log", TableKind::Table);
        log.extra.insert(
            "partitioning".into(),
            json!({ "method": "RANGE", "expression": "year(`at`)", "partitions": [
                { "name": "p2023", "description": "2024" },
                { "name": "pmax", "description": "MAXVALUE" },
            ]}),
        );
        let mut region = Table::new(Some("shop".into()), "region", TableKind::Table);
        region.extra.insert(
            "partitioning".into(),
            json!({ "method": "LIST COLUMNS", "expression": "`code`", "partitions": [
                { "name": "pe", "description": "'de','fr'" },
            ]}),
        );
        let mut prefix = Index::new("msg_prefix", &["msg", "at"], false);
        prefix
            .extra
            .insert("sub_parts".into(), json!({ "msg": 10 }));
        log.indexes = vec![prefix];
        let mut events = Table::new(Some("shop".into()), "events", TableKind::Table);
        events.extra = serde_json::from_value(
            json!({ "engine": "MergeTree", "partition_key": "toYYYYMM(d)", "sorting_key": "d, id" }),
        )
        .unwrap();
        let text = render_markdown(&Schema::new("mysql", vec![log, region, events]));
        for want in [
            "- partition by RANGE (year(`at`))\n- partition p2023 VALUES LESS THAN (2024)\n- partition pmax VALUES LESS THAN MAXVALUE\n",
            "- partition pe VALUES IN ('de','fr')\n",
            "- index msg_prefix (msg(10), at)\n",
            // ClickHouse
            "- partition by toYYYYMM(d)\n- order by d, id\n",
        ] {
            assert!(text.contains(want), "lacks {want:?}:\n{text}");
        }
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_cuts_only_overlong_words() {
        let mut out = String::new();
        push_wrapped(&mut out, "aaa bbb ccc", "- ", "    ", 12);
        assert_eq!(out, "- aaa bbb\n    ccc\n");
        out.clear();
        push_wrapped(&mut out, &"z".repeat(25), "", "", 10);
        assert_eq!(
            out,
            format!(
                "{}\n{}\n{}\n",
                "z".repeat(10),
                "z".repeat(10),
                "z".repeat(5)
            )
        );
    }
}
