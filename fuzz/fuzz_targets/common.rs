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
