//! TEXT fidelity against JSON, on every major in corpus/: for every TEXT capture (raw, psql
//! aligned, psql expanded) with a JSON twin (same major, query, variant),
//!
//! 1. **structure**: the canonical JSON planlint builds from the TEXT equals the one it builds
//!    from the JSON twin once measured numbers are set aside (for plain EXPLAIN, without setting
//!    anything aside); the only differences allowed are the fields TEXT does not print at all,
//!    listed in `planlint::parse::text::NOT_IN_TEXT` (with the spec section that says so);
//! 2. **nothing lost**: every number printed in the TEXT appears in planlint's output for it.

mod support;

use std::collections::BTreeMap;

use planlint::parse::text::NOT_IN_TEXT;
use planlint::{Format, ParseOptions, Plan};
use serde_json::Value;
use support::{Entry, compare};

fn parse(text: &str, format: Format) -> Result<Vec<Plan>, planlint::Error> {
    planlint::parse_with(text, &ParseOptions::with_format(format))
}

/// TEXT captures (the log framings belong to the log reader's tests).
fn text_entries() -> Vec<Entry> {
    support::select(|e| {
        e.format == "text" && matches!(e.framing.as_str(), "raw" | "psql-aligned" | "psql-expanded")
    })
}

/// Buffer, I/O timing and WAL counters: the groups of `NOT_IN_TEXT` entries `buffers`,
/// `io_timings`, `wal`.
const GROUP_FIELDS: &[(&str, &[&str])] = &[
    (
        "buffers",
        &[
            "shared_hit_blocks",
            "shared_read_blocks",
            "shared_dirtied_blocks",
            "shared_written_blocks",
            "local_hit_blocks",
            "local_read_blocks",
            "local_dirtied_blocks",
            "local_written_blocks",
            "temp_read_blocks",
            "temp_written_blocks",
        ],
    ),
    (
        "io_timings",
        &[
            "io_read_time",
            "io_write_time",
            "shared_io_read_time",
            "shared_io_write_time",
            "local_io_read_time",
            "local_io_write_time",
            "temp_io_read_time",
            "temp_io_write_time",
        ],
    ),
    (
        "wal",
        &["wal_records", "wal_fpi", "wal_bytes", "wal_buffers_full"],
    ),
];

/// Estimates that differ between two captures of a data-modifying statement: each capture ran
/// the statement, so the next one planned against changed data. Not a TEXT limit — the corpus
/// captures are separate executions — and allowed only on plans with a ModifyTable node.
const CAPTURE_DRIFT: &[&str] = &["startup_cost", "total_cost", "plan_rows", "plan_width"];

/// One difference, parsed from a `compare::diff` line.
struct Diff {
    path: String,
    /// `Some(true)`: only on the JSON side; `Some(false)`: only on the TEXT side; `None`: both,
    /// different values.
    only_right: Option<bool>,
    text: String,
}

fn parse_diff(line: &str) -> Diff {
    let (path, rest) = line.split_once(": ").unwrap_or((line, ""));
    let only_right = if rest.starts_with("only on the right") {
        Some(true)
    } else if rest.starts_with("only on the left") {
        Some(false)
    } else {
        None
    };
    Diff {
        path: path.to_string(),
        only_right,
        text: line.to_string(),
    }
}

/// The field a path ends in (array indexes skipped).
fn field(path: &str) -> &str {
    path.rsplit('/')
        .find(|s| s.parse::<usize>().is_err())
        .unwrap_or("")
}

/// Which `NOT_IN_TEXT` entry (or the capture drift) allows a difference; `None` if none does.
fn allowed(d: &Diff, all: &[Diff], has_modify_table: bool) -> Option<&'static str> {
    let f = field(&d.path);
    let entry = |name: &str| {
        NOT_IN_TEXT
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.field)
    };
    let segments: Vec<&str> = d.path.split('/').collect();
    if segments.get(2) == Some(&"options") {
        // planlint's own summary of the options: TEXT tells fewer of them.
        return (d.only_right == Some(true)).then_some("options");
    }
    if d.only_right == Some(true) && segments.get(2) == Some(&"planning") {
        return entry("planning");
    }
    match d.only_right {
        Some(true) => {
            if let Some(e) = entry(f) {
                return Some(e);
            }
            for (group, fields) in GROUP_FIELDS {
                if fields.contains(&f) {
                    // An I/O time renamed between versions shows up on both sides.
                    if let Some(e) = renamed(d, all) {
                        return Some(e);
                    }
                    return entry(group);
                }
            }
            None
        }
        Some(false) => renamed(d, all),
        None => {
            if f == "parent_relationship" && d.text.ends_with("\"Outer\" != \"Member\"") {
                return entry("parent_relationship");
            }
            if has_modify_table && CAPTURE_DRIFT.contains(&f) {
                return Some("capture drift");
            }
            None
        }
    }
}

/// `io_read_time` on one side where the other has `shared_io_read_time` (same node).
fn renamed(d: &Diff, all: &[Diff]) -> Option<&'static str> {
    let f = field(&d.path);
    let parent = &d.path[..d.path.len() - f.len()];
    NOT_IN_TEXT.iter().find_map(|e| {
        let (old, new) = e.field.split_once("->")?;
        let other = match (f, d.only_right) {
            (x, Some(false)) if x == new => old,
            (x, Some(true)) if x == old => new,
            (x, Some(false)) if x == old => new,
            (x, Some(true)) if x == new => old,
            _ => return None,
        };
        let want = format!("{parent}{other}");
        all.iter()
            .any(|o| o.path == want && o.only_right.is_some() && o.only_right != d.only_right)
            .then_some(e.field)
    })
}

fn has_modify_table(v: &Value) -> bool {
    v.to_string().contains("\"node_type\":\"ModifyTable\"")
}

#[test]
fn text_equals_json_twin_once_measured_numbers_are_set_aside() {
    let mut compared = 0;
    let mut plain_pairs = 0;
    let mut failures = Vec::new();
    let mut used: BTreeMap<&str, usize> = BTreeMap::new();
    // The JSON twins, indexed once (`Entry::twin` reads the manifest on every call).
    let twins: BTreeMap<(u32, String, String), Entry> = support::manifest()
        .into_iter()
        .filter(|t| t.format == "json" && t.framing == "raw")
        .map(|t| ((t.major, t.query.clone(), t.variant.clone()), t))
        .collect();
    for e in text_entries() {
        let Some(twin) = twins.get(&(e.major, e.query.clone(), e.variant.clone())) else {
            continue;
        };
        let text_plans = match parse(&e.read(), Format::Text) {
            Ok(p) => p,
            Err(err) => {
                failures.push(format!("{}: {err}", e.path));
                continue;
            }
        };
        let json_plans =
            parse(&twin.read(), Format::Json).unwrap_or_else(|err| panic!("{}: {err}", twin.path));
        let analyzed = json_plans.iter().any(|p| p.options.analyze == Some(true));
        let mut a = serde_json::to_value(&text_plans).unwrap();
        let mut b = serde_json::to_value(&json_plans).unwrap();
        if analyzed {
            compare::strip_measured(&mut a);
            compare::strip_measured(&mut b);
        } else {
            // Plain EXPLAIN: the whole trees, numbers included.
            plain_pairs += 1;
        }
        compared += 1;
        let diffs: Vec<Diff> = compare::diff(&a, &b)
            .iter()
            .map(|l| parse_diff(l))
            .collect();
        let mt = has_modify_table(&b);
        for d in &diffs {
            match allowed(d, &diffs, mt) {
                Some(name) => *used.entry(name).or_default() += 1,
                None => failures.push(format!("{} vs {}: {}", e.path, twin.path, d.text)),
            }
        }
    }
    eprintln!(
        "compared {compared} TEXT captures with their JSON twins ({plain_pairs} plain EXPLAIN, whole trees); allowed differences by NOT_IN_TEXT entry: {used:?}"
    );
    assert!(compared > 0, "no TEXT capture with a JSON twin");
    assert!(
        failures.is_empty(),
        "{} differences not allowed by NOT_IN_TEXT:\n{}",
        failures.len(),
        failures
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_not_in_text_entry_names_a_field_and_a_spec_section() {
    for e in NOT_IN_TEXT {
        assert!(!e.field.is_empty() && !e.reason.is_empty(), "{e:?}");
        assert!(e.spec.starts_with('§'), "{e:?}: the spec section");
    }
}

/// Numbers as printed (`12`, `0.737`), sign ignored; `1.00` and `1` are the same number.
fn numbers(s: &str, out: &mut Vec<u64>) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if let Ok(v) = s[start..i].parse::<f64>() {
                out.push(v.to_bits());
            }
        } else {
            i += 1;
        }
    }
}

fn value_numbers(v: &Value, out: &mut Vec<u64>) {
    match v {
        Value::Number(n) => {
            if let Some(f) = n.as_f64() {
                out.push(f.abs().to_bits());
            }
        }
        Value::String(s) => numbers(s, out),
        Value::Array(a) => a.iter().for_each(|x| value_numbers(x, out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            // Keys of `extra` and of settings are the server's own text.
            numbers(k, out);
            value_numbers(x, out)
        }),
        _ => {}
    }
}

/// Lines psql adds around the rows (`(N rows)`, `-[ RECORD N ]`), whose numbers are not the plan's.
fn frame_line(line: &str) -> bool {
    let t = line.trim();
    (t.starts_with('(') && (t.ends_with(" rows)") || t.ends_with(" row)")))
        || t.contains("[ RECORD ")
}

#[test]
fn every_number_printed_in_text_is_in_the_output() {
    let mut files = 0;
    let mut checked = 0usize;
    let mut failures = Vec::new();
    for e in text_entries() {
        let text = e.read();
        let plans = match parse(&text, Format::Text) {
            Ok(p) => p,
            Err(err) => {
                failures.push(format!("{}: {err}", e.path));
                continue;
            }
        };
        let mut have = Vec::new();
        value_numbers(&serde_json::to_value(&plans).unwrap(), &mut have);
        have.sort_unstable();
        files += 1;
        for (no, line) in text.lines().enumerate() {
            if frame_line(line) {
                continue;
            }
            let mut want = Vec::new();
            numbers(line, &mut want);
            for n in want {
                checked += 1;
                if have.binary_search(&n).is_err() {
                    failures.push(format!(
                        "{}:{}: {} is not in the output ({})",
                        e.path,
                        no + 1,
                        f64::from_bits(n),
                        line.trim()
                    ));
                }
            }
        }
    }
    eprintln!("{files} TEXT captures, {checked} printed numbers, all found in the output");
    assert!(files > 0);
    assert!(
        failures.is_empty(),
        "{} numbers lost:\n{}",
        failures.len(),
        failures
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
