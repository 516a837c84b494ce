//! Limits: deep nesting, huge lines, binary garbage, NUL bytes and invalid UTF-8 are answered
//! with a plan or a clean, positioned error — never a panic, a hang or a stack overflow.
//!
//! Every input here is hand-made on purpose: each one tests one limit of the readers, not a
//! plan (the corpus holds no pathological plans). No test asserts wall-clock times; each prints
//! its time (`cargo test --release --test limits -- --nocapture`) for the record.

use std::time::Instant;

use planlint::{Error, ErrorKind, Format, ParseOptions, Plan};

fn opts(format: Option<Format>) -> ParseOptions {
    match format {
        Some(f) => ParseOptions::with_format(f),
        None => ParseOptions::default(),
    }
}

/// Parses and prints how long it took.
fn timed(what: &str, input: &str, options: &ParseOptions) -> Result<Vec<Plan>, Error> {
    let start = Instant::now();
    let r = planlint::parse_with(input, options);
    eprintln!(
        "{what}: {} bytes in {:?} -> {}",
        input.len(),
        start.elapsed(),
        match &r {
            Ok(p) => format!("{} plan(s)", p.len()),
            Err(e) => format!("{} at {}:{}", e.kind.as_str(), e.line, e.column),
        }
    );
    r
}

/// An error whose line, column and offset agree with each other and lie inside `input`.
fn assert_positioned(input: &str, e: &Error) {
    assert!(e.offset <= input.len(), "{e:?}");
    assert_eq!(
        planlint::error::line_column(input, e.offset),
        (e.line, e.column),
        "{e:?}"
    );
    assert!(!e.message.is_empty());
}

/// JSON: a chain of `depth` nodes below the root.
fn json_chain(depth: usize) -> String {
    let mut s = String::with_capacity(depth * 40);
    s.push_str(r#"[{"Plan": "#);
    for _ in 0..depth {
        s.push_str(r#"{"Node Type": "Limit", "Plans": ["#);
    }
    s.push_str(r#"{"Node Type": "Result"}"#);
    for _ in 0..depth {
        s.push_str("]}");
    }
    s.push_str("}]");
    s
}

/// TEXT: a chain of `depth` nodes, each child `step` columns right of its parent's arrow.
fn text_chain(depth: usize, step: usize) -> String {
    let mut s = String::from("Limit  (cost=0.00..1.00 rows=1 width=4)\n");
    let mut col = 2;
    for _ in 0..depth {
        s.extend(std::iter::repeat_n(' ', col));
        s.push_str("->  Limit  (cost=0.00..1.00 rows=1 width=4)\n");
        col += step;
    }
    s
}

fn unlimited_depth() -> ParseOptions {
    let mut o = ParseOptions::default();
    o.max_depth = usize::MAX;
    o
}

#[test]
fn json_brackets_200_000_deep_are_a_clean_error() {
    let depth = 200_000;
    let bare = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // Read as JSON (detected or told), the innermost `[]` is taken for the document (junk
    // before a document is skipped): the server's answer for a statement that rewrites to
    // nothing, no plan.
    for format in [None, Some(Format::Json)] {
        let plans = timed("200k bare brackets", &bare, &opts(format)).unwrap();
        assert!(plans.is_empty());
    }
    // Inside a property the model does not know: kept as raw JSON up to 64 levels.
    let inside = format!(
        r#"[{{"Plan": {{"Node Type": "Result", "Custom": {}{}}}}}]"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let e = timed("200k brackets in a property", &inside, &opts(None)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep, "{e}");
    assert_positioned(&inside, &e);
    let objects = format!(
        r#"[{{"Plan": {{"Node Type": "Result", "Custom": {}1{}}}}}]"#,
        r#"{"a": "#.repeat(depth),
        "}".repeat(depth)
    );
    let e = timed("200k objects in a property", &objects, &opts(None)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep, "{e}");
}

/// YAML: a chain of `depth` nodes below the root, each `Plans:` list indented 4 more.
fn yaml_chain(depth: usize) -> String {
    let mut s = String::from("- Plan: \n    Node Type: \"Limit\"\n");
    for level in 1..=depth {
        s.extend(std::iter::repeat_n(' ', 4 * level));
        s.push_str("Plans: \n");
        s.extend(std::iter::repeat_n(' ', 4 * level + 2));
        s.push_str("- Node Type: \"Limit\"\n");
    }
    s
}

/// XML: a chain of `depth` nodes below the root, unindented.
fn xml_chain(depth: usize) -> String {
    let mut s = String::from(
        r#"<explain xmlns="http://www.postgresql.org/2009/explain"><Query><Plan><Node-Type>Limit</Node-Type>"#,
    );
    for _ in 0..depth {
        s.push_str("<Plans><Plan><Node-Type>Limit</Node-Type>");
    }
    for _ in 0..depth {
        s.push_str("</Plan></Plans>");
    }
    s.push_str("</Plan></Query></explain>");
    s
}

#[test]
fn yaml_and_xml_plans_deep() {
    // XML: 200,000 nodes deep, and 200,000 nested elements the model does not know.
    let xml = xml_chain(200_000);
    let e = timed("200k XML nodes, default limit", &xml, &opts(None)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep, "{e}");
    assert_positioned(&xml, &e);
    match timed("200k XML nodes, no limit", &xml, &unlimited_depth()) {
        Ok(plans) => assert_eq!(plans[0].nodes.len(), 200_001),
        Err(e) => assert_positioned(&xml, &e),
    }
    let tags = format!(
        r#"<explain xmlns="http://www.postgresql.org/2009/explain"><Query><Plan><Node-Type>Result</Node-Type><Custom>{}1{}</Custom></Plan></Query></explain>"#,
        "<a>".repeat(200_000),
        "</a>".repeat(200_000)
    );
    let e = timed("200k XML elements in a property", &tags, &opts(None)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep, "{e}");
    assert_positioned(&tags, &e);
    // YAML: 2,000 nodes deep (each level indented 4 more: 16 MB of indentation).
    let yaml = yaml_chain(2_000);
    let e = timed("2k YAML nodes, default limit", &yaml, &opts(None)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep, "{e}");
    assert_positioned(&yaml, &e);
    match timed("2k YAML nodes, no limit", &yaml, &unlimited_depth()) {
        Ok(plans) => assert_eq!(plans[0].nodes.len(), 2_001),
        Err(e) => assert_positioned(&yaml, &e),
    }
}

#[test]
fn json_plan_200_000_nodes_deep() {
    let depth = 200_000;
    let s = json_chain(depth);
    let e = timed("200k JSON nodes, default limit", &s, &opts(None)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep);
    assert_eq!(
        e.message,
        "the plan nests deeper than 1000 levels; raise the limit if the plan is real (ParseOptions::max_depth, planlint --max-depth)"
    );
    assert_positioned(&s, &e);
    // Without a limit, the tree is built on the heap: a result, not a stack overflow.
    let plans = timed("200k JSON nodes, no limit", &s, &unlimited_depth()).unwrap();
    assert_eq!(plans[0].nodes.len(), depth + 1);
    assert_eq!(plans[0].depth(depth), depth);
    // Dropping it is not recursive either (the nodes live in one Vec).
    drop(plans);
}

#[test]
fn text_plan_thousands_of_indentation_levels() {
    // 200,000 levels of TEXT indentation need 10^10 bytes or more (each level is one column
    // further right): past any input limit. Thousands of levels, though, must work.
    for (depth, step) in [(5_000, 1), (3_000, 6)] {
        let s = text_chain(depth, step);
        let what = format!("TEXT {depth} levels, {step}-column steps");
        let e = timed(&what, &s, &opts(None)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooDeep);
        assert_eq!(e.line, 1_001, "{e}"); // the root is level 1, on line 1
        assert_positioned(&s, &e);
        let plans = timed(&what, &s, &unlimited_depth()).unwrap();
        assert_eq!(plans[0].nodes.len(), depth + 1);
        assert_eq!(plans[0].depth(depth), depth);
    }
    // Tabs count 4 columns: 20,000 levels in 200 MB of tabs would pass; 4,000 here.
    let mut s = String::from("Limit  (cost=0.00..1.00 rows=1 width=4)\n");
    for d in 1..=4_000 {
        s.extend(std::iter::repeat_n('\t', d));
        s.push_str("->  Limit  (cost=0.00..1.00 rows=1 width=4)\n");
    }
    let plans = timed("TEXT 4000 levels of tabs", &s, &unlimited_depth()).unwrap();
    assert_eq!(plans[0].nodes.len(), 4_001);
}

#[test]
fn text_200_000_nodes_wide_and_200_000_lines_of_one_value() {
    // Width instead of depth: one Append with 200,000 members.
    let mut s = String::from("Append  (cost=0.00..1.00 rows=1 width=4)\n");
    for _ in 0..200_000 {
        s.push_str("  ->  Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)\n");
    }
    let plans = timed("TEXT 200k siblings", &s, &opts(None)).unwrap();
    assert_eq!(plans[0].nodes.len(), 200_001);
    // One string constant continued over 200,000 lines (§5.1).
    let mut s =
        String::from("Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)\n  Filter: (a = 'x\n");
    for _ in 0..200_000 {
        s.push_str("y\n");
    }
    s.push_str("'::text)\n");
    let plans = timed("TEXT 200k-line value", &s, &opts(None)).unwrap();
    assert_eq!(
        plans[0].nodes[0].filter.as_deref().unwrap().lines().count(),
        200_002
    );
}

#[test]
fn json_200_000_nodes_wide() {
    let mut s = String::from(r#"[{"Plan": {"Node Type": "Append", "Plans": ["#);
    for i in 0..200_000 {
        if i > 0 {
            s.push(',');
        }
        s.push_str(r#"{"Node Type": "Seq Scan", "Relation Name": "t"}"#);
    }
    s.push_str("]}}]");
    let plans = timed("JSON 200k siblings", &s, &opts(None)).unwrap();
    assert_eq!(plans[0].nodes.len(), 200_001);
}

/// 50 MB lines: in a value, as a node name, as junk, in every format reader.
#[test]
fn a_50_mb_line() {
    let big = "a".repeat(50 << 20);
    let cases: Vec<(&str, String, Option<Format>)> = vec![
        (
            "TEXT 50 MB filter",
            format!("Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)\n  Filter: ({big} = 1)\n"),
            None,
        ),
        (
            "TEXT 50 MB relation name",
            format!("Seq Scan on {big}  (cost=0.00..1.00 rows=1 width=4)\n"),
            None,
        ),
        ("50 MB of one letter", big.clone(), None),
        (
            "50 MB of one letter as TEXT",
            big.clone(),
            Some(Format::Text),
        ),
        (
            "50 MB of one letter as JSON",
            big.clone(),
            Some(Format::Json),
        ),
        (
            "JSON 50 MB string",
            format!(r#"[{{"Plan": {{"Node Type": "Seq Scan", "Filter": "{big}"}}}}]"#),
            None,
        ),
        (
            "JSON 50 MB unterminated string",
            format!(r#"[{{"Plan": {{"Node Type": "Seq Scan", "Filter": "{big}"#),
            None,
        ),
        (
            "JSON 50 MB number",
            format!(
                r#"[{{"Plan": {{"Node Type": "Seq Scan", "Plan Rows": 1{}}}}}]"#,
                "0".repeat(50 << 20)
            ),
            None,
        ),
        (
            "TEXT 50 MB of spaces then a node",
            format!(
                "{}Result  (cost=0.00..0.01 rows=1 width=4)\n",
                " ".repeat(50 << 20)
            ),
            None,
        ),
        ("50 MB of '(' ", "(".repeat(50 << 20), Some(Format::Text)),
        (
            "50 MB of '->  '",
            "->  ".repeat(12 << 20),
            Some(Format::Text),
        ),
        ("50 MB of ': '", ": ".repeat(25 << 20), Some(Format::Text)),
        ("50 MB of '\"'", "\"".repeat(50 << 20), Some(Format::Json)),
        (
            "50 MB of one letter as YAML",
            big.clone(),
            Some(Format::Yaml),
        ),
        ("50 MB of one letter as XML", big.clone(), Some(Format::Xml)),
        (
            "50 MB of one letter as a log",
            big.clone(),
            Some(Format::Log),
        ),
        (
            "50 MB of '<' as XML",
            "<".repeat(50 << 20),
            Some(Format::Xml),
        ),
        (
            "50 MB of '- ' as YAML",
            "- ".repeat(25 << 20),
            Some(Format::Yaml),
        ),
        ("50 MB of '['", "[".repeat(50 << 20), None),
        ("50 MB of '{\"'", "{\"".repeat(25 << 20), None),
    ];
    for (what, input, format) in cases {
        match timed(what, &input, &opts(format)) {
            Ok(plans) => assert!(!plans.is_empty()),
            Err(e) => assert_positioned(&input, &e),
        }
    }
}

/// A deterministic byte generator (xorshift), for garbage that is the same on every run.
fn garbage(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

#[test]
fn binary_garbage_nul_bytes_and_invalid_utf8() {
    let mut inputs: Vec<(&str, Vec<u8>)> = vec![
        ("4 MB of random bytes", garbage(4 << 20, 0x9E3779B97F4A7C15)),
        ("4 MB of NUL", vec![0; 4 << 20]),
        ("4 MB of 0xFF", vec![0xFF; 4 << 20]),
        ("4 MB of lone continuation bytes", vec![0x80; 4 << 20]),
        ("4 MB of newlines", vec![b'\n'; 4 << 20]),
        ("4 MB of CR", vec![b'\r'; 4 << 20]),
    ];
    // A real-looking plan with NULs and invalid UTF-8 in the middle.
    let mut plan = b"Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)\n  Filter: (a = '".to_vec();
    plan.extend_from_slice(&[0, 0xC3, 0x28, 0xFF, 0, 0xE2, 0x82]);
    plan.extend_from_slice(b"'::text)\n");
    inputs.push(("TEXT plan with NUL and invalid UTF-8", plan));
    let mut json = br#"[{"Plan": {"Node Type": "Seq Scan", "Filter": ""#.to_vec();
    json.extend_from_slice(&[0, 0xC3, 0x28, 0xFF]);
    json.extend_from_slice(br#""}}]"#);
    inputs.push(("JSON plan with NUL and invalid UTF-8", json));
    for (what, bytes) in &inputs {
        let formats = [
            Format::Text,
            Format::Json,
            Format::Yaml,
            Format::Xml,
            Format::Log,
        ];
        for format in std::iter::once(None).chain(formats.map(Some)) {
            let start = Instant::now();
            let r = planlint::parse_bytes(bytes, &opts(format));
            eprintln!(
                "{what} ({format:?}): {} bytes in {:?} -> {}",
                bytes.len(),
                start.elapsed(),
                r.as_ref().map_or_else(
                    |e| e.kind.as_str().to_string(),
                    |p| format!("{} plan(s)", p.len())
                )
            );
            match r {
                // An empty YAML document is the server's `Query rewrites to nothing`.
                Ok(plans) => assert!(
                    !plans.is_empty() || bytes.iter().all(u8::is_ascii_whitespace),
                    "{what}"
                ),
                Err(e) => assert_positioned(&String::from_utf8_lossy(bytes), &e),
            }
        }
    }
    // The two plans parse, the odd bytes kept as U+FFFD.
    for (what, bytes) in &inputs[inputs.len() - 2..] {
        let plans = planlint::parse_bytes(bytes, &ParseOptions::default()).expect(what);
        let filter = plans[0].nodes[0].filter.as_deref().unwrap();
        assert!(
            filter.contains('\u{FFFD}') && filter.contains('\0'),
            "{what}: {filter:?}"
        );
    }
}

#[test]
fn input_size_limit_is_configurable() {
    let s = json_chain(3);
    let mut o = ParseOptions::default();
    o.max_input_bytes = 100;
    let e = planlint::parse_with(&s, &o).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge);
    assert_eq!(
        e.message,
        format!(
            "the input is {} bytes, more than the limit of 100 bytes; raise the limit if the input is real (ParseOptions::max_input_bytes, planlint --max-input-bytes)",
            s.len()
        )
    );
    assert_positioned(&s, &e);
    o.max_input_bytes = s.len();
    assert!(planlint::parse_with(&s, &o).is_ok());
    assert_eq!(ParseOptions::default().max_input_bytes, 256 << 20);
    assert_eq!(ParseOptions::default().max_depth, 1_000);
}

#[test]
fn depth_limit_is_configurable_and_exact() {
    // `max_depth` counts levels of plan nodes: the root alone is 1 level.
    for (format, input) in [
        (Format::Json, json_chain(9)),
        (Format::Text, text_chain(9, 6)),
    ] {
        let mut o = ParseOptions::with_format(format);
        o.max_depth = 10;
        let plans = planlint::parse_with(&input, &o).unwrap();
        assert_eq!(plans[0].nodes.len(), 10);
        o.max_depth = 9;
        let e = planlint::parse_with(&input, &o).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooDeep, "{format}");
        assert!(e.message.contains("deeper than 9 levels"), "{e}");
    }
}
