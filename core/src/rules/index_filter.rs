use super::*;

rule! {
    /// An index scan that fetches many rows only to discard them (Filter or index recheck).
    ///
    /// ## What it finds
    /// An `Index Scan`, `Index Only Scan` or `Bitmap Heap Scan` whose `Filter` — or, on a
    /// non-lossy scan, the index recheck (`Rows Removed by Index Recheck`, as with trigram or
    /// other lossy operator classes) — removed at least `min_rows_removed` rows over all loops
    /// and at least `min_removed_share` of the rows the index returned. Lossy bitmap pages are
    /// left to `lossy-bitmap`.
    ///
    /// ## Why it matters
    /// The index narrows the search only by its own columns; every other condition is checked
    /// row by row after fetching the row from the table (random I/O). A typical case is
    /// `ORDER BY id LIMIT n` walking the primary key and filtering on another column.
    ///
    /// ## How to fix it
    /// An index that covers the filter too: a composite index (equality columns first), a
    /// partial index for a constant condition, or, for `ORDER BY … LIMIT`, an index on
    /// `(filter columns, sort column)`. For recheck losses, a more selective pattern or
    /// operator class.
    ///
    /// ## Thresholds
    /// 1,000 rows and 50% removed (pgplan and pev2 warn at 50%). Severity follows the scan's
    /// share of the execution time.
    ///
    /// ## Impact
    /// The scan's self time times the share of fetched rows that were removed.
    ///
    /// ## Example
    /// `corpus/pg15/index_scan_filter/analyze.json`: `Index Scan using orders_customer_id_idx`
    /// with `Filter: (promo_code = …)` removes most of the customers' orders it fetches.
    id: "index-filter",
    params: {
        /// Rows removed (all loops) below which the rule stays quiet.
        min_rows_removed: 1000.0,
        /// Share of the fetched rows that must be removed.
        min_removed_share: 0.5,
        /// Self-time share from which the finding is a warning.
        warning_share: 0.1,
        /// Self-time share from which the finding is critical.
        critical_share: 0.5,
    }
}

/// Rows removed by the index recheck of a scan that had no lossy pages, over all loops.
fn recheck_removed(n: &Node) -> f64 {
    if n.lossy_heap_blocks().unwrap_or(0) > 0 {
        return 0.0;
    }
    n.rows_removed_by_index_recheck().unwrap_or(0.0) * n.loops() as f64
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    let groups = scan_groups(
        ctx,
        |n| {
            matches!(
                n.node_type(),
                NodeType::IndexScan | NodeType::IndexOnlyScan | NodeType::BitmapHeapScan
            ) && (n.filter.is_some() || n.rows_removed_by_index_recheck().is_some())
        },
        |n| n.filter.as_deref(),
    );
    for g in groups {
        if g.members
            .iter()
            .any(|&m| ctx.has_finding(out, super::non_sargable::ID, m))
        {
            continue;
        }
        let by_filter: f64 = g.members.iter().map(|&m| filter_removed(ctx.node(m))).sum();
        let by_recheck: f64 = g
            .members
            .iter()
            .map(|&m| recheck_removed(ctx.node(m)))
            .sum();
        let kept: f64 = g.members.iter().map(|&m| rows_total(ctx.node(m))).sum();
        let removed = by_filter + by_recheck;
        let fetched = removed + kept;
        if removed < p.min_rows_removed || removed / fetched < p.min_removed_share {
            continue;
        }
        let removed_share = removed / fetched;
        let ms = group_sum(ctx, &g, |_, m| m.self_time_ms);
        let share = group_sum(ctx, &g, |_, m| m.self_time_share);
        let (table, target) = group_target(ctx, &g);
        let first = ctx.node(g.members[0]);
        let what = if g.partitions() {
            format!("{}s on {target}", first.node_type())
        } else {
            ctx.label(g.anchor)
        };
        let how = match (by_filter > 0.0, by_recheck > 0.0) {
            (true, true) => "by its Filter and index recheck",
            (false, true) => "by index recheck",
            _ => "by its Filter",
        };
        let time = ctx.time_suffix(ms, share);
        let message = format!(
            "{what} fetched {} rows and removed {} of them {how}{}",
            fmt_count(fetched),
            fmt_pct(removed_share),
            time
        );
        // The indexed condition: Index Cond, or the Recheck Cond of a bitmap scan.
        let index_cond = first.index_cond().or(first.recheck_cond()).unwrap_or("");
        let filter = first.filter.as_deref();
        let mut conds = vec![index_cond];
        conds.extend(filter);
        let sql = match (by_filter > 0.0, table.as_deref()) {
            (true, Some(t)) => advice::index_for_conditions(t, &conds).map(|s| {
                if g.partitions() {
                    s.replacen(" CONCURRENTLY", "", 1)
                } else {
                    s
                }
            }),
            _ => None,
        };
        let under_limit = first
            .parent
            .is_some_and(|p| *ctx.node(p).node_type() == NodeType::Limit);
        let text = if by_filter == 0.0 {
            "The index is lossy for this condition (every candidate row is rechecked): use a more selective pattern, or an index/operator class that answers the condition exactly.".to_string()
        } else if under_limit && first.index_cond().is_none() {
            format!(
                "The scan walks the index only for its order and filters the rest (filter: {}): index the filtered columns followed by the ORDER BY column.",
                filter.unwrap_or("")
            )
        } else {
            format!(
                "Make the index cover the filter too (index condition: {index_cond}; filter: {}), so that rows are not fetched only to be discarded.",
                filter.unwrap_or("")
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
            .with_opt("index", first.index_name.as_deref())
            .with_opt("index_cond", (!index_cond.is_empty()).then_some(index_cond))
            .with_opt("filter", filter)
            .with("rows_removed_by_filter", by_filter)
            .with("rows_removed_by_index_recheck", by_recheck)
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
