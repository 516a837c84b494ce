//! Shared by the targets: what every parse must satisfy, whatever the input.

use planlint::{Error, ParseOptions, Plan};

/// Parses `data` with `options` and checks the invariants of the answer: a result, or an error
/// positioned inside the input (1-based line and column, offset within the input).
pub fn check(data: &[u8], options: &ParseOptions) -> Option<Vec<Plan>> {
    let text = String::from_utf8_lossy(data);
    match planlint::parse_with(&text, options) {
        Ok(plans) => {
            for plan in &plans {
                check_tree(plan);
            }
            Some(plans)
        }
        Err(e) => {
            check_error(&text, &e);
            None
        }
    }
}

/// An error names a place in the input and says something.
pub fn check_error(text: &str, e: &Error) {
    assert!(e.line >= 1 && e.column >= 1, "unpositioned error: {e:?}");
    assert!(e.offset <= text.len(), "offset past the input: {e:?}");
    assert!(!e.message.is_empty(), "empty message: {e:?}");
    let (line, column) = planlint::error::line_column(text, e.offset);
    assert_eq!((line, column), (e.line, e.column), "line/column disagree with offset: {e:?}");
}

/// The arena is a tree in pre-order: parents before children, ids are indexes.
pub fn check_tree(plan: &Plan) {
    for (i, n) in plan.nodes.iter().enumerate() {
        assert_eq!(n.id, i);
        match n.parent {
            None => assert_eq!(i, 0, "a second root"),
            Some(p) => {
                assert!(p < i, "parent after child");
                assert!(plan.nodes[p].children.contains(&i));
            }
        }
        for &c in &n.children {
            assert!(c > i && c < plan.nodes.len());
            assert_eq!(plan.nodes[c].parent, Some(i));
        }
    }
    // The canonical JSON always serializes.
    let _ = plan.to_json();
}

/// Rendering what was parsed: to JSON, which reads back to the same plans (the EXPLAIN options
/// aside, which are inferred differently from TEXT and from JSON); to TEXT, which reads back to
/// as many plans with as many nodes.
pub fn check_render(plans: &[Plan]) {
    use planlint::{Format, ParseOptions};
    let json = planlint::render_json_plans(plans);
    let mut options = ParseOptions::with_format(Format::Json);
    options.max_depth = usize::MAX;
    let back = planlint::parse_with(&json, &options)
        .unwrap_or_else(|e| panic!("rendered JSON does not parse: {e}\n{json}"));
    let strip = |ps: &[Plan]| -> Vec<serde_json::Value> {
        ps.iter()
            .map(|p| {
                let mut v = p.to_value();
                if let Some(o) = v.as_object_mut() {
                    // Inferred from what is printed, not printed.
                    o.remove("options");
                    // A log entry's statement duration is the log's, not EXPLAIN's: no format
                    // of the plan itself carries it.
                    o.remove("duration");
                }
                v
            })
            .collect()
    };
    assert_eq!(strip(plans), strip(&back), "JSON round trip\n{json}");
    let text = planlint::render_text_plans(plans);
    let mut options = ParseOptions::with_format(Format::Text);
    options.max_depth = usize::MAX;
    match planlint::parse_with(&text, &options) {
        Ok(back) => {
            let with_nodes = |ps: &[Plan]| ps.iter().filter(|p| !p.nodes.is_empty()).count();
            assert_eq!(with_nodes(plans), with_nodes(&back), "TEXT plans\n{text}");
        }
        Err(e) => panic!("rendered TEXT does not parse: {e}\n{text}"),
    }
}
