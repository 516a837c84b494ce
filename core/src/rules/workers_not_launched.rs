use super::*;

rule! {
    /// A parallel plan that got fewer workers than it planned for.
    ///
    /// ## What it finds
    /// A `Gather` or `Gather Merge` with `Workers Launched` below `Workers Planned`.
    ///
    /// ## Why it matters
    /// The plan was costed for N workers; with fewer, the leader does the rest and the query
    /// runs proportionally slower. The server had no free background workers
    /// (`max_parallel_workers`, `max_worker_processes`) — usually because of concurrent
    /// parallel queries.
    ///
    /// ## How to fix it
    /// Raise `max_parallel_workers` / `max_worker_processes` (the latter needs a restart), or
    /// lower the concurrency of parallel queries; check whether the result is still fast
    /// enough with fewer workers.
    ///
    /// ## Thresholds
    /// Any shortfall; a warning when the Gather's subtree takes at least `warning_share` of
    /// the execution time, else info.
    ///
    /// ## Impact
    /// The Gather's share of the execution time times the share of processes missing.
    ///
    /// ## Example
    /// `corpus/pg15/parallel_workers_limited/analyze.json`: 4 workers planned,
    /// `max_parallel_workers = 1`, 1 launched.
    id: "workers-not-launched",
    params: {
        /// Gather's share of the execution time from which the finding is a warning.
        warning_share: 0.1,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        if !matches!(n.node_type(), NodeType::Gather | NodeType::GatherMerge) || !ctx.executed(n.id)
        {
            continue;
        }
        let (Some(planned), Some(launched)) = (n.workers_planned(), n.workers_launched()) else {
            continue;
        };
        if launched >= planned {
            continue;
        }
        let share = ctx.total_share(n.id);
        let missing = 1.0 - (launched + 1) as f64 / (planned + 1) as f64;
        let severity = match share {
            Some(s) if s >= p.warning_share && ctx.significant(share) => Severity::Warning,
            Some(_) => Severity::Info,
            None => Severity::Warning,
        };
        let message = format!(
            "{} launched {launched} of {planned} planned workers{}",
            ctx.label(n.id),
            match share {
                Some(s) => format!("; its subtree took {} of execution time", fmt_pct(s)),
                None => String::new(),
            }
        );
        out.push(
            Finding::new(ID, severity, Some(n.id), message)
                .impact(share.map(|s| s * missing))
                .with("workers_planned", planned)
                .with("workers_launched", launched)
                .fix(
                    "No background workers were free: raise max_parallel_workers (and max_worker_processes, which needs a restart), or run fewer parallel queries at once.",
                    Some("SHOW max_parallel_workers;\nSHOW max_worker_processes;".to_string()),
                ),
        );
    }
}
