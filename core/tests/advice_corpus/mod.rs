//! The corpus plans the advice tests read: corpus/manifest.json as plain JSON (so that entries
//! of server logs, which have no query name, do not matter here).
#![allow(dead_code)]

use std::path::PathBuf;

/// One raw capture of the corpus.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Path relative to corpus/.
    pub path: String,
    /// PostgreSQL major version.
    pub major: u64,
    /// Query name.
    pub query: String,
    /// Variant (analyze, verbose, plain…).
    pub variant: String,
    /// json, text, yaml or xml.
    pub format: String,
}

impl Entry {
    /// The file's text.
    pub fn read(&self) -> String {
        let p = corpus().join(&self.path);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// The file's plans.
    pub fn plans(&self) -> Vec<planlint::Plan> {
        planlint::parse(&self.read()).unwrap_or_else(|e| panic!("{}: {e}", self.path))
    }
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus")
}

/// Every raw JSON capture (fails if the corpus is missing: it is the ground truth).
pub fn json_entries() -> Vec<Entry> {
    raw_entries()
        .into_iter()
        .filter(|e| e.format == "json")
        .collect()
}

/// Every raw capture, in every format.
pub fn raw_entries() -> Vec<Entry> {
    static ENTRIES: std::sync::OnceLock<Vec<Entry>> = std::sync::OnceLock::new();
    ENTRIES.get_or_init(load).clone()
}

fn load() -> Vec<Entry> {
    let text = std::fs::read_to_string(corpus().join("manifest.json"))
        .expect("corpus/manifest.json (the corpus is required)");
    let v: serde_json::Value = serde_json::from_str(&text).expect("a valid manifest");
    let s = |e: &serde_json::Value, k: &str| e[k].as_str().unwrap_or("").to_string();
    let out: Vec<Entry> = v
        .as_array()
        .expect("a list")
        .iter()
        .filter(|e| e["framing"] == "raw")
        .map(|e| Entry {
            path: s(e, "path"),
            major: e["major"].as_u64().unwrap_or(0),
            query: s(e, "query"),
            variant: s(e, "variant"),
            format: s(e, "format"),
        })
        .collect();
    assert!(!out.is_empty(), "the corpus has plans");
    out
}

/// The JSON captures of a query in a variant, every major (at least one).
pub fn captures(query: &str, variant: &str) -> Vec<Entry> {
    let v: Vec<Entry> = json_entries()
        .into_iter()
        .filter(|e| e.query == query && e.variant == variant)
        .collect();
    assert!(!v.is_empty(), "no corpus capture of {query}/{variant}");
    v
}
