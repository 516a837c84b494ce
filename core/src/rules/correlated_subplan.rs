use super::*;
use crate::model::ParentRelationship;

rule! {
    /// A correlated sub-query executed once per outer row.
    ///
    /// ## What it finds
    /// A `SubPlan` (not hashed: a hashed SubPlan runs once) executed at least `min_loops`
    /// times. Severity follows the SubPlan's share of the execution time; without timing it
    /// is a warning.
    ///
    /// ## Why it matters
    /// The sub-query in the SELECT list or WHERE clause is re-run for every row of the outer
    /// query: 5,000 rows mean 5,000 separate executions, each with its own index descents.
    ///
    /// ## How to fix it
    /// Rewrite it as a join: `LEFT JOIN LATERAL (…) ON true`, a join to a pre-aggregated
    /// sub-query (`GROUP BY` the correlated column), or `EXISTS` for a semi-join the planner
    /// can hash. At least make sure the correlated column is indexed.
    ///
    /// ## Thresholds
    /// 1,000 executions (pgplan); 10% of the execution time for a warning, 50% critical.
    ///
    /// ## Impact
    /// The SubPlan's share of the execution time: a join computes the same in one pass.
    ///
    /// ## Example
    /// `corpus/pg15/subplan_correlated/analyze.json`: `SubPlan 1` (an Aggregate over orders)
    /// ran 5,000 times, once per customer.
    id: "correlated-subplan",
    params: {
        /// Executions from which the rule reports.
        min_loops: 1000.0,
        /// SubPlan's share of the execution time from which it is a warning.
        warning_share: 0.1,
        /// SubPlan's share from which it is critical.
        critical_share: 0.5,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        if n.parent_relationship != Some(ParentRelationship::SubPlan) {
            continue;
        }
        let loops = n.loops() as f64;
        if loops < p.min_loops {
            continue;
        }
        let name = n.subplan_name.as_deref().unwrap_or("SubPlan");
        let m = ctx.m(n.id);
        let share = m.total_time_share;
        let time = ctx.time_suffix(m.total_time_ms, share);
        let parent = n.parent.map(|p| ctx.label(p)).unwrap_or_default();
        let message = format!(
            "{name} ({}) ran {} times, once per row of {parent}{}",
            ctx.label(n.id),
            fmt_count(loops),
            time
        );
        let unindexed = ctx
            .subtree(n.id)
            .map(|i| ctx.node(i))
            .find(|x| *x.node_type() == NodeType::SeqScan);
        let mut text = "Rewrite the correlated sub-query as a join (LEFT JOIN LATERAL, or a join to a sub-query grouped by the correlated column) so that it runs once instead of once per row.".to_string();
        if let Some(s) = unindexed {
            text.push_str(&format!(
                " Each execution scans {} sequentially: at least index the correlated column.",
                s.relation_name.as_deref().unwrap_or("a table")
            ));
        }
        out.push(
            Finding::new(
                ID,
                ctx.severity_by_share(share, p.warning_share, p.critical_share),
                Some(n.id),
                message,
            )
            .impact(share)
            .with("subplan", name)
            .with("loops", loops)
            .with_opt("total_time_ms", m.total_time_ms)
            .with_opt("time_per_loop_ms", n.actual_total_time)
            .fix(text, None),
        );
    }
}
