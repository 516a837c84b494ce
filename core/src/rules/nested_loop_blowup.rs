use super::*;
use crate::metrics::EstimateDirection;
use crate::model::ParentRelationship;

rule! {
    /// A nested loop that runs its inner side thousands of times and spends its time there.
    ///
    /// ## What it finds
    /// A `Nested Loop` whose inner child ran at least `min_loops` times (behind a `Memoize`:
    /// cache misses) and whose inner side
    /// takes at least `min_inner_share` of the execution time (without timing: any such loop
    /// count, as info). When the planner under-estimated the outer side, the message says so:
    /// that is usually why a nested loop was chosen.
    ///
    /// ## Why it matters
    /// A nested loop is the best join for a few outer rows; for many it repeats the inner
    /// scan once per outer row, and a hash or merge join that reads each side once wins.
    ///
    /// ## How to fix it
    /// Fix the outer side's estimate first (see `row-misestimate`); make each inner execution
    /// cheap (an index on the inner join key); test whether another join is faster with
    /// `SET enable_nestloop = off` for the session; force the filtering order with a
    /// `MATERIALIZED` CTE.
    ///
    /// ## Thresholds
    /// 1,000 inner loops (pgplan, dataxplan, pgexplain) and 10% of the execution time (the
    /// absolute floors peers use — 50 to 500 ms — depend on the machine; a share does not).
    ///
    /// ## Impact
    /// The inner side's share of the execution time: a join that reads the inner side once
    /// saves most of it.
    ///
    /// ## Example
    /// `corpus/pg15/stale_stats_nested_loop/analyze.json`: the outer scan was estimated at 1
    /// row and returned ~50,000, so the inner index scan ran ~50,000 times.
    id: "nested-loop-blowup",
    params: {
        /// Inner-side loops from which the rule looks at the join.
        min_loops: 1000.0,
        /// Inner side's share of the execution time from which it reports (warning).
        min_inner_share: 0.1,
        /// Inner side's share from which the finding is critical.
        critical_share: 0.5,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        if *n.node_type() != NodeType::NestedLoop || !ctx.executed(n.id) {
            continue;
        }
        if ctx.has_finding(out, super::cartesian_join::ID, n.id)
            || ctx.has_finding(out, super::join_filter::ID, n.id)
        {
            continue;
        }
        let Some(inner) = ctx.child(n.id, ParentRelationship::Inner) else {
            continue;
        };
        // Behind a Memoize only cache misses run the inner side.
        let loops = match (inner.node_type(), inner.memoize.as_ref()) {
            (NodeType::Memoize, Some(c)) => c.cache_misses.unwrap_or(0) as f64,
            _ => inner.loops() as f64,
        };
        if loops < p.min_loops {
            continue;
        }
        let share = ctx.total_share(inner.id);
        let severity = match share {
            Some(s) if s < p.min_inner_share => continue,
            Some(_) if !ctx.significant(share) => Severity::Info,
            Some(s) if s >= p.critical_share => Severity::Critical,
            Some(_) => Severity::Warning,
            None => Severity::Info,
        };
        let outer = ctx.child(n.id, ParentRelationship::Outer);
        let outer_note = outer
            .filter(|o| {
                let m = ctx.m(o.id);
                m.estimate_direction == Some(EstimateDirection::Under)
                    && m.estimate_factor.is_some_and(|f| f >= 10.0)
            })
            .map(|o| {
                format!(
                    "; the planner expected {} outer row{} from {}, got {}",
                    fmt_count(o.plan_rows.unwrap_or(0.0)),
                    if o.plan_rows == Some(1.0) { "" } else { "s" },
                    ctx.label(o.id),
                    fmt_count(rows_total(o))
                )
            })
            .unwrap_or_default();
        let im = ctx.m(inner.id);
        let time = ctx.time_suffix(im.total_time_ms, share);
        let message = format!(
            "{} ran its inner side ({}) {} times{}{}",
            ctx.label(n.id),
            ctx.label(inner.id),
            fmt_count(loops),
            time,
            outer_note
        );
        let mut text = String::new();
        if !outer_note.is_empty() {
            text.push_str("The outer side was under-estimated, which is why a nested loop looked cheap: fix that estimate first (see row-misestimate). ");
        }
        let inner_scan = ctx
            .subtree(inner.id)
            .map(|i| ctx.node(i))
            .find(|x| x.node_type().is_scan());
        if let Some(s) = inner_scan.filter(|s| *s.node_type() == NodeType::SeqScan) {
            text.push_str(&format!(
                "Each inner loop scans {} sequentially: index its join column. ",
                s.relation_name.as_deref().unwrap_or("the table")
            ));
        }
        text.push_str("Test whether a hash or merge join is faster with SET enable_nestloop = off (for the session only).");
        out.push(
            Finding::new(ID, severity, Some(n.id), message)
                .impact(share)
                .with("inner_node", inner.id as u64)
                .with("inner_loops", loops)
                .with_opt("inner_time_ms", im.total_time_ms)
                .with_opt("outer_estimated_rows", outer.and_then(|o| o.plan_rows))
                .with_opt("outer_actual_rows", outer.map(rows_total))
                .fix(text, Some("SET enable_nestloop = off;  -- to compare; RESET enable_nestloop afterwards".to_string())),
        );
    }
}
