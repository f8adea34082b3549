//! The foreign-key graph of a schema: which tables matter most, which belong together.
//!
//! Tables are nodes, each foreign key an edge from the referencing table to the referenced
//! one (a key only some partitions declare is an edge of their table: see `foreign_keys`).
//! Two questions are asked of it:
//! - **centrality** ([`FkGraph::pagerank`]): a table many tables point at (`users`,
//!   `projects`) is where joins, cascades and hot indexes concentrate, so it ranks above a leaf
//!   log table. PageRank over the edges says that transitively, the way aider's repository map
//!   ranks code by references to it.
//! - **neighbourhood and parts** ([`FkGraph::neighbours`], [`FkGraph::components`]): a table
//!   is read together with the tables it joins; `--thorough` splits a schema along connected
//!   components so that no relationship is cut.
//!
//! Building the graph and ranking is linear in tables plus foreign keys per iteration (20
//! iterations), well under a millisecond per thousand tables.

use crate::foreign_keys::foreign_keys;
use crate::schema_lint::table_name;
use db_schema::{ForeignKey, Schema, Table};
use std::collections::HashMap;

/// The foreign-key graph of a [`Schema`]; nodes are indexes into `schema.tables`.
#[derive(Debug, Clone)]
pub(crate) struct FkGraph {
    /// `out[i]`: the tables table `i` references (deduplicated, no self loops).
    out: Vec<Vec<usize>>,
    /// `incoming[i]`: the tables that reference table `i`.
    incoming: Vec<Vec<usize>>,
}

const DAMPING: f64 = 0.85;
const ITERATIONS: usize = 20;

impl FkGraph {
    /// The graph of `schema`'s tables; a foreign key to a table not in the schema is ignored.
    pub(crate) fn new(schema: &Schema) -> FkGraph {
        let n = schema.tables.len();
        let lookup = TableLookup::new(schema);
        let mut out = vec![Vec::new(); n];
        let mut incoming = vec![Vec::new(); n];
        for (i, t) in schema.tables.iter().enumerate() {
            for key in foreign_keys(t) {
                if let Some(j) = lookup.target(t, &key.fk) {
                    if j != i && !out[i].contains(&j) {
                        out[i].push(j);
                        incoming[j].push(i);
                    }
                }
            }
        }
        FkGraph { out, incoming }
    }

    /// The number of tables.
    pub(crate) fn len(&self) -> usize {
        self.out.len()
    }

    /// PageRank of each table over the foreign-key edges (a referenced table gains rank from
    /// the tables that reference it); the values sum to 1.
    pub(crate) fn pagerank(&self) -> Vec<f64> {
        let n = self.len();
        if n == 0 {
            return Vec::new();
        }
        let base = (1.0 - DAMPING) / n as f64;
        let mut rank = vec![1.0 / n as f64; n];
        let mut next = vec![0.0; n];
        for _ in 0..ITERATIONS {
            // Tables referencing nothing spread their rank evenly (the usual dangling-node rule).
            let dangling: f64 = (0..n)
                .filter(|&i| self.out[i].is_empty())
                .map(|i| rank[i])
                .sum();
            let spread = DAMPING * dangling / n as f64;
            next.iter_mut().for_each(|x| *x = base + spread);
            for (i, targets) in self.out.iter().enumerate() {
                if targets.is_empty() {
                    continue;
                }
                let share = DAMPING * rank[i] / targets.len() as f64;
                for &j in targets {
                    next[j] += share;
                }
            }
            std::mem::swap(&mut rank, &mut next);
        }
        rank
    }

    /// The tables `i` references and the tables referencing `i`.
    pub(crate) fn neighbours(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.out[i].iter().chain(self.incoming[i].iter()).copied()
    }

    /// The connected components (ignoring edge direction), each a list of table indexes in
    /// ascending order; components in order of their smallest table index.
    pub(crate) fn components(&self) -> Vec<Vec<usize>> {
        let n = self.len();
        let mut seen = vec![false; n];
        let mut parts = Vec::new();
        for start in 0..n {
            if seen[start] {
                continue;
            }
            seen[start] = true;
            let mut stack = vec![start];
            let mut part = Vec::new();
            while let Some(i) = stack.pop() {
                part.push(i);
                for j in self.neighbours(i) {
                    if !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
            part.sort_unstable();
            parts.push(part);
        }
        parts
    }
}

/// Finds the table a foreign key references, by schema and name (an unqualified reference, in
/// the child's schema or else in any schema).
pub(crate) struct TableLookup<'a> {
    by_name: HashMap<(&'a str, &'a str), usize>,
    by_bare: HashMap<&'a str, usize>,
}

impl<'a> TableLookup<'a> {
    /// The tables of `schema`, by name.
    pub(crate) fn new(schema: &'a Schema) -> TableLookup<'a> {
        let n = schema.tables.len();
        let mut by_name = HashMap::with_capacity(n);
        let mut by_bare = HashMap::with_capacity(n);
        for (i, t) in schema.tables.iter().enumerate() {
            by_name.insert((t.schema.as_deref().unwrap_or(""), t.name.as_str()), i);
            by_bare.entry(t.name.as_str()).or_insert(i);
        }
        TableLookup { by_name, by_bare }
    }

    /// The index in `schema.tables` of the table `fk` (declared on `child`) references.
    pub(crate) fn target(&self, child: &Table, fk: &ForeignKey) -> Option<usize> {
        let schema = fk
            .referenced_schema
            .as_deref()
            .or(child.schema.as_deref())
            .unwrap_or("");
        let exact = self.by_name.get(&(schema, fk.referenced_table.as_str()));
        match (exact, &fk.referenced_schema) {
            (Some(&i), _) => Some(i),
            (None, None) => self.by_bare.get(fk.referenced_table.as_str()).copied(),
            (None, Some(_)) => None,
        }
    }
}

/// The name of each table as findings name it (qualified unless in the default schema).
pub(crate) fn table_names(schema: &Schema) -> Vec<String> {
    schema.tables.iter().map(table_name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use db_schema::{ForeignKey, Table, TableKind};

    fn schema(edges: &[(&str, &str)], names: &[&str]) -> Schema {
        let tables = names
            .iter()
            .map(|n| {
                let mut t = Table::new(Some("main".into()), *n, TableKind::Table);
                for (_, to) in edges.iter().filter(|(from, _)| from == n) {
                    let column = format!("{to}_id");
                    t.foreign_keys
                        .push(ForeignKey::new(&[column.as_str()], *to, &["id"]));
                }
                t
            })
            .collect();
        Schema::new("sqlite", tables)
    }

    #[test]
    fn the_most_referenced_table_ranks_first_and_ranks_sum_to_one() {
        let s = schema(
            &[
                ("orders", "users"),
                ("comments", "users"),
                ("items", "orders"),
                ("x", "nowhere"),
            ],
            &["comments", "items", "orders", "users", "x", "lonely"],
        );
        let g = FkGraph::new(&s);
        let pr = g.pagerank();
        let sum: f64 = pr.iter().sum();
        assert!((sum - 1.0).abs() < 1e-9, "{sum}");
        let users = 3;
        assert!(
            pr.iter()
                .enumerate()
                .all(|(i, r)| i == users || *r < pr[users]),
            "{pr:?}"
        );
        // orders is referenced once and references users: above the leaves
        assert!(pr[2] > pr[0] && pr[2] > pr[5], "{pr:?}");
    }

    #[test]
    fn components_follow_foreign_keys_in_both_directions() {
        let s = schema(
            &[("orders", "users"), ("items", "orders"), ("b", "a")],
            &["a", "b", "items", "lonely", "orders", "users"],
        );
        let g = FkGraph::new(&s);
        assert_eq!(g.components(), vec![vec![0, 1], vec![2, 4, 5], vec![3]]);
        let mut n: Vec<usize> = g.neighbours(4).collect();
        n.sort_unstable();
        assert_eq!(n, vec![2, 5]);
    }
}
