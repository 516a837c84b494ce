//! A whole plan: the node tree and what the server prints around it.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};
use serde_json::Value;

use super::node::{Buffers, IoTimings, Jit, Node};
use super::source::{ConvError, Scalar, Source};
use super::value::{Defs, FieldValue, read_scalar_with};
use super::{NodeId, Properties, object_list_value, object_schema, object_value};
use crate::error::Error;

properties! {
    /// A trigger that fired (ANALYZE): user triggers and foreign-key constraint triggers.
    pub struct Trigger / TriggerField / TriggerKey {
        /// Trigger name (`RI_ConstraintTrigger_…` for foreign keys; absent in TEXT without VERBOSE).
        trigger_name: String = "Trigger Name",
        /// Constraint the trigger enforces.
        constraint_name: String = "Constraint Name",
        /// Table the trigger is on.
        relation: String = "Relation",
        /// Time spent in the trigger, in ms (TIMING).
        time: f64 = "Time",
        /// Times the trigger fired.
        calls: u64 = "Calls",
    }
    groups {}
    members {}
}
object_value!(Trigger, "A trigger that fired during execution.");
object_list_value!(Trigger);

properties! {
    /// What the planner used (13+: buffers; 17+: memory).
    pub struct Planning / PlanningField / PlanningKey {
        /// Memory used by the planner, in kB (17+, MEMORY).
        memory_used: u64 = "Memory Used",
        /// Memory allocated by the planner, in kB (17+, MEMORY).
        memory_allocated: u64 = "Memory Allocated",
    }
    groups {
        /// Buffers read by the planner.
        buffers: Buffers,
        /// I/O timings of the planner.
        io_timings: IoTimings,
    }
    members {}
}
object_value!(
    Planning,
    "What the planner used: buffers (13+) and memory (17+)."
);

properties! {
    /// Cost of converting the result to wire format (17+, SERIALIZE).
    pub struct Serialization / SerializationField / SerializationKey {
        /// Time, in ms (TIMING).
        time: f64 = "Time",
        /// Bytes sent, in kB.
        output_volume: u64 = "Output Volume",
        /// text or binary.
        format: String = "Format",
    }
    groups {
        /// Buffers used while serializing (detoasting).
        buffers: Buffers,
        /// I/O timings while serializing.
        io_timings: IoTimings,
    }
    members {}
}
object_value!(
    Serialization,
    "Cost of converting the result to wire format (17+)."
);

/// Planner settings that differ from their defaults (`Settings`, 12+), by name, in the
/// server's order (which is not alphabetical: kept so that a plan can be printed back as it was).
pub type Settings = indexmap::IndexMap<String, String>;

impl FieldValue for Settings {
    fn schema(_: &mut Defs) -> Value {
        serde_json::json!({"type": "object", "additionalProperties": {"type": "string"}})
    }
    fn read<'a, S: Source<'a>>(src: &mut S) -> Result<Self, Error> {
        let mut out = Settings::new();
        if src.peek()? == super::source::Peek::Scalar {
            // An empty group (YAML `Settings: `, XML `<Settings></Settings>`).
            src.scalar()?;
            return Ok(out);
        }
        src.begin_object()?;
        while let Some(k) = src.next_key()? {
            let v = String::read(src)?;
            out.insert(k.into_owned(), v);
        }
        Ok(out)
    }
    fn from_text(text: &str) -> Result<Self, ConvError> {
        // `name = 'value', name2 = 'value2'` (values are quoted literals; `NULL` possible).
        let mut out = Settings::new();
        for item in super::value::split_text_list(text) {
            let Some((name, value)) = item.split_once(" = ") else {
                return Err(ConvError::new(format!(
                    "expected name = 'value', found {item:?}"
                )));
            };
            let value = match value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
                Some(v) => v.replace("''", "'"),
                None => value.to_string(),
            };
            out.insert(name.trim().to_string(), value);
        }
        Ok(out)
    }
}

/// The query identifier (`Query Identifier`, 14+): a signed 64-bit integer. The canonical JSON
/// writes it as a string, so that languages whose numbers are doubles keep every digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QueryId(pub i64);

impl Serialize for QueryId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl FieldValue for QueryId {
    fn schema(_: &mut Defs) -> Value {
        serde_json::json!({"type": "string", "pattern": "^-?[0-9]+$"})
    }
    fn read<'a, S: Source<'a>>(src: &mut S) -> Result<Self, Error> {
        read_scalar_with(src, |s| match s {
            Scalar::Num(_) | Scalar::Str(_) => QueryId::from_text(&s.as_text()),
            _ => Err(ConvError::new("expected a query identifier")),
        })
    }
    fn from_text(text: &str) -> Result<Self, ConvError> {
        i64::from_text(text).map(QueryId)
    }
}

/// The EXPLAIN options a plan shows it was produced with, as far as the output tells
/// (`None`: the output does not say).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ExplainOptions {
    /// ANALYZE: the plan was run (actual rows and loops are present).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analyze: Option<bool>,
    /// BUFFERS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buffers: Option<bool>,
    /// TIMING (actual times are present).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<bool>,
    /// COSTS (estimates are present).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub costs: Option<bool>,
    /// VERBOSE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verbose: Option<bool>,
    /// SETTINGS (12+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<bool>,
    /// WAL (13+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wal: Option<bool>,
    /// SUMMARY (planning/execution times are present).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<bool>,
    /// SERIALIZE (17+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serialize: Option<bool>,
    /// MEMORY (17+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<bool>,
}

impl ExplainOptions {
    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        *self == ExplainOptions::default()
    }

    fn schema() -> Value {
        let b = |d: &str| serde_json::json!({"type": "boolean", "description": d});
        serde_json::json!({
            "type": "object",
            "description": "The EXPLAIN options the plan shows it was produced with, as far as the output tells; a missing key means the output does not say.",
            "properties": {
                "analyze": b("ANALYZE: the plan was run."),
                "buffers": b("BUFFERS."),
                "timing": b("TIMING (actual times are present)."),
                "costs": b("COSTS (estimates are present)."),
                "verbose": b("VERBOSE."),
                "settings": b("SETTINGS (12+)."),
                "wal": b("WAL (13+)."),
                "summary": b("SUMMARY (planning/execution times are present)."),
                "serialize": b("SERIALIZE (17+)."),
                "memory": b("MEMORY (17+)."),
            },
            "additionalProperties": false,
        })
    }
}

properties! {
    /// One plan: the node tree and the query-level items around it.
    pub struct Plan / PlanField / PlanKey {
        /// Query text (auto_explain).
        query_text: String = "Query Text",
        /// Query parameters (auto_explain, 16+).
        query_parameters: String = "Query Parameters",
        /// Modified planner settings (SETTINGS, 12+).
        settings: Box<Settings> = "Settings",
        /// Query identifier (VERBOSE, 14+), exact.
        query_identifier: QueryId = "Query Identifier",
        /// What the planner used (13+).
        planning: Box<Planning> = "Planning",
        /// Planning time, in ms.
        planning_time: f64 = "Planning Time",
        /// Triggers that fired (ANALYZE).
        triggers: Vec<Trigger> = "Triggers",
        /// JIT compilation (11+).
        jit: Box<Jit> = "JIT",
        /// Serialization (17+).
        serialization: Box<Serialization> = "Serialization",
        /// Execution time, in ms (ANALYZE).
        execution_time: f64 = "Execution Time",
    }
    groups {}
    members {
        /// Every node, in the server's depth-first order; `nodes[0]` is the root.
        nodes: Vec<Node>,
        /// For a statement without a plan tree, what the server printed instead
        /// (`Notify`, `Utility Statement`, `CREATE TABLE AS`…).
        utility: Option<String>,
        /// Statement duration in ms, when the plan came from a server log.
        duration: Option<f64>,
        /// The EXPLAIN options the plan shows it was produced with.
        options: ExplainOptions,
    }
}

impl Plan {
    /// The root node (`None` for a statement without a plan tree).
    pub fn root(&self) -> Option<&Node> {
        self.nodes.first()
    }

    /// The node with this id.
    ///
    /// # Panics
    /// If `id` is not an id of this plan.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// The children of a node, in the server's order.
    pub fn children(&self, id: NodeId) -> impl Iterator<Item = &Node> + '_ {
        self.nodes[id].children.iter().map(move |&c| &self.nodes[c])
    }

    /// Depth of a node (the root is 0).
    pub fn depth(&self, id: NodeId) -> usize {
        let mut d = 0;
        let mut cur = self.nodes[id].parent;
        while let Some(p) = cur {
            d += 1;
            cur = self.nodes[p].parent;
        }
        d
    }

    /// Depth of the deepest node (a lone root is 0), in one pass over the arena.
    pub fn max_depth(&self) -> usize {
        // Nodes are in pre-order: a parent's depth is known before its children's.
        let mut depth = vec![0usize; self.nodes.len()];
        let mut max = 0;
        for n in &self.nodes {
            if let Some(p) = n.parent {
                depth[n.id] = depth[p] + 1;
                max = max.max(depth[n.id]);
            }
        }
        max
    }

    /// Appends a node under `parent` (or as the root) and returns its id.
    pub fn push_node(&mut self, parent: Option<NodeId>, mut node: Node) -> NodeId {
        let id = self.nodes.len();
        node.id = id;
        node.parent = parent;
        if let Some(p) = parent {
            let children = &mut self.nodes[p].children;
            // Most nodes have one or two children: room for exactly those (a vector's first
            // push would make room for four), then the usual doubling.
            if children.len() < 2 {
                children.reserve_exact(1);
            }
            children.push(id);
        }
        self.nodes.push(node);
        id
    }

    /// A serializable view of the subtree under `id` (the node with its children nested).
    pub fn subtree(&self, id: NodeId) -> Subtree<'_> {
        Subtree { plan: self, id }
    }

    /// The canonical JSON of this plan (pretty-printed, two-space indent).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the canonical form always serializes")
    }

    /// The canonical JSON of this plan as a value.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("the canonical form always serializes")
    }
}

/// A node with its subtree, serialized in canonical form (children nested in `children`).
#[derive(Clone, Copy)]
pub struct Subtree<'p> {
    plan: &'p Plan,
    id: NodeId,
}

impl Serialize for Subtree<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let node = &self.plan.nodes[self.id];
        let mut map = s.serialize_map(None)?;
        node.serialize_fields(&mut map)?;
        if !node.extra.is_empty() {
            map.serialize_entry("extra", &node.extra)?;
        }
        if !node.children.is_empty() {
            map.serialize_entry(
                "children",
                &Children {
                    plan: self.plan,
                    ids: &node.children,
                },
            )?;
        }
        map.end()
    }
}

struct Children<'p> {
    plan: &'p Plan,
    ids: &'p [NodeId],
}

impl Serialize for Children<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.ids.len()))?;
        for &id in self.ids {
            seq.serialize_element(&self.plan.subtree(id))?;
        }
        seq.end()
    }
}

impl Serialize for Plan {
    /// The canonical JSON form: `plan` (the root with nested children), the query-level
    /// properties, `utility`, `duration`, `options`, `extra`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if !self.nodes.is_empty() {
            map.serialize_entry("plan", &self.subtree(0))?;
        }
        if let Some(u) = &self.utility {
            map.serialize_entry("utility", u)?;
        }
        self.serialize_fields(&mut map)?;
        if let Some(d) = self.duration {
            map.serialize_entry("duration", &d)?;
        }
        if !self.options.is_empty() {
            map.serialize_entry("options", &self.options)?;
        }
        if !self.extra.is_empty() {
            map.serialize_entry("extra", &self.extra)?;
        }
        map.end()
    }
}

/// The JSON Schema of a plan's canonical form.
pub(crate) fn plan_object_schema(defs: &mut Defs) -> Value {
    object_schema::<Plan>(
        "Plan",
        "One plan: the node tree and the query-level items around it.",
        defs,
        |defs, props| {
            let node = super::node::node_schema(defs);
            let mut entries = vec![
                ("plan".to_string(), node),
                (
                    "utility".to_string(),
                    serde_json::json!({"type": "string", "description": "For a statement without a plan tree, what the server printed instead (Notify, Utility Statement, CREATE TABLE AS…)."}),
                ),
            ];
            entries.extend(std::mem::take(props));
            entries.push((
                "duration".into(),
                serde_json::json!({"type": "number", "description": "Statement duration in ms, when the plan came from a server log."}),
            ));
            entries.push(("options".into(), ExplainOptions::schema()));
            props.extend(entries);
        },
    )
}
