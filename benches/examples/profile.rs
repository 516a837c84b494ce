//! A driver for profilers (callgrind, perf): runs one step on one huge plan a number of times.
//!
//! ```sh
//! cargo build --release -p planlint-benches --example profile
//! valgrind --tool=callgrind target/release/examples/profile parse partitionwise_join json 1
//! ```
//!
//! QUERY is a huge plan's name or `typical` (every pg17 corpus plan, analyze variant; parse only).
//! Steps: `parse` (the format detected, as the CLI does), `analyze` (all rules; the plan parsed
//! first), `metrics`, `limit` (the physical limit: serde_json `IgnoredAny` for JSON, memchr
//! line split otherwise), `tokenize` (XML only: quick-xml's events, nothing built). Formats: txt, json, yaml, xml.

use std::hint::black_box;

use planlint::{Config, Format};
use planlint_benches::{
    format_named, huge_or_typical, json_ignored_any, split_lines, xml_tokenize,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [step, query, format, rest @ ..] = args.as_slice() else {
        eprintln!(
            "usage: profile parse|analyze|metrics|limit|tokenize QUERY txt|json|yaml|xml [TIMES]"
        );
        std::process::exit(2);
    };
    let times: usize = rest
        .first()
        .map_or(1, |t| t.parse().expect("TIMES is a number"));
    let format = format_named(format);
    // `typical`: every pg17 corpus plan of the format (analyze variant), one after the other.
    let input = huge_or_typical(query, format);
    let doc = &input.docs[0];
    let config = Config::default();
    match step.as_str() {
        "parse" => {
            for _ in 0..times {
                for d in &input.docs {
                    black_box(planlint::parse(black_box(d)).expect("parses"));
                }
            }
        }
        "analyze" | "metrics" => {
            let plans = planlint::parse(doc).expect("parses");
            for _ in 0..times {
                if step == "analyze" {
                    black_box(planlint::analyze(&plans[0], &config));
                } else {
                    black_box(planlint::metrics::compute(&plans[0]));
                }
            }
        }
        "limit" => {
            for _ in 0..times {
                if format == Format::Json {
                    json_ignored_any(black_box(doc));
                } else {
                    black_box(split_lines(black_box(doc)));
                }
            }
        }
        "tokenize" => {
            for _ in 0..times {
                for d in &input.docs {
                    black_box(xml_tokenize(black_box(d)));
                }
            }
        }
        other => panic!("unknown step {other}"),
    }
}
