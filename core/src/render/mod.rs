//! Rendering: a [`Plan`] written back in PostgreSQL's own TEXT or JSON format.
//!
//! ```
//! let json = r#"[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders", "Alias": "orders",
//!                 "Startup Cost": 0.00, "Total Cost": 9.50, "Plan Rows": 500, "Plan Width": 40}}]"#;
//! let plans = planlint::parse(json)?;
//! assert_eq!(
//!     planlint::render_text(&plans[0]),
//!     "Seq Scan on orders  (cost=0.00..9.50 rows=500 width=40)\n"
//! );
//! # Ok::<(), planlint::Error>(())
//! ```
//!
//! Both printers follow one description of the server's output: for each node type, the
//! properties in the order the server prints them ([`layout`]), each one either a simple
//! `Label: value` property or one of the lines TEXT assembles from several properties. Values
//! come from the model's own tables (`Properties::key_names`, the canonical serialization), so a
//! property the model knows is never forgotten: one the layout does not place is printed with
//! the node's unknown properties.
//!
//! What the output cannot show (TEXT omits zeros, `false` flags and whole groups; see
//! [`NOT_IN_TEXT`](crate::parse::text::NOT_IN_TEXT)) the TEXT parser infers back. Spellings that
//! changed between versions follow what the plan shows ([`Dialect`]).
//!
//! Rendering is iterative (an explicit stack over the node arena): any depth the parser
//! accepts renders without recursion.

mod ident;
mod json;
pub(crate) mod layout;
mod text;
mod value;

pub use ident::quote_identifier;
pub use json::{render_json, render_json_plans};
pub use text::{render_text, render_text_plans};

use crate::model::{Node, Plan};

/// The spellings of one PostgreSQL version range, as far as a plan shows them.
///
/// The model keeps values, not spellings; where the server's spelling changed between versions
/// and the values alone do not tell, the plan's other properties do (a key that exists only in
/// some versions). When nothing tells, the newest spelling is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// Actual rows printed with two decimals (`rows=1.00`, 18+).
    pub rows_with_decimals: bool,
    /// How `I/O Timings` are scoped.
    pub io_timings: IoScheme,
}

/// The scopes of the TEXT `I/O Timings:` line (§5.14 of the format reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoScheme {
    /// 9.6–14: `I/O Timings: read=… write=…`.
    Unscoped,
    /// 15–16: `I/O Timings: shared read=… write=…, temp read=… write=…`.
    SharedTemp,
    /// 17+: `I/O Timings: shared read=…, local read=…, temp read=…`.
    SharedLocalTemp,
}

impl Dialect {
    /// The dialect a plan shows.
    ///
    /// * `rows=1.00` (18+): a node or worker with fractional actual rows, or any node with the
    ///   `Disabled` property (printed on every node from 18 on; the TEXT parser fills it in
    ///   when the plan shows it is from 18+) or another property only 18+ prints.
    /// * `I/O Timings`: the 17+ keys (`Shared I/O Read Time`…) or the 15–16 temp keys, else the
    ///   ≤14 spelling.
    pub fn of(plan: &Plan) -> Dialect {
        let mut rows = false;
        let mut new_io = false;
        let mut temp_io = false;
        let mut check_io = |io: Option<&crate::model::IoTimings>| {
            if let Some(t) = io {
                new_io |= t.shared_io_read_time.is_some()
                    || t.shared_io_write_time.is_some()
                    || t.local_io_read_time.is_some()
                    || t.local_io_write_time.is_some();
                temp_io |= t.temp_io_read_time.is_some() || t.temp_io_write_time.is_some();
            }
        };
        let fractional = |v: Option<f64>| v.is_some_and(|r| r.fract() != 0.0);
        for n in &plan.nodes {
            rows |= n.disabled.is_some() || fractional(n.actual_rows) || shows_18(n);
            check_io(n.io_timings.as_deref());
            for w in n.workers().into_iter().flatten() {
                rows |= fractional(w.actual_rows);
                check_io(w.io_timings.as_deref());
            }
        }
        if let Some(p) = &plan.planning {
            check_io(p.io_timings.as_deref());
        }
        if let Some(s) = &plan.serialization {
            check_io(s.io_timings.as_deref());
        }
        Dialect {
            rows_with_decimals: rows,
            io_timings: if new_io {
                IoScheme::SharedLocalTemp
            } else if temp_io {
                IoScheme::SharedTemp
            } else {
                IoScheme::Unscoped
            },
        }
    }
}

/// Whether a node has a property only 18+ prints (the TEXT parser's version cues: the labels
/// `Index Searches`, `Storage`, `Window`, WAL `buffers full`, `Right Semi Join`, and 19's
/// `Estimates:`, `Prefetch:` and `I/O:` lines), on the node or one of its workers.
fn shows_18(n: &Node) -> bool {
    let wal = |w: Option<&crate::model::Wal>| w.is_some_and(|w| w.wal_buffers_full.is_some());
    let read_stream =
        |r: Option<&crate::model::ReadStreamIo>| r.is_some_and(|r| *r != Default::default());
    let estimates = |m: Option<&crate::model::MemoizeStats>| {
        m.is_some_and(|m| {
            m.estimated_capacity.is_some()
                || m.estimated_distinct_lookup_keys.is_some()
                || m.estimated_lookups.is_some()
                || m.estimated_hit_percent.is_some()
        })
    };
    n.scan_stats
        .as_ref()
        .is_some_and(|s| s.index_searches.is_some() || s.storage.is_some())
        || n.other_conditions
            .as_ref()
            .is_some_and(|c| c.window.is_some())
        || n.join_type == Some(crate::model::JoinType::RightSemi)
        || wal(n.wal.as_deref())
        || read_stream(n.read_stream.as_deref())
        || estimates(n.memoize.as_deref())
        || n.workers().into_iter().flatten().any(|w| {
            wal(w.wal.as_deref())
                || read_stream(w.read_stream.as_deref())
                || estimates(w.memoize.as_deref())
        })
}

/// Whether a node never ran (ANALYZE, `loops=0`).
fn never_executed(n: &Node) -> bool {
    n.actual_loops == Some(0)
}
