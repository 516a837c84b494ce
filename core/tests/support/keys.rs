//! "Nothing lost": every key the server printed lands in a typed field of the canonical form
//! (with the same value) or in `extra`, and every number printed appears in the output.
//!
//! The raw document is read independently of planlint (serde_json, yaml-rust2, or the
//! generic XML tree of [`raw::xml`](super::raw::xml)) into JSON-shaped values; keys may be in
//! JSON spelling or XML spelling (`Rows-Removed-by-Filter`), values may be XML text.
#![allow(dead_code)]

use planlint::model::{
    GroupingSet, IncrementalSortGroups, Jit, JitOptions, JitTiming, Node, Planning, Properties,
    Serialization, SortSpace, TargetTable, Trigger, Worker, xml_name,
};
use serde_json::{Map, Value};

/// Which model struct a raw object corresponds to.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A query object (top level of a document).
    Query,
    /// A plan node.
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

/// XML names two groups by their type, not their label (spec §2.4): the raw element stands for
/// the canonical fields in this order (those present).
const XML_TYPED_GROUPS: &[(&str, &[&str], Kind)] = &[
    (
        "Incremental-Sort-Groups",
        &["full_sort_groups", "pre_sorted_groups"],
        Kind::SortGroups,
    ),
    (
        "Sort-Space",
        &["sort_space_memory", "sort_space_disk"],
        Kind::SortSpace,
    ),
];

/// Compares a raw object printed by the server with its canonical form; problems go to `errs`.
pub fn check(
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
            let raw_children: Vec<&Value> = match value {
                Value::Array(a) => a.iter().collect(),
                Value::Object(_) => vec![value],
                _ => Vec::new(),
            };
            match children {
                Some(c) if c.len() == raw_children.len() => {
                    for (i, (r, c)) in raw_children.iter().zip(c).enumerate() {
                        match (r.as_object(), c.as_object()) {
                            (Some(r), Some(c)) => {
                                check(r, c, Kind::Node, &format!("{at}/{i}"), errs)
                            }
                            _ => errs.push(format!("{at}/{i}: not an object")),
                        }
                    }
                }
                None if raw_children.is_empty() => {}
                _ => errs.push(format!("{at}: children differ in number")),
            }
            continue;
        }
        if matches!(kind, Kind::Query) && key == "Plan" {
            match (
                value.as_object(),
                canon.get("plan").and_then(Value::as_object),
            ) {
                (Some(r), Some(c)) => check(r, c, Kind::Node, &at, errs),
                _ => errs.push(format!("{at}: plan missing")),
            }
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
        if let Some((_, fields, nested)) = XML_TYPED_GROUPS.iter().find(|(k, _, _)| k == key) {
            let raws: Vec<&Value> = match value {
                Value::Array(a) => a.iter().collect(),
                v => vec![v],
            };
            let present: Vec<&Value> = fields.iter().filter_map(|f| canon.get(*f)).collect();
            if raws.len() != present.len() {
                errs.push(format!(
                    "{at}: {} groups, {} in the output",
                    raws.len(),
                    present.len()
                ));
            }
            for (i, (r, c)) in raws.iter().zip(present).enumerate() {
                match (r.as_object(), c.as_object()) {
                    (Some(r), Some(c)) => check(r, c, *nested, &format!("{at}/{i}"), errs),
                    _ => errs.push(format!("{at}/{i}: not an object")),
                }
            }
            continue;
        }
        let Some(&(_, name)) = names.iter().find(|(k, _)| *k == key || xml_name(k) == *key) else {
            let extra = canon.get("extra");
            let kept = [key.clone(), key.replace('-', " ")]
                .iter()
                .any(|k| extra.and_then(|e| e.get(k)).is_some_and(|v| same(value, v)));
            if !kept {
                errs.push(format!("{at}: unknown key not kept in extra"));
            }
            continue;
        };
        let Some(c) = canon.get(name) else {
            // A value the model does not know (e.g. a new enum value) is kept in `extra`.
            let extra = canon.get("extra");
            let kept = [key.clone(), key.replace('-', " ")]
                .iter()
                .any(|k| extra.and_then(|e| e.get(k)).is_some_and(|v| same(value, v)));
            if !is_empty(value) && !kept {
                errs.push(format!("{at}: missing as {name}"));
            }
            continue;
        };
        if let Some(nested) = kind.nested(name) {
            match (value, c) {
                (Value::Object(r), Value::Object(cv)) => check(r, cv, nested, &at, errs),
                (Value::Array(r), Value::Array(cv)) if r.len() == cv.len() => {
                    for (i, (r, cv)) in r.iter().zip(cv).enumerate() {
                        match (r.as_object(), cv.as_object()) {
                            (Some(r), Some(cv)) => check(r, cv, nested, &format!("{at}/{i}"), errs),
                            _ => errs.push(format!("{at}/{i}: not an object")),
                        }
                    }
                }
                // A list of one, in XML (`<Workers><Worker>…`) read as the one object.
                (Value::Object(r), Value::Array(cv)) if cv.len() == 1 => {
                    check(r, cv[0].as_object().unwrap(), nested, &at, errs)
                }
                (r, Value::Array(cv)) if cv.is_empty() && is_empty(r) => {}
                _ => errs.push(format!("{at}: nested value differs in shape")),
            }
            continue;
        }
        if !same(value, c) {
            errs.push(format!("{at}: {value} != {c}"));
        }
    }
}

/// An empty group as YAML (`Triggers: `) or XML (`<Triggers>⏎</Triggers>`) prints it.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Equality of a raw value and its canonical form: numbers by value (XML text too), the query
/// identifier as a string, XML's `true`/`false` text as booleans, empty groups as empty lists.
pub fn same(raw: &Value, canon: &Value) -> bool {
    match (raw, canon) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Number(a), Value::String(b)) => a.to_string() == *b,
        (Value::String(a), Value::Number(b)) => a.parse::<f64>().ok() == b.as_f64(),
        (Value::String(a), Value::Bool(b)) => a == if *b { "true" } else { "false" },
        (r, Value::Array(b)) if b.is_empty() => is_empty(r),
        (r, Value::Object(b)) if b.is_empty() => is_empty(r),
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        _ => raw == canon,
    }
}

/// Every number in a JSON-shaped value (numbers, and strings that are numbers), as text
/// normalized through f64.
pub fn numbers(v: &Value, out: &mut Vec<String>) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Number(n) => out.push(format!("{}", n.as_f64().unwrap_or(f64::NAN))),
            Value::String(s) => {
                if let Ok(x) = s.trim().parse::<f64>() {
                    if x.is_finite() {
                        out.push(format!("{x}"));
                    }
                }
            }
            Value::Array(a) => stack.extend(a),
            Value::Object(o) => stack.extend(o.values()),
            _ => {}
        }
    }
}

/// The numbers printed in `raw` that do not appear (as often) in `canon`.
pub fn lost_numbers(raw: &Value, canon: &Value) -> Vec<String> {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    numbers(raw, &mut a);
    numbers(canon, &mut b);
    let mut have = std::collections::HashMap::<String, usize>::new();
    for x in b {
        *have.entry(x).or_default() += 1;
    }
    let mut lost = Vec::new();
    for x in a {
        match have.get_mut(&x) {
            Some(n) if *n > 0 => *n -= 1,
            _ => lost.push(x),
        }
    }
    lost
}
