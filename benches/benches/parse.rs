//! Parsing TEXT, JSON, YAML and XML: typical corpus plans and the huge plans, each beside its
//! physical limit (JSON: serde_json reading into `IgnoredAny`; TEXT, YAML, XML: splitting the
//! lines with memchr). Throughput in MB/s; the closing summary prints planlint's time as a ratio
//! to the limit, and nodes/s.
//!
//! `cargo bench -p planlint-benches --bench parse [-- FILTER]`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use planlint::Format;
use planlint_benches::{
    Input, fastest_interleaved, huge, json_ignored_any, mb_per_s, split_lines, typical,
};

fn inputs() -> Vec<Input> {
    let mut out: Vec<Input> = [Format::Text, Format::Json, Format::Yaml, Format::Xml]
        .into_iter()
        .map(|f| typical(17, f))
        .collect();
    out.extend(huge(None).into_iter().filter(|i| !i.name.contains("_half")));
    out
}

fn parse_all(input: &Input) {
    for d in &input.docs {
        black_box(planlint::parse(black_box(d)).expect("corpus plans parse"));
    }
}

/// The physical limit for the input's format, with its name.
fn limit(input: &Input) -> (&'static str, fn(&str)) {
    match input.format {
        Format::Json => ("serde_json IgnoredAny", |d| json_ignored_any(d)),
        _ => ("memchr line split", |d| {
            black_box(split_lines(d));
        }),
    }
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let inputs: Vec<Input> = inputs().into_iter().filter(Input::supported).collect();
    for input in &inputs {
        let mut g = c.benchmark_group(format!("parse {}", input.name));
        g.throughput(Throughput::Bytes(input.bytes() as u64));
        g.bench_function("planlint", |b| b.iter(|| parse_all(input)));
        let (name, f) = limit(input);
        g.bench_function(name, |b| {
            b.iter(|| {
                for d in &input.docs {
                    f(black_box(d));
                }
            })
        });
        g.finish();
    }
    c.final_summary();

    println!("\nparse: planlint vs the physical limit (fastest of 15 interleaved runs)");
    println!("| input | MB | nodes | planlint ms | MB/s | nodes/s | limit | limit ms | ratio |");
    println!("|---|---:|---:|---:|---:|---:|---|---:|---:|");
    for input in &inputs {
        let (name, f) = limit(input);
        let mut a = || parse_all(input);
        let mut b = || {
            for d in &input.docs {
                f(black_box(d));
            }
        };
        let t = fastest_interleaved(15, vec![&mut a, &mut b]);
        let nodes = input.nodes();
        println!(
            "| {} | {:.2} | {} | {:.2} | {:.0} | {:.2}M | {} | {:.2} | {:.2}× |",
            input.name,
            input.bytes() as f64 / 1e6,
            nodes,
            t[0].as_secs_f64() * 1e3,
            mb_per_s(input.bytes(), t[0]),
            nodes as f64 / t[0].as_secs_f64() / 1e6,
            name,
            t[1].as_secs_f64() * 1e3,
            t[0].as_secs_f64() / t[1].as_secs_f64(),
        );
    }
}
