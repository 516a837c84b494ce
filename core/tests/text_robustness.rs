//! TEXT input never panics, hangs or overflows the stack: mutated corpus plans (byte flips,
//! truncation, line swaps, as typed or as framed by psql) give plans or a positioned error;
//! broken node lines are errors at the right line and column; nesting beyond the limit is a
//! clean error.

mod support;

use std::sync::OnceLock;

use planlint::{ErrorKind, Format, ParseOptions};
use proptest::prelude::*;

fn corpus_text() -> &'static [Vec<u8>] {
    static FILES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        support::select(|e| e.format == "text" && e.framing != "log-csv" && e.framing != "log-json")
            .iter()
            .map(|e| e.read().into_bytes())
            .collect()
    })
}

/// Applies one mutation: flip a byte, truncate, swap two lines, or duplicate a line.
fn mutate(bytes: &mut Vec<u8>, kind: u8, at: prop::sample::Index, value: u8) {
    if bytes.is_empty() {
        return;
    }
    let i = at.index(bytes.len());
    match kind % 4 {
        0 => bytes[i] ^= value | 1,
        1 => bytes.truncate(i),
        k => {
            let mut lines: Vec<Vec<u8>> =
                bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
            let a = i % lines.len();
            let b = (i / 7 + value as usize) % lines.len();
            if k == 2 {
                lines.swap(a, b);
            } else {
                let l = lines[a].clone();
                lines.insert(b, l);
            }
            *bytes = lines.join(&b'\n');
        }
    }
}

fn check(text: &str) -> Result<(), TestCaseError> {
    if let Err(e) = planlint::parse_with(text, &ParseOptions::with_format(Format::Text)) {
        prop_assert!(e.line >= 1 && e.column >= 1, "{e:?}");
        prop_assert!(e.offset <= text.len(), "{e:?}");
        prop_assert_eq!(
            planlint::error::line_column(text, e.offset),
            (e.line, e.column),
            "{:?}",
            e
        );
        prop_assert!(!e.message.is_empty());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn mutated_corpus_text_gives_plans_or_a_positioned_error(
        file in any::<prop::sample::Index>(),
        muts in prop::collection::vec((any::<u8>(), any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let files = corpus_text();
        let mut bytes = files[file.index(files.len())].clone();
        for (kind, at, value) in muts {
            mutate(&mut bytes, kind, at, value);
        }
        check(&String::from_utf8_lossy(&bytes))?;
    }
}

#[test]
fn every_corpus_text_plan_parses() {
    let entries = support::select(|e| {
        e.format == "text" && matches!(e.framing.as_str(), "raw" | "psql-aligned" | "psql-expanded")
    });
    let mut failures = Vec::new();
    for e in &entries {
        match planlint::parse_with(&e.read(), &ParseOptions::with_format(Format::Text)) {
            Ok(plans) if plans.len() == e.plans => {}
            Ok(plans) => failures.push(format!(
                "{}: {} plans, manifest says {}",
                e.path,
                plans.len(),
                e.plans
            )),
            Err(err) => failures.push(format!("{}: {err}", e.path)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// The inputs below are hand-made: each tests one rule of the TEXT reader, not a plan.

#[test]
fn a_broken_cost_block_is_an_error_at_its_line_and_column() {
    let text = "Limit  (cost=0.00..1.00 rows=1 width=4)\n  ->  Seq Scan on t  (cost=0.00..x rows=1 width=4)\n";
    let e = planlint::parse_with(text, &ParseOptions::with_format(Format::Text)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert_eq!((e.line, e.column), (2, 34), "{e}");
    assert!(e.message.contains("total cost"), "{e}");
}

#[test]
fn errors_point_into_the_framed_input() {
    // The same broken line inside psql's border-2 frame: the column counts the frame.
    let text = "+---------+\n| QUERY PLAN |\n+---------+\n| Seq Scan on t  (cost=0.00..1.00 rows=1 width=x) |\n+---------+\n";
    let e = planlint::parse_with(text, &ParseOptions::with_format(Format::Text)).unwrap_err();
    assert_eq!(e.line, 4, "{e}");
    assert_eq!(&text[e.offset..e.offset + 1], "x", "{e}");
}

#[test]
fn nesting_beyond_the_limit_is_a_clean_error() {
    let depth = 1_500;
    let mut s = String::from("Limit  (cost=0.00..1.00 rows=1 width=4)\n");
    for d in 1..depth {
        s.push_str(&" ".repeat(6 * d - 4));
        s.push_str("->  Limit  (cost=0.00..1.00 rows=1 width=4)\n");
    }
    let e = planlint::parse_with(&s, &ParseOptions::with_format(Format::Text)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep, "{e}");
    assert_eq!(e.line, 1_001);
}

/// A plan `depth` levels deep whose last node has a string constant continued over `lines`
/// lines at a middle indentation.
fn deep_plan_with_long_value(depth: usize, lines: usize) -> String {
    let mut s = String::from("Limit  (cost=0.00..1.00 rows=1 width=4)\n");
    for d in 1..depth {
        s.push_str(&" ".repeat(6 * d - 4));
        s.push_str("->  Limit  (cost=0.00..1.00 rows=1 width=4)\n");
    }
    s.push_str(&" ".repeat(6 * depth));
    s.push_str("Filter: (a = 'x\n");
    for _ in 0..lines {
        s.push_str(&" ".repeat(3 * depth));
        s.push_str("y\n");
    }
    s.push_str("'::text)\n");
    s
}

#[test]
fn parsing_time_grows_linearly() {
    // Each continuation line must not walk the whole stack (frames are found by binary search)
    // nor rescan the value (the quote parity is kept as lines are added): twice the lines,
    // about twice the time.
    let time = |lines: usize| {
        let s = deep_plan_with_long_value(300, lines);
        let start = std::time::Instant::now();
        let plans = planlint::parse_with(&s, &ParseOptions::with_format(Format::Text)).unwrap();
        let filter = plans[0].nodes[299].filter.as_deref().unwrap();
        assert_eq!(filter.lines().count(), lines + 2);
        start.elapsed()
    };
    time(1_000); // warm-up
    let one = time(4_000);
    let two = time(8_000);
    assert!(
        two.as_secs_f64() < one.as_secs_f64() * 3.5 + 0.05,
        "4,000 lines: {one:?}, 8,000 lines: {two:?}"
    );
}
