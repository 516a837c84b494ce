use super::*;

rule! {
    /// Which EXPLAIN options to re-run with for a better diagnosis.
    ///
    /// ## What it finds
    /// A plan that lacks information the other rules need: no `ANALYZE` (estimates only: no
    /// rule that needs actual rows or times can speak), `TIMING OFF` (no time shares, so no
    /// ranking by impact), no `BUFFERS` (no I/O, spill or cache findings), blocks read
    /// without `track_io_timing` (no I/O time), or a parallel plan without `VERBOSE` (no
    /// per-worker data).
    ///
    /// ## Why it matters
    /// Half of a diagnosis is missing from such a plan; a few options give it.
    ///
    /// ## How to fix it
    /// Run `EXPLAIN (ANALYZE, BUFFERS, VERBOSE, SETTINGS) <query>` (`WAL` too for writes)
    /// with `track_io_timing` on. Remember that ANALYZE executes the statement: wrap writes in
    /// `BEGIN; … ROLLBACK;`.
    ///
    /// ## Thresholds
    /// None: one info finding per plan listing what is missing.
    ///
    /// ## Impact
    /// 0.
    ///
    /// ## Example
    /// `corpus/pg15/seq_scan_filter/plain.json` (no ANALYZE) and `timing_off.json`.
    id: "plan-quality",
    params: {}
}

fn check(ctx: &Context, _: &Params, out: &mut Vec<Finding>) {
    if ctx.nodes().is_empty() {
        return;
    }
    let mut missing: Vec<&str> = Vec::new();
    let mut options: Vec<&str> = Vec::new();
    if !ctx.analyzed() {
        missing.push("actual rows and times (ANALYZE)");
        options.push("ANALYZE");
    } else if !ctx.timed() {
        missing.push("times (TIMING OFF)");
        options.push("ANALYZE");
    }
    if !ctx.metrics.buffered {
        if ctx.analyzed() {
            missing.push("buffer counts (BUFFERS)");
        }
        options.push("BUFFERS");
    }
    let parallel = ctx.nodes().iter().any(|n| {
        matches!(n.node_type(), NodeType::Gather | NodeType::GatherMerge)
            && n.workers_launched().unwrap_or(0) > 0
    });
    if parallel && ctx.analyzed() && !ctx.nodes().iter().any(|n| n.workers().is_some()) {
        missing.push("per-worker data (VERBOSE)");
        options.push("VERBOSE");
    }
    let read = ctx.nodes().iter().any(|n| {
        n.buffers
            .as_ref()
            .is_some_and(|b| b.shared_read_blocks.unwrap_or(0) > 0)
    });
    let io_timed = ctx.nodes().iter().any(|n| n.io_timings.is_some());
    let no_io_timing = read && !io_timed;
    if no_io_timing {
        missing.push("I/O times (track_io_timing)");
    }
    if missing.is_empty() {
        return;
    }
    for o in ["ANALYZE", "BUFFERS", "VERBOSE", "SETTINGS"] {
        if !options.contains(&o) {
            options.push(o);
        }
    }
    options.sort_by_key(|o| {
        ["ANALYZE", "BUFFERS", "VERBOSE", "SETTINGS"]
            .iter()
            .position(|x| x == o)
    });
    let message = format!(
        "This plan lacks {}: re-run it with more options for a fuller diagnosis",
        missing.join(", ")
    );
    let mut sql = String::new();
    if no_io_timing {
        sql.push_str("SET track_io_timing = on;\n");
    }
    sql.push_str(&format!("EXPLAIN ({}) <query>;", options.join(", ")));
    out.push(
        Finding::new(ID, Severity::Info, None, message)
            .with("missing", missing.join(", "))
            .fix(
                "Re-run the statement with these EXPLAIN options (ANALYZE executes it: wrap data changes in BEGIN … ROLLBACK).",
                Some(sql),
            ),
    );
}
