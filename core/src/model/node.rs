//! Plan nodes, per-worker data and the property groups they share.
//!
//! Each `properties!` row is `field: Type = "Server Key"`; the server key is the JSON/YAML key
//! (and the TEXT label for simple `Label: value` lines); the XML element name is derived from it.

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::Value;

use super::enums::*;
use super::source::{ConvError, Source};
use super::value::{Defs, FieldValue};
use super::{NodeId, Properties, object_list_value, object_schema, object_value, read_object};
use crate::error::Error;

properties! {
    /// Buffer usage (`Buffers:` in TEXT): blocks hit, read, dirtied and written, by scope.
    /// Cumulative over all loops, and including the node's children.
    pub group Buffers / BuffersField / BuffersKey {
        /// Shared blocks found in shared buffers.
        shared_hit_blocks: u64 = "Shared Hit Blocks",
        /// Shared blocks read from the OS (disk or page cache).
        shared_read_blocks: u64 = "Shared Read Blocks",
        /// Shared blocks modified.
        shared_dirtied_blocks: u64 = "Shared Dirtied Blocks",
        /// Shared blocks written out by this backend.
        shared_written_blocks: u64 = "Shared Written Blocks",
        /// Local (temporary table) blocks hit.
        local_hit_blocks: u64 = "Local Hit Blocks",
        /// Local blocks read.
        local_read_blocks: u64 = "Local Read Blocks",
        /// Local blocks modified.
        local_dirtied_blocks: u64 = "Local Dirtied Blocks",
        /// Local blocks written.
        local_written_blocks: u64 = "Local Written Blocks",
        /// Temporary-file blocks read (sorts, hashes, materializations that spilled).
        temp_read_blocks: u64 = "Temp Read Blocks",
        /// Temporary-file blocks written.
        temp_written_blocks: u64 = "Temp Written Blocks",
    }
}

properties! {
    /// Time spent reading and writing blocks (`I/O Timings:`, needs `track_io_timing`), in ms.
    /// The keys changed between versions; each variant keeps its own field.
    pub group IoTimings / IoTimingsField / IoTimingsKey {
        /// Time reading blocks (9.6–16; shared and local together).
        io_read_time: f64 = "I/O Read Time",
        /// Time writing blocks (9.6–16; shared and local together).
        io_write_time: f64 = "I/O Write Time",
        /// Time reading shared blocks (17+).
        shared_io_read_time: f64 = "Shared I/O Read Time",
        /// Time writing shared blocks (17+).
        shared_io_write_time: f64 = "Shared I/O Write Time",
        /// Time reading local blocks (17+).
        local_io_read_time: f64 = "Local I/O Read Time",
        /// Time writing local blocks (17+).
        local_io_write_time: f64 = "Local I/O Write Time",
        /// Time reading temporary-file blocks (15+).
        temp_io_read_time: f64 = "Temp I/O Read Time",
        /// Time writing temporary-file blocks (15+).
        temp_io_write_time: f64 = "Temp I/O Write Time",
    }
}

properties! {
    /// Write-ahead log generated (`WAL:` in TEXT; EXPLAIN option WAL, 13+).
    pub group Wal / WalField / WalKey {
        /// WAL records generated.
        wal_records: u64 = "WAL Records",
        /// Full-page images generated.
        wal_fpi: u64 = "WAL FPI",
        /// WAL bytes generated.
        wal_bytes: u64 = "WAL Bytes",
        /// Times the WAL buffers were full (18+).
        wal_buffers_full: u64 = "WAL Buffers Full",
        /// Bytes of full-page images (19, reported).
        wal_fpi_bytes: u64 = "WAL FPI Bytes",
    }
}

properties! {
    /// Read-stream I/O statistics (EXPLAIN option IO, 19; key names as reported).
    pub group ReadStreamIo / ReadStreamIoField / ReadStreamIoKey {
        /// Average prefetch distance (`Prefetch: avg=`).
        average_prefetch_distance: f64 = "Average Prefetch Distance",
        /// Maximum prefetch distance (`Prefetch: max=`).
        max_prefetch_distance: f64 = "Max Prefetch Distance",
        /// Prefetch capacity (`Prefetch: capacity=`).
        prefetch_capacity: f64 = "Prefetch Capacity",
        /// I/Os issued (`I/O: count=`).
        io_count: f64 = "I/O Count",
        /// I/Os waited for (`I/O: waits=`).
        io_waits: f64 = "I/O Waits",
        /// Average I/O size in blocks (`I/O: size=`).
        average_io_size: f64 = "Average I/O Size",
        /// Average I/Os in progress (`I/O: inprogress=`).
        average_ios_in_progress: f64 = "Average I/Os In Progress",
    }
}

properties! {
    /// Space of one sort group class of an Incremental Sort.
    pub struct SortSpace / SortSpaceField / SortSpaceKey {
        /// Average space per group, in kB.
        average_sort_space_used: u64 = "Average Sort Space Used",
        /// Peak space of a group, in kB.
        peak_sort_space_used: u64 = "Peak Sort Space Used",
    }
    groups {}
    members {}
}
object_value!(
    SortSpace,
    "Space used by the groups of an Incremental Sort, in kB."
);

properties! {
    /// Groups of an Incremental Sort (`Full-sort Groups:` / `Pre-sorted Groups:` in TEXT, 13+).
    pub struct IncrementalSortGroups / IncrementalSortGroupsField / IncrementalSortGroupsKey {
        /// Number of groups.
        group_count: u64 = "Group Count",
        /// Sort methods used for the groups.
        sort_methods_used: Vec<String> = "Sort Methods Used",
        /// Memory used by the groups.
        sort_space_memory: SortSpace = "Sort Space Memory",
        /// Disk used by the groups.
        sort_space_disk: SortSpace = "Sort Space Disk",
    }
    groups {}
    members {}
}
object_value!(
    IncrementalSortGroups,
    "Groups of an Incremental Sort (full-sort or pre-sorted)."
);

properties! {
    /// What a Sort or Incremental Sort did (`Sort Method:` line and group lines).
    pub group SortStats / SortStatsField / SortStatsKey {
        /// Sort key (Sort, Incremental Sort, Merge Append).
        sort_key: Vec<String> = "Sort Key",
        /// Key already sorted by the input (Incremental Sort, 13+).
        presorted_key: Vec<String> = "Presorted Key",
        /// Sort method.
        sort_method: SortMethod = "Sort Method",
        /// Space used, in kB.
        sort_space_used: u64 = "Sort Space Used",
        /// Where the space was: Memory or Disk.
        sort_space_type: SpaceType = "Sort Space Type",
        /// Incremental Sort: groups sorted in full (13+).
        full_sort_groups: Box<IncrementalSortGroups> = "Full-sort Groups",
        /// Incremental Sort: groups already sorted by a prefix (13+).
        pre_sorted_groups: Box<IncrementalSortGroups> = "Pre-sorted Groups",
    }
}

properties! {
    /// The hash table of a Hash node (`Buckets:` line).
    pub group HashStats / HashStatsField / HashStatsKey {
        /// Hash buckets used.
        hash_buckets: u64 = "Hash Buckets",
        /// Hash buckets planned.
        original_hash_buckets: u64 = "Original Hash Buckets",
        /// Hash batches used (more than 1 means the table spilled to disk).
        hash_batches: u64 = "Hash Batches",
        /// Hash batches planned.
        original_hash_batches: u64 = "Original Hash Batches",
    }
}

properties! {
    /// Disk use of a hashed aggregate (13+; `Batches:`/`Disk Usage:` on the HashAggregate line).
    pub group HashAggStats / HashAggStatsField / HashAggStatsKey {
        /// Partitions the planner expected to spill to.
        planned_partitions: u64 = "Planned Partitions",
        /// Batches used (more than 1 means the aggregate spilled to disk).
        hashagg_batches: u64 = "HashAgg Batches",
        /// Disk used, in kB.
        disk_usage: u64 = "Disk Usage",
    }
}

properties! {
    /// The cache of a Memoize node (14+).
    pub group MemoizeStats / MemoizeStatsField / MemoizeStatsKey {
        /// Cache key expressions.
        cache_key: String = "Cache Key",
        /// How keys are compared (14.2+).
        cache_mode: CacheMode = "Cache Mode",
        /// Estimated cache capacity in entries (19, reported).
        estimated_capacity: f64 = "Estimated Capacity",
        /// Estimated distinct lookup keys (19, reported).
        estimated_distinct_lookup_keys: f64 = "Estimated Distinct Lookup Keys",
        /// Estimated lookups (19, reported).
        estimated_lookups: f64 = "Estimated Lookups",
        /// Estimated hit percentage (19, reported).
        estimated_hit_percent: f64 = "Estimated Hit Percent",
        /// Lookups answered from the cache.
        cache_hits: u64 = "Cache Hits",
        /// Lookups that ran the subplan.
        cache_misses: u64 = "Cache Misses",
        /// Entries evicted to make room.
        cache_evictions: u64 = "Cache Evictions",
        /// Entries that did not fit even after evicting.
        cache_overflows: u64 = "Cache Overflows",
    }
}

properties! {
    /// A result relation of a ModifyTable with several targets (partitions, inheritance).
    pub struct TargetTable / TargetTableField / TargetTableKey {
        /// Table name.
        relation_name: String = "Relation Name",
        /// Schema (VERBOSE).
        schema: String = "Schema",
        /// Alias.
        alias: String = "Alias",
    }
    groups {}
    members {}
}
object_value!(TargetTable, "A result relation of a ModifyTable node.");
object_list_value!(TargetTable);

properties! {
    /// What a ModifyTable did: targets, ON CONFLICT, tuple counts.
    pub group ModifyTableStats / ModifyTableStatsField / ModifyTableStatsKey {
        /// Result relations, when there are several or the only one differs from the named table.
        target_tables: Vec<TargetTable> = "Target Tables",
        /// ON CONFLICT action: NOTHING or UPDATE.
        conflict_resolution: String = "Conflict Resolution",
        /// Indexes used to detect conflicts.
        conflict_arbiter_indexes: Vec<String> = "Conflict Arbiter Indexes",
        /// ON CONFLICT … WHERE condition.
        conflict_filter: String = "Conflict Filter",
        /// Rows removed by the conflict filter (per loop).
        rows_removed_by_conflict_filter: f64 = "Rows Removed by Conflict Filter",
        /// Rows inserted (ON CONFLICT, MERGE).
        tuples_inserted: f64 = "Tuples Inserted",
        /// Rows that conflicted (ON CONFLICT).
        conflicting_tuples: f64 = "Conflicting Tuples",
        /// Rows updated (MERGE, 15+).
        tuples_updated: f64 = "Tuples Updated",
        /// Rows deleted (MERGE, 15+).
        tuples_deleted: f64 = "Tuples Deleted",
        /// Rows skipped (MERGE, 15+).
        tuples_skipped: f64 = "Tuples Skipped",
    }
}

properties! {
    /// One grouping-set phase of an Aggregate with GROUPING SETS, ROLLUP or CUBE.
    pub struct GroupingSet / GroupingSetField / GroupingSetKey {
        /// Sort key of this phase.
        sort_key: Vec<String> = "Sort Key",
        /// Group keys of sorted sets (the empty set is `[]`).
        group_keys: Vec<Vec<String>> = "Group Keys",
        /// Group keys of hashed sets (10+).
        hash_keys: Vec<Vec<String>> = "Hash Keys",
    }
    groups {}
    members {}
}
object_value!(GroupingSet, "One grouping-set phase of an Aggregate.");
object_list_value!(GroupingSet);

properties! {
    /// `Options` of a JIT block.
    pub struct JitOptions / JitOptionsField / JitOptionsKey {
        /// Whether functions were inlined.
        inlining: bool = "Inlining",
        /// Whether generated code was optimized.
        optimization: bool = "Optimization",
        /// Whether expressions were compiled.
        expressions: bool = "Expressions",
        /// Whether tuple deforming was compiled.
        deforming: bool = "Deforming",
    }
    groups {}
    members {}
}
object_value!(JitOptions, "Which JIT features were used.");

properties! {
    /// `Timing` of a JIT block, in ms.
    pub struct JitTiming / JitTimingField / JitTimingKey {
        /// Code generation time (17+: the `Total` of the `Generation` object).
        generation: f64 = "Generation",
        /// Time generating tuple-deforming code (17+: `Generation.Deform`).
        deform: f64 = "Deform",
        /// Inlining time.
        inlining: f64 = "Inlining",
        /// Optimization time.
        optimization: f64 = "Optimization",
        /// Emission time.
        emission: f64 = "Emission",
        /// Total JIT time.
        total: f64 = "Total",
    }
    groups {}
    members {}
}

impl Serialize for JitTiming {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        self.serialize_fields(&mut map)?;
        if !self.extra.is_empty() {
            map.serialize_entry("extra", &self.extra)?;
        }
        map.end()
    }
}

impl FieldValue for JitTiming {
    fn schema(defs: &mut Defs) -> Value {
        object_schema::<JitTiming>("JitTiming", "JIT timing, in ms.", defs, |_, _| {})
    }
    fn read<'a, S: Source<'a>>(src: &mut S) -> Result<Self, Error> {
        let mut out = JitTiming::default();
        src.begin_object()?;
        while let Some(key) = src.next_key()? {
            if key == "Generation" && src.peek()? != super::source::Peek::Scalar {
                // 17+: "Generation": {"Deform": …, "Total": …}
                src.begin_object()?;
                while let Some(inner) = src.next_key()? {
                    match &*inner {
                        "Total" => out.generation = Some(f64::read(src)?),
                        "Deform" => out.deform = Some(f64::read(src)?),
                        other => {
                            let v = src.any(super::MAX_EXTRA_DEPTH)?;
                            super::insert_extra(&mut out.extra, &format!("Generation.{other}"), v);
                        }
                    }
                }
            } else {
                super::read_property(&mut out, &key, src)?;
            }
        }
        Ok(out)
    }
    fn from_text(_: &str) -> Result<Self, ConvError> {
        Err(ConvError::new("JIT timing has no one-line TEXT spelling"))
    }
}

properties! {
    /// A JIT block: at plan level, per worker (13+), or on a Gather for one worker (11–12).
    pub struct Jit / JitField / JitKey {
        /// Worker the block is about (11–12; −1 at plan level).
        worker_number: i64 = "Worker Number",
        /// Functions compiled.
        functions: u64 = "Functions",
        /// Features used.
        options: JitOptions = "Options",
        /// Time spent.
        timing: JitTiming = "Timing",
    }
    groups {}
    members {}
}
object_value!(Jit, "JIT compilation: functions, options, timing.");

/// `JIT` on a node: PostgreSQL 11–12 printed one block per worker on the Gather node.
impl FieldValue for Vec<Jit> {
    fn schema(defs: &mut Defs) -> Value {
        serde_json::json!({"type": "array", "items": Jit::schema(defs)})
    }
    fn read<'a, S: Source<'a>>(src: &mut S) -> Result<Self, Error> {
        Ok(vec![read_object(src)?])
    }
    fn from_text(_: &str) -> Result<Self, ConvError> {
        Err(ConvError::new("JIT has no one-line TEXT spelling"))
    }
    fn merge(&mut self, later: Self) {
        self.extend(later);
    }
}

properties! {
    /// What one parallel worker did for a node (`Worker N:` lines; `Workers` in JSON).
    pub struct Worker / WorkerField / WorkerKey {
        /// Worker number (0-based).
        worker_number: i64 = "Worker Number",
        /// Time to the first row, per loop, in ms.
        actual_startup_time: f64 = "Actual Startup Time",
        /// Time to the last row, per loop, in ms.
        actual_total_time: f64 = "Actual Total Time",
        /// Rows returned, per loop.
        actual_rows: f64 = "Actual Rows",
        /// Loops.
        actual_loops: u64 = "Actual Loops",
        /// Peak memory of the hash table or cache, in kB.
        peak_memory_usage: u64 = "Peak Memory Usage",
        /// Exact heap blocks of a Parallel Bitmap Heap Scan (18+).
        exact_heap_blocks: u64 = "Exact Heap Blocks",
        /// Lossy heap blocks of a Parallel Bitmap Heap Scan (18+).
        lossy_heap_blocks: u64 = "Lossy Heap Blocks",
        /// JIT done by this worker (13+).
        jit: Box<Jit> = "JIT",
    }
    groups {
        /// Sort done by this worker.
        sort: SortStats,
        /// Hash-aggregate spill of this worker.
        hashagg: HashAggStats,
        /// Memoize cache of this worker.
        memoize: MemoizeStats,
        /// Buffers of this worker.
        buffers: Buffers,
        /// I/O timings of this worker.
        io_timings: IoTimings,
        /// WAL of this worker.
        wal: Wal,
        /// Read-stream I/O of this worker (19).
        read_stream: ReadStreamIo,
    }
    members {}
}
object_value!(Worker, "What one parallel worker did for a node.");

/// `Workers`: 9.6–12 could print the key twice on one node (sort data and generic data);
/// the lists are merged worker by worker.
impl FieldValue for Vec<Worker> {
    fn schema(defs: &mut Defs) -> Value {
        serde_json::json!({"type": "array", "items": Worker::schema(defs)})
    }
    fn read<'a, S: Source<'a>>(src: &mut S) -> Result<Self, Error> {
        super::read_object_list(src)
    }
    fn from_text(_: &str) -> Result<Self, ConvError> {
        Err(ConvError::new("workers have no one-line TEXT spelling"))
    }
    fn merge(&mut self, later: Self) {
        for w in later {
            match self
                .iter_mut()
                .find(|o| o.worker_number.is_some() && o.worker_number == w.worker_number)
            {
                Some(old) => old.absorb(w),
                None => self.push(w),
            }
        }
    }
}

properties! {
    /// Less common scan targets and scan details.
    pub group ScanDetails / ScanDetailsField / ScanDetailsKey {
        /// Provider of a Custom Scan.
        custom_plan_provider: String = "Custom Plan Provider",
        /// Function scanned.
        function_name: String = "Function Name",
        /// Table function scanned (`xmltable`, `json_table`; 10+).
        table_function_name: String = "Table Function Name",
        /// CTE scanned.
        cte_name: String = "CTE Name",
        /// Tuplestore scanned (10+).
        tuplestore_name: String = "Tuplestore Name",
        /// Function call of a Function Scan (VERBOSE).
        function_call: String = "Function Call",
        /// Table function call (VERBOSE, 10+).
        table_function_call: String = "Table Function Call",
        /// TABLESAMPLE method.
        sampling_method: String = "Sampling Method",
        /// TABLESAMPLE parameters.
        sampling_parameters: Vec<String> = "Sampling Parameters",
        /// TABLESAMPLE REPEATABLE seed.
        repeatable_seed: String = "Repeatable Seed",
    }
}

properties! {
    /// Counters of index, bitmap and tuplestore scans (a group of its own: most scans that set
    /// them have no other scan detail).
    pub group ScanStats / ScanStatsField / ScanStatsKey {
        /// Heap fetches of an Index Only Scan (rows whose page was not all-visible).
        heap_fetches: f64 = "Heap Fetches",
        /// Index searches (18+).
        index_searches: f64 = "Index Searches",
        /// Exact heap blocks of a Bitmap Heap Scan.
        exact_heap_blocks: u64 = "Exact Heap Blocks",
        /// Lossy heap blocks of a Bitmap Heap Scan (the bitmap did not fit in work_mem).
        lossy_heap_blocks: u64 = "Lossy Heap Blocks",
        /// Tuplestore storage: Memory or Disk (18+).
        storage: SpaceType = "Storage",
        /// Tuplestore peak size, in kB (18+).
        maximum_storage: u64 = "Maximum Storage",
    }
}

properties! {
    /// Conditions of a scan other than `Filter`, with the recheck's row-removal counter.
    pub group Conditions / ConditionsField / ConditionsKey {
        /// Index condition.
        index_cond: String = "Index Cond",
        /// Rows removed by rechecking a lossy index condition (per loop).
        rows_removed_by_index_recheck: f64 = "Rows Removed by Index Recheck",
        /// Ordering operators of a KNN index scan.
        order_by: String = "Order By",
        /// Condition rechecked on heap rows of a bitmap scan.
        recheck_cond: String = "Recheck Cond",
        /// TID condition of a Tid Scan / Tid Range Scan.
        tid_cond: String = "TID Cond",
    }
}

properties! {
    /// Conditions of a join, with the join filter's row-removal counter.
    pub group JoinConditions / JoinConditionsField / JoinConditionsKey {
        /// Merge join condition.
        merge_cond: String = "Merge Cond",
        /// Hash join condition.
        hash_cond: String = "Hash Cond",
        /// Join condition checked after matching.
        join_filter: String = "Join Filter",
        /// Rows removed by the join filter (per loop).
        rows_removed_by_join_filter: f64 = "Rows Removed by Join Filter",
    }
}

properties! {
    /// Conditions of a Result (one-time filter) and of a WindowAgg (window, run condition).
    pub group OtherConditions / OtherConditionsField / OtherConditionsKey {
        /// Condition evaluated once, before running the node.
        one_time_filter: String = "One-Time Filter",
        /// Window definition of a WindowAgg (18+).
        window: String = "Window",
        /// Run condition of a WindowAgg (15+).
        run_condition: String = "Run Condition",
    }
}

properties! {
    /// Grouping of an Aggregate or Group node.
    pub group Grouping / GroupingField / GroupingKey {
        /// Group key.
        group_key: Vec<String> = "Group Key",
        /// Grouping-set phases.
        grouping_sets: Vec<GroupingSet> = "Grouping Sets",
    }
}

properties! {
    /// What a Gather or Gather Merge planned and got.
    pub group GatherStats / GatherStatsField / GatherStatsKey {
        /// Workers the planner asked for.
        workers_planned: u64 = "Workers Planned",
        /// Parameters evaluated before starting the workers (11–16).
        params_evaluated: Vec<String> = "Params Evaluated",
        /// Workers actually started.
        workers_launched: u64 = "Workers Launched",
        /// Whether a single worker runs the subplan (Gather).
        single_copy: bool = "Single Copy",
        /// JIT blocks printed on the node (11–12: one per worker on Gather).
        jit: Vec<Jit> = "JIT",
    }
}

properties! {
    /// A plan node: one operation of the executor, with its estimates, its actual run-time
    /// statistics and its properties. Children are in [`Plan::nodes`](super::Plan::nodes),
    /// referenced by id. Common properties are fields of the node; less common ones sit in
    /// boxed groups (`conditions`, `sort`, `buffers`…), flattened in the canonical JSON.
    pub struct Node / NodeField / NodeKey {
        /// The node type as the server names it in JSON (`Hash Join`, `Aggregate`…).
        node_type: NodeType = "Node Type",
        /// Aggregate/SetOp strategy.
        strategy: Strategy = "Strategy",
        /// Aggregate partial mode (9.6+).
        partial_mode: PartialMode = "Partial Mode",
        /// ModifyTable / Foreign Scan operation.
        operation: Operation = "Operation",
        /// How this node relates to its parent (absent on the root).
        parent_relationship: ParentRelationship = "Parent Relationship",
        /// Name of the InitPlan, SubPlan or CTE this node heads (`InitPlan 1 (returns $0)`, `SubPlan 2`, `CTE x`).
        subplan_name: String = "Subplan Name",
        /// Whether the node is parallel-aware (`Parallel` prefix in TEXT, 9.6+).
        parallel_aware: bool = "Parallel Aware",
        /// Whether the node can run asynchronously (`Async` prefix in TEXT, 14+).
        async_capable: bool = "Async Capable",
        /// Index scan direction.
        scan_direction: ScanDirection = "Scan Direction",
        /// Index used.
        index_name: String = "Index Name",
        /// Table scanned or modified.
        relation_name: String = "Relation Name",
        /// Schema of the relation or function (VERBOSE).
        schema: String = "Schema" in details,
        /// Alias of the scanned object.
        alias: String = "Alias",
        /// Join type.
        join_type: JoinType = "Join Type",
        /// SetOp command.
        command: SetOpCommand = "Command",
        /// Estimated cost before the first row (arbitrary units).
        startup_cost: f64 = "Startup Cost",
        /// Estimated cost of all rows.
        total_cost: f64 = "Total Cost",
        /// Estimated rows per loop.
        plan_rows: f64 = "Plan Rows",
        /// Estimated average row width, in bytes.
        plan_width: u64 = "Plan Width",
        /// Time to the first row, per loop, in ms (ANALYZE with TIMING).
        actual_startup_time: f64 = "Actual Startup Time",
        /// Time to the last row, per loop, in ms, children included (ANALYZE with TIMING).
        actual_total_time: f64 = "Actual Total Time",
        /// Rows returned, per loop (fractional from 18 on).
        actual_rows: f64 = "Actual Rows",
        /// Times the node was run (0: never executed).
        actual_loops: u64 = "Actual Loops",
        /// Whether the planner chose a disabled node type (18+).
        disabled: bool = "Disabled",
        /// Output columns (VERBOSE).
        output: Vec<String> = "Output" in details,
        /// Whether the inner side matches at most one row per outer row (10+).
        inner_unique: bool = "Inner Unique",
        /// Filter applied to the node's rows.
        filter: String = "Filter",
        /// Rows removed by the filter (per loop).
        rows_removed_by_filter: f64 = "Rows Removed by Filter",
        /// Peak memory of a hash table, hash aggregate or Memoize cache, in kB.
        peak_memory_usage: u64 = "Peak Memory Usage" in details,
        /// Children pruned at executor start-up (11+).
        subplans_removed: u64 = "Subplans Removed" in details,
        /// Per-worker data.
        workers: Vec<Worker> = "Workers" in details,
    }
    boxed {
        /// The node's less common properties (the rows marked `in details`: schema, output,
        /// peak memory, pruned subplans, workers), boxed.
        details: NodeDetails
    }
    groups {
        /// Less common scan targets and scan details.
        scan: ScanDetails,
        /// Index, bitmap and tuplestore scan counters.
        scan_stats: ScanStats,
        /// Scan conditions other than `Filter`.
        conditions: Conditions,
        /// Join conditions.
        join_conditions: JoinConditions,
        /// One-time filter, window and run condition.
        other_conditions: OtherConditions,
        /// Sort key and sort statistics.
        sort: SortStats,
        /// Group key and grouping sets.
        grouping: Grouping,
        /// Hash table statistics.
        hash: HashStats,
        /// Hash-aggregate spill statistics.
        hashagg: HashAggStats,
        /// Memoize cache statistics.
        memoize: MemoizeStats,
        /// Gather / Gather Merge workers.
        gather: GatherStats,
        /// ModifyTable targets, conflicts and tuple counts.
        modify_table: ModifyTableStats,
        /// Buffer usage.
        buffers: Buffers,
        /// I/O timings.
        io_timings: IoTimings,
        /// WAL usage.
        wal: Wal,
        /// Read-stream I/O (19).
        read_stream: ReadStreamIo,
    }
    members {
        /// This node's id (its index in `Plan::nodes`).
        id: NodeId,
        /// The parent's id (`None` for the root).
        parent: Option<NodeId>,
        /// The children's ids, in the server's order.
        children: Vec<NodeId>,
    }
}

impl Serialize for Node {
    /// The node's own properties (no children; see [`Plan::subtree`](super::Plan::subtree)).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        self.serialize_fields(&mut map)?;
        if !self.extra.is_empty() {
            map.serialize_entry("extra", &self.extra)?;
        }
        map.end()
    }
}

/// "Value or 0" accessors for rules that want numbers (absent stays absent in the fields).
impl Node {
    /// A node with just its type.
    pub fn new(node_type: NodeType) -> Self {
        Node {
            node_type: Some(node_type),
            ..Node::default()
        }
    }

    /// The node's less common properties, created empty when it has none yet (to set them).
    pub fn details_mut(&mut self) -> &mut NodeDetails {
        self.details.get_or_insert_with(Default::default)
    }

    /// The node type (`Other("")` if the server printed none).
    pub fn node_type(&self) -> &NodeType {
        static NONE: std::sync::OnceLock<NodeType> = std::sync::OnceLock::new();
        self.node_type
            .as_ref()
            .unwrap_or_else(|| NONE.get_or_init(|| NodeType::Other(String::new())))
    }

    /// Whether ANALYZE reported that the node never ran (`never executed`).
    pub fn never_executed(&self) -> bool {
        self.actual_loops == Some(0)
    }

    /// Loops, or 0 when not measured.
    pub fn loops(&self) -> u64 {
        self.actual_loops.unwrap_or(0)
    }

    /// The buffer counters, or all zero when not reported.
    pub fn buffers_or_zero(&self) -> Buffers {
        self.buffers.as_deref().cloned().unwrap_or_default()
    }
}

/// A sum of I/O time over the version-specific keys, in ms (0 when not reported).
impl IoTimings {
    /// Read time over every scope (shared, local, temp; old and new keys).
    pub fn read_time(&self) -> f64 {
        [
            self.io_read_time,
            self.shared_io_read_time,
            self.local_io_read_time,
            self.temp_io_read_time,
        ]
        .iter()
        .flatten()
        .sum()
    }

    /// Write time over every scope.
    pub fn write_time(&self) -> f64 {
        [
            self.io_write_time,
            self.shared_io_write_time,
            self.local_io_write_time,
            self.temp_io_write_time,
        ]
        .iter()
        .flatten()
        .sum()
    }
}

impl Buffers {
    /// Shared blocks hit plus read.
    pub fn shared_accessed(&self) -> u64 {
        self.shared_hit_blocks.unwrap_or(0) + self.shared_read_blocks.unwrap_or(0)
    }
}

/// The JSON Schema of a node (with its children).
pub(crate) fn node_schema(defs: &mut Defs) -> Value {
    object_schema::<Node>(
        "Node",
        "A plan node: its type, estimates, actual statistics and properties; children nested in `children`.",
        defs,
        |_, props| {
            props.insert(
                "children".into(),
                serde_json::json!({
                    "type": "array",
                    "description": "Child nodes in the server's order (InitPlans, outer, inner, members, SubPlans).",
                    "items": {"$ref": "#/$defs/Node"},
                }),
            );
        },
    )
}
