use super::*;
use crate::model::ParentRelationship;

rule! {
    /// A node that itself wrote or read many temporary-file blocks (a spill other rules do not
    /// already explain).
    ///
    /// ## What it finds
    /// A node whose own temporary blocks (read + written, children excluded) reach
    /// `min_blocks`, except sorts, hashes, hash joins and hash aggregates that `sort-spill`,
    /// `hash-spill` and `hashagg-spill` report: a spilled Materialize, CTE, WindowAgg,
    /// tuplestore, Recursive Union…
    ///
    /// ## Why it matters
    /// Temporary files are written and read back through the OS; a node that needs them is
    /// doing disk I/O for what is usually in-memory work.
    ///
    /// ## How to fix it
    /// Raise `work_mem` for the query; make the stored rows fewer or narrower (filter before a
    /// CTE or window function, select fewer columns).
    ///
    /// ## Thresholds
    /// 256 blocks (2 MB with 8 kB blocks; pgexplain's floor). Severity by the node's share of
    /// the execution time (10% warning, 50% critical); info without timing.
    ///
    /// ## Impact
    /// Half the node's self time.
    ///
    /// ## Example
    /// `corpus/pg15/cte_materialized_discard/analyze.json`: the CTE Scan's tuplestore wrote
    /// 589 temporary blocks.
    id: "temp-io",
    params: {
        /// Own temporary blocks (read + written) from which the rule reports.
        min_blocks: 256.0,
        /// Self-time share from which the finding is a warning (below: info).
        warning_share: 0.1,
        /// Self-time share from which the finding is critical.
        critical_share: 0.5,
    }
}

/// Whether another spill rule explains the node's temporary I/O.
fn explained(ctx: &Context, n: &Node) -> bool {
    super::sort_spill::spilled_kb(n).is_some()
        || super::hash_spill::batched(n)
        || super::hashagg_spill::spill(n).is_some()
        || (*n.node_type() == NodeType::HashJoin
            && ctx
                .child(n.id, ParentRelationship::Inner)
                .is_some_and(super::hash_spill::batched))
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        let m = ctx.m(n.id);
        let Some(b) = m.self_buffers else { continue };
        let blocks = b.temp() as f64;
        if blocks < p.min_blocks || explained(ctx, n) {
            continue;
        }
        let share = m.self_time_share;
        let severity = match share {
            None => Severity::Info,
            s => ctx.severity_by_share(s, p.warning_share, p.critical_share),
        };
        let time = ctx.time_suffix(m.self_time_ms, share);
        let message = format!(
            "{} used temporary files: {} blocks written, {} read{}",
            ctx.label(n.id),
            fmt_count(b.temp_written as f64),
            fmt_count(b.temp_read as f64),
            time
        );
        let kb = blocks * 8.0;
        let wm = suggest_work_mem(kb);
        out.push(
            Finding::new(ID, severity, Some(n.id), message)
                .impact(share.map(|s| s * 0.5))
                .with("temp_written_blocks", b.temp_written)
                .with("temp_read_blocks", b.temp_read)
                .fix(
                    format!("The node stores more rows than work_mem holds: raise work_mem for this query (about {wm}, SET LOCAL in its transaction), or store fewer, narrower rows."),
                    Some(format!("SET LOCAL work_mem = '{wm}';")),
                ),
        );
    }
}
