use super::*;

rule! {
    /// A filter that wraps a column in a function or cast, so no plain index on it can help.
    ///
    /// ## What it finds
    /// A scan whose `Filter` compares a function of a column or a cast column with a constant
    /// (`lower(email) = …`, `date_trunc('day', order_date) = …`, `(customer_id)::text = …`)
    /// and removed at least `min_rows_removed` rows (over all loops) and `min_removed_share`
    /// of the rows read.
    ///
    /// ## Why it matters
    /// A btree index on `email` orders values of `email`, not of `lower(email)`: the planner
    /// cannot use it for the wrapped expression and scans instead. Implicit casts (a parameter
    /// of the wrong type) do the same silently.
    ///
    /// ## How to fix it
    /// Rewrite the condition so the bare column is compared (a date range instead of
    /// `date_trunc`, a parameter of the column's type instead of a cast), or create an
    /// expression index on exactly the expression the filter uses.
    ///
    /// ## Thresholds
    /// 1,000 rows and 50% removed: a wrapped column on a small or unselective scan is harmless.
    ///
    /// ## Impact
    /// The scan's self time times the share of rows removed.
    ///
    /// ## Example
    /// `corpus/pg15/non_sargable_lower/analyze.json`: `Filter: (lower(email) = …)` on
    /// customers, although `customers_email_key` indexes `email`.
    id: "non-sargable",
    params: {
        /// Rows removed (all loops) below which the rule stays quiet.
        min_rows_removed: 1000.0,
        /// Share of the rows read that must be removed.
        min_removed_share: 0.5,
        /// Self-time share from which the finding is a warning.
        warning_share: 0.1,
        /// Self-time share from which the finding is critical.
        critical_share: 0.5,
    }
}

/// The first part of a filter that compares a wrapped column with a constant: (part, lhs, column).
pub(crate) fn wrapped_part(filter: &str) -> Option<(&str, &str, String)> {
    for part in expr::conjuncts(filter) {
        let Some(cmp) = expr::comparison(part) else {
            continue;
        };
        let Some(col) = expr::wrapped_column(cmp.lhs) else {
            continue;
        };
        if !expr::columns(cmp.rhs).is_empty() {
            continue;
        }
        return Some((part, cmp.lhs, col.name.to_string()));
    }
    None
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        if !ctx.executed(n.id)
            || !matches!(
                n.node_type(),
                NodeType::SeqScan
                    | NodeType::IndexScan
                    | NodeType::IndexOnlyScan
                    | NodeType::BitmapHeapScan
            )
        {
            continue;
        }
        let Some(filter) = n.filter.as_deref() else {
            continue;
        };
        let removed = filter_removed(n);
        let read = removed + rows_total(n);
        if removed < p.min_rows_removed || removed / read < p.min_removed_share {
            continue;
        }
        let Some((part, lhs, column)) = wrapped_part(filter) else {
            continue;
        };
        let m = ctx.m(n.id);
        let share = m.self_time_share;
        let removed_share = removed / read;
        let time = ctx.time_suffix(m.self_time_ms, share);
        let lhs_bare = expr::strip_parens(lhs);
        let cast = lhs_bare.contains("::") && !lhs_bare.contains('(') || lhs_bare.starts_with('(');
        let message = format!(
            "{} filters on {lhs_bare}, which no index on {column} can serve; removed {} of {} rows{}",
            ctx.label(n.id),
            fmt_pct(removed_share),
            fmt_count(read),
            time
        );
        let table = advice::table_name(n);
        let date_fn = ["date_trunc(", "date(", "extract(", "date_part("]
            .iter()
            .any(|f| lhs_bare.starts_with(f))
            || lhs_bare.ends_with("::date");
        let sql = table.map(|t| advice::expression_index(&t, lhs));
        let text = if date_fn {
            format!(
                "Rewrite {part} as a range on the bare column ({column} >= start AND {column} < end) so that an index on {column} can be used, or index the expression."
            )
        } else if cast {
            format!(
                "The column {column} is cast to be compared ({part}): compare it with a value of its own type (fix the parameter's type), or index the cast expression."
            )
        } else {
            format!(
                "Create an index on the expression itself ({lhs_bare}), or compare the bare column {column}."
            )
        };
        out.push(
            Finding::new(
                ID,
                ctx.severity_by_share(share, p.warning_share, p.critical_share),
                Some(n.id),
                message,
            )
            .impact(share.map(|s| s * removed_share))
            .with("condition", part)
            .with("expression", lhs_bare)
            .with("column", column)
            .with("rows_removed", removed)
            .with("rows_returned", rows_total(n))
            .with_opt("self_time_ms", m.self_time_ms)
            .fix(text, sql),
        );
    }
}
