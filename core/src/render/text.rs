//! The TEXT printer: what `EXPLAIN` prints without `FORMAT` (§2.1, §3.1, §5, §7 of the format
//! reference), line for line.
//!
//! Whitespace convention: every line ends with `\n` (psql prints the rows without it) and no
//! line has trailing blanks, as the server's own rows.

use serde::Serialize;

use super::layout::{self, Line, Show, Slot};
use super::value::{EXTRA_MARK, Entries, Out, entries, shapes, zero};
use super::{Dialect, IoScheme, never_executed, quote_identifier};
use crate::model::{Node, NodeType, Plan, Properties};
use crate::parse::text::text_node_name;

/// A plan in PostgreSQL's TEXT format (one line per row of `EXPLAIN`'s output, each ending with
/// `\n`).
///
/// Spellings that changed between versions follow what the plan shows ([`Dialect::of`]).
pub fn render_text(plan: &Plan) -> String {
    let mut out = String::new();
    write_plan(plan, &Dialect::of(plan), &mut out);
    out
}

/// Several plans (one `EXPLAIN` whose statement a rule expanded), separated by an empty line as
/// the server does; no plan at all is `Query rewrites to nothing`.
pub fn render_text_plans(plans: &[Plan]) -> String {
    if plans.is_empty() {
        return "Query rewrites to nothing\n".to_string();
    }
    let mut out = String::new();
    for (i, plan) in plans.iter().enumerate() {
        if i > 0 && !out.is_empty() {
            out.push('\n');
        }
        write_plan(plan, &Dialect::of(plan), &mut out);
    }
    out
}

/// A list of entries with lookups by server key.
struct Props<'e>(&'e Entries);

impl<'e> Props<'e> {
    fn get(&self, key: &str) -> Option<&'e Out> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn num(&self, key: &str) -> f64 {
        self.get(key).map_or(0.0, Out::num)
    }

    fn text(&self, key: &str) -> Option<String> {
        self.get(key).map(Out::text)
    }

    /// The value printed when it is not zero.
    fn nonzero(&self, key: &str) -> Option<String> {
        self.get(key).filter(|v| v.num() != 0.0).map(Out::text)
    }
}

/// Output with an indentation column.
struct Lines<'o> {
    out: &'o mut String,
}

impl Lines<'_> {
    fn line(&mut self, col: usize, text: &str) {
        self.out.extend(std::iter::repeat_n(' ', col));
        self.out.push_str(text);
        self.out.push('\n');
    }
}

/// The query-level properties of a plan (not its tree) as server entries.
pub(crate) fn plan_entries(plan: &Plan, d: &Dialect) -> Entries {
    struct QueryLevel<'p>(&'p Plan);
    impl Serialize for QueryLevel<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = s.serialize_map(None)?;
            self.0.serialize_fields(&mut map)?;
            if !self.0.extra.is_empty() {
                map.serialize_entry("extra", &self.0.extra)?;
            }
            map.end()
        }
    }
    let v = serde_json::to_value(QueryLevel(plan)).unwrap_or_default();
    let mut e = entries(v, &shapes().plan, d);
    // Settings in the server's order (the canonical value's map is sorted).
    if let (Some(settings), Some(slot)) =
        (&plan.settings, e.iter_mut().find(|(k, _)| k == "Settings"))
    {
        slot.1 = Out::Obj(
            settings
                .iter()
                .map(|(k, v)| (k.clone(), Out::Str(v.clone())))
                .collect(),
        );
    }
    e
}

/// A node's properties as server entries (never-executed nodes print `Actual Rows: 0`).
pub(crate) fn node_entries(node: &Node, d: &Dialect) -> Entries {
    let v = serde_json::to_value(node).unwrap_or_default();
    let mut e = entries(v, &shapes().node, d);
    if never_executed(node) {
        if let Some(rows) = node.actual_rows {
            if let Some(slot) = e.iter_mut().find(|(k, _)| k == "Actual Rows") {
                slot.1 = Out::Num(super::value::fixed(rows, 0));
            }
        }
    }
    e
}

fn write_plan(plan: &Plan, d: &Dialect, out: &mut String) {
    if let Some(u) = &plan.utility {
        match u.as_str() {
            "Notify" => out.push_str("NOTIFY\n"),
            "Utility Statement" => out.push_str("Utility statements have no plan structure\n"),
            _ => {} // CREATE TABLE AS … IF NOT EXISTS on an existing relation: no TEXT at all
        }
        if plan.nodes.is_empty() {
            return;
        }
    }
    let q = plan_entries(plan, d);
    let qp = Props(&q);
    let mut w = Lines { out };
    for key in ["Query Text", "Query Parameters"] {
        if let Some(v) = qp.text(key) {
            w.line(0, &format!("{key}: {v}"));
        }
    }
    write_tree(plan, d, &mut w);
    write_trailer(plan, &qp, &mut w);
}

/// The node tree, in pre-order with an explicit stack.
fn write_tree(plan: &Plan, d: &Dialect, w: &mut Lines<'_>) {
    if plan.nodes.is_empty() {
        return;
    }
    // (node, column of the parent's properties; `None` for the root).
    let mut stack: Vec<(usize, Option<usize>)> = vec![(0, None)];
    while let Some((id, parent_col)) = stack.pop() {
        let node = &plan.nodes[id];
        let mut line = String::new();
        let col = match parent_col {
            None => 2,
            Some(pc) => {
                // A sub-plan's header sits at the parent's property column, its arrow 2 right.
                let arrow = match &node.subplan_name {
                    Some(name) => {
                        w.line(pc, name);
                        pc + 2
                    }
                    None => pc,
                };
                line.extend(std::iter::repeat_n(' ', arrow));
                line.push_str("->  ");
                arrow + 6
            }
        };
        let e = node_entries(node, d);
        let p = Props(&e);
        node_line(node, &p, d, &mut line);
        w.out.push_str(&line);
        w.out.push('\n');
        write_properties(node, &p, col, d, w);
        for &c in node.children.iter().rev() {
            stack.push((c, Some(col)));
        }
    }
}

/// A node's property lines, in its layout's order.
fn write_properties(node: &Node, p: &Props<'_>, col: usize, d: &Dialect, w: &mut Lines<'_>) {
    let slots: Vec<Slot> = layout::node_layout(node).collect();
    for slot in &slots {
        match *slot {
            Slot::Line(Line::Head) => {}
            Slot::Key(key, show) => simple(p, key, show, col, d, w),
            Slot::Line(l) => composite(node, p, l, col, d, w),
            Slot::Rest => rest(node, p, &slots, col, d, w),
        }
    }
}

/// Prints a simple property under its rule.
fn simple(p: &Props<'_>, key: &str, show: Show, col: usize, d: &Dialect, w: &mut Lines<'_>) {
    let Some(v) = p.get(key) else {
        return;
    };
    match show {
        Show::Always => {}
        Show::NonZero if v.num() == 0.0 => return,
        Show::True if *v != Out::Bool(true) => return,
        _ => {}
    }
    if key == "JIT" {
        match v {
            // 11–12: one block per worker on the Gather node.
            Out::List(blocks) => {
                for b in blocks {
                    let n = match b {
                        Out::Obj(e) => Props(e).text("Worker Number"),
                        _ => None,
                    };
                    jit(b, n.as_deref(), col, w);
                }
            }
            _ => jit(v, None, col, w),
        }
        return;
    }
    w.line(col, &format!("{key}: {}", v.text()));
    let _ = d;
}

/// Properties the layout does not place: known ones in their own line (`Label: value`, or the
/// line they belong to), then unknown ones (with the unit the server prints for the few it is
/// known for).
fn rest(node: &Node, p: &Props<'_>, slots: &[Slot], col: usize, d: &Dialect, w: &mut Lines<'_>) {
    // A line prints where its first key of its own is (`Peak Memory Usage` belongs to three
    // lines and goes with whichever of them prints, else on a line of its own).
    let prints = |l: Line| {
        let mut scratch = String::new();
        composite(node, p, l, col, d, &mut Lines { out: &mut scratch });
        !scratch.is_empty()
    };
    let mut printed: Vec<Line> = Vec::new();
    for (key, _) in p.0 {
        if key.starts_with(EXTRA_MARK) || layout::placed(slots, key) {
            continue;
        }
        let owner = |l: &Line| l.keys().contains(&key.as_str());
        if Line::shared(key) {
            // `Memory Usage:` is on the Buckets, Batches and Hits lines only.
            let carried = [
                "Hash Buckets",
                "HashAgg Batches",
                "Cache Hits",
                "Cache Misses",
            ]
            .iter()
            .any(|k| p.get(k).is_some());
            if !carried {
                simple(p, key, layout::show_of(key), col, d, w);
            }
            continue;
        }
        let Some(&l) = Line::MOVABLE.iter().find(|l| owner(l)) else {
            simple(p, key, layout::show_of(key), col, d, w);
            continue;
        };
        if printed.contains(&l) {
            continue;
        }
        printed.push(l);
        if prints(l) {
            composite(node, p, l, col, d, w);
        } else {
            // The line's leading item is missing: its own items on lines of their own.
            for k in l.keys().iter().filter(|k| !Line::shared(k)) {
                simple(p, k, layout::show_of(k), col, d, w);
            }
        }
    }
    for (key, v) in p.0 {
        if let Some(raw) = key.strip_prefix(EXTRA_MARK) {
            if raw == "Unparsed Text" {
                continue;
            }
            let unit = EXTRA_UNITS
                .iter()
                .find(|(k, _)| *k == raw)
                .map_or("", |(_, u)| u);
            w.line(col, &format!("{raw}: {}{unit}", v.text()));
        }
    }
}

/// Units TEXT prints after the value of properties the model does not know (extensions).
const EXTRA_UNITS: &[(&str, &str)] = &[("Foreign File Size", " b")];

/// The node line (§3.1): prefixes and name, target, cost block, actual block.
fn node_line(node: &Node, p: &Props<'_>, d: &Dialect, line: &mut String) {
    line.push_str(&text_node_name(node));
    target(node, line);
    if let Some(Out::Str(rest)) = p.get(&format!("{EXTRA_MARK}Unparsed Text")) {
        line.push(' ');
        line.push_str(rest);
    }
    if p.get("Total Cost").is_some() || p.get("Startup Cost").is_some() {
        let n = |k: &str| p.text(k).unwrap_or_else(|| zero(k, d));
        line.push_str(&format!(
            "  (cost={}..{} rows={} width={})",
            n("Startup Cost"),
            n("Total Cost"),
            n("Plan Rows"),
            n("Plan Width")
        ));
    }
    if let Some(loops) = p.get("Actual Loops") {
        let rows = p
            .text("Actual Rows")
            .unwrap_or_else(|| zero("Actual Rows", d));
        if never_executed(node) {
            line.push_str(" (never executed)");
        } else {
            match (p.text("Actual Startup Time"), p.text("Actual Total Time")) {
                (Some(a), Some(b)) => line.push_str(&format!(
                    " (actual time={a}..{b} rows={rows} loops={})",
                    loops.text()
                )),
                _ => line.push_str(&format!(" (actual rows={rows} loops={})", loops.text())),
            }
        }
    }
}

/// ` using index`, ` on [schema.]object [alias]` (§3.4).
fn target(node: &Node, line: &mut String) {
    let t = node.node_type();
    let scan = node.scan.as_deref();
    if matches!(t, NodeType::IndexScan | NodeType::IndexOnlyScan) {
        if let Some(i) = &node.index_name {
            line.push_str(" using ");
            line.push_str(&quote_identifier(i));
        }
    }
    if *t == NodeType::BitmapIndexScan {
        if let Some(i) = &node.index_name {
            line.push_str(" on ");
            line.push_str(&quote_identifier(i));
        }
        return;
    }
    let object: Option<&String> = match t {
        NodeType::FunctionScan => scan.and_then(|s| s.function_name.as_ref()),
        NodeType::TableFunctionScan => scan.and_then(|s| s.table_function_name.as_ref()),
        NodeType::CteScan | NodeType::WorkTableScan => scan.and_then(|s| s.cte_name.as_ref()),
        NodeType::SubqueryScan | NodeType::ValuesScan => None,
        NodeType::NamedTuplestoreScan => return,
        t if t.is_scan() || matches!(t, NodeType::ModifyTable | NodeType::Other(_)) => {
            node.relation_name.as_ref()
        }
        _ => return,
    };
    let alias = node.alias.as_ref();
    if object.is_none() && alias.is_none() {
        return;
    }
    line.push_str(" on");
    if let Some(o) = object {
        line.push(' ');
        if let Some(s) = node.schema() {
            line.push_str(&quote_identifier(s));
            line.push('.');
        }
        line.push_str(&quote_identifier(o));
    }
    if let Some(a) = alias {
        if object != Some(a) {
            line.push(' ');
            line.push_str(&quote_identifier(a));
        }
    }
}

/// A line assembled from several properties.
fn composite(node: &Node, p: &Props<'_>, l: Line, col: usize, d: &Dialect, w: &mut Lines<'_>) {
    match l {
        Line::Head => {}
        Line::Actual => {
            if let Some(loops) = p.text("Actual Loops") {
                let rows = p
                    .text("Actual Rows")
                    .unwrap_or_else(|| zero("Actual Rows", d));
                let s = match (p.text("Actual Startup Time"), p.text("Actual Total Time")) {
                    (Some(a), Some(b)) => format!("actual time={a}..{b} rows={rows} loops={loops}"),
                    _ => format!("actual rows={rows} loops={loops}"),
                };
                w.line(col, &s);
            }
        }
        Line::Buffers => {
            if let Some(s) = buffers(p) {
                w.line(col, &s);
            }
        }
        Line::IoTimings => {
            if let Some(s) = io_timings(p, d) {
                w.line(col, &s);
            }
        }
        Line::Wal => {
            let parts = kv(
                p,
                &[
                    ("records", "WAL Records"),
                    ("fpi", "WAL FPI"),
                    ("bytes", "WAL Bytes"),
                    ("buffers full", "WAL Buffers Full"),
                    ("fpi bytes", "WAL FPI Bytes"),
                ],
            );
            if !parts.is_empty() {
                w.line(col, &format!("WAL: {parts}"));
            }
        }
        Line::ReadStream => {
            let pre = kv_all(
                p,
                &[
                    ("avg", "Average Prefetch Distance"),
                    ("max", "Max Prefetch Distance"),
                    ("capacity", "Prefetch Capacity"),
                ],
            );
            if !pre.is_empty() {
                w.line(col, &format!("Prefetch: {pre}"));
            }
            let io = kv_all(
                p,
                &[
                    ("count", "I/O Count"),
                    ("waits", "I/O Waits"),
                    ("size", "Average I/O Size"),
                    ("inprogress", "Average I/Os In Progress"),
                ],
            );
            if !io.is_empty() {
                w.line(col, &format!("I/O: {io}"));
            }
        }
        Line::SortMethod => {
            if let Some(m) = p.text("Sort Method") {
                let mut s = format!("Sort Method: {m}");
                if let Some(used) = p.text("Sort Space Used") {
                    let kind = p.text("Sort Space Type").unwrap_or_else(|| "Memory".into());
                    s.push_str(&format!("  {kind}: {used}kB"));
                }
                w.line(col, &s);
            }
        }
        Line::SortGroups => {
            for key in ["Full-sort Groups", "Pre-sorted Groups"] {
                if let Some(Out::Obj(g)) = p.get(key) {
                    w.line(col, &sort_groups(key, &Props(g)));
                }
            }
        }
        Line::Hash => {
            if let Some(b) = p.text("Hash Buckets") {
                let n = p.text("Hash Batches").unwrap_or_else(|| "0".into());
                let ob = p.text("Original Hash Buckets").unwrap_or_else(|| b.clone());
                let on = p.text("Original Hash Batches").unwrap_or_else(|| n.clone());
                let mem = p.text("Peak Memory Usage").unwrap_or_else(|| "0".into());
                let s = if ob != b || on != n {
                    format!(
                        "Buckets: {b} (originally {ob})  Batches: {n} (originally {on})  Memory Usage: {mem}kB"
                    )
                } else {
                    format!("Buckets: {b}  Batches: {n}  Memory Usage: {mem}kB")
                };
                w.line(col, &s);
            }
        }
        Line::HashAgg => {
            let mut parts = Vec::new();
            if let Some(pp) = p.nonzero("Planned Partitions") {
                parts.push(format!("Planned Partitions: {pp}"));
            }
            if let Some(b) = p.text("HashAgg Batches") {
                let mem = p.text("Peak Memory Usage").unwrap_or_else(|| "0".into());
                parts.push(format!("Batches: {b}  Memory Usage: {mem}kB"));
                if p.num("HashAgg Batches") > 1.0 {
                    let disk = p.text("Disk Usage").unwrap_or_else(|| "0".into());
                    parts.push(format!("Disk Usage: {disk}kB"));
                }
            }
            if !parts.is_empty() {
                w.line(col, &parts.join("  "));
            }
        }
        Line::Memoize => {
            if p.get("Cache Hits").is_some() || p.get("Cache Misses").is_some() {
                let n = |k: &str| p.text(k).unwrap_or_else(|| "0".into());
                w.line(
                    col,
                    &format!(
                        "Hits: {}  Misses: {}  Evictions: {}  Overflows: {}  Memory Usage: {}kB",
                        n("Cache Hits"),
                        n("Cache Misses"),
                        n("Cache Evictions"),
                        n("Cache Overflows"),
                        n("Peak Memory Usage")
                    ),
                );
            }
        }
        Line::Estimates => {
            let mut parts = kv_all(
                p,
                &[
                    ("capacity", "Estimated Capacity"),
                    ("distinct keys", "Estimated Distinct Lookup Keys"),
                    ("lookups", "Estimated Lookups"),
                    ("hit percent", "Estimated Hit Percent"),
                ],
            );
            if !parts.is_empty() {
                if p.get("Estimated Hit Percent").is_some() {
                    parts.push('%');
                }
                w.line(col, &format!("Estimates: {parts}"));
            }
        }
        Line::HeapBlocks => {
            let parts = kv(
                p,
                &[
                    ("exact", "Exact Heap Blocks"),
                    ("lossy", "Lossy Heap Blocks"),
                ],
            );
            if !parts.is_empty() {
                w.line(col, &format!("Heap Blocks: {parts}"));
            }
        }
        Line::MergeTuples => {
            let parts = kv(
                p,
                &[
                    ("inserted", "Tuples Inserted"),
                    ("updated", "Tuples Updated"),
                    ("deleted", "Tuples Deleted"),
                    ("skipped", "Tuples Skipped"),
                ],
            );
            if !parts.is_empty() {
                w.line(col, &format!("Tuples: {parts}"));
            }
        }
        Line::Storage => {
            if let Some(kind) = p.text("Storage") {
                let mut s = format!("Storage: {kind}");
                if let Some(max) = p.text("Maximum Storage") {
                    s.push_str(&format!("  Maximum Storage: {max}kB"));
                }
                w.line(col, &s);
            }
        }
        Line::Sampling => {
            if let Some(m) = p.text("Sampling Method") {
                let mut s = format!("Sampling: {m}");
                if let Some(params) = p.text("Sampling Parameters") {
                    s.push_str(&format!(" ({params})"));
                }
                if let Some(seed) = p.text("Repeatable Seed") {
                    s.push_str(&format!(" REPEATABLE ({seed})"));
                }
                w.line(col, &s);
            }
        }
        Line::Grouping => {
            if let Some(k) = p.text("Group Key") {
                w.line(col, &format!("Group Key: {k}"));
            }
            if let Some(Out::List(sets)) = p.get("Grouping Sets") {
                for set in sets {
                    if let Out::Obj(e) = set {
                        grouping_set(&Props(e), col, w);
                    }
                }
            }
        }
        Line::TargetTables => {
            if let Some(Out::List(tables)) = p.get("Target Tables") {
                let op = text_node_name(&Node {
                    node_type: Some(NodeType::ModifyTable),
                    operation: node.operation,
                    ..Node::default()
                });
                for t in tables {
                    if let Out::Obj(e) = t {
                        target_table(&op, &Props(e), col, w);
                    }
                }
            }
        }
        Line::Workers => {
            if let Some(Out::List(workers)) = p.get("Workers") {
                for wk in workers {
                    if let Out::Obj(e) = wk {
                        worker(node.node_type(), &Props(e), col, d, w);
                    }
                }
            }
        }
        Line::Memory => {
            if p.get("Memory Used").is_some() || p.get("Memory Allocated").is_some() {
                let n = |k: &str| p.text(k).unwrap_or_else(|| "0".into());
                w.line(
                    col,
                    &format!(
                        "Memory: used={}kB  allocated={}kB",
                        n("Memory Used"),
                        n("Memory Allocated")
                    ),
                );
            }
        }
    }
}

/// `word=value` items separated by single spaces, for the non-zero values.
fn kv(p: &Props<'_>, items: &[(&str, &str)]) -> String {
    let mut s = String::new();
    for (word, key) in items {
        if let Some(v) = p.nonzero(key) {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&format!("{word}={v}"));
        }
    }
    s
}

/// `word=value` items for every present value.
fn kv_all(p: &Props<'_>, items: &[(&str, &str)]) -> String {
    let mut s = String::new();
    for (word, key) in items {
        if let Some(v) = p.text(key) {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&format!("{word}={v}"));
        }
    }
    s
}

/// `Buffers: shared hit=… read=…, local …, temp …` (scopes and counters that are non-zero).
fn buffers(p: &Props<'_>) -> Option<String> {
    const SCOPES: &[(&str, &[(&str, &str)])] = &[
        (
            "shared",
            &[
                ("hit", "Shared Hit Blocks"),
                ("read", "Shared Read Blocks"),
                ("dirtied", "Shared Dirtied Blocks"),
                ("written", "Shared Written Blocks"),
            ],
        ),
        (
            "local",
            &[
                ("hit", "Local Hit Blocks"),
                ("read", "Local Read Blocks"),
                ("dirtied", "Local Dirtied Blocks"),
                ("written", "Local Written Blocks"),
            ],
        ),
        (
            "temp",
            &[
                ("read", "Temp Read Blocks"),
                ("written", "Temp Written Blocks"),
            ],
        ),
    ];
    scoped("Buffers", p, SCOPES)
}

/// `Label: scope k=v k=v, scope k=v` for the scopes with a non-zero value.
fn scoped(label: &str, p: &Props<'_>, scopes: &[(&str, &[(&str, &str)])]) -> Option<String> {
    let groups: Vec<String> = scopes
        .iter()
        .filter_map(|(scope, items)| {
            let parts = kv(p, items);
            (!parts.is_empty()).then(|| {
                if scope.is_empty() {
                    parts
                } else {
                    format!("{scope} {parts}")
                }
            })
        })
        .collect();
    (!groups.is_empty()).then(|| format!("{label}: {}", groups.join(", ")))
}

/// `I/O Timings:` in the dialect's spelling (§5.14).
fn io_timings(p: &Props<'_>, d: &Dialect) -> Option<String> {
    // 9.6–16 keep shared and local together under `I/O Read Time`; 17+ split them.
    let shared: &[(&str, &str)] =
        if p.get("I/O Read Time").is_some() || p.get("I/O Write Time").is_some() {
            &[("read", "I/O Read Time"), ("write", "I/O Write Time")]
        } else {
            &[
                ("read", "Shared I/O Read Time"),
                ("write", "Shared I/O Write Time"),
            ]
        };
    let local: &[(&str, &str)] = &[
        ("read", "Local I/O Read Time"),
        ("write", "Local I/O Write Time"),
    ];
    let temp: &[(&str, &str)] = &[
        ("read", "Temp I/O Read Time"),
        ("write", "Temp I/O Write Time"),
    ];
    match d.io_timings {
        IoScheme::Unscoped => scoped("I/O Timings", p, &[("", shared)]),
        _ => scoped(
            "I/O Timings",
            p,
            &[("shared", shared), ("local", local), ("temp", temp)],
        ),
    }
}

/// `Full-sort Groups: N  Sort Method: m  Average Memory: NkB  Peak Memory: NkB …`.
fn sort_groups(key: &str, g: &Props<'_>) -> String {
    let label = key.trim_end_matches(" Groups");
    let count = g.text("Group Count").unwrap_or_else(|| "0".into());
    let methods = match g.get("Sort Methods Used") {
        Some(Out::List(m)) => m.iter().map(Out::text).collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    let mut s = format!(
        "{label} Groups: {count}  Sort Method{}: {}",
        if methods.len() > 1 { "s" } else { "" },
        methods.join(", ")
    );
    for (space, name) in [("Sort Space Memory", "Memory"), ("Sort Space Disk", "Disk")] {
        if let Some(Out::Obj(e)) = g.get(space) {
            let e = Props(e);
            let n = |k: &str| e.text(k).unwrap_or_else(|| "0".into());
            s.push_str(&format!(
                "  Average {name}: {}kB  Peak {name}: {}kB",
                n("Average Sort Space Used"),
                n("Peak Sort Space Used")
            ));
        }
    }
    s
}

/// One grouping-set phase: `Sort Key:` with its keys 2 columns right, or the keys alone.
fn grouping_set(g: &Props<'_>, col: usize, w: &mut Lines<'_>) {
    let mut col = col;
    if let Some(k) = g.text("Sort Key") {
        w.line(col, &format!("Sort Key: {k}"));
        col += 2;
    }
    for (key, label) in [("Group Keys", "Group Key"), ("Hash Keys", "Hash Key")] {
        if let Some(Out::List(sets)) = g.get(key) {
            for set in sets {
                let keys = match set {
                    Out::List(items) if items.is_empty() => "()".to_string(),
                    other => other.text(),
                };
                w.line(col, &format!("{label}: {keys}"));
            }
        }
    }
}

/// A result relation of a ModifyTable: `Update on [schema.]rel [alias]`, its FDW lines +2.
fn target_table(op: &str, t: &Props<'_>, col: usize, w: &mut Lines<'_>) {
    let mut s = format!("{op} on ");
    let rel = t.text("Relation Name");
    if let Some(schema) = t.text("Schema") {
        s.push_str(&quote_identifier(&schema));
        s.push('.');
    }
    if let Some(r) = &rel {
        s.push_str(&quote_identifier(r));
    }
    if let Some(a) = t.text("Alias") {
        if rel.as_ref() != Some(&a) {
            if rel.is_some() {
                s.push(' ');
            }
            s.push_str(&quote_identifier(&a));
        }
    }
    w.line(col, &s);
    for (k, v) in t.0 {
        if let Some(raw) = k.strip_prefix(EXTRA_MARK) {
            w.line(col + 2, &format!("{raw}: {}", v.text()));
        }
    }
}

/// A worker's block (13+): `Worker N:  ` then its first item on the same line, the others 2
/// columns right. A worker with nothing to print is skipped.
fn worker(t: &NodeType, p: &Props<'_>, col: usize, d: &Dialect, w: &mut Lines<'_>) {
    let mut body = String::new();
    {
        let mut inner = Lines { out: &mut body };
        let slots = layout::worker_layout(t);
        for slot in slots {
            match *slot {
                Slot::Key("Worker Number", _) => {}
                Slot::Key(key, show) => simple(p, key, show, col + 2, d, &mut inner),
                Slot::Line(l) => composite(&Node::default(), p, l, col + 2, d, &mut inner),
                Slot::Rest => rest(&Node::default(), p, slots, col + 2, d, &mut inner),
            }
        }
    }
    if body.is_empty() {
        return;
    }
    let n = p.text("Worker Number").unwrap_or_else(|| "0".into());
    // The first item joins the `Worker N:` line.
    let first = &body[col + 2..];
    w.out.extend(std::iter::repeat_n(' ', col));
    w.out.push_str(&format!("Worker {n}:  "));
    w.out.push_str(first);
}

/// A JIT block: `JIT:` (or `JIT for worker N:`), then functions, options and timing +2.
fn jit(v: &Out, worker: Option<&str>, col: usize, w: &mut Lines<'_>) {
    let Out::Obj(e) = v else {
        return;
    };
    let j = Props(e);
    match worker {
        Some(n) => w.line(col, &format!("JIT for worker {n}:")),
        None => w.line(col, "JIT:"),
    }
    let c = col + 2;
    if let Some(f) = j.text("Functions") {
        w.line(c, &format!("Functions: {f}"));
    }
    // An empty group prints nothing (the server never prints one).
    let group = |k: &str| match j.get(k) {
        Some(Out::Obj(e)) if !e.is_empty() => Some(e),
        _ => None,
    };
    if let Some(o) = group("Options") {
        let parts: Vec<String> = o.iter().map(|(k, v)| format!("{k} {}", v.text())).collect();
        w.line(c, &format!("Options: {}", parts.join(", ")));
    }
    if let Some(t) = group("Timing") {
        let parts: Vec<String> = t
            .iter()
            .map(|(k, v)| match v {
                Out::Obj(g) => {
                    let g = Props(g);
                    let total = g.text("Total").unwrap_or_else(|| "0.000".into());
                    match g.text("Deform") {
                        Some(df) => format!("{k} {total} ms (Deform {df} ms)"),
                        None => format!("{k} {total} ms"),
                    }
                }
                other => format!("{k} {} ms", other.text()),
            })
            .collect();
        w.line(c, &format!("Timing: {}", parts.join(", ")));
    }
}

/// The query-level lines after the tree (§2.1): Settings, Query Identifier, Planning, Planning
/// Time, triggers, JIT, Serialization, (unknown ones), Execution Time.
fn write_trailer(plan: &Plan, q: &Props<'_>, w: &mut Lines<'_>) {
    let d = Dialect::of(plan);
    for (key, v) in q.0 {
        match key.as_str() {
            "Query Text" | "Query Parameters" | "Execution Time" => {}
            "Settings" => {
                if let Out::Obj(s) = v {
                    if !s.is_empty() {
                        let parts: Vec<String> = s
                            .iter()
                            .map(|(k, v)| format!("{k} = '{}'", v.text().replace('\'', "''")))
                            .collect();
                        w.line(0, &format!("Settings: {}", parts.join(", ")));
                    }
                }
            }
            "Planning" => {
                if let Out::Obj(e) = v {
                    let mut body = String::new();
                    let mut inner = Lines { out: &mut body };
                    let pp = Props(e);
                    for l in [Line::Buffers, Line::IoTimings, Line::Memory] {
                        composite(&Node::default(), &pp, l, 2, &d, &mut inner);
                    }
                    if !body.is_empty() {
                        w.line(0, "Planning:");
                        w.out.push_str(&body);
                    }
                }
            }
            "Planning Time" => w.line(0, &format!("Planning Time: {} ms", v.text())),
            "Triggers" => {
                if let Out::List(ts) = v {
                    let show_relation = show_trigger_relations(plan);
                    for t in ts {
                        if let Out::Obj(e) = t {
                            w.line(0, &trigger(&Props(e), show_relation));
                        }
                    }
                }
            }
            "JIT" => jit(v, None, 0, w),
            "Serialization" => {
                if let Out::Obj(e) = v {
                    let s = Props(e);
                    let mut parts = Vec::new();
                    if let Some(t) = s.text("Time") {
                        parts.push(format!("time={t} ms"));
                    }
                    if let Some(o) = s.text("Output Volume") {
                        parts.push(format!("output={o}kB"));
                    }
                    if let Some(f) = s.text("Format") {
                        parts.push(format!("format={f}"));
                    }
                    w.line(0, &format!("Serialization: {}", parts.join("  ")));
                    composite(&Node::default(), &s, Line::Buffers, 2, &d, w);
                    composite(&Node::default(), &s, Line::IoTimings, 2, &d, w);
                }
            }
            other => {
                let label = other.strip_prefix(EXTRA_MARK).unwrap_or(other);
                w.line(0, &format!("{label}: {}", v.text()));
            }
        }
    }
    if let Some(v) = q.text("Execution Time") {
        w.line(0, &format!("Execution Time: {v} ms"));
    }
}

/// `Trigger name[ for constraint c][ on rel]: time=… calls=…` (§8).
fn trigger(t: &Props<'_>, show_relation: bool) -> String {
    let mut s = String::from("Trigger");
    if let Some(n) = t.text("Trigger Name") {
        s.push(' ');
        s.push_str(&n);
    }
    if let Some(c) = t.text("Constraint Name") {
        s.push_str(" for constraint ");
        s.push_str(&c);
    }
    if show_relation {
        if let Some(r) = t.text("Relation") {
            s.push_str(" on ");
            s.push_str(&r);
        }
    }
    s.push_str(": ");
    if let Some(time) = t.text("Time") {
        s.push_str(&format!("time={time} "));
    }
    s.push_str(&format!(
        "calls={}",
        t.text("Calls").unwrap_or_else(|| "0".into())
    ));
    s
}

/// Whether trigger lines name their relation: the server does when more than one relation is
/// involved (§8); the plan shows it when a trigger fired on a table other than the one the
/// statement modifies.
fn show_trigger_relations(plan: &Plan) -> bool {
    let target = plan
        .nodes
        .iter()
        .find(|n| n.node_type == Some(NodeType::ModifyTable))
        .and_then(|n| n.relation_name.as_deref());
    plan.triggers
        .iter()
        .flatten()
        .any(|t| t.relation.is_some() && t.relation.as_deref() != target)
}
