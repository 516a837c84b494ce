use super::*;

rule! {
    /// A scan that reads many more pages than its rows need: a sign of table bloat.
    ///
    /// ## What it finds
    /// A `Seq Scan` that accessed at least `min_blocks` shared blocks (children excluded) but
    /// found fewer than `min_rows_per_block` rows per block (rows returned plus rows removed by
    /// its filter, over all loops).
    ///
    /// ## Why it matters
    /// A row larger than about 2 kB is moved out of line (TOAST), so even the widest table
    /// holds about four rows per 8 kB page; fewer live rows per page means the pages are
    /// mostly dead rows or free space — bloat left by deletes and updates without `VACUUM`.
    /// Every scan pays for the empty space.
    ///
    /// ## How to fix it
    /// `VACUUM` the table (and check why autovacuum did not); to give the space back,
    /// `VACUUM FULL` or `pg_repack` (`CLUSTER` for an index order). Check bloat with
    /// `pgstattuple`.
    ///
    /// ## Thresholds
    /// 1,000 blocks (8 MB: small tables are read in one go anyway) and 4 rows per block (the
    /// TOAST limit above). pgMustard scores read efficiency without publishing a threshold;
    /// index scans are not judged, because from the plan alone a bloated index scan looks
    /// like a healthy scan of an uncorrelated index.
    ///
    /// ## Impact
    /// The scan's self time times the share of blocks that a compact table would not need
    /// (assuming 4 rows per block at least).
    ///
    /// ## Example
    /// `corpus/pg15/bloated_seq_scan/analyze.json`: 97% of cart_sessions was deleted and
    /// never vacuumed: 3,077 blocks for 5,983 rows.
    id: "read-efficiency",
    params: {
        /// Shared blocks accessed by the scan from which it is judged.
        min_blocks: 1000.0,
        /// Rows per block below which the table looks bloated.
        min_rows_per_block: 4.0,
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
        if *n.node_type() != NodeType::SeqScan || !ctx.executed(n.id) {
            continue;
        }
        let m = ctx.m(n.id);
        let Some(b) = m.self_buffers else { continue };
        let blocks = b.shared_accessed() as f64;
        let rows = rows_total(n) + filter_removed(n);
        if blocks < p.min_blocks || rows / blocks >= p.min_rows_per_block {
            continue;
        }
        let per_block = rows / blocks;
        let wasted = 1.0 - per_block / p.min_rows_per_block;
        let share = m.self_time_share;
        let time = ctx.time_suffix(m.self_time_ms, share);
        let table = advice::table_name(n);
        let message = format!(
            "{} read {} blocks for {} rows ({:.1} rows per 8 kB block): the table looks bloated{}",
            ctx.label(n.id),
            fmt_count(blocks),
            fmt_count(rows),
            per_block,
            time
        );
        out.push(
            Finding::new(
                ID,
                ctx.severity_by_share(share, p.warning_share, p.critical_share),
                Some(n.id),
                message,
            )
            .impact(share.map(|s| s * wasted))
            .with("blocks", blocks)
            .with("rows", rows)
            .with("rows_per_block", crate::metrics::round3(per_block))
            .fix(
                format!("Vacuum {} and find out why autovacuum did not; to give the space back, rewrite it (VACUUM FULL, or pg_repack without a long lock). pgstattuple measures the bloat.", table.as_deref().unwrap_or("the table")),
                table.map(|t| format!("VACUUM (ANALYZE, VERBOSE) {t};")),
            ),
        );
    }
}
