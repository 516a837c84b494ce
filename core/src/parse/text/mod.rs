//! TEXT input (`EXPLAIN` without `FORMAT`, what most people paste): read into exactly the tree
//! the JSON parser builds from the same plan in JSON.
//!
//! * `node_line` — node lines (nom): prefixes, name, target, cost/actual blocks;
//! * `names` — the node-type table (TEXT name → JSON `Node Type` + qualifiers);
//! * `properties` — `Label: value` lines and the composite lines (Buffers, Sort Method, …);
//! * `tree` — indentation arithmetic, sub-plan headers, worker blocks, trailer, several plans;
//! * `infer` — what TEXT leaves implicit, and [`NOT_IN_TEXT`]: what it cannot tell.
//!
//! Frames around the text (psql, pgAdmin, DBeaver) are removed first by
//! `input::frames`; error positions point into the caller's input.

mod infer;
mod names;
mod node_line;
mod properties;
mod tree;

pub use infer::{NOT_IN_TEXT, NotInText};
pub use names::text_node_name;

use crate::error::Error;
use crate::input::frames;
use crate::model::Plan;

use super::ParseOptions;

/// Parses TEXT-format EXPLAIN output (framed or not); error offsets are in `text`.
pub(crate) fn parse_text(text: &str, options: &ParseOptions) -> Result<Vec<Plan>, Error> {
    let plain = frames::unframe(text);
    tree::parse(&plain.text, options).map_err(|mut e| {
        e.offset = plain.original_offset(e.offset);
        e
    })
}
