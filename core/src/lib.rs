//! planlint: parse PostgreSQL EXPLAIN output — every format (TEXT, JSON, YAML, XML), every
//! version from 9.6 on — into one typed plan tree, and analyze it.
//!
//! ```
//! let input = r#"[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders",
//!                  "Actual Rows": 12, "Actual Loops": 1, "Rows Removed by Filter": 499988}}]"#;
//! let plans = planlint::parse(input)?;
//! let root = plans[0].root().unwrap();
//! assert_eq!(root.relation_name.as_deref(), Some("orders"));
//! assert_eq!(root.rows_removed_by_filter, Some(499988.0));
//! # Ok::<(), planlint::Error>(())
//! ```
//!
//! Limits: inputs up to 256 MiB and plans nested up to 1,000 levels by default
//! (see [`ParseOptions`]); deeper or larger input gets an [`Error`], never a crash.

// Every public item has a doc comment (clippy -D warnings turns this into an error).
#![warn(missing_docs)]

pub mod advice;
pub mod analysis;
pub mod error;
pub mod input;
pub mod metrics;
pub mod model;
pub mod parse;
pub mod render;
pub mod rules;

pub use analysis::{Analysis, Report, analysis_schema, analyze};
pub use error::{Error, ErrorKind};
pub use input::Format;
pub use model::{Node, NodeId, NodeType, Plan};
pub use parse::{ParseOptions, parse, parse_bytes, parse_with};
pub use render::{render_json, render_json_plans, render_text, render_text_plans};
pub use rules::{Config, Finding, Severity};
