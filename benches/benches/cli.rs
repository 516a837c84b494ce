//! The CLI end to end: `planlint parse FILE` and `planlint analyze FILE` (report and
//! `--format json`) spawned as the release binary (built first when missing), on a typical plan
//! and on the huge plans; and the same code path in process (read, parse, analyze, write JSON).
//!
//! `cargo bench -p planlint-benches --bench cli [-- FILTER]`

use std::hint::black_box;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, Throughput};
use planlint::{Config, Format};
use planlint_benches::{Input, cli_binary, huge, repo_root};

/// Writes the input to a plain file (the huge plans are stored compressed).
fn on_disk(input: &Input) -> PathBuf {
    let dir = std::env::temp_dir().join("planlint-bench");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(input.name.replace('/', "_"));
    std::fs::write(&path, input.docs.concat()).expect("write input");
    path
}

fn run(bin: &PathBuf, args: &[&str]) {
    let ok = Command::new(bin)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("spawn planlint");
    assert!(
        ok.code().is_some_and(|c| c <= 1),
        "planlint {args:?} failed"
    );
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let bin = cli_binary();
    let mut inputs = vec![Input {
        name: "pg17/hash_join_batches/analyze.json".into(),
        format: Format::Json,
        docs: vec![
            std::fs::read_to_string(repo_root().join("corpus/pg17/hash_join_batches/analyze.json"))
                .expect("corpus file"),
        ],
    }];
    inputs.extend(
        huge(None)
            .into_iter()
            .filter(|i| !i.name.contains("_half") && i.supported()),
    );
    let config = Config::default();
    for input in &inputs {
        let path = on_disk(input);
        let file = path.to_str().expect("utf-8 temp path");
        let mut g = c.benchmark_group(format!("cli {}", input.name));
        g.throughput(Throughput::Bytes(input.bytes() as u64));
        g.bench_function("planlint parse --compact", |b| {
            b.iter(|| run(&bin, &["parse", "--compact", file]))
        });
        g.bench_function("planlint analyze", |b| {
            b.iter(|| run(&bin, &["analyze", "--color", "never", file]))
        });
        g.bench_function("planlint analyze --format json", |b| {
            b.iter(|| run(&bin, &["analyze", "--format", "json", "--compact", file]))
        });
        g.bench_function("in process: read, parse, analyze, JSON", |b| {
            b.iter(|| {
                let bytes = std::fs::read(&path).expect("read");
                let plans = planlint::parse_bytes(&bytes, &planlint::ParseOptions::default())
                    .expect("parses");
                let report = planlint::Report {
                    plans: plans
                        .iter()
                        .map(|p| planlint::analyze(p, &config))
                        .collect(),
                };
                serde_json::to_writer(std::io::sink(), &report).expect("serializes");
                black_box(report);
            })
        });
        g.finish();
    }
    c.final_summary();
}
