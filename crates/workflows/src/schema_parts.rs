//! Splitting a schema into parts that each fit a prompt, for full coverage (`--thorough`).
//!
//! A ranked map names every table but shows only the most important in full. To have every
//! table reviewed, the schema is split into parts whose compact rendering fits the budget,
//! each analysed in its own turn, and the answers merged in one more turn
//! ([`merge_prompt`](crate::merge_prompt)).
//!
//! The cut follows foreign keys: tables in one connected component stay together (a
//! relationship is reviewed with both its ends), small components are packed together
//! (first fit, largest first), and a component too big for one part is cut into pieces in
//! breadth-first order from its most referenced table, so each piece is a connected
//! neighbourhood rather than an alphabetical slice.

use crate::fk_graph::{table_names, FkGraph};
use crate::schema_map::compact_table;
use crate::tokens::count_tokens;
use db_schema::Schema;
use std::collections::VecDeque;

/// The parts of `schema` for a `--thorough` analysis: lists of indexes into `schema.tables`,
/// each list's compact rendering within `capacity` tokens (a single table larger than that is
/// a part of its own). Every table is in exactly one part.
pub fn schema_parts(schema: &Schema, capacity: usize) -> Vec<Vec<usize>> {
    let names = table_names(schema);
    let cost: Vec<usize> = schema
        .tables
        .iter()
        .zip(&names)
        .map(|(t, n)| count_tokens(&compact_table(n, t)))
        .collect();
    let graph = FkGraph::new(schema);
    let rank = graph.pagerank();
    let capacity = capacity.max(1);
    // Pieces: whole components when they fit, else connected slices of them.
    let mut pieces: Vec<(usize, Vec<usize>)> = Vec::new();
    for component in graph.components() {
        let total: usize = component.iter().map(|&i| cost[i]).sum();
        if total <= capacity {
            pieces.push((total, component));
            continue;
        }
        let mut in_component = vec![false; names.len()];
        for &i in &component {
            in_component[i] = true;
        }
        let mut seen = vec![false; names.len()];
        let mut by_rank = component.clone();
        by_rank.sort_by(|a, b| rank[*b].total_cmp(&rank[*a]));
        let mut piece = Vec::new();
        let mut piece_cost = 0;
        for &start in &by_rank {
            if seen[start] {
                continue;
            }
            seen[start] = true;
            let mut queue = VecDeque::from([start]);
            while let Some(i) = queue.pop_front() {
                if piece_cost + cost[i] > capacity && !piece.is_empty() {
                    pieces.push((piece_cost, std::mem::take(&mut piece)));
                    piece_cost = 0;
                }
                piece.push(i);
                piece_cost += cost[i];
                for j in graph.neighbours(i) {
                    if in_component[j] && !seen[j] {
                        seen[j] = true;
                        queue.push_back(j);
                    }
                }
            }
        }
        if !piece.is_empty() {
            pieces.push((piece_cost, piece));
        }
    }
    // First fit, largest first.
    pieces.sort_by_key(|p| std::cmp::Reverse(p.0));
    let mut parts: Vec<(usize, Vec<usize>)> = Vec::new();
    for (c, piece) in pieces {
        match parts.iter_mut().find(|(used, _)| used + c <= capacity) {
            Some((used, part)) => {
                *used += c;
                part.extend(piece);
            }
            None => parts.push((c, piece)),
        }
    }
    let mut parts: Vec<Vec<usize>> = parts
        .into_iter()
        .map(|(_, mut p)| {
            p.sort_unstable();
            p
        })
        .collect();
    parts.sort();
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use db_schema::{Column, ForeignKey, Table, TableKind};

    /// `clusters` groups of `size` tables each, every table of a group referencing its first.
    fn clustered(clusters: usize, size: usize) -> Schema {
        let mut tables = Vec::new();
        for c in 0..clusters {
            for i in 0..size {
                let mut t = Table::new(None, format!("c{c}_t{i}"), TableKind::Table);
                for k in 0..6 {
                    let mut column = Column::new(format!("col_{k}"), "integer", false);
                    column.position = k;
                    t.columns.push(column);
                }
                if i > 0 {
                    t.foreign_keys.push(ForeignKey::new(
                        &["col_1"],
                        format!("c{c}_t0"),
                        &["col_0"],
                    ));
                }
                tables.push(t);
            }
        }
        Schema::new("sqlite", tables)
    }

    #[test]
    fn parts_cover_every_table_once_fit_and_keep_components_together() {
        let s = clustered(12, 10);
        let one = count_tokens(&compact_table("c0_t1", &s.tables[1]));
        let capacity = one * 25;
        let parts = schema_parts(&s, capacity);
        let mut all: Vec<usize> = parts.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..120).collect::<Vec<_>>());
        assert!(parts.len() >= 5 && parts.len() < 12, "{}", parts.len());
        for p in &parts {
            let cost: usize = p
                .iter()
                .map(|&i| count_tokens(&compact_table(&s.tables[i].name, &s.tables[i])))
                .sum();
            assert!(cost <= capacity, "{cost} > {capacity}");
            // whole clusters only: a cluster's tables are all in the part or none
            for c in 0..12 {
                let here = p.iter().filter(|&&i| i / 10 == c).count();
                assert!(here == 0 || here == 10, "cluster {c} split: {p:?}");
            }
        }
    }

    #[test]
    fn a_component_too_big_for_one_part_is_cut_into_connected_pieces() {
        let s = clustered(1, 60);
        let one = count_tokens(&compact_table("c0_t1", &s.tables[1]));
        let parts = schema_parts(&s, one * 20);
        assert!(parts.len() >= 3, "{parts:?}");
        assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), 60);
        // the hub (most referenced) leads the first piece
        assert!(parts.iter().any(|p| p.contains(&0)));
    }
}
