//! The closed sets of strings the server prints, as enums.

open_string_enum! {
    /// The server's `Node Type` (JSON spelling; TEXT adds qualifiers such as `Parallel` or a join type).
    pub enum NodeType {
        /// `Result`: computes a target list without a scan, or applies a One-Time Filter.
        Result = "Result",
        /// `ProjectSet` (10+): evaluates set-returning functions in the target list.
        ProjectSet = "ProjectSet",
        /// `ModifyTable`: INSERT, UPDATE, DELETE or MERGE (see `operation`).
        ModifyTable = "ModifyTable",
        /// `Append`: concatenates its children (partitions, UNION ALL).
        Append = "Append",
        /// `Merge Append`: merges sorted children.
        MergeAppend = "Merge Append",
        /// `Recursive Union`: WITH RECURSIVE.
        RecursiveUnion = "Recursive Union",
        /// `BitmapAnd`: intersects bitmaps.
        BitmapAnd = "BitmapAnd",
        /// `BitmapOr`: unites bitmaps.
        BitmapOr = "BitmapOr",
        /// `Nested Loop` join.
        NestedLoop = "Nested Loop",
        /// `Merge Join`.
        MergeJoin = "Merge Join",
        /// `Hash Join`.
        HashJoin = "Hash Join",
        /// `Seq Scan`: reads the whole table.
        SeqScan = "Seq Scan",
        /// `Sample Scan`: TABLESAMPLE.
        SampleScan = "Sample Scan",
        /// `Gather`: collects rows from parallel workers.
        Gather = "Gather",
        /// `Gather Merge` (10+): collects sorted rows from parallel workers.
        GatherMerge = "Gather Merge",
        /// `Index Scan`.
        IndexScan = "Index Scan",
        /// `Index Only Scan`.
        IndexOnlyScan = "Index Only Scan",
        /// `Bitmap Index Scan`.
        BitmapIndexScan = "Bitmap Index Scan",
        /// `Bitmap Heap Scan`.
        BitmapHeapScan = "Bitmap Heap Scan",
        /// `Tid Scan`.
        TidScan = "Tid Scan",
        /// `Tid Range Scan` (14+).
        TidRangeScan = "Tid Range Scan",
        /// `Subquery Scan`.
        SubqueryScan = "Subquery Scan",
        /// `Function Scan`.
        FunctionScan = "Function Scan",
        /// `Table Function Scan` (10+): XMLTABLE, JSON_TABLE.
        TableFunctionScan = "Table Function Scan",
        /// `Values Scan`.
        ValuesScan = "Values Scan",
        /// `CTE Scan`: reads a materialized CTE.
        CteScan = "CTE Scan",
        /// `Named Tuplestore Scan` (10+): reads a transition table.
        NamedTuplestoreScan = "Named Tuplestore Scan",
        /// `WorkTable Scan`: the recursive part of WITH RECURSIVE.
        WorkTableScan = "WorkTable Scan",
        /// `Foreign Scan` (also direct Foreign Insert/Update/Delete, see `operation`).
        ForeignScan = "Foreign Scan",
        /// `Custom Scan` (see `custom_plan_provider`).
        CustomScan = "Custom Scan",
        /// `Materialize`.
        Materialize = "Materialize",
        /// `Memoize` (14+).
        Memoize = "Memoize",
        /// `Sort`.
        Sort = "Sort",
        /// `Incremental Sort` (13+).
        IncrementalSort = "Incremental Sort",
        /// `Group`.
        Group = "Group",
        /// `Aggregate` (see `strategy` and `partial_mode`).
        Aggregate = "Aggregate",
        /// `WindowAgg`.
        WindowAgg = "WindowAgg",
        /// `Unique`.
        Unique = "Unique",
        /// `SetOp`: INTERSECT / EXCEPT (see `strategy`, `command`).
        SetOp = "SetOp",
        /// `LockRows`: SELECT … FOR UPDATE/SHARE.
        LockRows = "LockRows",
        /// `Limit`.
        Limit = "Limit",
        /// `Hash`: builds the hash table of a Hash Join.
        Hash = "Hash",
    }
}

impl NodeType {
    /// Whether the node reads a relation, index, function, CTE or values list (a leaf scan).
    pub fn is_scan(&self) -> bool {
        matches!(
            self,
            NodeType::SeqScan
                | NodeType::SampleScan
                | NodeType::IndexScan
                | NodeType::IndexOnlyScan
                | NodeType::BitmapIndexScan
                | NodeType::BitmapHeapScan
                | NodeType::TidScan
                | NodeType::TidRangeScan
                | NodeType::SubqueryScan
                | NodeType::FunctionScan
                | NodeType::TableFunctionScan
                | NodeType::ValuesScan
                | NodeType::CteScan
                | NodeType::NamedTuplestoreScan
                | NodeType::WorkTableScan
                | NodeType::ForeignScan
                | NodeType::CustomScan
        )
    }

    /// Whether the node joins two inputs.
    pub fn is_join(&self) -> bool {
        matches!(
            self,
            NodeType::NestedLoop | NodeType::MergeJoin | NodeType::HashJoin
        )
    }
}

string_enum! {
    /// `Strategy` of an Aggregate or SetOp node.
    pub enum Strategy {
        /// No grouping (Aggregate) .
        Plain = "Plain",
        /// Input sorted by the group key (GroupAggregate, sorted SetOp).
        Sorted = "Sorted",
        /// Hash table (HashAggregate, HashSetOp).
        Hashed = "Hashed",
        /// Grouping sets, some sorted and some hashed (10+).
        Mixed = "Mixed",
    }
}

string_enum! {
    /// `Partial Mode` of an Aggregate (9.6+).
    pub enum PartialMode {
        /// An ordinary aggregate.
        Simple = "Simple",
        /// Computes partial states in parallel workers.
        Partial = "Partial",
        /// Combines partial states.
        Finalize = "Finalize",
    }
}

string_enum! {
    /// `Operation` of a ModifyTable or Foreign Scan node.
    pub enum Operation {
        /// A foreign scan that reads.
        Select = "Select",
        /// INSERT.
        Insert = "Insert",
        /// UPDATE.
        Update = "Update",
        /// DELETE.
        Delete = "Delete",
        /// MERGE (15+).
        Merge = "Merge",
    }
}

string_enum! {
    /// `Parent Relationship`: how a node relates to its parent.
    pub enum ParentRelationship {
        /// The outer (left, driving) input.
        Outer = "Outer",
        /// The inner (right) input.
        Inner = "Inner",
        /// A member of an Append, Merge Append, BitmapAnd/Or (or ModifyTable ≤13).
        Member = "Member",
        /// An InitPlan (run once) or a materialized CTE.
        InitPlan = "InitPlan",
        /// A SubPlan (run per outer row, or hashed).
        SubPlan = "SubPlan",
        /// The subquery of a Subquery Scan.
        Subquery = "Subquery",
        /// The only child of a Custom Scan.
        Child = "child",
        /// One of several children of a Custom Scan.
        Children = "children",
    }
}

string_enum! {
    /// `Scan Direction` of an index scan.
    pub enum ScanDirection {
        /// Forward.
        Forward = "Forward",
        /// Backward (`Index Scan Backward` in TEXT).
        Backward = "Backward",
        /// No movement (≤15, rare).
        NoMovement = "NoMovement",
    }
}

string_enum! {
    /// `Join Type` of a join node.
    pub enum JoinType {
        /// Inner join.
        Inner = "Inner",
        /// Left outer join.
        Left = "Left",
        /// Full outer join.
        Full = "Full",
        /// Right outer join.
        Right = "Right",
        /// Semi join (EXISTS, IN).
        Semi = "Semi",
        /// Anti join (NOT EXISTS).
        Anti = "Anti",
        /// Right anti join (16+).
        RightAnti = "Right Anti",
        /// Right semi join (18+).
        RightSemi = "Right Semi",
    }
}

string_enum! {
    /// `Command` of a SetOp node.
    pub enum SetOpCommand {
        /// INTERSECT.
        Intersect = "Intersect",
        /// INTERSECT ALL.
        IntersectAll = "Intersect All",
        /// EXCEPT.
        Except = "Except",
        /// EXCEPT ALL.
        ExceptAll = "Except All",
    }
}

string_enum! {
    /// `Sort Method` of a Sort node.
    pub enum SortMethod {
        /// Bounded heap sort (ORDER BY … LIMIT).
        TopNHeapsort = "top-N heapsort",
        /// In-memory quicksort.
        Quicksort = "quicksort",
        /// Disk-based sort.
        ExternalSort = "external sort",
        /// Disk-based merge sort.
        ExternalMerge = "external merge",
        /// Sort not finished (EXPLAIN ANALYZE of an interrupted sort).
        StillInProgress = "still in progress",
    }
}

string_enum! {
    /// Where a sort or tuplestore kept its data (`Sort Space Type`, `Storage`).
    pub enum SpaceType {
        /// In memory.
        Memory = "Memory",
        /// On disk (temporary files).
        Disk = "Disk",
    }
}

string_enum! {
    /// `Cache Mode` of a Memoize node (14.2+).
    pub enum CacheMode {
        /// Keys compared with the equality operator.
        Logical = "logical",
        /// Keys compared byte by byte.
        Binary = "binary",
    }
}
