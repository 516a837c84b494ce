use super::*;

rule! {
    /// A parallel plan whose Gather spends more time coordinating than its workers save.
    ///
    /// ## What it finds
    /// A `Gather` or `Gather Merge` with launched workers whose own time (its wall time minus
    /// the per-process time of the parallel part below) is at least `min_self_share` of its
    /// total time and at least `min_self_ms`.
    ///
    /// ## Why it matters
    /// Starting workers, passing every row through shared-memory queues and merging sorted
    /// streams costs time the serial plan does not pay; for short queries or many rows
    /// returned it can exceed what parallelism saves.
    ///
    /// ## How to fix it
    /// Compare with `SET max_parallel_workers_per_gather = 0`; if serial is faster, raise
    /// `parallel_setup_cost` / `parallel_tuple_cost` (which the planner underrated), or
    /// aggregate/filter below the Gather so fewer rows cross it.
    ///
    /// ## Thresholds
    /// 30% of the Gather's time and 5 ms (pgplan flags a Gather slower than its workers'
    /// work; a third of overhead is already more than parallelism usually saves).
    ///
    /// ## Impact
    /// The Gather's self time share.
    ///
    /// ## Example
    /// `corpus/pg15/parallel_gather_overhead/analyze.json`: every customer row crosses the
    /// Gather, which spends 32 ms of its 38 ms coordinating 2 workers.
    id: "parallel-overhead",
    params: {
        /// Share of the Gather's own time in its total time from which it reports.
        min_self_share: 0.3,
        /// Gather self time (ms) below which it stays quiet.
        min_self_ms: 5.0,
        /// Share of the execution time from which the finding is a warning (below: info).
        warning_share: 0.1,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.timed() {
        return;
    }
    for n in ctx.nodes() {
        if !matches!(n.node_type(), NodeType::Gather | NodeType::GatherMerge)
            || n.workers_launched().unwrap_or(0) == 0
        {
            continue;
        }
        let m = ctx.m(n.id);
        let (Some(own), Some(total)) = (m.self_time_ms, m.total_time_ms) else {
            continue;
        };
        if own < p.min_self_ms || total <= 0.0 || own / total < p.min_self_share {
            continue;
        }
        let share = m.self_time_share;
        let severity = match share {
            Some(s) if s >= p.warning_share && ctx.significant(share) => Severity::Warning,
            _ => Severity::Info,
        };
        let message = format!(
            "{} spent {} of its {} coordinating {} workers ({} of execution time)",
            ctx.label(n.id),
            fmt_ms(own),
            fmt_ms(total),
            n.workers_launched().unwrap_or(0),
            share.map(fmt_pct).unwrap_or_default()
        );
        out.push(
            Finding::new(ID, severity, Some(n.id), message)
                .impact(share)
                .with("gather_self_ms", own)
                .with("gather_total_ms", total)
                .with_opt("workers_launched", n.workers_launched())
                .fix(
                    "Compare with a serial plan (SET max_parallel_workers_per_gather = 0 for the session); if it is faster, raise parallel_setup_cost / parallel_tuple_cost, or reduce the rows that cross the Gather.",
                    Some("SET max_parallel_workers_per_gather = 0;  -- to compare".to_string()),
                ),
        );
    }
}
