//! The peer suites (read from ../shared/peer-plans, never copied): every TEXT plan of pev2's
//! samples and of Pg::Explain's tests (8.x–17, many in psql frames) parses; where the peer has
//! an expected tree (pev2 `.expect.json`, Pg::Explain `oracle/`), planlint's tree agrees with it
//! or the disagreement is a known bug or convention of the peer, named in a table below.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use planlint::model::{
    Jit, JitOptions, JitTiming, Node, Planning, Properties, Serialization, Trigger, Worker,
};
use planlint::parse::text::text_node_name;
use planlint::{Format, ParseOptions, Plan};
use serde_json::Value;

fn peer_dir(name: &str) -> PathBuf {
    support::peer_dir(name)
}

fn read(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

fn parse_text(text: &str) -> Result<Vec<Plan>, planlint::Error> {
    planlint::parse_with(text, &ParseOptions::with_format(Format::Text))
}

/// pev2 inputs its own tests expect to be rejected, and what planlint does.
const PEV2_REJECTS: &[(&str, bool, &str)] = &[
    (
        "tests__inline__1-parse-error-line-break.spec__1.txt",
        true,
        "a node line cut inside its actual block: a positioned error here too",
    ),
    (
        "tests__inline__08-plan-without-cost.spec__2.txt",
        false,
        "pev2 refuses COSTS OFF without ANALYZE; it is a valid plan (node types, conditions, tree)",
    ),
];

/// Where pev2's expected tree and planlint's differ because of pev2 (bug or own convention).
/// (file or `*`, field (server key), reason)
const PEV2_DISAGREEMENTS: &[(&str, &str, &str)] = &[
    (
        "*",
        "Node Type",
        "pev2 spells joins `Nested Loop Join` whatever the join type; the server's JSON says `Nested Loop` (+ `Join Type`)",
    ),
    (
        "*",
        "Output",
        "pev2 keeps a TEXT list as one string; the server's JSON prints a list (§5.1)",
    ),
    (
        "*",
        "Relation Name",
        "pev2 keeps the VERBOSE schema and the identifier quoting in the name; the server's JSON has `Schema` and the raw name (§3.4)",
    ),
    (
        "tests__from-text__43-index-name-parsing.txt",
        "Index Name",
        "pev2 keeps the identifier quoting; the server's JSON has the raw name from 13 on (§3.4)",
    ),
    (
        "tests__from-text__01.txt",
        "Async Capable",
        "pev2 sets `Async Capable: false` on a plan that does not tell its version (14+ only, §3.2)",
    ),
    (
        "tests__21-io-timings__08-text.txt",
        "I/O Read Time",
        "pev2 assumes a 15–16 server and fills zero I/O times; `temp read=` does not tell 15–16 from 17+ (§5.14)",
    ),
    (
        "tests__21-io-timings__08-text.txt",
        "I/O Write Time",
        "pev2 assumes a 15–16 server and fills zero I/O times; `temp read=` does not tell 15–16 from 17+ (§5.14)",
    ),
    (
        "tests__21-io-timings__09-text.txt",
        "*",
        "pev2 assumes a 17+ server and fills zero I/O times; `shared write=` does not tell 15–16 from 17+ (§5.14)",
    ),
];

/// Server key → canonical field name, over every properties struct.
fn canonical_names() -> BTreeMap<&'static str, &'static str> {
    let mut m = BTreeMap::new();
    for list in [
        Plan::key_names(),
        Node::key_names(),
        Worker::key_names(),
        Trigger::key_names(),
        Planning::key_names(),
        Serialization::key_names(),
        Jit::key_names(),
        JitOptions::key_names(),
        JitTiming::key_names(),
    ] {
        for (k, n) in list {
            m.entry(k).or_insert(n);
        }
    }
    m.insert("Plans", "children");
    m.insert("Plan", "plan");
    m.insert("Total Runtime", "execution_time");
    m
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(s), Value::Number(n)) | (Value::Number(n), Value::String(s)) => {
            s.parse::<f64>().ok() == n.as_f64()
        }
        _ => a == b,
    }
}

/// `expect` ⊆ `ours` (pev2's `toMatchObject`): every expected key present with an equal value.
fn subset(
    expect: &Value,
    ours: &Value,
    path: String,
    names: &BTreeMap<&str, &str>,
    out: &mut Vec<(String, String)>,
) {
    match (expect, ours) {
        (Value::Object(e), Value::Object(o)) => {
            for (k, ev) in e {
                let Some(name) = names.get(k.as_str()) else {
                    // pev2's computed properties (`*Duration (exclusive)` …) are not ours.
                    continue;
                };
                let p = format!("{path}/{k}");
                if k == "Node Type" && o.get("text_name") == Some(ev) {
                    // The peer keeps the TEXT spelling (`Hash Semi Join`, `HashAggregate`).
                    continue;
                }
                match o
                    .get(*name)
                    .or_else(|| o.get("extra").and_then(|x| x.get(k)))
                {
                    Some(ov) => subset(ev, ov, p, names, out),
                    None => out.push((p, format!("expected {ev}, absent"))),
                }
            }
        }
        (Value::Array(e), Value::Array(o)) if e.len() <= o.len() => {
            for (i, (ev, ov)) in e.iter().zip(o).enumerate() {
                subset(ev, ov, format!("{path}/{i}"), names, out);
            }
        }
        _ if same(expect, ours) => {}
        _ => out.push((path, format!("expected {expect}, found {ours}"))),
    }
}

/// Adds each node's TEXT name (`text_name`) to its canonical JSON, in pre-order (the ids).
fn add_text_names(plan: &Plan, root: &mut Value) {
    let mut stack = vec![root];
    let mut id = 0;
    while let Some(v) = stack.pop() {
        if let Some(node) = plan.nodes.get(id) {
            v["text_name"] = Value::String(text_node_name(node));
        }
        id += 1;
        if let Some(children) = v.get_mut("children").and_then(Value::as_array_mut) {
            stack.extend(children.iter_mut().rev());
        }
    }
}

#[test]
fn pev2_text_plans_parse_and_agree_with_expectations() {
    let dir = peer_dir("pev2");
    let manifest: Vec<Value> =
        serde_json::from_str(&read(&dir.join("manifest.json"))).expect("pev2 manifest");
    let names = canonical_names();
    let (mut parsed, mut expectations) = (0, 0);
    let mut failures = Vec::new();
    for m in manifest.iter().filter(|m| m["format"] == "text") {
        let file = m["file"].as_str().expect("file");
        let result = parse_text(&read(&dir.join(file)));
        if let Some(&(_, rejected, why)) = PEV2_REJECTS.iter().find(|(f, _, _)| *f == file) {
            match &result {
                Err(e) if rejected => assert!(e.line > 0 && e.column > 0, "{file}: {e:?}"),
                Ok(_) if !rejected => {}
                other => failures.push(format!("{file}: expected ({why}), got {other:?}")),
            }
            continue;
        }
        let plans = match result {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{file}: {e}"));
                continue;
            }
        };
        parsed += 1;
        let Some(expect_file) = m["expect_file"].as_str() else {
            continue;
        };
        expectations += 1;
        let expect: Value = serde_json::from_str(&read(&dir.join(expect_file))).expect("json");
        let mut ours = serde_json::to_value(&plans[0]).unwrap();
        add_text_names(&plans[0], &mut ours["plan"]);
        if expect.get("Plan").is_none() {
            // Expectations about the root node alone.
            ours = ours["plan"].clone();
        }
        let mut diffs = Vec::new();
        subset(&expect, &ours, String::new(), &names, &mut diffs);
        for (path, what) in diffs {
            // The last key (keys may contain '/', as `I/O Read Time`).
            let field = ["I/O Read Time", "I/O Write Time"]
                .into_iter()
                .find(|k| path.ends_with(k))
                .unwrap_or_else(|| {
                    path.rsplit('/')
                        .find(|s| s.parse::<usize>().is_err())
                        .unwrap_or("")
                });
            let known = PEV2_DISAGREEMENTS
                .iter()
                .any(|(f, k, _)| (*f == "*" || *f == file) && (*k == "*" || *k == field));
            if !known {
                failures.push(format!("{file}{path}: {what}"));
            }
        }
    }
    eprintln!("pev2: {parsed} TEXT plans parsed, {expectations} expected trees compared");
    assert!(
        failures.is_empty(),
        "{} disagreements with pev2:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Where Pg::Explain's tree and planlint's differ because of Pg::Explain.
/// (file or `*`, what, reason)
const PG_EXPLAIN_DISAGREEMENTS: &[(&str, &str, &str)] = &[
    (
        "*",
        "/type",
        "only for `Subquery Scan alias` (8.x spelling, no `on`): Pg::Explain keeps the alias in the type; planlint reads it as the alias, as JSON has it",
    ),
    (
        "t/17-as_text/27-plan",
        "/estimated_total_cost",
        "Pg::Explain's oracle holds 3776629009464610000 (a double printed with 15 digits); the plan prints 3776629009464611840.00, which planlint keeps exactly",
    ),
];

/// One node of Pg::Explain's tree against ours; recursion is bounded by the peer's small plans.
fn compare_pg_explain(
    theirs: &Value,
    plan: &Plan,
    id: usize,
    path: &str,
    out: &mut Vec<(String, String)>,
) {
    let node = &plan.nodes[id];
    let num = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    };
    let ty = theirs["type"].as_str().unwrap_or("");
    let ours = text_node_name(node);
    if ty != ours {
        out.push((format!("{path}/type"), format!("{ty:?} vs ours {ours:?}")));
    }
    let pairs = [
        ("estimated_startup_cost", node.startup_cost),
        ("estimated_total_cost", node.total_cost),
        ("estimated_rows", node.plan_rows),
        ("estimated_row_width", node.plan_width.map(|w| w as f64)),
        ("actual_time_first", node.actual_startup_time),
        ("actual_time_last", node.actual_total_time),
        ("actual_rows", node.actual_rows),
        ("actual_loops", node.actual_loops.map(|l| l as f64)),
    ];
    for (key, mine) in pairs {
        let Some(t) = theirs.get(key).and_then(num) else {
            continue;
        };
        if mine != Some(t) && !(t == 0.0 && mine.is_none()) {
            out.push((format!("{path}/{key}"), format!("{t} vs ours {mine:?}")));
        }
    }
    // Children by kind, each in the server's order.
    let mut init = Vec::new();
    let mut ctes = Vec::new();
    let mut subs = Vec::new();
    let mut subplans = Vec::new();
    for &c in &node.children {
        let n = &plan.nodes[c];
        let name = n.subplan_name.as_deref().unwrap_or("");
        match n.parent_relationship {
            Some(planlint::model::ParentRelationship::InitPlan) if name.starts_with("CTE ") => {
                ctes.push((name[4..].to_string(), c))
            }
            Some(planlint::model::ParentRelationship::InitPlan) => init.push(c),
            Some(planlint::model::ParentRelationship::SubPlan) => subplans.push(c),
            _ => subs.push(c),
        }
    }
    let list = |k: &str| {
        theirs
            .get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    for (kind, mine) in [
        ("initplans", &init),
        ("sub_nodes", &subs),
        ("subplans", &subplans),
    ] {
        let t = list(kind);
        if t.len() != mine.len() {
            out.push((
                format!("{path}/{kind}"),
                format!("{} vs ours {}", t.len(), mine.len()),
            ));
            continue;
        }
        for (i, (tv, &c)) in t.iter().zip(mine.iter()).enumerate() {
            compare_pg_explain(tv, plan, c, &format!("{path}/{kind}/{i}"), out);
        }
    }
    let their_ctes = theirs
        .get("ctes")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if their_ctes.len() != ctes.len() {
        out.push((
            format!("{path}/ctes"),
            format!("{} vs ours {}", their_ctes.len(), ctes.len()),
        ));
    }
    for (name, c) in ctes {
        match their_ctes.get(&name) {
            Some(tv) => compare_pg_explain(tv, plan, c, &format!("{path}/ctes/{name}"), out),
            None => out.push((
                format!("{path}/ctes/{name}"),
                "absent in Pg::Explain".into(),
            )),
        }
    }
}

#[test]
fn pg_explain_text_plans_parse_and_agree_with_its_trees() {
    let dir = peer_dir("pg-explain");
    let mut oracles = Vec::new();
    let mut stack = vec![dir.join("oracle")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("oracle dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                oracles.push(p);
            }
        }
    }
    oracles.sort();
    let (mut parsed, mut compared) = (0, 0);
    let mut failures = Vec::new();
    for o in &oracles {
        let oracle: Value = serde_json::from_str(&read(o)).expect("oracle json");
        if oracle["source_format"] != "TEXT" {
            continue;
        }
        let rel = o
            .strip_prefix(dir.join("oracle"))
            .unwrap()
            .with_extension("");
        let file = rel.to_string_lossy().replace('\\', "/");
        let plans = match parse_text(&read(&dir.join(&rel))) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{file}: {e}"));
                continue;
            }
        };
        parsed += 1;
        let Some(top) = oracle["struct"].get("top_node") else {
            continue;
        };
        compared += 1;
        let Some(plan) = plans.iter().find(|p| !p.nodes.is_empty()) else {
            failures.push(format!("{file}: no plan tree"));
            continue;
        };
        let mut diffs = Vec::new();
        compare_pg_explain(top, plan, 0, "", &mut diffs);
        for (path, what) in diffs {
            let known = PG_EXPLAIN_DISAGREEMENTS
                .iter()
                .any(|(f, k, _)| (*f == "*" || *f == file) && path.ends_with(k))
                && (!path.ends_with("/type") || what.starts_with("\"Subquery Scan "));
            if !known {
                failures.push(format!("{file}{path}: {what}"));
            }
        }
    }
    eprintln!("Pg::Explain: {parsed} TEXT plans parsed, {compared} trees compared");
    assert!(
        parsed >= 190,
        "Pg::Explain has 191+ TEXT plans; parsed {parsed}"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements with Pg::Explain:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// pev2's psql-frames suite prints one plan in every psql style (borders 0–2; ascii, old-ascii
/// and unicode lines; aligned and unaligned; DBeaver): every one gives the same tree as the
/// unframed one, measured numbers set aside (each was its own execution).
#[test]
fn pev2_psql_frame_styles_give_one_tree() {
    let dir = peer_dir("pev2");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("pev2 dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("tests__11-psql-frames__text-")
                && n.ends_with(".txt")
                && !n.contains("dbeaver")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    let tree = |p: &Path| {
        let plans = parse_text(&read(p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let mut v = serde_json::to_value(&plans).unwrap();
        support::compare::strip_measured(&mut v);
        v
    };
    let first = tree(&files[0]);
    for f in &files[1..] {
        let d = support::compare::diff(&first, &tree(f));
        assert!(
            d.is_empty(),
            "{} vs {}:\n{}",
            files[0].display(),
            f.display(),
            d.join("\n")
        );
    }
}
