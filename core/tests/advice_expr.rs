//! The expression parser on every expression of every JSON plan in the corpus: each one parses
//! and renders back to exactly the text the server printed (the round trip proves the tree
//! holds everything), except the listed exceptions, each with its reason.

mod advice_corpus;

use std::collections::BTreeMap;

use planlint::Plan;
use planlint::advice::expr::{self, ExprError};
use planlint::metrics::NodeExt;

fn find(query: &str, variant: &str, major: u64) -> advice_corpus::Entry {
    advice_corpus::captures(query, variant)
        .into_iter()
        .find(|e| e.major == major)
        .unwrap_or_else(|| panic!("no corpus capture {query}/{variant} on {major}"))
}

/// Expressions the grammar deliberately does not cover, with the reason (exact text).
const EXCEPTIONS: &[(&str, &str)] = &[];

/// Every (property, expression) pair of a plan: conditions, keys and output items.
fn expressions(plan: &Plan) -> Vec<(&'static str, String, bool)> {
    let mut out = Vec::new();
    let mut push = |key: &'static str, v: &str, sort: bool| out.push((key, v.to_string(), sort));
    for n in &plan.nodes {
        for (key, v) in [("Filter", &n.filter)] {
            if let Some(v) = v {
                push(key, v, false);
            }
        }
        for (key, v) in [
            ("Index Cond", n.index_cond()),
            ("Recheck Cond", n.recheck_cond()),
            ("Join Filter", n.join_filter()),
            ("Hash Cond", n.hash_cond()),
            ("Merge Cond", n.merge_cond()),
            ("One-Time Filter", n.one_time_filter()),
            ("TID Cond", n.tid_cond()),
            ("Run Condition", n.run_condition()),
            ("Order By", n.order_by()),
        ] {
            if let Some(v) = v {
                push(key, v, false);
            }
        }
        if let Some(m) = &n.modify_table
            && let Some(v) = &m.conflict_filter
        {
            push("Conflict Filter", v, false);
        }
        for v in n.output().into_iter().flatten() {
            push("Output", v, false);
        }
        if let Some(s) = &n.sort {
            for v in s.sort_key.iter().flatten() {
                push("Sort Key", v, true);
            }
            for v in s.presorted_key.iter().flatten() {
                push("Presorted Key", v, true);
            }
        }
        if let Some(g) = &n.grouping {
            for v in g.group_key.iter().flatten() {
                push("Group Key", v, false);
            }
            for set in g.grouping_sets.iter().flatten() {
                for v in set.sort_key.iter().flatten() {
                    push("Sort Key", v, true);
                }
                for keys in set.group_keys.iter().chain(&set.hash_keys).flatten() {
                    for v in keys {
                        push("Group Key", v, false);
                    }
                }
            }
        }
    }
    out
}

fn round_trip(text: &str, sort: bool) -> Result<String, ExprError> {
    if sort {
        expr::parse_sort_item(text).map(|s| s.to_string())
    } else {
        expr::parse(text).map(|e| e.to_string())
    }
}

#[test]
fn every_corpus_expression_parses_and_round_trips() {
    let entries = advice_corpus::json_entries();
    let mut total = 0usize;
    let mut distinct: BTreeMap<(&'static str, String), bool> = BTreeMap::new();
    let mut per_key: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut used_exceptions = Vec::new();
    for entry in &entries {
        let plans =
            planlint::parse(&entry.read()).unwrap_or_else(|e| panic!("{}: {e}", entry.path));
        for plan in &plans {
            for (key, text, sort) in expressions(plan) {
                total += 1;
                *per_key.entry(key).or_default() += 1;
                if distinct.contains_key(&(key, text.clone())) {
                    continue;
                }
                distinct.insert((key, text.clone()), sort);
                if let Some((_, why)) = EXCEPTIONS.iter().find(|(t, _)| *t == text) {
                    used_exceptions.push((text.clone(), *why));
                    continue;
                }
                match round_trip(&text, sort) {
                    Ok(back) if back == text => {}
                    Ok(back) => failures.push(format!(
                        "{} {key}: round trip differs\n  in:  {text}\n  out: {back}",
                        entry.path
                    )),
                    Err(e) => failures.push(format!("{} {key}: {text}\n  {e}", entry.path)),
                }
            }
        }
    }
    let started = std::time::Instant::now();
    let mut bytes = 0;
    for ((_, text), sort) in &distinct {
        bytes += text.len();
        let _ = round_trip(text, *sort);
    }
    let elapsed = started.elapsed();
    eprintln!(
        "{total} expressions ({} distinct) in {} JSON plans; by property: {per_key:?}; parse + render of the distinct ones: {:.1} ms ({:.0} MB/s)",
        distinct.len(),
        entries.len(),
        elapsed.as_secs_f64() * 1000.0,
        bytes as f64 / elapsed.as_secs_f64() / 1e6
    );
    assert!(
        failures.is_empty(),
        "{} of {} distinct expressions failed:\n{}",
        failures.len(),
        distinct.len(),
        failures.join("\n")
    );
    // Every exception must still be needed (no stale entries).
    for (text, _) in EXCEPTIONS {
        assert!(
            used_exceptions.iter().any(|(t, _)| t == text),
            "exception no longer occurs in the corpus: {text}"
        );
    }
    assert!(total > 1000, "the corpus has expressions to check");
}

#[test]
fn corpus_conditions_have_the_expected_shape() {
    // A few facts about real conditions, read through the tree (not the text).
    let entry = find("seq_scan_filter", "verbose", 15);
    let plan = planlint::parse(&entry.read()).unwrap().remove(0);
    let filter = plan.nodes[0].filter.as_deref().expect("a filter");
    let e = expr::parse(filter).unwrap();
    let parts = e.conjuncts();
    assert_eq!(parts.len(), 1);
    let expr::Expr::Op { op, lhs, rhs } = parts[0] else {
        panic!("an operator: {e:?}")
    };
    assert_eq!(op, "=");
    let col = lhs.as_ref().unwrap().column().unwrap();
    assert_eq!(
        col.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
        ["orders", "promo_code"]
    );
    assert!(
        matches!(&**rhs, expr::Expr::Cast(inner, ty) if ty == "text" && matches!(&**inner, expr::Expr::Literal(l) if l == "'P0042'"))
    );

    // PostgreSQL 17+ prints hashed subplan tests as ANY (… = (hashed SubPlan n).col1)
    let entry = find("subplan_hashed", "analyze", 17);
    let plan = planlint::parse(&entry.read()).unwrap().remove(0);
    let filter = plan
        .nodes
        .iter()
        .find_map(|n| n.filter.as_deref())
        .expect("a filter");
    let e = expr::parse(filter).unwrap();
    assert!(
        e.is_opaque(),
        "a subplan test is opaque to the advisor: {filter}"
    );
}
