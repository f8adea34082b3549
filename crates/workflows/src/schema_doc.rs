//! `schema doc`: a folder of Markdown documenting a schema, in the manner of tbls.
//!
//! ```text
//! DIR/README.md                 the tables (linked), the diagrams, the types
//! DIR/<schema>.<table>.md       one page per table: columns, keys, indexes, constraints,
//!                               comments, the tables it references and that reference it
//!                               (its partitions' own keys included), and its neighbourhood
//!                               diagram
//! DIR/diagrams/*.svg            the same diagrams drawn by Graphviz, when `dot` is installed
//! DIR/.xldb-codex-doc           marks the folder as ours
//! ```
//!
//! Diagrams are embedded twice: as Mermaid (GitHub and GitLab draw it inline, no tool needed)
//! and, when Graphviz is installed, as an SVG image beside it. The README's diagrams follow
//! [`plan_diagrams`] (split per schema and component on big schemas); a table page draws the
//! table and its direct foreign-key neighbours.
//!
//! The folder is written only when it is new, empty, or was written by us before (the marker
//! file): documentation is regenerated in place, and nobody's files are overwritten.

use crate::diagram::dot::to_dot;
use crate::diagram::graphviz::{graphviz_available, render_dot, ImageFormat};
use crate::diagram::mermaid::to_mermaid;
use crate::diagram::{plan_diagrams, slug, Diagram, DiagramOptions};
use crate::error::WorkflowError;
use crate::fk_graph::TableLookup;
use crate::foreign_keys::foreign_keys;
use crate::schema_text::{md, qualified, table_markdown, type_lines};
use db_schema::Schema;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The file that marks a folder as written by `schema doc`.
const MARKER: &str = ".xldb-codex-doc";

/// What [`write_schema_doc`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocReport {
    /// Table pages written.
    pub pages: usize,
    /// Diagrams drawn (README and table pages).
    pub diagrams: usize,
    /// Whether SVG images were drawn (Graphviz installed).
    pub svg: bool,
    /// What the README's diagrams split (see [`crate::DiagramPlan::notes`]).
    pub notes: Vec<String>,
}

/// Write the documentation of `schema` into `dir` (see the module docs).
pub fn write_schema_doc(schema: &Schema, dir: &Path) -> Result<DocReport, WorkflowError> {
    prepare(dir)?;
    let svg = graphviz_available();
    let pages = page_names(schema);
    let mut diagrams = 0;
    let mut readme = format!(
        "# Schema ({}{})\n\n",
        schema.engine,
        schema
            .server_version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default()
    );
    let plan = plan_diagrams(schema, &DiagramOptions::default());
    readme.push_str("## Diagrams\n\n");
    for note in &plan.notes {
        let _ = writeln!(readme, "- {}", md(note));
    }
    if !plan.notes.is_empty() {
        readme.push('\n');
    }
    for d in &plan.diagrams {
        let _ = writeln!(readme, "### {}\n", md(&d.title));
        readme.push_str(&embed(
            schema,
            d,
            dir,
            &format!("overview-{}", d.slug),
            svg,
        )?);
        diagrams += 1;
    }
    readme.push_str("## Tables\n\n| table | kind | columns | comment |\n|---|---|---|---|\n");
    for (t, page) in schema.tables.iter().zip(&pages) {
        let _ = writeln!(
            readme,
            "| [`{}`]({page}) | {} | {} | {} |",
            md(&qualified(t)),
            t.kind,
            t.columns.len(),
            md(t.comment.as_deref().unwrap_or(""))
        );
    }
    let types = type_lines(schema);
    if !types.is_empty() {
        readme.push_str("\n## Types\n\n");
        for l in types {
            let _ = writeln!(readme, "- {}", md(&l));
        }
    }
    write(&dir.join("README.md"), readme.as_bytes())?;

    let lookup = TableLookup::new(schema);
    let referencing = referencing(schema, &lookup);
    for (i, t) in schema.tables.iter().enumerate() {
        let mut page = format!(
            "# `{}` ({})\n\n[all tables](README.md)\n\n",
            md(&qualified(t)),
            t.kind
        );
        page.push_str(&table_markdown(t));
        page.push_str("\n## Referenced tables\n\n");
        let mut any = false;
        for key in foreign_keys(t) {
            any = true;
            let fk = &key.fk;
            let target = lookup.target(t, fk);
            let name = match (&fk.referenced_schema, target) {
                (_, Some(j)) => format!("[`{}`]({})", md(&qualified(&schema.tables[j])), pages[j]),
                (Some(s), None) => format!("`{}.{}`", md(s), md(&fk.referenced_table)),
                (None, None) => format!("`{}`", md(&fk.referenced_table)),
            };
            let _ = writeln!(
                page,
                "- {name} by `{}`{}{}",
                md(&fk.columns.join(", ")),
                fk.name
                    .as_deref()
                    .map(|n| format!(" (`{}`)", md(n)))
                    .unwrap_or_default(),
                key.scope()
                    .map(|scope| format!(" in {}", md(&scope)))
                    .unwrap_or_default()
            );
        }
        if !any {
            page.push_str("none\n");
        }
        page.push_str("\n## Referencing tables\n\n");
        let from = referencing.get(&i).cloned().unwrap_or_default();
        if from.is_empty() {
            page.push_str("none\n");
        }
        for j in from {
            let _ = writeln!(
                page,
                "- [`{}`]({})",
                md(&qualified(&schema.tables[j])),
                pages[j]
            );
        }
        page.push_str("\n## Diagram\n\n");
        let d = Diagram {
            title: format!("{} and its foreign-key neighbours", qualified(t)),
            slug: pages[i].trim_end_matches(".md").to_owned(),
            tables: neighbours_of(schema, &lookup, &referencing, i),
        };
        page.push_str(&embed(schema, &d, dir, &d.slug, svg)?);
        diagrams += 1;
        write(&dir.join(&pages[i]), page.as_bytes())?;
    }
    Ok(DocReport {
        pages: schema.tables.len(),
        diagrams,
        svg,
        notes: plan.notes,
    })
}

/// The Mermaid block of `d`, and its SVG (written to `diagrams/<stem>.svg`) when `svg`.
fn embed(
    schema: &Schema,
    d: &Diagram,
    dir: &Path,
    stem: &str,
    svg: bool,
) -> Result<String, WorkflowError> {
    let mut out = String::new();
    if svg {
        let image = render_dot(&to_dot(schema, d), ImageFormat::Svg)?;
        let folder = dir.join("diagrams");
        std::fs::create_dir_all(&folder).map_err(|source| WorkflowError::Write {
            path: folder.clone(),
            source,
        })?;
        write(&folder.join(format!("{stem}.svg")), &image)?;
        let _ = writeln!(out, "![{}](diagrams/{stem}.svg)\n", md(&d.title));
    }
    let _ = writeln!(out, "```mermaid\n{}```\n", to_mermaid(schema, d));
    Ok(out)
}

/// Table `i` and the tables its foreign keys reach or that reach it.
fn neighbours_of(
    schema: &Schema,
    lookup: &TableLookup<'_>,
    referencing: &HashMap<usize, Vec<usize>>,
    i: usize,
) -> Vec<usize> {
    let t = &schema.tables[i];
    let mut set: BTreeSet<usize> = BTreeSet::from([i]);
    set.extend(
        foreign_keys(t)
            .iter()
            .filter_map(|key| lookup.target(t, &key.fk)),
    );
    set.extend(referencing.get(&i).into_iter().flatten().copied());
    set.into_iter().collect()
}

/// For each table, the tables whose foreign keys reference it.
fn referencing(schema: &Schema, lookup: &TableLookup<'_>) -> HashMap<usize, Vec<usize>> {
    let mut map: HashMap<usize, Vec<usize>> = HashMap::new();
    for (j, t) in schema.tables.iter().enumerate() {
        let mut seen = BTreeSet::new();
        for key in foreign_keys(t) {
            if let Some(i) = lookup.target(t, &key.fk) {
                if seen.insert(i) {
                    map.entry(i).or_default().push(j);
                }
            }
        }
    }
    map
}

/// One page name per table (`public.orders.md`), unique even when names differ only in
/// characters a file name cannot hold.
fn page_names(schema: &Schema) -> Vec<String> {
    let mut used = BTreeSet::new();
    schema
        .tables
        .iter()
        .map(|t| {
            let base = slug(&qualified(t));
            let mut name = format!("{base}.md");
            let mut n = 2;
            while !used.insert(name.to_ascii_lowercase()) || name.eq_ignore_ascii_case("README.md")
            {
                name = format!("{base}-{n}.md");
                n += 1;
            }
            name
        })
        .collect()
}

/// Create `dir`, or accept it when it is empty or ours.
fn prepare(dir: &Path) -> Result<(), WorkflowError> {
    let io = |source| WorkflowError::Write {
        path: dir.to_path_buf(),
        source,
    };
    if dir.exists() {
        let ours = dir.join(MARKER).exists();
        let empty = std::fs::read_dir(dir).map_err(io)?.next().is_none();
        if !ours && !empty {
            return Err(WorkflowError::WouldOverwrite {
                path: dir.to_path_buf(),
            });
        }
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    write(
        &dir.join(MARKER),
        b"written by xldb-codex schema doc; regenerated in place\n",
    )
}

fn write(path: &PathBuf, bytes: &[u8]) -> Result<(), WorkflowError> {
    std::fs::write(path, bytes).map_err(|source| WorkflowError::Write {
        path: path.clone(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::tests::shop;

    /// Keys only partitions declare are relationships of their table on both pages.
    #[test]
    fn partition_keys_link_their_table_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("doc");
        write_schema_doc(&crate::diagram::tests::shop_with_payments(), &out).unwrap();
        let payments = std::fs::read_to_string(out.join("public.payments.md")).unwrap();
        for want in [
            "- [`public.users`](public.users.md) by `user_id` in every partition\n",
            "- [`public.orders`](public.orders.md) by `order_id` (`payments_2026_order`) in partition payments_2026\n",
            "| `order_id` | `integer` | no |  | FK → orders(id) in partition payments_2026 |",
        ] {
            assert!(payments.contains(want), "lacks {want:?}:\n{payments}");
        }
        let users = std::fs::read_to_string(out.join("public.users.md")).unwrap();
        assert!(
            users.contains("- [`public.payments`](public.payments.md)\n"),
            "{users}"
        );
        assert!(
            users.contains("t0 |o..o{ t5"),
            "the page's diagram draws it:\n{users}"
        );
    }

    #[test]
    fn pages_link_both_directions_and_embed_diagrams() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("doc");
        let report = write_schema_doc(&shop(), &out).unwrap();
        assert_eq!(report.pages, 5);
        let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
        assert!(
            readme.contains("| [`public.users`](public.users.md) | table | 3 |"),
            "{readme}"
        );
        assert!(
            readme.contains("```mermaid\n%% all 5 tables\nerDiagram"),
            "{readme}"
        );
        let users = std::fs::read_to_string(out.join("public.users.md")).unwrap();
        assert!(users.contains("## Referencing tables\n\n- [`public.orders`](public.orders.md)\n- [`public.profiles`](public.profiles.md)\n"), "{users}");
        let orders = std::fs::read_to_string(out.join("public.orders.md")).unwrap();
        assert!(
            orders.contains("- [`public.users`](public.users.md) by `user_id` (`user_id_fk`)"),
            "{orders}"
        );
        assert!(
            orders.contains("| `user_id` | `integer` | no |"),
            "{orders}"
        );
        let audit = std::fs::read_to_string(out.join("logs.audit__x_.md")).unwrap();
        assert!(audit.contains("- `public.gone` by `who`"), "{audit}");
        if report.svg {
            assert!(out.join("diagrams/public.orders.svg").exists());
        }
        // regenerated in place, but nobody else's folder is written into
        write_schema_doc(&shop(), &out).unwrap();
        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("notes.txt"), "mine").unwrap();
        assert!(matches!(
            write_schema_doc(&shop(), &other),
            Err(WorkflowError::WouldOverwrite { .. })
        ));
    }
}
