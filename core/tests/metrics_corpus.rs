//! Derived metrics on real corpus plans, one hard case per test.

mod support;

use planlint::metrics::{self, Metrics, NodeExt};
use planlint::{NodeType, Plan};

fn plans(query: &str, variant: &str) -> Vec<(String, Plan)> {
    support::select(|e| {
        e.query == query && e.variant == variant && e.format == "json" && e.framing == "raw"
    })
    .into_iter()
    .flat_map(|e| {
        let path = e.path.clone();
        planlint::parse(&e.read())
            .unwrap()
            .into_iter()
            .map(move |p| (path.clone(), p))
    })
    .collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol.max(b.abs() * 0.01)
}

/// Time is counted where it is spent and never twice: on every timed plan of the corpus
/// (loops, parallel nodes, InitPlans, SubPlans, CTEs included) the self times add up to the
/// root's inclusive time, within 3% (the server rounds each node's times).
#[test]
fn self_times_add_up_to_the_root() {
    let mut n = 0;
    for e in support::select(|e| {
        matches!(e.variant.as_str(), "analyze" | "verbose")
            && e.format == "json"
            && e.framing == "raw"
    }) {
        for p in planlint::parse(&e.read()).unwrap() {
            let m = metrics::compute(&p);
            if !m.timed {
                continue;
            }
            let sum: f64 = m.nodes.iter().filter_map(|x| x.self_time_ms).sum();
            let root = m.nodes[0].total_time_ms.unwrap();
            assert!(
                (sum - root).abs() <= root * 0.03 + 0.05,
                "{}: self times sum to {sum:.3} ms, root is {root:.3} ms",
                e.path
            );
            n += 1;
        }
    }
    assert!(n > 500, "only {n} timed plans");
}

/// Self buffers add up to the root's buffers (InitPlans and CTEs counted once, where read).
#[test]
fn self_buffers_add_up() {
    for e in support::select(|e| e.variant == "analyze" && e.format == "json" && e.framing == "raw")
    {
        for p in planlint::parse(&e.read()).unwrap() {
            let m = metrics::compute(&p);
            let Some(root) = p.nodes.first().and_then(|r| r.buffers.as_deref()) else {
                continue;
            };
            let sum: u64 = m
                .nodes
                .iter()
                .filter_map(|x| x.self_buffers)
                .map(|b| b.shared_accessed())
                .sum();
            let want = root.shared_accessed();
            // CTEs read by no scan (data-modifying CTEs run at the end) are outside the root.
            let has_unread_cte = p.nodes.iter().any(|n| {
                metrics::cte_name(n)
                    .is_some_and(|c| !p.nodes.iter().any(|s| s.cte_name() == Some(c)))
            });
            if !has_unread_cte {
                assert!(
                    sum.abs_diff(want) <= want / 100 + 2,
                    "{}: {sum} vs {want}",
                    e.path
                );
            }
        }
    }
}

/// Loops: a SubPlan run 5,000 times has an inclusive time of its per-loop time × 5,000, and
/// its rows total is rows × loops.
#[test]
fn loops_multiply() {
    for (path, p) in plans("subplan_correlated", "analyze") {
        let m = metrics::compute(&p);
        let sub = p
            .nodes
            .iter()
            .find(|n| n.subplan_name.as_deref() == Some("SubPlan 1"))
            .unwrap();
        assert_eq!(sub.loops(), 5000, "{path}");
        let mm = &m.nodes[sub.id];
        assert!(
            close(
                mm.total_time_ms.unwrap(),
                sub.actual_total_time.unwrap() * 5000.0,
                0.01
            ),
            "{path}"
        );
        assert_eq!(
            mm.actual_rows_total,
            Some(sub.actual_rows.unwrap() * 5000.0),
            "{path}"
        );
        // The SubPlan is paid for by the node whose expression runs it, its parent.
        let parent = &m.nodes[sub.parent.unwrap()];
        assert!(
            parent.self_time_ms.unwrap()
                < parent.total_time_ms.unwrap() - mm.total_time_ms.unwrap() + 0.5,
            "{path}"
        );
    }
}

/// Parallel nodes: times are per-process averages (workers + leader), rows are totals.
#[test]
fn parallel_nodes_are_per_process() {
    for v in ["analyze", "verbose"] {
        for (path, p) in plans("parallel_seq_scan_filter", v) {
            let m = metrics::compute(&p);
            let gather = p
                .nodes
                .iter()
                .find(|n| *n.node_type() == NodeType::Gather)
                .unwrap();
            let scan = &p.nodes[gather.children[0]];
            let launched = gather.workers_launched().unwrap();
            let ms = &m.nodes[scan.id];
            assert_eq!(ms.processes, Some(launched as u32 + 1), "{path}");
            // time × loops / processes = the per-loop time when each process ran it once.
            assert!(
                close(
                    ms.total_time_ms.unwrap(),
                    scan.actual_total_time.unwrap(),
                    0.002
                ),
                "{path}"
            );
            assert!(
                ms.total_time_ms.unwrap() <= m.nodes[gather.id].total_time_ms.unwrap(),
                "{path}"
            );
            assert!(
                close(
                    ms.actual_rows_total.unwrap(),
                    scan.actual_rows.unwrap() * scan.loops() as f64,
                    0.001
                ),
                "{path}"
            );
            if v == "verbose" {
                assert!(ms.worker_skew.is_some_and(|s| s >= 1.0), "{path}");
            }
        }
    }
}

/// InitPlans are charged to the node that evaluates their parameter: in initplan_minmax the
/// InitPlan is printed under the Bitmap Heap Scan but referenced by the Bitmap Index Scan's
/// Index Cond, where the server counts its time.
#[test]
fn initplans_are_charged_where_evaluated() {
    for (path, p) in plans("initplan_minmax", "analyze") {
        let m = metrics::compute(&p);
        let init = p
            .nodes
            .iter()
            .find(|n| {
                n.subplan_name
                    .as_deref()
                    .is_some_and(|s| s.starts_with("InitPlan"))
                    && n.parent == Some(0)
            })
            .unwrap();
        let index_scan = p
            .nodes
            .iter()
            .find(|n| *n.node_type() == NodeType::BitmapIndexScan)
            .unwrap();
        let ti = m.nodes[init.id].total_time_ms.unwrap();
        let ts = &m.nodes[index_scan.id];
        assert!(
            close(
                ts.self_time_ms.unwrap(),
                (ts.total_time_ms.unwrap() - ti).max(0.0),
                0.002
            ),
            "{path}"
        );
        // The heap scan pays only for itself and its index scan, not again for the InitPlan.
        let root = &m.nodes[0];
        assert!(
            close(
                root.self_time_ms.unwrap(),
                (root.total_time_ms.unwrap() - ts.total_time_ms.unwrap()).max(0.0),
                0.002
            ),
            "{path}"
        );
    }
}

/// CTEs: the CTE's subtree is charged to the CTE Scans that read it (split by their time), not
/// to the node it is printed under, and not in full to every scan.
#[test]
fn ctes_are_charged_to_their_scans() {
    for (path, p) in plans("cte_multi_reference", "analyze") {
        let m: Metrics = metrics::compute(&p);
        let cte = p
            .nodes
            .iter()
            .find(|n| metrics::cte_name(n).is_some())
            .unwrap();
        let scans: Vec<_> = p
            .nodes
            .iter()
            .filter(|n| *n.node_type() == NodeType::CteScan)
            .collect();
        assert_eq!(scans.len(), 2, "{path}");
        let cte_ms = m.nodes[cte.id].total_time_ms.unwrap();
        let scan_total: f64 = scans
            .iter()
            .map(|s| m.nodes[s.id].total_time_ms.unwrap())
            .sum();
        let scan_self: f64 = scans
            .iter()
            .map(|s| m.nodes[s.id].self_time_ms.unwrap())
            .sum();
        assert!(
            close(scan_self, (scan_total - cte_ms).max(0.0), 0.01),
            "{path}: {scan_self} vs {scan_total} - {cte_ms}"
        );
        // The Merge Join the CTE is printed under keeps its own time.
        let root = &m.nodes[0];
        let children: f64 = p.nodes[0]
            .children
            .iter()
            .filter(|&&c| c != cte.id)
            .map(|&c| m.nodes[c].total_time_ms.unwrap())
            .sum();
        assert!(
            close(
                root.self_time_ms.unwrap(),
                (root.total_time_ms.unwrap() - children).max(0.0),
                0.01
            ),
            "{path}"
        );
    }
}

/// Never-executed nodes: zero time and rows, no estimate error.
#[test]
fn never_executed_nodes() {
    let mut seen = 0;
    for (path, p) in plans("partition_nestloop_pruning", "analyze") {
        let m = metrics::compute(&p);
        for n in p.nodes.iter().filter(|n| n.actual_loops == Some(0)) {
            let x = &m.nodes[n.id];
            assert!(x.never_executed, "{path}");
            assert_eq!(x.self_time_ms, Some(0.0), "{path}");
            assert_eq!(x.actual_rows_total, Some(0.0), "{path}");
            assert!(x.estimate_factor.is_none(), "{path}");
            seen += 1;
        }
    }
    assert!(seen > 0, "no never-executed node");
}

/// TIMING OFF: rows and estimates, no times.
#[test]
fn timing_off_has_rows_but_no_times() {
    for (path, p) in plans("seq_scan_filter", "timing_off") {
        let m = metrics::compute(&p);
        assert!(m.analyzed && !m.timed, "{path}");
        assert!(
            m.nodes
                .iter()
                .all(|x| x.self_time_ms.is_none() && x.self_time_share.is_none()),
            "{path}"
        );
        assert!(
            m.nodes[0].actual_rows_total.is_some() && m.nodes[0].estimate_factor.is_some(),
            "{path}"
        );
    }
}

/// Without ANALYZE: no actual metric at all.
#[test]
fn plain_plans_have_no_actuals() {
    for (path, p) in plans("stale_stats_nested_loop", "plain") {
        let m = metrics::compute(&p);
        assert!(!m.analyzed, "{path}");
        for x in &m.nodes {
            assert!(
                x.actual_rows_total.is_none()
                    && x.estimate_factor.is_none()
                    && x.self_time_ms.is_none()
                    && x.self_buffers.is_none(),
                "{path}"
            );
        }
    }
}

/// BitmapAnd/BitmapOr report 0 rows: no row total and no estimate error for them.
#[test]
fn bitmap_combiners_have_no_rows() {
    for q in ["bitmap_and", "bitmap_or"] {
        for (path, p) in plans(q, "analyze") {
            let m = metrics::compute(&p);
            let b = p
                .nodes
                .iter()
                .find(|n| matches!(n.node_type(), NodeType::BitmapAnd | NodeType::BitmapOr))
                .unwrap();
            assert_eq!(b.actual_rows, Some(0.0), "{path}");
            assert!(
                m.nodes[b.id].actual_rows_total.is_none()
                    && m.nodes[b.id].estimate_factor.is_none(),
                "{path}"
            );
        }
    }
}

/// Estimate error: factor and direction on the stale-statistics scan (1 estimated, ~200,000).
#[test]
fn estimate_error() {
    for (path, p) in plans("stale_stats_misestimate", "analyze") {
        let m = metrics::compute(&p);
        let scan = p
            .nodes
            .iter()
            .find(|n| n.relation_name.as_deref() == Some("shipments"))
            .unwrap();
        let x = &m.nodes[scan.id];
        assert_eq!(
            x.estimate_direction,
            Some(metrics::EstimateDirection::Under),
            "{path}"
        );
        let want = scan.actual_rows.unwrap() / scan.plan_rows.unwrap().max(1.0);
        assert!(close(x.estimate_factor.unwrap(), want, 0.01), "{path}");
    }
}
