use rustc_hash::FxHashSet;

use super::*;

rule! {
    /// An Append over partitions that scanned many of them: partition pruning did not happen.
    ///
    /// ## What it finds
    /// An `Append` or `Merge Append` with at least `min_partitions` executed children that scan
    /// partitions of one table (distinct relations sharing a name prefix). It is a warning when
    /// at least half of the scanned partitions returned no rows (pruning would have skipped
    /// them), and info when they all returned rows (the condition does not involve the
    /// partition key). Partitions pruned at plan time are not printed, and those pruned at
    /// run time are never executed or counted in `Subplans Removed`: a well-pruned scan stays
    /// quiet.
    ///
    /// ## Why it matters
    /// Partitioning pays off only when queries touch few partitions; scanning them all costs
    /// more than one unpartitioned table (one scan and one plan node per partition, and
    /// planning time grows with the partition count).
    ///
    /// ## How to fix it
    /// Filter on the partition key with a value of the key's type (a cast on the key, a
    /// function of it, or a volatile expression prevent pruning; stable expressions and
    /// parameters prune at executor start-up); keep `enable_partition_pruning` on; if queries
    /// never filter on the key, the partitioning key is the wrong one for them.
    ///
    /// ## Thresholds
    /// 4 partitions scanned (fewer is a well-pruned query over a range); half of them empty
    /// for a warning.
    ///
    /// ## Impact
    /// The share of the execution time spent in partitions that returned nothing (0 when all
    /// returned rows: pruning would not have helped that query).
    ///
    /// ## Example
    /// `corpus/pg15/partition_no_pruning/analyze.json`: a filter on a non-key column scans all
    /// 13 partitions of events.
    id: "partition-pruning",
    params: {
        /// Executed partition scans from which the Append is judged.
        min_partitions: 4.0,
        /// Share of scanned partitions returning no rows from which it is a warning.
        empty_share: 0.5,
    }
}

fn check(ctx: &Context, p: &Params, out: &mut Vec<Finding>) {
    if !ctx.analyzed() {
        return;
    }
    for n in ctx.nodes() {
        if !matches!(n.node_type(), NodeType::Append | NodeType::MergeAppend) || !ctx.executed(n.id)
        {
            continue;
        }
        // Executed children that read a relation (directly, or through one wrapper node): their
        // ids and relation names, side by side (an Append may have thousands of children).
        let mut ids: Vec<NodeId> = Vec::with_capacity(n.children.len());
        let mut names: Vec<&str> = Vec::with_capacity(n.children.len());
        for c in ctx.children(n.id) {
            if !ctx.executed(c.id) {
                continue;
            }
            let rel = c.relation_name.as_deref().or_else(|| {
                ctx.subtree(c.id)
                    .map(|i| ctx.node(i))
                    .find(|x| x.relation_name.is_some())
                    .and_then(|x| x.relation_name.as_deref())
            });
            if let Some(r) = rel {
                ids.push(c.id);
                names.push(r);
            }
        }
        // Partitions are distinct tables (a UNION ALL over one table is not partitioned): at
        // least `min_partitions` distinct names (counted until there are enough).
        if fewer_distinct(&names, p.min_partitions) {
            continue;
        }
        let Some(table) = partition_table(&names, None) else {
            continue;
        };
        let empty: Vec<NodeId> = ids
            .iter()
            .copied()
            .filter(|&id| rows_total(ctx.node(id)) == 0.0)
            .collect();
        let empty_ms: Option<f64> = empty.iter().map(|&i| ctx.m(i).total_time_ms).sum();
        let empty_share: Option<f64> = empty.iter().map(|&i| ctx.total_share(i)).sum();
        let mostly_empty = empty.len() as f64 >= ids.len() as f64 * p.empty_share;
        let removed = n.subplans_removed().copied().unwrap_or(0);
        let message = if mostly_empty {
            format!(
                "{} scanned {} partitions of {table} and {} of them returned no rows{}",
                ctx.label(n.id),
                ids.len(),
                empty.len(),
                match (empty_ms, empty_share) {
                    (Some(ms), Some(s)) if ms > 0.0 => format!(
                        ": {} in empty partitions ({} of execution time)",
                        fmt_ms(ms),
                        fmt_pct(s)
                    ),
                    _ => String::new(),
                }
            )
        } else {
            format!(
                "{} scanned {} partitions of {table}{}: the condition does not restrict the partition key",
                ctx.label(n.id),
                ids.len(),
                if removed > 0 {
                    format!(" ({removed} pruned)")
                } else {
                    String::new()
                }
            )
        };
        out.push(
            Finding::new(
                ID,
                if mostly_empty && ctx.significant(empty_share) {
                    Severity::Warning
                } else {
                    Severity::Info
                },
                Some(n.id),
                message,
            )
            .impact(if mostly_empty { empty_share } else { None })
            .with("partitions_scanned", ids.len() as u64)
            .with("partitions_empty", empty.len() as u64)
            .with("subplans_removed", removed)
            .with("table", table.as_str())
            .fix(
                format!("Filter on {table}'s partition key, comparing it with a value of the key's own type (no cast or function on the key), so that the planner or the executor can skip partitions."),
                None,
            ),
        );
    }
}

/// Whether `names` holds fewer than `min` distinct names (it stops counting once there are
/// `min`: the same answer as counting every distinct name, without a sorted copy of them all).
fn fewer_distinct(names: &[&str], min: f64) -> bool {
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    for &name in names {
        if (seen.len() as f64) < min {
            seen.insert(name);
        } else {
            return false;
        }
    }
    (seen.len() as f64) < min
}

#[cfg(test)]
mod tests {
    use super::fewer_distinct;

    /// `fewer_distinct` gives the answer of counting every distinct name (sorted, deduplicated),
    /// thresholds of every kind included (hand-made name lists: a unit test of one helper).
    #[test]
    fn fewer_distinct_counts_like_a_sorted_copy() {
        let lists: [&[&str]; 5] = [
            &[],
            &["a"],
            &["p1", "p2", "p1", "p3", "p2"],
            &["t_1", "t_2", "t_3", "t_4", "t_5", "t_6"],
            &["x", "x", "x", "x", "x"],
        ];
        for names in lists {
            let mut distinct = names.to_vec();
            distinct.sort_unstable();
            distinct.dedup();
            for min in [f64::NAN, -1.0, 0.0, 1.0, 2.5, 3.0, 4.0, 6.0, 7.0, 1e9] {
                assert_eq!(
                    fewer_distinct(names, min),
                    (distinct.len() as f64) < min,
                    "{names:?} min {min}"
                );
            }
        }
    }
}
