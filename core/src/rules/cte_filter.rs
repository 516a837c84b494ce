use super::*;

rule! {
    /// A CTE Scan that discards most of the CTE's rows: the filter could not be pushed into the
    /// materialized CTE.
    ///
    /// ## What it finds
    /// A `CTE Scan` whose `Filter` removed at least `min_rows_removed` rows and at least
    /// `min_removed_share` of the rows it read from the CTE.
    ///
    /// ## Why it matters
    /// A materialized CTE (`WITH x AS MATERIALIZED`, a CTE referenced twice, or any CTE before
    /// PostgreSQL 12) is computed in full and stored before the outer query filters it: the
    /// outer condition cannot reach the tables inside, so the CTE computes (and may spill to
    /// disk) rows nobody needs.
    ///
    /// ## How to fix it
    /// Let the planner inline the CTE (`WITH x AS NOT MATERIALIZED`, PostgreSQL 12+), or move
    /// the condition into the CTE's own query.
    ///
    /// ## Thresholds
    /// 1,000 removed rows and 90% removed, as for `seq-scan-filter`.
    ///
    /// ## Impact
    /// The CTE's own time plus the scan's, times the share of rows removed.
    ///
    /// ## Example
    /// `corpus/pg15/cte_materialized_discard/analyze.json`: `CTE Scan on recent` removed
    /// 124,413 of 124,805 rows.
    id: "cte-filter",
    params: {
        /// Rows removed below which the rule stays quiet.
        min_rows_removed: 1000.0,
        /// Share of the CTE's rows that must be removed.
        min_removed_share: 0.9,
        /// Share of the execution time from which the finding is a warning.
        warning_share: 0.1,
        /// Share of the execution time from which the finding is critical.
        critical_share: 0.5,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        if *n.node_type() != NodeType::CteScan || !ctx.executed(n.id) {
            continue;
        }
        let Some(filter) = n.filter.as_deref() else {
            continue;
        };
        let removed = filter_removed(n);
        let read = removed + rows_total(n);
        if removed < p.min_rows_removed || removed / read < p.min_removed_share {
            continue;
        }
        let removed_share = removed / read;
        let name = n.cte_name().unwrap_or("");
        let cte = ctx
            .nodes()
            .iter()
            .find(|c| crate::metrics::cte_name(c) == Some(name));
        let share = match (
            ctx.self_share(n.id),
            cte.and_then(|c| ctx.total_share(c.id)),
        ) {
            (Some(a), Some(b)) => Some(a + b),
            (a, _) => a,
        };
        let time = ctx.time_phrase(
            match (
                ctx.m(n.id).self_time_ms,
                cte.and_then(|c| ctx.m(c.id).total_time_ms),
            ) {
                (Some(a), Some(b)) => Some(a + b),
                (a, _) => a,
            },
            share,
        );
        let message = format!(
            "{} removed {} of the CTE's {} rows{}",
            ctx.label(n.id),
            fmt_pct(removed_share),
            fmt_count(read),
            if time.is_empty() {
                String::new()
            } else {
                format!(" (CTE and scan: {time})")
            }
        );
        out.push(
            Finding::new(
                ID,
                ctx.severity_by_share(share, p.warning_share, p.critical_share),
                Some(n.id),
                message,
            )
            .impact(share.map(|s| s * removed_share))
            .with("cte", name)
            .with("filter", filter)
            .with("rows_removed", removed)
            .with("rows_returned", rows_total(n))
            .with_opt("cte_node", cte.map(|c| c.id as u64))
            .fix(
                format!("The filter {filter} runs after the CTE {name} was computed in full: write the CTE as NOT MATERIALIZED (PostgreSQL 12+) so the planner can push the filter into it, or move the condition into the CTE's query."),
                None,
            ),
        );
    }
}
