//! What TEXT leaves implicit, filled in exactly as the server writes it in JSON.
//!
//! TEXT omits zero counters, `false` flags and whole groups that JSON always prints (§1.3: "the
//! set of fields is not supposed to be data-dependent in non-text formats"). Most of them follow
//! from what the TEXT shows: the node type, the EXPLAIN options it reveals (ANALYZE, TIMING,
//! VERBOSE, BUFFERS, WAL, `track_io_timing`) and the server's major version, told by cues
//! (spellings and features that exist only in some versions). What cannot be known is listed in
//! [`NOT_IN_TEXT`], the one table the fidelity tests use.

use crate::model::{
    Buffers, GroupingSet, IoTimings, JoinType, Node, NodeType, ParentRelationship, Plan, Strategy,
    Wal,
};

use super::tree::Grouping;

/// What a plan's TEXT tells about the server and the EXPLAIN options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Evidence {
    /// Oldest major version the plan can come from (9 stands for 9.6 and older).
    pub min: u32,
    /// Newest major version the plan can come from.
    pub max: u32,
    /// ANALYZE (an actual block, a trigger, an execution time).
    pub analyze: bool,
    /// TIMING (an `actual time=` block).
    pub timing: bool,
    /// COSTS (a cost block).
    pub costs: bool,
    /// VERBOSE (`Output`, `Query Identifier`, worker generic statistics).
    pub verbose: bool,
    /// BUFFERS (a `Buffers:` line anywhere).
    pub buffers: bool,
    /// `track_io_timing` (an `I/O Timings:` line anywhere).
    pub io_timing: bool,
    /// WAL (a `WAL:` line anywhere).
    pub wal: bool,
}

impl Default for Evidence {
    fn default() -> Self {
        Evidence {
            min: 9,
            max: 19,
            analyze: false,
            timing: false,
            costs: false,
            verbose: false,
            buffers: false,
            io_timing: false,
            wal: false,
        }
    }
}

impl Evidence {
    /// The plan shows something that exists from `major` on.
    pub fn at_least(&mut self, major: u32) {
        self.min = self.min.max(major);
    }

    /// The plan shows something that exists up to `major`.
    pub fn at_most(&mut self, major: u32) {
        self.max = self.max.min(major);
    }

    /// Whether every version the plan can come from is `major` or newer.
    fn since(&self, major: u32) -> bool {
        self.min >= major && self.min <= self.max
    }

    /// Whether every version the plan can come from is `major` or older.
    fn until(&self, major: u32) -> bool {
        self.max <= major && self.min <= self.max
    }
}

/// A field JSON prints that TEXT cannot tell (§ of the spec that says why). The fidelity tests
/// accept exactly these differences between a TEXT plan and its JSON twin.
#[derive(Debug, Clone, Copy)]
pub struct NotInText {
    /// Canonical field name (`async_capable`), or `old->new` for a key TEXT cannot tell apart.
    pub field: &'static str,
    /// Why TEXT cannot tell.
    pub reason: &'static str,
    /// The spec section that says so.
    pub spec: &'static str,
}

/// Everything JSON prints that a TEXT plan may not let planlint infer.
pub const NOT_IN_TEXT: &[NotInText] = &[
    NotInText {
        field: "async_capable",
        reason: "printed on every node from 14 on; TEXT shows only `Async` (true) and the plan may not tell its version",
        spec: "§3.2, §10.6",
    },
    NotInText {
        field: "disabled",
        reason: "printed on every node from 18 on; TEXT shows only `Disabled: true` and the plan may not tell its version",
        spec: "§3.2, §10.10",
    },
    NotInText {
        field: "inner_unique",
        reason: "TEXT prints `Inner Unique: true` only with VERBOSE",
        spec: "§5.11",
    },
    NotInText {
        field: "planned_partitions",
        reason: "printed for hashed aggregates from 13 on, TEXT only when > 0; the plan may not tell its version",
        spec: "§5.6",
    },
    NotInText {
        field: "subplans_removed",
        reason: "printed on Append/Merge Append from 11.7/12.2 on, TEXT only when > 0; the plan may not tell its version",
        spec: "§5.12",
    },
    NotInText {
        field: "trigger_name",
        reason: "constraint triggers print no name in TEXT without VERBOSE",
        spec: "§8",
    },
    NotInText {
        field: "settings",
        reason: "JSON prints `Settings: {}` when SETTINGS is on and nothing changed; TEXT prints nothing",
        spec: "§8",
    },
    NotInText {
        field: "planning",
        reason: "JSON prints the Planning buffer keys whenever BUFFERS is on (13+); TEXT prints the block only when something is non-zero",
        spec: "§2.2, §8",
    },
    NotInText {
        field: "io_read_time->shared_io_read_time",
        reason: "15–16 and 17+ print the same `shared read=`; the keys differ and the plan may not tell its version",
        spec: "§5.14",
    },
    NotInText {
        field: "io_write_time->shared_io_write_time",
        reason: "15–16 and 17+ print the same `shared write=`; the keys differ and the plan may not tell its version",
        spec: "§5.14",
    },
    NotInText {
        field: "buffers",
        reason: "with BUFFERS on, JSON prints every counter on every node; TEXT prints none when all are zero, so BUFFERS may not show",
        spec: "§5.14",
    },
    NotInText {
        field: "io_timings",
        reason: "with track_io_timing on, JSON prints the I/O times wherever it prints buffers; TEXT prints none when all are zero",
        spec: "§5.14",
    },
    NotInText {
        field: "wal",
        reason: "with WAL on, JSON prints the WAL keys on every node; TEXT prints none when all are zero",
        spec: "§5.14",
    },
    NotInText {
        field: "workers",
        reason: "13+ prints an empty `Workers` list on nodes below a Gather with ANALYZE; the plan may not tell its version",
        spec: "§6",
    },
    NotInText {
        field: "parent_relationship",
        reason: "a ModifyTable's only child is `Member` up to 13 and `Outer` from 14 on; the plan may not tell its version",
        spec: "§3.4, §4",
    },
];

/// Version cues of labels (§10): the oldest and newest major that print them.
const LABEL_CUES: &[(&str, u32, u32)] = &[
    ("Inner Unique", 10, 99),
    ("Subplans Removed", 11, 99),
    ("Params Evaluated", 11, 16),
    ("Presorted Key", 13, 99),
    ("Cache Key", 14, 99),
    ("Cache Mode", 14, 99),
    ("Run Condition", 15, 99),
    ("Disabled", 18, 99),
    ("Index Searches", 18, 99),
    ("Window", 18, 99),
];

/// Records what a property line tells.
pub(crate) fn label_cue(label: &str, ev: &mut Evidence) {
    if let Some(&(_, lo, hi)) = LABEL_CUES.iter().find(|(l, _, _)| *l == label) {
        ev.at_least(lo);
        ev.at_most(hi);
    }
    match label {
        "Output" => ev.verbose = true,
        "Buffers" => ev.buffers = true,
        "I/O Timings" => {
            ev.buffers = true;
            ev.io_timing = true
        }
        "WAL" => ev.wal = true,
        "Rows Removed by Filter" | "Rows Removed by Join Filter" | "Heap Fetches" => {
            ev.analyze = true
        }
        _ => {}
    }
}

/// 17+ names sub-plan outputs `(InitPlan 1).col1` / `(SubPlan 2).col1` and spells the sub-link
/// kind (`EXISTS(SubPlan 1)`, `ANY (… (hashed SubPlan 1).col1)`); ≤16 used `$N` (§4).
pub(crate) fn expression_cue(value: &str, ev: &mut Evidence) {
    let b = value.as_bytes();
    for kw in [&b"InitPlan "[..], &b"SubPlan "[..]] {
        for i in memchr::memmem::find_iter(b, kw) {
            let rest = &b[i + kw.len()..];
            let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 && rest[digits..].starts_with(b").col") {
                ev.at_least(17);
                return;
            }
        }
    }
    if value.contains("EXISTS(SubPlan ") || value.contains("ARRAY(SubPlan ") {
        ev.at_least(17);
    }
}

/// Version cues of node types and names (§10).
pub(crate) fn node_cue(node: &Node, ev: &mut Evidence) {
    let since = match node.node_type() {
        NodeType::GatherMerge | NodeType::ProjectSet | NodeType::TableFunctionScan => 10,
        NodeType::NamedTuplestoreScan => 10,
        NodeType::IncrementalSort => 13,
        NodeType::Memoize | NodeType::TidRangeScan => 14,
        NodeType::Aggregate if node.strategy == Some(Strategy::Mixed) => 10,
        NodeType::Hash | NodeType::HashJoin | NodeType::Append
            if node.parallel_aware == Some(true) =>
        {
            11
        }
        NodeType::ModifyTable if node.operation == Some(crate::model::Operation::Merge) => 15,
        _ => 0,
    };
    ev.at_least(since);
    match node.join_type {
        Some(JoinType::RightAnti) => ev.at_least(16),
        Some(JoinType::RightSemi) => ev.at_least(18),
        _ => {}
    }
    if node.async_capable == Some(true) {
        ev.at_least(14);
    }
}

/// Whether a node reads a base relation, index or function (the nodes JSON gives an `Alias`).
fn is_join(t: &NodeType) -> bool {
    matches!(
        t,
        NodeType::NestedLoop | NodeType::MergeJoin | NodeType::HashJoin
    )
}

/// Fills in what TEXT leaves implicit (see the module docs).
pub(crate) fn infer(plan: &mut Plan, ev: &Evidence, groupings: Vec<(usize, Grouping)>) {
    // Group keys: one plain `Group Key` line, or grouping-set phases.
    for (id, g) in groupings {
        let node = &mut plan.nodes[id];
        let plain = g.phases.len() == 1
            && !g.phases[0].hashed
            && !g.phases[0].sorted_phase
            && g.phases[0].sets.len() == 1;
        if plain {
            node.grouping.get_or_insert_with(Default::default).group_key = g
                .phases
                .into_iter()
                .next()
                .and_then(|p| p.sets.into_iter().next());
        } else {
            node.grouping
                .get_or_insert_with(Default::default)
                .grouping_sets = Some(
                g.phases
                    .into_iter()
                    .map(|p| GroupingSet {
                        sort_key: p.sort_key,
                        group_keys: (!p.hashed).then(|| p.sets.clone()),
                        hash_keys: p.hashed.then_some(p.sets),
                        ..GroupingSet::default()
                    })
                    .collect(),
            );
        }
    }

    let old_io_names = ev.until(16);
    let under_gather = gather_descendants(plan);
    let n = plan.nodes.len();
    for (id, &below_gather) in under_gather.iter().enumerate().take(n) {
        parent_relationships(plan, id, ev);
        let node = &mut plan.nodes[id];
        let t = node.node_type().clone();
        // Never executed: JSON prints zero times when TIMING is on.
        if ev.analyze && node.actual_loops == Some(0) && ev.timing {
            node.actual_startup_time.get_or_insert(0.0);
            node.actual_total_time.get_or_insert(0.0);
        }
        if ev.since(14) {
            node.async_capable.get_or_insert(false);
        }
        if ev.since(18) {
            node.disabled.get_or_insert(false);
        }
        if is_join(&t) && ev.verbose && ev.since(10) {
            node.inner_unique.get_or_insert(false);
        }
        if t == NodeType::Gather {
            node.gather
                .get_or_insert_with(Default::default)
                .single_copy
                .get_or_insert(false);
        }
        if matches!(t, NodeType::Append | NodeType::MergeAppend) && ev.since(13) {
            node.details_mut().subplans_removed.get_or_insert(0);
        }
        if t == NodeType::Aggregate
            && matches!(node.strategy, Some(Strategy::Hashed | Strategy::Mixed))
            && ev.costs
            && ev.since(13)
        {
            node.hashagg
                .get_or_insert_with(Default::default)
                .planned_partitions
                .get_or_insert(0);
        }
        if let Some(h) = node.hashagg.as_mut() {
            if h.hashagg_batches.is_some() {
                h.disk_usage.get_or_insert(0);
            }
        }
        if ev.analyze {
            zero_counters(node, &t);
            if below_gather && ev.since(13) {
                node.details_mut().workers.get_or_insert_with(Vec::new);
            }
        }
        if let Some(workers) = node.details.as_mut().and_then(|d| d.workers.as_mut()) {
            for w in workers.iter_mut() {
                if let Some(h) = w.hashagg.as_mut() {
                    if h.hashagg_batches.is_some() {
                        h.disk_usage.get_or_insert(0);
                    }
                }
            }
        }
        // Groups JSON prints in full whenever their option is on.
        if ev.analyze || ev.buffers {
            fill_groups(
                &mut node.buffers,
                &mut node.io_timings,
                &mut node.wal,
                ev,
                old_io_names,
                true,
            );
            if ev.verbose {
                if let Some(workers) = node.details.as_mut().and_then(|d| d.workers.as_mut()) {
                    for w in workers.iter_mut().filter(|w| w.actual_loops.is_some()) {
                        fill_groups(
                            &mut w.buffers,
                            &mut w.io_timings,
                            &mut w.wal,
                            ev,
                            old_io_names,
                            true,
                        );
                    }
                }
            }
        }
    }
    if plan.planning.is_none() && ev.buffers && ev.since(13) && ev.analyze {
        plan.planning = Some(Default::default());
    }
    if let Some(p) = plan.planning.as_mut() {
        let mut none = None;
        fill_groups(
            &mut p.buffers,
            &mut p.io_timings,
            &mut none,
            ev,
            old_io_names,
            false,
        );
    }
    if let Some(s) = plan.serialization.as_mut() {
        if ev.buffers {
            let mut none = None;
            fill_groups(
                &mut s.buffers,
                &mut s.io_timings,
                &mut none,
                ev,
                old_io_names,
                false,
            );
        }
    }
    if ev.analyze && plan.triggers.is_none() {
        plan.triggers = Some(Vec::new());
    }
    infer_trigger_relations(plan);
}

/// Which nodes run inside parallel workers (strictly below a Gather or Gather Merge).
fn gather_descendants(plan: &Plan) -> Vec<bool> {
    let mut out = vec![false; plan.nodes.len()];
    for id in 0..plan.nodes.len() {
        if let Some(p) = plan.nodes[id].parent {
            let pt = plan.nodes[p].node_type();
            out[id] = out[p] || matches!(pt, NodeType::Gather | NodeType::GatherMerge);
        }
    }
    out
}

/// The relationship of `id`'s children that are not sub-plans (§4).
fn parent_relationships(plan: &mut Plan, id: usize, ev: &Evidence) {
    let t = plan.nodes[id].node_type().clone();
    let children: Vec<usize> = plan.nodes[id]
        .children
        .iter()
        .copied()
        .filter(|&c| plan.nodes[c].parent_relationship.is_none())
        .collect();
    let count = children.len();
    for (i, c) in children.into_iter().enumerate() {
        let rel = match t {
            NodeType::Append | NodeType::MergeAppend | NodeType::BitmapAnd | NodeType::BitmapOr => {
                ParentRelationship::Member
            }
            NodeType::ModifyTable if count > 1 || ev.until(13) => ParentRelationship::Member,
            NodeType::SubqueryScan => ParentRelationship::Subquery,
            NodeType::CustomScan if count == 1 => ParentRelationship::Child,
            NodeType::CustomScan => ParentRelationship::Children,
            _ if i == 0 => ParentRelationship::Outer,
            _ => ParentRelationship::Inner,
        };
        plan.nodes[c].parent_relationship = Some(rel);
    }
}

/// Row-removal counters and heap blocks JSON prints (as 0) where TEXT omits zeros (§5.2, §5.7).
fn zero_counters(node: &mut Node, t: &NodeType) {
    if node.filter.is_some() {
        node.rows_removed_by_filter.get_or_insert(0.0);
    }
    if let Some(j) = node.join_conditions.as_mut() {
        if j.join_filter.is_some() {
            j.rows_removed_by_join_filter.get_or_insert(0.0);
        }
    }
    if let Some(c) = node.conditions.as_mut() {
        let recheck = match t {
            NodeType::IndexScan | NodeType::IndexOnlyScan => c.index_cond.is_some(),
            NodeType::BitmapHeapScan => c.recheck_cond.is_some(),
            _ => false,
        };
        if recheck {
            c.rows_removed_by_index_recheck.get_or_insert(0.0);
        }
    }
    if let Some(m) = node.modify_table.as_mut() {
        if m.conflict_filter.is_some() {
            m.rows_removed_by_conflict_filter.get_or_insert(0.0);
        }
        // MERGE's `Tuples:` line prints only the non-zero counts; JSON prints all four.
        if node.operation == Some(crate::model::Operation::Merge)
            && (m.tuples_inserted.is_some()
                || m.tuples_updated.is_some()
                || m.tuples_deleted.is_some()
                || m.tuples_skipped.is_some())
        {
            for f in [
                &mut m.tuples_inserted,
                &mut m.tuples_updated,
                &mut m.tuples_deleted,
                &mut m.tuples_skipped,
            ] {
                f.get_or_insert(0.0);
            }
        }
    }
    if *t == NodeType::BitmapHeapScan {
        let s = node.scan_stats.get_or_insert_with(Default::default);
        s.exact_heap_blocks.get_or_insert(0);
        s.lossy_heap_blocks.get_or_insert(0);
    }
}

/// Fills every counter of the groups JSON prints in full (zeros where TEXT printed nothing).
fn fill_groups(
    buffers: &mut Option<Box<Buffers>>,
    io: &mut Option<Box<IoTimings>>,
    wal: &mut Option<Box<Wal>>,
    ev: &Evidence,
    old_io_names: bool,
    node_level: bool,
) {
    if let Some(t) = io.as_mut() {
        if old_io_names {
            // 15–16 spell `I/O Read Time` as `shared read=`.
            if let Some(v) = t.shared_io_read_time.take() {
                t.io_read_time = Some(v);
            }
            if let Some(v) = t.shared_io_write_time.take() {
                t.io_write_time = Some(v);
            }
        }
    }
    if ev.buffers {
        let b = buffers.get_or_insert_with(Default::default);
        for f in [
            &mut b.shared_hit_blocks,
            &mut b.shared_read_blocks,
            &mut b.shared_dirtied_blocks,
            &mut b.shared_written_blocks,
            &mut b.local_hit_blocks,
            &mut b.local_read_blocks,
            &mut b.local_dirtied_blocks,
            &mut b.local_written_blocks,
            &mut b.temp_read_blocks,
            &mut b.temp_written_blocks,
        ] {
            f.get_or_insert(0);
        }
        if ev.io_timing {
            let t = io.get_or_insert_with(Default::default);
            let fields: &mut [&mut Option<f64>] = if ev.since(17) {
                &mut [
                    &mut t.shared_io_read_time,
                    &mut t.shared_io_write_time,
                    &mut t.local_io_read_time,
                    &mut t.local_io_write_time,
                    &mut t.temp_io_read_time,
                    &mut t.temp_io_write_time,
                ]
            } else if ev.since(15) && ev.until(16) {
                &mut [
                    &mut t.io_read_time,
                    &mut t.io_write_time,
                    &mut t.temp_io_read_time,
                    &mut t.temp_io_write_time,
                ]
            } else if ev.until(14) {
                &mut [&mut t.io_read_time, &mut t.io_write_time]
            } else {
                &mut []
            };
            for f in fields {
                f.get_or_insert(0.0);
            }
        }
    }
    if node_level && ev.wal {
        let w = wal.get_or_insert_with(Default::default);
        w.wal_records.get_or_insert(0);
        w.wal_fpi.get_or_insert(0);
        w.wal_bytes.get_or_insert(0);
        if ev.since(18) {
            w.wal_buffers_full.get_or_insert(0);
        }
    }
}

/// A trigger line names its relation only when several are involved (§8); otherwise it is the
/// relation the statement modifies.
fn infer_trigger_relations(plan: &mut Plan) {
    let Some(triggers) = plan.triggers.as_mut() else {
        return;
    };
    if triggers.iter().all(|t| t.relation.is_some()) {
        return;
    }
    let target = plan
        .nodes
        .iter()
        .find(|n| n.node_type == Some(NodeType::ModifyTable))
        .and_then(|n| n.relation_name.clone());
    if let Some(rel) = target {
        for t in triggers.iter_mut().filter(|t| t.relation.is_none()) {
            t.relation = Some(rel.clone());
        }
    }
}
