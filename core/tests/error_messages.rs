//! Error quality: malformed inputs and the exact message a user sees (the `Display` of the
//! error, which the CLI prints after the file name). Each says what is wrong, where (line and
//! column), and, when it can, what would fix it.
//!
//! The inputs are small and hand-made on purpose: each one is one way of breaking a plan (cut
//! off, a broken cost block, garbage…), not a plan from a server.

use planlint::{ErrorKind, Format, ParseOptions};

/// A malformed input, the format it is read as (`None`: detected), and what the user sees.
struct Case {
    what: &'static str,
    input: &'static [u8],
    format: Option<Format>,
    kind: ErrorKind,
    message: &'static str,
}

const CASES: &[Case] = &[
    Case {
        what: "empty input",
        input: b"",
        format: None,
        kind: ErrorKind::Empty,
        message: "line 1, column 1: the input is empty: paste the output of EXPLAIN (in any format)",
    },
    Case {
        what: "only blanks",
        input: b" \n\t\n",
        format: None,
        kind: ErrorKind::Empty,
        message: "line 1, column 1: the input is empty: paste the output of EXPLAIN (in any format)",
    },
    Case {
        what: "not a plan",
        input: b"hello world\nthis is not a plan\n",
        format: None,
        kind: ErrorKind::UnknownFormat,
        message: "line 1, column 1: could not tell the format: looked for a JSON plan (\"Node Type\"), a YAML plan (`Node Type: `), an XML plan (<Node-Type>), a TEXT node line (`Seq Scan on t  (cost=…)`) and auto_explain log entries (`duration: N ms  plan:`); pass the format explicitly if this is a plan",
    },
    Case {
        what: "binary garbage (a PNG header)",
        input: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        format: None,
        kind: ErrorKind::UnknownFormat,
        message: "line 1, column 1: the input is binary, not text (a control character or an invalid UTF-8 byte): EXPLAIN prints text; paste or pipe what it printed",
    },
    Case {
        what: "truncated JSON",
        input: br#"[{"Plan": {"Node Type": "Seq Scan", "Total Cost": 1.0"#,
        format: None,
        kind: ErrorKind::Syntax,
        message: "line 1, column 54: unexpected end of the input (the document is cut off: 3 objects or arrays still open)",
    },
    Case {
        what: "a JSON value of the wrong type",
        input: br#"[{"Plan": {"Node Type": "Seq Scan", "Total Cost": "abc"}}]"#,
        format: None,
        kind: ErrorKind::Invalid,
        message: "line 1, column 51: \"Total Cost\": expected a number, found \"abc\"",
    },
    Case {
        what: "a node line with a broken cost block",
        input: b"Seq Scan on t  (cost=0.00..abc rows=1 width=4)\n",
        format: None,
        kind: ErrorKind::Syntax,
        message: "line 1, column 28: broken cost block: expected the total cost (a number) after '..'",
    },
    Case {
        what: "a node line whose cost block is cut off",
        input: b"Seq Scan on t  (cost=0.00..1.00 rows=1 width=4\n",
        format: None,
        kind: ErrorKind::Syntax,
        message: "line 1, column 16: a node line whose cost or actual block is cut off: expected ')' closing the block",
    },
    Case {
        what: "TEXT read as JSON",
        input: b"Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)\n",
        format: Some(Format::Json),
        kind: ErrorKind::Syntax,
        message: "line 1, column 1: no JSON plan found: expected '[' or '{' starting the EXPLAIN (FORMAT JSON) output",
    },
    Case {
        what: "truncated XML",
        input: b"<explain xmlns=\"http://www.postgresql.org/2009/explain\">\n  <Query>\n    <Plan>\n      <Node-Type>Seq Scan</Node-Type>\n",
        format: None,
        kind: ErrorKind::Syntax,
        message: "line 5, column 1: unexpected end of the input: expected the closing tag of <Plan> (the document is cut off: 3 elements still open)",
    },
    Case {
        what: "bad YAML (a list where a number belongs)",
        input: b"- Plan: \n    Node Type: \"Seq Scan\"\n    Total Cost: [1\n",
        format: None,
        kind: ErrorKind::Invalid,
        message: "line 3, column 17: \"Total Cost\": expected a single value, found a list",
    },
];

#[test]
fn malformed_inputs_get_exact_positioned_messages() {
    let mut wrong = Vec::new();
    for case in CASES {
        let options = match case.format {
            Some(f) => ParseOptions::with_format(f),
            None => ParseOptions::default(),
        };
        match planlint::parse_bytes(case.input, &options) {
            Ok(plans) => wrong.push(format!(
                "{}: parsed into {} plan(s)",
                case.what,
                plans.len()
            )),
            Err(e) => {
                let shown = e.to_string();
                if shown != case.message || e.kind != case.kind {
                    wrong.push(format!(
                        "{}:\n  want {:?} {}\n  got  {:?} {shown}",
                        case.what, case.kind, case.message, e.kind
                    ));
                }
                // Where: the position agrees with the offset.
                let text = String::from_utf8_lossy(case.input);
                assert_eq!(
                    planlint::error::line_column(&text, e.offset),
                    (e.line, e.column),
                    "{}",
                    case.what
                );
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Mixed indentation is not an error: a tab counts 4 columns (what most editors show), and a
/// node line's `->` column decides its parent. This is the tree a user sees for it.
#[test]
fn mixed_indentation_reads_with_tabs_as_four_columns() {
    // Hand-made: the Hash line indented with a tab and spaces (6 columns), under the Seq Scan
    // line's arrow (column 3): it is a child of the Seq Scan, as it would look in an editor.
    let text = "Hash Join  (cost=1.00..2.00 rows=1 width=4)\n  ->  Seq Scan on a  (cost=0.00..1.00 rows=1 width=4)\n\t  ->  Hash  (cost=1.00..1.00 rows=1 width=4)\n";
    let plans = planlint::parse(text).unwrap();
    let nodes = &plans[0].nodes;
    assert_eq!(nodes.len(), 3);
    assert_eq!(nodes[2].parent, Some(1));
}
