//! The foreign keys of a table as a reader sees them: its own, and the ones only some of its
//! partitions declare.
//!
//! The model folds a PostgreSQL partition into its parent and carries the constraints the
//! partition declares itself under it (`extra.partitioning.partitions[].foreign_keys`; the
//! ones cloned from the parent are not repeated there). Such a key is still a relationship of
//! the table: Pagila's `payment` reaches `customer`, `rental` and `staff` only through keys on
//! its `payment_p2022_*` partitions. Diagrams, the foreign-key graph, `schema doc` and the text
//! formats all read keys through [`foreign_keys`], so none of them loses these.
//!
//! The same key declared on many partitions (one per partition, each with its own name) is one
//! relationship: keys are grouped by columns and target, and a group says which partitions
//! hold it ([`ForeignKeyHolder`]), or that every partition does. A partition covers the ones
//! below it (a key on a sub-partitioned partition is cloned to its own partitions, which then
//! do not list it).

use db_schema::{ForeignKey, Table};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeSet;

/// A foreign key of a table and who declares it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HeldForeignKey<'a> {
    /// The key. For a group of partitions' keys, the first one, unnamed when the group has
    /// more than one (each partition names its own).
    pub(crate) fk: Cow<'a, ForeignKey>,
    /// The table itself, or some of its partitions.
    pub(crate) holder: ForeignKeyHolder,
}

/// Who declares a [`HeldForeignKey`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ForeignKeyHolder {
    /// The table (a partitioned table's key applies to every partition).
    Table,
    /// Partitions of the table, by name, in the order the extraction lists them; `every`
    /// when they (and the partitions below them) are all the partitions there are.
    Partitions { names: Vec<String>, every: bool },
}

impl HeldForeignKey<'_> {
    /// Where the key holds, for a reader: `None` for the table's own key, else `partition p`,
    /// `partitions p, q`, `4 of 12 partitions` or `every partition`.
    pub(crate) fn scope(&self) -> Option<String> {
        match &self.holder {
            ForeignKeyHolder::Table => None,
            ForeignKeyHolder::Partitions { every: true, .. } => Some("every partition".into()),
            ForeignKeyHolder::Partitions { names, .. } if names.len() == 1 => {
                Some(format!("partition {}", names[0]))
            }
            ForeignKeyHolder::Partitions { names, .. } if names.len() <= 3 => {
                Some(format!("partitions {}", names.join(", ")))
            }
            ForeignKeyHolder::Partitions { names, .. } => {
                Some(format!("{} partitions ({}, …)", names.len(), names[0]))
            }
        }
    }
}

/// The foreign keys of `t`: its own first, then one per distinct key (columns and target) its
/// partitions declare that the table does not.
pub(crate) fn foreign_keys(t: &Table) -> Vec<HeldForeignKey<'_>> {
    let mut keys: Vec<HeldForeignKey<'_>> = t
        .foreign_keys
        .iter()
        .map(|fk| HeldForeignKey {
            fk: Cow::Borrowed(fk),
            holder: ForeignKeyHolder::Table,
        })
        .collect();
    let Some(parts) = t
        .extra
        .get("partitioning")
        .and_then(|p| p.get("partitions"))
        .and_then(Value::as_array)
    else {
        return keys;
    };
    let own = keys.len();
    // (key, the partitions declaring it)
    let mut groups: Vec<(ForeignKey, Vec<&str>)> = Vec::new();
    for part in parts {
        let Some(name) = part.get("name").and_then(Value::as_str) else {
            continue;
        };
        let declared = part.get("foreign_keys").and_then(Value::as_array);
        for fk in declared.into_iter().flatten() {
            let Ok(fk) = serde_json::from_value::<ForeignKey>(fk.clone()) else {
                continue;
            };
            if keys[..own].iter().any(|k| same_relationship(&k.fk, &fk)) {
                continue;
            }
            match groups.iter_mut().find(|(g, _)| same_relationship(g, &fk)) {
                Some((_, names)) => {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
                None => groups.push((fk, vec![name])),
            }
        }
    }
    for (mut fk, names) in groups {
        if names.len() > 1 {
            fk.name = None;
        }
        let every = covers_every_partition(parts, &names);
        keys.push(HeldForeignKey {
            fk: Cow::Owned(fk),
            holder: ForeignKeyHolder::Partitions {
                names: names.into_iter().map(str::to_owned).collect(),
                every,
            },
        });
    }
    keys
}

/// Same columns to the same columns of the same table (names and actions aside).
fn same_relationship(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.referenced_table == b.referenced_table
        && a.referenced_schema == b.referenced_schema
        && a.referenced_columns == b.referenced_columns
}

/// Whether every partition in `parts` is one of `names` or below one of them.
fn covers_every_partition(parts: &[Value], names: &[&str]) -> bool {
    let parent_of = |n: &str| {
        parts
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(n))
            .and_then(|p| p.get("parent"))
            .and_then(Value::as_str)
    };
    let declaring: BTreeSet<&str> = names.iter().copied().collect();
    parts.iter().all(|p| {
        let mut at = p.get("name").and_then(Value::as_str);
        // A chain longer than the list is a cycle in a malformed document.
        for _ in 0..=parts.len() {
            match at {
                Some(n) if declaring.contains(n) => return true,
                Some(n) => at = parent_of(n),
                None => return false,
            }
        }
        false
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use db_schema::TableKind;
    use serde_json::json;

    fn fk_json(name: &str, column: &str, table: &str) -> Value {
        serde_json::to_value(ForeignKey {
            name: Some(name.into()),
            ..ForeignKey::new(&[column], table, &["id"])
        })
        .unwrap()
    }

    /// `payment` partitioned by month: `p1` and `p2` reference `customer`, `p1` also `staff`;
    /// `p2` has sub-partitions `p2a` and `p2b`.
    fn payment(partitions_with_customer: &[&str]) -> Table {
        let mut t = Table::new(Some("public".into()), "payment", TableKind::Table);
        t.foreign_keys = vec![ForeignKey::new(&["rental_id"], "rental", &["id"])];
        let part = |name: &str, parent: Option<&str>| {
            let mut fks = Vec::new();
            if partitions_with_customer.contains(&name) {
                fks.push(fk_json(
                    &format!("{name}_customer"),
                    "customer_id",
                    "customer",
                ));
            }
            if name == "p1" {
                fks.push(fk_json("p1_staff", "staff_id", "staff"));
                // the parent's key, declared again: already drawn
                fks.push(fk_json("p1_rental", "rental_id", "rental"));
            }
            json!({ "schema": "public", "name": name, "parent": parent, "foreign_keys": fks })
        };
        t.extra.insert(
            "partitioning".into(),
            json!({ "key": "RANGE (paid)", "partitions": [
                part("p1", None), part("p2", None), part("p2a", Some("p2")), part("p2b", Some("p2")),
            ]}),
        );
        t
    }

    #[test]
    fn partition_keys_are_grouped_by_relationship_and_say_where_they_hold() {
        let t = payment(&["p1", "p2"]);
        let keys = foreign_keys(&t);
        let seen: Vec<(&str, Option<String>, Option<&str>)> = keys
            .iter()
            .map(|k| {
                (
                    k.fk.referenced_table.as_str(),
                    k.scope(),
                    k.fk.name.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                ("rental", None, None),
                // p2 covers its sub-partitions: every partition holds the key
                ("customer", Some("every partition".into()), None),
                ("staff", Some("partition p1".into()), Some("p1_staff")),
            ]
        );
    }

    #[test]
    fn a_key_on_some_partitions_names_them() {
        let t = payment(&["p1", "p2a"]);
        let keys = foreign_keys(&t);
        assert_eq!(keys[1].scope().as_deref(), Some("partitions p1, p2a"));
        let t = payment(&["p2a"]);
        let keys = foreign_keys(&t);
        let customer = keys.iter().find(|k| k.fk.referenced_table == "customer");
        assert_eq!(
            customer.unwrap().holder,
            ForeignKeyHolder::Partitions {
                names: vec!["p2a".into()],
                every: false
            }
        );
        let many = HeldForeignKey {
            fk: Cow::Owned(ForeignKey::default()),
            holder: ForeignKeyHolder::Partitions {
                names: vec!["a".into(), "b".into(), "c".into(), "d".into()],
                every: false,
            },
        };
        assert_eq!(many.scope().as_deref(), Some("4 partitions (a, …)"));
    }

    #[test]
    fn a_table_without_partitions_or_with_malformed_ones_has_its_own_keys() {
        let mut t = Table::new(None, "t", TableKind::Table);
        t.foreign_keys = vec![ForeignKey::new(&["a"], "b", &["id"])];
        assert_eq!(foreign_keys(&t).len(), 1);
        t.extra.insert(
            "partitioning".into(),
            json!({ "partitions": [{ "name": "x", "foreign_keys": [{ "bad": 1 }] }, 7] }),
        );
        assert_eq!(foreign_keys(&t).len(), 1);
    }
}
