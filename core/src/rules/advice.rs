//! SQL advice shared by the rules: which index would serve a filter, a sort key or an
//! expression. This is the hook for the full index advisor (a later issue): the rules call only
//! [`index_for_conditions`], [`index_for_sort`] and [`expression_index`], so a better advisor
//! replaces these functions without touching the rules.
//!
//! What it does now, from the plan alone (no catalog): btree on the columns compared with
//! `=`/`<`/`>`/`IS NULL` (equalities first, then at most one range column, at most three
//! columns); `gin (col gin_trgm_ops)` for `LIKE`/`ILIKE` with a leading wildcard; `gin (col)`
//! for `@>`, `<@`, `&&`, `?` (arrays, jsonb).

use super::expr::{self, Comparison};
use crate::model::Node;

/// The table a node reads, schema-qualified when the plan says (VERBOSE).
pub fn table_name(node: &Node) -> Option<String> {
    let rel = node.relation_name.as_deref()?;
    Some(match node.schema() {
        Some(s) => format!("{}.{}", quote(s), quote(rel)),
        None => quote(rel),
    })
}

/// Quotes an identifier when it needs it.
fn quote(s: &str) -> String {
    let plain = s
        .bytes()
        .enumerate()
        .all(|(i, c)| c.is_ascii_lowercase() || c == b'_' || (i > 0 && c.is_ascii_digit()));
    if plain && !s.is_empty() {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('"', "\"\""))
    }
}

/// An index that would let the scan find the rows `conditions` keep, for `table`.
/// `None` when no part of the conditions is indexable as printed.
pub fn index_for_conditions(table: &str, conditions: &[&str]) -> Option<String> {
    let mut eq: Vec<String> = Vec::new();
    let mut range: Option<String> = None;
    for cond in conditions {
        for part in expr::conjuncts(cond) {
            let Some(cmp) = expr::comparison(part) else {
                continue;
            };
            let Some(col) = expr::plain_column(cmp.lhs) else {
                continue;
            };
            if !constant(&cmp) {
                continue;
            }
            let name = quote(col.name);
            if let Some(gin) = gin_index(table, &cmp, &name) {
                if eq.is_empty() && range.is_none() {
                    return Some(gin);
                }
                continue;
            }
            if eq.contains(&name) || range.as_ref() == Some(&name) {
                continue;
            }
            if cmp.equality() {
                eq.push(name);
            } else if cmp.btree() && range.is_none() {
                range = Some(name);
            }
        }
    }
    let mut cols = eq;
    cols.extend(range);
    cols.truncate(3);
    (!cols.is_empty()).then(|| create_index(table, &cols.join(", "), None))
}

/// Whether the right-hand side is a constant or a parameter (not another table's column).
fn constant(cmp: &Comparison) -> bool {
    let rhs = cmp
        .rhs
        .trim_start_matches("ANY ")
        .trim_start_matches("ALL ");
    expr::columns(rhs).is_empty()
}

fn gin_index(table: &str, cmp: &Comparison, col: &str) -> Option<String> {
    match cmp.op {
        "~~" | "~~*" if cmp.rhs.starts_with("'%") => Some(create_index(
            table,
            &format!("{col} gin_trgm_ops"),
            Some("gin"),
        )),
        "@>" | "<@" | "&&" | "?" | "?|" | "?&" => Some(create_index(table, col, Some("gin"))),
        _ => None,
    }
}

/// An index on the sort key of a `Sort` (so that an ordered index scan can replace it).
pub fn index_for_sort(table: &str, sort_key: &[String]) -> Option<String> {
    let mut cols = Vec::new();
    for key in sort_key {
        let (e, dir) = match key.rsplit_once(' ') {
            Some((e, d @ ("DESC" | "ASC"))) => (e, Some(d)),
            _ => (key.as_str(), None),
        };
        let e = e
            .trim_end_matches(" NULLS FIRST")
            .trim_end_matches(" NULLS LAST");
        let col = expr::plain_column(e)?;
        let mut c = quote(col.name);
        if dir == Some("DESC") {
            c.push_str(" DESC");
        }
        cols.push(c);
    }
    (!cols.is_empty()).then(|| create_index(table, &cols.join(", "), None))
}

/// An expression index for a non-sargable comparison's left-hand side (`lower(email)`).
pub fn expression_index(table: &str, lhs: &str) -> String {
    create_index(table, &format!("({})", expr::strip_parens(lhs)), None)
}

/// `CREATE INDEX CONCURRENTLY ON table [USING method] (columns);`
fn create_index(table: &str, columns: &str, method: Option<&str>) -> String {
    match method {
        Some(m) => format!("CREATE INDEX CONCURRENTLY ON {table} USING {m} ({columns});"),
        None => format!("CREATE INDEX CONCURRENTLY ON {table} ({columns});"),
    }
}

#[cfg(test)]
mod tests {
    //! Hand-written conditions in the server's spelling (unit tests of the advice text).
    use super::*;

    #[test]
    fn indexes() {
        assert_eq!(
            index_for_conditions("orders", &["(promo_code = 'P0042'::text)"]).unwrap(),
            "CREATE INDEX CONCURRENTLY ON orders (promo_code);"
        );
        assert_eq!(
            index_for_conditions(
                "events",
                &["((value > '190'::numeric) AND (kind = 'signup'::text))"]
            )
            .unwrap(),
            "CREATE INDEX CONCURRENTLY ON events (kind, value);"
        );
        assert_eq!(
            index_for_conditions("products", &["(name ~~* '%steel%'::text)"]).unwrap(),
            "CREATE INDEX CONCURRENTLY ON products USING gin (name gin_trgm_ops);"
        );
        assert!(index_for_conditions("t", &["(a.x = b.y)"]).is_none());
        assert_eq!(
            index_for_sort("orders", &["total DESC".to_string()]).unwrap(),
            "CREATE INDEX CONCURRENTLY ON orders (total DESC);"
        );
    }
}
