//! The speed and memory budget of docs/performance.md, measured and printed as Markdown tables:
//!
//! * parse: planlint's time as a ratio to the physical limit (JSON: serde_json into
//!   `IgnoredAny`; TEXT: memchr line split), MB/s and nodes/s, on typical and huge plans;
//! * analysis (all rules) per plan, and per rule on the largest plan;
//! * the CLI end to end (`planlint analyze FILE`, the release binary);
//! * peak memory over the input's size (a counting global allocator);
//! * linearity: each huge plan against its half-size twin (time ratio over size ratio ≈ 1).
//!
//! Timings are the fastest of several interleaved runs (robust on a shared, loaded machine);
//! nothing is asserted. `cargo bench -p planlint-benches --bench budget [-- SECTION...]`
//! with sections `parse`, `analyze`, `cli`, `memory`, `linear` (default: all).

use std::hint::black_box;
use std::process::{Command, Stdio};
use std::time::Duration;

use planlint::{Config, Format, Plan};
use planlint_benches::{
    Counting, Input, cli_binary, fastest_interleaved, huge, json_ignored_any, mb_per_s,
    measure_memory, split_lines, typical, xml_tokenize,
};

#[global_allocator]
static ALLOC: Counting = Counting;

const RUNS: usize = 15;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn parse_all(input: &Input) -> Vec<Plan> {
    let mut out = Vec::new();
    for d in &input.docs {
        out.extend(planlint::parse(black_box(d)).expect("corpus plans parse"));
    }
    out
}

fn fastest(runs: usize, mut f: impl FnMut()) -> Duration {
    fastest_interleaved(runs, vec![&mut f])[0]
}

fn verdict(ok: bool) -> &'static str {
    if ok { "yes" } else { "**no**" }
}

fn main() {
    // Sections to run (parse, analyze, cli, memory, linear): all when none is named.
    let sections: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let want = |name: &str| sections.is_empty() || sections.iter().any(|s| s == name);
    let config = Config::default();
    let all_huge: Vec<Input> = huge(None).into_iter().filter(Input::supported).collect();
    let full: Vec<&Input> = all_huge
        .iter()
        .filter(|i| !i.name.contains("_half"))
        .collect();
    let typical_sets: Vec<Input> = [Format::Text, Format::Json, Format::Yaml, Format::Xml]
        .into_iter()
        .map(|f| typical(17, f))
        .filter(Input::supported)
        .collect();

    if want("parse") {
        println!("## Parse (fastest of {RUNS} interleaved runs)\n");
        println!(
            "| input | MB | nodes | planlint ms | MB/s | nodes/s | physical limit | limit ms | ratio | budget | met |"
        );
        println!("|---|---:|---:|---:|---:|---:|---|---:|---:|---|---|");
        for input in typical_sets.iter().chain(full.iter().copied()) {
            let json = input.format == Format::Json;
            let mut a = || {
                black_box(parse_all(input));
            };
            let mut b = || {
                for d in &input.docs {
                    if json {
                        json_ignored_any(black_box(d));
                    } else {
                        black_box(split_lines(black_box(d)));
                    }
                }
            };
            let t = fastest_interleaved(RUNS, vec![&mut a, &mut b]);
            let nodes = input.nodes();
            let ratio = t[0].as_secs_f64() / t[1].as_secs_f64();
            let mbs = mb_per_s(input.bytes(), t[0]);
            let (budget, met) = match input.format {
                Format::Json => ("≤ 3× limit", ratio <= 3.0),
                Format::Text => ("≥ 150 MB/s", mbs >= 150.0),
                _ => ("—", true),
            };
            println!(
                "| {} | {:.2} | {} | {:.2} | {:.0} | {:.2}M | {} | {:.2} | {:.2}× | {} | {} |",
                input.name,
                input.bytes() as f64 / 1e6,
                nodes,
                ms(t[0]),
                mbs,
                nodes as f64 / t[0].as_secs_f64() / 1e6,
                if json {
                    "serde_json IgnoredAny"
                } else {
                    "memchr line split"
                },
                ms(t[1]),
                ratio,
                budget,
                verdict(met),
            );
        }
    }

    if want("parse") {
        // XML's other limit: a general XML tokenizer (quick-xml's events, nothing built).
        println!(
            "\n### XML: planlint vs quick-xml's tokenizer alone (fastest of {RUNS} interleaved runs)\n"
        );
        println!("| input | MB | planlint ms | MB/s | quick-xml tokenize ms | MB/s | ratio |");
        println!("|---|---:|---:|---:|---:|---:|---:|");
        for input in typical_sets
            .iter()
            .chain(full.iter().copied())
            .filter(|i| i.format == Format::Xml)
        {
            let mut a = || {
                black_box(parse_all(input));
            };
            let mut b = || {
                for d in &input.docs {
                    black_box(xml_tokenize(black_box(d)));
                }
            };
            let t = fastest_interleaved(RUNS, vec![&mut a, &mut b]);
            println!(
                "| {} | {:.2} | {:.2} | {:.0} | {:.2} | {:.0} | {:.2}× |",
                input.name,
                input.bytes() as f64 / 1e6,
                ms(t[0]),
                mb_per_s(input.bytes(), t[0]),
                ms(t[1]),
                mb_per_s(input.bytes(), t[1]),
                t[0].as_secs_f64() / t[1].as_secs_f64(),
            );
        }
    }

    if want("analyze") {
        println!("\n## Analyze, all rules (fastest of {RUNS} runs)\n");
        println!("| plan | nodes | metrics ms | analyze ms | nodes/s | budget | met |");
        println!("|---|---:|---:|---:|---:|---|---|");
        for input in full.iter().filter(|i| i.format == Format::Json) {
            let plans = parse_all(input);
            let nodes: usize = plans.iter().map(|p| p.nodes.len()).sum();
            let tm = fastest(RUNS, || {
                for p in &plans {
                    black_box(planlint::metrics::compute(p));
                }
            });
            let ta = fastest(RUNS, || {
                for p in &plans {
                    black_box(planlint::analyze(p, &config));
                }
            });
            let big = nodes >= 10_000;
            println!(
                "| {} | {} | {:.2} | {:.2} | {:.2}M | {} | {} |",
                input.name.trim_end_matches(".json"),
                nodes,
                ms(tm),
                ms(ta),
                nodes as f64 / ta.as_secs_f64() / 1e6,
                if big { "< 10 ms" } else { "—" },
                verdict(!big || ms(ta) < 10.0),
            );
        }
        if let Some(input) = full
            .iter()
            .filter(|i| i.format == Format::Json)
            .max_by_key(|i| i.bytes())
        {
            let plans = parse_all(input);
            println!(
                "\nPer rule on {} (rules over 0.2 ms; fastest of {RUNS} runs):\n",
                input.name
            );
            println!("| rule | ms |");
            println!("|---|---:|");
            let mut rows = Vec::new();
            for r in planlint::rules::RULES {
                let cfg = Config {
                    select: Some(vec![r.id.to_string()]),
                    ..Config::default()
                };
                let metrics = planlint::metrics::compute(&plans[0]);
                let t = fastest(RUNS, || {
                    let mut ctx = planlint::rules::Context::new(&plans[0], &metrics);
                    black_box(planlint::rules::run(&mut ctx, &cfg));
                });
                rows.push((t, r.id));
            }
            rows.sort_by_key(|r| std::cmp::Reverse(r.0));
            for (t, id) in rows.iter().filter(|(t, _)| ms(*t) > 0.2) {
                println!("| {id} | {:.2} |", ms(*t));
            }
        }
    }

    if want("cli") {
        println!("\n## CLI end to end: `planlint analyze FILE` (release binary, fastest of 7)\n");
        let bin = cli_binary();
        let dir = std::env::temp_dir().join("planlint-budget");
        std::fs::create_dir_all(&dir).expect("temp dir");
        println!(
            "| input | MB | nodes | analyze ms | analyze --format json ms | parse ms | budget | met |"
        );
        println!("|---|---:|---:|---:|---:|---:|---|---|");
        for input in &full {
            let path = dir.join(input.name.replace('/', "_"));
            std::fs::write(&path, input.docs.concat()).expect("write input");
            let run = |args: &[&str]| {
                fastest(7, || {
                    let st = Command::new(&bin)
                        .args(args)
                        .arg(&path)
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .expect("spawn planlint");
                    assert!(
                        st.code().is_some_and(|c| c <= 1),
                        "planlint {args:?} failed"
                    );
                })
            };
            let ta = run(&["analyze", "--color", "never"]);
            let tj = run(&["analyze", "--format", "json", "--compact"]);
            let tp = run(&["parse", "--compact"]);
            println!(
                "| {} | {:.2} | {} | {:.1} | {:.1} | {:.1} | < 100 ms | {} |",
                input.name,
                input.bytes() as f64 / 1e6,
                input.nodes(),
                ms(ta),
                ms(tj),
                ms(tp),
                verdict(ms(ta) < 100.0 && ms(tj) < 100.0),
            );
        }
    }

    if want("memory") {
        println!("\n## Peak memory (counting allocator), over the input's size\n");
        println!(
            "| input | input MB | parse peak MB | × input | parse + analyze peak MB | × input | allocations | budget | met |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---|---|");
        for input in typical_sets.iter().chain(full.iter().copied()) {
            let (peak, allocs, plans) = measure_memory(|| parse_all(input));
            drop(plans);
            let (peak2, _, _) = measure_memory(|| {
                let plans = parse_all(input);
                let a: Vec<_> = plans
                    .iter()
                    .map(|p| planlint::analyze(p, &config))
                    .collect();
                (plans, a)
            });
            let size = input.bytes() as f64;
            println!(
                "| {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {} | ≤ 4× | {} |",
                input.name,
                size / 1e6,
                peak as f64 / 1e6,
                peak as f64 / size,
                peak2 as f64 / 1e6,
                peak2 as f64 / size,
                allocs,
                verdict(peak as f64 <= 4.0 * size && peak2 as f64 <= 4.0 * size),
            );
        }
    }

    if want("linear") {
        println!("\n## Linearity: each huge plan against its half-size twin\n");
        println!("Time ratio over size ratio (nodes): 1.00 is linear, 2.00 would be quadratic.\n");
        println!(
            "| plan | step | nodes (half → full) | half ms | full ms | time ratio | size ratio | time/size |"
        );
        println!("|---|---|---:|---:|---:|---:|---:|---:|");
        for input in &full {
            let half_name = format!(
                "{}_half.{}",
                input.name.rsplit_once('.').expect("ext").0,
                input.name.rsplit_once('.').expect("ext").1
            );
            let Some(half) = all_huge.iter().find(|i| i.name == half_name) else {
                continue;
            };
            let (nh, nf) = (half.nodes(), input.nodes());
            let mut rows = Vec::new();
            let mut ph = || {
                black_box(parse_all(half));
            };
            let mut pf = || {
                black_box(parse_all(input));
            };
            let t = fastest_interleaved(RUNS, vec![&mut ph, &mut pf]);
            rows.push(("parse", t[0], t[1]));
            if input.format == Format::Json {
                let (a, b) = (parse_all(half), parse_all(input));
                let mut ah = || {
                    black_box(planlint::analyze(&a[0], &config));
                };
                let mut af = || {
                    black_box(planlint::analyze(&b[0], &config));
                };
                let t = fastest_interleaved(RUNS, vec![&mut ah, &mut af]);
                rows.push(("analyze", t[0], t[1]));
            }
            for (step, h, f) in rows {
                let tr = f.as_secs_f64() / h.as_secs_f64();
                let sr = nf as f64 / nh as f64;
                println!(
                    "| {} | {} | {} → {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
                    input.name,
                    step,
                    nh,
                    nf,
                    ms(h),
                    ms(f),
                    tr,
                    sr,
                    tr / sr
                );
            }
        }
    }
}
