//! `xldb-codex schema`: extract a database schema and print it as JSON, a table or Markdown.
//!
//! Thin: URL parsing, connection, catalog queries and the model all live in `db-schema`; this
//! file maps flags to its [`db_schema::Options`], renders the result, shows progress on a
//! terminal, and maps errors to exit codes (bad URL, unknown scheme, engine not built in: 2;
//! unreachable server, bad credentials, failed query: 1). The URL's password never reaches
//! the output: `db-schema` masks it in every message and this file never prints the URL.

use crate::exit::{Exit, UsageError};
use db_schema::{Column, IndexColumn, Options, Progress, Schema, Table, TableKind};
use serde_json::Value;
use std::io::{IsTerminal, Write};
use std::time::Duration;

/// Output formats of `xldb-codex schema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The documented JSON model (`docs/schema.json`).
    Json,
    /// A human-readable table per relation.
    Table,
    /// Markdown, one section per relation.
    Markdown,
}

/// Arguments of `xldb-codex schema`.
#[derive(clap::Args)]
pub struct SchemaArgs {
    /// Database URL: postgres://, mysql:// or mariadb://, clickhouse://HOST:HTTP_PORT/DB,
    /// sqlite://PATH, duckdb://PATH (absolute paths take three slashes), mssql://, oracle://.
    #[arg(
        long,
        env = "XLDB_CODEX_DB",
        hide_env_values = true,
        value_name = "URL"
    )]
    db: String,

    /// Only this schema (MySQL/ClickHouse: database; Oracle: owner).
    #[arg(long, value_name = "S")]
    schema: Option<String>,

    /// Only these tables, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    tables: Option<Vec<String>>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,

    /// Statement timeout in seconds (the session is also read-only).
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    timeout: u64,
}

impl std::fmt::Debug for SchemaArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: show it only in its masked form.
        let db = db_schema::DatabaseUrl::parse(&self.db)
            .map(|u| u.to_string())
            .unwrap_or_else(|_| "<unparsable>".to_owned());
        f.debug_struct("SchemaArgs")
            .field("db", &db)
            .field("schema", &self.schema)
            .field("tables", &self.tables)
            .field("format", &self.format)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Draws `[2/6] columns` on stderr when it is a terminal.
struct TtyProgress;

impl Progress for TtyProgress {
    fn on_query(&self, index: usize, total: usize, name: &str) {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K[{index}/{total}] reading {name}…");
        let _ = err.flush();
    }
}

/// Run `xldb-codex schema`.
pub fn run(args: SchemaArgs) -> anyhow::Result<Exit> {
    let mut options = Options::default();
    options.filter.schema = args.schema.clone();
    options.filter.tables = args.tables.clone().map(|t| {
        t.into_iter()
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect()
    });
    options.connect.statement_timeout = Duration::from_secs(args.timeout.max(1));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let tty = std::io::stderr().is_terminal();
    let progress: &dyn Progress = if tty { &TtyProgress } else { &() };
    let result = runtime.block_on(db_schema::extract_url(&args.db, &options, progress));
    if tty {
        eprint!("\r\x1b[2K");
    }
    let schema = match result {
        Ok(s) => s,
        Err(e) if e.is_usage() => return Err(UsageError(e.to_string()).into()),
        Err(e) => return Err(anyhow::Error::new(e)),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        // Streamed: a 20,000-table schema is ~85 MB of JSON, no need to hold it twice.
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &schema)?;
            out.write_all(b"\n")?;
        }
        Format::Table => out.write_all(render_table(&schema).as_bytes())?,
        Format::Markdown => out.write_all(render_markdown(&schema).as_bytes())?,
    }
    out.flush()?;
    Ok(Exit::Ok)
}

fn qualified(t: &Table) -> String {
    match &t.schema {
        Some(s) => format!("{s}.{}", t.name),
        None => t.name.clone(),
    }
}

/// `PK`, `FK → t(c)`, `UQ` markers for a column.
fn key_marks(t: &Table, column: &str) -> String {
    let mut marks = Vec::new();
    if t.primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
    {
        marks.push("PK".to_owned());
    }
    for fk in &t.foreign_keys {
        if let Some(i) = fk.columns.iter().position(|c| c == column) {
            let rc = fk.referenced_columns.get(i).cloned().unwrap_or_default();
            marks.push(format!("FK → {}({rc})", fk.referenced_table));
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

/// One key part: `title varchar_pattern_ops DESC NULLS LAST` (the operator class only when not
/// the default, `NULLS` only when not the default for the direction).
fn index_part(p: &IndexColumn) -> String {
    let mut s = p
        .column
        .clone()
        .or_else(|| p.expression.clone())
        .unwrap_or_default();
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

fn index_line(ix: &db_schema::Index) -> String {
    let parts: Vec<String> = ix.columns.iter().map(index_part).collect();
    let mut s = format!(
        "{}{} ({})",
        if ix.unique { "unique " } else { "" },
        ix.name,
        parts.join(", ")
    );
    if !ix.include.is_empty() {
        s.push_str(&format!(" include ({})", ix.include.join(", ")));
    }
    if ix.nulls_not_distinct {
        s.push_str(" nulls not distinct");
    }
    if let Some(m) = &ix.method {
        s.push_str(&format!(" using {m}"));
    }
    if let Some(p) = &ix.predicate {
        s.push_str(&format!(" where {p}"));
    }
    s
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

fn summary_lines(t: &Table) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(pk) = t
        .primary_key
        .as_ref()
        .filter(|pk| pk.deferrable || pk.initially_deferred)
    {
        lines.push(format!(
            "primary key ({}){}",
            pk.columns.join(", "),
            deferral(pk.deferrable, pk.initially_deferred)
        ));
    }
    for ix in &t.indexes {
        lines.push(format!("index {}", index_line(ix)));
    }
    for u in &t.unique_constraints {
        lines.push(format!(
            "unique {}({}){}{}",
            u.name.clone().unwrap_or_default(),
            u.columns.join(", "),
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
    lines
}

/// `partition by RANGE (paid)`, then one line per partition with its bound, and under it the
/// constraints and indexes the partition declares itself (PostgreSQL) .
fn partition_lines(p: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    let key = match (text_of(&p["key"]), text_of(&p["method"])) {
        (Some(k), _) => Some(k.to_owned()),
        (None, Some(m)) => Some(format!(
            "{m} ({})",
            p["expression"].as_str().unwrap_or_default()
        )),
        (None, None) => None,
    };
    if let Some(k) = key {
        lines.push(format!("partition by {k}"));
    }
    for part in p["partitions"].as_array().into_iter().flatten() {
        let name = match text_of(&part["schema"]) {
            Some(s) => format!("{s}.{}", part["name"].as_str().unwrap_or_default()),
            None => part["name"].as_str().unwrap_or_default().to_owned(),
        };
        let bound = text_of(&part["bound"]).or_else(|| text_of(&part["description"]));
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
    match c.extra.get("identity").and_then(Value::as_str) {
        Some("always") => Some("GENERATED ALWAYS AS IDENTITY".to_owned()),
        Some("by_default") => Some("GENERATED BY DEFAULT AS IDENTITY".to_owned()),
        _ => c.default.clone(),
    }
}

/// Schema-level types: PostgreSQL domains and enums, one line each.
fn type_lines(schema: &Schema) -> Vec<String> {
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

fn render_table(schema: &Schema) -> String {
    let mut out = String::new();
    for t in &schema.tables {
        out.push_str(&format!("{} ({})", qualified(t), t.kind));
        if let Some(c) = &t.comment {
            out.push_str(&format!(" — {c}"));
        }
        out.push('\n');
        let mut table = comfy_table::Table::new();
        table.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
        table.set_header(["column", "type", "null", "default", "key", "comment"]);
        for c in &t.columns {
            table.add_row([
                c.name.clone(),
                type_cell(c),
                if c.nullable { "yes" } else { "no" }.to_owned(),
                default_cell(c).unwrap_or_default(),
                key_marks(t, &c.name),
                c.comment.clone().unwrap_or_default(),
            ]);
        }
        out.push_str(&table.to_string());
        out.push('\n');
        for line in summary_lines(t) {
            out.push_str(&format!("  {line}\n"));
        }
        if let Some(d) = &t.definition {
            out.push_str("  definition:\n");
            for l in d.lines() {
                out.push_str(&format!("    {l}\n"));
            }
        }
        out.push('\n');
    }
    let types = type_lines(schema);
    if !types.is_empty() {
        out.push_str("types\n");
        for l in types {
            out.push_str(&format!("  {l}\n"));
        }
    }
    out
}

/// Markdown table cells: pipes and newlines would break the row.
fn md(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn render_markdown(schema: &Schema) -> String {
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
        if let Some(c) = &t.comment {
            out.push_str(&format!("{}\n\n", md(c)));
        }
        out.push_str(
            "| column | type | null | default | key | comment |\n|---|---|---|---|---|---|\n",
        );
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
        ];
        film.indexes = vec![Index {
            name: "film_pattern".into(),
            columns: vec![
                IndexColumn {
                    column: Some("title".into()),
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
        "index unique film_pattern (title text_pattern_ops NULLS FIRST, code DESC) include (release) nulls not distinct using btree",
        "unique title_code(title) nulls not distinct deferrable",
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
            ("table", render_table(&schema)),
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
}
