use super::*;

rule! {
    /// A node that takes most of the execution time, when no other rule explains why.
    ///
    /// ## What it finds
    /// A node whose own time (children excluded) is at least `min_share` of the execution
    /// time and at least `min_ms`, and about which no other rule reported anything. It is
    /// where to look first; a warning from `warning_share` and `warning_ms`.
    ///
    /// ## Why it matters
    /// Whatever the cause, this is where the time goes: speeding up anything else cannot
    /// save much.
    ///
    /// ## How to fix it
    /// Look at what the node does with how many rows: read less (an index, a narrower
    /// filter), process fewer rows (filter earlier), or accept that the work is needed.
    ///
    /// ## Thresholds
    /// 30% of the execution time and 100 ms (depesz and pev2 colour exclusive time from 10%
    /// and 40–50%; the absolute floor keeps fast queries quiet); a warning from 50% and 1 s.
    ///
    /// ## Impact
    /// 0: the rule points at time, it does not know a fix.
    ///
    /// ## Example
    /// `corpus/pg15/aggregate_hashed/analyze.json`: the scan feeding the aggregate takes
    /// most of the time.
    id: "hot-node",
    params: {
        /// Self-time share from which a node is reported (info).
        min_share: 0.3,
        /// Self time (ms) below which nodes are not reported.
        min_ms: 100.0,
        /// Self-time share from which it is a warning.
        warning_share: 0.5,
        /// Self time (ms) from which it is a warning.
        warning_ms: 1000.0,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.timed() {
        return;
    }
    for n in ctx.nodes() {
        let m = ctx.m(n.id);
        let (Some(ms), Some(share)) = (m.self_time_ms, m.self_time_share) else {
            continue;
        };
        if ms < p.min_ms || share < p.min_share || out.iter().any(|f| f.node == Some(n.id)) {
            continue;
        }
        let severity = if share >= p.warning_share && ms >= p.warning_ms {
            Severity::Warning
        } else {
            Severity::Info
        };
        let rows = m
            .actual_rows_total
            .map(|r| format!(", {} rows", fmt_count(r)))
            .unwrap_or_default();
        let message = format!(
            "{} took {} of execution time ({}{rows})",
            ctx.label(n.id),
            fmt_pct(share),
            fmt_ms(ms)
        );
        out.push(
            Finding::new(ID, severity, Some(n.id), message)
                .with("self_time_ms", ms)
                .with("self_time_share", share)
                .fix(
                    "This node is where the time goes: check how many rows it reads and processes, and whether an index or an earlier filter could reduce them.",
                    None,
                ),
        );
    }
}
