//! Derived per-node metrics: where the time, the rows and the buffers of a plan really go.
//!
//! PostgreSQL reports most numbers per loop and inclusive of the node's children; this module
//! turns them into totals and exclusive ("self") values, once per plan, stored by node id.
//! Every pass iterates over the arena (pre-order, so reverse order is bottom-up): no recursion.
//!
//! How the hard cases are handled (and where the peers go wrong):
//!
//! * **Loops.** `Actual Total Time` and `Actual Rows` are per-loop averages; totals multiply by
//!   `Actual Loops`. Buffers and I/O timings are already totals.
//! * **Parallel nodes.** Under a Gather / Gather Merge, `Actual Loops` counts the loops of every
//!   process (workers + leader) and times are averaged over all of them, so `time × loops` is
//!   process time, not wall time (peers that multiply report parallel scans as several times
//!   slower than the query). Inclusive wall time is the per-process average `time × loops / p`
//!   with `p` the processes that ran the parallel subtree: the loops of the Gather's child per
//!   Gather loop (so a leader that did not participate is not counted; at most `Workers
//!   Launched` + 1, 1 for Single Copy), or that child's `Workers` list when VERBOSE printed
//!   one (the leader counts when the workers' loops do not add up to the node's). Children of
//!   a Parallel Append run in only some processes each, and are still divided by `p`: that
//!   is what makes them add up to the Append's time. Rows, buffers and I/O times are sums
//!   over the processes and are not divided.
//! * **InitPlans.** An InitPlan is printed under the node it is attached to, but it runs (and
//!   its time and buffers are counted) inside the node that first evaluates its parameter —
//!   often a scan deep below (`Index Cond: (x = $1)`, 17+: `(InitPlan 2).col1`). Subtracting it
//!   from the node it is printed under counts it twice (peers then show a negative or zero self
//!   time there and an inflated one at the scan). Here the deepest executed node in the
//!   attachment's subtree whose expressions reference the InitPlan's output pays for it; when
//!   no reference is visible (output lists need VERBOSE), the attachment node does.
//! * **SubPlans** run inside the expressions of the node they are printed under: that node pays.
//! * **CTEs.** A materialized CTE (`CTE name`) is printed as an InitPlan, but it is executed
//!   lazily by the CTE Scans that read it, and their inclusive time contains its time. The CTE's
//!   subtree is charged to those CTE Scans (split in proportion to each scan's inclusive value,
//!   never more than it), not to the node it is printed under and not to every scan in full.
//!   A CTE that no scan reads (a data-modifying CTE run at the end of the statement) is charged
//!   to no node.
//! * **Never-executed nodes** (`Actual Loops: 0`) have zero time, rows and buffers and no
//!   estimate error (nothing was measured, the estimate is not wrong).
//! * **TIMING OFF** gives rows and loops without times: time metrics are absent, row metrics
//!   are present. **No ANALYZE** gives estimates only: every actual metric is absent.
//! * **BitmapAnd / BitmapOr** always report 0 actual rows (they pass a bitmap, not rows): their
//!   row total and estimate error are absent instead of a bogus "estimated 1,000, got 0".
//! * Rounding in the server's output can make a child look longer than its parent: self values
//!   are clamped at zero.

mod access;

use serde::Serialize;

pub use access::NodeExt;

use rustc_hash::FxHashMap;

use crate::model::{Buffers, Node, NodeId, NodeType, ParentRelationship, Plan};

/// Buffer counters of one node, excluding its children (blocks of 8 kB by default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct BufferCounts {
    /// Shared blocks found in shared buffers.
    pub shared_hit: u64,
    /// Shared blocks read from the OS.
    pub shared_read: u64,
    /// Shared blocks dirtied.
    pub shared_dirtied: u64,
    /// Shared blocks written.
    pub shared_written: u64,
    /// Local blocks hit.
    pub local_hit: u64,
    /// Local blocks read.
    pub local_read: u64,
    /// Local blocks dirtied.
    pub local_dirtied: u64,
    /// Local blocks written.
    pub local_written: u64,
    /// Temporary-file blocks read.
    pub temp_read: u64,
    /// Temporary-file blocks written.
    pub temp_written: u64,
}

impl BufferCounts {
    /// Shared blocks hit plus read.
    pub fn shared_accessed(&self) -> u64 {
        self.shared_hit + self.shared_read
    }

    /// Temporary-file blocks read plus written.
    pub fn temp(&self) -> u64 {
        self.temp_read + self.temp_written
    }

    fn from_measures(m: &[f64; MEASURES]) -> Self {
        let b = |i: usize| m[BUF + i].max(0.0).round() as u64;
        BufferCounts {
            shared_hit: b(0),
            shared_read: b(1),
            shared_dirtied: b(2),
            shared_written: b(3),
            local_hit: b(4),
            local_read: b(5),
            local_dirtied: b(6),
            local_written: b(7),
            temp_read: b(8),
            temp_written: b(9),
        }
    }
}

/// Whether the planner estimated too few or too many rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EstimateDirection {
    /// More rows came than estimated (the planner under-estimated).
    Under,
    /// Fewer rows came than estimated (the planner over-estimated).
    Over,
    /// As many rows as estimated.
    Exact,
}

/// Derived metrics of one node. Absent (`None`) means the plan does not tell (no ANALYZE, TIMING
/// OFF, no BUFFERS), never zero.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NodeMetrics {
    /// The node's id (pre-order index in `plan.nodes`).
    pub id: NodeId,
    /// The node never ran (`Actual Loops: 0`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub never_executed: bool,
    /// Wall-clock time spent in the node itself, children excluded, all loops, in ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_time_ms: Option<f64>,
    /// Wall-clock time of the node with its children, all loops, in ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_time_ms: Option<f64>,
    /// `self_time_ms` as a share (0–1) of the execution time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_time_share: Option<f64>,
    /// `total_time_ms` as a share (0–1) of the execution time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_time_share: Option<f64>,
    /// Processes that ran the node in parallel (workers + leader), when more than one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processes: Option<u32>,
    /// Rows returned over all loops (and processes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_rows_total: Option<f64>,
    /// Rows estimated over all loops (the per-loop estimate times the actual loops).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_rows_total: Option<f64>,
    /// Rows removed over all loops by Filter, Join Filter, index recheck and conflict filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows_removed_total: Option<f64>,
    /// How far the row estimate was off: max(estimate, actual) / min(estimate, actual), ≥ 1,
    /// per loop, both floored at 1 row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_factor: Option<f64>,
    /// Whether the planner estimated too few (`under`) or too many (`over`) rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_direction: Option<EstimateDirection>,
    /// Buffers of the node itself, children excluded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_buffers: Option<BufferCounts>,
    /// Time reading blocks in the node itself (track_io_timing), in ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_io_read_ms: Option<f64>,
    /// Time writing blocks in the node itself (track_io_timing), in ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_io_write_ms: Option<f64>,
    /// Parallel skew: the busiest process's rows over the mean rows per process (1 = even);
    /// needs per-worker data (VERBOSE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_skew: Option<f64>,
}

/// The metrics of a whole plan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metrics {
    /// Per node, indexed by node id.
    pub nodes: Vec<NodeMetrics>,
    /// The time the shares are relative to, in ms: `Execution Time`, else the log's duration,
    /// else the root's inclusive time.
    pub reference_time_ms: Option<f64>,
    /// Whether the plan has actual row counts (ANALYZE).
    pub analyzed: bool,
    /// Whether the plan has actual times (ANALYZE with TIMING).
    pub timed: bool,
    /// Whether the plan has buffer counts (BUFFERS).
    pub buffered: bool,
    /// For each InitPlan or CTE node, the nodes that pay for its time and buffers (empty for a
    /// CTE no scan reads); other nodes are not in the map (a plan has few InitPlans: no vector
    /// per node).
    pub(crate) charged_to: FxHashMap<NodeId, Vec<NodeId>>,
}

impl Metrics {
    /// The metrics of a node.
    pub fn node(&self, id: NodeId) -> &NodeMetrics {
        &self.nodes[id]
    }
}

/// Index of the time in a measure vector; then 10 buffer counters, I/O read, I/O write.
const TIME: usize = 0;
const BUF: usize = 1;
const IO_READ: usize = 11;
const IO_WRITE: usize = 12;
const MEASURES: usize = 13;

fn buffer_measures(b: &Buffers) -> [f64; 10] {
    let f = |v: Option<u64>| v.unwrap_or(0) as f64;
    [
        f(b.shared_hit_blocks),
        f(b.shared_read_blocks),
        f(b.shared_dirtied_blocks),
        f(b.shared_written_blocks),
        f(b.local_hit_blocks),
        f(b.local_read_blocks),
        f(b.local_dirtied_blocks),
        f(b.local_written_blocks),
        f(b.temp_read_blocks),
        f(b.temp_written_blocks),
    ]
}

/// Whether a node is a Gather or Gather Merge.
fn is_gather(n: &Node) -> bool {
    matches!(n.node_type(), NodeType::Gather | NodeType::GatherMerge)
}

/// Whether a node passes bitmaps, not rows (its `Actual Rows` is always 0).
pub fn is_bitmap_combiner(n: &Node) -> bool {
    matches!(n.node_type(), NodeType::BitmapAnd | NodeType::BitmapOr)
}

/// The CTE name a node heads (`CTE orders_2024` → `orders_2024`).
pub fn cte_name(n: &Node) -> Option<&str> {
    n.subplan_name.as_deref()?.strip_prefix("CTE ")
}

/// Processes that ran each node (1 outside parallel subtrees): a Gather's child is run once
/// per participating process, so its loops over the Gather's loops tell how many took part
/// (workers launched + the leader, unless `parallel_leader_participation` is off) — or exactly,
/// its `Workers` list (VERBOSE) plus the leader when the workers' loops fall short; the rest of
/// the subtree inherits that count.
fn processes(plan: &Plan) -> Vec<u32> {
    let mut out = vec![1u32; plan.nodes.len()];
    for n in &plan.nodes {
        let p = match n.parent.map(|id| &plan.nodes[id]) {
            None => 1,
            Some(g) if is_gather(g) => match n.workers().filter(|w| !w.is_empty()) {
                Some(workers) => {
                    let worker_loops: u64 = workers.iter().filter_map(|w| w.actual_loops).sum();
                    workers.len() as u32 + u32::from(n.loops() > worker_loops)
                }
                None => {
                    let most = if g.single_copy() == Some(true) {
                        1
                    } else {
                        g.workers_launched().unwrap_or(0) + 1
                    };
                    (n.loops() / g.loops().max(1)).clamp(1, most.max(1)) as u32
                }
            },
            Some(parent) => out[parent.id],
        };
        out[n.id] = p.max(1);
    }
    out
}

/// Parameter references a node's expressions make: `$N` (≤16) and `(InitPlan N)` (17+).
#[derive(Default)]
struct ParamRefs {
    dollars: Vec<u32>,
    initplans: Vec<u32>,
}

fn scan_refs(text: &str, refs: &mut ParamRefs) {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(off) = memchr::memchr2(b'$', b'(', &b[i..]) {
        let at = i + off;
        if b[at] == b'$' {
            let (num, end) = digits(b, at + 1);
            if let Some(num) = num {
                refs.dollars.push(num);
            }
            i = end.max(at + 1);
        } else if b[at + 1..].starts_with(b"InitPlan ") {
            let (num, end) = digits(b, at + 10);
            if let (Some(num), Some(b')')) = (num, b.get(end)) {
                refs.initplans.push(num);
            }
            i = end.max(at + 1);
        } else {
            i = at + 1;
        }
    }
}

/// Reads a decimal number at `start`; returns it and the offset after it.
fn digits(b: &[u8], start: usize) -> (Option<u32>, usize) {
    let mut end = start;
    let mut v: u32 = 0;
    while end < b.len() && b[end].is_ascii_digit() {
        v = v
            .saturating_mul(10)
            .saturating_add(u32::from(b[end] - b'0'));
        end += 1;
    }
    ((end > start).then_some(v), end)
}

/// Adds the parameter references of a node's expressions to `refs`.
fn node_refs_into(n: &Node, refs: &mut ParamRefs) {
    let singles = [
        n.index_cond(),
        n.recheck_cond(),
        n.filter.as_deref(),
        n.join_filter(),
        n.hash_cond(),
        n.merge_cond(),
        n.one_time_filter(),
        n.tid_cond(),
        n.order_by(),
        n.run_condition(),
        n.function_call(),
        n.table_function_call(),
    ];
    for s in singles.into_iter().flatten() {
        scan_refs(s, refs);
    }
    let lists = [
        n.output(),
        n.sort_key(),
        n.group_key(),
        n.params_evaluated(),
    ];
    for l in lists.into_iter().flatten() {
        for s in l {
            scan_refs(s, refs);
        }
    }
}

/// An InitPlan's number and output parameters, from its name
/// (`InitPlan 2 (returns $1,$2)`, 17+: `InitPlan 2`).
fn initplan_signature(name: &str) -> Option<(u32, Vec<u32>)> {
    let rest = name.strip_prefix("InitPlan ")?;
    let b = rest.as_bytes();
    let (num, end) = digits(b, 0);
    let mut params = ParamRefs::default();
    scan_refs(&rest[end..], &mut params);
    Some((num?, params.dollars))
}

/// Decides, for each InitPlan/CTE node, which nodes pay for its time and buffers.
///
/// Linear in the plan: the CTE Scans are indexed by CTE name and the parameter references by
/// InitPlan number and `$N` once, instead of walking the plan (or an attachment's subtree) once
/// per CTE or InitPlan — a plan with hundreds of InitPlans stays instant.
fn charges(plan: &Plan) -> FxHashMap<NodeId, Vec<NodeId>> {
    let mut out: FxHashMap<NodeId, Vec<NodeId>> = FxHashMap::default();
    let has_initplans = plan
        .nodes
        .iter()
        .any(|x| x.parent_relationship == Some(ParentRelationship::InitPlan));
    if !has_initplans {
        return out;
    }
    // Subtree end (exclusive) of each node: pre-order, so a subtree is a contiguous range.
    let ends = subtree_ends(plan);
    let depths = depths(plan);
    // The CTE Scans of each CTE name, in id order.
    let mut scans: FxHashMap<&str, Vec<NodeId>> = FxHashMap::default();
    for s in &plan.nodes {
        if *s.node_type() == NodeType::CteScan {
            if let Some(name) = s.cte_name() {
                scans.entry(name).or_default().push(s.id);
            }
        }
    }
    // The InitPlans that are not CTEs, by their number and by each `$N` they return.
    let mut by_number: FxHashMap<u32, Vec<NodeId>> = FxHashMap::default();
    let mut by_param: FxHashMap<u32, Vec<NodeId>> = FxHashMap::default();
    let mut best: FxHashMap<NodeId, NodeId> = FxHashMap::default();
    for node in &plan.nodes {
        if node.parent_relationship != Some(ParentRelationship::InitPlan) {
            continue;
        }
        let Some(parent) = node.parent else { continue };
        if let Some(cte) = cte_name(node) {
            // Every CTE Scan reading this CTE, anywhere in the plan.
            out.insert(node.id, scans.get(cte).cloned().unwrap_or_default());
            continue;
        }
        let Some((num, params)) = node.subplan_name.as_deref().and_then(initplan_signature) else {
            out.insert(node.id, vec![parent]);
            continue;
        };
        by_number.entry(num).or_default().push(node.id);
        for p in params {
            let ids = by_param.entry(p).or_default();
            // A parameter listed twice by one InitPlan names it once.
            if ids.last() != Some(&node.id) {
                ids.push(node.id);
            }
        }
        out.insert(node.id, vec![parent]);
    }
    if by_number.is_empty() {
        return out;
    }
    // For each InitPlan: the deepest executed node in the attachment's subtree (outside the
    // InitPlan's own subtree) whose expressions reference the InitPlan's output; among equally
    // deep ones the first in id order.
    let consider = |id: NodeId, ip: NodeId, best: &mut FxHashMap<NodeId, NodeId>| {
        let parent = plan.nodes[ip].parent.expect("an InitPlan has a parent");
        if id < parent || id >= ends[parent] || (ip..ends[ip]).contains(&id) {
            return;
        }
        match best.get(&ip) {
            Some(&b) if depths[id] <= depths[b] => {}
            _ => {
                best.insert(ip, id);
            }
        }
    };
    let mut refs = ParamRefs::default();
    for node in &plan.nodes {
        if node.loops() == 0 {
            continue;
        }
        refs.dollars.clear();
        refs.initplans.clear();
        node_refs_into(node, &mut refs);
        for num in &refs.initplans {
            for &ip in by_number.get(num).into_iter().flatten() {
                consider(node.id, ip, &mut best);
            }
        }
        for d in &refs.dollars {
            for &ip in by_param.get(d).into_iter().flatten() {
                consider(node.id, ip, &mut best);
            }
        }
    }
    for (ip, id) in best {
        out.insert(ip, vec![id]);
    }
    out
}

/// For each node, the id after the last node of its subtree.
pub(crate) fn subtree_ends(plan: &Plan) -> Vec<NodeId> {
    let mut ends: Vec<NodeId> = (1..=plan.nodes.len()).collect();
    for n in plan.nodes.iter().rev() {
        if let Some(p) = n.parent {
            ends[p] = ends[p].max(ends[n.id]);
        }
    }
    ends
}

/// Depth of each node (the root is 0).
pub(crate) fn depths(plan: &Plan) -> Vec<usize> {
    let mut d = vec![0; plan.nodes.len()];
    for n in &plan.nodes {
        if let Some(p) = n.parent {
            d[n.id] = d[p] + 1;
        }
    }
    d
}

/// Inclusive and self (exclusive) measures of nodes, computed on demand from the plan: a
/// node's self measures are its inclusive ones minus what it pays for — its children's
/// (InitPlans aside) and the InitPlans/CTEs charged to it — subtracted in node-id order, as
/// one pass over the plan in id order would.
struct SelfMeasures<'p> {
    plan: &'p Plan,
    procs: &'p [u32],
    /// For each node that pays for InitPlans or CTEs, their ids in ascending order.
    pays_for: FxHashMap<NodeId, Vec<NodeId>>,
    /// For each InitPlan/CTE charged to several nodes, the sum of its payers' inclusive
    /// measures (what its share is split by).
    caps: FxHashMap<NodeId, [f64; MEASURES]>,
}

impl<'p> SelfMeasures<'p> {
    fn new(
        plan: &'p Plan,
        procs: &'p [u32],
        charged_to: &'p FxHashMap<NodeId, Vec<NodeId>>,
    ) -> Self {
        let mut out = SelfMeasures {
            plan,
            procs,
            pays_for: FxHashMap::default(),
            caps: FxHashMap::default(),
        };
        for (&ip, payers) in charged_to {
            for &p in payers {
                out.pays_for.entry(p).or_default().push(ip);
            }
            if payers.len() > 1 {
                let incl: Vec<[f64; MEASURES]> = payers
                    .iter()
                    .map(|&p| out.inclusive(&plan.nodes[p]))
                    .collect();
                let cap = std::array::from_fn(|k| incl.iter().map(|m| m[k]).sum());
                out.caps.insert(ip, cap);
            }
        }
        for ips in out.pays_for.values_mut() {
            ips.sort_unstable();
        }
        out
    }

    /// A node's inclusive measures: time (wall time over all loops), buffers, I/O times.
    fn inclusive(&self, node: &Node) -> [f64; MEASURES] {
        let mut m = [0.0f64; MEASURES];
        if let Some(t) = node.actual_total_time {
            let divisor = self.procs[node.id].max(1) as f64;
            m[TIME] = t * node.loops() as f64 / divisor;
        }
        if let Some(b) = &node.buffers {
            m[BUF..BUF + 10].copy_from_slice(&buffer_measures(b));
        }
        if let Some(io) = &node.io_timings {
            m[IO_READ] = io.read_time();
            m[IO_WRITE] = io.write_time();
        }
        m
    }

    /// A node's self measures (not clamped at zero), from its inclusive ones (`mine`).
    fn own(&self, node: &Node, mine: &[f64; MEASURES]) -> [f64; MEASURES] {
        let nodes = &self.plan.nodes;
        let mut own = *mine;
        let children = node.children.iter().copied().filter(|&c| {
            nodes[c].parent == Some(node.id)
                && nodes[c].parent_relationship != Some(ParentRelationship::InitPlan)
        });
        let charged = self.pays_for.get(&node.id).map_or(&[][..], Vec::as_slice);
        // Both lists ascend: merge them, so that the subtractions run in node-id order.
        let mut children = children.peekable();
        let mut charged = charged.iter().copied().peekable();
        loop {
            let next = match (children.peek(), charged.peek()) {
                (Some(&c), Some(&ip)) if c < ip => children.next().map(|c| (c, false)),
                (Some(_), Some(_)) | (None, Some(_)) => charged.next().map(|ip| (ip, true)),
                (Some(_), None) => children.next().map(|c| (c, false)),
                (None, None) => break,
            };
            let Some((id, initplan)) = next else { break };
            let theirs = self.inclusive(&nodes[id]);
            match self.caps.get(&id).filter(|_| initplan) {
                None => {
                    for k in 0..MEASURES {
                        own[k] -= theirs[k];
                    }
                }
                Some(cap) => {
                    // Split in proportion to each payer's inclusive value, at most that value.
                    for k in 0..MEASURES {
                        if cap[k] <= 0.0 {
                            continue;
                        }
                        own[k] -= (theirs[k] * mine[k] / cap[k]).min(mine[k]);
                    }
                }
            }
        }
        own
    }
}

/// Computes the metrics of every node of a plan.
pub fn compute(plan: &Plan) -> Metrics {
    let n = plan.nodes.len();
    let analyzed = plan.nodes.iter().any(|x| x.actual_loops.is_some());
    let timed = plan
        .nodes
        .iter()
        .any(|x| x.actual_total_time.is_some() && x.loops() > 0);
    let buffered = plan.nodes.iter().any(|x| x.buffers.is_some());
    let io_timed = plan.nodes.iter().any(|x| x.io_timings.is_some());
    let procs = processes(plan);

    // Who pays for each node: its parent, or the evaluators of an InitPlan/CTE.
    let charged_to = charges(plan);
    let selves = SelfMeasures::new(plan, &procs, &charged_to);

    let root_time = plan
        .nodes
        .first()
        .filter(|_| timed)
        .map(|root| selves.inclusive(root)[TIME]);
    let reference_time_ms = plan
        .execution_time
        .or(plan.duration)
        .or(root_time)
        .filter(|t| *t > 0.0);

    let mut nodes = Vec::with_capacity(n);
    for node in &plan.nodes {
        let id = node.id;
        let loops = node.loops();
        let executed = node.actual_loops.is_some_and(|l| l > 0);
        let mut m = NodeMetrics {
            id,
            never_executed: node.actual_loops == Some(0),
            ..NodeMetrics::default()
        };
        if procs[id] > 1 {
            m.processes = Some(procs[id]);
        }
        // The node's inclusive and self measures, computed here rather than stored for every
        // node (two arrays of 13 numbers per node were the analysis's largest temporaries).
        let (incl, own) = if node.actual_loops.is_some() && (timed || buffered || io_timed) {
            let incl = selves.inclusive(node);
            let own = selves.own(node, &incl);
            (incl, own)
        } else {
            ([0.0; MEASURES], [0.0; MEASURES])
        };
        if timed && node.actual_loops.is_some() {
            let total = incl[TIME];
            let own = own[TIME].max(0.0);
            m.total_time_ms = Some(round3(total));
            m.self_time_ms = Some(round3(own));
            if let Some(r) = reference_time_ms {
                m.total_time_share = Some(round4(total / r));
                m.self_time_share = Some(round4(own / r));
            }
        }
        if analyzed && node.actual_loops.is_some() {
            let bitmap = is_bitmap_combiner(node);
            if let Some(rows) = node.actual_rows.filter(|_| !bitmap) {
                m.actual_rows_total = Some(round3(rows * loops as f64));
            }
            if let Some(est) = node.plan_rows.filter(|_| !bitmap) {
                m.plan_rows_total = Some(round3(est * loops as f64));
            }
            let removed = [
                node.rows_removed_by_filter,
                node.rows_removed_by_join_filter(),
                node.rows_removed_by_index_recheck(),
                node.modify_table
                    .as_ref()
                    .and_then(|t| t.rows_removed_by_conflict_filter),
            ];
            if removed.iter().any(Option::is_some) {
                let sum: f64 = removed.iter().flatten().sum();
                m.rows_removed_total = Some(round3(sum * loops as f64));
            }
            if executed && !bitmap {
                if let (Some(est), Some(act)) = (node.plan_rows, node.actual_rows) {
                    let (e, a) = (est.max(1.0), act.max(1.0));
                    m.estimate_factor = Some(round3(e.max(a) / e.min(a)));
                    m.estimate_direction = Some(if a > e {
                        EstimateDirection::Under
                    } else if a < e {
                        EstimateDirection::Over
                    } else {
                        EstimateDirection::Exact
                    });
                }
            }
            if buffered {
                m.self_buffers = Some(BufferCounts::from_measures(&own));
            }
            if io_timed {
                m.self_io_read_ms = Some(round3(own[IO_READ].max(0.0)));
                m.self_io_write_ms = Some(round3(own[IO_WRITE].max(0.0)));
            }
            m.worker_skew = worker_skew(node);
        }
        nodes.push(m);
    }
    Metrics {
        nodes,
        reference_time_ms,
        analyzed,
        timed,
        buffered,
        charged_to,
    }
}

/// The busiest process's rows over the mean rows per process (workers, plus the leader when it
/// took part).
fn worker_skew(node: &Node) -> Option<f64> {
    let workers = node.workers()?;
    let mut per: Vec<f64> = Vec::with_capacity(workers.len() + 1);
    let mut worker_loops = 0;
    for w in workers {
        let rows = w.actual_rows? * w.actual_loops? as f64;
        worker_loops += w.actual_loops?;
        per.push(rows);
    }
    let total = node.actual_rows? * node.loops() as f64;
    if node.loops() > worker_loops {
        per.push((total - per.iter().sum::<f64>()).max(0.0));
    }
    if per.len() < 2 {
        return None;
    }
    let mean = per.iter().sum::<f64>() / per.len() as f64;
    let max = per.iter().copied().fold(0.0, f64::max);
    (mean > 0.0).then(|| round3(max / mean))
}

/// Rounds to 3 decimals (the server prints ms with 3).
pub(crate) fn round3(v: f64) -> f64 {
    // `+ 0.0` turns a negative zero (a tiny negative difference, rounded) into 0: a time is never
    // -0, and native and WebAssembly builds would otherwise print the sign differently.
    (v * 1000.0).round() / 1000.0 + 0.0
}

/// Rounds to 4 decimals (shares).
pub(crate) fn round4(v: f64) -> f64 {
    (v * 10000.0).round() / 10000.0 + 0.0 // no negative zero (see round3)
}
