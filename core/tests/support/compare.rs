//! Structural comparison of canonical JSON from two captures of the same query.
//!
//! Each corpus capture is its own execution: times, buffers and some counts differ between the
//! TEXT and the JSON capture of one query, while plan shape and estimates do not. `strip_measured`
//! sets the measured numbers aside (keeping whether they were present, so that "keys present"
//! still compares); `diff` lists every remaining difference with its path.
#![allow(dead_code)]

use serde_json::Value;

/// Canonical field names whose values are measured at run time (they differ between executions).
pub const MEASURED: &[&str] = &[
    // actual statistics
    "actual_startup_time",
    "actual_total_time",
    "actual_rows",
    "actual_loops",
    "rows_removed_by_filter",
    "rows_removed_by_join_filter",
    "rows_removed_by_index_recheck",
    "rows_removed_by_conflict_filter",
    "heap_fetches",
    "index_searches",
    "exact_heap_blocks",
    "lossy_heap_blocks",
    "peak_memory_usage",
    "maximum_storage",
    "storage",
    // sorts, hashes, caches
    "sort_method",
    "sort_space_used",
    "sort_space_type",
    "full_sort_groups",
    "pre_sorted_groups",
    "hash_buckets",
    "hash_batches",
    "hashagg_batches",
    "disk_usage",
    "cache_hits",
    "cache_misses",
    "cache_evictions",
    "cache_overflows",
    // modify table
    "tuples_inserted",
    "conflicting_tuples",
    "tuples_updated",
    "tuples_deleted",
    "tuples_skipped",
    // buffers, I/O, WAL
    "shared_hit_blocks",
    "shared_read_blocks",
    "shared_dirtied_blocks",
    "shared_written_blocks",
    "local_hit_blocks",
    "local_read_blocks",
    "local_dirtied_blocks",
    "local_written_blocks",
    "temp_read_blocks",
    "temp_written_blocks",
    "io_read_time",
    "io_write_time",
    "shared_io_read_time",
    "shared_io_write_time",
    "local_io_read_time",
    "local_io_write_time",
    "temp_io_read_time",
    "temp_io_write_time",
    "wal_records",
    "wal_fpi",
    "wal_bytes",
    "wal_buffers_full",
    "wal_fpi_bytes",
    "average_prefetch_distance",
    "max_prefetch_distance",
    "prefetch_capacity",
    "io_count",
    "io_waits",
    "average_io_size",
    "average_ios_in_progress",
    // parallel workers
    "workers_launched",
    "workers",
    // query level
    "planning_time",
    "execution_time",
    "duration",
    "time",
    "timing",
    "memory_used",
    "memory_allocated",
    "output_volume",
];

/// Replaces every measured value by the string `"<measured>"` (presence is kept).
pub fn strip_measured(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if MEASURED.contains(&k.as_str()) {
                    *val = Value::String("<measured>".into());
                } else {
                    strip_measured(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_measured),
        _ => {}
    }
}

/// Every difference between two JSON values, as `path: left != right` lines.
pub fn diff(a: &Value, b: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_into(a, b, String::new(), &mut out);
    out
}

fn diff_into(a: &Value, b: &Value, path: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                match y.get(k) {
                    Some(vb) => diff_into(va, vb, format!("{path}/{k}"), out),
                    None => out.push(format!("{path}/{k}: only on the left ({va})")),
                }
            }
            for (k, vb) in y {
                if !x.contains_key(k) {
                    out.push(format!("{path}/{k}: only on the right ({vb})"));
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                diff_into(va, vb, format!("{path}/{i}"), out);
            }
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => {}
        _ if a == b => {}
        _ => out.push(format!("{path}: {} != {}", short(a), short(b))),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 120 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(120).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s
    }
}
