use super::*;

rule! {
    /// A Materialize node re-read thousands of times, producing a very large number of rows.
    ///
    /// ## What it finds
    /// A `Materialize` with at least `min_loops` loops that returned at least `min_rows` rows
    /// over all loops, and whose parent join is not already reported by `cartesian-join` or
    /// `join-filter` (which then name the cause).
    ///
    /// ## Why it matters
    /// Materialize stores its input once and replays it for each rescan: cheap per row, but a
    /// nested loop or merge join replaying a big input thousands of times does quadratic work.
    ///
    /// ## How to fix it
    /// Give the join a condition it can hash or merge on, or an index for the inner side;
    /// reduce the outer rows first.
    ///
    /// ## Thresholds
    /// 1,000 loops (pgplan warns at 100) and 1,000,000 rows replayed: fewer rows replay in
    /// milliseconds.
    ///
    /// ## Impact
    /// The Materialize node's share of the execution time (its replays).
    ///
    /// ## Example
    /// `corpus/pg15/materialize_rescan/analyze.json`: a Materialize of 50 promotions replayed
    /// for 25,000 customers (1.25M rows); over a cross join the same shape is reported as
    /// cartesian-join instead (`corpus/pg15/cartesian_join/analyze.json`).
    id: "materialize-rescan",
    params: {
        /// Loops from which the node is judged.
        min_loops: 1000.0,
        /// Rows returned over all loops from which it reports.
        min_rows: 1000000.0,
        /// Share of the execution time from which the finding is a warning (below: info).
        warning_share: 0.1,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        if *n.node_type() != NodeType::Materialize {
            continue;
        }
        let loops = n.loops() as f64;
        let rows = rows_total(n);
        if loops < p.min_loops || rows < p.min_rows {
            continue;
        }
        if let Some(parent) = n.parent
            && (ctx.has_finding(out, super::cartesian_join::ID, parent)
                || ctx.has_finding(out, super::join_filter::ID, parent))
        {
            continue;
        }
        let m = ctx.m(n.id);
        let share = m.self_time_share;
        let severity = match share {
            Some(s) if s >= p.warning_share && ctx.significant(share) => Severity::Warning,
            Some(_) => Severity::Info,
            None => Severity::Warning,
        };
        let time = ctx.time_suffix(m.self_time_ms, share);
        let message = format!(
            "{} was rescanned {} times and replayed {} rows{}",
            ctx.label(n.id),
            fmt_count(loops),
            fmt_count(rows),
            time
        );
        out.push(
            Finding::new(ID, severity, Some(n.id), message)
                .impact(share)
                .with("loops", loops)
                .with("rows", rows)
                .fix(
                    "The join above replays this input for every outer row: give it a condition it can hash or merge on, or an index on the inner side, and reduce the outer rows first.",
                    None,
                ),
        );
    }
}
