//! JSON input never panics, hangs or overflows the stack: mutated corpus plans give a plan or a
//! positioned error; nesting beyond the limits gives a clean error.

mod support;

use std::sync::OnceLock;

use planlint::{ErrorKind, ParseOptions};
use proptest::prelude::*;

fn corpus_json() -> &'static [Vec<u8>] {
    static FILES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        support::select(|e| e.format == "json" && e.framing == "raw")
            .iter()
            .map(|e| e.read().into_bytes())
            .collect()
    })
}

/// Applies one mutation: flip a byte, truncate, or swap two lines.
fn mutate(bytes: &mut Vec<u8>, kind: u8, at: prop::sample::Index, value: u8) {
    if bytes.is_empty() {
        return;
    }
    let i = at.index(bytes.len());
    match kind % 3 {
        0 => bytes[i] ^= value | 1,
        1 => bytes.truncate(i),
        _ => {
            let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
            let a = i % lines.len();
            let b = (i / 7 + value as usize) % lines.len();
            let mut lines: Vec<Vec<u8>> = lines.iter().map(|l| l.to_vec()).collect();
            lines.swap(a, b);
            *bytes = lines.join(&b'\n');
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn mutated_corpus_json_gives_a_plan_or_a_positioned_error(
        file in any::<prop::sample::Index>(),
        muts in prop::collection::vec((any::<u8>(), any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let files = corpus_json();
        let mut bytes = files[file.index(files.len())].clone();
        for (kind, at, value) in muts {
            mutate(&mut bytes, kind, at, value);
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Err(e) = planlint::parse_with(&text, &ParseOptions::with_format(planlint::Format::Json)) {
            prop_assert!(e.line >= 1 && e.column >= 1, "{e:?}");
            prop_assert!(e.offset <= text.len(), "{e:?}");
            prop_assert!(!e.message.is_empty());
        }
    }
}

// The inputs below are hand-made: each tests one limit of the JSON reader, not a plan.

#[test]
fn plan_nesting_beyond_the_limit_is_a_clean_error() {
    let depth = 200_000;
    let mut s = String::from(r#"[{"Plan": "#);
    for _ in 0..depth {
        s.push_str(r#"{"Node Type": "Limit", "Plans": ["#);
    }
    s.push_str(r#"{"Node Type": "Result"}"#);
    for _ in 0..depth {
        s.push_str("]}");
    }
    s.push_str("}]");
    let e = planlint::parse(&s).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep);
    assert_eq!(e.line, 1);
    assert!(e.message.contains("1000 levels"), "{}", e.message);
}

#[test]
fn plan_nesting_within_a_raised_limit_parses() {
    let depth = 5_000;
    let mut s = String::from(r#"[{"Plan": "#);
    for _ in 0..depth {
        s.push_str(r#"{"Node Type": "Limit", "Plans": ["#);
    }
    s.push_str(r#"{"Node Type": "Result"}"#);
    for _ in 0..depth {
        s.push_str("]}");
    }
    s.push_str("}]");
    let mut options = ParseOptions::default();
    options.max_depth = 10_000;
    let plans = planlint::parse_with(&s, &options).unwrap();
    assert_eq!(plans[0].nodes.len(), depth + 1);
    assert_eq!(plans[0].depth(depth), depth);
}

#[test]
fn deep_unknown_property_is_a_clean_error() {
    let depth = 200_000;
    let s = format!(
        r#"[{{"Plan": {{"Node Type": "Result", "Custom": {}{}}}}}]"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let e = planlint::parse(&s).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep);
}

#[test]
fn truncated_json_says_it_is_cut_off_and_where() {
    let s = "[\n  {\n    \"Plan\": {\n      \"Node Type\": \"Seq Scan\",\n      \"Plan Rows\": 12";
    let e = planlint::parse(s).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert_eq!((e.line, e.column), (5, 22)); // just after "12", where the input stops
    assert!(
        e.message
            .contains("cut off: 3 objects or arrays still open"),
        "{}",
        e.message
    );
}

#[test]
fn a_wrong_value_type_names_the_key_and_position() {
    let s = "[{\"Plan\": {\"Node Type\": \"Seq Scan\",\n \"Plan Rows\": \"many\"}}]";
    let e = planlint::parse(s).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert_eq!((e.line, e.column), (2, 15));
    assert_eq!(
        e.message,
        "\"Plan Rows\": expected a number, found \"many\""
    );
}

#[test]
fn empty_and_binary_input() {
    assert_eq!(planlint::parse("").unwrap_err().kind, ErrorKind::Empty);
    assert_eq!(
        planlint::parse(" \n\t\n").unwrap_err().kind,
        ErrorKind::Empty
    );
    let e = planlint::parse_bytes(&[0, 159, 146, 150, 0, 1, 2], &ParseOptions::default());
    assert!(e.is_err());
}
