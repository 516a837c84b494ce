use super::*;

rule! {
    /// An index-only scan that had to visit the table for many rows (Heap Fetches).
    ///
    /// ## What it finds
    /// An `Index Only Scan` with at least `min_heap_fetches` heap fetches (the server prints
    /// their total over all loops, not a per-loop average),
    /// making up at least `min_fetch_share` of the rows it read.
    ///
    /// ## Why it matters
    /// An index-only scan skips the table only for pages the visibility map marks all-visible;
    /// every other row costs a heap visit, as in a plain index scan. Many fetches mean the
    /// table has not been vacuumed since it changed.
    ///
    /// ## How to fix it
    /// `VACUUM` the table (it sets the visibility map), and tune autovacuum for it
    /// (`autovacuum_vacuum_insert_scale_factor` for insert-mostly tables, PostgreSQL 13+).
    ///
    /// ## Thresholds
    /// 10% of the rows (dataxplan, pgexplain; pev2 flags any) and 100 fetches: a handful of
    /// recently changed pages is normal.
    ///
    /// ## Impact
    /// The scan's self time times the share of rows that needed a heap fetch.
    ///
    /// ## Example
    /// `corpus/pg15/index_only_scan_heap_fetches/analyze.json`: page_visits was never
    /// vacuumed, so every row is fetched from the heap.
    id: "heap-fetches",
    params: {
        /// Heap fetches (all loops) below which the rule stays quiet.
        min_heap_fetches: 100.0,
        /// Share of the rows read that needed a heap fetch.
        min_fetch_share: 0.1,
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
        if *n.node_type() != NodeType::IndexOnlyScan || !ctx.executed(n.id) {
            continue;
        }
        // `Heap Fetches` is a total over all loops (unlike rows, which are per loop).
        let fetches = n.heap_fetches().unwrap_or(0.0);
        let read = rows_total(n) + filter_removed(n);
        if fetches < p.min_heap_fetches || fetches / read.max(1.0) < p.min_fetch_share {
            continue;
        }
        let fetch_share = (fetches / read.max(1.0)).min(1.0);
        let m = ctx.m(n.id);
        let share = m.self_time_share;
        let time = ctx.time_suffix(m.self_time_ms, share);
        let table = advice::table_name(n);
        let message = format!(
            "{} fetched {} of {} rows from the table (Heap Fetches){}",
            ctx.label(n.id),
            fmt_count(fetches),
            fmt_count(read),
            time
        );
        out.push(
            Finding::new(
                ID,
                ctx.severity_by_share(share, p.warning_share, p.critical_share),
                Some(n.id),
                message,
            )
            .impact(share.map(|s| s * fetch_share))
            .with("heap_fetches", fetches)
            .with("rows", read)
            .with("fetch_share", crate::metrics::round4(fetch_share))
            .fix(
                format!("Vacuum {} so that its visibility map marks its pages all-visible, and make autovacuum visit it more often.", table.as_deref().unwrap_or("the table")),
                table.map(|t| format!("VACUUM (ANALYZE) {t};")),
            ),
        );
    }
}
