//! The JSON printer: what `EXPLAIN (FORMAT JSON)` prints (§2.2), with the server's layout
//! (two-space indentation, one property per line, string lists on one line, groups opened on
//! the key's line) and its number formats.

use super::Dialect;
use super::layout::{self, Slot};
use super::text::node_entries;
use super::value::{EXTRA_MARK, Entries, Out, sort_by_order};
use crate::model::{NodeType, Plan};

/// A plan in PostgreSQL's JSON format: the server's one-element array (`[{"Plan": …}]`).
pub fn render_json(plan: &Plan) -> String {
    render_json_plans(std::slice::from_ref(plan))
}

/// Several plans as the server prints them: one array, one query object (or utility string)
/// per plan; no plan at all is `[]` (a statement a rule rewrote to nothing).
pub fn render_json_plans(plans: &[Plan]) -> String {
    let mut out = String::from("[");
    for (i, plan) in plans.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('\n');
        write_plan(plan, &mut out);
    }
    out.push_str("\n]\n");
    out
}

/// Keys whose value is a group (each element on its own line, `[` and `]` alone when empty),
/// not a one-line list of strings.
const GROUP_LISTS: &[&str] = &[
    "Workers",
    "Triggers",
    "Target Tables",
    "Grouping Sets",
    "Group Keys",
    "Hash Keys",
];

fn indent(out: &mut String, level: usize) {
    out.extend(std::iter::repeat_n(' ', 2 * level));
}

/// `,` unless first, a new line, the indentation and `"key": `.
fn key(out: &mut String, level: usize, first: &mut bool, k: &str) {
    if !*first {
        out.push(',');
    }
    *first = false;
    out.push('\n');
    indent(out, level);
    string(out, k.strip_prefix(EXTRA_MARK).unwrap_or(k));
    out.push_str(": ");
}

/// A JSON string, escaped as the server does (`escape_json`).
pub(crate) fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `"key": value` at `level`. A node's JIT blocks (11–12: one per worker on a Gather) are one
/// `"JIT"` key each, as the server prints them, not a list.
fn member(out: &mut String, level: usize, first: &mut bool, k: &str, v: &Out) {
    match v {
        Out::List(items) if k == "JIT" => {
            for item in items {
                key(out, level, first, k);
                value(out, k, item, level);
            }
        }
        _ => {
            key(out, level, first, k);
            value(out, k, v, level);
        }
    }
}

/// A value at `level` (the level of its key).
fn value(out: &mut String, k: &str, v: &Out, level: usize) {
    match v {
        Out::Num(n) => out.push_str(n),
        Out::Str(s) => string(out, s),
        Out::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Out::Null => out.push_str("null"),
        Out::List(items) => {
            let group = GROUP_LISTS.contains(&k.strip_prefix(EXTRA_MARK).unwrap_or(k))
                || items
                    .iter()
                    .any(|i| matches!(i, Out::Obj(_) | Out::List(_)));
            if group {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push('\n');
                    indent(out, level + 1);
                    value(out, "", item, level + 1);
                }
                out.push('\n');
                indent(out, level);
                out.push(']');
            } else {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    value(out, "", item, level);
                }
                out.push(']');
            }
        }
        Out::Obj(entries) => {
            out.push('{');
            let mut first = true;
            for (ek, ev) in entries {
                member(out, level + 1, &mut first, ek, ev);
            }
            out.push('\n');
            indent(out, level);
            out.push('}');
        }
    }
}

/// The compact JSON text of a value (for TEXT lines that have no spelling of their own).
pub(crate) fn write_compact(v: &Out, out: &mut String) {
    match v {
        Out::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_compact(item, out);
            }
            out.push(']');
        }
        Out::Obj(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                string(out, k.strip_prefix(EXTRA_MARK).unwrap_or(k));
                out.push_str(": ");
                write_compact(v, out);
            }
            out.push('}');
        }
        other => value(out, "", other, 0),
    }
}

/// A node's entries in the server's order: its layout's keys, then what the layout does not
/// place where the layout says (`Rest`); worker objects ordered by the worker layout.
fn ordered(mut e: Entries, slots: &[Slot], t: &NodeType) -> Entries {
    let mut out = Vec::with_capacity(e.len());
    let take = |e: &mut Entries, k: &str, out: &mut Entries| {
        if let Some(i) = e.iter().position(|(key, _)| key == k) {
            out.push(e.remove(i));
        }
    };
    let mut rest_at = None;
    for slot in slots {
        match slot {
            Slot::Key(k, _) => take(&mut e, k, &mut out),
            Slot::Line(l) => {
                for k in l.keys() {
                    take(&mut e, k, &mut out);
                }
            }
            Slot::Rest => rest_at = Some(out.len()),
        }
    }
    // What is left is not placed by the layout.
    let at = rest_at.unwrap_or(out.len());
    out.splice(at..at, e);
    if let Some((_, Out::List(workers))) = out.iter_mut().find(|(k, _)| k == "Workers") {
        let order = worker_order(t);
        for w in workers {
            if let Out::Obj(we) = w {
                sort_by_order(we, &order);
            }
        }
    }
    out
}

/// The JSON key order of a worker object of a node of type `t`.
fn worker_order(t: &NodeType) -> Vec<&'static str> {
    let mut keys = Vec::new();
    for slot in layout::worker_layout(t) {
        match slot {
            Slot::Key(k, _) => keys.push(*k),
            Slot::Line(l) => keys.extend_from_slice(l.keys()),
            Slot::Rest => {}
        }
    }
    keys
}

/// One query object (or a utility placeholder string) at level 1.
fn write_plan(plan: &Plan, out: &mut String) {
    let d = Dialect::of(plan);
    indent(out, 1);
    if plan.nodes.is_empty() {
        if let Some(u) = &plan.utility {
            string(out, u);
            return;
        }
    }
    out.push('{');
    let q = super::text::plan_entries(plan, &d);
    let mut first = true;
    let mut tree_written = plan.nodes.is_empty();
    for (k, v) in &q {
        if !tree_written && !matches!(k.as_str(), "Query Text" | "Query Parameters") {
            key(out, 2, &mut first, "Plan");
            write_tree(plan, &d, out);
            tree_written = true;
        }
        member(out, 2, &mut first, k, v);
    }
    if !tree_written {
        key(out, 2, &mut first, "Plan");
        write_tree(plan, &d, out);
    }
    out.push('\n');
    indent(out, 1);
    out.push('}');
}

/// The node tree under `"Plan": `, with an explicit stack (any depth, no recursion).
fn write_tree(plan: &Plan, d: &Dialect, out: &mut String) {
    enum Step {
        /// Write a node object at a level; `first`: the first element of its array.
        Node(usize, usize, bool),
        /// Close a node's `Plans` array and the node object at a level.
        Close(usize),
    }
    let mut stack = vec![Step::Node(0, 2, true)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Node(id, level, first_in_array) => {
                let node = &plan.nodes[id];
                if id != 0 {
                    if !first_in_array {
                        out.push(',');
                    }
                    out.push('\n');
                    indent(out, level);
                }
                out.push('{');
                let slots: Vec<Slot> = layout::node_layout(node).collect();
                let e = ordered(node_entries(node, d), &slots, node.node_type());
                let mut first = true;
                for (k, v) in &e {
                    member(out, level + 1, &mut first, k, v);
                }
                if node.children.is_empty() {
                    out.push('\n');
                    indent(out, level);
                    out.push('}');
                } else {
                    key(out, level + 1, &mut first, "Plans");
                    out.push('[');
                    stack.push(Step::Close(level));
                    for (i, &c) in node.children.iter().enumerate().rev() {
                        stack.push(Step::Node(c, level + 2, i == 0));
                    }
                }
            }
            Step::Close(level) => {
                out.push('\n');
                indent(out, level + 1);
                out.push(']');
                out.push('\n');
                indent(out, level);
                out.push('}');
            }
        }
    }
}
