use super::*;

rule! {
    /// A LIMIT … OFFSET that produces rows only to skip them.
    ///
    /// ## What it finds
    /// A `Limit` whose input produced at least `min_skipped` more rows than the Limit
    /// returned, skipping at least `min_skipped_share` of them — the OFFSET. (Without OFFSET a
    /// Limit stops its input after the rows it returns.)
    ///
    /// ## Why it matters
    /// `OFFSET 200000` computes, sorts and fetches 200,000 rows and throws them away; deep
    /// pages of a paginated list get slower and slower.
    ///
    /// ## How to fix it
    /// Keyset pagination: remember the last key of the page and continue from it —
    /// `WHERE (sort_key, id) > (:last_key, :last_id) ORDER BY sort_key, id LIMIT n` — with an
    /// index on the sort key.
    ///
    /// ## Thresholds
    /// 1,000 skipped rows and 90% of the input skipped.
    ///
    /// ## Impact
    /// The input's time times the share of its rows that were skipped.
    ///
    /// ## Example
    /// `corpus/pg15/large_offset/analyze.json`: `OFFSET 200000` over an Index Scan.
    id: "large-offset",
    params: {
        /// Rows skipped from which the rule reports.
        min_skipped: 1000.0,
        /// Share of the input rows that must be skipped.
        min_skipped_share: 0.9,
        /// Share of the execution time from which the finding is a warning (below: info).
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
        if *n.node_type() != NodeType::Limit || !ctx.executed(n.id) {
            continue;
        }
        let Some(input) = ctx.children(n.id).find(|c| {
            c.parent_relationship
                .as_ref()
                .is_some_and(|r| r.as_str() == "Outer")
        }) else {
            continue;
        };
        let produced = rows_total(input);
        let returned = rows_total(n);
        let skipped = produced - returned;
        if skipped < p.min_skipped || skipped / produced < p.min_skipped_share {
            continue;
        }
        let skipped_share = skipped / produced;
        let share = ctx.total_share(input.id).map(|s| s * skipped_share);
        let message = format!(
            "{} skipped {} rows to return {}: {} of its input was produced only to be discarded{}",
            ctx.label(n.id),
            fmt_count(skipped),
            fmt_count(returned),
            fmt_pct(skipped_share),
            match ctx.m(input.id).total_time_ms {
                Some(ms) => format!(" ({} in {})", fmt_ms(ms), ctx.label(input.id)),
                None => String::new(),
            }
        );
        out.push(
            Finding::new(
                ID,
                ctx.severity_by_share(share, p.warning_share, p.critical_share),
                Some(n.id),
                message,
            )
            .impact(share)
            .with("rows_skipped", skipped)
            .with("rows_returned", returned)
            .fix(
                "Use keyset pagination: continue after the last key of the previous page (WHERE (sort_key, id) > (:last_key, :last_id) ORDER BY sort_key, id LIMIT n) instead of OFFSET, with an index on the sort key.",
                None,
            ),
        );
    }
}
