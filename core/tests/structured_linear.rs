//! Linear time: parsing one input made of many copies of a corpus document (YAML, XML, a
//! server log in each destination) costs about as much as parsing the copies one by one, so
//! no step rescans the input per document, per entry or per line (a rescan per document once
//! made 400 concatenated XML documents three times slower; a fast memchr rescan like that one
//! hides at this size, a slower one does not).

mod support;

use std::time::{Duration, Instant};

const COPIES: usize = 64;

fn best_of_3(mut f: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
fn many_documents_in_one_input_parse_in_linear_time() {
    let mut picks: Vec<support::Entry> = Vec::new();
    for (format, framing) in [
        ("yaml", "raw"),
        ("xml", "raw"),
        ("json", "log-stderr"),
        ("xml", "log-csv"),
        ("yaml", "log-json"),
    ] {
        // The largest file of the kind.
        let largest = support::select(|e| e.format == format && e.framing == framing)
            .into_iter()
            .max_by_key(|e| std::fs::metadata(e.file()).map_or(0, |m| m.len()))
            .unwrap();
        picks.push(largest);
    }
    for e in picks {
        let one = e.read();
        let sep = if one.ends_with('\n') { "" } else { "\n" };
        let many = format!("{one}{sep}").repeat(COPIES);
        let n = planlint::parse(&one).unwrap().len();
        assert_eq!(
            planlint::parse(&many).unwrap().len(),
            n * COPIES,
            "{}",
            e.path
        );
        let separately = best_of_3(|| {
            for _ in 0..COPIES {
                planlint::parse(&one).unwrap();
            }
        });
        let together = best_of_3(|| {
            planlint::parse(&many).unwrap();
        });
        assert!(
            together < separately * 3,
            "{}: {COPIES} copies in one input took {together:?}, one by one {separately:?}",
            e.path
        );
    }
}
