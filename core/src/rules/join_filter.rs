use super::*;
use crate::model::ParentRelationship;

rule! {
    /// A join that pairs many rows only to discard them with its Join Filter.
    ///
    /// ## What it finds
    /// A join whose `Join Filter` removed at least `min_rows_removed` row pairs over all loops
    /// and at least `min_removed_share` of the pairs it formed. A filter that is an `OR` of
    /// conditions on different tables is called out.
    ///
    /// ## Why it matters
    /// The join condition the executor can use (hash keys, merge keys, an index on the inner
    /// side) is weaker than the real one, so it forms pairs first and tests the rest one pair
    /// at a time. Range conditions (`a.x BETWEEN b.lo AND b.hi`) and `OR` across tables are
    /// the usual causes.
    ///
    /// ## How to fix it
    /// Make the condition usable by the join: an equality key, an index that serves the range
    /// on the inner side, a range type with a GiST index; rewrite `OR` across tables as a
    /// `UNION` of two joins.
    ///
    /// ## Thresholds
    /// 10,000 removed pairs (pgplan) and 90% removed.
    ///
    /// ## Impact
    /// The join's self time (plus a rescanned Materialize inner side) times the share of pairs
    /// removed.
    ///
    /// ## Example
    /// `corpus/pg15/join_filter_many_removed/analyze.json`: orders joined to promotions on a
    /// date range, checked as a Join Filter on every pair.
    id: "join-filter",
    params: {
        /// Row pairs removed (all loops) below which the rule stays quiet.
        min_rows_removed: 10000.0,
        /// Share of the formed pairs that must be removed.
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
        let Some(filter) = n.join_filter() else {
            continue;
        };
        if !n.node_type().is_join() || !ctx.executed(n.id) {
            continue;
        }
        let removed = n.rows_removed_by_join_filter().unwrap_or(0.0) * n.loops() as f64;
        let kept = rows_total(n);
        let formed = removed + kept;
        if removed < p.min_rows_removed || removed / formed < p.min_removed_share {
            continue;
        }
        let removed_share = removed / formed;
        let inner = ctx.child(n.id, ParentRelationship::Inner);
        let materialized = inner.filter(|i| *i.node_type() == NodeType::Materialize);
        let share = match (ctx.self_share(n.id), materialized) {
            (Some(s), Some(m)) => Some(s + ctx.total_share(m.id).unwrap_or(0.0)),
            (s, _) => s,
        };
        let time = ctx.time_suffix(ctx.m(n.id).total_time_ms, ctx.total_share(n.id));
        let message = format!(
            "{} formed {} row pairs and its Join Filter removed {} of them{}",
            ctx.label(n.id),
            fmt_count(formed),
            fmt_pct(removed_share),
            time
        );
        let or_across =
            expr::conjuncts(filter).len() == 1 && expr::strip_parens(filter).contains(" OR ") && {
                let quals: Vec<&str> = expr::columns(filter)
                    .iter()
                    .filter_map(|c| c.qualifier)
                    .collect();
                quals.iter().any(|q| *q != quals[0])
            };
        let text = if or_across {
            format!(
                "The join condition is an OR across tables ({filter}): rewrite the query as a UNION of one join per branch, each able to use its own index or hash key."
            )
        } else {
            format!(
                "The condition {filter} is tested on every pair the join forms: turn it into a condition the join can use (an equality key, or an index on the inner side that serves the range)."
            )
        };
        out.push(
            Finding::new(
                ID,
                ctx.severity_by_share(share, p.warning_share, p.critical_share),
                Some(n.id),
                message,
            )
            .impact(share.map(|s| s * removed_share))
            .with("join_filter", filter)
            .with("rows_removed", removed)
            .with("rows_returned", kept)
            .with("removed_share", crate::metrics::round4(removed_share))
            .fix(text, None),
        );
    }
}
