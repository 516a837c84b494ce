//! The huge real plans of corpus/huge/ parse in every format to the same tree as their JSON
//! capture (same nodes in the same order, same parents, types, relations and row counts), and
//! the analysis gives one metrics row per node.
//!
//! Debug-mode friendly: only the `_half` twins of the two smaller plans (partitions: 1,502
//! nodes; subplans: 826 nodes, hundreds of InitPlans and SubPlans); the 10,000-node plan is
//! left to the benchmarks.

use planlint::{Format, Plan};
use planlint_benches::huge_one;

/// What every format prints the same way for a node.
fn shape(plan: &Plan) -> Vec<String> {
    plan.nodes
        .iter()
        .map(|n| {
            format!(
                "{} parent={:?} type={:?} rel={:?} rows={:?} actual={:?} loops={:?} sub={:?}",
                n.id,
                n.parent,
                n.node_type,
                n.relation_name,
                n.plan_rows,
                n.actual_rows,
                n.actual_loops,
                n.subplan_name,
            )
        })
        .collect()
}

#[test]
fn every_format_of_a_huge_plan_gives_the_json_tree() {
    for query in ["partitions_half", "subplans_half"] {
        let json = huge_one(query, Format::Json).parse().expect("JSON parses");
        assert_eq!(json.len(), 1, "{query}: one plan");
        let want = shape(&json[0]);
        assert!(
            want.len() > 800,
            "{query}: a huge plan ({} nodes)",
            want.len()
        );
        let analysis = planlint::analyze(&json[0], &planlint::Config::default());
        assert_eq!(
            analysis.nodes.len(),
            want.len(),
            "{query}: metrics per node"
        );
        for format in [Format::Text, Format::Yaml, Format::Xml] {
            let input = huge_one(query, format);
            let plans = input
                .parse()
                .unwrap_or_else(|| panic!("{}: format supported", input.name));
            assert_eq!(plans.len(), 1, "{}: one plan", input.name);
            let got = shape(&plans[0]);
            assert_eq!(got.len(), want.len(), "{}: node count", input.name);
            if let Some((g, w)) = got.iter().zip(&want).find(|(g, w)| g != w) {
                panic!("{}: first difference from JSON:\n  {g}\n  {w}", input.name);
            }
        }
    }
}
