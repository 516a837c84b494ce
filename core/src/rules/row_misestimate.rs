use super::*;
use crate::metrics::EstimateDirection;
use crate::model::ParentRelationship;

rule! {
    /// The planner's row estimate was far off — reported at the node where the error starts.
    ///
    /// ## What it finds
    /// A node whose actual rows per loop differ from the estimate by at least `min_factor`
    /// (max/min, both floored at one row), with at least `min_rows` rows on the larger side
    /// over all loops. Errors propagate upwards, so only the **deepest** mis-estimated node of
    /// a chain is reported (pganalyze: the root cause is the lowest one); an ancestor is
    /// reported as well only when it multiplies the error by another `min_factor` itself (a
    /// misjudged join). Over-estimates of nodes that may legitimately stop early (under a
    /// Limit, the inner side of a semi/anti join, a Merge Join input, an EXISTS sub-plan) are
    /// not errors and are ignored; so are Hash nodes (they mirror their input), never-executed
    /// nodes and BitmapAnd/BitmapOr (which always report 0 rows).
    ///
    /// ## Why it matters
    /// Every plan choice above the node — join method, join order, memory, parallelism — was
    /// made for the wrong number of rows. A nested loop chosen for "1 row" that gets 50,000 is
    /// the classic slow query.
    ///
    /// ## How to fix it
    /// `ANALYZE` the table (stale statistics); extended statistics (`CREATE STATISTICS`) when
    /// the condition combines correlated columns; a higher statistics target for skewed
    /// columns; `ALTER FUNCTION … ROWS n` for set-returning functions; for a materialized CTE,
    /// `NOT MATERIALIZED` or a temporary table with `ANALYZE`.
    ///
    /// ## Thresholds
    /// 10× (info), 100× (warning), 1,000× (critical): the bands depesz, pev2 and pgAdmin
    /// colour by. An over-estimate is at most a warning: it makes the planner choose
    /// cautious plans (hash joins, more memory), while an under-estimate makes it choose
    /// nested loops and small memory that blow up. 100 rows: a 1-vs-20 error on a tiny result changes nothing.
    ///
    /// ## Impact
    /// The self time of the nearest join above the node — whose method was chosen with the
    /// wrong estimate — plus, when an under-estimated outer input fed a nested loop, the time
    /// of its repeated inner side (0 when no join is above).
    ///
    /// ## Example
    /// `corpus/pg15/stale_stats_misestimate/analyze.json`: shipments were analyzed at 2,000
    /// rows; the scan of `status = 'in_transit'` estimated 1 row and got 200,000.
    id: "row-misestimate",
    params: {
        /// Estimate factor from which a node counts as mis-estimated (info).
        min_factor: 10.0,
        /// Estimate factor from which the finding is a warning.
        warning_factor: 100.0,
        /// Estimate factor from which the finding is critical.
        critical_factor: 1000.0,
        /// Rows (the larger of estimate and actual, all loops) below which errors are ignored.
        min_rows: 100.0,
    }
}

/// Whether a node may stop before reading all its rows (so fewer rows than estimated is fine).
fn may_stop_early(ctx: &Context) -> Vec<bool> {
    let mut early = vec![false; ctx.nodes().len()];
    for n in ctx.nodes() {
        let Some(p) = n.parent else { continue };
        let parent = ctx.node(p);
        let inner = n.parent_relationship == Some(ParentRelationship::Inner);
        let semi_anti = parent
            .join_type
            .as_ref()
            .is_some_and(|j| matches!(j.as_str(), "Semi" | "Anti"));
        early[n.id] = match parent.node_type() {
            _ if matches!(
                n.parent_relationship,
                Some(ParentRelationship::SubPlan | ParentRelationship::InitPlan)
            ) =>
            {
                true
            }
            NodeType::Limit | NodeType::MergeJoin => true,
            // A WindowAgg with a Run Condition (15+) stops reading once it fails.
            NodeType::WindowAgg if parent.run_condition().is_some() => true,
            NodeType::NestedLoop if inner && semi_anti => true,
            // Nodes that read their whole input before returning anything.
            NodeType::Sort | NodeType::Hash => false,
            NodeType::Aggregate
                if parent
                    .strategy
                    .as_ref()
                    .is_none_or(|s| s.as_str() != "Sorted") =>
            {
                false
            }
            _ => early[p],
        };
    }
    early
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    let n = ctx.nodes().len();
    let early = may_stop_early(ctx);
    // Candidate direction per node (None: not mis-estimated).
    let mut cand: Vec<Option<EstimateDirection>> = vec![None; n];
    for node in ctx.nodes() {
        let m = ctx.m(node.id);
        let (Some(f), Some(dir)) = (m.estimate_factor, m.estimate_direction) else {
            continue;
        };
        if f < p.min_factor || *node.node_type() == NodeType::Hash {
            continue;
        }
        let biggest = m
            .actual_rows_total
            .unwrap_or(0.0)
            .max(m.plan_rows_total.unwrap_or(0.0));
        if biggest < p.min_rows {
            continue;
        }
        if dir == EstimateDirection::Over && early[node.id] {
            continue;
        }
        cand[node.id] = Some(dir);
    }
    // Worst factor below each node, per direction (sub-plans are separate trees).
    let mut worst_below = vec![[0.0f64; 2]; n];
    for node in ctx.nodes().iter().rev() {
        let Some(parent) = node.parent else { continue };
        if matches!(
            node.parent_relationship,
            Some(ParentRelationship::InitPlan | ParentRelationship::SubPlan)
        ) {
            continue;
        }
        let mut w = worst_below[node.id];
        if let Some(d) = cand[node.id] {
            let k = usize::from(d == EstimateDirection::Over);
            w[k] = w[k].max(ctx.m(node.id).estimate_factor.unwrap_or(0.0));
        }
        for k in 0..2 {
            worst_below[parent][k] = worst_below[parent][k].max(w[k]);
        }
    }
    // Mis-estimated ancestors in the same direction, per node.
    let mut above = vec![[0u32; 2]; n];
    for node in ctx.nodes() {
        if let Some(parent) = node.parent {
            above[node.id] = above[parent];
            if let Some(d) = cand[parent] {
                above[node.id][usize::from(d == EstimateDirection::Over)] += 1;
            }
        }
    }
    for node in ctx.nodes() {
        let Some(dir) = cand[node.id] else { continue };
        let k = usize::from(dir == EstimateDirection::Over);
        let m = ctx.m(node.id);
        let factor = m.estimate_factor.unwrap_or(1.0);
        let below = worst_below[node.id][k];
        if below > 0.0 && factor < below * p.min_factor {
            continue;
        }
        let severity = if factor >= p.critical_factor && dir == EstimateDirection::Under {
            Severity::Critical
        } else if factor >= p.critical_factor {
            // Over-estimates make the planner cautious (hash joins, more memory), rarely
            // catastrophic: at most a warning.
            Severity::Warning
        } else if factor >= p.warning_factor {
            Severity::Warning
        } else {
            Severity::Info
        };
        // The nearest join above: its method was chosen with this estimate.
        let mut join = None;
        let mut from = node.id;
        let mut cur = node.parent;
        while let Some(c) = cur {
            if ctx.node(c).node_type().is_join() {
                join = Some(c);
                break;
            }
            from = c;
            cur = ctx.node(c).parent;
        }
        // What another join method would change: the join's own time, plus, for a nested loop
        // fed too many outer rows, its repeated inner side.
        let impact = join.and_then(|j| {
            let mut s = ctx.self_share(j)?;
            let from_outer = ctx.node(from).parent_relationship == Some(ParentRelationship::Outer);
            if *ctx.node(j).node_type() == NodeType::NestedLoop
                && from_outer
                && dir == EstimateDirection::Under
                && let Some(inner) = ctx.child(j, ParentRelationship::Inner)
            {
                s += ctx.total_share(inner.id).unwrap_or(0.0);
            }
            Some(s)
        });
        let est = node.plan_rows.unwrap_or(0.0);
        let act = node.actual_rows.unwrap_or(0.0);
        let word = if dir == EstimateDirection::Under {
            "under"
        } else {
            "over"
        };
        let loops = node.loops();
        let per_loop = if loops > 1 { " per loop" } else { "" };
        let propagated = above[node.id][k];
        let message = format!(
            "{} {word}-estimated rows {}×: estimated {}{per_loop}, actual {}{}",
            ctx.label(node.id),
            fmt_count(factor.round()),
            fmt_count(est),
            fmt_count(act),
            if propagated > 0 {
                format!(
                    " (the error propagates to {propagated} node{} above)",
                    if propagated == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            }
        );
        let (text, sql) = fix(ctx, node, act);
        out.push(
            Finding::new(ID, severity, Some(node.id), message)
                .impact(impact)
                .with("estimated_rows", est)
                .with("actual_rows", act)
                .with("loops", loops)
                .with("factor", crate::metrics::round3(factor))
                .with("direction", word)
                .with("propagated_to", propagated as u64)
                .with_opt("affected_join", join.map(|j| j as u64))
                .fix(text, sql),
        );
    }
}

fn fix(ctx: &Context, node: &Node, actual: f64) -> (String, Option<String>) {
    let t = node.node_type();
    if let Some(table) = advice::table_name(node) {
        let conds: Vec<&str> = [
            node.filter.as_deref(),
            node.index_cond(),
            node.recheck_cond(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut cols: Vec<&str> = Vec::new();
        for c in &conds {
            for part in expr::conjuncts(c) {
                if let Some(cmp) = expr::comparison(part)
                    && let Some(col) = expr::plain_column(cmp.lhs)
                    && expr::columns(cmp.rhs).is_empty()
                    && !cols.contains(&col.name)
                {
                    cols.push(col.name);
                }
            }
        }
        let mut sql = format!("ANALYZE {table};");
        let mut text = format!(
            "Refresh the statistics of {table} (they may be stale), then compare the estimate again."
        );
        if cols.len() >= 2 {
            sql.push_str(&format!(
                "\nCREATE STATISTICS ON {} FROM {table};\nANALYZE {table};",
                cols.join(", ")
            ));
            text.push_str(" The condition combines several columns: if they are correlated, extended statistics let the planner know.");
        } else {
            text.push_str(" For a skewed column, raise its statistics target (ALTER TABLE … ALTER COLUMN … SET STATISTICS 1000).");
        }
        return (text, Some(sql));
    }
    match t {
        NodeType::FunctionScan => {
            let f = node.function_name().unwrap_or("the function");
            (
                format!("The planner knows only the function's declared row count: declare a realistic one with ALTER FUNCTION {f} ROWS {}.", fmt_count(actual.max(1.0).round()).replace(',', "")),
                node.function_name().as_ref().map(|f| format!("ALTER FUNCTION {f} ROWS {};", actual.max(1.0).round() as u64)),
            )
        }
        NodeType::CteScan => (
            "A materialized CTE has no statistics: let the planner inline it (NOT MATERIALIZED), or load it into a temporary table and ANALYZE it.".to_string(),
            None,
        ),
        _ if t.is_join() => (
            "The join's selectivity is misjudged although its inputs are estimated well: extended statistics on the join columns (ndistinct, mcv) of both tables, or a rewrite that joins on fewer correlated columns, can help.".to_string(),
            None,
        ),
        _ => (
            format!("Find why {} is mis-estimated: it is the lowest node with this error; statistics on the columns it groups or filters by usually fix it.", ctx.label(node.id)),
            None,
        ),
    }
}
