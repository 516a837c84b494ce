//! What the server prints for a node, in its order (`ExplainNode` in explain.c): the
//! properties of each node type as a list of slots, shared by the TEXT and JSON printers.
//!
//! A slot is one simple property (`Label: value` in TEXT, one key in JSON), or one of the lines
//! TEXT assembles from several properties (`Buffers: shared hit=…`; several keys in JSON).
//! Each simple property says when TEXT prints it (§5 of the format reference: TEXT omits zero
//! counters and `false` flags; the JSON printer prints every property the model holds).

use crate::model::{Node, NodeType};

/// When TEXT prints a simple property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Show {
    /// Whenever it is present.
    Always,
    /// Only when it is not zero (row-removal counters, `Subplans Removed`).
    NonZero,
    /// Only when it is `true` (`Disabled`, `Inner Unique`, `Single Copy`).
    True,
}

/// The lines TEXT assembles from several properties; each stands for its keys in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line {
    /// The node line: name, target, cost and actual blocks.
    Head,
    /// A worker's generic statistics: `actual time=… rows=… loops=…` (VERBOSE).
    Actual,
    /// `Buffers: shared hit=…, local …, temp …`.
    Buffers,
    /// `I/O Timings: …` (spelling by [`IoScheme`](super::IoScheme)).
    IoTimings,
    /// `WAL: records=… fpi=… bytes=…`.
    Wal,
    /// `Prefetch: …` and `I/O: …` (19).
    ReadStream,
    /// `Sort Method: quicksort  Memory: 25kB`.
    SortMethod,
    /// `Full-sort Groups: …` / `Pre-sorted Groups: …` (Incremental Sort).
    SortGroups,
    /// `Buckets: …  Batches: …  Memory Usage: …kB` (Hash).
    Hash,
    /// `Planned Partitions: …  Batches: …  Memory Usage: …kB  Disk Usage: …kB` (HashAggregate).
    HashAgg,
    /// `Hits: …  Misses: …  Evictions: …  Overflows: …  Memory Usage: …kB` (Memoize).
    Memoize,
    /// `Estimates: capacity=… distinct keys=… lookups=… hit percent=…%` (Memoize, 19).
    Estimates,
    /// `Heap Blocks: exact=… lossy=…` (Bitmap Heap Scan).
    HeapBlocks,
    /// `Tuples: inserted=… updated=… deleted=… skipped=…` (MERGE).
    MergeTuples,
    /// `Storage: Memory  Maximum Storage: …kB` (18).
    Storage,
    /// `Sampling: method (params) REPEATABLE (seed)` (Sample Scan).
    Sampling,
    /// `Group Key: …`, or the grouping sets (`Sort Key:` phases, `Group Key:`/`Hash Key:` lines).
    Grouping,
    /// One line per result relation of a ModifyTable (`Update on parts_1 parts`).
    TargetTables,
    /// The per-worker blocks (`Worker 0:  …`).
    Workers,
    /// `Memory: used=…kB  allocated=…kB` (Planning, 17+).
    Memory,
}

impl Line {
    /// The lines a node or worker can print wherever its type does not place them (a
    /// property of one node type found on another is still printed in its own line).
    pub const MOVABLE: &'static [Line] = &[
        Line::Buffers,
        Line::IoTimings,
        Line::Wal,
        Line::ReadStream,
        Line::SortMethod,
        Line::SortGroups,
        Line::Hash,
        Line::HashAgg,
        Line::Memoize,
        Line::Estimates,
        Line::HeapBlocks,
        Line::Storage,
        Line::Sampling,
        Line::Grouping,
        Line::TargetTables,
    ];

    /// Whether a server key belongs to more than one movable line (`Peak Memory Usage`: the
    /// Hash, HashAgg and Memoize lines).
    pub fn shared(key: &str) -> bool {
        Line::MOVABLE
            .iter()
            .filter(|l| l.keys().contains(&key))
            .count()
            > 1
    }

    /// The server keys the line stands for, in the server's JSON order.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Line::Head => HEAD,
            Line::Actual => WORKER_ACTUAL,
            Line::Buffers => BUFFERS,
            Line::IoTimings => IO_TIMINGS,
            Line::Wal => &[
                "WAL Records",
                "WAL FPI",
                "WAL Bytes",
                "WAL Buffers Full",
                "WAL FPI Bytes",
            ],
            Line::ReadStream => &[
                "Average Prefetch Distance",
                "Max Prefetch Distance",
                "Prefetch Capacity",
                "I/O Count",
                "I/O Waits",
                "Average I/O Size",
                "Average I/Os In Progress",
            ],
            Line::SortMethod => &["Sort Method", "Sort Space Used", "Sort Space Type"],
            Line::SortGroups => &["Full-sort Groups", "Pre-sorted Groups"],
            Line::Hash => &[
                "Hash Buckets",
                "Original Hash Buckets",
                "Hash Batches",
                "Original Hash Batches",
                "Peak Memory Usage",
            ],
            Line::HashAgg => &[
                "Planned Partitions",
                "HashAgg Batches",
                "Peak Memory Usage",
                "Disk Usage",
            ],
            Line::Memoize => &[
                "Cache Hits",
                "Cache Misses",
                "Cache Evictions",
                "Cache Overflows",
                "Peak Memory Usage",
            ],
            Line::Estimates => &[
                "Estimated Capacity",
                "Estimated Distinct Lookup Keys",
                "Estimated Lookups",
                "Estimated Hit Percent",
            ],
            Line::HeapBlocks => &["Exact Heap Blocks", "Lossy Heap Blocks"],
            Line::MergeTuples => &[
                "Tuples Inserted",
                "Tuples Updated",
                "Tuples Deleted",
                "Tuples Skipped",
            ],
            Line::Storage => &["Storage", "Maximum Storage"],
            Line::Sampling => &["Sampling Method", "Sampling Parameters", "Repeatable Seed"],
            Line::Grouping => &["Group Key", "Grouping Sets"],
            Line::TargetTables => &["Target Tables"],
            Line::Workers => &["Workers"],
            Line::Memory => &["Memory Used", "Memory Allocated"],
        }
    }
}

/// One slot of a layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// A simple property.
    Key(&'static str, Show),
    /// A line assembled from several properties.
    Line(Line),
    /// Where properties the layout does not place go (known ones first, in the model's table
    /// order, then unknown ones): FDW and custom-scan output sits here in the server's output.
    Rest,
}

use Show::{Always, NonZero, True};
use Slot::{Key, Line as L, Rest};

/// The node line's properties (JSON prints them first, in this order).
pub(crate) const HEAD: &[&str] = &[
    "Node Type",
    "Strategy",
    "Partial Mode",
    "Operation",
    "Parent Relationship",
    "Subplan Name",
    "Custom Plan Provider",
    "Parallel Aware",
    "Async Capable",
    "Scan Direction",
    "Index Name",
    "Relation Name",
    "Function Name",
    "Table Function Name",
    "CTE Name",
    "Tuplestore Name",
    "Schema",
    "Alias",
    "Join Type",
    "Command",
    "Startup Cost",
    "Total Cost",
    "Plan Rows",
    "Plan Width",
    "Actual Startup Time",
    "Actual Total Time",
    "Actual Rows",
    "Actual Loops",
];

/// Buffer counters in print order.
pub(crate) const BUFFERS: &[&str] = &[
    "Shared Hit Blocks",
    "Shared Read Blocks",
    "Shared Dirtied Blocks",
    "Shared Written Blocks",
    "Local Hit Blocks",
    "Local Read Blocks",
    "Local Dirtied Blocks",
    "Local Written Blocks",
    "Temp Read Blocks",
    "Temp Written Blocks",
];

/// I/O timings in print order (every version's keys).
pub(crate) const IO_TIMINGS: &[&str] = &[
    "I/O Read Time",
    "I/O Write Time",
    "Shared I/O Read Time",
    "Shared I/O Write Time",
    "Local I/O Read Time",
    "Local I/O Write Time",
    "Temp I/O Read Time",
    "Temp I/O Write Time",
];

/// The Planning object of a plan (13+).
pub(crate) const PLANNING: &[&str] = &[
    "Shared Hit Blocks",
    "Shared Read Blocks",
    "Shared Dirtied Blocks",
    "Shared Written Blocks",
    "Local Hit Blocks",
    "Local Read Blocks",
    "Local Dirtied Blocks",
    "Local Written Blocks",
    "Temp Read Blocks",
    "Temp Written Blocks",
    "I/O Read Time",
    "I/O Write Time",
    "Shared I/O Read Time",
    "Shared I/O Write Time",
    "Local I/O Read Time",
    "Local I/O Write Time",
    "Temp I/O Read Time",
    "Temp I/O Write Time",
    "Memory Used",
    "Memory Allocated",
];

/// What every node prints before its type's properties.
const START: &[Slot] = &[
    L(Line::Head),
    Key("Disabled", True),
    Key("Output", Always),
    Key("Inner Unique", True),
];

/// What every node prints after its type's properties.
const END: &[Slot] = &[
    Rest,
    L(Line::Buffers),
    L(Line::IoTimings),
    L(Line::Wal),
    L(Line::ReadStream),
    L(Line::Workers),
    Key("Subplans Removed", NonZero),
];

const FILTER: Slot = Key("Filter", Always);
const REMOVED: Slot = Key("Rows Removed by Filter", NonZero);

/// The properties of a node type, in print order (between [`START`] and [`END`]).
fn body(node: &Node) -> &'static [Slot] {
    match node.node_type() {
        NodeType::Result => &[Key("One-Time Filter", Always), FILTER, REMOVED],
        NodeType::ModifyTable if node.operation == Some(crate::model::Operation::Merge) => {
            &[L(Line::TargetTables), L(Line::MergeTuples)]
        }
        NodeType::ModifyTable => &[
            L(Line::TargetTables),
            Key("Conflict Resolution", Always),
            Key("Conflict Arbiter Indexes", Always),
            Key("Conflict Filter", Always),
            Key("Rows Removed by Conflict Filter", NonZero),
            Key("Tuples Inserted", Always),
            Key("Conflicting Tuples", Always),
        ],
        NodeType::MergeAppend => &[Key("Sort Key", Always)],
        NodeType::RecursiveUnion | NodeType::Materialize => &[L(Line::Storage)],
        NodeType::NestedLoop => &[
            Key("Join Filter", Always),
            Key("Rows Removed by Join Filter", NonZero),
            FILTER,
            REMOVED,
        ],
        NodeType::MergeJoin => &[
            Key("Merge Cond", Always),
            Key("Join Filter", Always),
            Key("Rows Removed by Join Filter", NonZero),
            FILTER,
            REMOVED,
        ],
        NodeType::HashJoin => &[
            Key("Hash Cond", Always),
            Key("Join Filter", Always),
            Key("Rows Removed by Join Filter", NonZero),
            FILTER,
            REMOVED,
        ],
        NodeType::SampleScan => &[L(Line::Sampling), FILTER, REMOVED],
        NodeType::Gather => &[
            FILTER,
            REMOVED,
            Key("Workers Planned", Always),
            Key("Params Evaluated", Always),
            Key("Workers Launched", Always),
            Key("Single Copy", True),
            Key("JIT", Always),
        ],
        NodeType::GatherMerge => &[
            FILTER,
            REMOVED,
            Key("Workers Planned", Always),
            Key("Params Evaluated", Always),
            Key("Workers Launched", Always),
            Key("JIT", Always),
        ],
        NodeType::IndexScan => &[
            Key("Index Cond", Always),
            Key("Rows Removed by Index Recheck", NonZero),
            Key("Order By", Always),
            FILTER,
            REMOVED,
            Key("Index Searches", Always),
        ],
        NodeType::IndexOnlyScan => &[
            Key("Index Cond", Always),
            Key("Rows Removed by Index Recheck", NonZero),
            Key("Order By", Always),
            FILTER,
            REMOVED,
            Key("Heap Fetches", Always),
            Key("Index Searches", Always),
        ],
        NodeType::BitmapIndexScan => &[Key("Index Cond", Always), Key("Index Searches", Always)],
        NodeType::BitmapHeapScan => &[
            Key("Recheck Cond", Always),
            Key("Rows Removed by Index Recheck", NonZero),
            FILTER,
            REMOVED,
            L(Line::HeapBlocks),
        ],
        NodeType::TidScan | NodeType::TidRangeScan => &[Key("TID Cond", Always), FILTER, REMOVED],
        NodeType::FunctionScan => &[Key("Function Call", Always), FILTER, REMOVED],
        NodeType::TableFunctionScan => &[
            Key("Table Function Call", Always),
            FILTER,
            REMOVED,
            L(Line::Storage),
        ],
        NodeType::CteScan => &[FILTER, REMOVED, L(Line::Storage)],
        NodeType::Memoize => &[
            Key("Cache Key", Always),
            Key("Cache Mode", Always),
            L(Line::Estimates),
            L(Line::Memoize),
        ],
        NodeType::Sort => &[Key("Sort Key", Always), L(Line::SortMethod)],
        NodeType::IncrementalSort => &[
            Key("Sort Key", Always),
            Key("Presorted Key", Always),
            L(Line::SortGroups),
        ],
        NodeType::Group => &[L(Line::Grouping), FILTER, REMOVED],
        NodeType::Aggregate => &[L(Line::Grouping), FILTER, L(Line::HashAgg), REMOVED],
        NodeType::WindowAgg
            if node
                .other_conditions
                .as_ref()
                .is_some_and(|c| c.window.is_some()) =>
        {
            &[
                Key("Window", Always),
                Key("Run Condition", Always),
                FILTER,
                REMOVED,
                L(Line::Storage),
            ]
        }
        NodeType::WindowAgg => &[FILTER, REMOVED, Key("Run Condition", Always)],
        NodeType::Hash => &[L(Line::Hash)],
        NodeType::SeqScan
        | NodeType::SubqueryScan
        | NodeType::ValuesScan
        | NodeType::NamedTuplestoreScan
        | NodeType::WorkTableScan
        | NodeType::ForeignScan
        | NodeType::CustomScan => &[FILTER, REMOVED],
        NodeType::ProjectSet
        | NodeType::Append
        | NodeType::BitmapAnd
        | NodeType::BitmapOr
        | NodeType::Unique
        | NodeType::SetOp
        | NodeType::LockRows
        | NodeType::Limit => &[],
        // A node type this version does not know: the conditions in their usual order.
        NodeType::Other(_) => &[
            Key("One-Time Filter", Always),
            Key("Index Cond", Always),
            Key("Rows Removed by Index Recheck", NonZero),
            Key("Order By", Always),
            Key("Recheck Cond", Always),
            Key("TID Cond", Always),
            Key("Merge Cond", Always),
            Key("Hash Cond", Always),
            Key("Join Filter", Always),
            Key("Rows Removed by Join Filter", NonZero),
            FILTER,
            REMOVED,
        ],
    }
}

/// The slots of a node, in print order.
pub(crate) fn node_layout(node: &Node) -> impl Iterator<Item = Slot> {
    START.iter().chain(body(node)).chain(END).copied()
}

/// When TEXT prints a simple property wherever it is (zero counters and `false` flags never).
pub(crate) fn show_of(key: &str) -> Show {
    match key {
        "Rows Removed by Filter"
        | "Rows Removed by Join Filter"
        | "Rows Removed by Index Recheck"
        | "Rows Removed by Conflict Filter"
        | "Subplans Removed" => NonZero,
        "Disabled" | "Inner Unique" | "Single Copy" => True,
        _ => Always,
    }
}

/// Whether a server key has a place in a layout (else it goes to [`Slot::Rest`]).
pub(crate) fn placed(slots: &[Slot], key: &str) -> bool {
    slots.iter().any(|s| match s {
        Key(k, _) => *k == key,
        L(l) => l.keys().contains(&key),
        Rest => false,
    })
}

/// The slots of a worker's block (13+), for a worker of a node of type `t`.
pub(crate) fn worker_layout(t: &NodeType) -> &'static [Slot] {
    const ACTUAL: Slot = L(Line::Actual);
    match t {
        NodeType::Memoize => &[
            Key("Worker Number", Always),
            ACTUAL,
            L(Line::Memoize),
            Key("JIT", Always),
            L(Line::Buffers),
            L(Line::IoTimings),
            L(Line::Wal),
            L(Line::ReadStream),
            Rest,
        ],
        _ => &[
            Key("Worker Number", Always),
            ACTUAL,
            L(Line::SortMethod),
            L(Line::SortGroups),
            L(Line::HashAgg),
            L(Line::HeapBlocks),
            Key("JIT", Always),
            L(Line::Buffers),
            L(Line::IoTimings),
            L(Line::Wal),
            L(Line::ReadStream),
            Rest,
        ],
    }
}

/// A worker's generic statistics, in JSON order (TEXT prints them as one `actual …` item).
pub(crate) const WORKER_ACTUAL: &[&str] = &[
    "Actual Startup Time",
    "Actual Total Time",
    "Actual Rows",
    "Actual Loops",
];
