//! Analysis (metrics and all 29 rules) of typical corpus plans and of the huge plans, in
//! nodes/s; the metrics alone beside it.
//!
//! `cargo bench -p planlint-benches --bench analyze [-- FILTER]`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use planlint::{Config, Format, Plan};
use planlint_benches::{huge, typical};

fn main() {
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let config = Config::default();
    let mut sets: Vec<(String, Vec<Plan>)> = Vec::new();
    let t = typical(17, Format::Json);
    sets.push((t.name.clone(), t.parse().expect("JSON parses")));
    for h in huge(None) {
        if h.format == Format::Json && !h.name.contains("_half") {
            sets.push((h.name.clone(), h.parse().expect("JSON parses")));
        }
    }
    for (name, plans) in &sets {
        let nodes: usize = plans.iter().map(|p| p.nodes.len()).sum();
        let mut g = c.benchmark_group(format!("analyze {name}"));
        g.throughput(Throughput::Elements(nodes as u64));
        g.bench_function("all rules", |b| {
            b.iter(|| {
                for p in plans {
                    black_box(planlint::analyze(black_box(p), &config));
                }
            })
        });
        g.bench_function("metrics only", |b| {
            b.iter(|| {
                for p in plans {
                    black_box(planlint::metrics::compute(black_box(p)));
                }
            })
        });
        g.finish();
    }
    c.final_summary();
}
