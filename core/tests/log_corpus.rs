//! auto_explain in the corpus's server logs (stderr, csvlog, jsonlog; every log format): every
//! entry found, in log order, each with its duration and query text; the log destinations
//! agree; one statement logged in several formats has one plan; errors point into the log.

mod support;

use std::collections::BTreeMap;

use planlint::input::log::{self, LogEntry};
use planlint::{ErrorKind, Format, Plan};
use support::Entry;

fn logs() -> Vec<Entry> {
    support::select(|e| e.framing.starts_with("log-"))
}

/// Parses a log; `None` while TEXT plans cannot be parsed yet (the log holds TEXT entries and
/// the error says TEXT is unsupported).
fn parse_log(e: &Entry, text: &str) -> Option<Vec<Plan>> {
    match planlint::parse(text) {
        Ok(plans) => Some(plans),
        Err(err) if err.kind == ErrorKind::Unsupported && e.format == "text" => None,
        Err(err) => panic!("{}: {err}", e.path),
    }
}

#[test]
fn every_log_entry_is_found_with_its_duration_and_query_text() {
    let mut failures = Vec::new();
    let (mut found, mut parsed) = (0, 0);
    for e in logs() {
        let text = e.read();
        let entries = log::entries(&text).unwrap_or_else(|err| panic!("{}: {err}", e.path));
        if entries.len() != e.plans {
            failures.push(format!(
                "{}: {} entries, manifest says {}",
                e.path,
                entries.len(),
                e.plans
            ));
        }
        let format = Format::from_name(&e.format).unwrap();
        for (i, entry) in entries.iter().enumerate() {
            if entry.format != format {
                failures.push(format!(
                    "{} entry {i}: {} entry, expected {format}",
                    e.path, entry.format
                ));
            }
            if !entry.duration.is_finite() || entry.duration < 0.0 {
                failures.push(format!("{} entry {i}: duration {}", e.path, entry.duration));
            }
            // The entry starts where the server wrote `duration: N ms  plan:`.
            let header = &text[entry.offset..];
            if !header.starts_with(&format!("duration: {:.3} ms  plan:", entry.duration)) {
                failures.push(format!("{} entry {i}: not at its header", e.path));
            }
            if format == Format::Text {
                match entry.split_text() {
                    Some(t) if !t.query_text.trim().is_empty() && t.plan.contains("  (cost=") => {}
                    other => failures.push(format!(
                        "{} entry {i}: TEXT entry split as {other:?}",
                        e.path
                    )),
                }
            }
        }
        found += entries.len();
        let Some(plans) = parse_log(&e, &text) else {
            continue;
        };
        parsed += plans.len();
        if plans.len() != entries.len() {
            failures.push(format!(
                "{}: {} plans for {} entries",
                e.path,
                plans.len(),
                entries.len()
            ));
            continue;
        }
        for (i, (plan, entry)) in plans.iter().zip(&entries).enumerate() {
            if plan.duration != Some(entry.duration) {
                failures.push(format!(
                    "{} plan {i}: duration {:?}, entry {}",
                    e.path, plan.duration, entry.duration
                ));
            }
            match &plan.query_text {
                Some(q) if !q.trim().is_empty() => {}
                other => failures.push(format!("{} plan {i}: query text {other:?}", e.path)),
            }
            if plan.nodes.is_empty() {
                failures.push(format!("{} plan {i}: no nodes", e.path));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{found} auto_explain entries found, {parsed} parsed into plans");
}

#[test]
fn the_log_destinations_agree() {
    // (major, session) → the logs the server wrote for it (stderr, csvlog, jsonlog).
    let mut sessions: BTreeMap<(u32, String), Vec<Entry>> = BTreeMap::new();
    for e in logs() {
        sessions
            .entry((e.major, e.variant.clone()))
            .or_default()
            .push(e);
    }
    let mut failures = Vec::new();
    let mut compared = 0;
    for ((major, session), files) in &sessions {
        let texts: Vec<String> = files.iter().map(Entry::read).collect();
        let entries: Vec<Vec<LogEntry>> = texts.iter().map(|t| log::entries(t).unwrap()).collect();
        let docs = |es: &[LogEntry]| -> Vec<(String, f64)> {
            es.iter()
                .map(|x| (x.document().to_string(), x.duration))
                .collect()
        };
        let plans: Vec<Option<Vec<Plan>>> = files
            .iter()
            .zip(&texts)
            .map(|(e, t)| parse_log(e, t))
            .collect();
        for i in 1..files.len() {
            compared += 1;
            if docs(&entries[0]) != docs(&entries[i]) {
                failures.push(format!(
                    "pg{major} {session}: {} and {} hold different entries",
                    files[0].path, files[i].path
                ));
            }
            if let (Some(a), Some(b)) = (&plans[0], &plans[i]) {
                if serde_json::to_value(a).unwrap() != serde_json::to_value(b).unwrap() {
                    failures.push(format!(
                        "pg{major} {session}: {} and {} parse differently",
                        files[0].path, files[i].path
                    ));
                }
            }
        }
        if files.len() < 2 {
            failures.push(format!("pg{major} {session}: only {}", files[0].path));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared > 0);
}

/// A plan's shape: per node (pre-order), its type, its parent, what it reads.
fn shape(p: &Plan) -> Vec<String> {
    p.nodes
        .iter()
        .map(|n| {
            format!(
                "{} parent={:?} rel={:?} index={:?}",
                n.node_type(),
                n.parent,
                n.relation_name,
                n.index_name
            )
        })
        .collect()
}

/// A statement as one session logged it: the session and the plan's shape.
type Logged = (String, Vec<String>);

#[test]
fn one_statement_logged_in_several_formats_has_one_plan() {
    // (major, query text) → (session, shape) for every top-level statement of every session.
    let mut seen: BTreeMap<(u32, String), Vec<Logged>> = BTreeMap::new();
    for e in logs().into_iter().filter(|e| e.framing == "log-stderr") {
        let Some(plans) = parse_log(&e, &e.read()) else {
            continue;
        };
        for p in &plans {
            let q = p.query_text.clone().unwrap_or_default();
            seen.entry((e.major, q))
                .or_default()
                .push((e.variant.clone(), shape(p)));
        }
    }
    let mut failures = Vec::new();
    let mut compared = 0;
    for ((major, query), logged) in &seen {
        for (session, s) in &logged[1..] {
            compared += 1;
            if *s != logged[0].1 {
                failures.push(format!(
                    "pg{major} {query:?}: {} and {session} logged different plans:\n  {:?}\n  {:?}",
                    logged[0].0, logged[0].1, s
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared > 0, "no statement was logged in two formats");
}

#[test]
fn errors_in_a_log_entry_point_into_the_log() {
    // Mutation of a real log (not a hand-made plan): the first number of an estimate is
    // replaced by a word, in each log of a JSON/YAML/XML session; the error must point at it.
    let mut checked = 0;
    for e in logs().into_iter().filter(|e| e.format != "text") {
        let text = e.read();
        let needle = match e.format.as_str() {
            "yaml" => "Total Cost: ",
            "xml" => "<Total-Cost>",
            _ if e.framing == "log-json" => "\\\"Total Cost\\\": ",
            _ => "\"Total Cost\": ",
        };
        let Some(at) = text.find(needle).map(|i| i + needle.len()) else {
            continue;
        };
        let mutated = format!("{}oops{}", &text[..at], &text[at..]);
        let err = planlint::parse(&mutated).expect_err(&e.path);
        let (line, column) = planlint::error::line_column(&mutated, at);
        assert_eq!(
            (err.line, err.column),
            (line, column),
            "{}: {err} (expected at {line}:{column})",
            e.path
        );
        checked += 1;
    }
    assert!(checked >= 3, "checked {checked} logs");
}
