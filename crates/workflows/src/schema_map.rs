//! The schema as the model reads it: a compact rendering, and a ranked map that fills a token
//! budget with what matters most and says what it left out.
//!
//! # The compact rendering
//! [`compact_table`] writes a table in a DDL-like shorthand a person reads as easily as the
//! model: one line of columns (`name type [not null] [= default]`), then one line of keys and
//! indexes, then the comment.
//!
//! ```text
//! orders(id integer not null, customer_id integer not null, status text = 'new')
//!   PK(id); FK(customer_id) -> customers(id) ON DELETE CASCADE; INDEX orders_status_idx (status)
//! ```
//!
//! It is about 7x smaller than the pretty-printed JSON model in tokens (every JSON field is
//! always present, `"extra": {}` and `"comment": null` included); `docs/benchmarks.md` has the
//! measurement.
//!
//! # The ranked map
//! A production schema (GitLab's: 969 tables, 9,807 columns) does not fit a prompt even in
//! shorthand, and the model does not need all of it up front: it needs the problems, the
//! tables around them, the backbone of the schema, and a way to look closer (the MCP tools
//! `list_tables` / `describe_table`). [`schema_map`] orders the tables:
//! 1. tables with a local finding (most severe first), the focus tables (`--tables`), then
//!    their foreign-key neighbours;
//! 2. the rest by foreign-key centrality (PageRank, see `fk_graph`) weighted by size, where the
//!    engine's extraction gives a row estimate (`extra.row_estimate` or `extra.rows`);
//!
//! and renders them in that order: in full while three quarters of the budget allow (a name
//! costs ~3 tokens and a table in full ~90, so the last quarter names a thousand more tables),
//! then by name only, then as a count ("and 412 more tables in schemas a, b"). Every table with a finding is named whatever
//! the budget: those names are reserved before anything optional is added.

use crate::finding::{Finding, Location, Severity};
use crate::fk_graph::{table_names, FkGraph};
use crate::foreign_keys::foreign_keys;
use crate::schema_text::{index_definition, partition_key};
use crate::tokens::count_tokens;
use db_schema::{Schema, Table, TableKind};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

/// Longest default expression or comment rendered before it is cut (`…`).
const MAX_TEXT: usize = 60;

/// Tokens kept back for the map's closing lines (the count of what was left out, the hint).
const TAIL_RESERVE: usize = 120;

/// Tables that did not fit tried in a row before the detailed part stops looking for smaller
/// ones (bounds the time on huge schemas).
const MISSES_BEFORE_STOP: usize = 16;

fn cut(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX_TEXT) {
        Some((at, _)) => format!("{}…", &one_line[..at]),
        None => one_line,
    }
}

/// `t` in the compact shorthand: a line of columns, a line of keys and indexes when there are
/// any, a comment line when there is a comment. `name` is how to call the table (qualified
/// when not in the default schema). Ends with a newline.
pub fn compact_table(name: &str, t: &Table) -> String {
    let mut out = String::new();
    match &t.kind {
        TableKind::Table => {}
        other => {
            let _ = write!(out, "{} ", other.as_str().replace('_', " ").to_uppercase());
        }
    }
    out.push_str(name);
    out.push('(');
    for (i, c) in t.columns.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{} {}", c.name, c.data_type);
        if !c.nullable {
            out.push_str(" not null");
        }
        if let Some(d) = &c.default {
            let _ = write!(out, " = {}", cut(d));
        }
    }
    out.push_str(")\n");
    let mut keys: Vec<String> = Vec::new();
    if let Some(pk) = &t.primary_key {
        keys.push(format!("PK({})", pk.columns.join(", ")));
    }
    for key in foreign_keys(t) {
        let fk = &key.fk;
        let target = match &fk.referenced_schema {
            Some(s) if t.schema.as_deref() != Some(s.as_str()) => {
                format!("{s}.{}", fk.referenced_table)
            }
            _ => fk.referenced_table.clone(),
        };
        let mut k = format!(
            "FK({}) -> {target}({})",
            fk.columns.join(", "),
            fk.referenced_columns.join(", ")
        );
        for (what, action) in [("DELETE", &fk.on_delete), ("UPDATE", &fk.on_update)] {
            if let Some(a) = action.as_deref().filter(|a| *a != "NO ACTION") {
                let _ = write!(k, " ON {what} {a}");
            }
        }
        if let Some(scope) = key.scope() {
            let _ = write!(k, " IN {scope}");
        }
        keys.push(k);
    }
    for u in &t.unique_constraints {
        keys.push(format!("UNIQUE({})", u.columns.join(", ")));
    }
    for i in &t.indexes {
        keys.push(format!("INDEX {}", index_definition(i, &|e| cut(e))));
    }
    for c in &t.checks {
        keys.push(format!("CHECK({})", cut(&c.expression)));
    }
    if let Some(p) = t.extra.get("partitioning") {
        let n = p["partitions"].as_array().map_or(0, Vec::len);
        let key = partition_key(p)
            .map(|k| format!(" {k}"))
            .unwrap_or_default();
        keys.push(format!("PARTITION BY{key} ({n} partitions)"));
    }
    if !keys.is_empty() {
        let _ = writeln!(out, "  {}", keys.join("; "));
    }
    if let Some(c) = t.comment.as_deref().filter(|c| !c.trim().is_empty()) {
        let _ = writeln!(out, "  -- {}", cut(c));
    }
    out
}

/// What a [`schema_map`] holds, and what it left out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SchemaMap {
    /// The rendered map (Markdown: the tables in shorthand, then names, then counts).
    pub text: String,
    /// Its size in tokens ([`count_tokens`]).
    pub tokens: usize,
    /// Tables rendered in full.
    pub detailed: usize,
    /// Tables given by name only.
    pub named: usize,
    /// Tables only counted.
    pub counted: usize,
    /// Tables with a local finding (all of them are named, in full or by name).
    pub with_findings: usize,
}

/// What to build a [`schema_map`] from.
#[derive(Debug, Clone, Copy)]
pub struct MapRequest<'a> {
    /// The schema.
    pub schema: &'a Schema,
    /// The local findings (their tables come first and are always named).
    pub findings: &'a [Finding],
    /// Focus tables (`--tables`), by name, qualified or not, any case.
    pub focus: &'a [String],
    /// The most tokens the map may take (the names of tables with findings excepted).
    pub budget: usize,
    /// Only these tables (indexes into `schema.tables`), for one part of a `--thorough`
    /// analysis; `None`: all.
    pub only: Option<&'a [usize]>,
}

/// The table a finding is about, if it is about one.
pub(crate) fn finding_table(f: &Finding) -> Option<&str> {
    match &f.location {
        Location::Table { table, .. } | Location::Index { table, .. } => Some(table),
        _ => None,
    }
}

/// Tables in the order the map shows them, with what the map needs to know of each.
struct Ranked {
    names: Vec<String>,
    order: Vec<usize>,
    /// Worst finding severity per table.
    severity: Vec<Option<Severity>>,
}

fn rank(req: &MapRequest<'_>) -> Ranked {
    let schema = req.schema;
    let names = table_names(schema);
    let n = names.len();
    let mut index: HashMap<String, usize> = HashMap::with_capacity(n * 2);
    for (i, name) in names.iter().enumerate() {
        index.insert(name.to_lowercase(), i);
        index
            .entry(schema.tables[i].name.to_lowercase())
            .or_insert(i);
    }
    let mut member = vec![req.only.is_none(); n];
    if let Some(only) = req.only {
        for &i in only {
            if i < n {
                member[i] = true;
            }
        }
    }
    let mut severity: Vec<Option<Severity>> = vec![None; n];
    for f in req.findings {
        if let Some(&i) = finding_table(f).and_then(|t| index.get(&t.to_lowercase())) {
            severity[i] = severity[i].max(Some(f.severity));
        }
    }
    let graph = FkGraph::new(schema);
    let pagerank = graph.pagerank();
    let score: Vec<f64> = (0..n)
        .map(|i| {
            let rows = row_estimate(&schema.tables[i]);
            pagerank[i] * (1.0 + (rows as f64).ln_1p() / 10.0)
        })
        .collect();
    let by_score = |a: &usize, b: &usize| {
        score[*b]
            .total_cmp(&score[*a])
            .then_with(|| names[*a].cmp(&names[*b]))
    };
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let take = |list: Vec<usize>, placed: &mut Vec<bool>, order: &mut Vec<usize>| {
        for i in list {
            if member[i] && !placed[i] {
                placed[i] = true;
                order.push(i);
            }
        }
    };
    let mut with_findings: Vec<usize> = (0..n).filter(|&i| severity[i].is_some()).collect();
    with_findings.sort_by(|a, b| severity[*b].cmp(&severity[*a]).then_with(|| by_score(a, b)));
    let focus: Vec<usize> = req
        .focus
        .iter()
        .filter_map(|f| index.get(&f.to_lowercase()).copied())
        .collect();
    let mut near: Vec<usize> = with_findings
        .iter()
        .chain(focus.iter())
        .flat_map(|&i| graph.neighbours(i))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    near.sort_by(by_score);
    let mut rest: Vec<usize> = (0..n).collect();
    rest.sort_by(by_score);
    take(with_findings, &mut placed, &mut order);
    take(focus, &mut placed, &mut order);
    take(near, &mut placed, &mut order);
    take(rest, &mut placed, &mut order);
    Ranked {
        names,
        order,
        severity,
    }
}

/// The engine's row estimate of `t`, when its extraction recorded one.
fn row_estimate(t: &Table) -> u64 {
    ["row_estimate", "rows"]
        .iter()
        .find_map(|k| t.extra.get(*k).and_then(|v| v.as_u64()))
        .unwrap_or(0)
}

/// Build the ranked map of `req.schema` within `req.budget` tokens.
pub fn schema_map(req: &MapRequest<'_>) -> SchemaMap {
    let ranked = rank(req);
    let Ranked {
        names,
        order,
        severity,
    } = ranked;
    let must_name = |i: usize| severity[i].is_some();
    let name_cost = |i: usize| count_tokens(&format!(", {}", names[i]));
    let mut pending: usize = order
        .iter()
        .filter(|&&i| must_name(i))
        .map(|&i| name_cost(i))
        .sum();
    let with_findings = order.iter().filter(|&&i| must_name(i)).count();
    let budget = req.budget;
    let detail_budget = budget / 4 * 3;
    let mut used = 0usize;
    let mut detailed_text = String::new();
    let mut is_detailed = vec![false; names.len()];
    let mut detailed = 0usize;
    let mut misses = 0usize;
    for &i in &order {
        let mandatory = must_name(i);
        if !mandatory && misses >= MISSES_BEFORE_STOP {
            break;
        }
        let text = compact_table(&names[i], &req.schema.tables[i]);
        let cost = count_tokens(&text);
        let pending_after = if mandatory {
            pending.saturating_sub(name_cost(i))
        } else {
            pending
        };
        // Tables with findings may take the whole budget; others leave a quarter for names.
        let limit = if mandatory { budget } else { detail_budget };
        if used + cost + pending_after + TAIL_RESERVE <= limit {
            detailed_text.push_str(&text);
            used += cost;
            pending = pending_after;
            is_detailed[i] = true;
            detailed += 1;
            misses = 0;
        } else {
            misses += 1;
        }
    }
    let mut named_list: Vec<&str> = Vec::new();
    let mut mandatory_named = 0usize;
    for &i in order.iter().filter(|&&i| !is_detailed[i]) {
        let cost = name_cost(i);
        if must_name(i) {
            mandatory_named += 1;
            named_list.push(&names[i]);
            used += cost;
            pending = pending.saturating_sub(cost);
        } else if used + cost + pending + TAIL_RESERVE <= budget {
            named_list.push(&names[i]);
            used += cost;
        } else {
            break;
        }
    }
    // The pieces were counted one by one; the whole may differ by a few tokens at the seams.
    // Drop optional names (never a table with a finding) until the whole fits.
    // (Tables with findings come first in `order`, so their names lead `named_list`.)
    let optional_from = mandatory_named;
    loop {
        let (text, tokens) = render_map(
            req,
            &names,
            &order,
            &is_detailed,
            &named_list,
            &detailed_text,
            with_findings,
        );
        if tokens <= budget || named_list.len() <= optional_from {
            return SchemaMap {
                text,
                tokens,
                detailed,
                named: named_list.len(),
                counted: order.len() - detailed - named_list.len(),
                with_findings,
            };
        }
        let excess = (tokens - budget).div_ceil(2).max(1);
        let keep = named_list.len().saturating_sub(excess).max(optional_from);
        named_list.truncate(keep);
    }
}

/// The map's text from its parts, and its size in tokens.
fn render_map(
    req: &MapRequest<'_>,
    names: &[String],
    order: &[usize],
    is_detailed: &[bool],
    named_list: &[&str],
    detailed_text: &str,
    with_findings: usize,
) -> (String, usize) {
    let named = named_list.len();
    let detailed = is_detailed.iter().filter(|d| **d).count();
    let shown: BTreeSet<&str> = named_list.iter().copied().collect();
    let counted_tables: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| !is_detailed[i] && !shown.contains(names[i].as_str()))
        .collect();
    let counted = counted_tables.len();

    let mut text = String::new();
    let _ = writeln!(
        text,
        "## Schema map ({} tables: {detailed} in full, {named} by name, {counted} counted)",
        order.len()
    );
    if with_findings > 0 {
        let _ = writeln!(
            text,
            "Tables with local findings come first, then their neighbours by foreign key, then the most referenced tables."
        );
    }
    let _ = writeln!(text, "```text\n{detailed_text}```");
    if named > 0 {
        let _ = writeln!(
            text,
            "\nMore tables, by name only (most important first): {}",
            named_list.join(", ")
        );
    }
    if counted > 0 {
        let schemas: BTreeSet<&str> = counted_tables
            .iter()
            .filter_map(|&i| req.schema.tables[i].schema.as_deref())
            .collect();
        let within = if schemas.is_empty() {
            String::new()
        } else {
            format!(
                " in schema{} {}",
                if schemas.len() == 1 { "" } else { "s" },
                schemas.into_iter().collect::<Vec<_>>().join(", ")
            )
        };
        let _ = writeln!(
            text,
            "\n… and {counted} more tables{within}; use `list_tables` / `describe_table` to see them."
        );
    }
    let tokens = count_tokens(&text);
    (text, tokens)
}

#[cfg(test)]
mod tests {
    use super::*;
    use db_schema::{Column, ForeignKey, Index, PrimaryKey};

    fn col(name: &str, ty: &str, nullable: bool, default: Option<&str>) -> Column {
        Column {
            name: name.into(),
            position: 0,
            data_type: ty.into(),
            nullable,
            default: default.map(Into::into),
            comment: None,
            extra: Default::default(),
        }
    }

    /// `n` tables `t0000…`: ten columns, a primary key, a foreign key to `t0000` (the hub) and
    /// an index on it.
    fn generated(n: usize) -> Schema {
        let tables = (0..n)
            .map(|i| {
                let mut t = Table::new(Some("main".into()), format!("t{i:04}"), TableKind::Table);
                t.columns.push(col("id", "integer", false, None));
                t.columns.push(col("parent_id", "integer", false, None));
                for c in 0..8 {
                    t.columns
                        .push(col(&format!("field_{c}"), "text", true, Some("''")));
                }
                t.primary_key = Some(PrimaryKey {
                    name: None,
                    columns: vec!["id".into()],
                    ..Default::default()
                });
                if i > 0 {
                    t.foreign_keys.push(ForeignKey {
                        on_delete: Some("CASCADE".into()),
                        ..ForeignKey::new(&["parent_id"], "t0000", &["id"])
                    });
                    t.indexes.push(Index::new(
                        format!("t{i:04}_parent_idx"),
                        &["parent_id"],
                        false,
                    ));
                }
                t
            })
            .collect();
        Schema::new("sqlite", tables)
    }

    fn finding(table: &str, severity: Severity) -> Finding {
        Finding {
            rule: "missing-primary-key",
            severity,
            location: Location::Table {
                table: table.into(),
                column: None,
            },
            message: "m".into(),
            suggestion: "s".into(),
        }
    }

    #[test]
    fn the_compact_rendering_is_ddl_like_and_several_times_smaller_than_json() {
        let s = generated(3);
        let t = &s.tables[1];
        let text = compact_table("t0001", t);
        assert!(
            text.starts_with(
                "t0001(id integer not null, parent_id integer not null, field_0 text = '', "
            ),
            "{text}"
        );
        assert!(
            text.contains("  PK(id); FK(parent_id) -> t0000(id) ON DELETE CASCADE; INDEX t0001_parent_idx (parent_id)\n"),
            "{text}"
        );
        let json = serde_json::to_string_pretty(t).unwrap();
        let ratio = count_tokens(&json) as f64 / count_tokens(&text) as f64;
        assert!(ratio > 4.0, "only {ratio:.1}x smaller");
    }

    /// The model sees the keys only partitions declare, where they hold, and the partitioning.
    #[test]
    fn the_compact_rendering_shows_partition_keys() {
        let s = crate::diagram::tests::shop_with_payments();
        let text = compact_table("payments", &s.tables[5]);
        assert!(
            text.contains("FK(user_id) -> users(id) IN every partition; FK(order_id) -> orders(id) IN partition payments_2026; PARTITION BY RANGE (id) (2 partitions)"),
            "{text}"
        );
    }

    #[test]
    fn the_map_stays_within_budget_and_names_every_table_with_a_finding() {
        let s = generated(1000);
        let findings: Vec<Finding> = [17, 404, 999]
            .iter()
            .map(|i| finding(&format!("t{i:04}"), Severity::Warning))
            .collect();
        let map = schema_map(&MapRequest {
            schema: &s,
            findings: &findings,
            focus: &[],
            budget: 3000,
            only: None,
        });
        assert!(
            map.tokens <= 3000,
            "{} {:?}",
            map.tokens,
            (map.detailed, map.named, map.counted)
        );
        assert_eq!(map.detailed + map.named + map.counted, 1000);
        assert!(
            map.counted > 0 && map.named > 0 && map.detailed > 3,
            "{map:?}"
        );
        for f in &findings {
            let name = finding_table(f).unwrap();
            assert!(map.text.contains(&format!("{name}(")), "{name} not in full");
        }
        // the hub every table references is the most central: right after the findings
        let hub = map.text.find("t0000(").unwrap();
        let unrelated = map.text.find("t0500").unwrap_or(usize::MAX);
        assert!(hub < unrelated);
        assert!(map.text.contains("use `list_tables` / `describe_table`"));
    }

    #[test]
    fn findings_are_named_even_when_the_budget_cannot_hold_them_in_full() {
        let s = generated(200);
        let findings: Vec<Finding> = (0..200)
            .step_by(5)
            .map(|i| finding(&format!("t{i:04}"), Severity::Error))
            .collect();
        let map = schema_map(&MapRequest {
            schema: &s,
            findings: &findings,
            focus: &[],
            budget: 600,
            only: None,
        });
        for f in &findings {
            assert!(map.text.contains(finding_table(f).unwrap()));
        }
        assert_eq!(map.with_findings, 40);
    }

    #[test]
    fn focus_tables_and_their_neighbours_come_first() {
        let s = generated(300);
        let map = schema_map(&MapRequest {
            schema: &s,
            findings: &[],
            focus: &["T0250".to_string()],
            budget: 400,
            only: None,
        });
        let focus = map.text.find("t0250(").expect("the focus table in full");
        let hub = map.text.find("t0000(").expect("its neighbour in full");
        assert!(focus < hub);
    }

    #[test]
    fn a_map_of_ten_thousand_tables_is_built_in_well_under_a_second() {
        let s = generated(10_000);
        let _ = count_tokens("warm the tokenizer");
        let started = std::time::Instant::now();
        let map = schema_map(&MapRequest {
            schema: &s,
            findings: &[finding("t9999", Severity::Info)],
            focus: &[],
            budget: 24_000,
            only: None,
        });
        let took = started.elapsed();
        assert!(map.tokens <= 24_000);
        // Debug builds are ~10x slower than release; the release goal is 1 s.
        assert!(took < std::time::Duration::from_secs(5), "{took:?}");
    }
}
