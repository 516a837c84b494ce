use super::*;

rule! {
    /// A bitmap heap scan whose bitmap did not fit in `work_mem` and became lossy.
    ///
    /// ## What it finds
    /// A `Bitmap Heap Scan` with lossy heap blocks (in the leader or, 18+, in workers) making
    /// up at least `min_lossy_share` of its heap blocks.
    ///
    /// ## Why it matters
    /// A lossy page remembers only "some row on this page matches": every row of the page is
    /// re-checked against the condition (`Rows Removed by Index Recheck`), costing CPU and
    /// reading pages in full.
    ///
    /// ## How to fix it
    /// Raise `work_mem` for the query so the bitmap stays exact (the suggested value allows
    /// about 64 bytes per heap block), or make the index condition more selective.
    ///
    /// ## Thresholds
    /// 10% of the heap blocks lossy (pgplan warns at 50%; a tenth already costs a recheck of
    /// every row on those pages). Severity by the scan's share of the execution time (10%
    /// warning, 50% critical).
    ///
    /// ## Impact
    /// The scan's self time times the share of rechecked rows that were removed.
    ///
    /// ## Example
    /// `corpus/pg15/bitmap_lossy/analyze.json`: with `work_mem = 64kB`, `Heap Blocks:
    /// exact=… lossy=…`.
    id: "lossy-bitmap",
    params: {
        /// Share of heap blocks that must be lossy.
        min_lossy_share: 0.1,
        /// Self-time share from which the finding is a warning (below: info).
        warning_share: 0.1,
        /// Self-time share from which the finding is critical.
        critical_share: 0.5,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        if *n.node_type() != NodeType::BitmapHeapScan || !ctx.executed(n.id) {
            continue;
        }
        let mut exact = n.exact_heap_blocks().unwrap_or(0);
        let mut lossy = n.lossy_heap_blocks().unwrap_or(0);
        for w in n.workers().into_iter().flatten() {
            exact += w.exact_heap_blocks.unwrap_or(0);
            lossy += w.lossy_heap_blocks.unwrap_or(0);
        }
        let blocks = (exact + lossy) as f64;
        if lossy == 0 || (lossy as f64) / blocks < p.min_lossy_share {
            continue;
        }
        let lossy_share = lossy as f64 / blocks;
        let rechecked = n.rows_removed_by_index_recheck().unwrap_or(0.0) * n.loops() as f64;
        let kept = rows_total(n);
        let removed_share = if rechecked + kept > 0.0 {
            rechecked / (rechecked + kept)
        } else {
            0.0
        };
        let m = ctx.m(n.id);
        let share = m.self_time_share;
        let time = ctx.time_suffix(m.self_time_ms, share);
        let message = format!(
            "{}: {} of {} heap blocks were lossy; the recheck removed {} rows{}",
            ctx.label(n.id),
            fmt_count(lossy as f64),
            fmt_count(blocks),
            fmt_count(rechecked),
            time
        );
        let wm = suggest_work_mem(blocks * 64.0 / 1024.0 / 2.0);
        out.push(
            Finding::new(
                ID,
                ctx.severity_by_share(share, p.warning_share, p.critical_share),
                Some(n.id),
                message,
            )
            .impact(share.map(|s| s * removed_share))
            .with("exact_heap_blocks", exact)
            .with("lossy_heap_blocks", lossy)
            .with("lossy_share", crate::metrics::round4(lossy_share))
            .with("rows_removed_by_index_recheck", rechecked)
            .fix(
                format!("Give the bitmap enough memory to stay exact (about {wm}): SET LOCAL work_mem for this query, or make the index condition more selective."),
                Some(format!("SET LOCAL work_mem = '{wm}';")),
            ),
        );
    }
}
