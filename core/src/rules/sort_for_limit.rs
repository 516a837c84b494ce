use super::*;

rule! {
    /// A LIMIT over a sort of a whole table: an index on the sort key would read only the
    /// first rows.
    ///
    /// ## What it finds
    /// A `Limit` over a `Sort` (directly or through a `Gather Merge`) whose input, a scan of
    /// one table, produced at least `min_input_rows` rows, while the Limit returned at most
    /// `max_returned_share` of them.
    ///
    /// ## Why it matters
    /// To return the top 10 rows the sort reads and compares every row of the table (a top-N
    /// heapsort is cheaper than a full sort, but still reads everything). An index in the
    /// ORDER BY order lets an Index Scan stop after 10 rows.
    ///
    /// ## How to fix it
    /// Create an index on the sort key (matching its directions); with an equality filter,
    /// put the filtered columns first: `(filter_col, sort_col)`.
    ///
    /// ## Thresholds
    /// 10,000 input rows and at most 1% of them returned (pgexplain flags top-N heapsorts
    /// from 1,000 rows; below 10,000 the sort takes milliseconds).
    ///
    /// ## Impact
    /// The Sort's time with its input: an ordered index scan replaces both.
    ///
    /// ## Example
    /// `corpus/pg15/sort_top_n_limit/analyze.json`: a top-N heapsort of all orders for
    /// `ORDER BY total DESC LIMIT 10`.
    id: "sort-for-limit",
    params: {
        /// Input rows of the sort from which the rule reports.
        min_input_rows: 10000.0,
        /// Largest share of the input the Limit may return.
        max_returned_share: 0.01,
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
        let Some(mut sort) = ctx.children(n.id).next() else {
            continue;
        };
        if *sort.node_type() == NodeType::GatherMerge {
            match ctx.children(sort.id).next() {
                Some(s) => sort = s,
                None => continue,
            }
        }
        if *sort.node_type() != NodeType::Sort {
            continue;
        }
        let Some(input) = ctx.children(sort.id).next() else {
            continue;
        };
        if !input.node_type().is_scan() || input.relation_name.is_none() {
            continue;
        }
        let input_rows = rows_total(input);
        let returned = rows_total(n);
        if input_rows < p.min_input_rows || returned > input_rows * p.max_returned_share {
            continue;
        }
        let share = ctx.total_share(sort.id);
        let key = sort.sort_key().cloned().unwrap_or_default();
        let method = sort
            .sort
            .as_ref()
            .and_then(|s| s.sort_method.as_ref())
            .map(|m| format!(" ({m})"))
            .unwrap_or_default();
        let time = ctx.time_suffix(ctx.m(sort.id).total_time_ms, share);
        let message = format!(
            "{} returned {} rows from a Sort{method} of {} rows of {}{}",
            ctx.label(n.id),
            fmt_count(returned),
            fmt_count(input_rows),
            input.relation_name.as_deref().unwrap_or(""),
            time
        );
        let sql = advice::table_name(input).and_then(|t| {
            // Equality-filtered columns first, then the sort key.
            let mut keys: Vec<String> = Vec::new();
            if let Some(f) = &input.filter {
                for part in expr::conjuncts(f) {
                    if let Some(cmp) = expr::comparison(part)
                        && cmp.op == "="
                        && let Some(col) = expr::plain_column(cmp.lhs)
                        && expr::columns(cmp.rhs).is_empty()
                    {
                        keys.push(col.name.to_string());
                    }
                }
            }
            keys.extend(key.iter().cloned());
            advice::index_for_sort(&t, &keys)
        });
        out.push(
            Finding::new(
                ID,
                ctx.severity_by_share(share, p.warning_share, p.critical_share),
                Some(n.id),
                message,
            )
            .impact(share)
            .with("sort_key", key.join(", "))
            .with("input_rows", input_rows)
            .with("rows_returned", returned)
            .with("sort_node", sort.id as u64)
            .fix(
                format!("Create an index in the ORDER BY order ({}) so that an index scan returns the first rows without sorting the table.", key.join(", ")),
                sql,
            ),
        );
    }
}
