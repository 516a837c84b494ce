//! Every JSON plan of the corpus parses, with every node, and every key the server printed
//! lands in a typed field (with the same value) or in `extra`.

mod support;

use planlint::model::{
    GroupingSet, IncrementalSortGroups, Jit, JitOptions, JitTiming, Node, Planning, Properties,
    Serialization, SortSpace, TargetTable, Trigger, Worker,
};
use serde_json::{Map, Value};

/// Which model struct a JSON object corresponds to.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Query,
    Node,
    Worker,
    Trigger,
    Planning,
    Serialization,
    Jit,
    JitOptions,
    JitTiming,
    TargetTable,
    GroupingSet,
    SortGroups,
    SortSpace,
}

impl Kind {
    fn key_names(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Kind::Query => planlint::Plan::key_names(),
            Kind::Node => Node::key_names(),
            Kind::Worker => Worker::key_names(),
            Kind::Trigger => Trigger::key_names(),
            Kind::Planning => Planning::key_names(),
            Kind::Serialization => Serialization::key_names(),
            Kind::Jit => Jit::key_names(),
            Kind::JitOptions => JitOptions::key_names(),
            Kind::JitTiming => JitTiming::key_names(),
            Kind::TargetTable => TargetTable::key_names(),
            Kind::GroupingSet => GroupingSet::key_names(),
            Kind::SortGroups => IncrementalSortGroups::key_names(),
            Kind::SortSpace => SortSpace::key_names(),
        }
    }

    /// The kind of an object-valued field.
    fn nested(self, name: &str) -> Option<Kind> {
        Some(match (self, name) {
            (_, "workers") => Kind::Worker,
            (_, "triggers") => Kind::Trigger,
            (_, "planning") => Kind::Planning,
            (_, "serialization") => Kind::Serialization,
            (_, "jit") => Kind::Jit,
            (Kind::Jit, "options") => Kind::JitOptions,
            (Kind::Jit, "timing") => Kind::JitTiming,
            (_, "target_tables") => Kind::TargetTable,
            (_, "grouping_sets") => Kind::GroupingSet,
            (_, "full_sort_groups" | "pre_sorted_groups") => Kind::SortGroups,
            (_, "sort_space_memory" | "sort_space_disk") => Kind::SortSpace,
            _ => return None,
        })
    }
}

/// Compares a raw JSON object printed by the server with its canonical form.
fn check(
    raw: &Map<String, Value>,
    canon: &Map<String, Value>,
    kind: Kind,
    path: &str,
    errs: &mut Vec<String>,
) {
    let names = kind.key_names();
    for (key, value) in raw {
        let at = format!("{path}/{key}");
        if key == "Plans" {
            let children = canon.get("children").and_then(Value::as_array);
            let raw_children = value.as_array().unwrap();
            match children {
                Some(c) if c.len() == raw_children.len() => {
                    for (i, (r, c)) in raw_children.iter().zip(c).enumerate() {
                        check(
                            r.as_object().unwrap(),
                            c.as_object().unwrap(),
                            Kind::Node,
                            &format!("{at}/{i}"),
                            errs,
                        );
                    }
                }
                None if raw_children.is_empty() => {}
                _ => errs.push(format!("{at}: children differ in number")),
            }
            continue;
        }
        if matches!(kind, Kind::Query) && key == "Plan" {
            check(
                value.as_object().unwrap(),
                canon["plan"].as_object().unwrap(),
                Kind::Node,
                &at,
                errs,
            );
            continue;
        }
        if matches!(kind, Kind::JitTiming) && key == "Generation" && value.is_object() {
            let o = value.as_object().unwrap();
            if !same(&o["Total"], canon.get("generation").unwrap_or(&Value::Null)) {
                errs.push(format!("{at}: generation total differs"));
            }
            if !same(&o["Deform"], canon.get("deform").unwrap_or(&Value::Null)) {
                errs.push(format!("{at}: deform differs"));
            }
            continue;
        }
        let Some(&(_, name)) = names.iter().find(|(k, _)| k == key) else {
            match canon.get("extra").and_then(|e| e.get(key)) {
                Some(v) if v == value => {}
                _ => errs.push(format!("{at}: unknown key not kept in extra")),
            }
            continue;
        };
        let Some(c) = canon.get(name) else {
            // A value the model does not know (e.g. a new enum value) is kept in `extra`.
            if canon.get("extra").and_then(|e| e.get(key)) != Some(value) {
                errs.push(format!("{at}: missing as {name}"));
            }
            continue;
        };
        if let Some(nested) = kind.nested(name) {
            match (value, c) {
                (Value::Object(r), Value::Object(cv)) => check(r, cv, nested, &at, errs),
                (Value::Array(r), Value::Array(cv)) if r.len() == cv.len() => {
                    for (i, (r, cv)) in r.iter().zip(cv).enumerate() {
                        check(
                            r.as_object().unwrap(),
                            cv.as_object().unwrap(),
                            nested,
                            &format!("{at}/{i}"),
                            errs,
                        );
                    }
                }
                // A Node's JIT (11-12) is a list of blocks; the server printed one object.
                (Value::Object(r), Value::Array(cv)) if cv.len() == 1 => {
                    check(r, cv[0].as_object().unwrap(), nested, &at, errs)
                }
                _ => errs.push(format!("{at}: nested value differs in shape")),
            }
            continue;
        }
        if !same(value, c) {
            errs.push(format!("{at}: {value} != {c}"));
        }
    }
}

/// Exact equality of a raw value and its canonical form (numbers by value; the query
/// identifier is a string in the canonical form).
fn same(raw: &Value, canon: &Value) -> bool {
    match (raw, canon) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Number(a), Value::String(b)) => a.to_string() == *b,
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        _ => raw == canon,
    }
}

#[test]
fn every_json_plan_parses_with_every_node_and_every_key() {
    let entries = support::select(|e| e.format == "json" && e.framing == "raw");
    let mut failures = Vec::new();
    let mut majors = std::collections::BTreeSet::new();
    for e in &entries {
        majors.insert(e.major);
        let text = e.read();
        let plans = match planlint::parse(&text) {
            Ok(p) => p,
            Err(err) => {
                failures.push(format!("{}: {err}", e.path));
                continue;
            }
        };
        if plans.len() != e.plans {
            failures.push(format!(
                "{}: {} plans, manifest says {}",
                e.path,
                plans.len(),
                e.plans
            ));
        }
        let nodes: usize = plans.iter().map(|p| p.nodes.len()).sum();
        let printed = text.matches("\"Node Type\"").count();
        if nodes != printed {
            failures.push(format!(
                "{}: {nodes} nodes, the server printed {printed}",
                e.path
            ));
        }
        let raw: Value = serde_json::from_str(&text).unwrap();
        let mut errs = Vec::new();
        for (i, (r, p)) in raw.as_array().unwrap().iter().zip(&plans).enumerate() {
            let canon = p.to_value();
            match (r.as_object(), canon.as_object()) {
                (Some(r), Some(c)) => check(r, c, Kind::Query, &format!("#{i}"), &mut errs),
                _ => errs.push(format!("#{i}: not an object")),
            }
        }
        failures.extend(errs.into_iter().map(|m| format!("{}: {m}", e.path)));
    }
    assert!(
        failures.is_empty(),
        "{} problems in {} files:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
    assert!(
        majors.len() >= 6,
        "the corpus must cover six majors, found {majors:?}"
    );
}

#[test]
fn json_in_psql_frames_parses_like_raw_json() {
    let entries = support::select(|e| e.format == "json" && e.framing.starts_with("psql"));
    for e in entries {
        let text = e.read();
        let plans = planlint::parse(&text).unwrap_or_else(|err| panic!("{}: {err}", e.path));
        assert_eq!(plans.len(), e.plans, "{}", e.path);
        let nodes: usize = plans.iter().map(|p| p.nodes.len()).sum();
        assert_eq!(nodes, text.matches("\"Node Type\"").count(), "{}", e.path);
    }
}
