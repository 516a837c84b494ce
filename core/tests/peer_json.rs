//! pev2's JSON samples (../shared/peer-plans/pev2), including those wrapped in psql frames,
//! pgAdmin quoting and junk, parse with every node.

mod support;

use std::path::PathBuf;

fn pev2_dir() -> PathBuf {
    support::peer_dir("pev2")
}

fn json_samples() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(pev2_dir())
        .expect("../shared/peer-plans/pev2 is beside the project")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json.txt"))
        .map(|n| {
            let text = std::fs::read_to_string(pev2_dir().join(&n)).unwrap();
            (n, text)
        })
        .collect();
    out.sort();
    assert!(
        out.len() >= 31,
        "expected pev2's 31 JSON samples, found {}",
        out.len()
    );
    out
}

#[test]
fn every_pev2_json_sample_parses_with_every_node() {
    for (name, text) in json_samples() {
        let plans = planlint::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!plans.is_empty(), "{name}: no plan");
        let nodes: usize = plans.iter().map(|p| p.nodes.len()).sum();
        // `Node Type"` also matches pgAdmin's doubled quotes (`""Node Type""`).
        assert_eq!(nodes, text.matches("Node Type\"").count(), "{name}");
    }
}

#[test]
fn every_psql_frame_style_gives_the_same_tree() {
    // pev2's 11-psql-frames: one query captured in every psql border/linestyle combination.
    let mut trees = Vec::new();
    for (name, text) in json_samples() {
        if !name.starts_with("tests__11-psql-frames__json") {
            continue;
        }
        let plans = planlint::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut v = serde_json::to_value(&plans).unwrap();
        support::compare::strip_measured(&mut v);
        trees.push((name, v));
    }
    assert_eq!(trees.len(), 15);
    let (first_name, first) = &trees[0];
    for (name, v) in &trees[1..] {
        let d = support::compare::diff(first, v);
        assert!(d.is_empty(), "{first_name} vs {name}:\n{}", d.join("\n"));
    }
}

#[test]
fn pgadmin_doubled_quotes_are_undone() {
    let (_, text) = json_samples()
        .into_iter()
        .find(|(n, _)| n.contains("double-doule-quotes"))
        .unwrap();
    let plans = planlint::parse(&text).unwrap();
    let root = plans[0].root().unwrap();
    assert_eq!(root.node_type().as_str(), "ModifyTable");
    assert_eq!(root.relation_name.as_deref(), Some("toto123456789"));
    assert_eq!(plans[0].settings.as_ref().map(|s| s.len()), Some(0));
}
