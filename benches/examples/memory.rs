//! Where the memory of a parse goes: the peak while parsing one plan (and while analyzing it),
//! the bytes the plans keep afterwards, and the analysis's own share.
//!
//! ```sh
//! cargo run --release -p planlint-benches --example memory -- subplans txt
//! cargo run --release -p planlint-benches --example memory -- subplans txt sizes
//! ```
//!
//! QUERY is a huge plan's name or `typical` (every pg17 corpus plan, analyze variant). With
//! `sizes`, the bytes kept are also broken down by allocation size (the size tells the site:
//! the node arena, a boxed group, a string, a children vector…).

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

use planlint::Config;
use planlint_benches::{Counting, allocated_now, format_named, huge_or_typical, measure_memory};

/// Allocation sizes tracked one by one; larger ones share the last slot.
const SIZES: usize = 4097;

/// Live allocations and their bytes, by size.
static LIVE: [AtomicIsize; SIZES] = [const { AtomicIsize::new(0) }; SIZES];
static LIVE_BYTES: [AtomicIsize; SIZES] = [const { AtomicIsize::new(0) }; SIZES];

/// Whether to copy the live bytes by size at every new peak (slow: `sizes` only).
static TRACK_PEAK: AtomicBool = AtomicBool::new(false);
/// Live bytes and their peak since tracking started, and the live bytes by size at that peak.
static TRACKED: AtomicIsize = AtomicIsize::new(0);
static TRACKED_PEAK: AtomicIsize = AtomicIsize::new(0);
static AT_PEAK: [AtomicIsize; SIZES] = [const { AtomicIsize::new(0) }; SIZES];

/// The sizes of the live allocations over 4096 bytes (0: a free slot), and a copy at the peak.
static BIG: [AtomicIsize; 64] = [const { AtomicIsize::new(0) }; 64];
static BIG_AT_PEAK: [AtomicIsize; 64] = [const { AtomicIsize::new(0) }; 64];

/// Notes a large allocation (`sign` 1) or its end (−1) in `BIG` (sizes only: good enough to
/// tell the large vectors apart).
fn note_big(size: usize, sign: isize) {
    if size < SIZES - 1 {
        return;
    }
    let (from, to) = if sign > 0 {
        (0, size as isize)
    } else {
        (size as isize, 0)
    };
    for slot in &BIG {
        if slot
            .compare_exchange(from, to, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
    }
}

/// The counting allocator, plus live allocations by size.
struct BySize;

fn note(size: usize, sign: isize) {
    let i = size.min(SIZES - 1);
    LIVE[i].fetch_add(sign, Ordering::Relaxed);
    LIVE_BYTES[i].fetch_add(sign * size as isize, Ordering::Relaxed);
    note_big(size, sign);
    if TRACK_PEAK.load(Ordering::Relaxed) {
        let now = TRACKED.fetch_add(sign * size as isize, Ordering::Relaxed) + sign * size as isize;
        if now > TRACKED_PEAK.load(Ordering::Relaxed) {
            TRACKED_PEAK.store(now, Ordering::Relaxed);
            for (at, live) in AT_PEAK.iter().zip(&LIVE_BYTES) {
                at.store(live.load(Ordering::Relaxed), Ordering::Relaxed);
            }
            for (at, big) in BIG_AT_PEAK.iter().zip(&BIG) {
                at.store(big.load(Ordering::Relaxed), Ordering::Relaxed);
            }
        }
    }
}

unsafe impl GlobalAlloc for BySize {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size(), 1);
        unsafe { Counting.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size(), 1);
        unsafe { Counting.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(layout.size(), -1);
        unsafe { Counting.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(layout.size(), -1);
        note(new_size, 1);
        unsafe { Counting.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static A: BySize = BySize;

/// Live (count, bytes) by size now, into `out` (allocated beforehand: taking a snapshot
/// allocates nothing).
fn snapshot(out: &mut [(isize, isize)]) {
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = (
            LIVE[i].load(Ordering::Relaxed),
            LIVE_BYTES[i].load(Ordering::Relaxed),
        );
    }
}

/// Prints the sizes that gained the most bytes between two snapshots, per node.
fn print_sizes(title: &str, before: &[(isize, isize)], after: &[(isize, isize)], nodes: usize) {
    let mut rows: Vec<(usize, isize, isize)> = (0..SIZES)
        .map(|i| (i, after[i].0 - before[i].0, after[i].1 - before[i].1))
        .filter(|r| r.2 != 0)
        .collect();
    rows.sort_by_key(|r| -r.2);
    let total: isize = rows.iter().map(|r| r.2).sum();
    println!(
        "{title}: {total} B ({:.1} B/node) by allocation size",
        total as f64 / nodes as f64
    );
    for (size, count, bytes) in rows.iter().take(25) {
        let label = if *size == SIZES - 1 {
            ">4096".to_string()
        } else {
            size.to_string()
        };
        println!(
            "  {label:>6} B × {count:>6} = {bytes:>8} B ({:>6.1} B/node)",
            *bytes as f64 / nodes as f64
        );
    }
    if rows.len() > 25 {
        let rest: isize = rows[25..].iter().map(|r| r.2).sum();
        println!(
            "  {:>5} others: {rest} B ({:.1} B/node)",
            rows.len() - 25,
            rest as f64 / nodes as f64
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (query, format, sizes) = match args.as_slice() {
        [q, f] => (q, f, false),
        [q, f, s] if s == "sizes" => (q, f, true),
        _ => {
            eprintln!("usage: memory QUERY txt|json|yaml|xml [sizes]");
            std::process::exit(2);
        }
    };
    let format = format_named(format);
    let input = huge_or_typical(query, format);
    let size: usize = input.docs.iter().map(String::len).sum();
    let (mut s0, mut s1, mut s2) = (
        vec![(0, 0); SIZES],
        vec![(0, 0); SIZES],
        vec![(0, 0); SIZES],
    );
    let before = allocated_now();
    snapshot(&mut s0);
    let (peak, allocs, plans) = measure_memory(|| {
        input
            .docs
            .iter()
            .map(|d| planlint::parse(d).expect("parses"))
            .collect::<Vec<_>>()
    });
    let kept = allocated_now() - before;
    snapshot(&mut s1);
    let nodes: usize = plans.iter().flatten().map(|p| p.nodes.len()).sum();
    let config = Config::default();
    TRACK_PEAK.store(sizes, Ordering::Relaxed);
    let (apeak, _, analyses) = measure_memory(|| {
        plans
            .iter()
            .flatten()
            .map(|p| planlint::analyze(p, &config))
            .collect::<Vec<_>>()
    });
    TRACK_PEAK.store(false, Ordering::Relaxed);
    let akept = allocated_now() - before - kept;
    snapshot(&mut s2);
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
    if sizes {
        let n = nodes.max(1);
        println!(
            "{} documents, {} plans; size of Plan {} B, Buffers {} B",
            input.docs.len(),
            plans.iter().map(Vec::len).sum::<usize>(),
            std::mem::size_of::<planlint::Plan>(),
            std::mem::size_of::<planlint::model::Buffers>(),
        );
        sizes_of_types();
        print_sizes("kept by the plans", &s0, &s1, n);
        print_sizes("kept by the analyses", &s1, &s2, n);
        let at_peak: Vec<(isize, isize)> = s1
            .iter()
            .zip(&AT_PEAK)
            .map(|(k, b)| (k.0, b.load(Ordering::Relaxed)))
            .collect();
        print_sizes(
            "live at the analysis peak, above the plans",
            &s1,
            &at_peak,
            n,
        );
        let mut big: Vec<isize> = BIG_AT_PEAK
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .filter(|&b| b > 0)
            .collect();
        big.sort_unstable_by(|a, b| b.cmp(a));
        println!(
            "  allocations over 4096 B live at the analysis peak (the plans' included): {big:?}"
        );
    }
}

/// Prints the sizes of the model's types (to tell the allocation sites apart).
fn sizes_of_types() {
    use planlint::model::*;
    use std::mem::size_of;
    let rows = [
        ("Plan", size_of::<planlint::Plan>()),
        ("Node", size_of::<Node>()),
        ("NodeDetails", size_of::<NodeDetails>()),
        ("Buffers", size_of::<Buffers>()),
        ("IoTimings", size_of::<IoTimings>()),
        ("Wal", size_of::<Wal>()),
        ("ScanDetails", size_of::<ScanDetails>()),
        ("ScanStats", size_of::<ScanStats>()),
        ("Conditions", size_of::<Conditions>()),
        ("JoinConditions", size_of::<JoinConditions>()),
        ("OtherConditions", size_of::<OtherConditions>()),
        ("SortStats", size_of::<SortStats>()),
        ("Grouping", size_of::<Grouping>()),
        ("HashStats", size_of::<HashStats>()),
        ("HashAggStats", size_of::<HashAggStats>()),
        ("MemoizeStats", size_of::<MemoizeStats>()),
        ("GatherStats", size_of::<GatherStats>()),
        ("ModifyTableStats", size_of::<ModifyTableStats>()),
        ("Worker", size_of::<Worker>()),
        ("Jit", size_of::<Jit>()),
        ("Planning", size_of::<Planning>()),
        ("Serialization", size_of::<Serialization>()),
        ("Settings", size_of::<Settings>()),
        ("Trigger", size_of::<Trigger>()),
        ("ExplainOptions", size_of::<ExplainOptions>()),
        ("Analysis", size_of::<planlint::Analysis>()),
        ("Finding", size_of::<planlint::Finding>()),
        (
            "IndexSuggestion",
            size_of::<planlint::advice::IndexSuggestion>(),
        ),
    ];
    let line: Vec<String> = rows.iter().map(|(n, s)| format!("{n} {s}")).collect();
    println!("sizes: {}", line.join(", "));
}
