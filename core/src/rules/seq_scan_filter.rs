use super::*;

rule! {
    /// A sequential scan whose Filter throws away most of the rows it reads.
    ///
    /// ## What it finds
    /// A `Seq Scan` (or `Parallel Seq Scan`) with a `Filter` that removed at least
    /// `min_rows_removed` rows over all loops and at least `min_removed_share` of the rows it
    /// read. Sibling scans of the partitions of one table with the same filter are reported
    /// once, on their Append.
    ///
    /// ## Why it matters
    /// The scan reads every row of the table to keep a few: its cost grows with the table, not
    /// with the result. An index on the filtered columns reads only the rows it returns.
    ///
    /// ## How to fix it
    /// Create an index on the filtered column(s) — equality columns first, then one range
    /// column; a partial index (`WHERE col = 'constant'`) when the query always uses the same
    /// constant; a trigram GIN index for `LIKE '%…%'`. If a column is wrapped in a function
    /// or cast, see `non-sargable` instead. Check that the planner uses the new index with
    /// `EXPLAIN (ANALYZE)`.
    ///
    /// ## Thresholds
    /// 10,000 removed rows (pgplan's floor: a table of a few thousand rows is read in a
    /// millisecond, and a small lookup table is better scanned than indexed) and 90% removed
    /// (the 10× removed-to-kept ratio pgexplain and dataxplan use). Severity follows the scan's share of the execution time.
    ///
    /// ## Impact
    /// The scan's self time times the share of rows removed (what the index would not read).
    ///
    /// ## Example
    /// `corpus/pg15/seq_scan_filter/analyze.json`: `Seq Scan on orders` with
    /// `Filter: (promo_code = 'P0042'::text)` removed 499,744 of 500,000 rows.
    id: "seq-scan-filter",
    params: {
        /// Rows removed by the filter (all loops) below which the rule stays quiet.
        min_rows_removed: 10000.0,
        /// Share of the rows read the filter must remove.
        min_removed_share: 0.9,
        /// Self-time share from which the finding is a warning.
        warning_share: 0.1,
        /// Self-time share from which the finding is critical.
        critical_share: 0.5,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    let groups = scan_groups(
        ctx,
        |n| *n.node_type() == NodeType::SeqScan && n.filter.is_some(),
        |n| n.filter.as_deref(),
    );
    for g in groups {
        if g.members
            .iter()
            .any(|&m| ctx.has_finding(out, super::non_sargable::ID, m))
        {
            continue;
        }
        let removed: f64 = g.members.iter().map(|&m| filter_removed(ctx.node(m))).sum();
        let kept: f64 = g.members.iter().map(|&m| rows_total(ctx.node(m))).sum();
        let read = removed + kept;
        if removed < p.min_rows_removed || removed / read < p.min_removed_share {
            continue;
        }
        let removed_share = removed / read;
        let ms = group_sum(ctx, &g, |_, m| m.self_time_ms);
        let share = group_sum(ctx, &g, |_, m| m.self_time_share);
        let (table, target) = group_target(ctx, &g);
        let first = ctx.node(g.members[0]);
        let filter = first.filter.as_deref().unwrap_or("");
        let what = if g.partitions() {
            format!("Seq Scans on {target}")
        } else {
            ctx.label(g.anchor)
        };
        let time = ctx.time_suffix(ms, share);
        let message = format!(
            "{what} removed {} of {} rows{}",
            fmt_pct(removed_share),
            fmt_count(read),
            time
        );
        let mut sql = table
            .as_deref()
            .and_then(|t| advice::index_for_conditions(t, &[filter]));
        if g.partitions() {
            // CONCURRENTLY is not supported on a partitioned table.
            sql = sql.map(|s| s.replacen(" CONCURRENTLY", "", 1));
        }
        let text = if sql.is_some() {
            format!(
                "Index the filtered column(s) so that only matching rows are read (filter: {filter})."
            )
        } else {
            format!(
                "Index what the filter tests so that only matching rows are read (filter: {filter}); an expression, partial or GIN index may be needed."
            )
        };
        out.push(
            Finding::new(
                ID,
                ctx.severity_by_share(share, p.warning_share, p.critical_share),
                Some(g.anchor),
                message,
            )
            .impact(share.map(|s| s * removed_share))
            .with("filter", filter)
            .with("rows_removed", removed)
            .with("rows_returned", kept)
            .with("removed_share", crate::metrics::round4(removed_share))
            .with_opt("self_time_ms", ms.map(crate::metrics::round3))
            .with_opt(
                "partitions",
                g.partitions().then_some(g.members.len() as f64),
            )
            .fix(text, sql),
        );
    }
}
