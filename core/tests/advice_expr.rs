//! The expression parser on every expression of every JSON plan in the corpus: each one parses
//! and renders back to exactly the text the server printed (the round trip proves the tree
//! holds everything), except the listed exceptions, each with its reason.

use std::collections::BTreeMap;
use std::path::PathBuf;

use planlint::Plan;
use planlint::advice::expr::{self, ExprError};

/// One corpus file (read from corpus/manifest.json as plain JSON, so that log entries without
/// a query name do not matter here).
struct Entry {
    path: String,
    major: u64,
    query: String,
    variant: String,
}

impl Entry {
    fn read(&self) -> String {
        let p = corpus().join(&self.path);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus")
}

/// The raw JSON captures of the corpus (fails if the corpus is missing: it is the ground truth).
fn json_entries() -> Vec<Entry> {
    let text = std::fs::read_to_string(corpus().join("manifest.json"))
        .expect("corpus/manifest.json (the corpus is required)");
    let v: serde_json::Value = serde_json::from_str(&text).expect("a valid manifest");
    let s = |e: &serde_json::Value, k: &str| e[k].as_str().unwrap_or("").to_string();
    let out: Vec<Entry> = v
        .as_array()
        .expect("a list")
        .iter()
        .filter(|e| e["format"] == "json" && e["framing"] == "raw")
        .map(|e| Entry {
            path: s(e, "path"),
            major: e["major"].as_u64().unwrap_or(0),
            query: s(e, "query"),
            variant: s(e, "variant"),
        })
        .collect();
    assert!(!out.is_empty(), "the corpus has JSON plans");
    out
}

fn find(query: &str, variant: &str, major: u64) -> Entry {
    json_entries()
        .into_iter()
        .find(|e| e.query == query && e.variant == variant && e.major == major)
        .unwrap_or_else(|| panic!("no corpus entry {query}/{variant} on {major}"))
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
        if let Some(c) = &n.conditions {
            for (key, v) in [
                ("Index Cond", &c.index_cond),
                ("Recheck Cond", &c.recheck_cond),
                ("Join Filter", &c.join_filter),
                ("Hash Cond", &c.hash_cond),
                ("Merge Cond", &c.merge_cond),
                ("One-Time Filter", &c.one_time_filter),
                ("TID Cond", &c.tid_cond),
                ("Run Condition", &c.run_condition),
                ("Order By", &c.order_by),
            ] {
                if let Some(v) = v {
                    push(key, v, false);
                }
            }
        }
        if let Some(m) = &n.modify_table
            && let Some(v) = &m.conflict_filter
        {
            push("Conflict Filter", v, false);
        }
        for v in n.output.iter().flatten() {
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
    let entries = json_entries();
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
    eprintln!(
        "{total} expressions ({} distinct) in {} JSON plans; by property: {per_key:?}",
        distinct.len(),
        entries.len()
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
