use super::*;
use crate::model::{SortMethod, SpaceType};

rule! {
    /// A sort that did not fit in `work_mem` and spilled to disk.
    ///
    /// ## What it finds
    /// A `Sort` or `Incremental Sort` that used an external sort (`Sort Method: external
    /// merge`, `Sort Space Type: Disk`, or disk space in its sort groups), in the leader or in
    /// a parallel worker.
    ///
    /// ## Why it matters
    /// The sort writes runs to temporary files and merges them back: extra I/O, and a sort
    /// typically several times slower than the same sort in memory.
    ///
    /// ## How to fix it
    /// Raise `work_mem` for this query only (`SET LOCAL work_mem` in its transaction — a
    /// server-wide raise multiplies by every sort of every connection); the suggested value is
    /// twice the disk space used (in-memory tuples are larger), rounded up. Or avoid the sort:
    /// an index that returns the rows in order, fewer or narrower rows before sorting.
    ///
    /// ## Thresholds
    /// Any spill is reported (pganalyze, pgplan, Pg::Explain); severity follows the sort's
    /// share of the execution time (5% warning, 50% critical).
    ///
    /// ## Impact
    /// Half the sort's self time: an in-memory sort of the same rows typically takes half the
    /// time or less.
    ///
    /// ## Example
    /// `corpus/pg15/sort_external/analyze.json`: `Sort Method: external merge  Disk: …kB`.
    id: "sort-spill",
    params: {
        /// Self-time share from which the finding is a warning (below: info).
        warning_share: 0.05,
        /// Self-time share from which the finding is critical.
        critical_share: 0.5,
    }
}

/// The disk space (kB) a sort spilled, if it spilled (node or workers).
pub(crate) fn spilled_kb(n: &Node) -> Option<f64> {
    if !matches!(n.node_type(), NodeType::Sort | NodeType::IncrementalSort) {
        return None;
    }
    let mut kb = None;
    let mut add = |v: f64| *kb.get_or_insert(0.0) += v;
    if let Some(s) = &n.sort {
        let disk = s.sort_space_type == Some(SpaceType::Disk)
            || matches!(
                s.sort_method,
                Some(SortMethod::ExternalMerge | SortMethod::ExternalSort)
            );
        if disk {
            add(s.sort_space_used.unwrap_or(0) as f64);
        }
        for g in [&s.full_sort_groups, &s.pre_sorted_groups]
            .into_iter()
            .flatten()
        {
            if let Some(d) = &g.sort_space_disk {
                add(d.peak_sort_space_used.unwrap_or(0) as f64);
            }
        }
    }
    for w in n.workers().into_iter().flatten() {
        if let Some(s) = &w.sort
            && (s.sort_space_type == Some(SpaceType::Disk)
                || matches!(
                    s.sort_method,
                    Some(SortMethod::ExternalMerge | SortMethod::ExternalSort)
                ))
        {
            add(s.sort_space_used.unwrap_or(0) as f64);
        }
    }
    kb
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        let Some(kb) = spilled_kb(n) else { continue };
        let m = ctx.m(n.id);
        let share = m.self_time_share;
        let time = ctx.time_suffix(m.self_time_ms, share);
        let method = n
            .sort
            .as_ref()
            .and_then(|s| s.sort_method.as_ref())
            .map_or("external sort".to_string(), |s| s.to_string());
        let message = format!(
            "{} spilled to disk ({method}, {} kB){}",
            ctx.label(n.id),
            fmt_count(kb),
            time
        );
        let wm = suggest_work_mem(kb);
        let key = n
            .sort_key()
            .as_ref()
            .map(|k| k.join(", "))
            .unwrap_or_default();
        out.push(
            Finding::new(
                ID,
                ctx.severity_by_share(share, p.warning_share, p.critical_share),
                Some(n.id),
                message,
            )
            .impact(share.map(|s| s * 0.5))
            .with("sort_method", method.as_str())
            .with("disk_kb", kb)
            .with_opt("sort_key", (!key.is_empty()).then_some(key.as_str()))
            .with_opt("temp_blocks", m.self_buffers.map(|b| b.temp() as f64))
            .fix(
                format!("Give this query's sort more memory (about {wm}, twice the {} kB it wrote) with SET LOCAL work_mem in its transaction, or avoid the sort with an index that returns rows ordered by {key}.", fmt_count(kb)),
                Some(format!("SET LOCAL work_mem = '{wm}';")),
            ),
        );
    }
}
