//! Every rule on real corpus plans: the plans made to show a problem must trigger its rule (on
//! every PostgreSQL major that captured them), chosen plans that do not have it must not, and
//! the healthy queries stay quiet.

mod support;

use planlint::{Analysis, Config, Severity};
use support::Entry;

/// The raw JSON captures of a query and variant, with their analyses (default configuration).
fn analyses(query: &str, variant: &str) -> Vec<(Entry, Vec<Analysis>)> {
    support::select(|e| {
        e.query == query && e.variant == variant && e.format == "json" && e.framing == "raw"
    })
    .into_iter()
    .map(|e| {
        let plans = planlint::parse(&e.read()).unwrap_or_else(|err| panic!("{}: {err:?}", e.path));
        let a = plans
            .iter()
            .map(|p| planlint::analyze(p, &Config::default()))
            .collect();
        (e, a)
    })
    .collect()
}

fn fires(a: &[Analysis], rule: &str) -> bool {
    a.iter().any(|x| x.findings.iter().any(|f| f.rule == rule))
}

/// `rule` fires on every capture of each `yes` query and on none of the `no` queries.
fn check(rule: &str, yes: &[&str], no: &[&str]) {
    assert!(
        planlint::rules::rule(rule).is_some(),
        "{rule} is not a rule"
    );
    for q in yes {
        for (e, a) in analyses(q, "analyze") {
            assert!(fires(&a, rule), "{rule} should fire on {}", e.path);
            // Every finding is well-formed: a message with numbers, a fix, an impact in 0..1.
            for f in a
                .iter()
                .flat_map(|x| &x.findings)
                .filter(|f| f.rule == rule)
            {
                assert!(
                    !f.message.is_empty() && !f.fix.text.is_empty(),
                    "{}",
                    e.path
                );
                assert!(
                    (0.0..=1.0).contains(&f.impact),
                    "{}: impact {}",
                    e.path,
                    f.impact
                );
            }
        }
    }
    for q in no {
        for (e, a) in analyses(q, "analyze") {
            assert!(!fires(&a, rule), "{rule} should not fire on {}", e.path);
        }
    }
}

/// One test per rule: the queries it must fire on, and queries it must not fire on.
macro_rules! rule_tests {
    ($( $name:ident: $rule:literal, yes [$($y:literal),*], no [$($n:literal),*]; )*) => {
        $( #[test] fn $name() { check($rule, &[$($y),*], &[$($n),*]); } )*
    };
}

rule_tests! {
    seq_scan_filter: "seq-scan-filter",
        yes ["seq_scan_filter", "parallel_seq_scan_filter", "partition_no_pruning"],
        no ["small_hash_join", "pk_lookup", "bloated_seq_scan", "non_sargable_lower"];
    index_filter: "index-filter",
        yes ["index_scan_filter", "order_by_limit_wrong_index"],
        no ["pk_lookup", "bitmap_lossy", "index_only_scan", "bitmap_heap_scan"];
    non_sargable: "non-sargable",
        yes ["non_sargable_lower", "non_sargable_date_trunc"],
        no ["seq_scan_filter", "index_scan_filter"];
    row_misestimate: "row-misestimate",
        yes ["stale_stats_misestimate", "stale_stats_nested_loop", "correlated_columns_misestimate"],
        no ["pk_lookup", "seq_scan_filter", "bitmap_and"];
    nested_loop_blowup: "nested-loop-blowup",
        yes ["nested_loop_many_loops", "stale_stats_nested_loop"],
        no ["nested_loop_inner", "cartesian_join", "join_filter_many_removed"];
    correlated_subplan: "correlated-subplan",
        yes ["subplan_correlated"],
        no ["subplan_hashed", "initplan_minmax"];
    join_filter: "join-filter",
        yes ["join_filter_many_removed"],
        no ["hash_join_left", "nested_loop_inner"];
    cartesian_join: "cartesian-join",
        yes ["cartesian_join"],
        no ["nested_loop_inner", "nested_loop_many_loops", "join_filter_many_removed"];
    cte_filter: "cte-filter",
        yes ["cte_materialized_discard"],
        no ["cte_multi_reference", "cte_recursive"];
    sort_spill: "sort-spill",
        yes ["sort_external"],
        no ["sort_top_n_limit", "incremental_sort", "gather_merge"];
    hash_spill: "hash-spill",
        yes ["hash_join_batches"],
        no ["small_hash_join", "hash_join_left"];
    hashagg_spill: "hashagg-spill",
        yes ["hashagg_spill"],
        no ["aggregate_hashed", "aggregate_mixed"];
    temp_io: "temp-io",
        yes ["cte_materialized_discard"],
        no ["sort_external", "hash_join_batches", "hashagg_spill", "pk_lookup"];
    lossy_bitmap: "lossy-bitmap",
        yes ["bitmap_lossy"],
        no ["bitmap_heap_scan", "bitmap_and", "trigram_like"];
    heap_fetches: "heap-fetches",
        yes ["index_only_scan_heap_fetches"],
        no ["index_only_scan", "pk_lookup"];
    cache_misses: "cache-misses",
        yes ["seq_scan_filter", "subplan_correlated"],
        no ["pk_lookup", "small_hash_join"];
    read_efficiency: "read-efficiency",
        yes ["bloated_seq_scan"],
        no ["seq_scan_filter", "partition_no_pruning"];
    workers_not_launched: "workers-not-launched",
        yes ["parallel_workers_limited"],
        no ["parallel_seq_scan_filter", "gather_merge"];
    parallel_overhead: "parallel-overhead",
        yes ["parallel_gather_overhead"],
        no ["parallel_seq_scan_filter", "gather_merge", "parallel_hash_join", "parallel_index_only_scan"];
    trigger_time: "trigger-time",
        yes ["delete_fk_unindexed"],
        no ["insert_values", "delete_using"];
    partition_pruning: "partition-pruning",
        yes ["partition_no_pruning"],
        no ["partition_pruned_plan_time", "partition_runtime_pruning", "partition_prepared_generic", "append_union_all"];
    large_offset: "large-offset",
        yes ["large_offset"],
        no ["sort_top_n_limit", "order_by_limit_wrong_index"];
    sort_for_limit: "sort-for-limit",
        yes ["sort_top_n_limit"],
        no ["large_offset", "order_by_limit_wrong_index", "merge_append"];
    materialize_rescan: "materialize-rescan",
        yes ["materialize_rescan"],
        no ["cartesian_join", "join_filter_many_removed"];
    hot_node: "hot-node",
        yes ["aggregate_hashed"],
        no ["pk_lookup", "seq_scan_filter"];
}

/// Memoize appeared in PostgreSQL 14: the capture exists only from 14 on.
#[test]
fn memoize_ineffective() {
    check(
        "memoize-ineffective",
        &["memoize_evictions"],
        &["memoize", "nested_loop_inner"],
    );
}

/// JIT is captured only where the server has llvmjit; wherever the capture shows JIT time, the
/// rule fires.
#[test]
fn jit_overhead() {
    let mut seen = 0;
    for (e, a) in analyses("jit_aggregate", "analyze") {
        let jit = a.iter().any(|x| x.summary.jit_time_ms.is_some());
        assert_eq!(fires(&a, "jit-overhead"), jit, "{}", e.path);
        seen += usize::from(jit);
    }
    assert!(seen > 0, "no corpus plan with JIT");
    check(
        "jit-overhead",
        &[],
        &["aggregate_hashed", "seq_scan_filter"],
    );
}

/// Trigger time: on plans with user triggers, fires exactly when a trigger took 10% of the
/// execution time; the unindexed foreign key is named as such.
#[test]
fn trigger_time_follows_the_share() {
    for q in [
        "update_with_triggers",
        "insert_on_conflict_update",
        "delete_fk_unindexed",
    ] {
        for e in support::select(|e| {
            e.query == q && e.variant == "analyze" && e.format == "json" && e.framing == "raw"
        }) {
            for p in planlint::parse(&e.read()).unwrap() {
                let a = planlint::analyze(&p, &Config::default());
                let exec = p.execution_time.unwrap();
                let expect = p
                    .triggers
                    .iter()
                    .flatten()
                    .any(|t| t.time.unwrap_or(0.0) >= exec * 0.1);
                assert_eq!(
                    fires(std::slice::from_ref(&a), "trigger-time"),
                    expect,
                    "{}",
                    e.path
                );
                if q == "delete_fk_unindexed" {
                    let f = a
                        .findings
                        .iter()
                        .find(|f| f.rule == "trigger-time")
                        .unwrap();
                    assert!(
                        f.message
                            .contains("without an index on the foreign-key column"),
                        "{}",
                        f.message
                    );
                    assert!(
                        f.fix
                            .sql
                            .as_deref()
                            .unwrap()
                            .contains("order_items_product_id_fkey")
                    );
                }
            }
        }
    }
}

/// Planning time rule: fires where planning took longer than execution and at least 10 ms,
/// and the statement is quick enough for planning to matter.
#[test]
fn planning_time() {
    let mut seen = 0;
    for e in support::select(|e| e.variant == "analyze" && e.format == "json" && e.framing == "raw")
    {
        for p in planlint::parse(&e.read()).unwrap() {
            let a = planlint::analyze(&p, &Config::default());
            let expect = matches!((p.planning_time, p.execution_time), (Some(pl), Some(ex)) if pl >= 10.0 && pl >= ex);
            assert_eq!(
                a.findings.iter().any(|f| f.rule == "planning-time"),
                expect,
                "{}",
                e.path
            );
            seen += usize::from(expect);
        }
    }
    assert!(seen > 0, "no corpus plan where planning dominates");
}

/// Plan quality: silent on full ANALYZE/BUFFERS captures, speaks on plans without ANALYZE,
/// without timing, or without BUFFERS.
#[test]
fn plan_quality() {
    for v in ["plain", "timing_off"] {
        for (e, a) in analyses("seq_scan_filter", v) {
            assert!(fires(&a, "plan-quality"), "{}", e.path);
        }
    }
    check("plan-quality", &[], &["seq_scan_filter", "pk_lookup"]);
}

/// Healthy queries — a primary-key lookup, an in-memory hash join, a well-pruned partition
/// scan, an index-only scan on a vacuumed table — produce no warning in any variant.
#[test]
fn healthy_plans_stay_quiet() {
    for q in [
        "pk_lookup",
        "small_hash_join",
        "partition_pruned_plan_time",
        "index_only_scan",
    ] {
        for v in ["analyze", "verbose", "timing_off", "plain"] {
            for (e, a) in analyses(q, v) {
                for f in a.iter().flat_map(|x| &x.findings) {
                    assert!(
                        f.severity == Severity::Info,
                        "{}: {} {:?}: {}",
                        e.path,
                        f.rule,
                        f.severity,
                        f.message
                    );
                }
            }
        }
    }
}

/// Without ANALYZE, only the rules that read estimates or the plan's shape may speak.
#[test]
fn plans_without_analyze_get_no_actual_based_findings() {
    for e in support::select(|e| e.variant == "plain" && e.format == "json" && e.framing == "raw") {
        for p in planlint::parse(&e.read()).unwrap() {
            for f in planlint::analyze(&p, &Config::default()).findings {
                assert_eq!(f.rule, "plan-quality", "{}: {}", e.path, f.message);
            }
        }
    }
}

/// The deepest mis-estimated node is named, not its ancestors: on the stale-statistics plan
/// the finding is on the index scan of shipments, and no ancestor inheriting the error is
/// reported.
#[test]
fn row_misestimate_names_the_root_cause() {
    for (e, a) in analyses("stale_stats_nested_loop", "analyze") {
        let p = &planlint::parse(&e.read()).unwrap()[0];
        let f: Vec<_> = a[0]
            .findings
            .iter()
            .filter(|f| f.rule == "row-misestimate")
            .collect();
        let shipments = f
            .iter()
            .find(|f| p.nodes[f.node.unwrap()].relation_name.as_deref() == Some("shipments"));
        let f0 = shipments.unwrap_or_else(|| panic!("{}: no finding on shipments", e.path));
        assert!(
            f0.evidence.number("propagated_to").unwrap() >= 1.0,
            "{}",
            e.path
        );
        // No reported node is an ancestor of another reported node in the same direction.
        for a1 in &f {
            for b1 in &f {
                let (x, y) = (a1.node.unwrap(), b1.node.unwrap());
                if x != y && a1.evidence.get("direction") == b1.evidence.get("direction") {
                    let mut cur = p.nodes[y].parent;
                    while let Some(c) = cur {
                        assert!(
                            c != x
                                || a1.evidence.number("factor")
                                    >= b1.evidence.number("factor").map(|v| v * 10.0),
                            "{}: ancestor {x} reported",
                            e.path
                        );
                        cur = p.nodes[c].parent;
                    }
                }
            }
        }
    }
}

/// Findings are ranked by impact, then severity.
#[test]
fn findings_are_ranked() {
    for e in support::select(|e| e.variant == "analyze" && e.format == "json" && e.framing == "raw")
    {
        for p in planlint::parse(&e.read()).unwrap() {
            let a = planlint::analyze(&p, &Config::default());
            for w in a.findings.windows(2) {
                assert!(
                    w[0].impact > w[1].impact
                        || (w[0].impact == w[1].impact && w[0].severity >= w[1].severity),
                    "{}: {} before {}",
                    e.path,
                    w[0].rule,
                    w[1].rule
                );
            }
        }
    }
}

/// Configuration: thresholds silence a rule, select/ignore choose rules, errors are positioned.
#[test]
fn configuration() {
    let e = &support::select(|e| {
        e.query == "seq_scan_filter"
            && e.variant == "analyze"
            && e.format == "json"
            && e.framing == "raw"
    })[0];
    let p = &planlint::parse(&e.read()).unwrap()[0];
    let fired = |cfg: &Config| {
        planlint::analyze(p, cfg)
            .findings
            .iter()
            .map(|f| f.rule)
            .collect::<Vec<_>>()
    };
    assert!(fired(&Config::default()).contains(&"seq-scan-filter"));
    let high = Config::from_toml("[rules.seq-scan-filter]\nmin_rows_removed = 1e9\n").unwrap();
    assert!(!fired(&high).contains(&"seq-scan-filter"));
    let ignore = Config::from_toml("ignore = [\"seq-scan-filter\"]").unwrap();
    assert!(!fired(&ignore).contains(&"seq-scan-filter"));
    let select = Config::from_toml("select = [\"cache-misses\"]").unwrap();
    assert!(fired(&select).iter().all(|r| *r == "cache-misses"));
    let err = Config::from_toml(
        "select = [\"seq-scan-filter\"]\n\n[rules.seq-scan-filter]\nmin_rows = 3\n",
    )
    .unwrap_err();
    assert_eq!((err.line, err.column), (4, 1), "{err:?}");
    assert!(err.message.contains("min_rows_removed"), "{}", err.message);
    let err = Config::from_toml("ignore = [\"nope\"]").unwrap_err();
    assert_eq!((err.line, err.column), (1, 11), "{err:?}");
    let err = Config::from_toml("selct = []").unwrap_err();
    assert_eq!(err.line, 1, "{err:?}");
}
