use super::*;
use crate::model::ParentRelationship;

rule! {
    /// A join without any join condition: every outer row paired with every inner row.
    ///
    /// ## What it finds
    /// A `Nested Loop` with no `Join Filter` whose inner side does not refer to the outer side
    /// anywhere (no parameterized index condition or filter naming an outer table), that
    /// returned at least `min_rows` rows and more than one inner row per outer row.
    ///
    /// ## Why it matters
    /// A missing join condition (a forgotten `ON`, a comma join without `WHERE`) multiplies
    /// the row counts: 1,000 × 1,000 rows is a million, and everything above pays for them.
    /// Cross joins with one-row inputs are harmless and are not reported.
    ///
    /// ## How to fix it
    /// Add the missing join condition. If the product is intended, make sure it is as small
    /// as possible before joining (filter or aggregate first).
    ///
    /// ## Thresholds
    /// 10,000 output rows (pgplan's row floor): smaller products cost little.
    ///
    /// ## Impact
    /// The join's self time plus its inner side's time: what the product costs.
    ///
    /// ## Example
    /// `corpus/pg15/cartesian_join/analyze.json`: a Nested Loop without condition over a
    /// Materialize.
    id: "cartesian-join",
    params: {
        /// Output rows (all loops) below which a product is too small to matter.
        min_rows: 10000.0,
        /// Share of the execution time from which the finding is critical (else warning).
        critical_share: 0.5,
    }
}

/// Names the scans of a subtree are known by (aliases and table names), followed by `.`.
fn qualifiers(ctx: &Context, root: NodeId) -> Vec<String> {
    let mut out = Vec::new();
    for i in ctx.subtree(root) {
        let n = ctx.node(i);
        for name in [&n.alias, &n.relation_name].into_iter().flatten() {
            let q = format!("{name}.");
            if !out.contains(&q) {
                out.push(q);
            }
        }
    }
    out
}

/// Whether any condition in a subtree mentions one of the qualifiers (or a parameter).
fn refers_to(ctx: &Context, root: NodeId, quals: &[String]) -> bool {
    ctx.subtree(root).any(|i| {
        let n = ctx.node(i);
        [
            n.index_cond(),
            n.recheck_cond(),
            n.filter.as_deref(),
            n.join_filter(),
            n.hash_cond(),
            n.merge_cond(),
            n.tid_cond(),
            n.one_time_filter(),
            n.function_call(),
        ]
        .into_iter()
        .flatten()
        .any(|c| c.contains('$') || quals.iter().any(|q| contains_qualifier(c, q)))
    })
}

/// Whether `text` contains `qual` (`o.`) at a word start.
fn contains_qualifier(text: &str, qual: &str) -> bool {
    text.match_indices(qual).any(|(i, _)| {
        i == 0 || {
            let c = text.as_bytes()[i - 1];
            !(c.is_ascii_alphanumeric() || c == b'_')
        }
    })
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        if *n.node_type() != NodeType::NestedLoop
            || n.join_filter().is_some()
            || !ctx.executed(n.id)
        {
            continue;
        }
        let (Some(outer), Some(inner)) = (
            ctx.child(n.id, ParentRelationship::Outer),
            ctx.child(n.id, ParentRelationship::Inner),
        ) else {
            continue;
        };
        let rows = rows_total(n);
        if rows < p.min_rows || inner.actual_rows.unwrap_or(0.0) <= 1.0 {
            continue;
        }
        if refers_to(ctx, inner.id, &qualifiers(ctx, outer.id)) {
            continue;
        }
        let share = match (ctx.self_share(n.id), ctx.total_share(inner.id)) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        let outer_rows = rows_total(outer);
        let inner_rows = inner.actual_rows.unwrap_or(0.0);
        let time = ctx.time_suffix(ctx.m(n.id).total_time_ms, ctx.total_share(n.id));
        let message = format!(
            "{} has no join condition: {} outer rows × {} inner rows = {} rows{}",
            ctx.label(n.id),
            fmt_count(outer_rows),
            fmt_count(inner_rows),
            fmt_count(rows),
            time
        );
        let severity = match share {
            _ if !ctx.significant(share) => Severity::Info,
            Some(s) if s >= p.critical_share => Severity::Critical,
            _ => Severity::Warning,
        };
        out.push(
            Finding::new(ID, severity, Some(n.id), message)
                .impact(share)
                .with("outer_rows", outer_rows)
                .with("inner_rows_per_loop", inner_rows)
                .with("rows", rows)
                .fix(
                    format!("Add the missing join condition between {} and {}; if the product is intended, shrink both sides before joining.", ctx.label(outer.id), ctx.label(inner.id)),
                    None,
                ),
        );
    }
}
