//! Properties of the renderer over generated plans: parse(render(plan)) == plan.
//!
//! Plans are generated from the model's own tables: for every struct, a random subset of its
//! properties (`Properties::FIELDS` of the struct and of its groups), each with a value drawn
//! from the field's JSON Schema (numbers, whole numbers, strings, the closed sets of server
//! strings, lists, nested objects), plus properties the model does not know (`extra`). A
//! generated document is read by the JSON parser into the `Plan` under test, so the trees are
//! exactly the ones parsing can produce.
//!
//! * JSON: any such plan renders to JSON that reads back to the same plan (EXPLAIN options
//!   aside: they are inferred from what is printed).
//! * TEXT: plans whose strings TEXT can carry (one line, no leading or trailing blanks) and whose
//!   properties fit their node type render to TEXT that reads back to a plan holding every
//!   property of the original (TEXT omits zero counters and `false` flags, and the parser
//!   infers some properties TEXT never prints — see `NOT_IN_TEXT`), whose own rendering is the
//!   same TEXT, and which reads back to itself.

use planlint::model::value::Defs;
use planlint::model::{
    Buffers, Conditions, GatherStats, Grouping, GroupingSet, HashAggStats, HashStats,
    IncrementalSortGroups, IoTimings, Jit, JitOptions, JitTiming, JoinConditions, MemoizeStats,
    ModifyTableStats, Node, NodeDetails, NodeType, Operation, OtherConditions, ParentRelationship,
    Planning, Properties, ReadStreamIo, ScanDetails, ScanDirection, ScanStats, Serialization,
    SetOpCommand, SortSpace, SortStats, TargetTable, Trigger, Wal, Worker,
};
use planlint::{Format, ParseOptions, Plan};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// How the generated strings look.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Strings {
    /// Anything (control characters, quotes, backslashes, any Unicode).
    Any,
    /// What a TEXT line can carry.
    Text,
}

/// A finite number: mostly the kind the server prints, sometimes any finite `f64`.
fn number() -> BoxedStrategy<f64> {
    prop_oneof![
        4 => (0u64..10_000_000).prop_map(|n| n as f64 / 100.0),
        1 => (0u64..1000).prop_map(|n| n as f64),
        1 => any::<f64>().prop_filter("finite", |v| v.is_finite()),
    ]
    .boxed()
}

fn string(kind: Strings) -> BoxedStrategy<String> {
    match kind {
        Strings::Any => prop_oneof![
            3 => "[a-z_][a-z0-9_]{0,8}",
            2 => any::<String>(),
            1 => "[\\\\\"\u{0}-\u{1f}\u{7f}é→]{0,6}",
        ]
        .boxed(),
        // One line, not empty, no leading/trailing blank, no `, ` (which splits TEXT lists), no
        // ` on `/` for constraint ` (which split trigger lines): names that need quoting
        // (`Mixed`, `*VALUES*`, keywords) and expressions with string constants.
        Strings::Text => prop_oneof![
            3 => "[a-z_][a-z0-9_]{0,8}",
            1 => "[A-Z][A-Za-z0-9_]{0,6}",
            1 => "\\*[A-Z]{1,6}\\*",
            1 => prop::sample::select(vec!["xmltable", "order", "user", "select"]).prop_map(String::from),
            2 => "\\((?:[a-z]{1,3}\\.)?[a-z]{1,5} (=|<>|>=) ('[a-z]{0,4}(?:'')?[a-z]{0,2}'::text|[0-9]{1,3})\\)",
        ]
        .boxed(),
    }
}

/// A value for a field, from its JSON Schema.
fn value(schema: &Value, defs: &Defs, kind: Strings, depth: u32) -> BoxedStrategy<Value> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return object_of(name, defs, kind, depth);
    }
    if let Some(Value::Array(options)) = schema.get("enum") {
        let options = options.clone();
        return prop::sample::select(options).boxed();
    }
    if let Some(Value::Array(examples)) = schema.get("examples") {
        let examples = examples.clone();
        return prop_oneof![
            4 => prop::sample::select(examples),
            1 => string(kind).prop_map(Value::String),
        ]
        .boxed();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("number") => number().prop_map(|v| json!(v)).boxed(),
        // TEXT reads the numbers of a node line as doubles: exact up to 2^53.
        Some("integer") if schema.get("minimum").is_some() && kind == Strings::Text => prop_oneof![
            4 => (0u64..100_000).prop_map(|v| json!(v)),
            1 => (0u64..1 << 53).prop_map(|v| json!(v)),
        ]
        .boxed(),
        Some("integer") if schema.get("minimum").is_some() => prop_oneof![
            4 => (0u64..100_000).prop_map(|v| json!(v)),
            1 => any::<u64>().prop_map(|v| json!(v)),
        ]
        .boxed(),
        Some("integer") if kind == Strings::Text => (0i64..64).prop_map(|v| json!(v)).boxed(),
        Some("integer") => any::<i64>().prop_map(|v| json!(v)).boxed(),
        Some("boolean") => any::<bool>().prop_map(Value::Bool).boxed(),
        // The query identifier (a string in the canonical form, a number in the server's).
        Some("string") if schema.get("pattern").is_some() => {
            any::<i64>().prop_map(|v| json!(v)).boxed()
        }
        Some("string") => string(kind).prop_map(Value::String).boxed(),
        Some("array") => {
            let items = schema.get("items").cloned().unwrap_or(Value::Null);
            let item = value(&items, defs, kind, depth + 1);
            let min = if kind == Strings::Text { 1 } else { 0 };
            prop::collection::vec(item, min..3)
                .prop_map(Value::Array)
                .boxed()
        }
        // `Settings`: names to string values.
        Some("object") => prop::collection::btree_map(
            "[a-z_]{1,12}",
            string(kind),
            usize::from(kind == Strings::Text)..3,
        )
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k, Value::String(v))).collect()))
        .boxed(),
        _ => Just(Value::Null).boxed(),
    }
}

/// `(server key, schema)` of every property of a struct and of its groups.
fn fields<T: Properties>(defs: &mut Defs) -> Vec<(&'static str, Value)> {
    T::FIELDS
        .iter()
        .map(|f| (f.key, (f.schema)(defs)))
        .collect()
}

/// The properties of the model's structs by their schema name.
fn struct_fields(name: &str, defs: &mut Defs) -> Vec<(&'static str, Value)> {
    let mut v = match name {
        "Node" => {
            let mut v = fields::<Node>(defs);
            v.extend(fields::<ScanDetails>(defs));
            v.extend(fields::<ScanStats>(defs));
            v.extend(fields::<Conditions>(defs));
            v.extend(fields::<JoinConditions>(defs));
            v.extend(fields::<OtherConditions>(defs));
            v.extend(fields::<SortStats>(defs));
            v.extend(fields::<Grouping>(defs));
            v.extend(fields::<HashStats>(defs));
            v.extend(fields::<HashAggStats>(defs));
            v.extend(fields::<MemoizeStats>(defs));
            v.extend(fields::<GatherStats>(defs));
            v.extend(fields::<ModifyTableStats>(defs));
            v.extend(fields::<Buffers>(defs));
            v.extend(fields::<IoTimings>(defs));
            v.extend(fields::<Wal>(defs));
            v.extend(fields::<ReadStreamIo>(defs));
            v
        }
        "Worker" => {
            let mut v = fields::<Worker>(defs);
            v.extend(fields::<SortStats>(defs));
            v.extend(fields::<HashAggStats>(defs));
            v.extend(fields::<MemoizeStats>(defs));
            v.extend(fields::<Buffers>(defs));
            v.extend(fields::<IoTimings>(defs));
            v.extend(fields::<Wal>(defs));
            v.extend(fields::<ReadStreamIo>(defs));
            v
        }
        "Planning" | "Serialization" => {
            let mut v = if name == "Planning" {
                fields::<Planning>(defs)
            } else {
                fields::<Serialization>(defs)
            };
            v.extend(fields::<Buffers>(defs));
            v.extend(fields::<IoTimings>(defs));
            v
        }
        "Plan" => fields::<Plan>(defs),
        "Trigger" => fields::<Trigger>(defs),
        "Jit" => fields::<Jit>(defs),
        "JitOptions" => fields::<JitOptions>(defs),
        "JitTiming" => fields::<JitTiming>(defs),
        "TargetTable" => fields::<TargetTable>(defs),
        "GroupingSet" => fields::<GroupingSet>(defs),
        "IncrementalSortGroups" => fields::<IncrementalSortGroups>(defs),
        "SortSpace" => fields::<SortSpace>(defs),
        other => panic!("no generator for {other}"),
    };
    // The node tree is generated by `node` (children under `Plans`).
    v.retain(|(k, _)| *k != "Node Type");
    v
}

/// An object of a model struct: a random subset of its properties, plus unknown ones.
fn object_of(name: &str, defs: &Defs, kind: Strings, depth: u32) -> BoxedStrategy<Value> {
    let mut defs = defs.clone();
    let mut fields = struct_fields(name, &mut defs);
    if name == "Node" {
        // A node's `JIT` (11–12) is one object per `"JIT"` key, not an array.
        for (k, s) in &mut fields {
            if *k == "JIT" {
                *s = json!({"$ref": "#/$defs/Jit"});
            }
        }
    }
    if depth > 3 {
        fields.retain(|(_, s)| s.get("$ref").is_none() && s.pointer("/items/$ref").is_none());
    }
    let n = fields.len();
    let values: Vec<(&'static str, BoxedStrategy<Value>)> = fields
        .iter()
        .map(|(k, s)| (*k, value(s, &defs, kind, depth + 1)))
        .collect();
    let extra = if name == "JitTiming" {
        Just(Vec::new()).boxed()
    } else {
        let key = if kind == Strings::Text {
            "x-[a-z]{1,8}"
        } else {
            "x-[a-z ]{1,8}"
        };
        prop::collection::vec((key, unknown(kind)), 0..2).boxed()
    };
    (
        prop::sample::subsequence((0..n).collect::<Vec<_>>(), 0..=n.min(12)),
        extra,
    )
        .prop_flat_map(move |(chosen, extra)| {
            let picked: Vec<BoxedStrategy<(String, Value)>> = chosen
                .into_iter()
                .map(|i| {
                    let (k, s) = &values[i];
                    let k = k.to_string();
                    s.clone().prop_map(move |v| (k.clone(), v)).boxed()
                })
                .collect();
            (picked, Just(extra))
        })
        .prop_map(|(pairs, extra)| {
            let mut m = Map::new();
            for (k, v) in pairs.into_iter().chain(extra) {
                m.insert(k, v);
            }
            Value::Object(m)
        })
        .boxed()
}

/// A value the model does not know.
fn unknown(kind: Strings) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        string(kind).prop_map(Value::String),
        any::<i64>().prop_map(|v| json!(v)),
        any::<bool>().prop_map(Value::Bool),
    ];
    if kind == Strings::Text {
        return leaf.boxed();
    }
    leaf.prop_recursive(2, 6, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,4}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// A node tree (JSON), children under `Plans`.
fn node_tree(defs: &Defs, kind: Strings) -> BoxedStrategy<Value> {
    let node_type = prop::sample::select(NodeType::KNOWN.to_vec());
    let leaf = (node_type, object_of("Node", defs, kind, 0))
        .prop_map(|(t, mut v)| {
            v.as_object_mut()
                .unwrap()
                .insert("Node Type".into(), json!(t));
            v
        })
        .boxed();
    leaf.clone()
        .prop_recursive(4, 16, 3, move |inner| {
            (leaf.clone(), prop::collection::vec(inner, 1..4)).prop_map(|(mut n, kids)| {
                n.as_object_mut()
                    .unwrap()
                    .insert("Plans".into(), Value::Array(kids));
                n
            })
        })
        .boxed()
}

/// A whole document: one or two plans (or a utility statement), as the server prints them.
fn document(kind: Strings) -> impl proptest::strategy::Strategy<Value = String> {
    let mut defs = Defs::new();
    let _ = struct_fields("Node", &mut defs);
    let query =
        (object_of("Plan", &defs, kind, 0), node_tree(&defs, kind)).prop_map(|(mut q, tree)| {
            q.as_object_mut().unwrap().insert("Plan".into(), tree);
            q
        });
    let item = prop_oneof![
        8 => query,
        1 => prop::sample::select(vec!["Notify", "Utility Statement", "CREATE TABLE AS"])
            .prop_map(|s| json!(s)),
    ];
    prop::collection::vec(item, 1..3).prop_map(|v| Value::Array(v).to_string())
}

fn read(text: &str, format: Format) -> Vec<Plan> {
    let mut o = ParseOptions::with_format(format);
    o.max_depth = usize::MAX;
    planlint::parse_with(text, &o).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The plans with the EXPLAIN options of `like` (they are inferred from what is printed).
fn with_options_of(mut plans: Vec<Plan>, like: &[Plan]) -> Vec<Plan> {
    for (p, l) in plans.iter_mut().zip(like) {
        p.options = l.options.clone();
    }
    plans
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn json_renders_back_to_the_same_plan(doc in document(Strings::Any)) {
        let plans = read(&doc, Format::Json);
        let json = planlint::render_json_plans(&plans);
        let back = with_options_of(read(&json, Format::Json), &plans);
        prop_assert!(back == plans, "{json}");
        // And printing is stable.
        prop_assert_eq!(planlint::render_json_plans(&back), json);
    }
}

/// Fits a generated plan to what TEXT can carry, as a server's plan would be (each rule says
/// which part of the format it follows). What remains must survive a TEXT round trip.
fn fit_for_text(plans: &mut Vec<Plan>) {
    // TEXT prints nothing for `CREATE TABLE AS` placeholders (§2.2).
    plans.retain(|p| p.utility.as_deref() != Some("CREATE TABLE AS"));
    for (i, p) in plans.iter_mut().enumerate() {
        // auto_explain prints `Query Parameters:` right after `Query Text:` only, and one plan
        // per log entry (the log parser splits entries): a `Query Text:` after a plan's trailer
        // belongs to that trailer in TEXT.
        if i > 0 {
            p.query_text = None;
            p.query_parameters = None;
        } else if p.query_parameters.is_some() && p.query_text.is_none() {
            p.query_text = Some("select 1".into());
        }
        // Query-level properties the model does not know print after the trailer only.
        p.extra.clear();
        if let Some(s) = p.serialization.as_mut() {
            s.extra.clear();
            if s.format.is_some() {
                s.format = Some("text".into());
            }
            old_io(&mut s.io_timings);
        }
        if let Some(pl) = p.planning.as_mut() {
            pl.extra.clear();
            old_io(&mut pl.io_timings);
        }
        if let Some(j) = p.jit.as_mut() {
            fit_jit(j);
        }
        // The server names the relation of every trigger or of none (`Trigger t on rel`, with
        // VERBOSE or several relations in the query).
        let named = p.triggers.iter().flatten().any(|t| t.relation.is_some());
        for t in p.triggers.iter_mut().flatten() {
            t.extra.clear();
            if t.trigger_name.is_none() {
                t.trigger_name = Some("trg".into());
            }
            if named {
                t.relation.get_or_insert_with(|| "rel".into());
            } else {
                t.relation = None;
            }
        }
        // The first I/O spelling the plan shows decides for all (§5.14): keep the 17+ keys.
        let n = p.nodes.len();
        for id in 0..n {
            fit_node(p, id);
        }
        // `Params Evaluated` exists in 11–16 only: not in a plan that shows 18's `rows=1.00`
        // (TEXT then tells no version, and the rows print without decimals when read back).
        if planlint::render::Dialect::of(p).rows_with_decimals {
            for node in &mut p.nodes {
                if let Some(g) = node.gather.as_mut() {
                    g.params_evaluated = None;
                }
            }
        }
    }
}

/// `v` as `%.2f` prints it (values so large that they have no fraction stay as they are:
/// scaling them by 100 would overflow to infinity).
fn two_decimals(v: f64) -> f64 {
    let r = (v * 100.0).round() / 100.0;
    if r.is_finite() { r } else { v }
}

fn fit_jit(j: &mut Jit) {
    j.extra.clear();
    j.worker_number = None;
    if let Some(o) = j.options.as_mut() {
        o.extra.clear();
    }
    if let Some(t) = j.timing.as_mut() {
        t.extra.clear();
    }
}

fn old_io(io: &mut Option<Box<IoTimings>>) {
    if let Some(t) = io.as_mut() {
        t.io_read_time = None;
        t.io_write_time = None;
    }
}

/// Clears fields of a node's boxed details, dropping the box when nothing is left in it (a
/// parsed node has no empty box, and plans are compared with `==`).
fn clear_details(n: &mut Node, clear: impl FnOnce(&mut NodeDetails)) {
    if let Some(d) = n.details.as_mut() {
        clear(d);
        if **d == NodeDetails::default() {
            n.details = None;
        }
    }
}

fn fit_node(p: &mut Plan, id: usize) {
    let n = &mut p.nodes[id];
    let t = n.node_type().clone();
    // §3.1: the node line's qualifiers exist for some node types only.
    match t {
        NodeType::Aggregate => {}
        NodeType::SetOp => {
            if !matches!(
                n.strategy,
                Some(planlint::model::Strategy::Sorted | planlint::model::Strategy::Hashed)
            ) {
                n.strategy = Some(planlint::model::Strategy::Sorted);
            }
            n.command.get_or_insert(SetOpCommand::Intersect);
        }
        _ => n.strategy = None,
    }
    if t != NodeType::Aggregate {
        n.partial_mode = None;
    }
    match t {
        NodeType::ModifyTable => {
            if matches!(n.operation, None | Some(Operation::Select)) {
                n.operation = Some(Operation::Insert);
            }
        }
        // The server names `Foreign Insert`, `Foreign Update` and `Foreign Delete` (a foreign
        // MERGE is not pushed down: there is no `Foreign Merge`).
        NodeType::ForeignScan => {
            if n.operation == Some(Operation::Merge) {
                n.operation = Some(Operation::Update);
            }
        }
        _ => n.operation = None,
    }
    if !t.is_join() {
        n.join_type = None;
    }
    if t != NodeType::SetOp {
        n.command = None;
    }
    if matches!(t, NodeType::IndexScan | NodeType::IndexOnlyScan) {
        if n.scan_direction == Some(ScanDirection::NoMovement) {
            n.scan_direction = Some(ScanDirection::Forward);
        }
    } else {
        n.scan_direction = None;
    }
    if !matches!(
        t,
        NodeType::IndexScan | NodeType::IndexOnlyScan | NodeType::BitmapIndexScan
    ) {
        n.index_name = None;
    }
    // §3.4: the target names one object (per node type), then an alias.
    let scan = n.scan.get_or_insert_with(Default::default);
    if t != NodeType::CustomScan {
        scan.custom_plan_provider = None;
    } else {
        // The server always names the provider, a C string without parentheses:
        // `Custom Scan (Provider)`.
        let p = scan
            .custom_plan_provider
            .get_or_insert_with(|| "Provider".into());
        if p.contains(['(', ')']) || p.trim() != p || p.is_empty() {
            *p = "Provider".into();
        }
    }
    if t != NodeType::FunctionScan {
        scan.function_name = None;
    }
    if t != NodeType::TableFunctionScan {
        scan.table_function_name = None;
    }
    if !matches!(t, NodeType::CteScan | NodeType::WorkTableScan) {
        scan.cte_name = None;
    }
    scan.tuplestore_name = None;
    let relation_object = matches!(
        t,
        NodeType::SeqScan
            | NodeType::SampleScan
            | NodeType::IndexScan
            | NodeType::IndexOnlyScan
            | NodeType::BitmapHeapScan
            | NodeType::TidScan
            | NodeType::TidRangeScan
            | NodeType::ForeignScan
            | NodeType::CustomScan
            | NodeType::ModifyTable
    );
    if !relation_object {
        n.relation_name = None;
    }
    let object = n.relation_name.is_some()
        || scan.function_name.is_some()
        || scan.table_function_name.is_some()
        || scan.cte_name.is_some();
    let alias_only = matches!(t, NodeType::SubqueryScan | NodeType::ValuesScan);
    if !(relation_object || t == NodeType::FunctionScan) || !object {
        clear_details(n, |d| d.schema = None);
    }
    if !object && !alias_only {
        n.alias = None;
    }
    // §4: relationships are implied by the tree, sub-plans print a header.
    n.parent_relationship = None;
    n.subplan_name = None;
    if id > 0 && id % 5 == 4 {
        n.parent_relationship = Some(ParentRelationship::SubPlan);
        n.subplan_name = Some(format!("SubPlan {id}"));
    } else if id > 0 && id % 7 == 3 {
        n.parent_relationship = Some(ParentRelationship::InitPlan);
        n.subplan_name = Some(format!("CTE c{id}"));
    }
    // §3.1: both blocks are whole; a node that never ran prints `(never executed)`.
    if n.startup_cost.is_some()
        || n.total_cost.is_some()
        || n.plan_rows.is_some()
        || n.plan_width.is_some()
    {
        // Costs print with two decimals (`%.2f`).
        n.startup_cost = Some(two_decimals(n.startup_cost.unwrap_or(0.0)));
        n.total_cost = Some(two_decimals(n.total_cost.unwrap_or(0.0)));
        // The cost block's rows are whole (`%.0f`); fractional rows are 18's actual rows.
        n.plan_rows = Some(n.plan_rows.unwrap_or(0.0).round());
        n.plan_width.get_or_insert(0);
    }
    fit_actual(
        &mut n.actual_startup_time,
        &mut n.actual_total_time,
        &mut n.actual_rows,
        &mut n.actual_loops,
    );
    // §5: composite lines are printed whole, from their first item.
    if let Some(s) = n.sort.as_mut() {
        fit_sort(s);
    }
    if let Some(h) = n.hash.as_mut() {
        if h.hash_buckets.is_none() {
            n.hash = None;
            if t == NodeType::Hash {
                clear_details(n, |d| d.peak_memory_usage = None);
            }
        }
    } else if t == NodeType::Hash {
        clear_details(n, |d| d.peak_memory_usage = None);
    }
    if let Some(h) = n.hashagg.as_mut() {
        if h.hashagg_batches.is_none() {
            h.disk_usage = None;
            if t == NodeType::Aggregate {
                clear_details(n, |d| d.peak_memory_usage = None);
            }
        } else if h.hashagg_batches <= Some(1) {
            h.disk_usage = None;
        }
    } else if t == NodeType::Aggregate {
        clear_details(n, |d| d.peak_memory_usage = None);
    }
    if let Some(m) = n.memoize.as_mut() {
        if m.cache_hits.is_none() && m.cache_misses.is_none() {
            m.cache_evictions = None;
            m.cache_overflows = None;
            if t == NodeType::Memoize {
                clear_details(n, |d| d.peak_memory_usage = None);
            }
        }
    } else if t == NodeType::Memoize {
        clear_details(n, |d| d.peak_memory_usage = None);
    }
    if let Some(ss) = n.scan_stats.as_mut() {
        if ss.storage.is_none() {
            ss.maximum_storage = None;
        }
    }
    if let Some(sc) = n.scan.as_mut() {
        if sc.sampling_method.is_none() {
            sc.sampling_parameters = None;
            sc.repeatable_seed = None;
        } else {
            // The server prints the method's name (`Sampling: bernoulli (…)`), an identifier.
            // followed by its arguments in parentheses (TABLESAMPLE takes at least one).
            sc.sampling_method = Some("bernoulli".into());
            match sc.sampling_parameters.as_mut() {
                Some(ps) if !ps.is_empty() => {}
                _ => sc.sampling_parameters = Some(vec!["'10'::real".into()]),
            }
        }
    }
    // An Aggregate's TEXT `Sort Key:` belongs to its grouping sets (§5): a node-level sort key
    // is never printed on one.
    if t == NodeType::Aggregate
        && let Some(s) = n.sort.as_mut()
    {
        s.sort_key = None;
    }
    // Grouping sets are checked on the corpus (their TEXT phases are a layout of their own).
    if let Some(g) = n.grouping.as_mut() {
        g.grouping_sets = None;
    }
    // `Insert on t` lines (the targets of a ModifyTable) read as targets after its node line
    // only.
    if t != NodeType::ModifyTable {
        if let Some(m) = n.modify_table.as_mut() {
            m.target_tables = None;
        }
    }
    if let Some(m) = n.modify_table.as_mut() {
        for tt in m.target_tables.iter_mut().flatten() {
            tt.relation_name.get_or_insert_with(|| "t".into());
        }
        if n.operation != Some(Operation::Merge) {
            m.tuples_updated = None;
            m.tuples_deleted = None;
            m.tuples_skipped = None;
        }
    }
    if let Some(g) = n.gather.as_mut() {
        g.jit = None;
    }
    old_io(&mut n.io_timings);
    // §6: workers are numbered from 0; each block starts with what it measured.
    if let Some(ws) = n.details.as_mut().and_then(|d| d.workers.as_mut()) {
        for (i, w) in ws.iter_mut().enumerate() {
            w.worker_number = Some(i as i64);
            w.actual_loops.get_or_insert(1);
            fit_actual(
                &mut w.actual_startup_time,
                &mut w.actual_total_time,
                &mut w.actual_rows,
                &mut w.actual_loops,
            );
            if w.actual_loops == Some(0) {
                w.actual_loops = Some(1);
            }
            w.jit = None;
            if let Some(s) = w.sort.as_mut() {
                fit_sort(s);
            }
            if let Some(h) = w.hashagg.as_mut() {
                if h.hashagg_batches.is_none() {
                    h.disk_usage = None;
                    w.peak_memory_usage = None;
                } else if h.hashagg_batches <= Some(1) {
                    h.disk_usage = None;
                }
            }
            if let Some(m) = w.memoize.as_mut() {
                if m.cache_hits.is_none() && m.cache_misses.is_none() {
                    m.cache_evictions = None;
                    m.cache_overflows = None;
                }
            }
            // A worker's memory prints on its HashAgg `Batches:` or Memoize `Hits:` line only.
            let carried = w
                .hashagg
                .as_ref()
                .is_some_and(|h| h.hashagg_batches.is_some())
                || w.memoize
                    .as_ref()
                    .is_some_and(|m| m.cache_hits.is_some() || m.cache_misses.is_some());
            if !carried {
                w.peak_memory_usage = None;
            }
            old_io(&mut w.io_timings);
        }
    }
    for (k, _) in std::mem::take(&mut n.extra) {
        // Known to the TEXT reader as the rest of a node line.
        if k != "Unparsed Text" {
            n.extra.insert(k, Value::String("v".into()));
        }
    }
}

fn fit_actual(
    startup: &mut Option<f64>,
    total: &mut Option<f64>,
    rows: &mut Option<f64>,
    loops: &mut Option<u64>,
) {
    if loops.is_none() {
        *startup = None;
        *total = None;
        *rows = None;
        return;
    }
    if startup.is_none() || total.is_none() {
        *startup = None;
        *total = None;
    }
    rows.get_or_insert(0.0);
    if *loops == Some(0) {
        *rows = Some(0.0);
        *startup = None;
        *total = None;
    }
}

fn fit_sort(s: &mut SortStats) {
    if s.sort_method.is_none() {
        s.sort_space_used = None;
    }
    if s.sort_space_used.is_none() {
        s.sort_space_type = None;
    }
    for g in [&mut s.full_sort_groups, &mut s.pre_sorted_groups] {
        if let Some(x) = g.as_mut() {
            x.extra.clear();
            x.group_count.get_or_insert(0);
            if x.sort_methods_used.as_ref().is_none_or(|m| m.is_empty()) {
                x.sort_methods_used = Some(vec!["quicksort".into()]);
            }
            for space in [&mut x.sort_space_memory, &mut x.sort_space_disk] {
                if let Some(sp) = space.as_mut() {
                    sp.extra.clear();
                }
            }
        }
    }
}

/// The canonical JSON of `small` is contained in that of `big`: every property of `small` is in
/// `big` with the same value, except the ones TEXT prints nothing for (zero, false, empty).
fn contained(small: &Value, big: &Value, path: &str, out: &mut Vec<String>) {
    match (small, big) {
        (Value::Object(s), Value::Object(b)) => {
            for (k, v) in s {
                let p = format!("{path}/{k}");
                match b.get(k).or_else(|| renamed(k).and_then(|r| b.get(r))) {
                    Some(bv) => contained(v, bv, &p, out),
                    None if omitted(v) => {}
                    None => out.push(format!("{p}: missing (was {v})")),
                }
            }
        }
        (Value::Array(s), Value::Array(b)) if s.len() == b.len() => {
            for (i, (sv, bv)) in s.iter().zip(b).enumerate() {
                contained(sv, bv, &format!("{path}/{i}"), out);
            }
        }
        _ if small == big => {}
        _ => out.push(format!("{path}: {small} became {big}")),
    }
}

/// The keys TEXT spells alike in several versions (`NOT_IN_TEXT`: `shared read=` is
/// `I/O Read Time` in 15–16 and `Shared I/O Read Time` in 17+).
fn renamed(k: &str) -> Option<&'static str> {
    match k {
        "shared_io_read_time" => Some("io_read_time"),
        "shared_io_write_time" => Some("io_write_time"),
        _ => None,
    }
}

/// What TEXT prints nothing for: zero, false, or groups of them.
fn omitted(v: &Value) -> bool {
    match v {
        Value::Bool(false) => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(m) => m.values().all(omitted),
        v => v.as_f64() == Some(0.0),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn text_renders_back_to_a_plan_holding_every_property(doc in document(Strings::Text)) {
        let mut plans = read(&doc, Format::Json);
        fit_for_text(&mut plans);
        let text = planlint::render_text_plans(&plans);
        let back = read(&text, Format::Text);
        prop_assert_eq!(back.len(), plans.len(), "{}", text);
        let mut lost = Vec::new();
        for (i, (p, b)) in plans.iter().zip(&back).enumerate() {
            // The EXPLAIN options are inferred from what is printed, not printed.
            let (mut pv, mut bv) = (p.to_value(), b.to_value());
            pv.as_object_mut().map(|o| o.remove("options"));
            bv.as_object_mut().map(|o| o.remove("options"));
            contained(&pv, &bv, &format!("plan {i}"), &mut lost);
        }
        prop_assert!(lost.is_empty(), "{:#?}\n{}", lost, text);
        // What TEXT shows is stable: the plan read back prints the same TEXT, and reads back
        // to itself.
        let again = planlint::render_text_plans(&back);
        let diff = again.lines().zip(text.lines()).find(|(a, b)| a != b);
        prop_assert!(again == text, "first difference {:?}\n{}\n----- again:\n{}", diff, text, again);
        let again_back = read(&again, Format::Text);
        if again_back != back {
            let mut diff = Vec::new();
            for (a, b) in again_back.iter().zip(&back) {
                contained(&b.to_value(), &a.to_value(), "plan", &mut diff);
                contained(&a.to_value(), &b.to_value(), "plan (read again)", &mut diff);
            }
            prop_assert!(false, "TEXT read twice differs: {:#?}\n{}", diff, again);
        }
    }
}
