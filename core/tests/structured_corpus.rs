//! YAML and XML captures of the corpus against their JSON twins (same major, query, variant):
//! the same tree once measured numbers are set aside (the whole tree for plain EXPLAIN),
//! nothing lost (every key lands in a typed field or in `extra`, every number printed appears
//! in the output), and format detection right on every corpus file.

mod support;

use planlint::model::NodeType;
use planlint::{Format, Plan};
use serde_json::Value;
use support::Entry;
use support::compare::{diff, strip_measured};
use support::keys::{Kind, check, lost_numbers};

fn parse(e: &Entry) -> Vec<Plan> {
    planlint::parse(&e.read()).unwrap_or_else(|err| panic!("{}: {err}", e.path))
}

fn canonical(plans: &[Plan]) -> Value {
    serde_json::to_value(plans).unwrap()
}

/// Estimates a capture may legitimately not share with its twin: an ANALYZE of a statement
/// that writes (a ModifyTable node) runs the write, and although the generator rolls it back,
/// the table keeps the pages it grew by, so the planner's estimates for the captures taken
/// after it differ. These are the capture's, not the format's: everything else must be equal.
const DRIFTING_ESTIMATES: &[&str] = &["startup_cost", "total_cost", "plan_rows"];

fn writes(plans: &[Plan]) -> bool {
    plans.iter().any(|p| {
        p.nodes
            .iter()
            .any(|n| *n.node_type() == NodeType::ModifyTable)
    })
}

/// Replaces the drifting estimates by a marker (presence is kept).
fn strip_estimates(v: &mut Value) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (k, val) in map.iter_mut() {
                    if DRIFTING_ESTIMATES.contains(&k.as_str()) {
                        *val = Value::String("<estimate>".into());
                    } else {
                        stack.push(val);
                    }
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

#[test]
fn yaml_and_xml_captures_equal_their_json_twins() {
    let entries =
        support::select(|e| matches!(e.format.as_str(), "yaml" | "xml") && e.framing == "raw");
    let mut failures = Vec::new();
    let (mut whole, mut structural, mut drifting) = (0, 0, 0);
    for e in &entries {
        let Some(twin) = e.twin("json") else {
            failures.push(format!("{}: no JSON twin", e.path));
            continue;
        };
        let (plans, twin_plans) = (parse(e), parse(&twin));
        let (mut ours, mut theirs) = (canonical(&plans), canonical(&twin_plans));
        if e.option("analyze") {
            strip_measured(&mut ours);
            strip_measured(&mut theirs);
            structural += 1;
        } else {
            whole += 1;
        }
        let mut d = diff(&ours, &theirs);
        if !d.is_empty() && e.option("analyze") && writes(&twin_plans) {
            strip_estimates(&mut ours);
            strip_estimates(&mut theirs);
            d = diff(&ours, &theirs);
            drifting += 1;
        }
        failures.extend(
            d.into_iter()
                .take(5)
                .map(|l| format!("{} vs {}: {l}", e.path, twin.path)),
        );
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "{} YAML/XML captures equal their JSON twins: {whole} whole trees (plain), {structural} \
         with measured numbers set aside, of which {drifting} writes with drifting estimates",
        entries.len()
    );
}

/// The raw document of a capture, read without planlint, as a list of query objects.
fn raw_queries(format: &str, text: &str) -> Vec<Value> {
    let raw = match format {
        "yaml" => support::raw::yaml(text),
        "xml" => support::raw::xml(text),
        _ => serde_json::from_str(text).unwrap(),
    };
    match raw {
        Value::Array(a) => a,
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// Checks one document: every key lands, every number is kept; returns the problems.
fn nothing_lost(what: &str, format: &str, text: &str, plans: &[Plan]) -> Vec<String> {
    let raw = raw_queries(format, text);
    let mut errs = Vec::new();
    if raw.len() != plans.len() {
        errs.push(format!(
            "{what}: {} plans, the document has {}",
            plans.len(),
            raw.len()
        ));
    }
    for (i, (r, p)) in raw.iter().zip(plans).enumerate() {
        let canon = p.to_value();
        match (r.as_object(), canon.as_object()) {
            (Some(r), Some(c)) => check(r, c, Kind::Query, &format!("{what}#{i}"), &mut errs),
            _ => errs.push(format!("{what}#{i}: not an object")),
        }
        let lost = lost_numbers(r, &canon);
        if !lost.is_empty() {
            errs.push(format!("{what}#{i}: numbers not in the output: {lost:?}"));
        }
    }
    errs
}

#[test]
fn nothing_printed_in_yaml_or_xml_is_lost() {
    let entries =
        support::select(|e| matches!(e.format.as_str(), "yaml" | "xml") && e.framing == "raw");
    let mut failures = Vec::new();
    let mut nodes = 0;
    for e in &entries {
        let text = e.read();
        let plans = parse(e);
        if plans.len() != e.plans {
            failures.push(format!(
                "{}: {} plans, manifest says {}",
                e.path,
                plans.len(),
                e.plans
            ));
        }
        let printed = match e.format.as_str() {
            "yaml" => text.matches("Node Type: ").count(),
            _ => text.matches("<Node-Type>").count(),
        };
        let found: usize = plans.iter().map(|p| p.nodes.len()).sum();
        if found != printed {
            failures.push(format!(
                "{}: {found} nodes, the server printed {printed}",
                e.path
            ));
        }
        nodes += found;
        failures.extend(nothing_lost(&e.path, &e.format, &text, &plans));
    }
    assert!(
        failures.is_empty(),
        "{} problems in {} files:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
    eprintln!(
        "{} YAML/XML files, {nodes} nodes: nothing lost",
        entries.len()
    );
}

#[test]
fn nothing_printed_in_yaml_or_xml_log_entries_is_lost() {
    let entries = support::select(|e| {
        matches!(e.format.as_str(), "yaml" | "xml" | "json") && e.framing.starts_with("log-")
    });
    let mut failures = Vec::new();
    let mut checked = 0;
    for e in &entries {
        let text = e.read();
        let plans = parse(e);
        let log = planlint::input::log::entries(&text).unwrap();
        if log.len() != plans.len() {
            failures.push(format!(
                "{}: {} entries, {} plans",
                e.path,
                log.len(),
                plans.len()
            ));
            continue;
        }
        for (i, (entry, plan)) in log.iter().zip(&plans).enumerate() {
            let what = format!("{} entry {i}", e.path);
            let mut plan = plan.clone();
            // Set by the log, not printed in the document.
            plan.duration = None;
            failures.extend(nothing_lost(&what, &e.format, entry.document(), &[plan]));
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{checked} auto_explain JSON/YAML/XML entries: nothing lost");
}

#[test]
fn every_corpus_file_is_detected_as_its_format() {
    let entries = support::manifest();
    assert!(!entries.is_empty());
    let mut failures = Vec::new();
    for e in &entries {
        let expected = if e.framing.starts_with("log-") {
            Format::Log
        } else {
            Format::from_name(&e.format).unwrap()
        };
        match planlint::input::detect(&e.read()) {
            Ok(f) if f == expected => {}
            other => failures.push(format!(
                "{}: expected {expected}, detected {other:?}",
                e.path
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files detected wrongly:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
}

#[test]
fn errors_point_at_the_broken_value() {
    // Mutations of real captures (not hand-made plans): a number replaced by a word, a line
    // indented one space more (YAML), a closing tag removed (XML).
    let mut checked = 0;
    for e in support::select(|e| matches!(e.format.as_str(), "yaml" | "xml") && e.framing == "raw")
        .into_iter()
        .take(40)
    {
        let text = e.read();
        let needle = if e.format == "yaml" {
            "Total Cost: "
        } else {
            "<Total-Cost>"
        };
        let at = text.find(needle).unwrap() + needle.len();
        let bad = format!("{}oops{}", &text[..at], &text[at..]);
        let err = planlint::parse(&bad).unwrap_err();
        let pos = planlint::error::line_column(&bad, at);
        assert_eq!((err.line, err.column), pos, "{}: {err}", e.path);
        assert!(
            err.message.contains("expected a number"),
            "{}: {err}",
            e.path
        );

        let (bad, at, what) = if e.format == "yaml" {
            let line = text.find("\n    Parallel Aware: ").unwrap() + 1;
            (
                format!("{} {}", &text[..line], &text[line..]),
                line,
                "unexpected indentation",
            )
        } else {
            let close = text.find("</Node-Type>").unwrap();
            let bad = format!(
                "{}{}",
                &text[..close],
                &text[close + "</Node-Type>".len()..]
            );
            (bad, close, "expected </Node-Type>")
        };
        let err = planlint::parse(&bad).unwrap_err();
        assert!(err.message.contains(what), "{}: {err}", e.path);
        assert!(
            err.offset >= at.saturating_sub(1),
            "{}: {err} before {at}",
            e.path
        );
        checked += 1;
    }
    assert!(checked > 0);
}
