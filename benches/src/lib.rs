//! What the benchmarks share: the inputs (typical corpus plans and the huge plans of
//! corpus/huge/), the physical-limit baselines (reading JSON with serde's `IgnoredAny`,
//! splitting lines with memchr), a counting allocator for peak memory, and small timing helpers.
//!
//! The benchmarks themselves are in `benches/`: `parse`, `analyze`, `cli` (criterion) and
//! `budget` (the budget table of docs/performance.md, with ratios, memory and linearity).

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use planlint::{Format, ParseOptions, Plan};

/// The repository root (the parent of benches/).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ is inside the repository")
        .to_path_buf()
}

/// One benchmark input: a whole file, in one format.
#[derive(Debug, Clone)]
pub struct Input {
    /// A short name (`huge/partitions.json`, `pg17 analyze json (41 files)`).
    pub name: String,
    /// The format.
    pub format: Format,
    /// The documents (one for a huge plan; every file of the set for a typical set).
    pub docs: Vec<String>,
}

impl Input {
    /// Bytes over all documents.
    pub fn bytes(&self) -> usize {
        self.docs.iter().map(String::len).sum()
    }

    /// Parses every document (format detected, as the CLI does); `None` when this build does
    /// not support the format yet.
    pub fn parse(&self) -> Option<Vec<Plan>> {
        let mut out = Vec::new();
        for d in &self.docs {
            match planlint::parse(d) {
                Ok(p) => out.extend(p),
                Err(e) if e.kind == planlint::ErrorKind::Unsupported => return None,
                Err(e) => panic!("{}: {e}", self.name),
            }
        }
        Some(out)
    }

    /// Nodes over every plan of every document (0 when the format is not supported yet).
    pub fn nodes(&self) -> usize {
        self.parse()
            .map_or(0, |p| p.iter().map(|x| x.nodes.len()).sum())
    }

    /// Whether this build parses the format.
    pub fn supported(&self) -> bool {
        let probe = ParseOptions::with_format(self.format);
        !matches!(planlint::parse_with("", &probe), Err(e) if e.kind == planlint::ErrorKind::Unsupported)
            && self.docs.first().is_none_or(|d| {
                !matches!(planlint::parse(d), Err(e) if e.kind == planlint::ErrorKind::Unsupported)
            })
    }
}

fn format_of_ext(ext: &str) -> Option<Format> {
    match ext {
        "txt" => Some(Format::Text),
        "json" => Some(Format::Json),
        "yaml" => Some(Format::Yaml),
        "xml" => Some(Format::Xml),
        _ => None,
    }
}

/// Reads a gzip-compressed file.
pub fn read_gz(path: &Path) -> String {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut s = String::new();
    flate2::read::GzDecoder::new(f)
        .read_to_string(&mut s)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    s
}

/// The huge plans of corpus/huge/ (`<query>.<ext>.gz`), sorted by name; `query` filters by
/// query name (`partitions`, `partitionwise_join_half`…) when given.
pub fn huge(query: Option<&str>) -> Vec<Input> {
    let dir = repo_root().join("corpus/huge");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".gz"))
        .collect();
    names.sort();
    let mut out = Vec::new();
    for n in names {
        let stem = n.trim_end_matches(".gz");
        let Some((q, ext)) = stem.rsplit_once('.') else {
            continue;
        };
        if query.is_some_and(|want| want != q) {
            continue;
        }
        let Some(format) = format_of_ext(ext) else {
            continue;
        };
        out.push(Input {
            name: format!("huge/{stem}"),
            format,
            docs: vec![read_gz(&dir.join(&n))],
        });
    }
    out
}

/// The format an example's argument names: `txt` (or `text`), `json`, `yaml`, `xml`.
pub fn format_named(name: &str) -> Format {
    match name {
        "txt" | "text" => Format::Text,
        "json" => Format::Json,
        "yaml" => Format::Yaml,
        "xml" => Format::Xml,
        other => panic!("unknown format {other}"),
    }
}

/// A huge plan by name, or `typical`: every pg17 corpus plan of the format (analyze variant).
pub fn huge_or_typical(query: &str, format: Format) -> Input {
    if query == "typical" {
        typical(17, format)
    } else {
        huge_one(query, format)
    }
}

/// The huge plan of one query in one format.
pub fn huge_one(query: &str, format: Format) -> Input {
    huge(Some(query))
        .into_iter()
        .find(|i| i.format == format)
        .unwrap_or_else(|| panic!("corpus/huge/{query} in {format} is missing"))
}

/// Typical plans: every raw capture of one major's `analyze` variant in one format
/// (corpus/pg<major>/*/analyze.<ext>), as one input.
pub fn typical(major: u32, format: Format) -> Input {
    let ext = match format {
        Format::Text => "txt",
        Format::Json => "json",
        Format::Yaml => "yaml",
        Format::Xml => "xml",
        _ => unreachable!("no other format"),
    };
    let dir = repo_root().join(format!("corpus/pg{major}"));
    let mut queries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.is_dir() && !p.ends_with("logs"))
        .collect();
    queries.sort();
    let docs: Vec<String> = queries
        .iter()
        .map(|q| q.join(format!("analyze.{ext}")))
        .filter(|f| f.exists())
        .map(|f| std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display())))
        .collect();
    Input {
        name: format!("pg{major}/*/analyze.{ext} ({} files)", docs.len()),
        format,
        docs,
    }
}

/// The physical limit of reading JSON: serde_json checks every byte and builds nothing.
pub fn json_ignored_any(text: &str) {
    let _: serde::de::IgnoredAny =
        serde_json::from_slice(text.as_bytes()).expect("the corpus JSON is valid");
}

/// The physical limit of reading TEXT line by line: find every line end (memchr), nothing else.
pub fn split_lines(text: &str) -> usize {
    memchr::memchr_iter(b'\n', text.as_bytes()).count()
}

/// The physical limit of reading XML with a general tokenizer: quick-xml's events (what
/// planlint's XML reader was built on before it had its own), every text and reference event
/// read, nothing built; the number of events.
pub fn xml_tokenize(text: &str) -> usize {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) | Err(_) => return events,
            Ok(_) => events += 1,
        }
    }
}

/// A global allocator that counts the bytes currently allocated and the peak (install it with
/// `#[global_allocator] static A: Counting = Counting;` in a benchmark binary).
pub struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

fn add(n: usize) {
    let now = CURRENT.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            add(layout.size());
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            add(layout.size());
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            if new_size >= layout.size() {
                add(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

/// What the counting allocator saw while running `f`: (peak bytes above the bytes allocated
/// before, allocations made, the result).
pub fn measure_memory<T>(f: impl FnOnce() -> T) -> (usize, usize, T) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let allocs = ALLOCATIONS.load(Ordering::Relaxed);
    let out = f();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    (peak, ALLOCATIONS.load(Ordering::Relaxed) - allocs, out)
}

/// Bytes currently allocated (with the counting allocator installed).
pub fn allocated_now() -> usize {
    CURRENT.load(Ordering::Relaxed)
}

/// The fastest of `runs` runs of each closure, run interleaved (a, b, a, b…) so that a busy
/// shared machine slows both alike; the minimum is the least disturbed run.
pub fn fastest_interleaved(runs: usize, mut fs: Vec<&mut dyn FnMut()>) -> Vec<Duration> {
    let mut best = vec![Duration::MAX; fs.len()];
    for _ in 0..runs {
        for (i, f) in fs.iter_mut().enumerate() {
            let t = Instant::now();
            f();
            best[i] = best[i].min(t.elapsed());
        }
    }
    best
}

/// Megabytes (10^6 bytes) per second.
pub fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// The release build of the CLI (target/release/planlint), built with cargo when missing.
pub fn cli_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let bin = target.join("release/planlint");
    if !bin.exists() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let ok = std::process::Command::new(cargo)
            .args([
                "build",
                "--release",
                "-p",
                "planlint-cli",
                "--bin",
                "planlint",
            ])
            .current_dir(repo_root())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok && bin.exists(),
            "cargo build --release -p planlint-cli failed"
        );
    }
    bin
}
