//! The renderer on every plan of the corpus (real output of PostgreSQL 13–18):
//!
//! 1. render_text(parse(server TEXT)) is the server's TEXT, line for line;
//! 2. render_json(parse(server JSON)) is the server's JSON, byte for byte (whitespace included);
//! 3. parse(render(plan)) == plan for both targets, for plans read from every format and framing.
//!
//! The one documented exception to 1 (see `without_rounded_times`): a TEXT `I/O Timings` item printed as
//! `=0.000` (a time under 0.5 µs, which the server prints because it is not zero) holds the
//! value 0 in the model, which is also what the server prints when the time is zero — then it
//! prints nothing. The renderer prints nothing.

mod support;

use planlint::{Format, ParseOptions, Plan};
use support::Entry;

fn parse(text: &str, format: Format) -> Vec<Plan> {
    let mut o = ParseOptions::with_format(format);
    o.max_depth = 10_000;
    planlint::parse_with(text, &o).unwrap_or_else(|e| panic!("{e}"))
}

/// The `I/O Timings` line the model lets the renderer print for a server line whose items
/// printed as `=0.000`: the line without those items (and without a scope left empty), or no
/// line at all; `None` when the server line is not such a line.
fn without_rounded_times(server: &str) -> Option<Option<String>> {
    let t = server.trim_start();
    let items = t.strip_prefix("I/O Timings: ")?;
    if !items.contains("=0.000") {
        return None;
    }
    let groups: Vec<String> = items
        .split(", ")
        .filter_map(|g| {
            let words: Vec<&str> = g.split(' ').filter(|w| !w.ends_with("=0.000")).collect();
            words
                .iter()
                .any(|w| w.contains('='))
                .then(|| words.join(" "))
        })
        .collect();
    let indent = &server[..server.len() - t.len()];
    Some((!groups.is_empty()).then(|| format!("{indent}I/O Timings: {}", groups.join(", "))))
}

#[test]
fn text_renders_back_line_for_line() {
    let entries = support::select(|e| e.format == "text" && e.framing == "raw");
    let (mut exact, mut excepted) = (0, Vec::new());
    for e in &entries {
        let server = e.read();
        let rendered = planlint::render_text_plans(&parse(&server, Format::Text));
        let s: Vec<&str> = server.lines().collect();
        let r: Vec<&str> = rendered.lines().collect();
        if s == r {
            exact += 1;
            continue;
        }
        // Walk both; only `rounded_away` server lines may differ.
        let (mut i, mut j) = (0, 0);
        while i < s.len() || j < r.len() {
            if s.get(i) == r.get(j) {
                i += 1;
                j += 1;
                continue;
            }
            let Some(line) = s.get(i) else {
                panic!("{}: extra rendered line {:?}", e.path, r[j]);
            };
            match without_rounded_times(line) {
                Some(Some(expected)) if r.get(j) == Some(&expected.as_str()) => j += 1,
                Some(None) => {}
                _ => panic!(
                    "{}: line {}\n  server:   {:?}\n  rendered: {:?}",
                    e.path,
                    i + 1,
                    line,
                    r.get(j)
                ),
            }
            i += 1;
        }
        excepted.push(e.path.clone());
    }
    eprintln!(
        "{exact} of {} TEXT plans render back line for line; {} only with I/O times printed as 0.000: {excepted:?}",
        entries.len(),
        excepted.len()
    );
    assert!(excepted.len() * 100 < entries.len(), "{excepted:?}");
}

#[test]
fn json_renders_back_byte_for_byte() {
    let entries = support::select(|e| e.format == "json" && e.framing == "raw");
    for e in &entries {
        let server = e.read();
        let rendered = planlint::render_json_plans(&parse(&server, Format::Json));
        assert_eq!(
            server.trim_end(),
            rendered.trim_end(),
            "{}: the rendered JSON differs",
            e.path
        );
    }
    eprintln!("{} JSON plans render back byte for byte", entries.len());
}

/// The plans without the EXPLAIN options, which TEXT and JSON let planlint infer differently.
fn without_options(plans: &[Plan]) -> Vec<serde_json::Value> {
    plans
        .iter()
        .map(|p| {
            let mut v = p.to_value();
            v.as_object_mut().map(|o| o.remove("options"));
            v
        })
        .collect()
}

/// Every TEXT, JSON, YAML and XML capture (raw, psql-framed), parsed.
fn parsed() -> Vec<(Entry, Format, Vec<Plan>)> {
    support::select(|e| {
        matches!(e.format.as_str(), "text" | "json" | "yaml" | "xml")
            && !e.framing.starts_with("log")
    })
    .into_iter()
    .map(|e| {
        let f = Format::from_name(&e.format).unwrap();
        let plans = parse(&e.read(), f);
        (e, f, plans)
    })
    .collect()
}

#[test]
fn rendered_plans_parse_back_to_the_same_tree() {
    let mut count = std::collections::BTreeMap::new();
    for (e, format, plans) in parsed() {
        // To JSON: the same plans, whatever they were read from (YAML and XML hold the same
        // tree as JSON).
        let json = planlint::render_json_plans(&plans);
        let back = parse(&json, Format::Json);
        if format != Format::Text {
            assert!(back == plans, "{}: {format:?} → JSON round trip", e.path);
        } else {
            assert_eq!(
                without_options(&back),
                without_options(&plans),
                "{}: TEXT → JSON round trip",
                e.path
            );
        }
        // To TEXT: the same plans when they were read from TEXT; from the others, the same tree.
        let text = planlint::render_text_plans(&plans);
        let back = parse(&text, Format::Text);
        if format == Format::Text {
            assert!(back == plans, "{}: TEXT round trip", e.path);
        } else {
            assert_eq!(back.len(), plans.len(), "{}", e.path);
            for (b, p) in back.iter().zip(&plans) {
                let shape = |p: &Plan| -> Vec<(String, Option<usize>)> {
                    p.nodes
                        .iter()
                        .map(|n| (planlint::parse::text::text_node_name(n), n.parent))
                        .collect()
                };
                assert_eq!(shape(b), shape(p), "{}: JSON → TEXT tree", e.path);
            }
        }
        *count.entry(format.as_str()).or_insert(0) += 1;
    }
    eprintln!("corpus files that round-trip through both renderers: {count:?}");
    assert!(count.len() == 4, "{count:?}");
}
