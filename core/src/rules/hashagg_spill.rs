use super::*;

rule! {
    /// A hash aggregate that ran out of memory and spilled groups to disk (PostgreSQL 13+).
    ///
    /// ## What it finds
    /// An `Aggregate` with `HashAgg Batches` above 1 or a `Disk Usage` above 0, in the leader
    /// or in a parallel worker.
    ///
    /// ## Why it matters
    /// Groups that do not fit are written to temporary files and aggregated in further passes.
    ///
    /// ## How to fix it
    /// Raise `work_mem` or `hash_mem_multiplier` for this query (suggested: twice the disk
    /// usage, rounded up); aggregate fewer or narrower rows; or let an index feed a sorted
    /// GroupAggregate. An under-estimated number of groups is often why the planner chose
    /// hashing: check `row-misestimate`.
    ///
    /// ## Thresholds
    /// Any spill; severity by the aggregate's share of the execution time (5% warning, 50%
    /// critical).
    ///
    /// ## Impact
    /// Half the aggregate's self time.
    ///
    /// ## Example
    /// `corpus/pg15/hashagg_spill/analyze.json`: `Batches: 5  Disk Usage: … kB`.
    id: "hashagg-spill",
    params: {
        /// Self-time share from which the finding is a warning (below: info).
        warning_share: 0.05,
        /// Self-time share from which the finding is critical.
        critical_share: 0.5,
    }
}

/// Batches and disk kB of a spilled hash aggregate (node and workers summed).
pub(crate) fn spill(n: &Node) -> Option<(u64, f64)> {
    if *n.node_type() != NodeType::Aggregate {
        return None;
    }
    let mut batches = 0;
    let mut disk = 0.0;
    let mut spilled = false;
    let groups = n.hashagg.iter().map(|b| &**b).chain(
        n.workers()
            .into_iter()
            .flatten()
            .filter_map(|w| w.hashagg.as_deref()),
    );
    for h in groups {
        let b = h.hashagg_batches.unwrap_or(1);
        let d = h.disk_usage.unwrap_or(0);
        if b > 1 || d > 0 {
            spilled = true;
        }
        batches = batches.max(b);
        disk += d as f64;
    }
    spilled.then_some((batches, disk))
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        let Some((batches, disk)) = spill(n) else {
            continue;
        };
        let m = ctx.m(n.id);
        let share = m.self_time_share;
        let time = ctx.time_suffix(m.self_time_ms, share);
        let message = format!(
            "{} spilled to disk: {batches} batches, {} kB{}",
            ctx.label(n.id),
            fmt_count(disk),
            time
        );
        let wm = suggest_work_mem(disk.max(n.peak_memory_usage().copied().unwrap_or(0) as f64));
        out.push(
            Finding::new(
                ID,
                ctx.severity_by_share(share, p.warning_share, p.critical_share),
                Some(n.id),
                message,
            )
            .impact(share.map(|s| s * 0.5))
            .with("hashagg_batches", batches)
            .with("disk_usage_kb", disk)
            .with_opt("planned_partitions", n.hashagg.as_ref().and_then(|h| h.planned_partitions))
            .with_opt("peak_memory_kb", n.peak_memory_usage().copied())
            .fix(
                format!("Let the groups fit in memory (about {wm}): raise work_mem or hash_mem_multiplier for this query (SET LOCAL in its transaction), or aggregate fewer, narrower rows."),
                Some(format!("SET LOCAL work_mem = '{wm}';")),
            ),
        );
    }
}
