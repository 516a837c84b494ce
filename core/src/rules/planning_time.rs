use super::*;

rule! {
    /// Planning took as long as the execution, or longer.
    ///
    /// ## What it finds
    /// A plan whose `Planning Time` is at least `min_ms` and at least `min_ratio` times its
    /// execution time.
    ///
    /// ## Why it matters
    /// For a query run often, planning is paid on every execution: many partitions, many
    /// joins (`join_collapse_limit`), many indexes and statistics to consider, or a cold
    /// catalog cache make the planner the bottleneck.
    ///
    /// ## How to fix it
    /// Prepared statements (the plan is reused; `plan_cache_mode` decides when a generic plan
    /// is used); fewer partitions touched per query; lower `join_collapse_limit` /
    /// `from_collapse_limit` for very large join lists; drop unused indexes.
    ///
    /// ## Thresholds
    /// 10 ms (an OLTP query's budget) and planning ≥ execution.
    ///
    /// ## Impact
    /// Planning time as a share of planning plus execution time.
    ///
    /// ## Example
    /// Queries over many partitions in corpus/ when the catalog cache is cold.
    id: "planning-time",
    params: {
        /// Planning time (ms) below which the rule stays quiet.
        min_ms: 10.0,
        /// Planning time over execution time from which it reports.
        min_ratio: 1.0,
        /// Planning time (ms) from which the finding is a warning (below: info).
        warning_ms: 100.0,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    let Some(planning) = ctx.plan.planning_time else {
        return;
    };
    let execution = ctx.plan.execution_time.unwrap_or(0.0);
    if planning < p.min_ms || planning < execution * p.min_ratio {
        return;
    }
    let share = planning / (planning + execution);
    let severity = if planning >= p.warning_ms {
        Severity::Warning
    } else {
        Severity::Info
    };
    let message = format!(
        "Planning took {}, {} the execution time ({})",
        fmt_ms(planning),
        if execution > 0.0 {
            format!("{:.1}×", planning / execution)
        } else {
            "more than".to_string()
        },
        fmt_ms(execution)
    );
    out.push(
        Finding::new(ID, severity, None, message)
            .impact(Some(share))
            .with("planning_time_ms", planning)
            .with("execution_time_ms", execution)
            .fix(
                "Reuse plans with prepared statements (see plan_cache_mode), touch fewer partitions per query, and for very long join lists lower join_collapse_limit.",
                None,
            ),
    );
}
