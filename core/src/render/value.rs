//! Values as the server prints them: the model's canonical serialization mapped back to the
//! server's keys (through the model's own tables), numbers formatted with the server's digits.

use std::sync::OnceLock;

use serde_json::{Number, Value};

use crate::model::{
    GroupingSet, IncrementalSortGroups, Jit, JitOptions, JitTiming, Node, Plan, Planning,
    Properties, Serialization, SortSpace, TargetTable, Trigger, Worker,
};

use super::Dialect;

/// A value ready to print: numbers already formatted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Out {
    /// A number, as printed.
    Num(String),
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// `null` (only in properties the model does not know).
    Null,
    /// A list.
    List(Vec<Out>),
    /// An object: server keys in print order.
    Obj(Entries),
}

/// Server keys with their values, in print order.
pub(crate) type Entries = Vec<(String, Out)>;

impl Out {
    /// The value on one TEXT line: strings as they are, lists joined with `, `.
    pub fn text(&self) -> String {
        match self {
            Out::Num(s) | Out::Str(s) => s.clone(),
            Out::Bool(b) => b.to_string(),
            Out::Null => String::new(),
            Out::List(items) => {
                let parts: Vec<String> = items.iter().map(Out::text).collect();
                parts.join(", ")
            }
            Out::Obj(_) => {
                // No one-line TEXT spelling: the JSON text (kept, if not as the server would).
                let mut s = String::new();
                super::json::write_compact(self, &mut s);
                s
            }
        }
    }

    /// The number as `f64` (0 for anything else).
    pub fn num(&self) -> f64 {
        match self {
            Out::Num(s) => s.parse().unwrap_or(0.0),
            _ => 0.0,
        }
    }
}

/// Digits after the point the server prints for a float property (`%.2f` costs, `%.3f` ms…).
/// Keys not listed print their shortest exact form.
const DECIMALS: &[(&str, usize)] = &[
    ("Startup Cost", 2),
    ("Total Cost", 2),
    ("Plan Rows", 0),
    ("Actual Startup Time", 3),
    ("Actual Total Time", 3),
    ("Rows Removed by Filter", 0),
    ("Rows Removed by Join Filter", 0),
    ("Rows Removed by Index Recheck", 0),
    ("Rows Removed by Conflict Filter", 0),
    ("Heap Fetches", 0),
    ("Index Searches", 0),
    ("Tuples Inserted", 0),
    ("Conflicting Tuples", 0),
    ("Tuples Updated", 0),
    ("Tuples Deleted", 0),
    ("Tuples Skipped", 0),
    ("I/O Read Time", 3),
    ("I/O Write Time", 3),
    ("Shared I/O Read Time", 3),
    ("Shared I/O Write Time", 3),
    ("Local I/O Read Time", 3),
    ("Local I/O Write Time", 3),
    ("Temp I/O Read Time", 3),
    ("Temp I/O Write Time", 3),
    ("Planning Time", 3),
    ("Execution Time", 3),
    ("Time", 3),
    ("Generation", 3),
    ("Deform", 3),
    ("Inlining", 3),
    ("Optimization", 3),
    ("Emission", 3),
    ("Total", 3),
    ("Estimated Distinct Lookup Keys", 0),
    ("Estimated Lookups", 0),
    ("Estimated Hit Percent", 2),
];

/// Formats `v` with `decimals` digits when that prints it exactly (what the server printed
/// reads back to the same value), else in its shortest exact form.
pub(crate) fn fixed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.parse::<f64>() == Ok(v) {
        s
    } else {
        format!("{v}")
    }
}

/// Zero as the server prints it for `key` (what a line missing one of its numbers shows).
pub(crate) fn zero(key: &str, d: &Dialect) -> String {
    number(key, &Number::from_f64(0.0).expect("finite"), d)
}

/// A number of the canonical form, formatted for `key`.
fn number(key: &str, n: &Number, d: &Dialect) -> String {
    if n.is_f64() {
        let v = n.as_f64().unwrap_or(0.0);
        let decimals = match key {
            "Actual Rows" => {
                if d.rows_with_decimals {
                    2
                } else {
                    0
                }
            }
            _ => match DECIMALS.iter().find(|(k, _)| *k == key) {
                Some(&(_, n)) => n,
                None if v == 0.0 => return "0".into(),
                None => return format!("{v}"),
            },
        };
        fixed(v, decimals)
    } else {
        n.to_string()
    }
}

/// How a struct of the model maps to server keys: its `(server key, canonical name)` pairs in
/// the model's table order (groups flattened), from [`Properties::key_names`].
pub(crate) struct Shape {
    order: Vec<(&'static str, &'static str)>,
}

impl Shape {
    fn of<T: Properties>() -> Shape {
        Shape {
            order: T::key_names(),
        }
    }
}

/// The shapes of the model's structs.
pub(crate) struct Shapes {
    pub node: Shape,
    pub worker: Shape,
    pub plan: Shape,
    pub planning: Shape,
    pub serialization: Shape,
    pub trigger: Shape,
    pub jit: Shape,
    pub jit_options: Shape,
    pub jit_timing: Shape,
    pub target_table: Shape,
    pub grouping_set: Shape,
    pub sort_groups: Shape,
    pub sort_space: Shape,
}

/// The shapes, built once from the model's tables.
pub(crate) fn shapes() -> &'static Shapes {
    static SHAPES: OnceLock<Shapes> = OnceLock::new();
    SHAPES.get_or_init(|| Shapes {
        node: Shape::of::<Node>(),
        worker: Shape::of::<Worker>(),
        plan: Shape::of::<Plan>(),
        planning: Shape::of::<Planning>(),
        serialization: Shape::of::<Serialization>(),
        trigger: Shape::of::<Trigger>(),
        jit: Shape::of::<Jit>(),
        jit_options: Shape::of::<JitOptions>(),
        jit_timing: Shape::of::<JitTiming>(),
        target_table: Shape::of::<TargetTable>(),
        grouping_set: Shape::of::<GroupingSet>(),
        sort_groups: Shape::of::<IncrementalSortGroups>(),
        sort_space: Shape::of::<SortSpace>(),
    })
}

/// The shape of the struct a server key holds (a nested object or a list of them).
fn nested(key: &str) -> Option<&'static Shape> {
    let s = shapes();
    Some(match key {
        "Workers" => &s.worker,
        "Planning" => &s.planning,
        "Serialization" => &s.serialization,
        "Triggers" => &s.trigger,
        "JIT" => &s.jit,
        "Options" => &s.jit_options,
        "Timing" => &s.jit_timing,
        "Target Tables" => &s.target_table,
        "Grouping Sets" => &s.grouping_set,
        "Full-sort Groups" | "Pre-sorted Groups" => &s.sort_groups,
        "Sort Space Memory" | "Sort Space Disk" => &s.sort_space,
        _ => return None,
    })
}

/// A struct's canonical JSON as server entries: every known property under its server key, in
/// the model's table order, then the unknown ones (`extra`) under theirs.
pub(crate) fn entries(value: Value, shape: &Shape, d: &Dialect) -> Entries {
    let Value::Object(mut map) = value else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(map.len());
    for &(key, name) in &shape.order {
        if let Some(v) = map.remove(name) {
            out.push((key.to_string(), convert(key, v, d)));
        }
    }
    let extra = map.remove("extra");
    // Nothing else is expected (`children` is not part of a node's own serialization).
    for (name, v) in map {
        out.push((name, convert("", v, d)));
    }
    if let Some(Value::Object(x)) = extra {
        for (k, v) in x {
            out.push((format!("{EXTRA_MARK}{k}"), raw(v)));
        }
    }
    out
}

/// Prefix marking an entry that came from `extra` (stripped when printed).
pub(crate) const EXTRA_MARK: &str = "\u{1}";

/// Converts one canonical value for a server key.
pub(crate) fn convert(key: &str, v: Value, d: &Dialect) -> Out {
    match v {
        Value::Null => Out::Null,
        Value::Bool(b) => Out::Bool(b),
        Value::Number(n) => Out::Num(number(key, &n, d)),
        // The canonical form writes the query identifier as a string; the server, as a number.
        Value::String(s) if key == "Query Identifier" => Out::Num(s),
        Value::String(s) => Out::Str(s),
        Value::Array(items) => Out::List(items.into_iter().map(|i| convert(key, i, d)).collect()),
        Value::Object(_) => match nested(key) {
            Some(shape) => {
                let mut e = entries(v, shape, d);
                match key {
                    "Planning" => sort_by_order(&mut e, super::layout::PLANNING),
                    "Timing" => nest_deform(&mut e),
                    _ => {}
                }
                Out::Obj(e)
            }
            // `Settings`, or an object the model does not know: keys as they are.
            None => match v {
                Value::Object(m) => {
                    Out::Obj(m.into_iter().map(|(k, v)| (k, convert("", v, d))).collect())
                }
                _ => Out::Null,
            },
        },
    }
}

/// A value the model does not know, as it was (numbers in their shortest form).
pub(crate) fn raw(v: Value) -> Out {
    match v {
        Value::Null => Out::Null,
        Value::Bool(b) => Out::Bool(b),
        Value::Number(n) => Out::Num(n.to_string()),
        Value::String(s) => Out::Str(s),
        Value::Array(items) => Out::List(items.into_iter().map(raw).collect()),
        Value::Object(m) => Out::Obj(m.into_iter().map(|(k, v)| (k, raw(v))).collect()),
    }
}

/// Sorts entries by a list of server keys; keys not listed keep their relative order after.
pub(crate) fn sort_by_order(e: &mut Entries, order: &[&str]) {
    e.sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(order.len()));
}

/// 17+ JIT timing: `"Generation": {"Deform": …, "Total": …}` when the deform time is known.
fn nest_deform(e: &mut Entries) {
    let Some(di) = e.iter().position(|(k, _)| k == "Deform") else {
        return;
    };
    let (_, deform) = e.remove(di);
    let total = match e.iter().position(|(k, _)| k == "Generation") {
        Some(gi) => std::mem::replace(&mut e[gi].1, Out::Null),
        None => {
            e.insert(0, ("Generation".into(), Out::Null));
            Out::Null
        }
    };
    let mut inner = vec![("Deform".to_string(), deform)];
    if total != Out::Null {
        inner.push(("Total".to_string(), total));
    }
    if let Some(g) = e.iter_mut().find(|(k, _)| k == "Generation") {
        g.1 = Out::Obj(inner);
    }
}
