//! Shared by the integration tests: the corpus manifest (corpus/manifest.json).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// One captured file of the corpus.
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    /// Path relative to corpus/.
    pub path: String,
    /// PostgreSQL major version.
    pub major: u32,
    /// Exact server version.
    pub server_version: String,
    /// Query name (empty for a server log, which holds many queries: `null` in the manifest).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub query: String,
    /// Variant (analyze, verbose, wal, timing_off, plain, costs_off, …).
    pub variant: String,
    /// text, json, yaml or xml.
    pub format: String,
    /// raw, psql-aligned, psql-expanded, log-stderr, log-csv, log-json.
    pub framing: String,
    /// EXPLAIN options used.
    #[serde(default)]
    pub options: BTreeMap<String, serde_json::Value>,
    /// Number of plans in the file.
    pub plans: usize,
}

/// A string that the manifest may write as `null`.
fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

impl Entry {
    /// Absolute path of the file.
    pub fn file(&self) -> PathBuf {
        corpus_dir().join(&self.path)
    }

    /// The file's text.
    pub fn read(&self) -> String {
        std::fs::read_to_string(self.file()).unwrap_or_else(|e| panic!("{}: {e}", self.path))
    }

    /// Whether an EXPLAIN option was on.
    pub fn option(&self, name: &str) -> bool {
        self.options
            .get(name)
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }

    /// The raw-framed capture of the same query, variant and major in another format.
    pub fn twin(&self, format: &str) -> Option<Entry> {
        entries()
            .iter()
            .find(|e| {
                e.major == self.major
                    && e.query == self.query
                    && e.variant == self.variant
                    && e.format == format
                    && e.framing == "raw"
            })
            .cloned()
    }
}

/// `shared/peer-plans/<name>` beside the project (found from the crate upwards, so that a git
/// worktree nested deeper finds it too).
pub fn peer_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("shared/peer-plans").join(name))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| panic!("shared/peer-plans/{name} is beside the project"))
}

/// The corpus directory.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus")
}

/// Every entry of the manifest (the test fails if the corpus is missing: it is the ground truth).
/// Read once per test binary.
pub fn manifest() -> Vec<Entry> {
    entries().to_vec()
}

/// The manifest, read once per test binary.
pub fn entries() -> &'static [Entry] {
    static MANIFEST: std::sync::OnceLock<Vec<Entry>> = std::sync::OnceLock::new();
    MANIFEST.get_or_init(|| {
        let path = corpus_dir().join("manifest.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (the corpus is required)", path.display()));
        serde_json::from_str(&text).expect("corpus/manifest.json is valid")
    })
}

/// Entries matching a predicate; panics if none match (a test over nothing proves nothing).
pub fn select(pred: impl Fn(&Entry) -> bool) -> Vec<Entry> {
    let v: Vec<Entry> = manifest().into_iter().filter(|e| pred(e)).collect();
    assert!(!v.is_empty(), "no corpus entry matches");
    v
}

pub mod compare;
pub mod keys;
pub mod raw;
