use super::*;

rule! {
    /// A hash join whose hash table did not fit in memory and was split into batches on disk.
    ///
    /// ## What it finds
    /// A `Hash` node with `Hash Batches` above 1. When the planner planned fewer batches
    /// (`Original Hash Batches`), the build side was under-estimated.
    ///
    /// ## Why it matters
    /// Each extra batch writes both join inputs to temporary files and reads them back.
    ///
    /// ## How to fix it
    /// Raise the memory hash tables may use for this query: `work_mem`, or
    /// `hash_mem_multiplier` (PostgreSQL 13+) which raises it for hash nodes only. The
    /// suggested value holds all batches (peak memory × batches, doubled). Fix a build-side
    /// under-estimate first; make sure the smaller input is hashed.
    ///
    /// ## Thresholds
    /// Any batching (pganalyze, pgplan, pgexplain); severity follows the share of the
    /// execution time of the Hash and its join (5% warning, 50% critical).
    ///
    /// ## Impact
    /// Half the self time of the Hash and its Hash Join (where the batch I/O happens).
    ///
    /// ## Example
    /// `corpus/pg15/hash_join_batches/analyze.json`: with `work_mem = 2MB` the Hash uses
    /// several batches.
    id: "hash-spill",
    params: {
        /// Share of the execution time from which the finding is a warning (below: info).
        warning_share: 0.05,
        /// Share of the execution time from which the finding is critical.
        critical_share: 0.5,
    }
}

/// Whether a Hash node used more than one batch.
pub(crate) fn batched(n: &Node) -> bool {
    *n.node_type() == NodeType::Hash
        && n.hash.as_ref().and_then(|h| h.hash_batches).unwrap_or(1) > 1
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        if !batched(n) {
            continue;
        }
        let h = n.hash.as_deref().cloned().unwrap_or_default();
        let batches = h.hash_batches.unwrap_or(1);
        let original = h.original_hash_batches;
        let join = n.parent;
        let share = match (ctx.self_share(n.id), join.and_then(|j| ctx.self_share(j))) {
            (Some(a), Some(b)) => Some(a + b),
            (a, _) => a,
        };
        let peak = n.peak_memory_usage().copied().unwrap_or(0) as f64;
        let needed = peak * batches as f64;
        let planned = match original {
            Some(o) if o < batches => format!(" (planned {o}: the build side was under-estimated)"),
            _ => String::new(),
        };
        let message = format!(
            "Hash for {} spilled into {batches} batches{planned}; peak memory {} kB per batch",
            join.map(|j| ctx.label(j)).unwrap_or_default(),
            fmt_count(peak),
        );
        let wm = suggest_work_mem(needed);
        out.push(
            Finding::new(
                ID,
                ctx.severity_by_share(share, p.warning_share, p.critical_share),
                Some(n.id),
                message,
            )
            .impact(share.map(|s| s * 0.5))
            .with("hash_batches", batches)
            .with_opt("original_hash_batches", original)
            .with("peak_memory_kb", peak)
            .with_opt("hash_buckets", h.hash_buckets)
            .fix(
                format!("Let the hash table fit in memory (about {wm}): raise work_mem, or hash_mem_multiplier (PostgreSQL 13+) for hash nodes only, for this query (SET LOCAL in its transaction)."),
                Some(format!("SET LOCAL work_mem = '{wm}';")),
            ),
        );
    }
}
