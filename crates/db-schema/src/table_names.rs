//! Turning the table names a person typed into the names the catalog holds.
//!
//! People type `orders, customers` (a space after the comma), `public.orders` (schema
//! qualified), `Orders` (SQLite, MySQL and unquoted PostgreSQL identifiers ignore case), or a
//! typo. A filter that silently matches nothing gives a silent "no findings", the worst answer a
//! review tool can give, so:
//! - [`normalize`] trims names and moves a schema qualifier into the schema filter;
//! - after extraction, a name that matched nothing is looked up among all the tables in scope:
//!   a single case-insensitive match is taken, anything else is [`Error::UnknownTables`] with
//!   the nearest names as suggestions ([`suggestions`]).

use crate::engine::Filter;
use crate::model::Schema;
use crate::Error;

/// Trim every name and move a `schema.` qualifier into the schema filter. All qualified names
/// must agree with each other and with an explicit schema filter.
pub(crate) fn normalize(filter: &Filter) -> Result<Filter, Error> {
    let mut schema = filter
        .schema
        .as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| filter.schema.clone());
    let Some(tables) = &filter.tables else {
        return Ok(Filter {
            schema,
            tables: None,
        });
    };
    let mut out = Vec::with_capacity(tables.len());
    for raw in tables {
        let name = raw.trim();
        if name.is_empty() && tables.len() > 1 {
            // `a,,b` or a trailing comma: nothing was meant by the empty piece.
            continue;
        }
        match name.split_once('.') {
            Some((q, t)) if !q.is_empty() && !t.is_empty() && !t.contains('.') => {
                let q = q.trim();
                match &schema {
                    Some(s) if s != q => {
                        return Err(Error::InvalidFilter(format!(
                            "table `{name}` is in schema `{q}`, but the schema filter is `{s}`: \
                             give tables of one schema at a time"
                        )))
                    }
                    _ => schema = Some(q.to_owned()),
                }
                out.push(t.trim().to_owned());
            }
            _ => out.push(name.to_owned()),
        }
    }
    Ok(Filter {
        schema,
        tables: Some(out),
    })
}

/// Resolve names a person typed (`--tables`) against an extracted schema, as extraction's own
/// filter does: trimmed, a `schema.` qualifier dropped, a single case-insensitive match taken;
/// a name that matches nothing is [`Error::UnknownTables`] naming the nearest tables.
///
/// ```
/// let schema = db_schema::Schema {
///     version: db_schema::MODEL_VERSION,
///     engine: "sqlite".into(),
///     server_version: None,
///     tables: vec![db_schema::Table::new(Some("main".into()), "orders", db_schema::TableKind::Table)],
///     extra: Default::default(),
/// };
/// let typed = vec!["main.Orders ".to_string()];
/// assert_eq!(db_schema::resolve_table_names(&schema, &typed).unwrap(), ["orders"]);
/// let e = db_schema::resolve_table_names(&schema, &["ordrs".to_string()]).unwrap_err();
/// assert!(e.to_string().contains("did you mean `orders`?"));
/// ```
pub fn resolve_table_names(schema: &Schema, typed: &[String]) -> Result<Vec<String>, Error> {
    let filter = normalize(&Filter {
        schema: None,
        tables: Some(typed.to_vec()),
    })?;
    let wanted = filter.tables.unwrap_or_default();
    let missing = missing(schema, &wanted);
    if missing.is_empty() {
        return Ok(wanted);
    }
    match resolve(&wanted, &missing, schema) {
        Resolution::Corrected(names) => Ok(names),
        Resolution::Unknown(e) => Err(e),
    }
}

/// The requested names that are neither a table nor a view of `schema`.
pub(crate) fn missing<'a>(schema: &Schema, wanted: &'a [String]) -> Vec<&'a str> {
    wanted
        .iter()
        .map(String::as_str)
        .filter(|w| !schema.tables.iter().any(|t| t.name == *w))
        .collect()
}

/// How each missing name was resolved against every table in scope.
pub(crate) enum Resolution {
    /// Every missing name has exactly one case-insensitive match: the corrected list.
    Corrected(Vec<String>),
    /// Some names match nothing (or several tables): the error to report.
    Unknown(Error),
}

/// Resolve the names in `wanted` that matched nothing, against `all` (every table in scope).
pub(crate) fn resolve(wanted: &[String], missing: &[&str], all: &Schema) -> Resolution {
    let names: Vec<&str> = all.tables.iter().map(|t| t.name.as_str()).collect();
    let mut corrected = wanted.to_vec();
    let mut unknown = Vec::new();
    for m in missing {
        let same: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| n.eq_ignore_ascii_case(m))
            .collect();
        if let [only] = same.as_slice() {
            for w in corrected.iter_mut().filter(|w| w == m) {
                *w = (*only).to_owned();
            }
        } else {
            unknown.push(describe(m, &names));
        }
    }
    if unknown.is_empty() {
        corrected.dedup();
        Resolution::Corrected(corrected)
    } else {
        Resolution::Unknown(Error::UnknownTables {
            tables: unknown.join("; "),
            known: names.len(),
        })
    }
}

fn describe(name: &str, names: &[&str]) -> String {
    let near = suggestions(name, names);
    if near.is_empty() {
        format!("`{name}`")
    } else {
        let list: Vec<String> = near.iter().map(|n| format!("`{n}`")).collect();
        format!("`{name}` (did you mean {}?)", list.join(", "))
    }
}

/// Up to three names near `name`: same letters ignoring case, a small edit distance, or one
/// containing the other, nearest first.
pub(crate) fn suggestions<'a>(name: &str, names: &[&'a str]) -> Vec<&'a str> {
    let lower = name.to_lowercase();
    let budget = (lower.chars().count() / 3).max(1);
    let mut scored: Vec<(usize, &str)> = names
        .iter()
        .filter_map(|n| {
            let l = n.to_lowercase();
            let d = edit_distance(&lower, &l);
            let contains = lower.len() >= 3 && (l.contains(&lower) || lower.contains(&l));
            (d <= budget || contains).then_some((d, *n))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, n)| n).collect()
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(schema: Option<&str>, tables: &[&str]) -> Filter {
        Filter {
            schema: schema.map(str::to_owned),
            tables: Some(tables.iter().map(|t| t.to_string()).collect()),
        }
    }

    #[test]
    fn spaces_after_commas_are_trimmed() {
        let f = normalize(&filter(None, &["orders", " customers "])).unwrap();
        assert_eq!(f.tables.unwrap(), ["orders", "customers"]);
    }

    #[test]
    fn a_schema_qualifier_becomes_the_schema_filter() {
        let f = normalize(&filter(None, &["public.orders", "public.customers"])).unwrap();
        assert_eq!(f.schema.as_deref(), Some("public"));
        assert_eq!(f.tables.unwrap(), ["orders", "customers"]);
        let f = normalize(&filter(Some("public"), &["public.orders"])).unwrap();
        assert_eq!(f.tables.unwrap(), ["orders"]);
    }

    #[test]
    fn qualifiers_of_two_schemas_are_refused_with_both_named() {
        let e = normalize(&filter(None, &["a.x", "b.y"])).unwrap_err();
        assert!(e.is_usage());
        let msg = e.to_string();
        assert!(msg.contains("`b`") && msg.contains("`a`"), "{msg}");
    }

    #[test]
    fn empty_pieces_of_a_list_are_dropped_but_a_lone_empty_name_is_kept_for_validation() {
        let f = normalize(&filter(None, &["orders", "", " "])).unwrap();
        assert_eq!(f.tables.unwrap(), ["orders"]);
        let f = normalize(&filter(None, &[""])).unwrap();
        assert!(f.validate().is_err());
    }

    #[test]
    fn near_names_are_suggested_nearest_first() {
        let names = ["orders", "order_items", "customers", "products"];
        assert_eq!(suggestions("ordres", &names), ["orders"]);
        assert_eq!(suggestions("Orders", &names), ["orders"]);
        assert_eq!(suggestions("order", &names), ["orders", "order_items"]);
        assert_eq!(suggestions("custmer", &names), ["customers"]);
        assert!(suggestions("zzz", &names).is_empty());
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
