//! Every JSON plan of the corpus parses, with every node, and every key the server printed
//! lands in a typed field (with the same value) or in `extra`.

mod support;

use serde_json::Value;
use support::keys::{Kind, check};

#[test]
fn every_json_plan_parses_with_every_node_and_every_key() {
    let entries = support::select(|e| e.format == "json" && e.framing == "raw");
    let mut failures = Vec::new();
    let mut majors = std::collections::BTreeSet::new();
    for e in &entries {
        majors.insert(e.major);
        let text = e.read();
        let plans = match planlint::parse(&text) {
            Ok(p) => p,
            Err(err) => {
                failures.push(format!("{}: {err}", e.path));
                continue;
            }
        };
        if plans.len() != e.plans {
            failures.push(format!(
                "{}: {} plans, manifest says {}",
                e.path,
                plans.len(),
                e.plans
            ));
        }
        let nodes: usize = plans.iter().map(|p| p.nodes.len()).sum();
        let printed = text.matches("\"Node Type\"").count();
        if nodes != printed {
            failures.push(format!(
                "{}: {nodes} nodes, the server printed {printed}",
                e.path
            ));
        }
        let raw: Value = serde_json::from_str(&text).unwrap();
        let mut errs = Vec::new();
        for (i, (r, p)) in raw.as_array().unwrap().iter().zip(&plans).enumerate() {
            let canon = p.to_value();
            match (r.as_object(), canon.as_object()) {
                (Some(r), Some(c)) => check(r, c, Kind::Query, &format!("#{i}"), &mut errs),
                _ => errs.push(format!("#{i}: not an object")),
            }
        }
        failures.extend(errs.into_iter().map(|m| format!("{}: {m}", e.path)));
    }
    assert!(
        failures.is_empty(),
        "{} problems in {} files:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
    assert!(
        majors.len() >= 6,
        "the corpus must cover six majors, found {majors:?}"
    );
}

#[test]
fn json_in_psql_frames_parses_like_raw_json() {
    let entries = support::select(|e| e.format == "json" && e.framing.starts_with("psql"));
    for e in entries {
        let text = e.read();
        let plans = planlint::parse(&text).unwrap_or_else(|err| panic!("{}: {err}", e.path));
        assert_eq!(plans.len(), e.plans, "{}", e.path);
        let nodes: usize = plans.iter().map(|p| p.nodes.len()).sum();
        assert_eq!(nodes, text.matches("\"Node Type\"").count(), "{}", e.path);
    }
}

/// `Plan::max_depth` (one pass) agrees with the deepest `Plan::depth` (a walk up per node) on
/// every raw JSON plan of the corpus, and some plan nests deeper than a few levels.
#[test]
fn max_depth_is_the_deepest_node() {
    let mut deepest = 0;
    for e in support::select(|e| e.format == "json" && e.framing == "raw") {
        for p in planlint::parse(&e.read()).unwrap() {
            let walked = (0..p.nodes.len()).map(|id| p.depth(id)).max().unwrap_or(0);
            assert_eq!(p.max_depth(), walked, "{}", e.path);
            deepest = deepest.max(walked);
        }
    }
    assert!(deepest >= 5, "{deepest}");
}
