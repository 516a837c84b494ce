//! Where the memory of a parse goes: the peak while parsing one plan (and while analyzing it),
//! the bytes the plans keep afterwards, and the analysis's own share.
//!
//! ```sh
//! cargo run --release -p planlint-benches --example memory -- subplans txt
//! ```
//!
//! QUERY is a huge plan's name or `typical` (every pg17 corpus plan, analyze variant).

use planlint::Config;
use planlint_benches::{Counting, allocated_now, format_named, huge_or_typical, measure_memory};

#[global_allocator]
static A: Counting = Counting;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [query, format] = args.as_slice() else {
        eprintln!("usage: memory QUERY txt|json|yaml|xml");
        std::process::exit(2);
    };
    let format = format_named(format);
    let input = huge_or_typical(query, format);
    let size: usize = input.docs.iter().map(String::len).sum();
    let before = allocated_now();
    let (peak, allocs, plans) = measure_memory(|| {
        input
            .docs
            .iter()
            .map(|d| planlint::parse(d).expect("parses"))
            .collect::<Vec<_>>()
    });
    let kept = allocated_now() - before;
    let nodes: usize = plans.iter().flatten().map(|p| p.nodes.len()).sum();
    let config = Config::default();
    let (apeak, _, analyses) = measure_memory(|| {
        plans
            .iter()
            .flatten()
            .map(|p| planlint::analyze(p, &config))
            .collect::<Vec<_>>()
    });
    let akept = allocated_now() - before - kept;
    println!(
        "input {size} B, {nodes} nodes ({} B/node); parse: peak {peak} B ({:.2}×, {} B/node), kept {kept} B ({} B/node), {allocs} allocations; analyze: peak {apeak} B above the plans ({} B/node), kept {akept} B; parse + analyze {:.2}×",
        size / nodes.max(1),
        peak as f64 / size as f64,
        peak / nodes.max(1),
        kept / nodes.max(1),
        apeak / nodes.max(1),
        (kept + apeak) as f64 / size as f64,
    );
    drop(analyses);
    println!(
        "size of Node {} B, NodeDetails {} B, NodeMetrics {} B",
        std::mem::size_of::<planlint::model::Node>(),
        std::mem::size_of::<planlint::model::NodeDetails>(),
        std::mem::size_of::<planlint::metrics::NodeMetrics>(),
    );
}
